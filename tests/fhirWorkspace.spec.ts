import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { runBash, virtualSleep } from "./harness/bash";
import { expect } from "chai";
import { FhirWorkspace, FhirWorkspaceArgs } from "../components/fhirWorkspace";
import { DOCUMENTED_ROLE_GUIDS as ROLE, roleDefinitionId } from "./fixtures/azureRoles";
import { UPLOAD_DEADLINE_SECONDS, UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS, blobUploadScript } from "../components/shared/blobUpload";
import { InNetworkUploadSettings, uploadInNetwork } from "../components/shared/inNetworkUpload";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, RecordedResource } from "../lib/offline/mocks";
import { runComponent } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const LAW = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const PE_SUBNET = `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/snet-private-endpoints`;
const ZONE = (z: string) => `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/${z}`;
/** The privatelink zones a hub offers (learn.microsoft.com/azure/private-link/private-endpoint-dns). */
const HUB_ZONES = ["privatelink.workspace.azurehealthcareapis.com", "privatelink.fhir.azurehealthcareapis.com", "privatelink.dicom.azurehealthcareapis.com",
    "privatelink.blob.core.windows.net", "privatelink.azurecr.io", "privatelink.servicebus.windows.net", "privatelink.vaultcore.azure.net"];
/** A healthcareworkspace endpoint's zones, in its DNS zone group (private-endpoint-dns, "Health Data Services"). */
const WORKSPACE_ENDPOINT_ZONES = ["privatelink.workspace.azurehealthcareapis.com", "privatelink.fhir.azurehealthcareapis.com", "privatelink.dicom.azurehealthcareapis.com"];
/** The repository's Safe Harbor config, read from the file the component ships (not from the component's constant). */
const SAFE_HARBOR = fs.readFileSync(path.join(__dirname, "..", "components", "assets", "anonymization", "safe-harbor.json"), "utf8");
const JUMPBOX = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Compute/virtualMachines/vm-ahds-prod-weu-jump`;
const JUMPBOX_PRINCIPAL = "55555555-5555-4555-8555-555555555555";
const READERS = "66666666-6666-4666-8666-666666666666";
const BASE: FhirWorkspaceArgs = {
    naming: { workload: "ahds", environment: "dev", location: "westeurope", uniqueSuffix: "abc12" },
    resourceGroupName: "rg-data",
    tags: { environment: "dev" },
    logAnalyticsWorkspaceResourceId: LAW,
    network: { privateEndpointSubnetResourceId: PE_SUBNET, privateDnsZoneResourceIds: Object.fromEntries(HUB_ZONES.map((z) => [z, ZONE(z)])) },
};
/** What a production stack passes (index.ts with Pulumi.prod.yaml): protected, locked, zone-redundant, uploader on. */
const WAF: FhirWorkspaceArgs = {
    ...BASE,
    naming: { ...BASE.naming, environment: "prod" },
    exportSettings: { anonymizationUploader: { virtualMachineResourceId: JUMPBOX, principalId: JUMPBOX_PRINCIPAL } },
    storage: { softDeleteRetentionDays: 365 },
    roleAssignments: { readers: { roleDefinitionIdOrName: "FHIR Data Reader", principalId: READERS, principalType: "Group" } },
    lock: { kind: "CanNotDelete" },
    zoneRedundant: true,
    protectStatefulResources: true,
    retainStatefulResourcesOnDelete: true,
};

interface Outputs { [k: string]: unknown }
function run(args: FhirWorkspaceArgs) {
    return runComponent(() => {
        const c = new FhirWorkspace("fhir", args);
        return {
            fhirUrl: c.fhirUrl, fhirAudience: c.fhirAudience, fhirPrincipalId: c.fhirPrincipalId, containerRegistryLoginServer: c.containerRegistryLoginServer,
            importStorageAccountName: c.importStorageAccountName, exportStorageAccountName: c.exportStorageAccountName, anonymizationConfigNames: c.anonymizationConfigNames,
            dicomUrl: c.dicomUrl, medtechEventHubNamespace: c.medtechEventHubNamespace, workspaceId: c.workspaceId,
        };
    });
}

const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(type, name));
const fhir = (g: Graph) => inputs(g, "azure-native:healthcareapis:FhirService");
const account = (g: Graph, instance: "imp" | "exp") => g.one("azure-native:storage:StorageAccount", `fhir-st-${instance}`);
const roleAssignments = (g: Graph) => g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r));
/** Assignments of `role` (a documented GUID) at exactly `scope`, by the full role definition ID Azure receives. */
const roleOn = (g: Graph, scope: string, role: string) => roleAssignments(g).filter((r) => r["scope"] === scope && r["roleDefinitionId"] === roleDefinitionId(MOCK_SUBSCRIPTION_ID, role));
const diagOn = (g: Graph, uri: string) => g.byType("azure-native:monitor:DiagnosticSetting").map((r) => g.plainInputs(r)).filter((d) => d["resourceUri"] === uri);
const endpointsTo = (g: Graph, targetId: string) => g.byType("azure-native:network:PrivateEndpoint").filter((r) => {
    const conns = g.plainInputs(r)["privateLinkServiceConnections"] as Array<Record<string, Json>>;
    return conns.some((c) => c["privateLinkServiceId"] === targetId);
});
const zoneGroupOf = (g: Graph, endpoint: RecordedResource) => g.byType("azure-native:network:PrivateDnsZoneGroup").find((z) => z.dependencies.includes(endpoint.urn) || Object.values(z.propertyDependencies).flat().includes(endpoint.urn));

/** ARM ID of a workspace in rg-data of the mock subscription. */
const WS_ID = (workspace: string) => `${SUB}/resourceGroups/rg-data/providers/Microsoft.HealthcareApis/workspaces/${workspace}`;

function assertPrivateStores(g: Graph, workspace: string, fhirService: string): void {
    for (const instance of ["imp", "exp"] as const) {
        const st = account(g, instance);
        const i = g.plainInputs(st);
        expect(i, instance).to.deep.include({ enableHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", allowBlobPublicAccess: false, allowSharedKeyAccess: false, allowCrossTenantReplication: false });
        // Trusted-services-only: default Deny, no IP or VNet rule, resource instance rules for this workspace and its
        // FHIR service. The FHIR service's identity signs $import/$export requests, so the storage firewall must name
        // the `workspaces/fhirservices` instance (learn.microsoft.com/azure/healthcare-apis/fhir/configure-export-data,
        // configure-import-data: "Secure the FHIR service $export/$import operation"); the workspace alone is refused.
        expect(i["networkRuleSet"]).to.deep.equal({
            defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [],
            resourceAccessRules: [
                { resourceId: WS_ID(workspace), tenantId: MOCK_TENANT_ID },
                { resourceId: `${WS_ID(workspace)}/fhirservices/${fhirService}`, tenantId: MOCK_TENANT_ID },
            ],
        });
        const pe = endpointsTo(g, String(st.id));
        expect(pe, instance).to.have.length(1);
        const peInputs = g.plainInputs(pe[0] as RecordedResource);
        expect((peInputs["privateLinkServiceConnections"] as Array<Record<string, Json>>)[0]?.["groupIds"]).to.deep.equal(["blob"]);
        expect(peInputs["subnet"]).to.deep.include({ id: PE_SUBNET });
        // Account metrics only (Azure offers no account-level logs); blob read/write/delete logs on the blob service.
        expect(diagOn(g, String(st.id))[0]?.["logs"]).to.deep.equal([]);
        expect(diagOn(g, `${String(st.id)}/blobServices/default`)[0]?.["logs"]).to.deep.equal([{ categoryGroup: "allLogs", enabled: true }]);
    }
    const registry = g.byType("azure-native:containerregistry:Registry");
    for (const r of registry) {
        expect(g.plainInputs(r)).to.deep.include({ publicNetworkAccess: "Disabled", adminUserEnabled: false, anonymousPullEnabled: false, networkRuleBypassOptions: "AzureServices" });
        expect(endpointsTo(g, String(r.id))).to.have.length(1);
    }
}

/**
 * A service of a Private Link workspace gets its A record from the endpoint's zone group only when it exists before
 * the endpoint (learn.microsoft.com/azure/healthcare-apis/healthcare-apis-configure-private-link), so the endpoint and
 * its DNS zone group must wait for every named service (transitively through the endpoint counts for the zone group).
 */
function assertEndpointFollowsServices(g: Graph, services: string[]): void {
    const ws = g.one("azure-native:healthcareapis:Workspace");
    const endpoints = endpointsTo(g, String(ws.id));
    expect(endpoints).to.have.length(1);
    const pe = endpoints[0] as RecordedResource;
    const group = zoneGroupOf(g, pe) as RecordedResource;
    const urns = services.map((n) => g.resources.find((r) => r.name === n)?.urn);
    expect(urns, "services exist").to.not.include(undefined);
    for (const urn of urns) {
        expect(pe.dependencies, "endpoint").to.include(urn);
        expect(g.allDependencies(group), "zone group").to.include(pe.urn);
    }
}

describe("FhirWorkspace component", () => {
    describe("defaults", () => {
        let g: Graph;
        let out: Outputs;
        before(async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("creates an R4 FHIR service with the tenant's Entra ID authority, its own URL as audience, a system identity and versioning", () => {
            const ws = inputs(g, "azure-native:healthcareapis:Workspace");
            expect(ws["workspaceName"]).to.equal("hwahdsdevabc12");
            const url = "https://hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com";
            expect(fhir(g)).to.deep.include({ kind: "fhir-R4", fhirServiceName: "fhir", identity: { type: "SystemAssigned" }, resourceVersionPolicyConfiguration: { default: "versioned" } });
            expect(fhir(g)["authenticationConfiguration"]).to.deep.equal({ authority: `https://login.microsoftonline.com/${MOCK_TENANT_ID}`, audience: url, smartProxyEnabled: false });
            expect(out["fhirUrl"]).to.equal(url);
            expect(out["fhirAudience"]).to.equal(url);
        });

        it("has no CORS configuration unless origins are allowed", () => {
            expect(fhir(g)).to.not.have.property("corsConfiguration");
        });

        it("makes the workspace private: an endpoint with group healthcareworkspace in the given subnet, registered in the workspace, fhir and dicom zones", () => {
            const ws = g.one("azure-native:healthcareapis:Workspace");
            const [pe] = endpointsTo(g, String(ws.id));
            expect(pe).to.not.equal(undefined);
            const i = g.plainInputs(pe as RecordedResource);
            expect(i["subnet"]).to.deep.include({ id: PE_SUBNET });
            expect((i["privateLinkServiceConnections"] as Array<Record<string, Json>>)[0]?.["groupIds"]).to.deep.equal(["healthcareworkspace"]);
            const group = zoneGroupOf(g, pe as RecordedResource);
            expect(group).to.not.equal(undefined);
            const configs = g.plainInputs(group as RecordedResource)["privateDnsZoneConfigs"] as Array<Record<string, Json>>;
            expect(configs.map((c) => c["privateDnsZoneId"])).to.deep.equal(WORKSPACE_ENDPOINT_ZONES.map(ZONE));
        });

        it("locks the template registry down: Entra ID only, no public or data endpoint, no export, untagged manifests purged", () => {
            const i = g.plainInputs(g.one("azure-native:containerregistry:Registry"));
            // Premium is the tier with private endpoints; export off needs public access off
            // (learn.microsoft.com/azure/container-registry/data-loss-prevention); the FHIR service pulls as a trusted
            // service (allow-access-trusted-services); registry-audience tokens only (container-registry-disable-authentication-as-arm).
            expect(i).to.deep.include({
                sku: { name: "Premium" }, adminUserEnabled: false, anonymousPullEnabled: false, publicNetworkAccess: "Disabled",
                networkRuleBypassOptions: "AzureServices", networkRuleSet: { defaultAction: "Deny" }, dataEndpointEnabled: false, zoneRedundancy: "Disabled",
            });
            expect(i["policies"]).to.deep.equal({
                exportPolicy: { status: "disabled" },
                retentionPolicy: { status: "enabled", days: 7 },
                azureADAuthenticationAsArmPolicy: { status: "disabled" },
            });
        });

        it("wires $convert-data: the Premium registry's login server in acrConfiguration and AcrPull for the FHIR identity", () => {
            const registry = g.one("azure-native:containerregistry:Registry");
            expect(g.plainInputs(registry)).to.deep.include({ sku: { name: "Premium" }, registryName: "crahdsdevabc12" });
            expect(fhir(g)["acrConfiguration"]).to.deep.equal({ loginServers: ["crahdsdevabc12.azurecr.io"] });
            expect(out["containerRegistryLoginServer"]).to.equal("crahdsdevabc12.azurecr.io");
            const pull = roleOn(g, String(registry.id), ROLE.acrPull);
            expect(pull).to.have.length(1);
            expect(pull[0]?.["principalId"]).to.equal(out["fhirPrincipalId"]);
        });

        it("wires $import in incremental mode to the import account, where the FHIR identity is Storage Blob Data Contributor", () => {
            const st = account(g, "imp");
            expect(fhir(g)["importConfiguration"]).to.deep.equal({ enabled: true, initialImportMode: false, integrationDataStore: g.plainInputs(st)["accountName"] });
            expect(out["importStorageAccountName"]).to.equal("stahdsdevimpabc12");
            const grants = roleOn(g, String(st.id), ROLE.storageBlobDataContributor);
            expect(grants.map((r) => r["principalId"])).to.deep.equal([out["fhirPrincipalId"]]);
            expect(g.plainInputs(g.one("azure-native:storage:BlobContainer", "fhir-st-imp-import"))).to.deep.include({ containerName: "import", publicAccess: "None" });
        });

        it("wires $export to the export account with an anonymization container, and the FHIR identity can write there", () => {
            const st = account(g, "exp");
            expect(fhir(g)["exportConfiguration"]).to.deep.equal({ storageAccountName: "stahdsdevexpabc12" });
            expect(roleOn(g, String(st.id), ROLE.storageBlobDataContributor).map((r) => r["principalId"])).to.deep.equal([out["fhirPrincipalId"]]);
            expect(g.plainInputs(g.one("azure-native:storage:BlobContainer", "fhir-st-exp-anonymization"))).to.deep.include({ containerName: "anonymization", publicAccess: "None" });
            expect(out["anonymizationConfigNames"]).to.deep.equal(["safe-harbor.json"]);
        });

        it("uploads nothing without an in-network uploader (the README shows the manual command)", () => {
            expect(g.byType("azure-native:compute:VirtualMachineRunCommandByVirtualMachine")).to.have.length(0);
        });

        it("keeps storage and registry off the internet: no shared keys, trusted-service access scoped to this workspace and FHIR service, private endpoints", () => {
            assertPrivateStores(g, "hwahdsdevabc12", "fhir");
        });

        it("creates the workspace endpoint and its DNS zone group only after the FHIR service", () => {
            assertEndpointFollowsServices(g, ["fhir-fhir"]);
        });

        it("keeps deleted and overwritten blobs recoverable: soft delete, container soft delete, versioning, change feed", () => {
            for (const b of g.byType("azure-native:storage:BlobServiceProperties").map((r) => g.plainInputs(r))) {
                expect(b).to.deep.include({ blobServicesName: "default", isVersioningEnabled: true, deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 } });
                expect(b["changeFeed"]).to.deep.include({ enabled: true });
            }
        });

        it("sends FHIR audit logs (allLogs) and metrics to the central workspace", () => {
            const d = diagOn(g, String(g.one("azure-native:healthcareapis:FhirService").id));
            expect(d).to.have.length(1);
            expect(d[0]).to.deep.include({ workspaceId: LAW, logs: [{ categoryGroup: "allLogs", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }] });
        });

        it("creates no DICOM or MedTech resources and protects nothing in dev", () => {
            for (const t of ["DicomService", "IotConnector", "IotConnectorFhirDestination"]) expect(g.byType(`azure-native:healthcareapis:${t}`), t).to.have.length(0);
            expect(g.byType("azure-native:eventhub:Namespace")).to.have.length(0);
            expect(g.custom.filter((r) => r.protect)).to.have.length(0);
            expect(g.byType("azure-native:authorization:ManagementLockByScope")).to.have.length(0);
            expect(out["dicomUrl"]).to.equal("");
        });

        it("parents every child under the component with names prefixed by it", () => {
            const component = g.one("ahds:index:FhirWorkspace");
            for (const r of g.custom) {
                expect(r.name.startsWith("fhir-"), r.name).to.equal(true);
                let p = r.parent;
                while (p !== null && p !== component.urn) p = g.byUrn(p)?.parent ?? null;
                expect(p, `${r.name} is not under the component`).to.equal(component.urn);
            }
        });
    });

    describe("waf-aligned (prod)", () => {
        let g: Graph;
        let out: Outputs;
        before(async () => {
            const r = await run(WAF);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("protects and retains every stateful resource and locks the workspace, stores and registry", () => {
            for (const t of ["healthcareapis:Workspace", "healthcareapis:FhirService", "storage:StorageAccount", "containerregistry:Registry"]) {
                const rs = g.byType(`azure-native:${t}`);
                expect(rs.length, t).to.be.greaterThan(0);
                for (const r of rs) expect({ protect: r.protect, retain: r.retainOnDelete }, r.name).to.deep.equal({ protect: true, retain: true });
            }
            const locked = g.byType("azure-native:authorization:ManagementLockByScope").map((r) => g.plainInputs(r));
            const targets = [g.one("azure-native:healthcareapis:Workspace"), account(g, "imp"), account(g, "exp"), g.one("azure-native:containerregistry:Registry")].map((r) => r.id);
            expect(locked.map((l) => l["scope"])).to.have.members(targets);
            for (const l of locked) expect(l["level"]).to.equal("CanNotDelete");
        });

        it("uses zone-redundant storage and registry", () => {
            for (const i of ["imp", "exp"] as const) expect(g.plainInputs(account(g, i))["sku"]).to.deep.equal({ name: "Standard_ZRS" });
            expect(inputs(g, "azure-native:containerregistry:Registry")["zoneRedundancy"]).to.equal("Enabled");
        });

        it("uploads the Safe Harbor config from the uploader VM, with a role on the anonymization container only, after the endpoint and role exist", () => {
            const container = g.one("azure-native:storage:BlobContainer", "fhir-st-exp-anonymization");
            const grants = roleAssignments(g).filter((r) => r["principalId"] === JUMPBOX_PRINCIPAL);
            expect(grants).to.have.length(1);
            expect(grants[0]).to.deep.include({ scope: container.id, principalType: "ServicePrincipal" });
            expect(String(grants[0]?.["roleDefinitionId"])).to.match(new RegExp(`${ROLE.storageBlobDataContributor}$`));

            const cmd = g.one("azure-native:compute:VirtualMachineRunCommandByVirtualMachine");
            const i = g.plainInputs(cmd);
            // The Run Command outlives the script's 1500 s deadline by 300 s: Azure receives 1800.
            expect(i).to.deep.include({ vmName: "vm-ahds-prod-weu-jump", resourceGroupName: "rg-hub", treatFailureAsDeploymentFailure: true, asyncExecution: false, timeoutInSeconds: 1800 });
            const script = String((i["source"] as Record<string, Json>)["script"]);
            // The script writes to the export account's anonymization container through its blob endpoint, with a token for
            // Azure Storage from the VM's identity (IMDS), and uploads the repository's Safe Harbor file byte for byte.
            expect(script).to.include("base='https://stahdsprodexpabc12.blob.core.windows.net/anonymization'");
            expect(script).to.include("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com%2F");
            expect(script).to.include(`upload 'safe-harbor.json' 'application/json' '${Buffer.from(SAFE_HARBOR, "utf8").toString("base64")}'`);
            expect(script.match(/^upload /gm)).to.have.length(1);
            const deps = g.allDependencies(cmd);
            const grant = g.byType("azure-native:authorization:RoleAssignment").find((r) => g.plainInputs(r)["principalId"] === JUMPBOX_PRINCIPAL);
            const zoneGroup = zoneGroupOf(g, endpointsTo(g, String(account(g, "exp").id))[0] as RecordedResource);
            for (const d of [container, grant, zoneGroup]) expect(deps.has(String(d?.urn)), String(d?.name)).to.equal(true);
        });

        it("grants the configured principals FHIR data roles on the FHIR service", () => {
            const reader = roleOn(g, String(g.one("azure-native:healthcareapis:FhirService").id), ROLE.fhirDataReader);
            expect(reader).to.have.length(1);
            expect(reader[0]).to.deep.include({ principalId: READERS, principalType: "Group" });
        });

        it("keeps soft-deleted blobs for the audit retention and still has no public path", () => {
            for (const b of g.byType("azure-native:storage:BlobServiceProperties").map((r) => g.plainInputs(r))) expect(b["deleteRetentionPolicy"]).to.deep.equal({ enabled: true, days: 365 });
            assertPrivateStores(g, "hwahdsprodabc12", "fhir");
            expect(out["exportStorageAccountName"]).to.equal("stahdsprodexpabc12");
        });
    });

    describe("max (CORS, initial import, custom configs, DICOM, MedTech)", () => {
        let g: Graph;
        let out: Outputs;
        const custom = JSON.stringify({ fhirVersion: "R4", fhirPathRules: [{ path: "Patient.name", method: "redact" }] });
        before(async () => {
            const r = await run({
                ...WAF,
                tenantId: "77777777-7777-4777-8777-777777777777",
                fhir: { name: "fhirr4", corsOrigins: ["https://portal.example.org", "https://app.example.org:8443"], corsAllowCredentials: false, resourceVersionPolicy: "versioned-update" },
                importSettings: { initialImportMode: true },
                exportSettings: { ...WAF.exportSettings, anonymizationConfigs: { "safe-harbor.json": SAFE_HARBOR, "research.json": custom } },
                containerRegistry: { untaggedRetentionDays: 30, armAudienceTokens: true },
                dicom: { enabled: true },
                medtech: { enabled: true, eventHubPartitionCount: 4 },
            });
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("allows exactly the listed CORS origins, never a wildcard", () => {
            const cors = fhir(g)["corsConfiguration"] as Record<string, Json>;
            expect(cors["origins"]).to.deep.equal(["https://portal.example.org", "https://app.example.org:8443"]);
            expect(JSON.stringify(cors)).to.not.include("*");
            expect(cors).to.deep.include({ allowCredentials: false, maxAge: 600 });
        });

        it("uses the given tenant, service name, version policy and initial import mode", () => {
            expect(fhir(g)["authenticationConfiguration"]).to.deep.include({ authority: "https://login.microsoftonline.com/77777777-7777-4777-8777-777777777777", audience: "https://hwahdsprodabc12-fhirr4.fhir.azurehealthcareapis.com" });
            expect(fhir(g)["importConfiguration"]).to.deep.include({ initialImportMode: true });
            expect(fhir(g)["resourceVersionPolicyConfiguration"]).to.deep.equal({ default: "versioned-update" });
        });

        it("keeps the storage resource-instance rules on the workspace's own tenant, not the token authority's, and names the renamed FHIR service", () => {
            for (const st of g.byType("azure-native:storage:StorageAccount").filter((r) => r.name.startsWith("fhir-st-"))) {
                expect((g.plainInputs(st)["networkRuleSet"] as Record<string, Json>)["resourceAccessRules"], st.name).to.deep.equal([
                    { resourceId: WS_ID("hwahdsprodabc12"), tenantId: MOCK_TENANT_ID },
                    { resourceId: `${WS_ID("hwahdsprodabc12")}/fhirservices/fhirr4`, tenantId: MOCK_TENANT_ID },
                ]);
            }
        });

        it("keeps untagged manifests 30 days and accepts ARM-audience tokens, which Container Apps' managed-identity pulls need", () => {
            // learn.microsoft.com/azure/container-apps/managed-identity-image-pull: "Your Azure Container Registry must
            // allow ARM audience tokens for authentication in order to use managed identity to pull images."
            expect(g.plainInputs(g.one("azure-native:containerregistry:Registry"))["policies"]).to.deep.equal({
                exportPolicy: { status: "disabled" },
                retentionPolicy: { status: "enabled", days: 30 },
                azureADAuthenticationAsArmPolicy: { status: "enabled" },
            });
        });

        it("uploads every anonymization config", () => {
            const script = String((inputs(g, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine")["source"] as Record<string, Json>)["script"]);
            expect(script).to.include(`upload 'research.json' 'application/json' '${Buffer.from(custom).toString("base64")}'`);
            expect(out["anonymizationConfigNames"]).to.deep.equal(["safe-harbor.json", "research.json"]);
        });

        it("creates the workspace endpoint and its DNS zone group only after the FHIR and DICOM services (MedTech has no host name)", () => {
            assertEndpointFollowsServices(g, ["fhir-fhir", "fhir-dicom"]);
        });

        it("adds a DICOM service behind the same workspace endpoint, with its audit logs", () => {
            const dicom = g.one("azure-native:healthcareapis:DicomService");
            expect(g.plainInputs(dicom)).to.deep.include({ dicomServiceName: "dicom", identity: { type: "SystemAssigned" } });
            expect(diagOn(g, String(dicom.id))).to.have.length(1);
            expect(out["dicomUrl"]).to.equal("https://hwahdsprodabc12-dicom.dicom.azurehealthcareapis.com");
            expect(g.byType("azure-native:network:PrivateEndpoint").filter((r) => JSON.stringify(g.plainInputs(r)).includes("healthcareworkspace"))).to.have.length(1);
        });

        it("adds MedTech: private Event Hubs without SAS keys, the repo's mappings, a FHIR destination and least-privilege roles", () => {
            const ns = g.one("azure-native:eventhub:Namespace");
            expect(g.plainInputs(ns)).to.deep.include({ disableLocalAuth: true, minimumTlsVersion: "1.2", zoneRedundant: true });
            expect(inputs(g, "azure-native:eventhub:NamespaceNetworkRuleSet")).to.deep.include({ defaultAction: "Deny", trustedServiceAccessEnabled: true, ipRules: [], virtualNetworkRules: [] });
            const [pe] = endpointsTo(g, String(ns.id));
            expect((g.plainInputs(pe as RecordedResource)["privateLinkServiceConnections"] as Array<Record<string, Json>>)[0]?.["groupIds"]).to.deep.equal(["namespace"]);
            expect(inputs(g, "azure-native:eventhub:EventHub")).to.deep.include({ partitionCount: 4, messageRetentionInDays: 1 });

            const connector = g.one("azure-native:healthcareapis:IotConnector");
            const ci = g.plainInputs(connector);
            expect(ci["ingestionEndpointConfiguration"]).to.deep.equal({ eventHubName: "devicedata", consumerGroup: "medtech", fullyQualifiedEventHubNamespace: "evhns-ahds-prod-mt-abc12.servicebus.windows.net" });
            const repoMapping = JSON.parse(fs.readFileSync(path.join(__dirname, "../components/assets/medtech/device-mapping.json"), "utf8")) as Json;
            expect((ci["deviceMapping"] as Record<string, Json>)["content"]).to.deep.equal(repoMapping);
            const dest = inputs(g, "azure-native:healthcareapis:IotConnectorFhirDestination");
            expect(dest).to.deep.include({ fhirServiceResourceId: g.one("azure-native:healthcareapis:FhirService").id, resourceIdentityResolutionType: "Create" });
            expect(((dest["fhirMapping"] as Record<string, Json>)["content"] as Record<string, Json>)["templateType"]).to.equal("CollectionFhir");

            const principal = (g.byUrn(connector.urn)?.outputs["identity"] as Record<string, unknown>)["principalId"];
            const mine = roleAssignments(g).filter((r) => r["principalId"] === principal);
            expect(mine.map((r) => [String(r["scope"]).split("/").slice(-2).join("/"), String(r["roleDefinitionId"]).split("/").pop()])).to.have.deep.members([
                ["eventhubs/devicedata", ROLE.eventHubsDataReceiver],
                ["fhirservices/fhirr4", ROLE.fhirDataWriter],
            ]);
            expect(out["medtechEventHubNamespace"]).to.equal("evhns-ahds-prod-mt-abc12.servicebus.windows.net");
        });

        it("grants exactly these roles, each on one resource (a wider scope, another role or another principal fails)", () => {
            const RG = `${SUB}/resourceGroups/rg-data/providers`;
            const identityOf = (type: string) => (g.one(`azure-native:${type}`).outputs["identity"] as Record<string, unknown>)["principalId"];
            const fhirId = identityOf("healthcareapis:FhirService");
            const medtechId = identityOf("healthcareapis:IotConnector");
            const table = roleAssignments(g).map((r) => [String(r["roleDefinitionId"]).split("/").pop(), r["scope"], r["principalId"] === fhirId ? "fhir" : r["principalId"] === medtechId ? "medtech" : r["principalId"]]);
            expect(table).to.have.deep.members([
                [ROLE.acrPull, `${RG}/Microsoft.ContainerRegistry/registries/crahdsprodabc12`, "fhir"],
                [ROLE.storageBlobDataContributor, `${RG}/Microsoft.Storage/storageAccounts/stahdsprodimpabc12`, "fhir"],
                [ROLE.storageBlobDataContributor, `${RG}/Microsoft.Storage/storageAccounts/stahdsprodexpabc12`, "fhir"],
                [ROLE.storageBlobDataContributor, `${RG}/Microsoft.Storage/storageAccounts/stahdsprodexpabc12/blobServices/default/containers/anonymization`, JUMPBOX_PRINCIPAL],
                [ROLE.fhirDataReader, `${RG}/Microsoft.HealthcareApis/workspaces/hwahdsprodabc12/fhirservices/fhirr4`, READERS],
                [ROLE.eventHubsDataReceiver, `${RG}/Microsoft.EventHub/namespaces/evhns-ahds-prod-mt-abc12/eventhubs/devicedata`, "medtech"],
                [ROLE.fhirDataWriter, `${RG}/Microsoft.HealthcareApis/workspaces/hwahdsprodabc12/fhirservices/fhirr4`, "medtech"],
            ]);
            for (const r of roleAssignments(g)) expect(r["roleDefinitionId"], String(r["scope"])).to.equal(roleDefinitionId(MOCK_SUBSCRIPTION_ID, String(r["roleDefinitionId"]).split("/").pop() ?? ""));
        });

        it("gives every private endpoint its documented group ID and exactly its privatelink zone(s)", () => {
            // learn.microsoft.com/azure/private-link/private-endpoint-dns: blob → privatelink.blob.core.windows.net,
            // registry → privatelink.azurecr.io, namespace (Event Hubs) → privatelink.servicebus.windows.net,
            // healthcareworkspace → the workspace, fhir and dicom zones.
            const table = g.byType("azure-native:network:PrivateEndpoint").map((pe) => {
                const i = g.plainInputs(pe);
                const group = g.plainInputs(zoneGroupOf(g, pe) as RecordedResource);
                return [pe.name, ((i["privateLinkServiceConnections"] as Array<Record<string, Json>>)[0]?.["groupIds"] as Json[])[0], (i["subnet"] as Record<string, Json>)["id"],
                    (group["privateDnsZoneConfigs"] as Array<Record<string, Json>>).map((c) => String(c["privateDnsZoneId"]).split("/").pop())];
            });
            expect(table).to.have.deep.members([
                ["fhir-ws-pep-spoke", "healthcareworkspace", PE_SUBNET, ["privatelink.workspace.azurehealthcareapis.com", "privatelink.fhir.azurehealthcareapis.com", "privatelink.dicom.azurehealthcareapis.com"]],
                ["fhir-st-imp-pep-blob", "blob", PE_SUBNET, ["privatelink.blob.core.windows.net"]],
                ["fhir-st-exp-pep-blob", "blob", PE_SUBNET, ["privatelink.blob.core.windows.net"]],
                ["fhir-acr-pep-registry", "registry", PE_SUBNET, ["privatelink.azurecr.io"]],
                ["fhir-evhns-pep-namespace", "namespace", PE_SUBNET, ["privatelink.servicebus.windows.net"]],
            ]);
        });
    });

    describe("invalid args", () => {
        it("lists every problem and registers nothing", async () => {
            const r = await run({
                ...BASE,
                network: { ...BASE.network, privateDnsZoneResourceIds: {} },
                fhir: { name: "FHIR-Service", corsOrigins: ["*", "http://insecure.example.org", "https://ok.example.org/"], corsHeaders: ["*"], resourceVersionPolicy: "no-version" },
                importSettings: { enabled: false, initialImportMode: true },
                exportSettings: { anonymizationConfigs: { "../evil.json": "{}", "bad.json": "not json" } },
                medtech: { enabled: true, deviceMapping: "{\"templateType\":\"Nope\"}", eventHubPartitionCount: 64 },
                storage: { softDeleteRetentionDays: 0 },
                privateEndpoints: { other: { subnetResourceId: PE_SUBNET, service: "fhir" } },
                diagnosticSettings: {},
                roleAssignments: { x: { roleDefinitionIdOrName: "Not A Role", principalId: READERS } },
            });
            expect(r.error).to.be.instanceOf(Error);
            const msg = String((r.error as Error).message);
            for (const needle of [
                "must include privatelink.workspace.azurehealthcareapis.com", "must include privatelink.servicebus.windows.net",
                "fhir.name \"FHIR-Service\"", "\"*\" is a wildcard", "\"http://insecure.example.org\" must be https", "\"https://ok.example.org/\" must be https",
                "fhir.corsHeaders: \"*\"", "no-version", "initialImportMode needs importSettings.enabled", "\"../evil.json\" must be a plain file name",
                "[\"bad.json\"] is not valid JSON", "medtech.deviceMapping must have templateType CollectionContent",
                "service \"healthcareworkspace\"", "diagnosticSettings must not be empty", "unknown role \"Not A Role\"",
                "medtech.eventHubPartitionCount must be an integer 1-32", "storage.softDeleteRetentionDays must be an integer 1-365",
            ]) expect(msg, needle).to.include(needle);
            expect(r.graph.custom).to.have.length(0);
        });
    });

    describe("upload script (runs under bash with curl and the metadata service stubbed)", () => {
        let dir: string;
        before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-upload-")); });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        /**
         * Stub `curl` (records every call, serves a token, answers PUTs with the given sequence: "403" or
         * "403 AuthorizationPermissionMismatch" for a status and its x-ms-error-code header, "000" for a connect failure,
         * curl's exit 7) and `sleep` (records its argument and moves the script's clock on instead of waiting).
         */
        async function runScript(script: string, statuses: string[]): Promise<{ code: number; calls: string[]; puts: string[]; bodies: string[]; sleeps: number[]; stderr: string; stdout: string }> {
            const bin = path.join(dir, "bin");
            fs.mkdirSync(bin, { recursive: true });
            fs.writeFileSync(path.join(dir, "statuses"), statuses.join("\n") + "\n");
            fs.writeFileSync(path.join(bin, "curl"), `#!/bin/bash
echo "$*" >> "${dir}/calls"
for a in "$@"; do case "$a" in http://169.254.169.254*) echo '{"access_token":"tok-123"}'; exit 0;; esac; done
headers=""; prev=""; for a in "$@"; do
  if [ "$prev" = "--upload-file" ]; then cat "$a" >> "${dir}/bodies"; echo >> "${dir}/bodies"; fi
  if [ "$prev" = "-D" ]; then headers="$a"; fi
  prev="$a"
done
read -r status error < <(head -n1 "${dir}/statuses") || true; sed -i 1d "${dir}/statuses"; status="\${status:-201}"
if [ "$status" = "000" ]; then echo "curl: (7) Failed to connect" >&2; printf '000'; exit 7; fi
# "100:28": curl saw 100 Continue, then timed out (curl's exit 28).
rc="\${status#*:}"; [ "$rc" = "$status" ] && rc=0; status="\${status%%:*}"
if [ -n "$headers" ]; then printf 'HTTP/1.1 %s x\\r\\n' "$status" > "$headers"; if [ -n "\${error:-}" ]; then printf 'x-ms-error-code: %s\\r\\n' "$error" >> "$headers"; fi; fi
printf '%s' "$status"; exit "$rc"
`, { mode: 0o755 });
            for (const f of ["calls", "bodies", "sleeps"]) fs.writeFileSync(path.join(dir, f), "");
            const r = await runBash(script, bin, virtualSleep(path.join(dir, "sleeps")));
            const lines = (f: string) => fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter((l) => l !== "");
            const calls = lines("calls");
            return { code: r.code, calls, puts: calls.filter((c) => c.includes("-X PUT")), bodies: lines("bodies"), sleeps: lines("sleeps").map(Number), stderr: r.stderr, stdout: r.stdout };
        }
        const one = (deadline?: number) => blobUploadScript("stahdsdevexpabc12", "anonymization", [{ name: "a.json", contentType: "application/json", content: "{}" }], "core.windows.net", deadline);
        const two = (deadline?: number) => blobUploadScript("stahdsdevexpabc12", "anonymization",
            [{ name: "a.json", contentType: "application/json", content: "{}" }, { name: "b.json", contentType: "application/json", content: "[]" }], "core.windows.net", deadline);

        it("PUTs each blob with a bearer token from the VM identity, retrying a 403 until RBAC has propagated, and logs the status and x-ms-error-code but never the token or the content", async () => {
            const content = "{\"fhirVersion\": \"R4\", \"note\": \"it's $(not) `run`\"}";
            const r = await runScript(blobUploadScript("stahdsdevexpabc12", "anonymization", [{ name: "safe-harbor.json", contentType: "application/json", content }]), ["403 AuthorizationPermissionMismatch", "403 AuthorizationFailure", "201"]);
            expect(r.code, r.stderr).to.equal(0);
            expect(r.puts).to.have.length(3);
            for (const p of r.puts) {
                expect(p).to.include("https://stahdsdevexpabc12.blob.core.windows.net/anonymization/safe-harbor.json");
                expect(p).to.include("Authorization: Bearer tok-123");
                expect(p).to.include("x-ms-blob-type: BlockBlob");
                expect(p).to.include("Content-Type: application/json");
            }
            expect(r.calls.some((c) => c.includes("resource=https%3A%2F%2Fstorage.azure.com%2F"))).to.equal(true);
            expect(r.bodies.at(-1)).to.equal(content);
            expect(r.stderr).to.include("attempt 1: HTTP 403 (AuthorizationPermissionMismatch) for safe-harbor.json");
            expect(r.stderr).to.include("attempt 2: HTTP 403 (AuthorizationFailure) for safe-harbor.json");
            expect(r.stdout).to.include("uploaded safe-harbor.json");
            for (const secret of ["tok-123", "fhirVersion"]) expect(r.stderr + r.stdout, secret).to.not.include(secret);
        });

        it("retries a connect failure (000) and a 503, backing off 10 s doubling to a 60 s cap", async () => {
            const r = await runScript(one(), ["000", "503 ServerBusy", "403", "403", "403", "403", "201"]);
            expect(r.code, r.stderr).to.equal(0);
            expect(r.puts).to.have.length(7);
            expect(r.stderr).to.include("attempt 1: HTTP 000 for a.json").and.include("attempt 2: HTTP 503 (ServerBusy) for a.json");
            expect(r.sleeps).to.deep.equal([10, 20, 40, 60, 60, 60]);
        });

        for (const [status, error] of [["400", "InvalidHeaderValue"], ["404", "ContainerNotFound"], ["409", "BlobImmutableDueToPolicy"]] as const) {
            it(`fails at once on ${status} (a permanent error), without retrying it or writing the next blob`, async () => {
                const r = await runScript(two(), [`${status} ${error}`, "201", "201"]);
                expect(r.code).to.not.equal(0);
                expect(r.puts).to.have.length(1);
                expect(r.sleeps).to.deep.equal([]);
                expect(r.stderr).to.include(`attempt 1: HTTP ${status} (${error}) for a.json`).and.include(`could not upload a.json: HTTP ${status} is not retried`);
                expect(r.puts.some((p) => p.includes("/b.json"))).to.equal(false);
            });
        }

        it("retries an upload curl did not finish (100 Continue, then a timeout: curl exit 28)", async () => {
            const r = await runScript(one(), ["100:28", "201"]);
            expect(r.code, r.stderr).to.equal(0);
            expect(r.puts).to.have.length(2);
            expect(r.stderr).to.include("attempt 1: HTTP 000 for a.json (curl exit 28)");
            expect(r.sleeps).to.deep.equal([10]);
        });

        it("keeps a blob named like the script's own files apart from them (a blob called headers keeps its content)", async () => {
            const r = await runScript(blobUploadScript("stahdsdevexpabc12", "anonymization", [{ name: "headers", contentType: "application/json", content: "{\"a\":1}" }]), ["201"]);
            expect(r.code, r.stderr).to.equal(0);
            expect(r.bodies).to.deep.equal(["{\"a\":1}"]);
        });

        it("overwrites an existing blob (no conditional header), so a re-run with the same content succeeds", async () => {
            const r = await runScript(two(), ["201", "201"]);
            expect(r.code, r.stderr).to.equal(0);
            expect(r.puts).to.have.length(2);
            for (const p of r.puts) expect(p).to.not.match(/If-None-Match|If-Match|x-ms-lease-id/i);
        });

        it("puts --connect-timeout 10 and a --max-time of at most 300 s on every curl call (token and Put Blob)", async () => {
            const r = await runScript(two(), ["403", "201", "201"]);
            expect(r.code, r.stderr).to.equal(0);
            // One token for the whole script (a role not yet effective is judged per request, so a new token would not
            // help), then three Put Blobs.
            expect(r.calls).to.have.length(4);
            for (const c of r.calls) {
                expect(c).to.include("--connect-timeout 10");
                const max = Number(/--max-time (\d+)/.exec(c)?.[1]);
                expect(max, c).to.be.within(10, 300);
            }
            expect(r.calls.filter((c) => c.includes("169.254.169.254")).map((c) => /--max-time (\d+)/.exec(c)?.[1])).to.deep.equal(["30"]);
        });

        it("fails (so pulumi up fails) once the script's deadline has passed, never sleeping past it", async () => {
            const started = Date.now();
            const r = await runScript(one(1), Array<string>(50).fill("403 AuthorizationPermissionMismatch"));
            expect(r.code).to.not.equal(0);
            expect(r.stderr).to.include("could not upload a.json within the script's deadline of 1 s");
            expect(r.puts.length).to.be.within(1, 2);
            for (const s of r.sleeps) expect(s).to.be.at.most(1);
            expect(Date.now() - started).to.be.below(10_000);
        });

        it("shares one deadline across all blobs: a blob after a slow one gets no fresh budget", async () => {
            // a.json: 403, then a sleep to the deadline, then 201; b.json: 403 after the deadline, so no second attempt.
            const r = await runScript(two(2), ["403", "201", "403", "201"]);
            expect(r.code).to.not.equal(0);
            expect(r.stdout).to.include("uploaded a.json");
            expect(r.puts.filter((p) => p.includes("/a.json"))).to.have.length(2);
            expect(r.puts.filter((p) => p.includes("/b.json"))).to.have.length(1);
            expect(r.stderr).to.include("could not upload b.json within the script's deadline of 2 s");
        });

        it("keeps the deadline within what the Run Command's timeout covers", () => {
            expect(UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS).to.equal(1800);
            expect(UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS - UPLOAD_DEADLINE_SECONDS).to.be.at.least(120);
            expect(one()).to.include("budget=1500\ndeadline=$((SECONDS + budget))");
            expect(() => one(UPLOAD_DEADLINE_SECONDS + 1)).to.throw(/deadlineSeconds must be an integer 1-1500/);
            expect(() => one(0)).to.throw(/deadlineSeconds/);
            // A Run Command shorter than the deadline plus two minutes (the old 900 s) is refused before anything is created.
            const settings = { timeoutInSeconds: 900 } as unknown as InNetworkUploadSettings;
            expect(() => uploadInNetwork({} as unknown as pulumi.ComponentResource, "fhir-anonymization", settings)).to.throw(/timeoutInSeconds 900 is shorter than the upload script's deadline \(1500 s\) plus 120 s/);
        });

        it("refuses names that could reach the shell", () => {
            expect(() => blobUploadScript("stahdsdevexpabc12", "anonymization", [{ name: "x'; rm -rf /", contentType: "application/json", content: "" }])).to.throw(/plain blob file name/);
            expect(() => blobUploadScript("Bad_Account", "anonymization", [])).to.throw(/storage account name/);
        });
    });
});
