/**
 * `npm run bench [-- --no-test] [--runs N]`: the figures we track, instead of asserting on time in tests.
 *  - the offline plan of each stack in a fresh process (the command `npm run plan -- --stack <s>` runs; through npm too), its
 *    phases (compile, program load, pack start, program, analyze, stack rules) and peak memory of both processes;
 *  - the load floor: a fresh node process that only requires the SDKs and the azure-native modules the prod graph
 *    uses, and the prod plan's wall time and peak memory as ratios to it (issue 18's targets: ≤ 5× and ≤ 3×);
 *  - `npm test` wall time.
 * Medians of `--runs` (default 5) warm runs; "compile" is a cold run (empty transpile cache) minus a warm one.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { packageScript } from "../tests/harness/npmRun";

const ROOT = path.resolve(__dirname, "..");
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-bench-"));

interface PlanFigures {
    wallMs: number;
    load: number;
    packStart: number;
    program: number;
    analyze: number;
    stackRules: number;
    total: number;
    resources: number;
    planPeakRssKb: number;
    packPeakRssKb: number | null;
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)] ?? NaN;
}

/** What `npm run plan` executes (package.json's script: `node <options> scripts/plan/cli.ts`), as argv for this node. */
const planCommand = (): string[] => packageScript("plan");

/**
 * One plan in a fresh process, as `npm run plan` runs it (`viaNpm`), or the plan process alone (the command npm runs,
 * without npm's own start-up); its phases come from the AHDS_PLAN_TIMINGS file the plan writes.
 */
function planOnce(stack: string, env: Record<string, string> = {}, json?: string, viaNpm = false): PlanFigures {
    const timings = path.join(TMP, `timings-${stack}.json`);
    fs.rmSync(timings, { force: true });
    const planArgs = ["--stack", stack, ...(json !== undefined ? ["--json", json] : [])];
    const [cmd, args] = viaNpm ? ["npm", ["run", "--silent", "plan", "--", ...planArgs]] : [process.execPath, [...planCommand(), ...planArgs]];
    const t = Date.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "ignore", env: { ...process.env, ...env, AHDS_PLAN_TIMINGS: timings } });
    const wallMs = Date.now() - t;
    if (r.status !== 0 || !fs.existsSync(timings)) throw new Error(`npm run plan -- --stack ${stack} exited ${r.status}`);
    return { wallMs, ...JSON.parse(fs.readFileSync(timings, "utf8")) as Omit<PlanFigures, "wallMs"> };
}

/** The load floor: node start plus requiring what the plan cannot avoid loading. Wall ms and peak RSS kB. */
function floorOnce(modules: string[]): { wallMs: number; peakRssKb: number } {
    const script = `for (const m of ${JSON.stringify(modules)}) require(m); process.stdout.write(String(process.resourceUsage().maxRSS));`;
    const t = Date.now();
    const r = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
    const wallMs = Date.now() - t;
    if (r.status !== 0) throw new Error(`floor process failed: ${r.stderr}`);
    return { wallMs, peakRssKb: Number(r.stdout) };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (kb: number | null) => (kb === null ? "n/a" : `${Math.round(kb / 1024)} MB`);

function main(): void {
    const { values } = parseArgs({ options: { "no-test": { type: "boolean", default: false }, runs: { type: "string", default: "5" } }, strict: true });
    const runs = Math.max(1, Number(values.runs));
    console.log(`node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "unknown cpu"}; medians of ${runs} runs\n`);

    // A first prod plan writes the JSON whose types name the azure-native modules the floor loads (and warms the caches).
    const json = path.join(TMP, "prod.json");
    planOnce("prod", {}, json);
    const types = (JSON.parse(fs.readFileSync(json, "utf8")) as { resources: Array<{ type: string }> }).resources.map((r) => r.type);
    const azureModules = [...new Set(types.filter((t) => t.startsWith("azure-native:")).map((t) => t.split(":")[1]?.split("/")[0] ?? ""))].sort();
    const packages = [...new Set(types.filter((t) => !t.startsWith("azure-native:") && !t.startsWith("pulumi:") && !t.startsWith("ahds:")).map((t) => t.split(":")[0] ?? ""))].sort();
    const modules = ["@pulumi/pulumi", ...packages.map((p) => `@pulumi/${p}`), ...azureModules.map((m) => `@pulumi/azure-native/${m}`)];

    // The floor is measured right before each prod plan and each ratio taken within its pair: this machine's speed
    // drifts between runs (a shared VM), and a ratio of figures taken minutes apart would measure the drift.
    const floors: Array<{ wallMs: number; peakRssKb: number }> = [];
    const ratios: Array<{ wall: number; memory: number }> = [];
    const cold = planOnce("prod", { AHDS_TS_CACHE: path.join(TMP, "ts-cache") });
    for (const stack of ["dev", "prod"]) {
        const figures = Array.from({ length: runs }, () => {
            if (stack !== "prod") return planOnce(stack);
            const floor = floorOnce(modules);
            const p = planOnce(stack);
            floors.push(floor);
            ratios.push({ wall: p.wallMs / floor.wallMs, memory: Math.max(p.planPeakRssKb, p.packPeakRssKb ?? 0) / floor.peakRssKb });
            return p;
        });
        const m = (k: keyof PlanFigures) => median(figures.map((f) => f[k] ?? 0));
        const viaNpm = stack === "prod" ? median(Array.from({ length: Math.min(runs, 3) }, () => planOnce(stack, {}, undefined, true).wallMs)) : undefined;
        console.log(`\nplan --stack ${stack} (${m("resources")} resources): ${s(m("wallMs"))} wall for the plan process (${planCommand().join(" ")})` +
            (viaNpm !== undefined ? `; ${s(viaNpm)} through \`npm run plan\` (npm's own start-up included)` : ""));
        console.log("  phases (from plan()'s start, after the SDK and the program have loaded; the pack starts first, in its own process):");
        if (stack === "prod") console.log(`    compile (TypeScript, first run only: cold cache ${s(cold.load)} vs warm ${s(m("load"))})  ${s(cold.load - m("load"))}`);
        console.log(`    program modules loaded            ${s(m("load"))}`);
        console.log(`    pack started and configured       ${s(m("packStart"))}`);
        console.log(`    program (registering resources)   ${s(m("program"))}`);
        console.log(`    analyze (every resource)          ${s(m("analyze"))}`);
        console.log(`    stack rules                       ${s(m("stackRules"))}`);
        console.log(`    plan() total                      ${s(m("total"))}  (the rest of the wall time: node start, loading the SDK and the program)`);
        console.log(`  peak memory: plan process ${mb(m("planPeakRssKb"))}, pack process ${mb(m("packPeakRssKb"))}`);
        if (stack === "prod") {
            const floorRss = median(floors.map((f) => f.peakRssKb));
            console.log(`  load floor, measured before each run (node + @pulumi/pulumi, ${packages.map((p) => `@pulumi/${p}`).join(", ")} and ${azureModules.length} azure-native modules): ${s(median(floors.map((f) => f.wallMs)))}, ${mb(floorRss)}`);
            console.log(`  ratios to the floor (median of the ${runs} pairs; each: ${ratios.map((r) => r.wall.toFixed(1)).join(", ")}): wall ${median(ratios.map((r) => r.wall)).toFixed(1)}× (target ≤ 5×; through npm ${((viaNpm ?? NaN) / median(floors.map((f) => f.wallMs))).toFixed(1)}×), ` +
                `peak memory of the larger process ${median(ratios.map((r) => r.memory)).toFixed(1)}× (target ≤ 3×; both processes together ${((m("planPeakRssKb") + m("packPeakRssKb")) / floorRss).toFixed(1)}×)`);
        }
    }

    if (values["no-test"] !== true) {
        const t = Date.now();
        const r = spawnSync("npm", ["test", "--silent"], { cwd: ROOT, stdio: "ignore" });
        console.log(`\nnpm test: ${s(Date.now() - t)} (exit ${r.status}; target < 60 s on 2 cores)`);
    }
    fs.rmSync(TMP, { recursive: true, force: true });
}

main();
