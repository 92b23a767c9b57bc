import { spawn } from "child_process";

/**
 * Runs `script` under bash with `binDir` first on PATH (stub commands), without blocking this process: the shared pack
 * processes' answers and the CLI subprocesses keep being served meanwhile (spawnSync held the event loop for each run).
 */
export function runBash(script: string, binDir: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-c", script], { env: { ...process.env, ...env, PATH: `${binDir}:${process.env["PATH"] ?? ""}` }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}

/**
 * Environment for runBash that replaces bash's `sleep` with an exported function (bash imports `BASH_FUNC_<name>%%`)
 * running in the script's own shell: it appends its argument to `logFile` and moves the script's clock (`SECONDS`) on by
 * that many seconds instead of waiting, so a deadline kept with SECONDS is reached at once and exactly.
 */
export function virtualSleep(logFile: string): Record<string, string> {
    return { "BASH_FUNC_sleep%%": `() { echo "$1" >> '${logFile}'; SECONDS=$((SECONDS + \${1%.*})); }` };
}
