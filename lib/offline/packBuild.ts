import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";

/**
 * The policy pack as JavaScript, for the offline plan and the test suites.
 *
 * The engine's pack launcher (`@pulumi/pulumi/cmd/run-policy-pack`) registers ts-node with `typeCheck: true`, so a
 * pack whose `main` is TypeScript is type-checked at every start: about 4 s of CPU per pack process, which the plan
 * and the suites pay once per process although `npm test` and CI type-check the pack strictly with tsc already.
 * Here each source is transpiled (`ts.transpileModule`: no type check, no source maps) into
 * `node_modules/.cache/ahds-policy-pack/<hash of the sources>/` with the pack's PulumiPolicy.yaml and a package.json
 * whose `main` is `index.js`; the launcher then only loads JavaScript. The pack's dependencies resolve from the
 * repository's node_modules (the cache lives inside it). Nothing else changes: the same launcher, process and
 * analyzer conversation. The engine's own path (TypeScript `main`, type-checked at start) stays covered by
 * `npm run policy:standalone` in CI.
 */

/** Source files of a pack directory: every .ts outside node_modules, sorted. */
function packSources(dir: string, rel = ""): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const p = path.join(rel, e.name);
        if (e.isDirectory() && e.name !== "node_modules" && !e.name.startsWith(".")) out.push(...packSources(dir, p));
        else if (e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(p);
    }
    return out.sort();
}

/** The repository's node_modules: where @pulumi/policy, which every pack here depends on, is installed. */
function nodeModulesDir(): string {
    return path.dirname(path.dirname(path.dirname(require.resolve("@pulumi/policy/package.json"))));
}

/** Transpiles the pack at `packDir` once per content hash and returns the directory to start it from. */
export function transpiledPack(packDir: string): string {
    const sources = packSources(packDir);
    const manifest = JSON.parse(fs.readFileSync(path.join(packDir, "package.json"), "utf8")) as Record<string, unknown>;
    // The compiler is loaded only to build (0.35 s and ~90 MB the plan does not pay when the pack is already built); the
    // cache key names its version from its package.json.
    const tsVersion = (JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")) as { version: string }).version;
    const compilerOptions = { module: "CommonJS", target: "ES2020", esModuleInterop: true, sourceMap: false } as const;
    const hash = crypto.createHash("sha256").update(tsVersion).update(JSON.stringify(manifest)).update(JSON.stringify(compilerOptions));
    for (const f of sources) hash.update(f).update("\0").update(fs.readFileSync(path.join(packDir, f)));
    const out = path.join(nodeModulesDir(), ".cache", "ahds-policy-pack", hash.digest("hex").slice(0, 16));
    if (fs.existsSync(path.join(out, "package.json"))) return out;

    // Build beside the target and rename it into place, so a concurrent build (the plan CLI beside the suites) never
    // sees a half-written pack; whichever rename lands first wins and both are identical.
    const tmp = `${out}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    const ts = require("typescript") as typeof TS;
    const options: TS.CompilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: compilerOptions.esModuleInterop, sourceMap: compilerOptions.sourceMap };
    for (const f of sources) {
        const js = ts.transpileModule(fs.readFileSync(path.join(packDir, f), "utf8"), { compilerOptions: options, fileName: f }).outputText;
        const target = path.join(tmp, f.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, js);
    }
    fs.copyFileSync(path.join(packDir, "PulumiPolicy.yaml"), path.join(tmp, "PulumiPolicy.yaml"));
    const main = typeof manifest["main"] === "string" ? manifest["main"] : "index.ts";
    fs.writeFileSync(path.join(tmp, "package.json"), JSON.stringify({ ...manifest, main: main.replace(/\.ts$/, ".js") }, null, 2));
    try {
        fs.renameSync(tmp, out);
    } catch {
        fs.rmSync(tmp, { recursive: true, force: true });
        if (!fs.existsSync(path.join(out, "package.json"))) throw new Error(`could not write the transpiled pack to ${out}`);
    }
    return out;
}
