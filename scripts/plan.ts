/**
 * `npm run plan -- --stack <dev|prod> [--json FILE] [--mermaid FILE] [--mode preview|update] [--project-dir DIR]`
 *
 * Offline preview: runs index.ts for the stack under the Pulumi mocks harness, then evaluates the policy pack in
 * policy/ exactly as the engine does (separate process, analyzer gRPC). Needs no Azure credentials and no Pulumi CLI.
 * `--project-dir deploy` plans another program of the repository (its Pulumi.yaml, Pulumi.<stack>.yaml and index.ts).
 * Exit codes: 0 = no mandatory violation, 1 = mandatory violations, 2 = invalid config or usage, 3 = unexpected error.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { isConfigError } from "../lib/config";
import { Graph, STACK_TYPE } from "../tests/harness/graph";
import { RecordedResource } from "../tests/harness/mocks";
import { PolicySummary, Violation, deferredAtPreview, evaluatePolicies } from "../tests/harness/policyHost";
import { runProgram } from "../tests/harness/run";
import { PROJECT_DIR } from "../tests/harness/stackConfig";
import { Json } from "../tests/harness/values";

export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string | null;
    inputs: Record<string, Json>;
    protect: boolean;
    retainOnDelete: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

/** The `--json` contract (other tooling reads it: keep these fields stable, add freely). */
export interface PlanJson {
    project: string;
    stack: string;
    mode: "preview" | "update";
    resources: PlanResource[];
    policy: PolicySummary;
}

export function toPlanJson(project: string, stack: string, mode: "preview" | "update", graph: Graph, policy: PolicySummary): PlanJson {
    return {
        project,
        stack,
        mode,
        resources: graph.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent,
            inputs: graph.plainInputs(r),
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
        })),
        policy: { pack: policy.pack, version: policy.version, policies: policy.policies, violations: policy.violations },
    };
}

/** Components, plus resources created directly by index.ts: the units the program wires together. */
function topLevelUnits(graph: Graph): RecordedResource[] {
    const stack = graph.resources.find((r) => r.type === STACK_TYPE);
    return graph.resources.filter((r) => r.type !== STACK_TYPE && (r.parent === (stack?.urn ?? null) || !r.custom));
}

/** Mermaid flowchart of the program's units and the dependencies between them (README embeds it). */
export function toMermaid(graph: Graph): string {
    const units = topLevelUnits(graph);
    const id = new Map(units.map((u, i) => [u.urn, `n${i}`]));
    // Map every resource to the top-level unit that contains it.
    const owner = (r: RecordedResource | undefined): string | undefined => {
        let cur = r;
        while (cur !== undefined && !id.has(cur.urn)) cur = cur.parent === null ? undefined : graph.byUrn(cur.parent);
        return cur?.urn;
    };
    const lines = ["flowchart LR"];
    for (const u of units) {
        const short = u.type.replace(/^azure-native:/, "").replace(/^random:index\/\w+:/, "random:");
        const label = u.custom ? `${u.name}<br/><small>${short}</small>` : `${u.name}<br/><small>${u.type} (${graph.resources.filter((r) => owner(r) === u.urn).length - 1} children)</small>`;
        lines.push(`    ${id.get(u.urn)}${u.custom ? `["${label}"]` : `[["${label}"]]`}`);
    }
    const edges = new Set<string>();
    for (const r of graph.resources) {
        const from = owner(r);
        if (from === undefined) continue;
        for (const dep of graph.allDependencies(r)) {
            const to = owner(graph.byUrn(dep));
            if (to !== undefined && to !== from) edges.add(`    ${id.get(to)} --> ${id.get(from)}`);
        }
    }
    return [...lines, ...[...edges].sort()].join("\n") + "\n";
}

function printTree(graph: Graph, out: string[]): void {
    const walk = (r: RecordedResource, depth: number) => {
        out.push(`${"  ".repeat(depth)}${r.custom ? "-" : "+"} ${r.type} ${r.name}${r.protect ? " [protected]" : ""}`);
        for (const c of graph.children(r.urn)) walk(c, depth + 1);
    };
    for (const root of graph.resources.filter((r) => r.parent === null)) walk(root, 0);
}

function printViolations(violations: Violation[], out: string[]): void {
    const deferred = violations.filter((v) => deferredAtPreview(v) !== undefined);
    for (const level of ["mandatory", "advisory"] as const) {
        const vs = violations.filter((v) => v.enforcementLevel === level && !deferred.includes(v));
        out.push(`${level} violations: ${vs.length}`);
        for (const v of vs) out.push(`  [${v.policy}] ${v.urn ?? "(stack)"}\n      ${v.message}`);
    }
    out.push(`checks deferred to \`pulumi up\` (a value they read is unknown until the resources it comes from exist; the engine runs them before creating the resource): ${deferred.length}`);
    for (const v of deferred) out.push(`  [${v.policy}] ${v.urn ?? "(stack)"}\n      ${deferredAtPreview(v) ?? ""}`);
}

export interface PlanArgs {
    stack: string;
    json?: string;
    mermaid?: string;
    mode: "preview" | "update";
    program?: string;
    stackFile?: string;
    /** Project directory of another program (its Pulumi.yaml declares the config). @default the repo root */
    projectDir?: string;
    policyPack: string;
    policyConfig?: string;
}

function parse(argv: string[]): PlanArgs {
    const { values } = parseArgs({
        args: argv,
        options: {
            stack: { type: "string", default: "dev" },
            json: { type: "string" },
            mermaid: { type: "string" },
            mode: { type: "string", default: "preview" },
            program: { type: "string" },
            "stack-file": { type: "string" },
            "project-dir": { type: "string" },
            "policy-pack": { type: "string", default: path.join(PROJECT_DIR, "policy") },
            "policy-pack-config": { type: "string" },
        },
        strict: true,
    });
    const mode = values.mode;
    if (mode !== "preview" && mode !== "update") throw new Error(`--mode must be preview or update, got ${mode}`);
    const stack = values.stack ?? "dev";
    const defaultConfig = path.join(values["policy-pack"] ?? "", `config.${stack}.json`);
    return {
        stack,
        mode,
        policyPack: path.resolve(values["policy-pack"] ?? ""),
        ...(values.json !== undefined ? { json: values.json } : {}),
        ...(values.mermaid !== undefined ? { mermaid: values.mermaid } : {}),
        ...(values.program !== undefined ? { program: values.program } : {}),
        ...(values["stack-file"] !== undefined ? { stackFile: values["stack-file"] } : {}),
        ...(values["project-dir"] !== undefined ? { projectDir: path.resolve(values["project-dir"]) } : {}),
        ...(values["policy-pack-config"] !== undefined ? { policyConfig: values["policy-pack-config"] }
            : fs.existsSync(defaultConfig) ? { policyConfig: defaultConfig } : {}),
    };
}

/**
 * Runs the plan; returns the exit code. `log` receives the human-readable report. `runner` captures the program's
 * graph and `evaluator` runs the pack over it (tests pass shared, memoized ones so the suite does not run the same
 * program, or start the same pack process, twice).
 */
export async function plan(args: PlanArgs, log: (s: string) => void = console.log, runner: typeof runProgram = runProgram, evaluator: typeof evaluatePolicies = evaluatePolicies): Promise<number> {
    const started = Date.now();
    const run = await runner({
        stack: args.stack,
        preview: args.mode === "preview",
        ...(args.program !== undefined ? { program: args.program } : args.projectDir !== undefined ? { program: path.join(args.projectDir, "index.ts") } : {}),
        ...(args.stackFile !== undefined ? { stackFile: args.stackFile } : {}),
        ...(args.projectDir !== undefined ? { projectDir: args.projectDir } : {}),
    });
    if (run.error !== undefined) {
        if (isConfigError(run.error)) {
            log(run.error.message);
            return 2;
        }
        throw run.error;
    }
    const programMs = Date.now() - started;
    const policy = await evaluator(run.graph, {
        packDir: args.policyPack,
        project: run.stackConfig.project,
        stack: args.stack,
        preview: args.mode === "preview",
        ...(args.policyConfig !== undefined ? { configFile: args.policyConfig } : {}),
    });
    const out: string[] = [`Plan for ${run.stackConfig.project}/${args.stack} (${args.mode}, offline)`, "", "Resources:"];
    printTree(run.graph, out);
    out.push("", "Counts by type:");
    for (const [type, n] of run.graph.countsByType()) out.push(`  ${String(n).padStart(4)}  ${type}`);
    out.push("", `Policy pack ${policy.pack}@${policy.version}: ${policy.policies} policies` +
        (args.policyConfig !== undefined ? ` (config ${path.relative(process.cwd(), args.policyConfig)})` : ""));
    printViolations(policy.violations, out);
    for (const l of policy.engineLog) out.push(`  pack log: ${l}`);
    const mandatory = policy.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    out.push("", `${run.graph.resources.length} resources; program ${programMs} ms, total ${Date.now() - started} ms; ` +
        (mandatory > 0 ? `FAILED: ${mandatory} mandatory violation(s)` : "no mandatory violations"));
    log(out.join("\n"));
    if (args.json !== undefined) fs.writeFileSync(args.json, JSON.stringify(toPlanJson(run.stackConfig.project, args.stack, args.mode, run.graph, policy), null, 2) + "\n");
    if (args.mermaid !== undefined) fs.writeFileSync(args.mermaid, toMermaid(run.graph));
    return mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
    let args: PlanArgs;
    try {
        args = parse(process.argv.slice(2));
    } catch (e) {
        console.error(`plan: ${(e as Error).message}`);
        process.exit(2);
    }
    plan(args).then((code) => process.exit(code), (e: unknown) => {
        console.error(e instanceof Error ? e.stack ?? e.message : String(e));
        process.exit(3);
    });
}
