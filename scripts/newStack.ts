/**
 * `npm run new-stack -- <name> --environment dev|test|prod --region <azure region> --address-space <cidr>
 *  [--hub-address-space <cidr>] [--workload <code>] [--dir DIR] [--policy-only] [--force]`
 *
 * Writes a new stack's two files: `Pulumi.<name>.yaml` (every key the environment needs, modelled on Pulumi.dev.yaml
 * and Pulumi.prod.yaml, with the hub and spoke subnets derived from the address space by lib/addressPlan.ts) and
 * `policy/config.<name>.json` (a copy of the environment's profile, policy/profiles/<environment>.json). The stack's
 * policy-relevant settings (firewall SKU, flow logs, Defender plans, log retention, protect) follow from that profile,
 * so the new stack plans with no mandatory violation. The generated configuration goes through the same validator as
 * `pulumi up` (lib/config.ts) before anything is written.
 * Exit codes: 0 = written (or --help), 2 = invalid arguments (every problem listed by key; nothing written), 3 = unexpected error.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ENVIRONMENTS, Environment, REGIONS, WORKLOAD_PATTERN } from "../components/shared/naming";
import { overlaps, parseCidr } from "../components/shared/cidr";
import { AddressPlan, HUB_ROLES, SPOKE_ROLES, deriveAddressPlan } from "../lib/addressPlan";
import { isConfigError, parseConfig } from "../lib/config";
import { NO_ZONE_REGIONS } from "../lib/crossChecks";
import { policies } from "../policy/policies";
import { PROJECT_DIR, readProject } from "../tests/harness/stackConfig";

export const USAGE = `Usage: npm run new-stack -- <name> --environment dev|test|prod --region <azure region> --address-space <cidr>
                             [--hub-address-space <cidr>] [--workload <code>] [--dir DIR] [--policy-only] [--force]

Writes DIR/Pulumi.<name>.yaml and DIR/policy/config.<name>.json (DIR defaults to the repository root).

  <name>                 stack name: 2-20 lowercase letters, digits and hyphens, starting and ending with a letter or digit
  --environment          dev, test or prod: the stack's sizing and its policy profile (policy/profiles/<environment>.json)
  --region               Azure region (one of components/shared/naming.ts REGION_CODES, e.g. westeurope)
  --address-space        the spoke VNet's address space; without --hub-address-space it holds both VNets
                         (hub in its first /22, spoke in the /20 after it; /21 or larger)
  --hub-address-space    the hub VNet's address space (/24 or larger, must not overlap --address-space)
  --workload             workload prefix in every resource name (default ahds); stacks with the same workload,
                         environment and region get the same resource names
  --dir                  directory to write into (default: the repository root)
  --policy-only          write only policy/config.<name>.json, for an existing Pulumi.<name>.yaml (environment read from it)
  --force                overwrite existing files
  -h, --help             this text

Exit codes: 0 written, 2 invalid arguments (every problem listed; nothing written), 3 unexpected error.`;

/** Pulumi accepts alphanumerics, hyphens, underscores and periods in stack names; this also keeps the name usable in
 * file names (policy/config.<name>.json, which npm run policy:docs lists), in the ESC environment ahds/<name> and in the
 * bulk upload API's audience: lowercase letters, digits and inner hyphens, 2-20 characters. */
export const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,18}[a-z0-9]$/;

export const PROFILE_DIR = path.join(PROJECT_DIR, "policy", "profiles");
export const profileFile = (environment: Environment): string => path.join(PROFILE_DIR, `${environment}.json`);

type Json = Record<string, unknown>;
export interface Problem { key: string; message: string }

export interface NewStackArgs {
    name: string;
    environment?: Environment;
    region?: string;
    addressSpace?: string;
    hubAddressSpace?: string;
    workload?: string;
    dir: string;
    policyOnly: boolean;
    force: boolean;
    help: boolean;
}

const VALUE_OPTIONS = { "--environment": "environment", "--region": "region", "--address-space": "addressSpace", "--hub-address-space": "hubAddressSpace", "--workload": "workload", "--dir": "dir" } as const;
const FLAG_OPTIONS = { "--policy-only": "policyOnly", "--force": "force", "--help": "help", "-h": "help" } as const;

/** Reads the command line; every problem is collected (by the option's name), none thrown. */
export function parseNewStackArgs(argv: string[]): { args: NewStackArgs; problems: Problem[] } {
    const problems: Problem[] = [];
    const values: Partial<Record<(typeof VALUE_OPTIONS)[keyof typeof VALUE_OPTIONS], string>> = {};
    const flags = { policyOnly: false, force: false, help: false };
    const names: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] ?? "";
        const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
        const option = eq > 0 ? arg.slice(0, eq) : arg;
        if (option in VALUE_OPTIONS) {
            const key = VALUE_OPTIONS[option as keyof typeof VALUE_OPTIONS];
            let value: string | undefined;
            if (eq > 0) value = arg.slice(eq + 1);
            else if (argv[i + 1] !== undefined && !(argv[i + 1] ?? "").startsWith("-")) { value = argv[i + 1]; i += 1; }
            if (value === undefined || value === "") { problems.push({ key: option, message: "needs a value" }); continue; }
            if (values[key] !== undefined) problems.push({ key: option, message: "is given more than once" });
            values[key] = value;
        } else if (option in FLAG_OPTIONS) {
            if (eq > 0) problems.push({ key: option, message: "takes no value" });
            flags[FLAG_OPTIONS[option as keyof typeof FLAG_OPTIONS]] = true;
        } else if (arg.startsWith("-")) {
            problems.push({ key: option, message: "is not an option of new-stack (see --help)" });
        } else {
            names.push(arg);
        }
    }
    if (names.length > 1) problems.push({ key: "name", message: `one stack name expected, got ${names.length} (${names.join(", ")})` });
    const environment = values.environment;
    const args: NewStackArgs = {
        name: names[0] ?? "",
        ...(environment !== undefined ? { environment: environment as Environment } : {}),
        ...(values.region !== undefined ? { region: values.region } : {}),
        ...(values.addressSpace !== undefined ? { addressSpace: values.addressSpace } : {}),
        ...(values.hubAddressSpace !== undefined ? { hubAddressSpace: values.hubAddressSpace } : {}),
        ...(values.workload !== undefined ? { workload: values.workload } : {}),
        dir: path.resolve(values.dir ?? PROJECT_DIR),
        ...flags,
    };
    return { args, problems };
}

// ---------------------------------------------------------------- profiles

export function readProfile(environment: Environment): Json {
    return JSON.parse(fs.readFileSync(profileFile(environment), "utf8")) as Json;
}

/** A rule's level under a pack config: its own entry, else the config's `all`, else the rule's default. */
export function levelOf(config: Json, rule: string): string {
    const entry = config[rule];
    if (typeof entry === "string") return entry;
    const own = typeof entry === "object" && entry !== null ? (entry as Json)["enforcementLevel"] : undefined;
    if (typeof own === "string") return own;
    if (typeof config["all"] === "string") return config["all"];
    const policy = policies.find((p) => p.name === rule);
    if (policy === undefined) throw new Error(`no rule ${rule} in the pack`);
    return policy.enforcementLevel ?? "advisory";
}

/** A rule setting under a pack config: the config's value, else the default in the rule's schema. */
export function settingOf(config: Json, rule: string, setting: string): unknown {
    const entry = config[rule];
    if (typeof entry === "object" && entry !== null && setting in entry) return (entry as Json)[setting];
    const policy = policies.find((p) => p.name === rule);
    if (policy === undefined) throw new Error(`no rule ${rule} in the pack`);
    return (policy.configSchema?.properties?.[setting] as { default?: unknown } | undefined)?.default;
}

/** What a profile asks of a stack's configuration: the settings its mandatory rules (and their settings) decide. */
export interface ProfileDemands {
    /** firewall-premium-idps mandatory: Azure Firewall Premium, IDPS Deny. */
    firewallPremium: boolean;
    /** vnet-flow-logs-coverage mandatory: flow logs on every VNet, kept at least flowLogRetentionDays. */
    flowLogs: boolean;
    flowLogRetentionDays: number;
    /** defender-plans-enabled mandatory and not left to the platform team: the stack enables the plans. */
    defenderPlans: boolean;
    /** law-retention-and-local-auth's minRetentionDays. */
    logRetentionDays: number;
    /** prod-stateful-protected mandatory with requireProtect. */
    protect: boolean;
}

export function profileDemands(profile: Json): ProfileDemands {
    const mandatory = (rule: string) => levelOf(profile, rule) === "mandatory";
    const num = (rule: string, setting: string) => Number(settingOf(profile, rule, setting));
    return {
        firewallPremium: mandatory("firewall-premium-idps"),
        flowLogs: mandatory("vnet-flow-logs-coverage"),
        flowLogRetentionDays: num("vnet-flow-logs-coverage", "minRetentionDays"),
        defenderPlans: mandatory("defender-plans-enabled") && settingOf(profile, "defender-plans-enabled", "platformManaged") !== true,
        logRetentionDays: num("law-retention-and-local-auth", "minRetentionDays"),
        protect: mandatory("prod-stateful-protected") && settingOf(profile, "prod-stateful-protected", "requireProtect") === true,
    };
}

// ---------------------------------------------------------------- the stack file

/** Per environment: sizing and features, as in Pulumi.dev.yaml and Pulumi.prod.yaml (test: dev's sizing, gated like prod). */
interface Sizing {
    summary: string;
    zoneRedundant: boolean;
    retainOnDelete: boolean;
    /** Daily ingestion cap; a cap drops audit data once reached, so dev only. */
    dailyQuotaGb: number;
    bastionSku: string;
    apimSku: string;
    apimCapacity: number;
    appGatewayMin: number;
    appGatewayMax: number;
    loaderPlanSku: string;
    dicom: boolean;
    medtech: boolean;
    intelligence: boolean;
    hitrustPolicyAssignment: boolean;
    /** Prod serves the organisation's certificate (lib/crossChecks.ts requires it), never a self-signed one. */
    certificate: boolean;
}

const SIZING: Record<Environment, Sizing> = {
    dev: {
        summary: "cheapest SKUs that keep the security posture (private endpoints, firewall egress, Deny threat intel), single instances, nothing protected",
        zoneRedundant: false, retainOnDelete: false, dailyQuotaGb: 5, bastionSku: "Basic", apimSku: "Developer", apimCapacity: 1, appGatewayMin: 0, appGatewayMax: 2,
        loaderPlanSku: "B1", dicom: false, medtech: false, intelligence: false, hitrustPolicyAssignment: false, certificate: false,
    },
    test: {
        summary: "gated like prod (policy/profiles/test.json: every rule mandatory, 365-day audit retention, protected stores) on dev's single-instance sizing",
        zoneRedundant: false, retainOnDelete: false, dailyQuotaGb: -1, bastionSku: "Basic", apimSku: "Developer", apimCapacity: 1, appGatewayMin: 0, appGatewayMax: 2,
        loaderPlanSku: "B1", dicom: false, medtech: false, intelligence: false, hitrustPolicyAssignment: true, certificate: false,
    },
    prod: {
        summary: "zone redundancy where offered, protected and retained stateful resources, 365-day audit retention, Premium firewall (IDPS) and API Management",
        zoneRedundant: true, retainOnDelete: true, dailyQuotaGb: -1, bastionSku: "Standard", apimSku: "Premium", apimCapacity: 2, appGatewayMin: 2, appGatewayMax: 10,
        loaderPlanSku: "P1v3", dicom: true, medtech: true, intelligence: true, hitrustPolicyAssignment: true, certificate: true,
    },
};

export interface StackSpec {
    name: string;
    environment: Environment;
    region: string;
    workload: string;
    plan: AddressPlan;
    /** The address space(s) the plan was derived from, as given. */
    addressSpace: string;
    hubAddressSpace?: string;
    profile: Json;
}

/** A YAML scalar: plain where YAML reads it back as the same string, double-quoted (JSON) otherwise. */
function scalar(v: string | number | boolean): string {
    if (typeof v !== "string") return String(v);
    return /^[A-Za-z0-9@._/:-]+$/.test(v) && typeof YAML.parse(v) === "string" ? v : JSON.stringify(v);
}

/** The stack file's text: comments as in the hand-written stacks, then `environment:` (ESC) and `config:`. */
export function stackFileText(s: StackSpec): string {
    const size = SIZING[s.environment];
    const demands = profileDemands(s.profile);
    const zones = size.zoneRedundant && !NO_ZONE_REGIONS.includes(s.region);
    const lines: string[] = [];
    const key = (k: string, v: string | number | boolean) => lines.push(`  ahds:${k}: ${scalar(v)}`);
    const comment = (...text: string[]) => lines.push(...text.map((t) => `  # ${t}`));
    const from = s.hubAddressSpace !== undefined ? `hub ${s.hubAddressSpace}, spoke ${s.addressSpace}` : `${s.addressSpace} (hub ${s.plan.hub.addressSpace}, spoke ${s.plan.spoke.addressSpace})`;
    lines.push(
        `# ${s.name}: a ${s.environment} stack written by \`npm run new-stack\`: ${size.summary}.`,
        `# Values not set here come from the defaults in Pulumi.yaml. Replace the example owner, cost center and e-mail before the first deploy.`,
        `# Address plan: derived from ${from} by lib/addressPlan.ts, with the sizes the config check enforces.`,
        `# Policy gate: policy/config.${s.name}.json, a copy of policy/profiles/${s.environment}.json:`,
        `#   npm run plan -- --stack ${s.name} --policy-pack-config policy/config.${s.name}.json`,
        `# Azure credentials: the ESC environment ahds/${s.name} (create it like esc/ahds-${s.environment === "prod" ? "prod" : "dev"}.yaml: OIDC, no secret; README, "Delivery").`,
        "environment:",
        `  - ahds/${s.name}`,
        "config:",
    );
    key("environment", s.environment);
    key("workload", s.workload);
    key("location", s.region);
    key("owner", "platform-team@example.org");
    key("costCenter", `cc-0000-${s.name}`);
    key("protect", s.environment === "prod" || demands.protect);
    key("retainOnDelete", size.retainOnDelete);
    key("zoneRedundant", zones);
    key("logAnalytics.retentionInDays", Math.max(demands.logRetentionDays, 90));
    key("logAnalytics.dailyQuotaGb", size.dailyQuotaGb);
    key("hub.addressSpace", s.plan.hub.addressSpace);
    for (const r of HUB_ROLES) { const c = s.plan.hub.subnets[r.key]; if (c !== undefined) key(r.key, c); }
    key("spoke.addressSpace", s.plan.spoke.addressSpace);
    for (const r of SPOKE_ROLES) { const c = s.plan.spoke.subnets[r.key]; if (c !== undefined) key(r.key, c); }
    key("firewall.sku", demands.firewallPremium ? "Premium" : "Standard");
    key("bastion.sku", size.bastionSku);
    key("apim.sku", size.apimSku);
    key("apim.capacity", size.apimCapacity);
    key("appGateway.minCapacity", size.appGatewayMin);
    key("appGateway.maxCapacity", size.appGatewayMax);
    key("jumpbox.enabled", true);
    // Prod must record its network traffic (lib/crossChecks.ts); elsewhere the profile decides.
    const flowLogs = demands.flowLogs || s.environment === "prod";
    key("flowLogs.enabled", flowLogs);
    if (flowLogs) key("flowLogs.retentionInDays", Math.max(demands.flowLogRetentionDays, s.environment === "prod" ? 365 : 90));
    key("governance.defenderPlans", demands.defenderPlans);
    key("governance.hitrustPolicyAssignment", size.hitrustPolicyAssignment);
    key("fhir.dicom", size.dicom);
    key("fhir.medtech", size.medtech);
    key("apim.publisherEmail", "platform-team@example.org");
    comment(`The FHIR Loader with VNet integration and private endpoints; its package is uploaded by hand (README, "Bulk loader")`,
        "until bulkLoader.packageUrl/packageSha256 name your CI's build.");
    key("bulkLoader.enabled", true);
    key("bulkLoader.planSku", size.loaderPlanSku);
    comment(`The /bulk upload API: register an app with this Application ID URI and an app role "Bulk.Upload" for the clients`,
        `that may upload (README, "Uploading through the gateway").`);
    key("bulkLoader.uploadAudience", `api://${s.workload}-bulk-upload-${s.name}`);
    if (size.certificate) {
        comment("Replace with your organisation's certificate (versionless secret ID) and the vault that holds it; the vault must",
            "be reachable from the spoke (a private endpoint registered in privatelink.vaultcore.azure.net).");
        key("appGateway.hostName", "fhir.example.org");
        key("appGateway.certificateSecretId", "https://kv-pki-prod.vault.azure.net/secrets/fhir-gateway-tls");
        key("appGateway.certificateKeyVaultId", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pki-prod/providers/Microsoft.KeyVault/vaults/kv-pki-prod");
    }
    if (size.intelligence) {
        comment("Text Analytics for Health on a private Language account.");
        key("intelligence.enabled", true);
    }
    if (s.environment === "prod") {
        comment("Synapse serverless over the analytics lake: set your Synapse administrators' Entra ID group, then uncomment.",
            "ahds:analytics.synapse: true", "ahds:analytics.synapseAdminGroupObjectId: <group object ID>");
    }
    const reserved = s.plan.hub.reserved;
    comment(`Hybrid connectivity (README, "Hybrid connectivity"), off: the address plan keeps room for it. To enable it, uncomment`,
        "and fill in your site (then set the pre-shared key: pulumi config set --secret ahds:hybrid.sharedKey ...).",
        "ahds:hybrid.type: vpn",
        ...["hub.gatewaySubnet", "hub.dnsResolverInboundSubnet"].map((k) => (reserved[k] !== undefined ? `ahds:${k}: ${reserved[k]}` : `ahds:${k}: <none fits: ${s.plan.hub.unreserved[k] ?? "no room"}>`)),
        "ahds:hybrid.onPremisesPrefixes: <on-premises prefixes, comma-separated>",
        "ahds:hybrid.vpnPeerIpAddress: <public IPv4 of the on-premises VPN device>");
    return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------- the run

/** A stack file's flat config as the CLI builds it: Pulumi.yaml defaults overlaid by the file (values as strings). */
export function flatConfig(stackText: string, projectDir = PROJECT_DIR): Record<string, string> {
    const project = readProject(projectDir);
    const out: Record<string, string> = {};
    const str = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    for (const d of project.config) if (d.default !== undefined) out[`${project.name}:${d.key}`] = str(d.default);
    const doc = (YAML.parse(stackText) ?? {}) as { config?: Record<string, unknown> };
    for (const [k, v] of Object.entries(doc.config ?? {})) out[k.includes(":") ? k : `${project.name}:${k}`] = str(v);
    return out;
}

export interface NewStackResult {
    /** Files to write (absolute paths), in order; empty when there are problems. */
    files: Array<{ path: string; text: string }>;
    problems: Problem[];
    /** Things worth knowing that do not stop the run (name or address collisions with the directory's other stacks). */
    notes: string[];
}

const stackFileOf = (dir: string, name: string) => path.join(dir, `Pulumi.${name}.yaml`);
const policyFileOf = (dir: string, name: string) => path.join(dir, "policy", `config.${name}.json`);

/** Everything new-stack would write, or every problem that stops it; reads files, writes none. */
export function planNewStack(args: NewStackArgs): NewStackResult {
    const problems: Problem[] = [];
    const add = (key: string, message: string) => problems.push({ key, message });
    if (args.name === "") add("name", "is required (the stack's name, e.g. qa or prod-eu)");
    else if (!STACK_NAME.test(args.name)) add("name", `"${args.name}" must be 2-20 lowercase letters, digits or hyphens, starting and ending with a letter or digit`);
    if (!fs.existsSync(args.dir) || !fs.statSync(args.dir).isDirectory()) add("--dir", `"${args.dir}" is not a directory`);
    const stackFile = stackFileOf(args.dir, args.name);
    const policyFile = policyFileOf(args.dir, args.name);
    const envOk = (e: string | undefined): e is Environment => e !== undefined && (ENVIRONMENTS as readonly string[]).includes(e);
    if (args.environment !== undefined && !envOk(args.environment)) add("--environment", `"${args.environment}" must be one of ${ENVIRONMENTS.join(", ")}`);

    if (args.policyOnly) {
        for (const [option, v] of [["--region", args.region], ["--address-space", args.addressSpace], ["--hub-address-space", args.hubAddressSpace], ["--workload", args.workload]] as const) {
            if (v !== undefined) add(option, "is not used with --policy-only (it writes only the policy config; the stack file stays as it is)");
        }
        let environment: string | undefined;
        if (args.name !== "" && STACK_NAME.test(args.name) && problems.every((p) => p.key !== "--dir")) {
            if (!fs.existsSync(stackFile)) add("name", `no ${path.basename(stackFile)} in ${args.dir}: --policy-only writes the policy config of an existing stack`);
            else {
                try { environment = flatConfig(fs.readFileSync(stackFile, "utf8"))["ahds:environment"]; } catch (e) { add("name", `${path.basename(stackFile)} cannot be read: ${(e as Error).message}`); }
                if (environment !== undefined && !envOk(environment)) add("name", `${path.basename(stackFile)} has ahds:environment "${environment}", which has no profile`);
                if (args.environment !== undefined && environment !== undefined && args.environment !== environment) add("--environment", `"${args.environment}" differs from ahds:environment "${environment}" in ${path.basename(stackFile)}`);
            }
            if (fs.existsSync(policyFile) && !args.force) add("name", `${path.relative(args.dir, policyFile)} exists; pass --force to overwrite it`);
        }
        if (problems.length > 0 || !envOk(environment)) return { files: [], problems, notes: [] };
        return { files: [{ path: policyFile, text: fs.readFileSync(profileFile(environment), "utf8") }], problems, notes: [] };
    }

    if (args.environment === undefined) add("--environment", `is required (${ENVIRONMENTS.join(", ")})`);
    if (args.region === undefined) add("--region", "is required (an Azure region, e.g. westeurope)");
    else if (!(REGIONS as readonly string[]).includes(args.region)) add("--region", `"${args.region}" is not a region this platform supports (${REGIONS.join(", ")}; components/shared/naming.ts REGION_CODES)`);
    const workload = args.workload ?? "ahds";
    if (!WORKLOAD_PATTERN.test(workload)) add("--workload", `"${workload}" must be 2-6 lowercase letters or digits, starting with a letter`);
    let plan: AddressPlan | undefined;
    if (args.addressSpace === undefined) add("--address-space", "is required (the spoke's IPv4 CIDR, or both VNets' without --hub-address-space)");
    else {
        const derived = deriveAddressPlan({ addressSpace: args.addressSpace, ...(args.hubAddressSpace !== undefined ? { hubAddressSpace: args.hubAddressSpace } : {}) });
        for (const p of derived.problems) add(p.input === "hubAddressSpace" ? "--hub-address-space" : "--address-space", p.message);
        plan = derived.plan;
    }
    if (args.name !== "" && STACK_NAME.test(args.name) && !args.force) {
        for (const f of [stackFile, policyFile]) if (fs.existsSync(f)) add("name", `${path.relative(args.dir, f)} exists; pass --force to overwrite it`);
    }
    if (problems.length > 0 || plan === undefined || !envOk(args.environment) || args.region === undefined) return { files: [], problems, notes: [] };

    const profileText = fs.readFileSync(profileFile(args.environment), "utf8");
    const text = stackFileText({
        name: args.name, environment: args.environment, region: args.region, workload, plan, addressSpace: args.addressSpace ?? "",
        ...(args.hubAddressSpace !== undefined ? { hubAddressSpace: args.hubAddressSpace } : {}), profile: JSON.parse(profileText) as Json,
    });
    // The same validation `pulumi up` runs; a problem here is new-stack's own (a combination it does not handle).
    try {
        parseConfig(flatConfig(text));
    } catch (e) {
        if (!isConfigError(e)) throw e;
        for (const p of e.problems) add(p.key, `${p.message} (in the generated configuration)`);
        return { files: [], problems, notes: [] };
    }
    return { files: [{ path: stackFile, text }, { path: policyFile, text: profileText }], problems, notes: collisions(args.dir, args.name, text) };
}

/** Other stacks of the directory that would share resource names with this one, or whose VNets overlap its own. */
function collisions(dir: string, name: string, text: string): string[] {
    const notes: string[] = [];
    const mine = flatConfig(text);
    const identity = (c: Record<string, string>) => ["workload", "environment", "location"].map((k) => c[`ahds:${k}`] ?? "").join("/");
    const spaces = (c: Record<string, string>) => ["hub.addressSpace", "spoke.addressSpace"].map((k) => parseCidr(c[`ahds:${k}`] ?? "")).filter((x) => typeof x !== "string");
    for (const file of fs.readdirSync(dir).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f) && f !== `Pulumi.${name}.yaml`).sort()) {
        let other: Record<string, string>;
        try { other = flatConfig(fs.readFileSync(path.join(dir, file), "utf8")); } catch { continue; }
        if (identity(other) === identity(mine)) {
            notes.push(`${file} has the same workload, environment and region (${identity(mine)}): the two stacks' resource names (resource groups, VNets, ...) are the same, so they cannot share a subscription; pass --workload to tell them apart`);
        }
        const clash = spaces(mine).filter((a) => spaces(other).some((b) => overlaps(a, b)));
        if (clash.length > 0) notes.push(`${file}'s address plan overlaps ${clash.map((c) => c.text).join(" and ")}: the two stacks' VNets cannot be peered or routed to each other`);
    }
    return notes;
}

/** Runs new-stack: parses, checks, writes. Returns the exit code; `out` gets the report, `err` the problems. */
export function main(argv: string[], out: (s: string) => void = console.log, err: (s: string) => void = console.error): number {
    const { args, problems } = parseNewStackArgs(argv);
    if (args.help) { out(USAGE); return 0; }
    const result = planNewStack(args);
    const all = [...problems, ...result.problems];
    if (all.length > 0) {
        err(`new-stack: nothing written (${all.length} problem${all.length === 1 ? "" : "s"}):\n${all.map((p) => `  ${p.key}: ${p.message}`).join("\n")}\n\n(npm run new-stack -- --help for usage)`);
        return 2;
    }
    for (const f of result.files) {
        fs.mkdirSync(path.dirname(f.path), { recursive: true });
        fs.writeFileSync(f.path, f.text);
        const rel = path.relative(process.cwd(), f.path);
        out(`wrote ${rel.startsWith("..") || rel === "" ? f.path : rel}`);
    }
    for (const n of result.notes) out(`note: ${n}`);
    const shown = (f: string) => { const rel = path.relative(PROJECT_DIR, f); return rel.startsWith("..") ? f : rel; };
    const stackFile = stackFileOf(args.dir, args.name);
    out(["", "Next:", `  npm run plan -- --stack ${args.name}${args.dir !== PROJECT_DIR ? ` --stack-file ${shown(stackFile)}` : ""} --policy-pack-config ${shown(policyFileOf(args.dir, args.name))}`,
        `  create the ESC environment ahds/${args.name} (see esc/), then: pulumi stack init ${args.name}`].join("\n"));
    return 0;
}

if (require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (e) {
        console.error(`new-stack: ${e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 3;
    }
}
