import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { AnalyticsSync, AnalyticsSyncArgs } from "../components/analyticsSync";
import { DOCUMENTED_ROLE_GUIDS as ROLE, roleDefinitionId } from "./fixtures/azureRoles";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, RecordedResource } from "../lib/offline/mocks";
import { runComponent } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const RG = `${SUB}/resourceGroups/rg-data/providers`;
const LAW = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const VNET = `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
const CAE_SUBNET = `${VNET}/subnets/snet-container-apps`;
const PE_SUBNET = `${VNET}/subnets/snet-private-endpoints`;
const ZONE = (z: string) => `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/${z}`;
const ZONES = ["privatelink.blob.core.windows.net", "privatelink.dfs.core.windows.net", "privatelink.queue.core.windows.net", "privatelink.table.core.windows.net",
    "privatelink.sql.azuresynapse.net", "privatelink.dev.azuresynapse.net", "privatelink.azuresynapse.net"];
const WS_ID = `${RG}/Microsoft.HealthcareApis/workspaces/hwahdsdevabc12`;
const FHIR_ID = `${WS_ID}/fhirservices/fhir`;
const FHIR_URL = "https://hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com";
const FHIR_PRINCIPAL = "66666666-6666-4666-8666-666666666666";
const ACR_ID = `${RG}/Microsoft.ContainerRegistry/registries/crahdsdevabc12`;
const ACR = "crahdsdevabc12.azurecr.io";
const JUMPBOX = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Compute/virtualMachines/vm-ahds-prod-weu-jump`;
const JUMPBOX_PRINCIPAL = "55555555-5555-4555-8555-555555555555";
const ADMINS = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const READERS = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";

const BASE: AnalyticsSyncArgs = {
    naming: { workload: "ahds", environment: "dev", location: "westeurope", uniqueSuffix: "abc12" },
    resourceGroupName: "rg-data",
    tags: { environment: "dev" },
    logAnalyticsWorkspaceResourceId: LAW,
    network: { containerAppsSubnetResourceId: CAE_SUBNET, privateEndpointSubnetResourceId: PE_SUBNET, privateDnsZoneResourceIds: Object.fromEntries(ZONES.map((z) => [z, ZONE(z)])) },
    fhir: { url: FHIR_URL, workspaceResourceId: WS_ID, serviceResourceId: FHIR_ID, principalId: FHIR_PRINCIPAL },
    containerRegistry: { resourceId: ACR_ID, loginServer: ACR },
};
/** What a production stack passes (index.ts with Pulumi.prod.yaml): zone-redundant, protected, locked, Synapse, configs uploaded by the jumpbox. */
const WAF: AnalyticsSyncArgs = {
    ...BASE,
    naming: { ...BASE.naming, environment: "prod" },
    lake: { softDeleteRetentionDays: 365 },
    synapse: { enabled: true, adminGroupObjectId: ADMINS },
    deidentification: { configs: { "safe-harbor.json": "{\"fhirPathRules\":[]}" }, uploader: { virtualMachineResourceId: JUMPBOX, principalId: JUMPBOX_PRINCIPAL } },
    lock: { kind: "CanNotDelete" },
    zoneRedundant: true,
    protectStatefulResources: true,
    retainStatefulResourcesOnDelete: true,
};

interface Outputs { [k: string]: unknown }
function run(args: AnalyticsSyncArgs) {
    return runComponent(() => {
        const c = new AnalyticsSync("analytics", args);
        return {
            lakeAccountName: c.lakeAccountName, lakeAccountId: c.lakeAccountId, lakeDfsEndpoint: c.lakeDfsEndpoint, containerNames: c.containerNames,
            exportJobName: c.exportJobName, agentAppName: c.agentAppName, environmentId: c.environmentId, synapseWorkspaceName: c.synapseWorkspaceName,
            synapseServerlessEndpoint: c.synapseServerlessEndpoint,
        };
    });
}

type Obj = Record<string, Json>;
const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(type, name));
const lake = (g: Graph) => g.one("azure-native:storage:StorageAccount");
const roles = (g: Graph) => g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r));
const guidOf = (r: Obj) => String(r["roleDefinitionId"]).split("/").pop();
const grantsTo = (g: Graph, principal: unknown) => roles(g).filter((r) => r["principalId"] === principal).map((r) => [guidOf(r), r["scope"]]);
const endpointGroups = (g: Graph, targetId: string) => g.byType("azure-native:network:PrivateEndpoint").map((r) => g.plainInputs(r))
    .filter((i) => (i["privateLinkServiceConnections"] as Obj[]).some((c) => c["privateLinkServiceId"] === targetId))
    .map((i) => [((i["privateLinkServiceConnections"] as Obj[])[0] as Obj)["groupIds"], (i["subnet"] as Obj)["id"]]);
const zonesOf = (g: Graph, endpointName: string) => {
    const zg = g.byType("azure-native:network:PrivateDnsZoneGroup").find((z) => g.plainInputs(z)["privateEndpointName"] === endpointName);
    return (g.plainInputs(zg as RecordedResource)["privateDnsZoneConfigs"] as Obj[]).map((c) => c["privateDnsZoneId"]);
};
const identity = (g: Graph, name: string) => g.one("azure-native:managedidentity:UserAssignedIdentity", name);
const containerId = (accountId: string, c: string) => `${accountId}/blobServices/default/containers/${c}`;
const envOf = (container: Obj) => Object.fromEntries((container["env"] as Obj[]).map((e) => [String(e["name"]), e["value"]]));

describe("AnalyticsSync component", () => {
    describe("defaults (mode export)", () => {
        let g: Graph;
        let out: Outputs;
        before(async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("creates an ADLS Gen2 lake without shared keys whose firewall admits only the FHIR workspace and service instance", () => {
            expect(g.plainInputs(lake(g))).to.deep.include({
                accountName: "stahdsdevlakeabc12", kind: "StorageV2", isHnsEnabled: true, allowSharedKeyAccess: false, allowBlobPublicAccess: false,
                minimumTlsVersion: "TLS1_2", sku: { name: "Standard_LRS" },
                // FHIR $export reaches a firewalled account only as a trusted resource instance (configure-export-data),
                // which Azure evaluates with public network access Enabled and the default action Deny.
                publicNetworkAccess: "Enabled",
                networkRuleSet: {
                    defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [],
                    resourceAccessRules: [{ resourceId: WS_ID, tenantId: MOCK_TENANT_ID }, { resourceId: FHIR_ID, tenantId: MOCK_TENANT_ID }],
                },
            });
        });

        it("keeps deleted blobs and containers 30 days; versioning and change feed stay off (not available with a hierarchical namespace)", () => {
            expect(inputs(g, "azure-native:storage:BlobServiceProperties")).to.deep.include({
                deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 }, isVersioningEnabled: false, changeFeed: { enabled: false },
            });
        });

        it("has a private container per layer", () => {
            expect(g.byType("azure-native:storage:BlobContainer").map((c) => [g.plainInputs(c)["containerName"], g.plainInputs(c)["publicAccess"]]))
                .to.have.deep.members([["raw", "None"], ["parquet", "None"], ["synapse", "None"], ["anonymization", "None"]]);
        });

        it("is reached through blob and dfs private endpoints registered in their zones (no queue or table in mode export)", () => {
            expect(endpointGroups(g, String(lake(g).id))).to.have.deep.members([[["blob"], PE_SUBNET], [["dfs"], PE_SUBNET]]);
            expect(zonesOf(g, "pep-stahdsdevlakeabc12-blob")).to.deep.equal([ZONE("privatelink.blob.core.windows.net")]);
            expect(zonesOf(g, "pep-stahdsdevlakeabc12-dfs")).to.deep.equal([ZONE("privatelink.dfs.core.windows.net")]);
        });

        it("lets the FHIR identity write $export output into the lake (configure-export-data: Storage Blob Data Contributor)", () => {
            expect(grantsTo(g, FHIR_PRINCIPAL)).to.deep.equal([[ROLE.storageBlobDataContributor, lake(g).id]]);
        });

        it("runs an internal, VNet-injected workload-profiles environment with public access off and logs through Azure Monitor", () => {
            const env = inputs(g, "azure-native:app:ManagedEnvironment");
            expect(env).to.deep.include({
                environmentName: "cae-ahds-dev-weu",
                vnetConfiguration: { internal: true, infrastructureSubnetId: CAE_SUBNET },
                workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
                publicNetworkAccess: "Disabled",
                appLogsConfiguration: { destination: "azure-monitor" },
                zoneRedundant: false,
            });
            const diag = g.byType("azure-native:monitor:DiagnosticSetting").map((d) => g.plainInputs(d)).filter((d) => d["resourceUri"] === g.one("azure-native:app:ManagedEnvironment").id);
            expect(diag).to.have.length(1);
            expect(diag[0]).to.deep.include({ workspaceId: LAW, logs: [{ categoryGroup: "allLogs", enabled: true }] });
        });

        it("mirrors the pinned Azure CLI image from MCR into the private registry with an artifact-cache rule", () => {
            expect(inputs(g, "azure-native:containerregistry:CacheRule")).to.deep.equal({
                registryName: "crahdsdevabc12", resourceGroupName: "rg-data", cacheRuleName: "azure-cli",
                sourceRepository: "mcr.microsoft.com/azure-cli", targetRepository: "mirror/azure-cli",
            });
        });

        it("gives the job's identity exactly FHIR Data Exporter on the service, Blob Data Contributor on raw and AcrPull on the registry", () => {
            const id = identity(g, "analytics-export-id");
            expect(g.plainInputs(id)).to.deep.include({ resourceName: "id-ahds-dev-weu-exp", resourceGroupName: "rg-data", location: "westeurope" });
            expect(grantsTo(g, id.outputs["principalId"])).to.have.deep.members([
                [ROLE.fhirDataExporter, FHIR_ID],
                [ROLE.storageBlobDataContributor, containerId(String(lake(g).id), "raw")],
                [ROLE.acrPull, ACR_ID],
            ]);
            for (const r of roles(g).filter((x) => x["principalId"] === id.outputs["principalId"])) {
                expect(r["principalType"]).to.equal("ServicePrincipal");
                expect(r["roleDefinitionId"]).to.equal(roleDefinitionId(MOCK_SUBSCRIPTION_ID, String(guidOf(r))));
            }
        });

        it("schedules the export job daily at 02:00 UTC, one replica, no retry, pulling from the private registry by identity", () => {
            const id = identity(g, "analytics-export-id");
            const job = inputs(g, "azure-native:app:Job");
            expect(job).to.deep.include({
                jobName: "caj-ahds-dev-weu-exp", environmentId: g.one("azure-native:app:ManagedEnvironment").id, workloadProfileName: "Consumption",
                identity: { type: "UserAssigned", userAssignedIdentities: [id.id] },
                configuration: {
                    triggerType: "Schedule",
                    scheduleTriggerConfig: { cronExpression: "0 2 * * *", parallelism: 1, replicaCompletionCount: 1 },
                    replicaTimeout: 14400,
                    replicaRetryLimit: 0,
                    registries: [{ server: ACR, identity: id.id }],
                },
            });
        });

        it("runs the repository's export script with bash in the mirrored image, configured only by environment values (no secrets)", () => {
            const id = identity(g, "analytics-export-id");
            const [container, ...more] = (inputs(g, "azure-native:app:Job")["template"] as Obj)["containers"] as Obj[];
            expect(more).to.have.length(0);
            const c = container as Obj;
            expect(c).to.deep.include({ name: "fhir-export", image: "crahdsdevabc12.azurecr.io/mirror/azure-cli:2.67.0", command: ["/bin/bash", "-c"], resources: { cpu: 0.25, memory: "0.5Gi" } });
            expect(c["args"]).to.deep.equal([fs.readFileSync(path.join(__dirname, "..", "components", "assets", "analytics", "fhir-export.sh"), "utf8")]);
            expect(envOf(c)).to.deep.equal({
                AZURE_CLIENT_ID: id.outputs["clientId"],
                FHIR_URL,
                FHIR_AUDIENCE: FHIR_URL,
                EXPORT_PATH: "$export",
                EXPORT_TYPES: "",
                EXPORT_CONTAINER: "raw",
                STATE_URL: "https://stahdsdevlakeabc12.blob.core.windows.net/raw/_ahds/last-export.json",
                POLL_SECONDS: "30",
                MAX_WAIT_SECONDS: "14340",
            });
            expect((c["env"] as Obj[]).every((e) => e["secretRef"] === undefined)).to.equal(true);
            expect((inputs(g, "azure-native:app:Job")["configuration"] as Obj)["secrets"]).to.equal(undefined);
        });

        it("starts the job only after its grants and the image mirror exist", () => {
            const job = g.one("azure-native:app:Job");
            const deps = new Set(job.dependencies);
            const id = identity(g, "analytics-export-id");
            const grants = g.byType("azure-native:authorization:RoleAssignment").filter((r) => g.plainInputs(r)["principalId"] === id.outputs["principalId"]);
            expect(grants).to.have.length(3);
            for (const r of grants) expect(deps.has(r.urn), r.name).to.equal(true);
            expect(deps.has(g.one("azure-native:containerregistry:CacheRule").urn)).to.equal(true);
        });

        it("creates no Synapse, sync agent, lock or upload, and protects nothing", () => {
            for (const t of ["synapse:Workspace", "synapse:PrivateLinkHub", "app:ContainerApp", "authorization:ManagementLockByScope", "compute:VirtualMachineRunCommandByVirtualMachine"]) {
                expect(g.byType(`azure-native:${t}`), t).to.have.length(0);
            }
            expect(lake(g).protect).to.equal(false);
        });

        it("outputs the lake, its Data Lake endpoint, the layers and the job", () => {
            expect(out).to.deep.equal({
                lakeAccountName: "stahdsdevlakeabc12", lakeAccountId: lake(g).id, lakeDfsEndpoint: "https://stahdsdevlakeabc12.dfs.core.windows.net",
                containerNames: ["raw", "parquet", "synapse", "anonymization"], exportJobName: "caj-ahds-dev-weu-exp", agentAppName: "",
                environmentId: g.one("azure-native:app:ManagedEnvironment").id, synapseWorkspaceName: "", synapseServerlessEndpoint: "",
            });
        });
    });

    describe("waf-aligned (prod: zone-redundant, protected, Synapse, configs uploaded in-network)", () => {
        let g: Graph;
        let out: Outputs;
        const SYNAPSE_ID = `${SUB}/resourceGroups/rg-data/providers/Microsoft.Synapse/workspaces/synw-ahds-prod-abc12`;
        before(async () => {
            const r = await run(WAF);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("makes the lake and the environment zone-redundant and keeps deleted data 365 days", () => {
            expect(g.plainInputs(lake(g))["sku"]).to.deep.equal({ name: "Standard_ZRS" });
            expect(inputs(g, "azure-native:app:ManagedEnvironment")["zoneRedundant"]).to.equal(true);
            expect(inputs(g, "azure-native:storage:BlobServiceProperties")["deleteRetentionPolicy"]).to.deep.equal({ enabled: true, days: 365 });
        });

        it("protects, retains and locks the lake and the Synapse workspace", () => {
            for (const r of [lake(g), g.one("azure-native:synapse:Workspace")]) expect([r.protect, r.retainOnDelete], r.name).to.deep.equal([true, true]);
            const locks = g.byType("azure-native:authorization:ManagementLockByScope").map((l) => [g.plainInputs(l)["scope"], g.plainInputs(l)["level"]]);
            expect(locks).to.have.deep.members([[lake(g).id, "CanNotDelete"], [g.one("azure-native:synapse:Workspace").id, "CanNotDelete"]]);
        });

        it("admits the Synapse workspace beside the FHIR instances, by its ID with `resourcegroups` in lower case", () => {
            // Serverless SQL matches the resource-instance rule only with the segment in lower case
            // (learn.microsoft.com/azure/synapse-analytics/sql/develop-storage-files-storage-access-control, "Firewall
            // protected storage": "It's important to write resourcegroups in lower case"); ARM's ID has `resourceGroups`.
            const ruleId = `${SUB}/resourcegroups/rg-data/providers/Microsoft.Synapse/workspaces/synw-ahds-prod-abc12`;
            expect((g.plainInputs(lake(g))["networkRuleSet"] as Obj)["resourceAccessRules"]).to.deep.equal([
                { resourceId: WS_ID, tenantId: MOCK_TENANT_ID }, { resourceId: FHIR_ID, tenantId: MOCK_TENANT_ID }, { resourceId: ruleId, tenantId: MOCK_TENANT_ID },
            ]);
            expect(g.one("azure-native:synapse:Workspace").id).to.equal(SYNAPSE_ID);
        });

        it("creates Synapse with a managed VNet, exfiltration protection, Entra-only auth, no public access and the lake as default storage", () => {
            const ws = inputs(g, "azure-native:synapse:Workspace");
            expect(ws).to.deep.include({
                workspaceName: "synw-ahds-prod-abc12", identity: { type: "SystemAssigned" }, managedVirtualNetwork: "default",
                managedVirtualNetworkSettings: { preventDataExfiltration: true, allowedAadTenantIdsForLinking: [], linkedAccessCheckOnTargetResource: true },
                publicNetworkAccess: "Disabled", azureADOnlyAuthentication: true, cspWorkspaceAdminProperties: { initialWorkspaceAdminObjectId: ADMINS },
                defaultDataLakeStorage: { accountUrl: "https://stahdsprodlakeabc12.dfs.core.windows.net", filesystem: "synapse", resourceId: lake(g).id, createManagedPrivateEndpoint: true },
                trustedServiceBypassEnabled: false,
            });
            expect(ws["sqlAdministratorLoginPassword"]).to.equal(undefined);
        });

        it("puts Sql, SqlOnDemand and Dev endpoints and the private link hub's web endpoint in their zones", () => {
            const ws = g.one("azure-native:synapse:Workspace");
            expect(endpointGroups(g, String(ws.id))).to.have.deep.members([[["Sql"], PE_SUBNET], [["SqlOnDemand"], PE_SUBNET], [["Dev"], PE_SUBNET]]);
            expect(zonesOf(g, "pep-synw-ahds-prod-abc12-Sql")).to.deep.equal([ZONE("privatelink.sql.azuresynapse.net")]);
            expect(zonesOf(g, "pep-synw-ahds-prod-abc12-SqlOnDemand")).to.deep.equal([ZONE("privatelink.sql.azuresynapse.net")]);
            expect(zonesOf(g, "pep-synw-ahds-prod-abc12-Dev")).to.deep.equal([ZONE("privatelink.dev.azuresynapse.net")]);
            const hub = g.one("azure-native:synapse:PrivateLinkHub");
            expect(g.plainInputs(hub)["privateLinkHubName"]).to.equal("synplhahdsprodweu");
            expect(endpointGroups(g, String(hub.id))).to.deep.equal([[["web"], PE_SUBNET]]);
            expect(zonesOf(g, "pep-synplhahdsprodweu-web")).to.deep.equal([ZONE("privatelink.azuresynapse.net")]);
        });

        it("gives the workspace identity Contributor on its file system and Reader on the raw and parquet layers", () => {
            const principal = (g.one("azure-native:synapse:Workspace").outputs["identity"] as Obj)["principalId"];
            const id = String(lake(g).id);
            expect(grantsTo(g, principal)).to.have.deep.members([
                [ROLE.storageBlobDataContributor, containerId(id, "synapse")],
                [ROLE.storageBlobDataReader, containerId(id, "raw")],
                [ROLE.storageBlobDataReader, containerId(id, "parquet")],
            ]);
        });

        it("sends Synapse's logs to the workspace", () => {
            const ws = g.one("azure-native:synapse:Workspace");
            const diag = g.byType("azure-native:monitor:DiagnosticSetting").map((d) => g.plainInputs(d)).filter((d) => d["resourceUri"] === ws.id);
            expect(diag.map((d) => [d["workspaceId"], d["logs"]])).to.deep.equal([[LAW, [{ categoryGroup: "allLogs", enabled: true }]]]);
        });

        it("uploads the de-identification configs from the jumpbox into the anonymization container, which only its identity may write", () => {
            const id = String(lake(g).id);
            expect(grantsTo(g, JUMPBOX_PRINCIPAL)).to.deep.equal([[ROLE.storageBlobDataContributor, containerId(id, "anonymization")]]);
            const cmd = inputs(g, "azure-native:compute:VirtualMachineRunCommandByVirtualMachine");
            // The Run Command outlives the script's 1500 s deadline by 300 s: Azure receives 1800 (it was 900, less than the RBAC wait).
            expect(cmd).to.deep.include({ vmName: "vm-ahds-prod-weu-jump", resourceGroupName: "rg-hub", runCommandName: "upload-lake-anonymization-configs", asyncExecution: false, treatFailureAsDeploymentFailure: true, timeoutInSeconds: 1800 });
            const script = String((cmd["source"] as Obj)["script"]);
            expect(script).to.include("base='https://stahdsprodlakeabc12.blob.core.windows.net/anonymization'");
            expect(script).to.include("safe-harbor.json");
        });

        it("outputs the Synapse workspace and its serverless endpoint", () => {
            expect(out).to.deep.include({ synapseWorkspaceName: "synw-ahds-prod-abc12", synapseServerlessEndpoint: "synw-ahds-prod-abc12-ondemand.sql.azuresynapse.net" });
        });
    });

    describe("max (mode agent, every arg)", () => {
        let g: Graph;
        let out: Outputs;
        before(async () => {
            const r = await run({
                ...WAF,
                mode: "agent",
                fhir: { ...BASE.fhir, audience: "https://fhir.example.org", serviceName: "fhirr4" },
                lake: { accountName: "stcustomlake01", softDeleteRetentionDays: 90 },
                agent: { schedule: "0 */30 * * * *", startTime: "2020-01-01 00:00:00 +00:00", maxReplicas: 5, image: `${ACR}/mirror/healthdatatodatalaketool:v0.6.2.1` },
                synapse: { enabled: true, adminGroupObjectId: ADMINS, allowedTenantIdsForLinking: [MOCK_TENANT_ID], writeParquet: true },
                diagnosticSettings: { law: { workspaceResourceId: LAW, logCategoryGroups: ["audit"] } },
                roleAssignments: { readers: { roleDefinitionIdOrName: "Storage Blob Data Reader", principalId: READERS, principalType: "Group" } },
            });
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("runs the sync agent as a Container App without ingress, its imported image pulled by a user-assigned identity", () => {
            const id = identity(g, "analytics-agent-id");
            expect(g.plainInputs(id)["resourceName"]).to.equal("id-ahds-prod-weu-sync");
            const app = inputs(g, "azure-native:app:ContainerApp");
            expect(app).to.deep.include({
                containerAppName: "ca-ahds-prod-weu-sync", workloadProfileName: "Consumption", identity: { type: "UserAssigned", userAssignedIdentities: [id.id] },
                configuration: { activeRevisionsMode: "Single", registries: [{ server: ACR, identity: id.id }] },
            });
            // No cache rule: artifact cache does not mirror another Azure Container Registry without an identity holding
            // pull rights there (learn.microsoft.com/azure/container-registry/artifact-cache-acr-to-acr-cli); the image
            // was imported beforehand and is named as given.
            expect(g.byType("azure-native:containerregistry:CacheRule")).to.have.length(0);
            const [container] = (app["template"] as Obj)["containers"] as Obj[];
            expect(container?.["image"]).to.equal("crahdsdevabc12.azurecr.io/mirror/healthdatatodatalaketool:v0.6.2.1");
            expect(g.byType("azure-native:app:Job")).to.have.length(0);
        });

        it("configures the agent as the upstream template does, with managed identity instead of keys (architecture-reference §11.1)", () => {
            const id = identity(g, "analytics-agent-id");
            const [c] = ((inputs(g, "azure-native:app:ContainerApp")["template"] as Obj)["containers"] as Obj[]);
            expect((c as Obj)["image"]).to.equal("crahdsdevabc12.azurecr.io/mirror/healthdatatodatalaketool:v0.6.2.1");
            expect(envOf(c as Obj)).to.deep.equal({
                AZURE_CLIENT_ID: id.outputs["clientId"],
                configVersion: "1",
                job__jobInfoQueueName: "ahdsjobinfoqueue",
                job__jobInfoTableName: "ahdsjobinfotable",
                job__metadataTableName: "ahdsmetadatatable",
                job__maxRunningJobCount: "3",
                job__containerName: "parquet",
                job__startTime: "2020-01-01 00:00:00 +00:00",
                job__endTime: "",
                job__tableUrl: "https://stcustomlake01.table.core.windows.net",
                job__queueUrl: "https://stcustomlake01.queue.core.windows.net",
                job__schedulerCronExpression: "0 */30 * * * *",
                dataLakeStore__storageUrl: "https://stcustomlake01.blob.core.windows.net",
                filter__filterScope: "System",
                filter__enableExternalFilter: "false",
                schema__enableCustomizedSchema: "false",
                fhirServer__serverUrl: FHIR_URL,
                fhirServer__version: "R4",
                fhirServer__authentication: "ManagedIdentity",
            });
            expect((inputs(g, "azure-native:app:ContainerApp")["template"] as Obj)["scale"]).to.deep.equal({ minReplicas: 1, maxReplicas: 5 });
        });

        it("grants the agent FHIR Data Reader and Blob, Queue and Table Data Contributor on the lake, and AcrPull", () => {
            const id = identity(g, "analytics-agent-id");
            expect(grantsTo(g, id.outputs["principalId"])).to.have.deep.members([
                [ROLE.fhirDataReader, FHIR_ID],
                [ROLE.storageBlobDataContributor, lake(g).id],
                [ROLE.storageQueueDataContributor, lake(g).id],
                [ROLE.storageTableDataContributor, lake(g).id],
                [ROLE.acrPull, ACR_ID],
            ]);
        });

        it("adds queue and table endpoints for the agent's job state", () => {
            expect(endpointGroups(g, String(lake(g).id)).map(([groups]) => (groups as string[])[0])).to.have.members(["blob", "dfs", "queue", "table"]);
        });

        it("uses the custom lake name, service name, retention, diagnostics, role assignments and Synapse options", () => {
            expect(g.plainInputs(lake(g))["accountName"]).to.equal("stcustomlake01");
            expect((g.plainInputs(lake(g))["networkRuleSet"] as Obj)["resourceAccessRules"]).to.deep.include({ resourceId: `${WS_ID}/fhirservices/fhirr4`, tenantId: MOCK_TENANT_ID });
            expect(inputs(g, "azure-native:storage:BlobServiceProperties")["deleteRetentionPolicy"]).to.deep.equal({ enabled: true, days: 90 });
            expect(grantsTo(g, READERS)).to.deep.equal([[ROLE.storageBlobDataReader, lake(g).id]]);
            const synapseDiag = g.byType("azure-native:monitor:DiagnosticSetting").map((d) => g.plainInputs(d)).filter((d) => d["resourceUri"] === g.one("azure-native:synapse:Workspace").id);
            expect(synapseDiag.map((d) => d["logs"])).to.deep.equal([[{ categoryGroup: "audit", enabled: true }]]);
            const ws = inputs(g, "azure-native:synapse:Workspace");
            expect((ws["managedVirtualNetworkSettings"] as Obj)["allowedAadTenantIdsForLinking"]).to.deep.equal([MOCK_TENANT_ID]);
            const principal = (g.one("azure-native:synapse:Workspace").outputs["identity"] as Obj)["principalId"];
            expect(grantsTo(g, principal)).to.deep.include([ROLE.storageBlobDataContributor, containerId(String(lake(g).id), "parquet")]);
        });

        it("outputs the agent instead of a job", () => {
            expect(out).to.deep.include({ exportJobName: "", agentAppName: "ca-ahds-prod-weu-sync", lakeAccountName: "stcustomlake01" });
        });
    });

    describe("export scopes", () => {
        it("exports a FHIR Group's members, of the listed types, on a custom schedule", async () => {
            const r = await run({ ...BASE, exportJob: { schedule: "30 1 * * 1-5", scope: "group", groupId: "cohort-1", resourceTypes: ["Patient", "Observation"], timeoutSeconds: 3600, pollSeconds: 60 } });
            expect(r.error).to.equal(undefined);
            const job = r.graph.plainInputs(r.graph.one("azure-native:app:Job"));
            expect(((job["configuration"] as Obj)["scheduleTriggerConfig"] as Obj)["cronExpression"]).to.equal("30 1 * * 1-5");
            expect((job["configuration"] as Obj)["replicaTimeout"]).to.equal(3600);
            const [c] = (job["template"] as Obj)["containers"] as Obj[];
            expect(envOf(c as Obj)).to.deep.include({ EXPORT_PATH: "Group/cohort-1/$export", EXPORT_TYPES: "Patient,Observation", POLL_SECONDS: "60", MAX_WAIT_SECONDS: "3540" });
        });

        it("exports the Patient compartment with scope patient", async () => {
            const r = await run({ ...BASE, exportJob: { scope: "patient" } });
            const [c] = (r.graph.plainInputs(r.graph.one("azure-native:app:Job"))["template"] as Obj)["containers"] as Obj[];
            expect(envOf(c as Obj)["EXPORT_PATH"]).to.equal("Patient/$export");
        });
    });

    describe("validation (nothing is registered for invalid args)", () => {
        const cases: Array<[string, AnalyticsSyncArgs, string]> = [
            ["an unknown mode", { ...BASE, mode: "stream" }, 'mode "stream" must be one of export, agent'],
            ["a missing dfs zone", { ...BASE, network: { ...BASE.network, privateDnsZoneResourceIds: { "privatelink.blob.core.windows.net": ZONE("privatelink.blob.core.windows.net") } } }, "network.privateDnsZoneResourceIds must include privatelink.dfs.core.windows.net (the lake's Data Lake endpoint)"],
            ["a six-field job schedule", { ...BASE, exportJob: { schedule: "0 0 2 * * *" } }, 'exportJob.schedule "0 0 2 * * *" must be a cron expression with five fields'],
            ["an hour out of range", { ...BASE, exportJob: { schedule: "0 24 * * *" } }, 'exportJob.schedule "0 24 * * *" has an invalid hour field "24" (0-23'],
            ["an hour range running downwards", { ...BASE, exportJob: { schedule: "0 5-1 * * *" } }, 'exportJob.schedule "0 5-1 * * *" has an invalid hour field "5-1"'],
            ["a weekday by name out of place (in the hour field)", { ...BASE, exportJob: { schedule: "0 MON * * *" } }, 'has an invalid hour field "MON"'],
            ["a group scope without a group", { ...BASE, exportJob: { scope: "group" } }, "exportJob.groupId must be a FHIR Group id"],
            ["a group id without group scope", { ...BASE, exportJob: { groupId: "g1" } }, "exportJob.groupId applies only to scope group"],
            ["a lowercase resource type", { ...BASE, exportJob: { resourceTypes: ["patient"] } }, 'exportJob.resourceTypes: "patient" is not a FHIR resource type name'],
            ["a timeout over a day", { ...BASE, exportJob: { timeoutSeconds: 90000 } }, "exportJob.timeoutSeconds must be an integer 300-86400"],
            ["agent settings in mode export", { ...BASE, agent: { maxReplicas: 2 } }, "agent applies only to mode agent"],
            ["mode agent without its imported image", { ...BASE, mode: "agent" }, "agent.image is required in mode agent: import healthplatformregistry.azurecr.io/healthdatatodatalaketool:v0.6.2.1 into the private registry first"],
            ["an agent image that is not a registry reference", { ...BASE, mode: "agent", agent: { image: "healthdatatodatalaketool:latest" } }, 'agent.image "healthdatatodatalaketool:latest" must be <registry>.azurecr.io/<repository>:<tag>'],
            ["an agent image in another registry", { ...BASE, mode: "agent", agent: { image: "crother12345.azurecr.io/agent:1" } }, 'agent.image "crother12345.azurecr.io/agent:1" must be in containerRegistry crahdsdevabc12.azurecr.io'],
            ["Synapse without an admin group", { ...BASE, synapse: { enabled: true } }, "synapse.adminGroupObjectId must be an Entra ID group object ID (GUID) when synapse.enabled"],
            ["Synapse without its zones", { ...BASE, network: { ...BASE.network, privateDnsZoneResourceIds: Object.fromEntries(ZONES.slice(0, 4).map((z) => [z, ZONE(z)])) }, synapse: { enabled: true, adminGroupObjectId: ADMINS } }, "network.privateDnsZoneResourceIds must include privatelink.sql.azuresynapse.net"],
            ["a bad lake name", { ...BASE, lake: { accountName: "Lake-1" } }, 'lake.accountName "Lake-1" must be 3-24 lowercase letters and digits'],
            ["a config that is not JSON", { ...BASE, deidentification: { configs: { "x.json": "{" } } }, 'deidentification.configs["x.json"] is not valid JSON'],
            ["empty diagnostics", { ...BASE, diagnosticSettings: {} }, "diagnosticSettings must not be empty"],
        ];
        it("takes the agent's image by tag or digest, in any cloud's registry, with OCI repository names", async () => {
            // OCI distribution spec path components: [a-z0-9]+ joined by ".", "_", "__" or runs of "-".
            for (const image of [`${ACR}/mirror/healthdatatodatalaketool:v0.6.2.1`, `${ACR}/mirror/fhir__sync--agent@sha256:${"0f".repeat(32)}`]) {
                const r = await run({ ...BASE, mode: "agent", agent: { image } });
                expect(r.error, image).to.equal(undefined);
            }
            const china = await run({ ...BASE, mode: "agent", containerRegistry: { resourceId: ACR_ID, loginServer: "crahdsdevabc12.azurecr.cn" }, agent: { image: "crahdsdevabc12.azurecr.cn/agent:1" } });
            expect(china.error).to.equal(undefined);
            const upper = await run({ ...BASE, mode: "agent", agent: { image: `${ACR}/Agent:1` } });
            expect(String(upper.error)).to.include(`agent.image "${ACR}/Agent:1" must be <registry>.azurecr.io/<repository>:<tag> (or @sha256:<digest>)`);
        });
        for (const [what, args, message] of cases) {
            it(`rejects ${what}`, async () => {
                const r = await run(args);
                expect(String(r.error)).to.include(message);
                expect(r.graph.custom).to.have.length(0);
            });
        }
    });
});
