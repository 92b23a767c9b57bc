import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Graph } from "./graph";
import { promiseOf } from "./outputs";
import { AzureMocks, RecordingMonitor } from "./mocks";
import { ConfigError, isConfigError } from "../keyedConfig";
import { LoadedStackConfig, PROJECT_DIR, loadStackConfig, shownPath } from "./stackConfig";

export interface RunInStackOptions {
    project?: string;
    stack?: string;
    /** Runtime config (`"ahds:key" → string`). @default {} */
    config?: Record<string, string>;
    /** Run as `pulumi preview` of a new stack: IDs and provider-computed outputs are unknown. @default false */
    preview?: boolean;
    /** Keys of `config` that are secrets (as the CLI marks values set with `--secret`). @default [] */
    secretKeys?: string[];
}

export interface RunResult<T> {
    graph: Graph;
    /** The program's return value (stack outputs), when it succeeded. */
    outputs?: T;
    /**
     * The same outputs as the engine records them (the root stack's RegisterResourceOutputs, wire form: secrets and
     * values unknown at preview keep their sentinels, see values.ts `sanitize`), when the program succeeded.
     */
    stackOutputs?: Record<string, unknown>;
    /** The error the program threw, if any (for example a ConfigError). */
    error?: unknown;
}

let running = false;

/**
 * Drops `aliases` from every resource's options. azure-native declares one alias per earlier API-version type token
 * (30 on a StorageAccount), and the SDK turns each into Outputs and URNs in the resource's constructor and again for
 * the registration request: profiled, about half of what a program run allocates (~350 of ~700 MB for the prod stack)
 * and most of its garbage-collection time. Aliases only let the engine match resources already in a stack's state under
 * an old type token or parent; an offline run has no state, so they cannot change the graph, the recorded inputs or a
 * policy result. (`pulumi preview`/`up` keep them: this transformation exists only in this harness.)
 */
function withoutAliases(args: pulumi.ResourceTransformationArgs): pulumi.ResourceTransformationResult {
    return { props: args.props, opts: { ...args.opts, aliases: undefined } };
}

/**
 * Runs `program` inside a fresh root stack under Pulumi mocks and records every registered resource.
 * The Pulumi runtime is process-global, so runs are serialized.
 */
export async function runInStack<T>(program: () => T | Promise<T>, opts: RunInStackOptions = {}): Promise<RunResult<T>> {
    if (running) throw new Error("runInStack: a run is already in progress (the Pulumi runtime is process-global)");
    running = true;
    const mocks = new AzureMocks(opts.preview ?? false);
    const monitor = new RecordingMonitor(mocks);
    // The Pulumi SDK captures `new Error().stack` for every promise it creates (debuggable.ts) and for every resource;
    // under ts-node each capture ran the source-map lookup for every frame (a third of a program run's CPU), and even
    // V8's own formatting of the frames was a fifth of it (profiled). During a run no frames are collected, so errors
    // carry their message only; AHDS_TEST_STACKS=1 keeps V8-formatted frames for debugging a failing run.
    const prepareStackTrace = Error.prepareStackTrace;
    const stackTraceLimit = Error.stackTraceLimit;
    Error.prepareStackTrace = (err, frames) => [`${err.name}: ${err.message}`, ...frames.map((f) => `    at ${f.toString()}`)].join("\n");
    if (process.env["AHDS_TEST_STACKS"] !== "1") Error.stackTraceLimit = 0;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => { unhandled.push(e); };
    process.on("unhandledRejection", onUnhandled);
    try {
        pulumi.runtime.setAllConfig(opts.config ?? {}, opts.secretKeys ?? []);
        pulumi.runtime.setMockOptions(monitor, opts.project ?? "ahds", opts.stack ?? "test", opts.preview ?? false);
        let outputs: T | undefined;
        let error: unknown;
        try {
            outputs = await pulumi.runtime.runInPulumiStack(async () => {
                pulumi.runtime.registerStackTransformation(withoutAliases);
                return program();
            }) as T | undefined;
        } catch (e) {
            error = e;
        }
        // Wait until every registration RPC has completed (what the language host does before exiting), then let
        // rejections that the runtime raises for the same failure (root stack outputs) surface while we listen.
        await pulumi.runtime.disconnect();
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
        const unmocked = mocks.unmocked.length > 0 ? new Error(`unmocked invoke ${mocks.unmocked.join(", ")}: add it to lib/offline/mocks.ts`) : undefined;
        const failure = unmocked ?? error ?? monitor.errors[0] ?? unhandled.find((e) => e !== error);
        const graph = new Graph(monitor.recorded);
        const stackOutputs = monitor.stackOutputs;
        return failure === undefined ? { graph, ...(outputs !== undefined ? { outputs } : {}), ...(stackOutputs !== undefined ? { stackOutputs } : {}) } : { graph, error: failure };
    } finally {
        Error.prepareStackTrace = prepareStackTrace;
        Error.stackTraceLimit = stackTraceLimit;
        process.off("unhandledRejection", onUnhandled);
        running = false;
    }
}

/**
 * Runs one component under the mocks: `create` registers it and returns the outputs to read, which are awaited
 * (except at preview, where they are unknown). `outputs` is `{}` when the constructor threw (the error is in `error`).
 */
export async function runComponent(create: () => Record<string, unknown>, opts: RunInStackOptions = {}): Promise<RunResult<Record<string, unknown>> & { outputs: Record<string, unknown> }> {
    const result = await runInStack(async () => {
        const outputs = create();
        return opts.preview === true ? {} : await promiseOf(pulumi.output(outputs));
    }, opts);
    return { ...result, outputs: result.outputs ?? {} };
}

export interface RunProgramOptions {
    stack: string;
    /** Alternative stack file (tests use temporary ones). @default Pulumi.<stack>.yaml */
    stackFile?: string;
    /** Alternative program entry point exporting a function. @default the repo's index.ts */
    program?: string;
    /** Project directory whose Pulumi.yaml declares the config (another program, such as an example). @default the repo */
    projectDir?: string;
    preview?: boolean;
    /**
     * Secret config (`"ahds:key" → value`) added to the stack's, as `pulumi config set --secret` would: the offline
     * harness cannot decrypt a `secure:` value (it passes SECURE_PLACEHOLDER, stackConfig.ts), so a test that needs a
     * real-looking secret supplies a stand-in. @default {}
     */
    secrets?: Record<string, string>;
}

export interface ProgramRun extends RunResult<Record<string, unknown>> {
    stackConfig: LoadedStackConfig;
}

/**
 * Loads a program's entry point (and so every module it imports) without running it; returns its main function.
 * The plan calls it while the policy pack process starts, so the two overlap. @default program: the repo's index.ts
 */
export function loadProgramModule(program?: string): () => unknown {
    const entry = path.resolve(program ?? path.join(PROJECT_DIR, "index.ts"));
    const exported: unknown = require(entry);
    const main = typeof exported === "function" ? exported as () => unknown
        : typeof (exported as { default?: unknown }).default === "function" ? (exported as { default: () => unknown }).default
        : undefined;
    if (main === undefined) throw new Error(`${entry} must export a function (export = main)`);
    return main;
}

/** Runs the real program (index.ts) for a stack, with Pulumi.yaml defaults + Pulumi.<stack>.yaml as config. */
export async function runProgram(opts: RunProgramOptions): Promise<ProgramRun> {
    const stackConfig = loadStackConfig(opts.stack, { ...(opts.stackFile !== undefined ? { stackFile: opts.stackFile } : {}), ...(opts.projectDir !== undefined ? { projectDir: opts.projectDir } : {}) });
    const main = loadProgramModule(opts.program);
    const result = await runInStack(async () => await main() as Record<string, unknown>, {
        project: stackConfig.project,
        stack: opts.stack,
        config: { ...stackConfig.config, ...(opts.secrets ?? {}) },
        secretKeys: [...new Set([...stackConfig.secretKeys, ...Object.keys(opts.secrets ?? {})])],
        preview: opts.preview ?? false,
    });
    // The load's notices travel with the graph, so the plan's report prints them (scripts/plan/text.ts).
    const graph = new Graph(result.graph.resources, stackConfig.notices);
    const e = result.error;
    if (isConfigError(e) && stackConfig.environments.length > 0) {
        // A key the program finds missing may be one the stack's ESC environment sets, which is not resolved offline.
        const envs = stackConfig.environments.join(", ");
        const note = `Note: ${shownPath(stackConfig.stackFile)} imports the ESC environment${stackConfig.environments.length === 1 ? "" : "s"} ${envs}, which the offline plan does not resolve: ` +
            `a value set only there is not seen here, so every ${stackConfig.project}:* key the program needs must be in the stack file.`;
        return { ...result, graph, error: new ConfigError(e.problems, { title: e.title, notes: [...(e.notes ?? []), note] }), stackConfig };
    }
    return { ...result, graph, stackConfig };
}

const shared = new Map<string, Promise<ProgramRun>>();

/**
 * The run of the repo's program for a stack, shared by every spec in this mocha process (the graph is read-only),
 * so the slow part of the suite — running the whole program under mocks — happens once per stack and mode.
 */
export function sharedProgramRun(stack: string, preview = false): Promise<ProgramRun> {
    const key = `${stack}:${preview}`;
    let p = shared.get(key);
    if (p === undefined) {
        p = runProgram({ stack, preview });
        shared.set(key, p);
    }
    return p;
}
