import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { policies } from "../policy/policies";
import { RULE_METADATA } from "../policy/rules/define";
import { PlanJson, plan } from "../scripts/plan";
import { npmRun } from "./harness/npmRun";
import { PROJECT_DIR } from "../lib/offline/stackConfig";
import { deferredAtPreview } from "../lib/offline/policyHost";
import { POLICY_DIR, borrowSharedSession, closeSharedPolicySessions, policyConfigFile, sharedOrOwnSession } from "../lib/offline/policySessions";
import { sharedProgramRun } from "../lib/offline/run";

const PACK_VERSION = (JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { version: string }).version;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-plan-"));

/** Runs `npm run plan -- <args>` as a user would; resolves exit code and output. */
const npmPlan = (args: string[]) => npmRun("plan", args);

/** The lines of a report section: after the line starting with `heading`, up to the next blank line. */
function section(report: string, heading: string): string[] {
    const lines = report.split("\n");
    const start = lines.findIndex((l) => l.startsWith(heading));
    if (start < 0) return [];
    const end = lines.findIndex((l, i) => i > start && l === "");
    return lines.slice(start + 1, end < 0 ? undefined : end);
}

/**
 * The CLI run (the seeded insecure program, typed as a user would) takes a few seconds of subprocess time: the plan
 * process loads the (transpiled, cached: scripts/register.js) program while the policy pack process loads the transpiled pack
 * (lib/offline/packBuild.ts). It starts when mocha loads this file, so it runs
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
        const brokenCode = await plan({ stack: "broken", stackFile: broken, mode: "preview", json: path.join(tmp, "broken.json"), policyPack: path.join(PROJECT_DIR, "policy") }, (s) => { brokenLog += s; },
            // The program stops at its config check; the pack session it would use is dev's shared one (not started for this).
            { session: () => borrowSharedSession("dev", false) });
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
                { runner: (o) => sharedProgramRun(o.stack, o.preview), session: sharedOrOwnSession });
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
                expect(j.policy).to.have.all.keys("pack", "version", "policies", "violations");
                for (const v of j.policy.violations) expect(v).to.have.all.keys("policy", "enforcementLevel", "urn", "message", "severity", "remediation", "deferred", "controls");
                // The stack outputs: at a first preview (prod) what comes from a resource not yet created is unknown; in update mode (dev) known.
                expect(j.outputs["bulkUploadUrl"]).to.be.a("string").and.match(/^https:\/\//);
                if (stack === "prod") expect(j.outputs["fhirUrl"]).to.equal("[unknown]");
                else expect(j.outputs["fhirUrl"]).to.match(/^https:\/\/[a-z0-9-]+-fhir\.fhir\.azurehealthcareapis\.com$/);
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
            it("prints every resource with `pulumi preview`'s `+` (create), children nested under their component, then the stack outputs", () => {
                const log = plans[stack]!.log;
                const tree = section(log, "Resources:");
                const j = plans[stack]!.json;
                expect(tree.length).to.equal(j.resources.length);
                for (const line of tree) expect(line, line).to.match(/^( {2})*\+ \S+ \S+/);
                expect(tree).to.include(`+ pulumi:pulumi:Stack ahds-${stack}`).and.include("  + ahds:index:HubSecurity hub");
                // A component's resources sit one level deeper than the component.
                const hub = tree.indexOf("  + ahds:index:HubSecurity hub");
                expect(tree[hub + 1]).to.match(/^ {4}\+ /);
                const outputs = section(log, "Outputs:");
                expect(outputs.find((l) => /^ {4}fhirUrl +: /.test(l))).to.match(stack === "prod" ? /: \[unknown\]$/ : /: "https:\/\/[^"]+"$/);
                // An object output over several lines, its keys aligned (as `pulumi preview` prints it).
                const rg = outputs.findIndex((l) => /^ {4}resourceGroups +: \{$/.test(l));
                expect(outputs.slice(rg + 1, rg + 5).map((l) => l.replace(/ +:/, ":"))).to.deep.equal([`        data: "rg-ahds-${stack}-weu-data"`, `        hub: "rg-ahds-${stack}-weu-hub"`, `        spoke: "rg-ahds-${stack}-weu-spk"`, "    }"]);
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

    it("never writes secret values into the JSON or the report", () => {
        const text = fs.readFileSync(path.join(tmp, "insecure.json"), "utf8");
        expect(text).not.to.include("s3cr3t-value");
        expect(results["insecure"]!.out).not.to.include("s3cr3t-value");
        const c = (JSON.parse(text) as PlanJson).resources.find((x) => x.name === "insecure-container");
        expect(c?.inputs["metadata"]).to.deep.equal({ token: "[secret]" });
    });

    describe("violations that teach (the seeded insecure program through the CLI)", () => {
        const json = () => JSON.parse(fs.readFileSync(path.join(tmp, "insecure.json"), "utf8")) as PlanJson;
        const ACCOUNT = "urn:pulumi:dev::ahds::pulumi:pulumi:Stack$azure-native:storage:StorageAccount::insecure";
        const LOGS = `${ACCOUNT}-logs`;

        it("each JSON violation carries the rule's severity, remediation and controls as the rule declares them", () => {
            const vs = json().policy.violations;
            const v = vs.find((x) => x.policy === "storage-no-public-network-access" && x.urn === ACCOUNT);
            expect(v).to.include({ severity: "high", deferred: false });
            expect(v?.remediation).to.match(/^Set publicNetworkAccess: "Disabled" and add a private endpoint/);
            expect(v?.controls.hitrust).to.include("01.m");
            expect(v?.controls).to.deep.equal({ hitrust: ["01.m", "01.n", "09.ab", "09.w"], azurePolicy: ["b2982f36"], checkov: ["CKV_AZURE_59"] });
            const blob = vs.find((x) => x.policy === "storage-no-public-blob" && x.urn === ACCOUNT);
            expect(blob).to.include({ severity: "critical", remediation: "Set allowBlobPublicAccess: false on the account and publicAccess: \"None\" (or omit it) on containers." });
            expect(blob?.controls.checkov).to.deep.equal(["CKV_AZURE_190", "CKV2_AZURE_47", "CKV_AZURE_34"]);
            // Every violation, against the pack's own declarations (the plan process read them from GetAnalyzerInfo).
            for (const x of vs) {
                const rule = policies.find((p) => p.name === x.policy);
                expect({ severity: x.severity, remediation: x.remediation, controls: x.controls }, x.policy).to.deep.equal({ severity: rule?.severity, remediation: rule?.remediationSteps, controls: RULE_METADATA.get(x.policy)?.controls });
            }
        });

        it("marks a check deferred to `pulumi up` with what was unknown, and nothing else", () => {
            const vs = json().policy.violations;
            expect(vs.filter((x) => x.deferred !== false).map((x) => [x.policy, x.urn, x.deferred])).to.deep.equal([
                ["storage-no-public-network-access", LOGS, "string value at .networkRuleSet can't be known during preview"],
                ["storage-network-default-deny", LOGS, "string value at .networkRuleSet can't be known during preview"],
            ]);
        });

        it("writes the stack outputs: known values, unknown ones as \"[unknown]\", secrets as \"[secret]\"", () => {
            expect(json().outputs).to.deep.equal({ accountName: "stinsecurefixture01", accountId: "[unknown]", containerToken: "[secret]", accounts: { data: "stinsecurefixture01", logs: "stinsecurefixture02" } });
        });

        it("prints a rule broken twice once, with severity, description, remediation and controls, then each resource by name and type", () => {
            const out = results["insecure"]!.out;
            expect(out.split("[storage-https-only]").length - 1).to.equal(1);
            expect(out).to.include([
                "  [storage-https-only] severity high, 2 violations",
                "      Storage accounts accept HTTPS only (set explicitly, so the plan shows it).",
                "      remediation: Set enableHttpsTrafficOnly: true.",
                "      controls: HITRUST CSF 01.m, 01.n, 09.y; Azure Policy 404c3081; Checkov CKV_AZURE_3",
                "      - insecure (azure-native:storage:StorageAccount): storage account \"insecure\" does not set enableHttpsTrafficOnly: true",
                "      - insecure-logs (azure-native:storage:StorageAccount): storage account \"insecure-logs\" does not set enableHttpsTrafficOnly: true",
            ].join("\n"));
            // Rules by severity: the critical ones first.
            expect(out.indexOf("[storage-no-public-blob] severity critical")).to.be.lessThan(out.indexOf("[storage-https-only] severity high"));
            expect(out.indexOf("[storage-https-only] severity high")).to.be.lessThan(out.indexOf("[required-tags] severity medium"));
        });

        it("lists deferred checks in their own section after the violations, not among them", () => {
            const out = results["insecure"]!.out;
            const [violations, deferred] = out.split("checks deferred to `pulumi up`");
            expect(deferred).to.include("): 2\n").and.include("  [storage-network-default-deny] severity high, 1 check\n      - insecure-logs (azure-native:storage:StorageAccount): unknown: string value at .networkRuleSet can't be known during preview");
            expect(violations).not.to.include("insecure-logs (azure-native:storage:StorageAccount): unknown:");
            expect(violations).to.include("advisory violations: 8 (1 rule)");
            expect(violations?.trimEnd().split("\n").pop()).to.match(/^-{40}$/);
        });

        it("prints every resource with `+` and the outputs, secrets and unknowns marked", () => {
            const out = results["insecure"]!.out;
            expect(section(out, "Resources:")).to.deep.equal([
                "+ pulumi:pulumi:Stack ahds-dev",
                "  + azure-native:storage:StorageAccount insecure",
                "  + azure-native:storage:BlobContainer insecure-container",
                "  + azure-native:storage:StorageAccount insecure-logs",
            ]);
            expect(section(out, "Outputs:")).to.deep.equal([
                "    accountId     : [unknown]",
                "    accountName   : \"stinsecurefixture01\"",
                "    accounts      : {",
                "        data: \"stinsecurefixture01\"",
                "        logs: \"stinsecurefixture02\"",
                "    }",
                "    containerToken: [secret]",
            ]);
        });
    });

    it("returns exit code 2 on a broken stack file, listing every problem by key, with nothing planned", () => {
        const r = results["broken"]!;
        expect(r.code, r.out).to.equal(2);
        expect(r.out).to.include('ahds:spoke.addressSpace: "10.1.0.0/33" is not a valid CIDR').and.include('ahds:hub.bastionSubnet: "10.0.0.64/28" is too small');
        expect(fs.existsSync(path.join(tmp, "broken.json"))).to.equal(false);
    });
});
