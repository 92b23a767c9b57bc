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
import { isConfigError } from "../../lib/config";
import { evaluatePolicies } from "../../tests/harness/policyHost";
import { runProgram } from "../../tests/harness/run";
import { PlanArgs, parse } from "./args";
import { toPlanJson } from "./json";
import { toMermaid } from "./mermaid";
import { PlanContext } from "./context";
import { renderText } from "./text";

export { PlanArgs } from "./args";
export { PlanJson, PlanResource, toPlanJson } from "./json";
export { toMermaid } from "./mermaid";
export { PlanContext, PlanTimings } from "./context";

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
    const ctx: PlanContext = {
        project: run.stackConfig.project, stack: args.stack, mode: args.mode, graph: run.graph, policy, outputs: run.outputs ?? {},
        ...(args.policyConfig !== undefined ? { policyConfig: args.policyConfig } : {}),
        timings: { load: 0, program: programMs, packStart: 0, analyze: Date.now() - started - programMs, stackRules: 0, total: Date.now() - started },
    };
    log(renderText(ctx));
    const mandatory = policy.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    if (args.json !== undefined) fs.writeFileSync(args.json, JSON.stringify(toPlanJson(ctx), null, 2) + "\n");
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
