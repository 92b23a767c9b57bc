import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EngineService, IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as epb from "@pulumi/pulumi/proto/engine_pb";

/**
 * A policy pack process as the engine starts it, before any analyzer call: a minimal Engine service for its log calls
 * (the real engine serves the same interface), then `node <@pulumi/pulumi>/cmd/run-policy-pack <engine> .` in the pack
 * folder, and the port it prints. Light on purpose (gRPC and two generated modules, no Pulumi SDK), so the plan CLI
 * can start it first, before loading the program: the pack boots on the other core meanwhile (scripts/plan/cli.ts).
 */
export interface PackProcess {
    child: ChildProcess;
    engine: grpc.Server;
    engineLog: string[];
    /** The analyzer's port, once the pack serves. Rejects if it exits first or does not print one in time. */
    port: Promise<number>;
}

/** Locates @pulumi/pulumi's policy-pack launcher, as the engine's nodejs analyzer plugin does. */
function runPolicyPackEntry(): string {
    return path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "run-policy-pack");
}

/** Starts the pack in `packDir` (a folder with PulumiPolicy.yaml and package.json). */
export async function startPackProcess(packDir: string, timeoutMs = 120_000): Promise<PackProcess> {
    const engineLog: string[] = [];
    const engine = new grpc.Server();
    const impl: IEngineServer = {
        log: (call, cb) => { engineLog.push(`${call.request.getSeverity()}: ${call.request.getMessage()}`); cb(null, new Empty()); },
        getRootResource: (_call, cb) => cb(null, new epb.GetRootResourceResponse()),
        setRootResource: (_call, cb) => cb(null, new epb.SetRootResourceResponse()),
        startDebugging: (_call, cb) => cb(null, new Empty()),
        requirePulumiVersion: (_call, cb) => cb(null, new epb.RequirePulumiVersionResponse()),
    };
    engine.addService(EngineService, impl);
    const enginePort = await new Promise<number>((resolve, reject) =>
        engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));

    const child = spawn(process.execPath, [runPolicyPackEntry(), `127.0.0.1:${enginePort}`, "."], {
        cwd: packDir,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, TS_NODE_PROJECT: path.join(packDir, "tsconfig.json") },
    });
    // However this process ends (process.exit included), the pack does not outlive it.
    const killChild = () => { child.kill(); };
    process.once("exit", killChild);
    child.once("exit", () => process.off("exit", killChild));
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => { stderr += d.toString(); });
    const port = new Promise<number>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`policy pack did not print its port within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
        const onExit = (code: number | null) => { clearTimeout(timer); reject(new Error(`policy pack exited with code ${code} before serving\n${stderr}`)); };
        child.on("exit", onExit);
        child.stdout?.on("data", (d: Buffer) => {
            out += d.toString();
            const line = out.split("\n")[0]?.trim() ?? "";
            if (out.includes("\n") && /^\d+$/.test(line)) { clearTimeout(timer); child.off("exit", onExit); resolve(Number(line)); }
        });
    });
    // Observed where it is awaited; never an unhandled rejection while the caller is busy loading the program.
    port.catch(() => undefined);
    return { child, engine, engineLog, port };
}

/** Stops the pack process and the engine service. */
export async function stopPackProcess(p: PackProcess): Promise<void> {
    p.child.kill();
    await new Promise<void>((r) => p.engine.tryShutdown(() => r()));
}
