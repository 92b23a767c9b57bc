import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../../lib/offline/stackConfig";

export interface NpmRunResult {
    code: number;
    stdout: string;
    stderr: string;
    /** stdout and stderr as they interleaved. */
    out: string;
}

/**
 * `npm run --silent <script> -- <args>` in the repository. With `viaNpm: false`, the command package.json's script
 * names (`node <options> <file>`) is run by this node directly: the same process npm would start, without npm's own
 * start-up (half a second of CPU per run; the suites run a dozen). @default viaNpm: true
 */
export function npmRun(script: string, args: readonly string[], opts: { viaNpm?: boolean } = {}): Promise<NpmRunResult> {
    const [cmd, argv] = opts.viaNpm === false ? [process.execPath, [...packageScript(script), ...args]] : ["npm", ["run", "--silent", script, "--", ...args]];
    return new Promise((resolve) => {
        const child = spawn(cmd, argv, { cwd: PROJECT_DIR, stdio: ["ignore", "pipe", "pipe"] });
        const r = { stdout: "", stderr: "", out: "" };
        child.stdout.on("data", (d: Buffer) => { r.stdout += d.toString(); r.out += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { r.stderr += d.toString(); r.out += d.toString(); });
        child.on("close", (code) => resolve({ code: code ?? -1, ...r }));
    });
}

/** The arguments after `node` of a package.json script of the form `node <options> <file>` (npm run bench uses it too). */
export function packageScript(script: string): string[] {
    const text = (JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts[script] ?? "";
    const [node, ...args] = text.split(/\s+/).filter((a) => a !== "");
    if (node !== "node") throw new Error(`package.json script ${script} is not "node <options> <file>": ${text}`);
    return args;
}
