import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { policies } from "../policy/policies";
import { PlanJson, plan } from "../scripts/plan";
import { PROJECT_DIR } from "./harness/stackConfig";
import { POLICY_DIR, closeSharedPolicySessions, deferredAtPreview, evaluateShared, policyConfigFile } from "./harness/policyHost";
import { sharedProgramRun } from "./harness/run";

const PACK_VERSION = (JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { version: string }).version;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-plan-"));

/** Runs `npm run plan -- <args>` as a user would; resolves exit code and output. */
function npmPlan(args: string[]): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
        // Transpile only: `npm test` type-checks the whole project with tsc beside the suites, which is all ts-node's own check
        // would add here (a user's `npm run plan` keeps it); the CLI's behaviour under test is the same either way.
        const child = spawn("npm", ["run", "--silent", "plan", "--", ...args], { cwd: PROJECT_DIR, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } });
        let out = "";
        child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { out += d.toString(); });
        child.on("close", (code) => resolve({ code: code ?? -1, out }));
    });
}

/**
 * The CLI run (the seeded insecure program, typed as a user would) takes several seconds of subprocess time: ts-node
 * compiles the plan script and the program, then the policy pack process loads the transpiled pack
 * (tests/harness/packBuild.ts). It starts when mocha loads this file, so it runs
 * alongside the other specs instead of after them; the tests below await it.
 */
const cliInsecure = npmPlan(["--stack", "dev", "--program", "tests/fixtures/insecureProgram.ts", "--json", path.join(tmp, "insecure.json")]);

// plan() below evaluates in the shared pack processes; whichever spec file runs last, they are closed at the end.
after(closeSharedPolicySessions);

describe("npm run plan", () => {
    const results: Record<string, { code: number; out: string }> = {};
    const plans: Record<string, { code: number; json: PlanJson; log: string }> = {};
    const broken = path.join(tmp, "Pulumi.broken.yaml");

    before(async () => {
        fs.writeFileSync(broken, "config:\n  ahds:owner: me\n  ahds:costCenter: cc\n  ahds:spoke.addressSpace: 10.1.0.0/33\n  ahds:hub.bastionSubnet: 10.0.0.64/28\n");
        let brokenLog = "";
        const brokenCode = await plan({ stack: "broken", stackFile: broken, mode: "preview", json: path.join(tmp, "broken.json"), policyPack: path.join(PROJECT_DIR, "policy") }, (s) => { brokenLog += s; });
        results["broken"] = { code: brokenCode, out: brokenLog };
        // dev runs in `update` mode (every value known, stack policies see real ids), prod in `preview` mode (what
        // `npm run plan` does by default; CI runs both stacks that way too). Both graphs are the shared runs other specs
        // use. Program runs cannot overlap (the Pulumi runtime is process-global), so they are captured first. The pack
        // runs in the shared per-stack processes the mutation and conformance suites also use (same pack, same config);
        // the CLI run above starts its own pack process, exactly as a user's `npm run plan` does.
        const modes: Record<string, "update" | "preview"> = { dev: "update", prod: "preview" };
        for (const stack of ["dev", "prod"]) await sharedProgramRun(stack, modes[stack] === "preview");
        await Promise.all(["dev", "prod"].map(async (stack) => {
            const json = path.join(tmp, `${stack}.json`);
            let log = "";
            const code = await plan({ stack, mode: modes[stack] ?? "preview", json, mermaid: path.join(tmp, `${stack}.mmd`), policyPack: POLICY_DIR, policyConfig: policyConfigFile(stack) }, (s) => { log += s; },
                (o) => sharedProgramRun(o.stack, o.preview), evaluateShared);
            plans[stack] = { code, json: JSON.parse(fs.readFileSync(json, "utf8")) as PlanJson, log };
        }));
        results["insecure"] = await cliInsecure;
    });

    for (const stack of ["dev", "prod"]) {
        describe(`--stack ${stack}`, () => {
            it("exits 0 with zero mandatory violations", () => {
                const p = plans[stack]!;
                expect(p.json.policy.violations.filter((v) => v.enforcementLevel === "mandatory"), p.log).to.deep.equal([]);
                expect(p.code).to.equal(0);
            });
            it("writes the JSON contract", () => {
                const j = plans[stack]!.json;
                expect(j).to.include({ project: "ahds", stack });
                expect(j.policy).to.include({ pack: "ahds-hipaa-hitrust", version: PACK_VERSION, policies: policies.length });
                expect(j.resources.length).to.be.greaterThan(5);
                for (const r of j.resources) {
                    expect(r).to.have.all.keys("urn", "type", "name", "custom", "parent", "inputs", "protect", "retainOnDelete", "dependencies", "propertyDependencies");
                    if (r.parent !== null) expect(j.resources.map((x) => x.urn)).to.include(r.parent);
                    for (const d of [...r.dependencies, ...Object.values(r.propertyDependencies).flat()]) expect(j.resources.map((x) => x.urn)).to.include(d);
                }
                const law = j.resources.find((r) => r.type === "azure-native:operationalinsights:Workspace");
                expect(law?.protect).to.equal(stack === "prod");
            });
            it(stack === "prod"
                ? "at a first preview, decides every rule (nothing deferred: the storage firewalls' known fields stay known beside their unknown instance IDs)"
                : "in update mode, decides every rule (nothing deferred, no advisory beyond the dev downgrades)", () => {
                const p = plans[stack]!;
                const deferred = p.json.policy.violations.filter((v) => deferredAtPreview(v) !== undefined).map((v) => `${v.policy} ${v.urn?.split("::").pop() ?? "(stack)"}`).sort();
                expect(deferred, p.log).to.deep.equal([]);
                if (stack === "dev") {
                    expect(new Set(p.json.policy.violations.map((v) => v.policy)), p.log).to.deep.equal(new Set(["firewall-premium-idps", "vnet-flow-logs-coverage", "defender-plans-enabled"]));
                    return;
                }
                expect(p.json.policy.violations, p.log).to.deep.equal([]);
                expect(p.log).to.include("checks deferred to `pulumi up` (a value they read is unknown until the resources it comes from exist; the engine runs them before creating the resource): 0");
            });
            it("prints the component tree, counts by type and the violation summary", () => {
                expect(plans[stack]!.log).to.include("Resources:").and.include("Counts by type:").and.include("mandatory violations: 0");
            });
            it("writes a Mermaid diagram of the program's wiring", () => {
                const m = fs.readFileSync(path.join(tmp, `${stack}.mmd`), "utf8");
                expect(m).to.match(/^flowchart LR\n/).and.include("law<br/>");
                expect(m).to.match(/n\d+ --> n\d+/);
            });
        });
    }

    it("reports a seeded insecure resource as a mandatory violation through the pack process (exit 1)", () => {
        const r = results["insecure"]!;
        expect(r.code, r.out).to.equal(1);
        const j = JSON.parse(fs.readFileSync(path.join(tmp, "insecure.json"), "utf8")) as PlanJson;
        const v = j.policy.violations.find((x) => x.policy === "storage-no-public-network-access");
        expect(v).to.include({ enforcementLevel: "mandatory", urn: "urn:pulumi:dev::ahds::pulumi:pulumi:Stack$azure-native:storage:StorageAccount::insecure" });
        // The account breaks every storage rule that has an insecure Azure default; the account is also untagged.
        const violated = new Set(j.policy.violations.filter((x) => x.enforcementLevel === "mandatory").map((x) => x.policy));
        expect([...violated]).to.include.members(["storage-no-public-network-access", "storage-https-only", "storage-min-tls-1-2", "storage-no-public-blob", "storage-no-shared-key", "storage-no-cross-tenant-replication", "required-tags"]);
        expect(r.out).to.include(`FAILED: ${j.policy.violations.filter((x) => x.enforcementLevel === "mandatory").length} mandatory violation(s)`);
    });

    it("never writes secret values into the JSON", () => {
        const text = fs.readFileSync(path.join(tmp, "insecure.json"), "utf8");
        expect(text).not.to.include("s3cr3t-value");
        const c = (JSON.parse(text) as PlanJson).resources.find((x) => x.name === "insecure-container");
        expect(c?.inputs["metadata"]).to.deep.equal({ token: "[secret]" });
    });

    it("returns exit code 2 on a broken stack file, listing every problem by key, with nothing planned", () => {
        const r = results["broken"]!;
        expect(r.code, r.out).to.equal(2);
        expect(r.out).to.include('ahds:spoke.addressSpace: "10.1.0.0/33" is not a valid CIDR').and.include('ahds:hub.bastionSubnet: "10.0.0.64/28" is too small');
        expect(fs.existsSync(path.join(tmp, "broken.json"))).to.equal(false);
    });
});
