import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { expect } from "chai";
import { contains, parseCidr } from "../components/shared/cidr";
import { parseConfig } from "../lib/config";
import { PlanJson, plan } from "../scripts/plan";
import { USAGE, flatConfig, main, parseNewStackArgs, planNewStack, profileDemands, profileFile, readProfile } from "../scripts/newStack";
import { POLICY_DIR, closeSharedPolicySessions, sharedOrOwnSession, sharedPolicySession } from "../lib/offline/policySessions";
import { npmRun } from "./harness/npmRun";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-new-stack-"));
const dirOf = (name: string) => { const d = path.join(tmp, name); fs.mkdirSync(d, { recursive: true }); return d; };

/** Runs `npm run new-stack -- <args>` as a user would. */
// The "bad" run goes through npm, as a user types it; the other starts the command npm runs directly.
const npmNewStack = (args: string[], viaNpm = false) => npmRun("new-stack", args, { viaNpm });

/** main() in-process: exit code and everything it printed. */
function run(argv: string[]): { code: number; out: string } {
    let out = "";
    const code = main(argv, (s) => { out += `${s}\n`; }, (s) => { out += `${s}\n`; });
    return { code, out };
}

// The dev-profile stack is planned in update mode and the prod-profile one as a first preview: the modes of the shared
// dev and prod pack sessions, which plan() borrows because the generated configs are byte-identical to those stacks'
// (asserted below); CI plans a generated stack through the CLI at a first preview as well (.ci/run).
const DEV = { name: "qa", environment: "dev", dir: dirOf("dev"), addressSpace: "10.40.0.0/16", mode: "update" } as const;
const PROD = { name: "live", environment: "prod", dir: dirOf("prod"), addressSpace: "10.42.0.0/20", hubAddressSpace: "10.41.0.0/22", mode: "preview" } as const;
const BAD_DIR = dirOf("bad");

// The CLI runs start when mocha loads this file, so their ts-node start-up overlaps the specs that run first; the
// tests below await them.
const cliDev = npmNewStack([DEV.name, "--environment", DEV.environment, "--region", "westeurope", "--address-space", DEV.addressSpace, "--dir", DEV.dir]);
const cliBad = npmNewStack(["Bad_Name", "extra", "--environment", "staging", "--region", "mars", "--address-space", "10.0.0.0/33", "--hub-address-space", "8.8.8.0/24", "--workload", "X", "--bogus", "--dir", BAD_DIR], true);

// Open (or join) the shared sessions the plans borrow, so they start while other suites run.
void sharedPolicySession("dev", false).catch(() => undefined);
void sharedPolicySession("prod", true).catch(() => undefined);
after(closeSharedPolicySessions);

const cidr = (text: string) => { const c = parseCidr(text); if (typeof c === "string") throw new Error(`${text} ${c}`); return c; };

describe("npm run new-stack", () => {
    describe("generated dev and prod stacks (written into a temporary --dir, planned with their policy configs)", () => {
        const plans: Record<string, { code: number; json: PlanJson; log: string }> = {};
        before(async () => {
            const dev = await cliDev;
            expect(dev.code, dev.out).to.equal(0);
            const prod = run([PROD.name, "--environment", PROD.environment, "--region", "swedencentral", "--address-space", PROD.addressSpace, "--hub-address-space", PROD.hubAddressSpace, "--dir", PROD.dir]);
            expect(prod.code, prod.out).to.equal(0);
            // The Pulumi runtime is process-global: the two program runs (each through plan()) must not overlap.
            for (const s of [DEV, PROD]) {
                const json = path.join(tmp, `${s.name}.json`);
                let log = "";
                const code = await plan({
                    stack: s.name, mode: s.mode, policyPack: POLICY_DIR, json,
                    stackFile: path.join(s.dir, `Pulumi.${s.name}.yaml`), policyConfig: path.join(s.dir, "policy", `config.${s.name}.json`),
                }, (x) => { log += x; }, { session: sharedOrOwnSession });
                plans[s.environment] = { code, json: JSON.parse(fs.readFileSync(json, "utf8")) as PlanJson, log };
            }
        });

        it("the pack reads no stack or project name (so a session configured for another stack with the same config file answers alike)", () => {
            const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
                e.isDirectory() && e.name !== "node_modules" ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []);
            const reads = sources(POLICY_DIR).filter((f) => /\bget(Stack|Project)\s*\(|\bpulumi\.runtime\b|\bPULUMI_(STACK|PROJECT)\b/.test(fs.readFileSync(f, "utf8")));
            expect(reads).to.deep.equal([]);
        });

        it("writes Pulumi.<name>.yaml (ESC environment ahds/<name>, every key validated) and policy/config.<name>.json (the profile)", () => {
            for (const s of [DEV, PROD]) {
                const text = fs.readFileSync(path.join(s.dir, `Pulumi.${s.name}.yaml`), "utf8");
                const doc = YAML.parse(text) as { environment: string[]; config: Record<string, unknown> };
                expect(doc.environment).to.deep.equal([`ahds/${s.name}`]);
                expect(text).to.match(/^# .*\n(# .*\n)*environment:\n/);
                expect(doc.config).to.include({ "ahds:environment": s.environment, "ahds:workload": "ahds" });
                expect(() => parseConfig(flatConfig(text))).to.not.throw();
                expect(fs.readFileSync(path.join(s.dir, "policy", `config.${s.name}.json`), "utf8")).to.equal(fs.readFileSync(profileFile(s.environment as "dev" | "prod"), "utf8"));
                expect(fs.readdirSync(s.dir).sort()).to.deep.equal([`Pulumi.${s.name}.yaml`, "policy"]);
            }
        });

        for (const env of ["dev", "prod"]) {
            it(`${env}: plans with exit 0 and zero mandatory violations`, () => {
                const p = plans[env]!;
                expect(p.json.policy.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`), p.log).to.deep.equal([]);
                expect(p.code, p.log).to.equal(0);
                // dev: exactly the dev profile's cost downgrades remain, as advisories; prod: nothing at all.
                const advisory = new Set(p.json.policy.violations.map((v) => v.policy));
                expect(advisory, p.log).to.deep.equal(new Set(env === "dev" ? ["firewall-premium-idps", "vnet-flow-logs-coverage", "defender-plans-enabled"] : []));
            });
        }

        it("puts every VNet and subnet of the captured graph inside the given address space(s)", () => {
            const vnets = (env: string) => plans[env]!.json.resources.filter((r) => r.type === "azure-native:network:VirtualNetwork");
            const prefixes = (r: PlanJson["resources"][number]) => [
                ...((r.inputs["addressSpace"] as { addressPrefixes: string[] }).addressPrefixes),
                ...(r.inputs["subnets"] as Array<{ addressPrefix: string }>).map((x) => x.addressPrefix),
            ];
            const inside = (outer: string, cidrs: string[]) => { for (const c of cidrs) expect(contains(cidr(outer), cidr(c)), `${c} inside ${outer}`).to.equal(true); };
            expect(vnets("dev").map((v) => v.name).sort()).to.deep.equal(["hub-vnet", "spoke-vnet"]);
            for (const v of vnets("dev")) inside(DEV.addressSpace, prefixes(v));
            for (const v of vnets("prod")) inside(v.name === "hub-vnet" ? PROD.hubAddressSpace : PROD.addressSpace, prefixes(v));
            // Eleven subnets across the two VNets (no GatewaySubnet or resolver subnet without hybrid connectivity).
            expect(vnets("prod").flatMap(prefixes)).to.have.length(2 + 9);
        });
    });

    describe("arguments", () => {
        it("lists every problem by key, exits 2 without a stack trace, and writes nothing (CLI)", async () => {
            const r = await cliBad;
            expect(r.code, r.out).to.equal(2);
            for (const line of [
                "--bogus: is not an option of new-stack",
                "name: one stack name expected, got 2 (Bad_Name, extra)",
                `name: "Bad_Name" must be 2-20 lowercase letters, digits or hyphens`,
                `--environment: "staging" must be one of dev, test, prod`,
                `--region: "mars" is not a region this platform supports`,
                `--workload: "X" must be 2-6 lowercase letters or digits`,
                `--address-space: "10.0.0.0/33" is not a valid CIDR`,
                `--hub-address-space: "8.8.8.0/24" is not inside 10.0.0.0/8`,
            ]) expect(r.out).to.include(line);
            expect(r.out).to.include("nothing written (8 problems)");
            expect(r.out).not.to.match(/^\s+at /m);
            expect(fs.readdirSync(BAD_DIR)).to.deep.equal([]);
        });

        it("--help prints the usage and exits 0", () => {
            const r = run(["--help"]);
            expect(r.code).to.equal(0);
            expect(r.out).to.equal(`${USAGE}\n`);
            expect(USAGE).to.include("--environment").and.include("--region").and.include("--address-space").and.include("--hub-address-space").and.include("--dir").and.include("--policy-only").and.include("--force");
        });

        it("requires the name, the environment, the region and the address space, and values for value options", () => {
            const dir = dirOf("required");
            expect(run(["--dir", dir]).out).to.include("name: is required").and.include("--environment: is required").and.include("--region: is required").and.include("--address-space: is required");
            expect(parseNewStackArgs(["qa", "--region"]).problems).to.deep.equal([{ key: "--region", message: "needs a value" }]);
            expect(parseNewStackArgs(["qa", "--region", "--force"]).problems).to.deep.equal([{ key: "--region", message: "needs a value" }]);
            expect(parseNewStackArgs(["qa", "--region=westeurope", "--region", "northeurope"]).problems).to.deep.equal([{ key: "--region", message: "is given more than once" }]);
            expect(parseNewStackArgs(["qa", "--force=yes"]).problems).to.deep.equal([{ key: "--force", message: "takes no value" }]);
            expect(fs.readdirSync(dir)).to.deep.equal([]);
        });

        it("accepts stack names Pulumi, the file names and the ESC environment all allow: 2-20 lowercase letters, digits and inner hyphens", () => {
            const dir = dirOf("names");
            const nameProblems = (name: string) => planNewStack({ ...parseNewStackArgs([name, "--environment", "dev", "--region", "westeurope", "--address-space", "10.60.0.0/16", "--dir", dir]).args }).problems.filter((p) => p.key === "name");
            for (const good of ["qa", "prod-eu2", "uat", "a1", "x".repeat(20)]) expect(nameProblems(good), good).to.deep.equal([]);
            for (const bad of ["a", "Dev", "my_stack", "my.stack", "-x", "x-", "x".repeat(21), "dev/2"]) expect(nameProblems(bad), bad).to.have.length(1);
            expect(fs.readdirSync(dir)).to.deep.equal([]);
        });

        it("refuses an address space too small for the plan, or a hub overlapping the spoke, by option", () => {
            const dir = dirOf("small");
            const problems = (...extra: string[]) => run(["qa", "--environment", "dev", "--region", "westeurope", "--dir", dir, ...extra]).out;
            expect(problems("--address-space", "10.60.0.0/22")).to.include(`--address-space: "10.60.0.0/22" is too small to hold both the hub (/24 or larger) and the spoke (/22 or larger)`);
            expect(problems("--address-space", "10.60.0.0/23", "--hub-address-space", "10.61.0.0/25"))
                .to.include(`--hub-address-space: "10.61.0.0/25" is too small for the hub`).and.include(`--address-space: "10.60.0.0/23" is too small for the spoke`);
            expect(problems("--address-space", "10.60.0.0/16", "--hub-address-space", "10.60.4.0/22")).to.include(`--hub-address-space: "10.60.4.0/22" overlaps the spoke's address space "10.60.0.0/16"`);
            expect(problems("--address-space", "10.60.0.1/16")).to.include("is not a network address (did you mean 10.60.0.0/16?)");
            expect(fs.readdirSync(dir)).to.deep.equal([]);
        });

        it("refuses to overwrite either file unless --force", () => {
            const dir = dirOf("force");
            const args = ["qa", "--environment", "dev", "--region", "westeurope", "--address-space", "10.60.0.0/16", "--dir", dir];
            expect(run(args).code).to.equal(0);
            const stackFile = path.join(dir, "Pulumi.qa.yaml");
            fs.writeFileSync(stackFile, "# edited by hand\n");
            const again = run(args);
            expect(again.code).to.equal(2);
            expect(again.out).to.include("name: Pulumi.qa.yaml exists; pass --force to overwrite it").and.include("name: policy/config.qa.json exists; pass --force to overwrite it");
            expect(fs.readFileSync(stackFile, "utf8")).to.equal("# edited by hand\n");
            expect(run([...args, "--force"]).code).to.equal(0);
            expect(fs.readFileSync(stackFile, "utf8")).to.include("ahds:spoke.addressSpace: 10.60.16.0/20");
        });

        it("--policy-only writes only the policy config of an existing stack, from the environment in its stack file", () => {
            const dir = dirOf("policy-only");
            expect(run(["uat", "--policy-only", "--dir", dir]).out).to.include("name: no Pulumi.uat.yaml in");
            fs.writeFileSync(path.join(dir, "Pulumi.uat.yaml"), "config:\n  ahds:environment: test\n  ahds:owner: me\n");
            const misused = run(["uat", "--policy-only", "--environment", "prod", "--region", "westeurope", "--dir", dir]);
            expect(misused.code).to.equal(2);
            expect(misused.out).to.include(`--environment: "prod" differs from ahds:environment "test" in Pulumi.uat.yaml`).and.include("--region: is not used with --policy-only");
            expect(run(["uat", "--policy-only", "--dir", dir]).code).to.equal(0);
            expect(fs.readFileSync(path.join(dir, "policy", "config.uat.json"), "utf8")).to.equal(fs.readFileSync(profileFile("test"), "utf8"));
            expect(fs.readFileSync(path.join(dir, "Pulumi.uat.yaml"), "utf8")).to.equal("config:\n  ahds:environment: test\n  ahds:owner: me\n");
            expect(run(["uat", "--policy-only", "--dir", dir]).out).to.include("name: policy/config.uat.json exists; pass --force");
            expect(run(["uat", "--policy-only", "--force", "--dir", dir]).code).to.equal(0);
        });

        it("notes another stack of the directory with the same workload, environment and region, or an overlapping address plan", () => {
            const dir = dirOf("collide");
            fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
            const same = planNewStack(parseNewStackArgs(["dev2", "--environment", "dev", "--region", "westeurope", "--address-space", "10.1.0.0/16", "--dir", dir]).args);
            expect(same.problems).to.deep.equal([]);
            expect(same.notes).to.have.length(2);
            expect(same.notes[0]).to.include("Pulumi.dev.yaml has the same workload, environment and region (ahds/dev/westeurope)");
            expect(same.notes[1]).to.include("Pulumi.dev.yaml's address plan overlaps 10.1.0.0/22");
            const apart = planNewStack(parseNewStackArgs(["dev2", "--environment", "dev", "--region", "westeurope", "--workload", "ahds2", "--address-space", "10.60.0.0/16", "--dir", dir]).args);
            expect(apart.notes).to.deep.equal([]);
        });
    });

    describe("profiles", () => {
        it("derives each environment's policy-relevant settings from its profile, so the stack meets its own gate", () => {
            const dir = dirOf("profiles");
            for (const environment of ["dev", "test", "prod"] as const) {
                const r = planNewStack(parseNewStackArgs([`s-${environment}`, "--environment", environment, "--region", "westeurope", "--address-space", "10.60.0.0/16", "--dir", dir]).args);
                expect(r.problems, environment).to.deep.equal([]);
                const config = flatConfig(r.files[0]?.text ?? "");
                const d = profileDemands(readProfile(environment));
                expect(config["ahds:firewall.sku"], environment).to.equal(d.firewallPremium ? "Premium" : "Standard");
                expect(config["ahds:flowLogs.enabled"], environment).to.equal(String(d.flowLogs || environment === "prod"));
                if (d.flowLogs) expect(Number(config["ahds:flowLogs.retentionInDays"])).to.be.at.least(d.flowLogRetentionDays);
                expect(config["ahds:governance.defenderPlans"], environment).to.equal(String(d.defenderPlans));
                expect(Number(config["ahds:logAnalytics.retentionInDays"]), environment).to.be.at.least(d.logRetentionDays);
                if (d.protect) expect(config["ahds:protect"], environment).to.equal("true");
            }
            expect(fs.readdirSync(dir)).to.deep.equal([]);
        });

        it("test: prod's gate (every rule mandatory, 365-day audit retention, protected stores) on dev's sizing", () => {
            expect(profileDemands(readProfile("test"))).to.deep.equal({ firewallPremium: true, flowLogs: true, flowLogRetentionDays: 90, defenderPlans: true, logRetentionDays: 365, protect: true });
            const r = planNewStack(parseNewStackArgs(["uat", "--environment", "test", "--region", "northcentralus", "--address-space", "10.60.0.0/16", "--dir", dirOf("test")]).args);
            const config = flatConfig(r.files[0]?.text ?? "");
            expect(config).to.include({ "ahds:environment": "test", "ahds:apim.sku": "Developer", "ahds:bastion.sku": "Basic", "ahds:zoneRedundant": "false", "ahds:logAnalytics.dailyQuotaGb": "-1", "ahds:retainOnDelete": "false" });
            // A prod stack in a region without availability zones is not zone-redundant (the config check would refuse it).
            const noZones = planNewStack(parseNewStackArgs(["live", "--environment", "prod", "--region", "westcentralus", "--address-space", "10.60.0.0/16", "--dir", dirOf("nozones")]).args);
            expect(noZones.problems).to.deep.equal([]);
            expect(flatConfig(noZones.files[0]?.text ?? "")["ahds:zoneRedundant"]).to.equal("false");
        });
    });
});
