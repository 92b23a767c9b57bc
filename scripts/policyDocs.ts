/**
 * `npm run policy:docs`: writes docs/policies.md from the pack's own metadata: the rule table (name, description,
 * severity, default enforcement, area, HITRUST controls, Azure Policy and Checkov IDs), every rule's settings (from its
 * config schema: name, type, default), every rule's remediation, and each stack's overrides (levels with their
 * reasons, settings, exemptions with their justifications). tests/docs.spec.ts checks the file is current.
 */
import * as fs from "fs";
import * as path from "path";
import { policies } from "../policy/policies";
import { ANY_TYPE, RULE_METADATA } from "../policy/rules/define";

export const POLICY_DOC = path.join(__dirname, "..", "docs", "policies.md");

const ROOT = path.join(__dirname, "..");
const CONFIG_DIR = path.join(ROOT, "policy");
/** The deploy program's plan config (CI plans its `platform` stack with it). */
const DEPLOY_CONFIG = path.join(ROOT, "deploy", "policy-config.json");

/** The settings every rule accepts (define.ts `common`), documented once. */
const COMMON_SETTINGS = ["exemptions", "downgradeReason"];

type Entry = string | ({ enforcementLevel?: string; downgradeReason?: string; exemptions?: Array<{ resourceName: string; justification: string }> } & Record<string, unknown>);

type Schema = { type?: string; items?: Schema; properties?: Record<string, Schema>; required?: string[]; minimum?: number; maximum?: number; minLength?: number; enum?: unknown[]; default?: unknown };

/** A JSON schema as a short type: `integer, 30-730`, `array of string`, `array of { resourceName: string (at least 1 character), ... }`. */
function schemaType(s: Schema): string {
    if (s.enum !== undefined) return `one of ${s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(", ")}`;
    if (s.type === "array") return `array of ${s.items !== undefined ? schemaType(s.items) : "anything"}`;
    if (s.type === "object" && s.properties !== undefined) {
        const required = new Set(s.required ?? []);
        return `{ ${Object.entries(s.properties).map(([k, v]) => `${k}${required.has(k) ? "" : "?"}: ${schemaType(v)}`).join(", ")} }`;
    }
    const bounds = [
        s.minimum !== undefined && s.maximum !== undefined ? `${s.minimum}-${s.maximum}` : s.minimum !== undefined ? `at least ${s.minimum}` : s.maximum !== undefined ? `at most ${s.maximum}` : undefined,
        s.minLength !== undefined ? `at least ${s.minLength} character${s.minLength === 1 ? "" : "s"}` : undefined,
    ].filter((b) => b !== undefined);
    return `${s.type ?? "any"}${bounds.length > 0 ? ` (${bounds.join(", ")})` : ""}`;
}

const defaultOf = (s: Schema): string => ("default" in s ? `\`${JSON.stringify(s.default)}\`` : "(none)");

/** Markdown table cell: pipes escaped. */
const cell = (s: string): string => s.replace(/\|/g, "\\|");

const schemaOf = (rule: string): Record<string, Schema> => (policies.find((p) => p.name === rule)?.configSchema?.properties ?? {}) as Record<string, Schema>;

/** One stack config's deviations from the pack defaults: level changes (with reasons), settings, exemptions. */
function overrides(title: string, file: string): string[] {
    const config = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Entry>;
    const lines = [`### ${title} (\`${path.relative(ROOT, file).split(path.sep).join("/")}\`)`, "", `Default level for every rule: ${typeof config["all"] === "string" ? `**${config["all"]}**` : "the rule's own"}.`, ""];
    for (const [rule, entry] of Object.entries(config)) {
        if (rule === "all" || rule === "environments") continue;
        if (typeof entry === "string") { lines.push(`- \`${rule}\`: **${entry}**`); continue; }
        if (entry.enforcementLevel !== undefined) lines.push(`- \`${rule}\`: **${entry.enforcementLevel}**: ${entry.downgradeReason ?? "(no reason given)"}`);
        const schema = schemaOf(rule);
        for (const [k, v] of Object.entries(entry).filter(([k]) => !["enforcementLevel", "downgradeReason", "exemptions"].includes(k))) {
            const s = schema[k];
            lines.push(`- \`${rule}\`: \`${k}\` = \`${JSON.stringify(v)}\`${s !== undefined ? ` (rule default ${defaultOf(s)})` : ""}`);
        }
        for (const e of entry.exemptions ?? []) lines.push(`- \`${rule}\` exempts \`${e.resourceName}\`: ${e.justification}`);
    }
    lines.push("");
    return lines;
}

/** Each stack's deviations from the pack defaults: policy/config.<stack>.json, then the deploy program's config. */
function stackOverrides(): string[] {
    const stacks = fs.readdirSync(CONFIG_DIR).filter((f) => /^config\.[a-z0-9-]+\.json$/.test(f)).sort()
        .flatMap((f) => overrides(f.split(".")[1] ?? f, path.join(CONFIG_DIR, f)));
    return [...stacks, ...(fs.existsSync(DEPLOY_CONFIG) ? overrides("platform, the deploy program", DEPLOY_CONFIG) : [])];
}

/** The settings every rule accepts (once), then each rule's own settings (name, type, default). */
function settings(): string[] {
    const common = schemaOf(policies[0]?.name ?? "");
    const meaning: Record<string, string> = {
        exemptions: "Resources that skip the rule: `resourceName` is a regular expression matched in full against the resource name (`<vnet>/<subnet>` for subnet rules), `justification` says why.",
        downgradeReason: "Why a stack sets the rule below mandatory (required with such an `enforcementLevel`, and only then).",
    };
    const own = policies.map((p) => ({ name: p.name, props: Object.entries((p.configSchema?.properties ?? {}) as Record<string, Schema>).filter(([k]) => !COMMON_SETTINGS.includes(k)) }))
        .filter((r) => r.props.length > 0);
    return [
        "## Rule settings",
        "",
        "A stack's policy config (`policy/config.<stack>.json`) sets, per rule, `enforcementLevel` and the rule's settings; the engine fills in the defaults and validates the file against each rule's config schema when the pack is configured.",
        "",
        "Every rule accepts:",
        "",
        "| Setting | Type | Default | Meaning |",
        "|---|---|---|---|",
        ...COMMON_SETTINGS.map((k) => { const s = common[k] ?? {}; return `| \`${k}\` | ${cell(schemaType(s))} | ${defaultOf(s)} | ${meaning[k] ?? ""} |`; }),
        "",
        `${own.length} rules have settings of their own (the other ${policies.length - own.length} only the two above):`,
        "",
        "| Rule | Setting | Type | Default |",
        "|---|---|---|---|",
        ...own.flatMap((r) => r.props.map(([k, s]) => `| \`${r.name}\` | \`${k}\` | ${cell(schemaType(s))} | ${cell(defaultOf(s))} |`)),
        "",
    ];
}

/** Every rule's remediation steps (what the plan prints under a violation). */
function remediations(): string[] {
    return [
        "## Remediation",
        "",
        "What to change when a rule fails (the plan prints it under the rule's violations, and its `--json` carries it as `remediation`).",
        "",
        "| Rule | Severity | Remediation |",
        "|---|---|---|",
        // `<` escaped: GitHub would take `<inbound>` or `<tenant id>` for an HTML tag and drop it.
        ...policies.map((p) => `| \`${p.name}\` | ${p.severity ?? ""} | ${cell(p.remediationSteps ?? "").replace(/</g, "&lt;")} |`),
        "",
    ];
}

export function policyDoc(): string {
    const rows = policies.map((p) => {
        const meta = RULE_METADATA.get(p.name);
        const area = meta?.area ?? "";
        const hitrust = meta?.controls.hitrust.join(", ") ?? p.framework?.reference ?? "";
        const azure = meta?.controls.azurePolicy.join(", ") ?? "";
        const checkov = meta?.controls.checkov.join(", ") ?? "";
        const types = meta?.types.map((t) => (t === ANY_TYPE ? "every taggable azure-native type" : `\`${t}\``)).join(", ") ?? "(see rule)";
        return `| \`${p.name}\` | ${area} | ${p.severity ?? ""} | ${p.enforcementLevel ?? ""} | ${p.description} | ${types} | ${hitrust} | ${azure} | ${checkov} |`;
    });
    return [
        "# Policy pack rules",
        "",
        "Generated by `npm run policy:docs` from the pack's metadata (`policy/`); do not edit by hand.",
        "",
        `${policies.length} rules. "Default" is the rule's own level; both stack configs start from \`"all": "mandatory"\`, and \`policy/config.dev.json\` lowers a few cost-driven rules with a reason (listed below).`,
        "Every rule accepts `exemptions: [{ resourceName: <regex matched in full against the resource name, or <vnet>/<subnet> for subnet rules>, justification: <at least 20 chars> }]` and `downgradeReason` ([settings](#rule-settings)).",
        "",
        "| Rule | Area | Severity | Default | What it enforces | Types | HITRUST CSF | Azure Policy | Checkov |",
        "|---|---|---|---|---|---|---|---|---|",
        ...rows,
        "",
        ...settings(),
        ...remediations(),
        "## Stack configuration",
        "",
        "Levels below mandatory carry a `downgradeReason`; exemptions carry a `justification` (both required by the rules' config schema). Settings are listed with the rule's default.",
        "",
        ...stackOverrides(),
    ].join("\n");
}

if (require.main === module) {
    fs.mkdirSync(path.dirname(POLICY_DOC), { recursive: true });
    fs.writeFileSync(POLICY_DOC, policyDoc());
    console.log(`${path.relative(process.cwd(), POLICY_DOC)} written (${policies.length} rules)`);
}
