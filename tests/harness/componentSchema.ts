import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AnalyzeResult, Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";

/**
 * The schema the Pulumi SDK's component analyzer generates for a package folder (what `pulumi package add` builds an
 * SDK from for other languages), in-process or in a child process. The analysis builds a TypeScript program of the
 * package with its types (several seconds of CPU), so the suite runs it in a child started when the spec file loads,
 * beside the other suites, and awaits the result where it asserts on it.
 */
export function analyzeComponents(dir: string, classes: string[]): AnalyzeResult {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Record<string, unknown>;
    return new Analyzer(dir, String(pkg["name"]), pkg, new Set(classes)).analyze();
}

/** The outcome of an analysis in a child process: the schema, or the analyzer's error message. */
export type ChildAnalysis = { schema: AnalyzeResult; error?: undefined } | { schema?: undefined; error: string };

/** Runs analyzeComponents in a child process (this file as a script, transpiled by scripts/register.js). */
export function analyzeComponentsInChild(dir: string, classes: string[]): Promise<ChildAnalysis> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, ["-r", require.resolve("../../scripts/register.js"), __filename, dir, ...classes], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
        child.on("close", (code) => {
            if (code === 0) resolve({ schema: JSON.parse(out) as AnalyzeResult });
            else resolve({ error: err.trim() === "" ? `analyzer exited with code ${String(code)}` : err.trim() });
        });
    });
}

if (require.main === module) {
    const [dir, ...classes] = process.argv.slice(2);
    try {
        process.stdout.write(JSON.stringify(analyzeComponents(dir ?? ".", classes)));
    } catch (e) {
        process.stderr.write(e instanceof Error ? e.message : String(e));
        process.exitCode = 1;
    }
}
