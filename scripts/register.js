// @ts-check
/**
 * `node -r ./scripts/register.js <file.ts>`: runs the repository's TypeScript without type-checking it.
 *
 * `npm run plan` (and the other scripts) used ts-node, which type-checks every file it loads: seconds of CPU and
 * hundreds of MB per run, although `npm test` and CI already type-check the whole project strictly with tsc. This
 * hook compiles each .ts file with TypeScript's own `transpileModule` (what `ts-node --transpile-only` and
 * lib/offline/packBuild.ts do: the same emit, no type check, no source maps) and keeps the JavaScript in
 * `node_modules/.cache/ahds-ts/`, keyed by a hash of the compiler version, the options and the file's content, so a
 * second run loads plain JavaScript and never loads the compiler (the compiler alone is ~0.35 s and ~90 MB to load).
 * A changed file gets a new key; stale entries are harmless (`rm -rf node_modules/.cache` clears them).
 *
 * AHDS_SOURCE_MAPS=1 adds inline source maps and turns on Node's --enable-source-maps handling of them, for
 * debugging a stack trace against the TypeScript lines.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
// AHDS_TS_CACHE moves the cache (`npm run bench` times a cold compile in an empty one).
const CACHE = process.env["AHDS_TS_CACHE"] || path.join(ROOT, "node_modules", ".cache", "ahds-ts");
const SOURCE_MAPS = process.env["AHDS_SOURCE_MAPS"] === "1";
const TS_VERSION = /** @type {{ version: string }} */ (JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8"))).version;
// The root tsconfig's emit-relevant options (target, module, esModuleInterop); the type-checking ones do not change emit.
const OPTIONS = { module: "commonjs", target: "es2022", esModuleInterop: true, sourceMap: false, inlineSourceMap: SOURCE_MAPS, inlineSources: SOURCE_MAPS };
const OPTIONS_KEY = JSON.stringify([TS_VERSION, OPTIONS]);

if (SOURCE_MAPS && typeof process.setSourceMapsEnabled === "function") process.setSourceMapsEnabled(true);

/** @type {typeof import("typescript") | undefined} */
let ts;

/** @param {string} source @param {string} filename @returns {string} */
function transpile(source, filename) {
    const key = crypto.createHash("sha256").update(OPTIONS_KEY).update("\0").update(filename).update("\0").update(source).digest("hex").slice(0, 32);
    const cached = path.join(CACHE, key.slice(0, 2), `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // not cached yet
    }
    ts ??= require("typescript");
    const compilerOptions = {
        module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true,
        sourceMap: false, inlineSourceMap: SOURCE_MAPS, inlineSources: SOURCE_MAPS,
    };
    const js = ts.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: false }).outputText;
    // Write beside the target and rename into place: concurrent runs (the plan CLI beside the suites) never read a half file.
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, js);
    fs.renameSync(tmp, cached);
    return js;
}

require.extensions[".ts"] = (module, filename) => {
    const m = /** @type {NodeJS.Module & { _compile(code: string, filename: string): void }} */ (module);
    m._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
