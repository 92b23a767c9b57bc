import { expect } from "chai";
import { PolicyResource } from "@pulumi/policy";
import * as fs from "fs";
import * as path from "path";
import { phiDiagnosticsToLaw, phiPrivateEndpointRequired, publicIpOnlyAtEdge, statefulProtected } from "../policy/rules/stack";
import { check, checkStack, policyResources } from "./harness/policyArgs";
import { ProgramRun, sharedProgramRun } from "./harness/run";
import { PROJECT_DIR } from "./harness/stackConfig";

const policyConfig = (stack: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy", `config.${stack}.json`), "utf8")) as Record<string, Record<string, unknown>>;
const without = (rs: PolicyResource[], drop: (r: PolicyResource) => boolean) => rs.filter((r) => !drop(r)).map((r) => ({
    ...r,
    dependencies: r.dependencies.filter((d) => !drop(d)),
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.filter((d) => !drop(d))])),
}));

/** Stack-level rules on the real dev and prod graphs (they pass) and on graphs with one insecure change (they fail). */
for (const stack of ["dev", "prod"]) {
    describe(`stack-level policy rules on the ${stack} graph`, () => {
        let run: ProgramRun;
        let rs: PolicyResource[];
        const cfg = (rule: string) => policyConfig(stack)[rule] ?? {};
        before(async () => {
            run = await sharedProgramRun(stack);
            rs = policyResources(run.graph);
        });

        it("phi-private-endpoint-required passes, and fails when the FHIR workspace's endpoint is removed", () => {
            expect(checkStack(phiPrivateEndpointRequired, rs, cfg("phi-private-endpoint-required"))).to.deep.equal([]);
            const v = checkStack(phiPrivateEndpointRequired, without(rs, (r) => r.name === "fhir-ws-pep-spoke"), cfg("phi-private-endpoint-required"));
            expect(v).to.deep.equal([`healthcareapis:Workspace "fhir-ws" has no private endpoint`]);
        });

        it("phi-diagnostics-to-law passes, and fails when the FHIR audit setting or the export account's blob logs are removed", () => {
            expect(checkStack(phiDiagnosticsToLaw, rs)).to.deep.equal([]);
            expect(checkStack(phiDiagnosticsToLaw, without(rs, (r) => r.name === "fhir-fhir-diag-law"))).to.deep.equal([`healthcareapis:FhirService "fhir-fhir" sends no audit logs to Log Analytics`]);
            expect(checkStack(phiDiagnosticsToLaw, without(rs, (r) => r.name === "fhir-st-exp-blob-diag-law"))).to.deep.equal([`storage:StorageAccount "fhir-st-exp" sends no audit logs to Log Analytics`]);
        });

        it("no-public-ip-except-edge passes, and fails for a public IP on a NIC", () => {
            expect(checkStack(publicIpOnlyAtEdge, rs)).to.deep.equal([]);
            const pip = rs.find((r) => r.name === "ingress-pip-agw") as PolicyResource;
            const nic = rs.find((r) => r.type === "azure-native:network:NetworkInterface") as PolicyResource;
            const mutated = rs.map((r) => (r === nic ? { ...r, dependencies: [...r.dependencies, pip] } : r));
            expect(checkStack(publicIpOnlyAtEdge, mutated)).to.include(`public IP "ingress-pip-agw" is used by network:NetworkInterface "${nic.name}", which is not an edge service`);
        });

        it(`prod-stateful-protected ${stack === "prod" ? "requires protect on every store" : "is relaxed (requireProtect false) in dev"}`, () => {
            const stores = run.graph.custom.filter((r) => ["healthcareapis:Workspace", "storage:StorageAccount", "keyvault:Vault"].some((t) => r.type === `azure-native:${t}`));
            expect(stores.length).to.be.greaterThan(2);
            for (const r of stores) {
                const v = (protect: boolean) => check(statefulProtected, r.type, r.inputs, cfg("prod-stateful-protected"), r.name, protect);
                expect(v(r.protect), r.name).to.deep.equal([]);
                expect(v(false).length, r.name).to.equal(stack === "prod" ? 1 : 0);
            }
        });
    });
}

describe("stack-level rule exemptions", () => {
    it("a matching exemption with a justification silences the rule for that resource only", async () => {
        const rs = without(policyResources((await sharedProgramRun("prod")).graph), (r) => r.name === "fhir-ws-pep-spoke" || r.name === "fhir-acr-pep-registry");
        const configured = (policyConfig("prod")["phi-private-endpoint-required"]?.["exemptions"] ?? []) as Array<Record<string, string>>;
        const exemptions = [...configured, { resourceName: "fhir-ws", justification: "test: workspace reached through a peered hub endpoint" }];
        expect(checkStack(phiPrivateEndpointRequired, rs, { exemptions })).to.deep.equal([`containerregistry:Registry "fhir-acr" has no private endpoint`]);
    });
});
