/**
 * `npm run example:packed`: the component package as a consumer gets it. Packs `components/` (`npm pack`, which runs
 * the `prepack` build), checks the tarball's contents, installs it into a scratch copy of examples/fhir-only the way
 * npm lays it out (node_modules/ahds from the tarball; the peer and runtime dependencies from this repo's install, as a
 * consumer's own install would provide them), type-checks the example against the tarball's `.d.ts`, runs it under
 * the mocks against the tarball's JavaScript, and sends its graph through the policy pack. Exit 0 only if all pass.
 */
import * as childProcess from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { evaluatePolicies, POLICY_DIR } from "../lib/offline/policySessions";
import { runProgram } from "../lib/offline/run";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

const COMPONENTS = path.join(PROJECT_DIR, "components");
const EXAMPLE = path.join(PROJECT_DIR, "examples", "fhir-only");
/** What a consumer's install provides beside the package: its peers and its runtime dependencies. */
const PROVIDED = ["@pulumi", "@types", "ipaddr.js", "node-forge"];

function sh(cmd: string, args: string[], cwd: string): string {
    return childProcess.execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

function fail(message: string): never {
    console.error(`example:packed: ${message}`);
    process.exit(1);
}

async function main(): Promise<void> {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-packed-"));
    try {
        // 1. npm pack (prepack builds dist/), then list what the tarball holds.
        const packed = JSON.parse(sh("npm", ["pack", "--json", "--pack-destination", work], COMPONENTS)) as Array<{ filename: string; files: Array<{ path: string }> }>;
        const tarball = packed[0];
        if (tarball === undefined) fail("npm pack produced nothing");
        const files = tarball.files.map((f) => f.path);
        for (const need of ["package.json", "dist/index.js", "dist/index.d.ts", "dist/index.d.ts.map", "dist/fhirWorkspace/index.js", "dist/assets/anonymization/safe-harbor.json", "PulumiPlugin.yaml", "README.md", "LICENSE"]) {
            if (!files.includes(need)) fail(`the tarball lacks ${need}`);
        }
        const stray = files.filter((f) => f.startsWith("node_modules/") || /tsconfig|\.spec\.ts$|^examples\//.test(f));
        if (stray.length > 0) fail(`the tarball ships build config, tests or dependencies: ${stray.join(", ")}`);
        // Declaration maps point "go to definition" at the TypeScript sources, which ship beside dist/ for that.
        const mapped = files.filter((f) => f.endsWith(".d.ts.map")).flatMap((f) => (JSON.parse(fs.readFileSync(path.join(COMPONENTS, f), "utf8")) as { sources: string[] }).sources.map((src) => path.posix.normalize(path.posix.join(path.posix.dirname(f), src))));
        const missing = mapped.filter((src) => !files.includes(src));
        if (mapped.length === 0 || missing.length > 0) fail(`declaration maps point at sources the tarball lacks: ${missing.join(", ")}`);
        console.log(`${tarball.filename}: ${files.length} files (dist/ with JavaScript, .d.ts and maps, the sources they map to, assets, PulumiPlugin.yaml, README, LICENSE)`);

        // 2. A scratch consumer: the example's program and stack, node_modules/ahds from the tarball.
        const app = path.join(work, "fhir-only");
        fs.mkdirSync(path.join(app, "node_modules"), { recursive: true });
        for (const f of ["index.ts", "Pulumi.yaml", "Pulumi.example.yaml", "tsconfig.json", "policy.config.json"]) fs.copyFileSync(path.join(EXAMPLE, f), path.join(app, f));
        sh("tar", ["-xzf", path.join(work, tarball.filename), "-C", path.join(app, "node_modules")], work);
        fs.renameSync(path.join(app, "node_modules", "package"), path.join(app, "node_modules", "ahds"));
        for (const dep of PROVIDED) {
            const from = path.join(PROJECT_DIR, "node_modules", dep);
            if (fs.existsSync(from)) fs.symlinkSync(from, path.join(app, "node_modules", dep));
        }

        // 3. The example type-checks against the tarball's declarations.
        sh(process.execPath, [path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", path.join(app, "tsconfig.json")], app);
        console.log("examples/fhir-only type-checks against the packed .d.ts");

        // 4. Run it under the mocks against the packed JavaScript, then through the pack.
        const run = await runProgram({ stack: "example", projectDir: app, program: path.join(app, "index.ts") });
        if (run.error !== undefined) fail(`the example failed under the mocks: ${String(run.error)}`);
        const resolved = require.resolve("ahds", { paths: [app] });
        if (!resolved.startsWith(path.join(app, "node_modules", "ahds", "dist"))) fail(`"ahds" resolved to ${resolved}, not the tarball's dist/`);
        const result = await evaluatePolicies(run.graph, { packDir: POLICY_DIR, configFile: path.join(app, "policy.config.json"), project: "ahds-fhir-only", stack: "example", preview: false });
        const mandatory = result.violations.filter((v) => v.enforcementLevel === "mandatory");
        if (mandatory.length > 0) fail(`mandatory violations:\n${mandatory.map((v) => `  [${v.policy}] ${v.message}`).join("\n")}`);
        console.log(`examples/fhir-only on the packed package: ${run.graph.resources.length} resources, ${result.policies} policies, 0 mandatory violations`);
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main().catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
