import { expect } from "chai";
import { DOCUMENTED_ROLE_GUIDS as ROLE } from "./fixtures/azureRoles";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, RecordedResource } from "../lib/offline/mocks";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

/**
 * The Persist block on the whole program's graph for dev and prod: issue 4's "done when", checked across components
 * (FhirWorkspace wired to the spoke's subnet, the hub's DNS zones and the hub's jumpbox by index.ts).
 */

type Obj = Record<string, Json>;
const one = (g: Graph, type: string) => g.one(`azure-native:${type}`);
const roleGuid = (r: Obj) => String(r["roleDefinitionId"]).split("/").pop();
const rolesOf = (g: Graph, principal: unknown) => g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r)).filter((r) => r["principalId"] === principal);
const principalOf = (r: RecordedResource | undefined) => (r?.outputs["identity"] as Record<string, unknown> | undefined)?.["principalId"];

for (const stack of ["dev", "prod"]) {
    describe(`Persist baseline (${stack})`, () => {
        let run: ProgramRun;
        let g: Graph;
        before(async () => {
            run = await sharedProgramRun(stack);
            expect(run.error).to.equal(undefined);
            g = run.graph;
        });

        it("puts the workspace's only endpoint in the spoke's private-endpoint subnet, registered in the hub's workspace/fhir/dicom zones", () => {
            const ws = one(g, "healthcareapis:Workspace");
            const spokeVnet = g.one("azure-native:network:VirtualNetwork", "spoke-vnet");
            const endpoints = g.byType("azure-native:network:PrivateEndpoint").filter((r) => JSON.stringify(g.plainInputs(r)["privateLinkServiceConnections"]).includes(String(ws.id)));
            expect(endpoints).to.have.length(1);
            const pe = g.plainInputs(endpoints[0] as RecordedResource);
            expect((pe["subnet"] as Obj)["id"]).to.equal(`${String(spokeVnet.id)}/subnets/snet-private-endpoints`);
            expect(((pe["privateLinkServiceConnections"] as Obj[])[0] as Obj)["groupIds"]).to.deep.equal(["healthcareworkspace"]);
            const zoneIds = new Map(g.byType("azure-native:privatedns:PrivateZone").map((z) => [String(g.plainInputs(z)["privateZoneName"]), z.id]));
            const group = g.byType("azure-native:network:PrivateDnsZoneGroup").find((z) => g.allDependencies(z).has((endpoints[0] as RecordedResource).urn));
            const configs = g.plainInputs(group as RecordedResource)["privateDnsZoneConfigs"] as Obj[];
            expect(configs.map((c) => c["privateDnsZoneId"])).to.deep.equal(["privatelink.workspace.azurehealthcareapis.com", "privatelink.fhir.azurehealthcareapis.com", "privatelink.dicom.azurehealthcareapis.com"].map((z) => zoneIds.get(z)));
        });

        it("wires $convert-data and $import to the component's own registry and account, and $export to the analytics lake, with the FHIR identity's roles on each", () => {
            const fhir = one(g, "healthcareapis:FhirService");
            const i = g.plainInputs(fhir);
            const registry = one(g, "containerregistry:Registry");
            const accounts = new Map(g.byType("azure-native:storage:StorageAccount").map((a) => [a.name, a]));
            const imp = accounts.get("fhir-st-imp");
            // A FHIR service has one export account: with analytics on (both stacks) it is the ADLS Gen2 lake (configure-export-data).
            const exp = accounts.get("analytics-lake");
            expect(accounts.has("fhir-st-exp")).to.equal(false);
            expect(g.plainInputs(exp as RecordedResource)).to.deep.include({ accountName: `stahds${stack}lakea1b7c`, isHnsEnabled: true });
            expect((i["acrConfiguration"] as Obj)["loginServers"]).to.deep.equal([registry.outputs["loginServer"]]);
            expect(i["importConfiguration"]).to.deep.equal({ enabled: true, initialImportMode: false, integrationDataStore: imp?.outputs["name"] });
            expect(i["exportConfiguration"]).to.deep.equal({ storageAccountName: `stahds${stack}lakea1b7c` });
            const grants = rolesOf(g, principalOf(fhir)).map((r) => `${roleGuid(r)} on ${String(r["scope"])}`);
            expect(grants).to.have.members([
                `${ROLE.acrPull} on ${String(registry.id)}`,
                `${ROLE.storageBlobDataContributor} on ${String(imp?.id)}`,
                `${ROLE.storageBlobDataContributor} on ${String(exp?.id)}`,
            ]);
        });

        it("uploads the anonymization config from the hub jumpbox into the lake (the export account), whose identity may write only that container (and the bulk loader's package container)", () => {
            const vm = one(g, "compute:VirtualMachine");
            const cmd = g.plainInputs(g.one("azure-native:compute:VirtualMachineRunCommandByVirtualMachine", "analytics-anonymization-upload"));
            expect(cmd["vmName"]).to.equal(g.plainInputs(vm)["vmName"]);
            expect(String((cmd["source"] as Obj)["script"])).to.include("upload 'safe-harbor.json' 'application/json'");
            expect(String((cmd["source"] as Obj)["script"])).to.include(`base='https://stahds${stack}lakea1b7c.blob.core.windows.net/anonymization'`);
            const container = g.byType("azure-native:storage:BlobContainer").find((c) => c.name === "analytics-lake-anonymization");
            const writes = rolesOf(g, principalOf(vm)).filter((r) => roleGuid(r) === ROLE.storageBlobDataContributor);
            // Pulumi.prod.yaml names a bulk loader package, which the jumpbox uploads too (tests/bulkBaseline.spec.ts).
            const packages = g.byType("azure-native:storage:BlobContainer").filter((c) => c.name === "bulk-st-function-packages" && stack === "prod");
            expect(writes.map((r) => r["scope"])).to.have.members([container?.id, ...packages.map((c) => c.id)]);
        });

        it("leaves no storage account or registry reachable from the internet, and no shared keys anywhere", () => {
            for (const a of g.byType("azure-native:storage:StorageAccount")) {
                const i = g.plainInputs(a);
                expect(i, a.name).to.deep.include({ allowSharedKeyAccess: false, enableHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false });
                if (i["publicNetworkAccess"] === "Disabled") continue;
                const acl = i["networkRuleSet"] as Obj;
                expect(acl, a.name).to.deep.include({ defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] });
                for (const rule of (acl["resourceAccessRules"] as Obj[] | undefined) ?? []) expect(String(rule["resourceId"]), a.name).to.not.include("*");
            }
            for (const r of g.byType("azure-native:containerregistry:Registry")) expect(g.plainInputs(r)).to.deep.include({ publicNetworkAccess: "Disabled", adminUserEnabled: false, anonymousPullEnabled: false });
            expect(JSON.stringify(g.plainInputs(one(g, "healthcareapis:FhirService"))["corsConfiguration"] ?? {})).to.not.include("*");
        });

        it("lets the FHIR service through the import and export (lake) firewalls by its own instance, in the workspace's tenant", () => {
            // configure-import-data / configure-export-data ("Secure the FHIR service $import/$export operation"): the
            // resource instance is Microsoft.HealthcareApis/workspaces/fhirservices, whose identity signs the requests.
            const ws = g.plainInputs(one(g, "healthcareapis:Workspace"));
            const wsId = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/${String(ws["resourceGroupName"])}/providers/Microsoft.HealthcareApis/workspaces/${String(ws["workspaceName"])}`;
            const fhirRules = [{ resourceId: wsId, tenantId: MOCK_TENANT_ID }, { resourceId: `${wsId}/fhirservices/fhir`, tenantId: MOCK_TENANT_ID }];
            // The lake also admits the Synapse workspace (prod), which serverless SQL reads it as, `resourcegroups` in lower
            // case (learn.microsoft.com/azure/synapse-analytics/sql/develop-storage-files-storage-access-control).
            const synapse = { resourceId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourcegroups/${String(ws["resourceGroupName"])}/providers/Microsoft.Synapse/workspaces/synw-ahds-prod-a1b7c`, tenantId: MOCK_TENANT_ID };
            for (const [name, rules] of [["fhir-st-imp", fhirRules], ["analytics-lake", stack === "prod" ? [...fhirRules, synapse] : fhirRules]] as const) {
                const i = g.plainInputs(g.one("azure-native:storage:StorageAccount", name));
                expect(i["publicNetworkAccess"], name).to.equal("Enabled");
                expect(i["networkRuleSet"], name).to.deep.equal({ defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [], resourceAccessRules: rules });
            }
        });

        it(`creates the workspace endpoint after ${stack === "prod" ? "the FHIR and DICOM services" : "the FHIR service"}, so each gets its private DNS record`, () => {
            // healthcare-apis-configure-private-link: services provisioned after the endpoint get no A record.
            const ws = one(g, "healthcareapis:Workspace");
            const pe = g.byType("azure-native:network:PrivateEndpoint").find((r) => JSON.stringify(g.plainInputs(r)["privateLinkServiceConnections"]).includes(String(ws.id))) as RecordedResource;
            const services = [...g.byType("azure-native:healthcareapis:FhirService"), ...g.byType("azure-native:healthcareapis:DicomService")];
            expect(services.map((r) => r.name)).to.deep.equal(stack === "prod" ? ["fhir-fhir", "fhir-dicom"] : ["fhir-fhir"]);
            for (const svc of services) expect(pe.dependencies, svc.name).to.include(svc.urn);
        });

        it(stack === "prod" ? "runs DICOM, no MedTech (Azure takes no new instances), and protects every PHI store" : "runs neither DICOM nor MedTech and protects nothing", () => {
            const persist = ["healthcareapis:Workspace", "healthcareapis:FhirService", "healthcareapis:DicomService", "healthcareapis:IotConnector", "containerregistry:Registry"];
            const present = persist.filter((t) => g.byType(`azure-native:${t}`).length > 0);
            expect(present.includes("healthcareapis:DicomService")).to.equal(stack === "prod");
            // MedTech is deprecated: no new instances since 2025-05-03 (learn.microsoft.com/azure/healthcare-apis/iot/get-started).
            expect(present.includes("healthcareapis:IotConnector")).to.equal(false);
            expect(g.byType("azure-native:eventhub:Namespace")).to.have.length(0);
            const stores = [...present.flatMap((t) => g.byType(`azure-native:${t}`)), ...g.byType("azure-native:storage:StorageAccount").filter((a) => a.name.startsWith("fhir-"))];
            for (const r of stores) expect({ protect: r.protect, retain: r.retainOnDelete }, r.name).to.deep.equal({ protect: stack === "prod", retain: stack === "prod" });
        });
    });
}

describe("Persist baseline (prod, first preview)", () => {
    it("shows the PHI storage firewalls' known fields at preview: only the not-yet-created instance IDs are unknown", async () => {
        const g = (await sharedProgramRun("prod", true)).graph;
        const unknownInstance = { resourceId: "[unknown]", tenantId: MOCK_TENANT_ID };
        for (const [name, count] of [["fhir-st-imp", 2], ["analytics-lake", 3]] as const) {
            expect(g.plainInputs(g.one("azure-native:storage:StorageAccount", name))["networkRuleSet"], name).to.deep.equal({
                defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [],
                resourceAccessRules: Array.from({ length: count }, () => unknownInstance),
            });
        }
    });
});

for (const stack of ["dev", "prod"]) {
    describe(`Ingress baseline (${stack})`, () => {
        let g: Graph;
        before(async () => {
            const run = await sharedProgramRun(stack);
            expect(run.error).to.equal(undefined);
            g = run.graph;
        });

        it("fronts APIM (internal, in the spoke's APIM subnet) with a Prevention-mode WAF_v2 in the gateway subnet, backend the FHIR service", () => {
            const spokeVnet = String(g.one("azure-native:network:VirtualNetwork", "spoke-vnet").id);
            const apim = g.plainInputs(one(g, "apimanagement:ApiManagementService"));
            expect(apim["virtualNetworkType"]).to.equal("Internal");
            expect((apim["virtualNetworkConfiguration"] as Obj)["subnetResourceId"]).to.equal(`${spokeVnet}/subnets/snet-apim`);
            const agw = g.plainInputs(one(g, "network:ApplicationGateway"));
            expect(((agw["gatewayIPConfigurations"] as Obj[])[0]?.["subnet"] as Obj)["id"]).to.equal(`${spokeVnet}/subnets/snet-appgw`);
            for (const waf of g.byType("azure-native:network:WebApplicationFirewallPolicy")) expect(g.plainInputs(waf)["policySettings"], waf.name).to.deep.include({ mode: "Prevention" });
            expect(g.byType("azure-native:network:WebApplicationFirewallPolicy").map((w) => w.name)).to.deep.equal(["ingress-waf", "ingress-waf-bulk"]);
            const fhirName = String(g.plainInputs(one(g, "healthcareapis:Workspace"))["workspaceName"]);
            expect(g.plainInputs(g.one("azure-native:apimanagement:Api", "ingress-api-fhir"))["serviceUrl"]).to.equal(`https://${fhirName}-fhir.fhir.azurehealthcareapis.com`);
        });

        it(stack === "prod" ? "serves the configured certificate by versionless ID" : "serves a generated certificate from the hub Key Vault by versionless ID", () => {
            const id = String(((g.plainInputs(one(g, "network:ApplicationGateway"))["sslCertificates"] as Obj[])[0] as Obj)["keyVaultSecretId"]);
            expect(id).to.match(/^https:\/\/[a-z0-9-]+\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]+$/);
            if (stack === "prod") expect(id).to.equal("https://kv-pki-prod.vault.azure.net/secrets/fhir-gateway-tls");
            else expect(id).to.equal(`${String((one(g, "keyvault:Vault").outputs["properties"] as Record<string, unknown>)["vaultUri"])}secrets/gateway-tls`);
        });
    });
}
