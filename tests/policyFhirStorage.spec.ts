import { expect } from "chai";
import { PolicyResource } from "@pulumi/policy";
import { fhirStorageTrustedInstance } from "../policy/rules/health";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID } from "../lib/offline/mocks";
import { checkStack, policyResources, policyResourcesWith } from "./harness/policyArgs";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";
import { UNKNOWN as UNKNOWN_VALUE } from "../lib/offline/values";

/**
 * fhir-storage-trusted-instance: the FHIR service's identity signs $import/$export requests, so an account it reads
 * or writes must let the `Microsoft.HealthcareApis/workspaces/fhirservices` instance through its firewall, and cannot
 * be Disabled (learn.microsoft.com/azure/healthcare-apis/fhir/configure-export-data, configure-import-data).
 */
const WS = (rg: string, name: string) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${rg}/providers/Microsoft.HealthcareApis/workspaces/${name}`;

type Props = Record<string, unknown>;
/** One resource of the run's graph rewritten (tests/harness/policyArgs.ts). */
const withProps = (run: ProgramRun, name: string, change: (p: Props) => Props): PolicyResource[] => policyResourcesWith(run.graph, name, change);
const ruleSet = (p: Props) => p["networkRuleSet"] as Props;

describe("fhir-storage-trusted-instance", () => {
    let dev: ProgramRun;
    let preview: ProgramRun;
    before(async () => {
        dev = await sharedProgramRun("dev");
        preview = await sharedProgramRun("prod", true);
    });

    it("passes on the dev graph (known IDs) and on a first prod preview (instance IDs unknown, built from the workspace)", () => {
        expect(checkStack(fhirStorageTrustedInstance, policyResources(dev.graph))).to.deep.equal([]);
        expect(checkStack(fhirStorageTrustedInstance, policyResources(preview.graph))).to.deep.equal([]);
    });

    it("the dev accounts name exactly the workspace and its FHIR service (what the rule reads)", () => {
        const imp = dev.graph.resources.find((r) => r.name === "fhir-st-imp");
        const ws = dev.graph.one("azure-native:healthcareapis:Workspace");
        const { workspaceName, resourceGroupName } = dev.graph.plainInputs(ws);
        expect(ruleSet(dev.graph.plainInputs(imp!) as Props)["resourceAccessRules"]).to.deep.equal([
            { resourceId: WS(String(resourceGroupName), String(workspaceName)), tenantId: MOCK_TENANT_ID },
            { resourceId: `${WS(String(resourceGroupName), String(workspaceName))}/fhirservices/fhir`, tenantId: MOCK_TENANT_ID },
        ]);
    });

    it("fails when the import account names only the workspace (the defect: $import refused by the firewall)", () => {
        const rs = withProps(dev, "fhir-st-imp", (p) => ({ ...p, networkRuleSet: { ...ruleSet(p), resourceAccessRules: [(ruleSet(p)["resourceAccessRules"] as Props[])[0]] } }));
        expect(checkStack(fhirStorageTrustedInstance, rs)).to.deep.equal([
            `$import account "fhir-st-imp" of FHIR service "fhir-fhir" has no resource-instance rule for the FHIR service (…/workspaces/${String(dev.graph.plainInputs(dev.graph.one("azure-native:healthcareapis:Workspace"))["workspaceName"])}/fhirservices/fhir); the storage firewall refuses its requests`,
        ]);
    });

    it("fails when the export account's (the analytics lake's) rule names another FHIR service of the workspace", () => {
        const rs = withProps(dev, "analytics-lake", (p) => ({ ...p, networkRuleSet: { ...ruleSet(p), resourceAccessRules: (ruleSet(p)["resourceAccessRules"] as Props[]).map((r) => ({ ...r, resourceId: String(r["resourceId"]).replace(/\/fhirservices\/fhir$/, "/fhirservices/other") })) } }));
        expect(checkStack(fhirStorageTrustedInstance, rs)).to.have.length(1).and.satisfy((v: string[]) => v[0]?.startsWith(`$export account "analytics-lake"`));
    });

    it("fails when an account is Disabled (the trusted-services exception needs Enabled + default Deny) or does not bypass AzureServices", () => {
        expect(checkStack(fhirStorageTrustedInstance, withProps(dev, "analytics-lake", (p) => ({ ...p, publicNetworkAccess: "Disabled" })))).to.deep.equal([
            `$export account "analytics-lake" of FHIR service "fhir-fhir" has public network access Disabled, which refuses the trusted-services exception the FHIR service comes through`,
        ]);
        expect(checkStack(fhirStorageTrustedInstance, withProps(dev, "fhir-st-imp", (p) => ({ ...p, networkRuleSet: { ...ruleSet(p), bypass: "None" } })))).to.deep.equal([
            `$import account "fhir-st-imp" of FHIR service "fhir-fhir" does not bypass the firewall for trusted Azure services (bypass None)`,
        ]);
        // Bypass lists are comma-separated; AzureServices among others is fine.
        expect(checkStack(fhirStorageTrustedInstance, withProps(dev, "fhir-st-imp", (p) => ({ ...p, networkRuleSet: { ...ruleSet(p), bypass: "Logging, AzureServices" } })))).to.deep.equal([]);
    });

    it("at a first preview, fails an account without instance rules and one whose firewall is not built from the workspace", () => {
        expect(checkStack(fhirStorageTrustedInstance, withProps(preview, "fhir-st-imp", (p) => ({ ...p, networkRuleSet: { ...ruleSet(p), resourceAccessRules: [] } })))).to.have.length(1);
        // A rule set unknown as a whole (azure-native's own handling) is judged by its dependencies.
        const unknownSet = withProps(preview, "fhir-st-imp", (p) => ({ ...p, networkRuleSet: UNKNOWN_VALUE }));
        expect(checkStack(fhirStorageTrustedInstance, unknownSet)).to.deep.equal([]);
        const detached = unknownSet.map((r) => (r.name === "fhir-st-imp" ? { ...r, propertyDependencies: { ...r.propertyDependencies, networkRuleSet: [] } } : r));
        expect(checkStack(fhirStorageTrustedInstance, detached)).to.deep.equal([`$import account "fhir-st-imp" of FHIR service "fhir-fhir" has a firewall not derived from the FHIR service's workspace`]);
        // The export account is the analytics lake, named by a value computed from the stack's random suffix: unknown at
        // a first preview, so the rule cannot tell which account it is until the suffix exists (every later preview,
        // `pulumi up` and the offline plan's update mode check it; the dev-graph cases above).
        const fhir = preview.graph.one("azure-native:healthcareapis:FhirService");
        expect(preview.graph.plainInputs(fhir)["exportConfiguration"]).to.deep.equal({ storageAccountName: "[unknown]" });
    });
});
