import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Graph } from "./graph";
import { promiseOf } from "./outputs";
import { AzureMocks, RecordingMonitor } from "./mocks";
import { LoadedStackConfig, PROJECT_DIR, loadStackConfig } from "./stackConfig";

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
    /** The error the program threw, if any (for example a ConfigError). */
    error?: unknown;
}

let running = false;

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
            outputs = await pulumi.runtime.runInPulumiStack(async () => program()) as T | undefined;
        } catch (e) {
            error = e;
        }
        // Wait until every registration RPC has completed (what the language host does before exiting), then let
        // rejections that the runtime raises for the same failure (root stack outputs) surface while we listen.
        await pulumi.runtime.disconnect();
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
        const unmocked = mocks.unmocked.length > 0 ? new Error(`unmocked invoke ${mocks.unmocked.join(", ")}: add it to tests/harness/mocks.ts`) : undefined;
        const failure = unmocked ?? error ?? monitor.errors[0] ?? unhandled.find((e) => e !== error);
        const graph = new Graph(monitor.recorded);
        return failure === undefined ? { graph, ...(outputs !== undefined ? { outputs } : {}) } : { graph, error: failure };
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
     * Secret config (`"ahds:key" → value`) added to the stack's, as `pulumi config set --secret` would: the stack files
     * hold no `secure:` values (the offline harness cannot decrypt them), so a test supplies a stand-in. @default {}
     */
    secrets?: Record<string, string>;
}

export interface ProgramRun extends RunResult<Record<string, unknown>> {
    stackConfig: LoadedStackConfig;
}

/** Runs the real program (index.ts) for a stack, with Pulumi.yaml defaults + Pulumi.<stack>.yaml as config. */
export async function runProgram(opts: RunProgramOptions): Promise<ProgramRun> {
    const stackConfig = loadStackConfig(opts.stack, { ...(opts.stackFile !== undefined ? { stackFile: opts.stackFile } : {}), ...(opts.projectDir !== undefined ? { projectDir: opts.projectDir } : {}) });
    const entry = path.resolve(opts.program ?? path.join(PROJECT_DIR, "index.ts"));
    const exported: unknown = require(entry);
    const main = typeof exported === "function" ? exported as () => unknown
        : typeof (exported as { default?: unknown }).default === "function" ? (exported as { default: () => unknown }).default
        : undefined;
    if (main === undefined) throw new Error(`${entry} must export a function (export = main)`);
    const result = await runInStack(async () => await main() as Record<string, unknown>, {
        project: stackConfig.project,
        stack: opts.stack,
        config: { ...stackConfig.config, ...(opts.secrets ?? {}) },
        secretKeys: Object.keys(opts.secrets ?? {}),
        preview: opts.preview ?? false,
    });
    return { ...result, stackConfig };
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
