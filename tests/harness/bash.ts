import { spawn } from "child_process";

/**
 * Runs `script` under bash with `binDir` first on PATH (stub commands), without blocking this process: the shared pack
 * processes' answers and the CLI subprocesses keep being served meanwhile (spawnSync held the event loop for each run).
 */
export function runBash(script: string, binDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-c", script], { env: { ...process.env, PATH: `${binDir}:${process.env["PATH"] ?? ""}` }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}
