/**
 * The offline plan (`npm run plan`: the command line is cli.ts).
 *
 * Offline preview: runs index.ts for the stack under the Pulumi mocks harness, then evaluates the policy pack in
 * policy/ exactly as the engine does (separate process, analyzer gRPC). Needs no Azure credentials and no Pulumi CLI.
 * `--project-dir deploy` plans another program of the repository (its Pulumi.yaml, Pulumi.<stack>.yaml and index.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { isConfigError } from "../../lib/config";
import { policyConfigSource, readPolicyConfigFile, reconcilePolicyConfig } from "../../lib/offline/policyConfig";
import { EvaluateOptions, PolicySession, knownAnalyzerInfo, openPolicySession } from "../../lib/offline/policyHost";
import { summarize } from "../../lib/offline/policySessions";
import { loadProgramModule, runProgram } from "../../lib/offline/run";
import { PROJECT_DIR, loadStackConfig } from "../../lib/offline/stackConfig";
import { loadReportExtras, renderReport } from "../report";
import { PlanArgs } from "./args";
import { planEstimates } from "./estimates";
import { toPlanJson } from "./json";
import { toMermaid } from "./mermaid";
import { PlanContext } from "./context";
import { renderText } from "./text";

export { PlanArgs } from "./args";
export { PlanJson, PlanResource, toPlanJson } from "./json";
export { toMermaid } from "./mermaid";
export { PlanContext, PlanTimings } from "./context";

/** What plan() runs on: tests pass shared, memoized ones so the suite does not run the same program, or start the same pack process, twice. */
export interface PlanDeps {
    /** Captures the program's graph. @default runProgram */
    runner: typeof runProgram;
    /** Starts and configures the pack (GetAnalyzerInfo, Configure, ConfigureStack). @default openPolicySession */
    session: (opts: EvaluateOptions) => Promise<PolicySession>;
}

/**
 * Runs the plan; returns the exit code. `log` receives the human-readable report.
 *
 * Phases, timed for `npm run bench`: the pack process is started first (cli.ts), and while it boots (its own process,
 * on the other core) this one loads and runs the program, once the policy config has been validated (see below), so
 * an invalid config (stack or policy) stops the plan before any resource is registered. Then every resource is
 * analyzed (requests pipelined: Remediate and Analyze, as the engine sends them) and the stack rules run.
 */
export async function plan(args: PlanArgs, log: (s: string) => void = console.log, deps: Partial<PlanDeps> = {}): Promise<number> {
    const { runner = runProgram, session: openSession = openPolicySession } = deps;
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const stackFileOpts = { ...(args.stackFile !== undefined ? { stackFile: args.stackFile } : {}), ...(args.projectDir !== undefined ? { projectDir: args.projectDir } : {}) };
    const program = args.program ?? (args.projectDir !== undefined ? path.join(args.projectDir, "index.ts") : undefined);
    // The inputs first: the stack file (its project name configures the pack) and the policy config, validated before
    // the program runs. Against the pack's description of itself from an earlier start of the same pack build
    // (content-addressed: policyHost.ts knownAnalyzerInfo) when there is one, so the program runs while the pack boots
    // on the other core; otherwise by the pack's Configure, awaited first. Configure checks the config again either way.
    const known = knownAnalyzerInfo(args.policyPack);
    let stackConfig: ReturnType<typeof loadStackConfig>;
    try {
        stackConfig = loadStackConfig(args.stack, stackFileOpts);
        const file = args.policyConfig !== undefined ? readPolicyConfigFile(args.policyConfig) : {};
        if (known !== undefined) reconcilePolicyConfig(known.policies, file, policyConfigSource(file) ?? "policy pack config");
    } catch (e) {
        if (!isConfigError(e)) throw e;
        log(e.message);
        return 2;
    }
    let packReady = 0;
    let logStart = 0;
    const pending = openSession({
        packDir: args.policyPack,
        project: stackConfig.project,
        stack: args.stack,
        preview: args.mode === "preview",
        ...(args.policyConfig !== undefined ? { configFile: args.policyConfig } : {}),
    }).then((s) => { packReady = elapsed(); logStart = s.engineLog.length; return s; });
    // Nothing may reject unobserved while the program's modules load; the rejection is rethrown where it is awaited.
    pending.catch(() => undefined);
    let session: PolicySession | undefined;
    try {
        loadProgramModule(program);
        const load = elapsed();
        if (known === undefined) session = await pending;
        const programStart = elapsed();
        const run = await runner({ stack: args.stack, preview: args.mode === "preview", ...(program !== undefined ? { program } : {}), ...stackFileOpts });
        if (run.error !== undefined) throw run.error;
        const programEnd = elapsed();
        // Every resource is sent at once (the pack answers in turn, in its own process), then AnalyzeStack behind them
        // (no stack rule reads a resource rule's result), so this process builds that request while the pack works.
        session = await pending;
        const resourceLevel = session.analyze(run.graph.resources);
        const stackLevel = session.analyzeStack(run.graph.resources);
        stackLevel.catch(() => undefined);
        const violations = await resourceLevel;
        const analyzed = elapsed();
        violations.push(...await stackLevel);
        const policy = summarize(session, violations, logStart);
        const ctx: PlanContext = {
            project: run.stackConfig.project, stack: args.stack, mode: args.mode, graph: run.graph, policy, outputs: run.stackOutputs ?? {}, estimates: planEstimates(run.graph),
            ...(args.policyConfig !== undefined ? { policyConfig: args.policyConfig } : {}),
            timings: { load, packStart: packReady, program: programEnd - programStart, analyze: analyzed - programEnd, stackRules: elapsed() - analyzed, total: elapsed() },
        };
        log(renderText(ctx));
        // `npm run bench` reads the phases of a fresh process from here.
        const timingsFile = process.env["AHDS_PLAN_TIMINGS"];
        if (timingsFile !== undefined && timingsFile !== "") fs.writeFileSync(timingsFile, JSON.stringify({ ...ctx.timings, resources: run.graph.resources.length, planPeakRssKb: process.resourceUsage().maxRSS, packPeakRssKb: session.peakRssKb() ?? null }) + "\n");
        if (args.json !== undefined) fs.writeFileSync(args.json, JSON.stringify(toPlanJson(ctx), null, 2) + "\n");
        if (args.mermaid !== undefined) fs.writeFileSync(args.mermaid, toMermaid(run.graph));
        if (args.report !== undefined) fs.writeFileSync(args.report, renderReport(ctx, policy.rules, loadReportExtras(ctx, args.projectDir ?? PROJECT_DIR)));
        return policy.violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
    } catch (e) {
        if (!isConfigError(e)) throw e;
        log(e.message);
        return 2;
    } finally {
        await (session ?? await pending.catch(() => undefined))?.close();
    }
}
