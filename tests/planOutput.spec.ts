import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { PlanContext, toPlanJson } from "../scripts/plan";
import { renderText } from "../scripts/plan/text";
import { Graph } from "../lib/offline/graph";
import { RecordedResource } from "../lib/offline/mocks";
import { PolicyInfo, Violation } from "../lib/offline/policyHost";
import { OUTPUT_SIG, SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN } from "../lib/offline/values";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

/**
 * The plan's text report and JSON contract rendered from hand-made PlanContexts (no program run, no pack process):
 * grouping, severity order, deferred checks, the resource tree and the outputs. tests/plan.spec.ts checks the same
 * through the CLI on the seeded insecure program.
 */
const STACK = "urn:pulumi:dev::ahds::pulumi:pulumi:Stack::ahds-dev";
const COMP = "urn:pulumi:dev::ahds::pulumi:pulumi:Stack$ahds:index:Persist::persist";
const urnOf = (type: string, name: string, parentChain = "pulumi:pulumi:Stack$ahds:index:Persist") => `urn:pulumi:dev::ahds::${parentChain}$${type}::${name}`;
const ST1 = urnOf("azure-native:storage:StorageAccount", "st-import");
const ST2 = urnOf("azure-native:storage:StorageAccount", "st-export");
/** In no graph: the report names it from its URN. */
const GONE = urnOf("azure-native:keyvault:Vault", "kv-elsewhere", "pulumi:pulumi:Stack");

function resource(urn: string, type: string, name: string, parent: string | null, custom = true): RecordedResource {
    return { urn, type, name, custom, parent, inputs: {}, outputs: {}, id: null, protect: false, retainOnDelete: false, dependencies: [], propertyDependencies: {} };
}

const graph = new Graph([
    resource(STACK, "pulumi:pulumi:Stack", "ahds-dev", null, false),
    resource(COMP, "ahds:index:Persist", "persist", STACK, false),
    resource(ST1, "azure-native:storage:StorageAccount", "st-import", COMP),
    resource(ST2, "azure-native:storage:StorageAccount", "st-export", COMP),
]);

const NONE = { hitrust: [], azurePolicy: [], checkov: [] };
const rules: PolicyInfo[] = [
    { name: "storage-https-only", description: "Storage accounts accept HTTPS only.", enforcementLevel: "mandatory", severity: "high", remediation: "Set enableHttpsTrafficOnly: true.", controls: { hitrust: ["01.m", "09.y"], azurePolicy: ["404c3081"], checkov: ["CKV_AZURE_3"] }, types: ["storage:StorageAccount"] },
    { name: "storage-no-public-blob", description: "No anonymous blob access.", enforcementLevel: "mandatory", severity: "critical", remediation: "Set allowBlobPublicAccess: false.", controls: { hitrust: ["01.c"], azurePolicy: [], checkov: [] }, types: ["storage:StorageAccount", "storage:BlobContainer"] },
    { name: "defender-plans-enabled", description: "Defender plans are on.", enforcementLevel: "advisory", severity: "medium", remediation: "Set ahds:governance.defenderPlans.", controls: NONE, types: ["security:Pricing"] },
    { name: "x", description: "Reads .foo.", enforcementLevel: "mandatory", severity: "low", controls: NONE, types: ["storage:StorageAccount"] },
];
const msg = (rule: string, found: string) => `${rules.find((r) => r.name === rule)?.description ?? ""}\n${found}`;
const DEFERRED = "can't run policy 'x' from policy pack 'y' during preview: string value at .foo can't be known during preview";
const violations: Violation[] = [
    { policy: "storage-https-only", enforcementLevel: "mandatory", urn: ST1, message: msg("storage-https-only", "storage account \"st-import\" does not set enableHttpsTrafficOnly: true") },
    { policy: "storage-https-only", enforcementLevel: "mandatory", urn: ST2, message: msg("storage-https-only", "storage account \"st-export\" does not set enableHttpsTrafficOnly: true") },
    { policy: "storage-no-public-blob", enforcementLevel: "mandatory", urn: GONE, message: msg("storage-no-public-blob", "first line\nsecond line") },
    { policy: "defender-plans-enabled", enforcementLevel: "advisory", urn: null, message: msg("defender-plans-enabled", "Defender plan Api is not enabled") },
    { policy: "x", enforcementLevel: "advisory", urn: ST2, message: DEFERRED },
    { policy: "not-in-the-pack", enforcementLevel: "advisory", urn: ST1, message: "something" },
];

function context(over: Partial<PlanContext> = {}): PlanContext {
    return {
        project: "ahds", stack: "dev", mode: "preview", graph,
        policy: { pack: "ahds-hipaa-hitrust", version: "0.5.0", policies: rules.length, violations, rules, engineLog: [] },
        outputs: {
            url: "https://fhir.example.org",
            id: UNKNOWN,
            key: { [SPECIAL_SIG_KEY]: SECRET_SIG, value: "hunter2-secret" },
            wrapped: { [SPECIAL_SIG_KEY]: OUTPUT_SIG, secret: true, value: "hunter2-output" },
            groups: { hub: "rg-hub", data: "rg-data" },
            ips: ["10.0.0.4", UNKNOWN],
            none: [],
            count: 3,
        },
        timings: { load: 0, program: 1, packStart: 0, analyze: 1, stackRules: 0, total: 2 },
        ...over,
    };
}

describe("plan report and JSON contract (synthetic plans)", () => {
    const text = renderText(context());
    const lines = text.split("\n");

    describe("text report", () => {
        it("prints every resource with `+`, each component's resources nested under it", () => {
            const start = lines.findIndex((l) => l.startsWith("Resources:"));
            expect(lines.slice(start + 1, start + 5)).to.deep.equal([
                "+ pulumi:pulumi:Stack ahds-dev",
                "  + ahds:index:Persist persist",
                "    + azure-native:storage:StorageAccount st-import",
                "    + azure-native:storage:StorageAccount st-export",
            ]);
            expect(text).not.to.match(/^\s*- azure-native/m);
        });

        it("groups a rule's violations: one header with severity, description, remediation (indented) and controls, then one line per resource by name and type", () => {
            expect(text.split("[storage-https-only]").length - 1).to.equal(1);
            expect(text).to.include([
                "  [storage-https-only] severity high, 2 violations",
                "      Storage accounts accept HTTPS only.",
                "      remediation: Set enableHttpsTrafficOnly: true.",
                "      controls: HITRUST CSF 01.m, 09.y; Azure Policy 404c3081; Checkov CKV_AZURE_3",
                "      - st-import (azure-native:storage:StorageAccount): storage account \"st-import\" does not set enableHttpsTrafficOnly: true",
                "      - st-export (azure-native:storage:StorageAccount): storage account \"st-export\" does not set enableHttpsTrafficOnly: true",
            ].join("\n"));
        });

        it("orders rules by severity, names a resource missing from the graph from its URN, indents multi-line findings, labels stack findings", () => {
            expect(text.indexOf("[storage-no-public-blob] severity critical")).to.be.lessThan(text.indexOf("[storage-https-only] severity high"));
            expect(text).to.include("      - kv-elsewhere (azure-native:keyvault:Vault): first line\n          second line");
            expect(text).to.include("      controls: HITRUST CSF 01.c\n");
            expect(text).to.include("  [defender-plans-enabled] severity medium, 1 violation\n");
            expect(text).to.include("      - (stack): Defender plan Api is not enabled");
            // A policy the pack did not describe still prints, with its message as is.
            expect(text).to.include("  [not-in-the-pack] severity unspecified, 1 violation\n      - st-import (azure-native:storage:StorageAccount): something");
        });

        it("lists deferred checks in their own section after a divider, not as violations", () => {
            const divider = lines.findIndex((l) => /^-{40}$/.test(l));
            expect(divider).to.be.greaterThan(0);
            const before = lines.slice(0, divider).join("\n");
            const after = lines.slice(divider + 1).join("\n");
            expect(before).to.include("mandatory violations: 3 (2 rules)").and.include("advisory violations: 2 (2 rules)");
            expect(before).not.to.include(".foo");
            expect(after).to.include("checks deferred to `pulumi up` (a value they read is unknown until the resources it comes from exist; the engine runs them before creating the resource): 1");
            expect(after).to.include("  [x] severity low, 1 check\n      - st-export (azure-native:storage:StorageAccount): unknown: string value at .foo can't be known during preview");
            expect(text).to.match(/FAILED: 3 mandatory violation\(s\)$/);
        });

        it("prints the stack outputs as `pulumi preview` does: keys aligned, [unknown], [secret], objects and arrays over several lines", () => {
            const start = lines.indexOf("Outputs:");
            expect(lines.slice(start + 1, lines.indexOf("", start))).to.deep.equal([
                "    count  : 3",
                "    groups : {",
                "        data: \"rg-data\"",
                "        hub : \"rg-hub\"",
                "    }",
                "    id     : [unknown]",
                "    ips    : [",
                "        [0]: \"10.0.0.4\"",
                "        [1]: [unknown]",
                "    ]",
                "    key    : [secret]",
                "    none   : []",
                "    url    : \"https://fhir.example.org\"",
                "    wrapped: [secret]",
            ]);
            expect(text).not.to.include("hunter2");
            expect(renderText(context({ outputs: {} }))).to.include("\nOutputs: none\n");
        });
    });

    describe("--json contract", () => {
        const j = toPlanJson(context());

        it("keeps every existing field and adds severity, remediation, deferred and controls to each violation", () => {
            expect(j).to.have.all.keys("project", "stack", "mode", "resources", "policy", "outputs");
            expect(j.policy).to.have.all.keys("pack", "version", "policies", "violations");
            expect(j.policy.violations[0]).to.deep.equal({
                policy: "storage-https-only", enforcementLevel: "mandatory", urn: ST1, message: violations[0]?.message,
                severity: "high", remediation: "Set enableHttpsTrafficOnly: true.", deferred: false,
                controls: { hitrust: ["01.m", "09.y"], azurePolicy: ["404c3081"], checkov: ["CKV_AZURE_3"] },
            });
        });

        it("gives a deferred check its reason, and a policy the pack did not describe null severity and remediation", () => {
            expect(j.policy.violations.find((v) => v.policy === "x")).to.include({ deferred: "string value at .foo can't be known during preview", severity: "low", remediation: null, message: DEFERRED });
            expect(j.policy.violations.find((v) => v.policy === "not-in-the-pack")).to.deep.include({ severity: null, remediation: null, deferred: false, controls: NONE });
        });

        it("writes the outputs with secrets as \"[secret]\" and unknowns as \"[unknown]\"", () => {
            expect(j.outputs).to.deep.equal({ url: "https://fhir.example.org", id: "[unknown]", key: "[secret]", wrapped: "[secret]", groups: { hub: "rg-hub", data: "rg-data" }, ips: ["10.0.0.4", "[unknown]"], none: [], count: 3 });
            expect(JSON.stringify(j)).not.to.include("hunter2");
        });
    });

    it("the plan process reads rule metadata from the protocol: nothing in scripts/plan or the policy host imports the pack's rules", () => {
        const files = [...fs.readdirSync(path.join(PROJECT_DIR, "scripts", "plan")).filter((f) => f.endsWith(".ts")).map((f) => path.join("scripts", "plan", f)), "lib/offline/policyHost.ts", "lib/offline/policySessions.ts"];
        // policy/rules/common.ts (type-key helpers) is no rule; the rules and their metadata are define.ts, policies.ts and the area files.
        const rules = /from "(\.\.\/)+policy\/(index|policies|rules\/(?!common")[\w]+)"/;
        for (const f of files) expect(fs.readFileSync(path.join(PROJECT_DIR, f), "utf8"), f).not.to.match(rules);
    });
});
