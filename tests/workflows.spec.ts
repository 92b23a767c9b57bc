import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import * as YAML from "yaml";
import { PlanJson } from "../scripts/plan";
import { planSummaryMarkdown, readPlan } from "../scripts/planSummary";
import { parseDeployConfig } from "../deploy/config";
import { loadStackConfig, PROJECT_DIR } from "../lib/offline/stackConfig";

/**
 * .github/workflows: schema-valid (@action-validator/cli, offline), least privilege, the offline gate before anything
 * that talks to Pulumi Cloud, no pull_request_target; and the plan summary the gate writes into the job summary.
 */
const WORKFLOWS_DIR = path.join(PROJECT_DIR, ".github", "workflows");
const WORKFLOWS = fs.readdirSync(WORKFLOWS_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const VALIDATOR = path.join(path.dirname(require.resolve("@action-validator/cli/package.json")), "cli.mjs");
const GATE = "./.github/workflows/gate.yml";

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; if?: string; name?: string; env?: Record<string, string>; "working-directory"?: string }
interface Job {
    name?: string; uses?: string; needs?: string | string[]; if?: string; permissions?: Record<string, string> | string;
    steps?: Step[]; environment?: string; concurrency?: { group: string; "cancel-in-progress"?: boolean }; strategy?: { matrix: Record<string, unknown> };
}
interface Workflow { name: string; on: Record<string, unknown>; permissions?: Record<string, string> | string; concurrency?: unknown; jobs: Record<string, Job> }

const read = (file: string): Workflow => YAML.parse(fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8")) as Workflow;
const needsOf = (j: Job): string[] => (j.needs === undefined ? [] : Array.isArray(j.needs) ? j.needs : [j.needs]);

/** Runs the validator CLI on a file, as `npx action-validator <file>` does. */
function validate(file: string): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [VALIDATOR, file], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { out += d.toString(); });
        child.on("close", (code) => resolve({ code: code ?? -1, out }));
    });
}

// The validator runs (a WebAssembly build of action-validator) start as the spec loads, in parallel.
const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ahds-wf-")), "broken.yml");
fs.writeFileSync(broken, "name: broken\non:\n  pull_request_targett: {}\njobs:\n  a:\n    steps:\n      - run: echo\n");
const VALIDATIONS = Promise.all([...WORKFLOWS.map((f) => path.join(WORKFLOWS_DIR, f)), broken].map(async (f) => [f, await validate(f)] as const)).then((r) => new Map(r));

/** Every job that talks to Pulumi Cloud (the Pulumi actions, or the CLI in a run step). */
function touchesPulumiCloud(j: Job): boolean {
    return (j.steps ?? []).some((s) => /^pulumi\/(actions|auth-actions)@/.test(s.uses ?? "") || /(^|\s)pulumi\s+\w/m.test(s.run ?? ""));
}

describe("GitHub Actions workflows", () => {
    it("there are the three workflows: the offline gate, CI with PR previews, and the policy pack publish", () => {
        expect(WORKFLOWS).to.deep.equal(["ci.yml", "gate.yml", "policy-publish.yml"]);
    });

    for (const file of WORKFLOWS) {
        it(`${file} is valid against GitHub's workflow schema (@action-validator/cli)`, async () => {
            const r = (await VALIDATIONS).get(path.join(WORKFLOWS_DIR, file));
            expect(r?.code, r?.out).to.equal(0);
        });
    }

    it("the validator does reject a broken workflow (so a pass means something)", async () => {
        const r = (await VALIDATIONS).get(broken);
        expect(r?.code).to.equal(1);
        expect(r?.out).to.include("pull_request_targett").and.include("runs-on");
    });

    it("no pull_request_target trigger, and no checkout of a pull request's head", () => {
        for (const file of WORKFLOWS) {
            const wf = read(file);
            expect(Object.keys(wf.on), file).to.not.include("pull_request_target");
            expect(Object.keys(wf.on), file).to.not.include("workflow_run");
            for (const [name, job] of Object.entries(wf.jobs)) {
                for (const s of (job.steps ?? []).filter((x) => (x.uses ?? "").startsWith("actions/checkout@"))) {
                    expect(JSON.stringify(s.with ?? {}), `${file} ${name}`).to.not.match(/pull_request\.head|head_ref|github\.event\.pull_request/);
                    // The job's token is not left in .git/config for the steps that follow.
                    expect(s.with?.["persist-credentials"], `${file} ${name}`).to.equal(false);
                }
            }
        }
    });

    it("least privilege: read-only by default; id-token only where a token is exchanged, pull-requests only where a comment is written", () => {
        for (const file of WORKFLOWS) {
            const wf = read(file);
            expect(wf.permissions, file).to.deep.equal({ contents: "read" });
            for (const [name, job] of Object.entries(wf.jobs)) {
                const perms = job.permissions;
                expect(perms, `${file} ${name} declares its permissions`).to.be.an("object");
                const p = perms as Record<string, string>;
                expect(p["contents"], `${file} ${name}`).to.equal("read");
                const writes = Object.entries(p).filter(([, v]) => v === "write").map(([k]) => k).sort();
                const steps = job.steps ?? [];
                const expected = [
                    ...(steps.some((s) => (s.uses ?? "").startsWith("pulumi/auth-actions@")) ? ["id-token"] : []),
                    ...(steps.some((s) => s.with?.["comment-on-pr"] === true) ? ["pull-requests"] : []),
                ].sort();
                expect(writes, `${file} ${name}`).to.deep.equal(expected);
            }
        }
    });

    it("actions are pinned by major version or commit SHA; auth-actions at v1 (v2.0.0 is broken)", () => {
        for (const file of WORKFLOWS) {
            for (const [name, job] of Object.entries(read(file).jobs)) {
                if (job.uses !== undefined) expect(job.uses, `${file} ${name}`).to.match(/^\.\/\.github\/workflows\/[\w-]+\.yml$/);
                for (const s of job.steps ?? []) {
                    if (s.uses === undefined) continue;
                    expect(s.uses, `${file} ${name}`).to.match(/^[\w-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
                    if (s.uses.startsWith("pulumi/auth-actions@")) expect(s.uses).to.equal("pulumi/auth-actions@v1");
                }
            }
        }
    });

    it("the gate needs no credential: npm ci, npm test, JSON plans of dev and prod, a job summary and the plans as an artifact", () => {
        const text = fs.readFileSync(path.join(WORKFLOWS_DIR, "gate.yml"), "utf8");
        const wf = read("gate.yml");
        expect(Object.keys(wf.on)).to.deep.equal(["workflow_call"]);
        expect(text).to.not.match(/secrets\.|id-token|auth-actions|ARM_|AZURE_/);
        const job = wf.jobs["gate"]!;
        const runs = (job.steps ?? []).map((s) => s.run ?? "");
        expect(runs).to.include("npm ci").and.include("npm test");
        const plans = runs.find((r) => r.includes("npm run --silent plan")) ?? "";
        for (const stack of ["dev", "prod"]) expect(plans).to.match(new RegExp(`^plan ${stack} --stack ${stack}$`, "m"));
        expect(plans).to.include("--json \"out/plan-$name.json\"").and.include("--project-dir deploy");
        const summary = (job.steps ?? []).find((s) => (s.run ?? "").includes("GITHUB_STEP_SUMMARY"));
        expect(summary?.if).to.equal("always()");
        expect(summary?.run).to.include("scripts/planSummary.ts out/plan-dev.json out/plan-prod.json");
        const upload = (job.steps ?? []).find((s) => (s.uses ?? "").startsWith("actions/upload-artifact@"));
        expect(upload?.if).to.equal("always()");
        expect(upload?.with?.["path"]).to.equal("out/");
        const setup = (job.steps ?? []).find((s) => (s.uses ?? "").startsWith("actions/setup-node@"));
        expect(setup?.with?.["node-version-file"]).to.equal(".nvmrc");
    });

    it("Node: the workflows' .nvmrc is the executor image's Node (22); every package.json allows 20.17+ and 22, engine-strict; @types/node stays at 20", () => {
        // pulumi/pulumi-docker-containers builds pulumi-nodejs-22 and -24 at CLI 3.248.0 (Node 20 was dropped), so the
        // Deployments executor runs 22 and CI runs what deploys; Node 20 stays supported (this repo's own machines run it).
        const nvmrc = fs.readFileSync(path.join(PROJECT_DIR, ".nvmrc"), "utf8").trim();
        expect(nvmrc).to.equal("22");
        const deploy = parseDeployConfig(loadStackConfig("platform", { projectDir: path.join(PROJECT_DIR, "deploy") }).config);
        expect(/^pulumi\/pulumi-nodejs-(\d+)[:@]/.exec(deploy.executorImage)?.[1]).to.equal(nvmrc);
        expect(fs.readFileSync(path.join(PROJECT_DIR, ".npmrc"), "utf8")).to.match(/^engine-strict=true$/m);
        interface Pkg { engines?: { node?: string }; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
        for (const dir of [".", "components", "deploy", "policy", "examples/fhir-only"]) {
            const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, dir, "package.json"), "utf8")) as Pkg;
            // The pack declares no engines (the CLI that runs it installs it); every other package the same range.
            if (dir !== "policy" || pkg.engines !== undefined) expect(pkg.engines?.node, dir).to.equal(">=20.17 <21 || >=22.9 <23");
            // Typings of the lowest supported Node, so no API Node 20 lacks type-checks.
            const types = pkg.devDependencies?.["@types/node"] ?? pkg.dependencies?.["@types/node"];
            if (types !== undefined) expect(types.split(".")[0], `${dir} @types/node`).to.equal("20");
        }
        // The Node running this suite is inside the range.
        const [major, minor] = process.versions.node.split(".").map(Number);
        expect(major === 22 || (major === 20 && (minor ?? 0) >= 17), process.version).to.equal(true);
    });

    it("every job that talks to Pulumi Cloud runs only after the offline gate (needs:), and the gate is the reusable gate.yml", () => {
        for (const file of ["ci.yml", "policy-publish.yml"]) {
            const jobs = read(file).jobs;
            const gates = Object.entries(jobs).filter(([, j]) => j.uses === GATE).map(([n]) => n);
            expect(gates, file).to.deep.equal(["gate"]);
            const after = (name: string, seen = new Set<string>()): boolean => {
                if (gates.includes(name)) return true;
                if (seen.has(name)) return false;
                seen.add(name);
                const deps = needsOf(jobs[name] ?? {});
                return deps.length > 0 && deps.some((d) => gates.includes(d) || after(d, seen));
            };
            const cloud = Object.entries(jobs).filter(([, j]) => touchesPulumiCloud(j)).map(([n]) => n);
            expect(cloud.length, file).to.be.greaterThan(0);
            for (const name of cloud) expect(needsOf(jobs[name]!), `${file} ${name}`).to.include("gate");
            for (const name of cloud) expect(after(name), `${file} ${name}`).to.equal(true);
        }
    });

    it("PR previews: from this repository only, dev and prod, the PR's pack with the stack's config, commented, one at a time per stack", () => {
        const wf = read("ci.yml");
        expect(Object.keys(wf.on).sort()).to.deep.equal(["pull_request", "push"]);
        const job = wf.jobs["preview"]!;
        expect(job.if).to.equal("github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository");
        expect(job.strategy?.matrix["stack"]).to.deep.equal(["dev", "prod"]);
        expect(job.concurrency?.group).to.include("${{ matrix.stack }}");
        const steps = job.steps ?? [];
        const order = steps.map((s) => s.uses?.split("@")[0] ?? s.run);
        expect(order).to.deep.equal(["actions/checkout", "actions/setup-node", "npm ci", "pulumi/auth-actions", "pulumi/actions"]);
        const auth = steps.find((s) => s.uses === "pulumi/auth-actions@v1")!;
        expect(auth.with).to.deep.equal({ organization: "${{ vars.PULUMI_ORG }}", "requested-token-type": "urn:pulumi:token-type:access_token:team", scope: "team:${{ vars.PULUMI_CI_TEAM }}" });
        const preview = steps.find((s) => (s.uses ?? "").startsWith("pulumi/actions@"))!;
        expect(preview.with).to.deep.include({
            command: "preview", "stack-name": "${{ vars.PULUMI_ORG }}/ahds/${{ matrix.stack }}", policyPacks: "policy",
            policyPackConfigs: "policy/config.${{ matrix.stack }}.json", "comment-on-pr": true,
        });
        for (const stack of ["dev", "prod"]) expect(fs.existsSync(path.join(PROJECT_DIR, `policy/config.${stack}.json`))).to.equal(true);
        // No cloud credential in the workflow: Azure's come from the stack's ESC environment.
        expect(fs.readFileSync(path.join(WORKFLOWS_DIR, "ci.yml"), "utf8")).to.not.match(/secrets\.|ARM_|AZURE_CLIENT/);
    });

    it("the pack is published on a push to main that changes its version, from the protected environment deploy/ trusts", () => {
        const wf = read("policy-publish.yml");
        expect(wf.on).to.deep.equal({ push: { branches: ["main"], paths: ["policy/package.json"] } });
        expect(fs.existsSync(path.join(PROJECT_DIR, "policy/package.json"))).to.equal(true);
        expect(wf.concurrency).to.deep.equal({ group: "policy-publish", "cancel-in-progress": false });
        const publish = wf.jobs["publish"]!;
        expect(needsOf(publish).sort()).to.deep.equal(["gate", "version"]);
        expect(publish.if).to.equal("needs.version.outputs.changed == 'true'");
        const deploy = parseDeployConfig(loadStackConfig("platform", { projectDir: path.join(PROJECT_DIR, "deploy") }).config);
        expect(publish.environment).to.equal(deploy.policyPublishEnvironment);
        const run = (publish.steps ?? []).find((s) => (s.run ?? "").includes("pulumi policy publish"));
        expect(run?.["working-directory"]).to.equal("policy");
        const auth = (publish.steps ?? []).find((s) => s.uses === "pulumi/auth-actions@v1");
        expect(auth?.with?.["requested-token-type"]).to.equal("urn:pulumi:token-type:access_token:organization");
        const compare = wf.jobs["version"]!.steps?.find((s) => s.run !== undefined);
        expect(compare?.run).to.include("policy/package.json").and.include("changed=true");
    });
});

describe("plan summary (scripts/planSummary.ts)", () => {
    const plan = (over: Partial<PlanJson["policy"]>): PlanJson => ({
        project: "ahds", stack: "dev", mode: "preview",
        resources: [
            { urn: "urn:pulumi:dev::ahds::azure-native:storage:StorageAccount::st", type: "azure-native:storage:StorageAccount", name: "st", custom: true, parent: null, inputs: {}, protect: false, retainOnDelete: false, dependencies: [], propertyDependencies: {} },
            { urn: "urn:pulumi:dev::ahds::azure-native:storage:StorageAccount::st2", type: "azure-native:storage:StorageAccount", name: "st2", custom: true, parent: null, inputs: {}, protect: false, retainOnDelete: false, dependencies: [], propertyDependencies: {} },
            { urn: "urn:pulumi:dev::ahds::azure-native:network:VirtualNetwork::vnet", type: "azure-native:network:VirtualNetwork", name: "vnet", custom: true, parent: null, inputs: {}, protect: false, retainOnDelete: false, dependencies: [], propertyDependencies: {} },
        ],
        policy: { pack: "ahds-hipaa-hitrust", version: "0.4.0", policies: 79, violations: [], ...over },
        outputs: {},
    });
    const NONE = { hitrust: [], azurePolicy: [], checkov: [] };

    it("one row per plan with outcome and counts, then violations, deferred checks and resources by type", () => {
        const md = planSummaryMarkdown([
            { file: "out/plan-dev.json", plan: plan({ violations: [
                { policy: "storage-https-only", enforcementLevel: "mandatory", urn: "urn:pulumi:dev::ahds::azure-native:storage:StorageAccount::st", message: "HTTP | allowed\nsecond line", severity: "high", remediation: "Set enableHttpsTrafficOnly: true.", deferred: false, controls: { hitrust: ["01.m"], azurePolicy: [], checkov: ["CKV_AZURE_3"] } },
                { policy: "storage-https-only", enforcementLevel: "mandatory", urn: "urn:pulumi:dev::ahds::azure-native:storage:StorageAccount::st2", message: "HTTP allowed", severity: "high", remediation: "Set enableHttpsTrafficOnly: true.", deferred: false, controls: NONE },
                { policy: "defender-plans-enabled", enforcementLevel: "advisory", urn: null, message: "Defender plan Api is not enabled", severity: "medium", remediation: "Set ahds:governance.defenderPlans.", deferred: false, controls: NONE },
                { policy: "storage-firewall", enforcementLevel: "advisory", urn: "urn:pulumi:dev::ahds::azure-native:storage:StorageAccount::st2", message: "can't run policy 'storage-firewall' from policy pack 'ahds-hipaa-hitrust' during preview: string value at .networkRuleSet can't be known during preview", severity: "high", remediation: null, deferred: "string value at .networkRuleSet can't be known during preview", controls: NONE },
            ] }) },
            { file: "out/plan-prod.json" },
        ]);
        expect(md).to.include("| ahds/dev (preview) | :x: 2 mandatory violations | 3 | 2 | 1 | 1 | ahds-hipaa-hitrust@0.4.0 (79 policies) |");
        expect(md).to.include("| `out/plan-prod.json` | :x: no plan written");
        expect(md).to.include("| mandatory | high | `storage-https-only` | `st` | HTTP \\| allowed second line |");
        expect(md).to.include("| advisory | medium | `defender-plans-enabled` | (stack) | Defender plan Api is not enabled |");
        // Each mandatory rule's remediation once, however many resources break it; none for advisory ones.
        expect(md).to.include("How to fix the mandatory ones:\n\n- `storage-https-only` (high): Set enableHttpsTrafficOnly: true.\n");
        expect(md.split("Set enableHttpsTrafficOnly").length - 1).to.equal(1);
        expect(md).not.to.include("Set ahds:governance.defenderPlans");
        expect(md).to.include("### ahds/dev: checks deferred to `pulumi up`").and.include("| `storage-firewall` | `st2` | string value at .networkRuleSet can't be known during preview |");
        expect(md).to.include("| 2 | `azure-native:storage:StorageAccount` |").and.include("| 1 | `azure-native:network:VirtualNetwork` |");
        expect(md.indexOf("| 2 | `azure-native:storage")).to.be.lessThan(md.indexOf("| 1 | `azure-native:network"));
    });

    it("a clean plan says so; a missing or unreadable file is listed, never dropped", () => {
        expect(planSummaryMarkdown([{ file: "x", plan: plan({}) }])).to.include("| ahds/dev (preview) | :white_check_mark: no mandatory violations | 3 | 0 | 0 | 0 |");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-sum-"));
        fs.writeFileSync(path.join(dir, "bad.json"), "{ not json");
        expect(readPlan(path.join(dir, "bad.json")).plan).to.equal(undefined);
        expect(readPlan(path.join(dir, "missing.json")).plan).to.equal(undefined);
        fs.writeFileSync(path.join(dir, "ok.json"), JSON.stringify(plan({})));
        expect(readPlan(path.join(dir, "ok.json")).plan?.stack).to.equal("dev");
    });
});
