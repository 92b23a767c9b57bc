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
import { ENVIRONMENTS, Environment, REGIONS, WORKLOAD_PATTERN } from "../../components/shared/naming";
import { overlaps, parseCidr } from "../../components/shared/cidr";
import { AddressPlan, deriveAddressPlan } from "../../lib/addressPlan";
import { isConfigError, parseConfig } from "../../lib/config";
import { PROJECT_DIR } from "../../lib/offline/stackConfig";
import { NewStackArgs, Problem, STACK_NAME, parseNewStackArgs } from "./args";
import { Json, profileFile } from "./profile";
import { flatConfig, stackFileText } from "./stackFile";

export { NewStackArgs, Problem, STACK_NAME, parseNewStackArgs } from "./args";
export { PROFILE_DIR, ProfileDemands, levelOf, profileDemands, profileFile, readProfile, settingOf } from "./profile";
export { StackSpec, flatConfig, stackFileText } from "./stackFile";

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
