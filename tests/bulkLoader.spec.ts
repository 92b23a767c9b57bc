import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runBash, virtualSleep } from "./harness/bash";
import { expect } from "chai";
import { BulkLoader, BulkLoaderArgs, packageSourceFqdns } from "../components/bulkLoader";
import { packageUploadScript } from "../components/shared/blobUpload";
import { DOCUMENTED_ROLE_GUIDS as ROLE, roleDefinitionId } from "./fixtures/azureRoles";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, RecordedResource } from "../lib/offline/mocks";
import { runComponent } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const RG = `${SUB}/resourceGroups/rg-data/providers`;
const LAW = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const VNET = `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
const FUNC_SUBNET = `${VNET}/subnets/snet-func-integration`;
const PE_SUBNET = `${VNET}/subnets/snet-private-endpoints`;
const ZONE = (z: string) => `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/${z}`;
/** The privatelink zones the loader's endpoints need (learn.microsoft.com/azure/private-link/private-endpoint-dns: Storage blob/queue/table, App Service sites). */
const ZONES = ["privatelink.blob.core.windows.net", "privatelink.queue.core.windows.net", "privatelink.table.core.windows.net", "privatelink.azurewebsites.net"];
const FHIR_URL = "https://hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com";
const FHIR_ID = `${RG}/Microsoft.HealthcareApis/workspaces/hwahdsdevabc12/fhirservices/fhir`;
const JUMPBOX = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Compute/virtualMachines/vm-ahds-prod-weu-jump`;
const JUMPBOX_PRINCIPAL = "55555555-5555-4555-8555-555555555555";
const APIM_PRINCIPAL = "77777777-7777-4777-8777-777777777777";
const PACKAGE_URL = "https://github.com/example-org/fhir-loader/releases/download/ff87ad5/fhir-loader-ff87ad5.zip";
const PACKAGE_SHA = "3f5a7c9e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a";

const BASE: BulkLoaderArgs = {
    naming: { workload: "ahds", environment: "dev", location: "westeurope", uniqueSuffix: "abc12" },
    resourceGroupName: "rg-data",
    tags: { environment: "dev" },
    logAnalyticsWorkspaceResourceId: LAW,
    network: { functionSubnetResourceId: FUNC_SUBNET, privateEndpointSubnetResourceId: PE_SUBNET, privateDnsZoneResourceIds: Object.fromEntries(ZONES.map((z) => [z, ZONE(z)])) },
    fhirUrl: FHIR_URL,
    fhirServiceResourceId: FHIR_ID,
};
/** What a production stack passes (index.ts with Pulumi.prod.yaml): zone-redundant, protected, locked, package uploaded by the jumpbox, APIM as uploader. */
const WAF: BulkLoaderArgs = {
    ...BASE,
    naming: { ...BASE.naming, environment: "prod" },
    codePackage: { sourceUrl: PACKAGE_URL, sha256: PACKAGE_SHA, uploader: { virtualMachineResourceId: JUMPBOX, principalId: JUMPBOX_PRINCIPAL } },
    uploadPrincipals: { apim: APIM_PRINCIPAL },
    storage: { softDeleteRetentionDays: 365 },
    lock: { kind: "CanNotDelete" },
    zoneRedundant: true,
    protectStatefulResources: true,
    retainStatefulResourcesOnDelete: true,
};

interface Outputs { [k: string]: unknown }
function run(args: BulkLoaderArgs, preview = false) {
    return runComponent(() => {
        const c = new BulkLoader("bulk", args);
        return {
            functionAppName: c.functionAppName, functionAppId: c.functionAppId, principalId: c.principalId, storageAccountName: c.storageAccountName,
            storageAccountId: c.storageAccountId, blobEndpoint: c.blobEndpoint, uploadContainerNames: c.uploadContainerNames, packageBlobUrl: c.packageBlobUrl,
        };
    }, { preview });
}

type Obj = Record<string, Json>;
const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(type, name));
const app = (g: Graph) => inputs(g, "azure-native:web:WebApp");
const settingsOf = (g: Graph) => Object.fromEntries(((app(g)["siteConfig"] as Obj)["appSettings"] as Obj[]).map((s) => [String(s["name"]), s["value"]]));
const account = (g: Graph) => g.one("azure-native:storage:StorageAccount");
const roles = (g: Graph) => g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r));
const principalOf = (g: Graph, type: string) => (g.one(`azure-native:${type}`).outputs["identity"] as Record<string, unknown>)["principalId"];
const endpointsTo = (g: Graph, targetId: string) => g.byType("azure-native:network:PrivateEndpoint").filter((r) =>
    (g.plainInputs(r)["privateLinkServiceConnections"] as Obj[]).some((c) => c["privateLinkServiceId"] === targetId));
const zoneGroupOf = (g: Graph, endpoint: RecordedResource) => g.byType("azure-native:network:PrivateDnsZoneGroup").find((z) => g.allDependencies(z).has(endpoint.urn));
const diagOn = (g: Graph, uri: string) => g.byType("azure-native:monitor:DiagnosticSetting").map((r) => g.plainInputs(r)).filter((d) => d["resourceUri"] === uri);
const guidOf = (r: Obj) => String(r["roleDefinitionId"]).split("/").pop();

/**
 * What each app setting must be, as the FHIR Loader reads it (microsoft/fhir-loader @ ff87ad5, FHIRBulkImport/*.cs and
 * scripts/fhirBulkImport.bicep) and as Azure Functions documents it, for an account `st` and a package blob `pkg`.
 */
function expectedSettings(st: string, pkg: string): Record<string, Json> {
    return {
        // learn.microsoft.com/azure/azure-functions/functions-app-settings; in-process .NET 8 on Windows
        // (dotnet-isolated-in-process-differences: FUNCTIONS_INPROC_NET8_ENABLED=1 with netFrameworkVersion v8.0).
        FUNCTIONS_EXTENSION_VERSION: "~4",
        FUNCTIONS_WORKER_RUNTIME: "dotnet",
        FUNCTIONS_INPROC_NET8_ENABLED: "1",
        // functions-reference, "Connecting to host storage with an identity"; durable-functions-configure-managed-identity.
        AzureWebJobsStorage__accountName: st,
        // azure-ad-authentication: Authorization=AAD for the system-assigned identity.
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
        // app-service/deploy-run-package: the blob URL, and SystemAssigned for the app's own identity.
        WEBSITE_RUN_FROM_PACKAGE: `https://${st}.blob.core.windows.net/function-packages/${pkg}`,
        WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: "SystemAssigned",
        AzureFunctionsJobHost__functionTimeout: "23:00:00",
        "FS-URL": FHIR_URL,
        "FS-RESOURCE": FHIR_URL,
        "FS-ISMSI": "true",
        // No trailing slash: the loader appends "/<container>" and "/bundlequeue-poison" (StorageUtils.cs, ImportBundleQueue.cs).
        "FBI-STORAGEACCT": `https://${st}.blob.core.windows.net`,
        "FBI-STORAGEACCT-QUEUEURI": `https://${st}.queue.core.windows.net`,
        // The triggers' Connection = "FBI-STORAGEACCT-IDENTITY" (blob) and "FBI-STORAGEACCT-QUEUEURI-IDENTITY" (queue).
        "FBI-STORAGEACCT-IDENTITY__blobServiceUri": `https://${st}.blob.core.windows.net`,
        "FBI-STORAGEACCT-IDENTITY__queueServiceUri": `https://${st}.queue.core.windows.net`,
        "FBI-STORAGEACCT-QUEUEURI-IDENTITY__queueServiceUri": `https://${st}.queue.core.windows.net`,
        "FBI-CONTAINER-BUNDLES": "bundles",
        "FBI-CONTAINER-NDJSON": "ndjson",
        "FBI-TRANSFORMBUNDLES": "true",
        "FBI-MAXBUNDLESIZE": "500",
        "FBI-MAXRESOURCESPERBUNDLE": "500",
        "FBI-MAXFILESIZEMB": "-1",
        "FBI-POLLY-MAXRETRIES": "3",
        "FBI-POLLY-RETRYMS": "500",
        "FBI-POLLY-EXPONENTIAL": "false",
        "FBI-POOLEDCON-MAXCONNECTIONS": "20",
        "FBI-MAXREQUEUE-MESSAGE-COUNT": "100",
        "FBI-POISONQUEUE-TIMER-CRON": "0 */2 * * * *",
    };
}

/**
 * The loader's functions the architecture does not use, by their [FunctionName] in FHIRBulkImport at ff87ad5:
 * ImportBundleHTTP.cs, ImportBundleBlobTrigger.cs, ImportBundleEventGrid.cs, ImportNDJSONEventGird.cs,
 * ExportOrchestrator.cs, ExportAllOrchestrator.cs. Disabled with AzureWebJobs.<name>.Disabled (azure-functions/disable-function).
 */
const DISABLED = ["ImportBundleHTTP", "ImportBundleBlobTrigger", "ImportBundleEventGrid", "ImportNDJSON",
    "ExportOrchestrator_HttpStart", "ExportOrchestrator_InstanceAction", "ExportOrchestrator_ExportStatus", "ExportBlobTrigger", "ExportHistoryCleanUp",
    "ExportOrchestrator", "ExportOrchestrator_ProcessPatientQueryPage", "ExportOrchestrator_GatherResources", "QueryFHIR", "AppendBlob", "CountFileLines",
    "FileNames", "FileTracker", "ExportAllOrchestrator_HttpStart", "ExportAll_RunOrchestrator", "ExportAllOrchestrator_GetCountsForListOfDateRanges",
    "ExportAllOrchestrator_GetAndWriteDataPage"];

/** Credentials that must never appear in a setting: account keys, SAS connection strings and tokens, full storage connection strings. */
const KEY_PATTERNS = [/AccountKey=/i, /SharedAccessSignature=/i, /sig=/i, /DefaultEndpointsProtocol/i];

function assertNoKeys(g: Graph): void {
    for (const [name, value] of Object.entries(settingsOf(g))) {
        for (const re of KEY_PATTERNS) expect(String(value), `${name} matches ${re}`).to.not.match(re);
    }
    // A Dedicated plan has no content share (functions-infrastructure-as-code, "Deploy on App Service plan"), and host
    // storage is identity-based: neither connection-string setting exists.
    for (const name of ["AzureWebJobsStorage", "AzureWebJobsDashboard", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "FS-SECRET", "FS-CLIENT-ID"]) {
        expect(settingsOf(g), name).to.not.have.property(name);
    }
    expect((app(g)["siteConfig"] as Obj)["connectionStrings"]).to.equal(undefined);
}

/** Every container the loader reads or writes (FHIRBulkImport: triggers, FBI-CONTAINER-* defaults, MoveTo/WriteStringToBlob targets) plus the dead-letter and package containers. */
const CONTAINERS = ["bundles", "ndjson", "zip", "export", "export-trigger", "bundlesprocessed", "bundleserr", "ndjsonprocessed", "ndjsonerr", "zipprocessed",
    "export-trigger-processed", "eventgrid-deadletter", "function-packages"];

describe("BulkLoader component", () => {
    describe("defaults", () => {
        let g: Graph;
        let out: Outputs;
        before(async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("hosts the loader on a Windows Dedicated P1v3 plan with one instance", () => {
            // Windows: reserved false (a Linux plan is reserved: true, functions-infrastructure-as-code).
            expect(inputs(g, "azure-native:web:AppServicePlan")).to.deep.include({
                name: "asp-ahds-dev-weu-blk", kind: "app", reserved: false, sku: { name: "P1v3", tier: "PremiumV3", capacity: 1 }, zoneRedundant: false, perSiteScaling: false,
            });
        });

        it("runs a Windows function app with a system identity, HTTPS only, TLS 1.2 on site and SCM, FTP off, Always On and .NET 8", () => {
            const a = app(g);
            expect(a).to.deep.include({
                name: "func-ahds-dev-blk-abc12", kind: "functionapp", reserved: false, identity: { type: "SystemAssigned" }, httpsOnly: true, clientAffinityEnabled: false,
                serverFarmId: `${RG}/Microsoft.Web/serverfarms/asp-ahds-dev-weu-blk`,
            });
            // Always On: on a Dedicated plan non-HTTP triggers stop without it (functions-infrastructure-as-code).
            expect(a["siteConfig"]).to.deep.include({ alwaysOn: true, minTlsVersion: "1.2", scmMinTlsVersion: "1.2", ftpsState: "Disabled", netFrameworkVersion: "v8.0", remoteDebuggingEnabled: false });
        });

        it("is private: public network access Disabled, a sites endpoint in the private-endpoint subnet registered in privatelink.azurewebsites.net", () => {
            const site = g.one("azure-native:web:WebApp");
            expect(g.plainInputs(site)["publicNetworkAccess"]).to.equal("Disabled");
            const [pe] = endpointsTo(g, String(site.id));
            const i = g.plainInputs(pe as RecordedResource);
            expect(i["subnet"]).to.deep.include({ id: PE_SUBNET });
            expect(((i["privateLinkServiceConnections"] as Obj[])[0] as Obj)["groupIds"]).to.deep.equal(["sites"]);
            const zones = (g.plainInputs(zoneGroupOf(g, pe as RecordedResource) as RecordedResource)["privateDnsZoneConfigs"] as Obj[]).map((c) => c["privateDnsZoneId"]);
            expect(zones).to.deep.equal([ZONE("privatelink.azurewebsites.net")]);
        });

        it("integrates with the function subnet and routes all outbound traffic through it (configure-vnet-integration-routing)", () => {
            expect(app(g)).to.deep.include({ virtualNetworkSubnetId: FUNC_SUBNET, outboundVnetRouting: { allTraffic: true } });
        });

        it("turns basic-auth publishing off for FTP and SCM (configure-basic-auth-disable)", () => {
            const site = String(app(g)["name"]);
            expect(inputs(g, "azure-native:web:WebAppFtpAllowed")).to.deep.equal({ name: site, resourceGroupName: "rg-data", allow: false });
            expect(inputs(g, "azure-native:web:WebAppScmAllowed")).to.deep.equal({ name: site, resourceGroupName: "rg-data", allow: false });
        });

        it("sets exactly the loader's settings, identity-based, with the unused functions disabled", () => {
            const connectionString = g.one("azure-native:applicationinsights:Component").outputs["connectionString"];
            expect(connectionString).to.match(/^InstrumentationKey=[0-9a-f-]{36};IngestionEndpoint=https:\/\//);
            expect(settingsOf(g)).to.deep.equal({
                ...expectedSettings("stahdsdevblkabc12", "fhir-loader.zip"),
                APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString,
                ...Object.fromEntries(DISABLED.map((f) => [`AzureWebJobs.${f}.Disabled`, "true"])),
            });
        });

        it("puts no key, SAS or storage connection string in any setting", () => assertNoKeys(g));

        it("sends telemetry to a workspace-based Application Insights with local authentication off", () => {
            expect(inputs(g, "azure-native:applicationinsights:Component")).to.deep.include({
                resourceName: "appi-ahds-dev-weu-blk", kind: "web", applicationType: "web", workspaceResourceId: LAW, ingestionMode: "LogAnalytics", disableLocalAuth: true,
            });
        });

        it("sends the function app's logs and metrics to the central workspace", () => {
            const d = diagOn(g, String(g.one("azure-native:web:WebApp").id));
            expect(d).to.have.length(1);
            expect(d[0]).to.deep.include({ workspaceId: LAW, logs: [{ categoryGroup: "allLogs", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }] });
        });

        it("keeps its own account without shared keys, default Deny with only the trusted-services bypass (Event Grid cannot use a private endpoint)", () => {
            const i = g.plainInputs(account(g));
            expect(i).to.deep.include({
                accountName: "stahdsdevblkabc12", kind: "StorageV2", sku: { name: "Standard_LRS" }, allowSharedKeyAccess: false, allowBlobPublicAccess: false,
                enableHttpsTrafficOnly: true, minimumTlsVersion: "TLS1_2", allowCrossTenantReplication: false, defaultToOAuthAuthentication: true,
                // event-grid/consume-private-endpoints; handler-storage-queues: behind a storage firewall only the topic's
                // system identity with "Allow trusted Microsoft services" can deliver.
                publicNetworkAccess: "Enabled",
            });
            expect(i["networkRuleSet"]).to.deep.equal({ defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [], resourceAccessRules: [] });
        });

        it("gives the account blob, queue and table private endpoints, each in its privatelink zone", () => {
            const table = endpointsTo(g, String(account(g).id)).map((pe) => {
                const i = g.plainInputs(pe);
                const zones = (g.plainInputs(zoneGroupOf(g, pe) as RecordedResource)["privateDnsZoneConfigs"] as Obj[]).map((c) => c["privateDnsZoneId"]);
                return [((i["privateLinkServiceConnections"] as Obj[])[0] as Obj)["groupIds"], (i["subnet"] as Obj)["id"], zones];
            });
            expect(table).to.have.deep.members([
                [["blob"], PE_SUBNET, [ZONE("privatelink.blob.core.windows.net")]],
                [["queue"], PE_SUBNET, [ZONE("privatelink.queue.core.windows.net")]],
                [["table"], PE_SUBNET, [ZONE("privatelink.table.core.windows.net")]],
            ]);
        });

        it("creates every container the loader uses (private) and the two queues Event Grid fills", () => {
            const containers = g.byType("azure-native:storage:BlobContainer").map((c) => g.plainInputs(c));
            expect(containers.map((c) => c["containerName"])).to.have.members(CONTAINERS);
            for (const c of containers) expect(c["publicAccess"], String(c["containerName"])).to.equal("None");
            expect(g.byType("azure-native:storage:Queue").map((q) => g.plainInputs(q)["queueName"])).to.have.members(["bundlequeue", "ndjsonqueue"]);
        });

        it("keeps blobs recoverable like the other PHI stores: soft delete, container soft delete, versioning, change feed", () => {
            expect(inputs(g, "azure-native:storage:BlobServiceProperties")).to.deep.include({
                deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 }, isVersioningEnabled: true, changeFeed: { enabled: true, retentionInDays: 30 },
            });
        });

        it("logs blob, queue and table access to the central workspace (account: metrics only)", () => {
            const id = String(account(g).id);
            expect(diagOn(g, id)[0]?.["logs"]).to.deep.equal([]);
            for (const svc of ["blobServices", "queueServices", "tableServices"]) {
                expect(diagOn(g, `${id}/${svc}/default`)[0], svc).to.deep.include({ workspaceId: LAW, logs: [{ categoryGroup: "allLogs", enabled: true }], metrics: [{ category: "Transaction", enabled: true }] });
            }
        });

        it("grants exactly these roles, each on one resource (a wider scope, another role or another principal fails)", () => {
            const appId = principalOf(g, "web:WebApp");
            const topicId = principalOf(g, "eventgrid:SystemTopic");
            const st = `${RG}/Microsoft.Storage/storageAccounts/stahdsdevblkabc12`;
            const who = (p: Json | undefined) => (p === appId ? "app" : p === topicId ? "topic" : p);
            expect(roles(g).map((r) => [guidOf(r), r["scope"], who(r["principalId"])])).to.have.deep.members([
                // Host storage, blob triggers and moves (Blob Data Owner), queue triggers (Queue Data Contributor), Durable
                // Functions (Table Data Contributor): durable-functions-configure-managed-identity, functions-reference.
                [ROLE.storageBlobDataOwner, st, "app"],
                [ROLE.storageQueueDataContributor, st, "app"],
                [ROLE.storageTableDataContributor, st, "app"],
                // Storage Account Contributor (built-in-roles: 17d1049b-9a84-46fb-8f53-869881c3d3ab) on the loader's account
                // only: the zip/{name} blob trigger's listener calls Set Blob Service Properties (blobServices/write,
                // rest/api/storageservices/authorize-with-azure-active-directory); functions-reference lists the role for
                // "Azure Blobs (trigger only)", and fhir-loader's scripts/roleAssignment.bicep grants it.
                ["17d1049b-9a84-46fb-8f53-869881c3d3ab", st, "app"],
                [ROLE.fhirDataContributor, FHIR_ID, "app"],
                // azure-ad-authentication: Monitoring Metrics Publisher on the Application Insights resource.
                [ROLE.monitoringMetricsPublisher, `${RG}/Microsoft.Insights/components/appi-ahds-dev-weu-blk`, "app"],
                // event-grid/consume-private-endpoints: Storage Queue Data Message Sender on the queue; dead letters need blob write.
                [ROLE.storageQueueDataMessageSender, `${st}/queueServices/default/queues/bundlequeue`, "topic"],
                [ROLE.storageQueueDataMessageSender, `${st}/queueServices/default/queues/ndjsonqueue`, "topic"],
                [ROLE.storageBlobDataContributor, `${st}/blobServices/default/containers/eventgrid-deadletter`, "topic"],
            ]);
            for (const r of roles(g)) expect(r["roleDefinitionId"]).to.equal(roleDefinitionId(MOCK_SUBSCRIPTION_ID, guidOf(r) ?? ""));
        });

        it("publishes blob-created events through a system topic with a system identity", () => {
            expect(inputs(g, "azure-native:eventgrid:SystemTopic")).to.deep.include({
                systemTopicName: "egst-ahds-dev-weu-blk", location: "westeurope", source: account(g).id, topicType: "Microsoft.Storage.StorageAccounts", identity: { type: "SystemAssigned" },
            });
        });

        it("routes bundles/*.json and ndjson/*.ndjson to the loader's queues with the topic's identity, dead letters to a container, after the grants", () => {
            const st = String(account(g).id);
            const subs = g.byType("azure-native:eventgrid:SystemTopicEventSubscription");
            const expected: Record<string, [string, string, string]> = {
                // Upstream's subscriptions (scripts/fhirBulkImport.bicep) with the subject prefix closed at /blobs/
                // (storage-blob-event-overview, "Filtering events"), so bundlesprocessed and ndjsonerr are not matched.
                bundlecreated: ["bundles", ".json", "bundlequeue"],
                ndjsoncreated: ["ndjson", ".ndjson", "ndjsonqueue"],
            };
            expect(subs.map((s) => g.plainInputs(s)["eventSubscriptionName"])).to.have.members(Object.keys(expected));
            for (const s of subs) {
                const i = g.plainInputs(s);
                const [container, suffix, queue] = expected[String(i["eventSubscriptionName"])] as [string, string, string];
                expect(i).to.deep.include({
                    systemTopicName: "egst-ahds-dev-weu-blk",
                    eventDeliverySchema: "EventGridSchema",
                    deliveryWithResourceIdentity: { identity: { type: "SystemAssigned" }, destination: { endpointType: "StorageQueue", resourceId: st, queueName: queue } },
                    deadLetterWithResourceIdentity: { identity: { type: "SystemAssigned" }, deadLetterDestination: { endpointType: "StorageBlob", resourceId: st, blobContainerName: "eventgrid-deadletter" } },
                    filter: {
                        includedEventTypes: ["Microsoft.Storage.BlobCreated"],
                        subjectBeginsWith: `/blobServices/default/containers/${container}/blobs/`,
                        subjectEndsWith: suffix,
                        isSubjectCaseSensitive: false,
                        advancedFilters: [{ operatorType: "StringIn", key: "data.api", values: ["CopyBlob", "PutBlob", "PutBlockList", "FlushWithClose"] }],
                    },
                    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
                });
                // Delivery waits for the sender grant on its queue and the dead-letter grant.
                const grants = g.byType("azure-native:authorization:RoleAssignment").filter((r) => {
                    const scope = String(g.plainInputs(r)["scope"]);
                    return scope.endsWith(`/queues/${queue}`) || scope.endsWith("/containers/eventgrid-deadletter");
                });
                expect(grants).to.have.length(2);
                for (const gr of grants) expect(s.dependencies, gr.name).to.include(gr.urn);
            }
            // Zips are read by ImportCompressedFiles' blob trigger on zip/{name}, not through Event Grid.
            expect(JSON.stringify(subs.map((s) => g.plainInputs(s)))).to.not.include(".zip");
        });

        it("runs from fhir-loader.zip in the package container and uploads nothing without a source URL (the README's manual upload)", () => {
            expect(g.byType("azure-native:compute:VirtualMachineRunCommandByVirtualMachine")).to.have.length(0);
            expect(out["packageBlobUrl"]).to.equal("https://stahdsdevblkabc12.blob.core.windows.net/function-packages/fhir-loader.zip");
        });

        it("grants no uploader anything without uploadPrincipals, protects and locks nothing", () => {
            expect(roles(g).filter((r) => /\/containers\/(bundles|ndjson|zip)$/.test(String(r["scope"])))).to.have.length(0);
            expect(g.custom.filter((r) => r.protect || r.retainOnDelete)).to.have.length(0);
            expect(g.byType("azure-native:authorization:ManagementLockByScope")).to.have.length(0);
        });

        it("outputs the app, its identity, the account and where uploads go", () => {
            expect(out).to.deep.equal({
                functionAppName: "func-ahds-dev-blk-abc12",
                functionAppId: `${RG}/Microsoft.Web/sites/func-ahds-dev-blk-abc12`,
                principalId: principalOf(g, "web:WebApp"),
                storageAccountName: "stahdsdevblkabc12",
                storageAccountId: `${RG}/Microsoft.Storage/storageAccounts/stahdsdevblkabc12`,
                blobEndpoint: "https://stahdsdevblkabc12.blob.core.windows.net",
                uploadContainerNames: ["bundles", "ndjson", "zip"],
                packageBlobUrl: "https://stahdsdevblkabc12.blob.core.windows.net/function-packages/fhir-loader.zip",
            });
        });

        it("parents every child under the component with names prefixed by it", () => {
            const component = g.one("ahds:index:BulkLoader");
            for (const r of g.custom) {
                expect(r.name.startsWith("bulk-"), r.name).to.equal(true);
                let p = r.parent;
                while (p !== null && p !== component.urn) p = g.byUrn(p)?.parent ?? null;
                expect(p, `${r.name} is not under the component`).to.equal(component.urn);
            }
        });
    });

    describe("defaults at a first preview", () => {
        it("hands siteConfig to the engine with its fields known: only values from resources not yet created are unknown", async () => {
            const r = await run(BASE, true);
            expect(r.error).to.equal(undefined);
            const site = app(r.graph);
            expect(site["siteConfig"]).to.deep.include({ alwaysOn: true, minTlsVersion: "1.2", scmMinTlsVersion: "1.2", ftpsState: "Disabled", netFrameworkVersion: "v8.0", http20Enabled: true, localMySqlEnabled: false });
            expect(settingsOf(r.graph)).to.deep.include({ APPLICATIONINSIGHTS_CONNECTION_STRING: "[unknown]", "FS-ISMSI": "true", WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: "SystemAssigned" });
            expect(site["outboundVnetRouting"]).to.deep.equal({ allTraffic: true });
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

        it("spreads the plan over the zones: zone-redundant P1v3 with three instances (reliability-app-service: at least two)", () => {
            expect(inputs(g, "azure-native:web:AppServicePlan")).to.deep.include({ sku: { name: "P1v3", tier: "PremiumV3", capacity: 3 }, zoneRedundant: true });
            expect(g.plainInputs(account(g))["sku"]).to.deep.equal({ name: "Standard_ZRS" });
        });

        it("protects, retains and locks the storage account", () => {
            expect(account(g)).to.include({ protect: true, retainOnDelete: true });
            const lock = g.plainInputs(g.one("azure-native:authorization:ManagementLockByScope"));
            expect(lock).to.include({ scope: account(g).id, level: "CanNotDelete" });
            expect(inputs(g, "azure-native:storage:BlobServiceProperties")["deleteRetentionPolicy"]).to.deep.equal({ enabled: true, days: 365 });
        });

        it("uploads the pinned package from the jumpbox: download over HTTPS, SHA-256 check, Put Blob with the VM identity, after its grant and the endpoint's DNS", () => {
            const container = g.one("azure-native:storage:BlobContainer", "bulk-st-function-packages");
            const grants = roles(g).filter((r) => r["principalId"] === JUMPBOX_PRINCIPAL);
            expect(grants.map((r) => [guidOf(r), r["scope"]])).to.deep.equal([[ROLE.storageBlobDataContributor, container.id]]);

            const cmd = g.one("azure-native:compute:VirtualMachineRunCommandByVirtualMachine");
            const i = g.plainInputs(cmd);
            // The Run Command outlives the script's 1500 s deadline (download and upload together) by 300 s: Azure receives 1800.
            expect(i).to.deep.include({ vmName: "vm-ahds-prod-weu-jump", resourceGroupName: "rg-hub", runCommandName: "upload-fhir-loader-package", treatFailureAsDeploymentFailure: true, asyncExecution: false, timeoutInSeconds: 1800 });
            const script = String((i["source"] as Obj)["script"]);
            expect(script).to.equal(packageUploadScript("stahdsprodblkabc12", "function-packages",
                { sourceUrl: PACKAGE_URL, sha256: PACKAGE_SHA, name: "fhir-loader-3f5a7c9e1b2d.zip", contentType: "application/zip" }, "BulkLoader"));
            for (const line of [`src='${PACKAGE_URL}'`, `want='${PACKAGE_SHA}'`, "base='https://stahdsprodblkabc12.blob.core.windows.net/function-packages'", "name='fhir-loader-3f5a7c9e1b2d.zip'"]) {
                expect(script).to.include(line);
            }
            const grant = g.byType("azure-native:authorization:RoleAssignment").find((r) => g.plainInputs(r)["principalId"] === JUMPBOX_PRINCIPAL) as RecordedResource;
            const blobPe = endpointsTo(g, String(account(g).id)).find((pe) => JSON.stringify(g.plainInputs(pe)).includes("\"blob\"")) as RecordedResource;
            const deps = g.allDependencies(cmd);
            for (const d of [container, grant, blobPe, zoneGroupOf(g, blobPe) as RecordedResource]) expect(deps.has(d.urn), d.name).to.equal(true);
            // The app is created after its package exists.
            expect(g.one("azure-native:web:WebApp").dependencies).to.include(cmd.urn);
        });

        it("runs from the uploaded blob, named after the package's digest", () => {
            expect(settingsOf(g)).to.deep.include({ WEBSITE_RUN_FROM_PACKAGE: "https://stahdsprodblkabc12.blob.core.windows.net/function-packages/fhir-loader-3f5a7c9e1b2d.zip" });
            expect(out["packageBlobUrl"]).to.equal("https://stahdsprodblkabc12.blob.core.windows.net/function-packages/fhir-loader-3f5a7c9e1b2d.zip");
            assertNoKeys(g);
        });

        it("lets the uploader (APIM) write the bundles, ndjson and zip containers only", () => {
            const st = `${RG}/Microsoft.Storage/storageAccounts/stahdsprodblkabc12/blobServices/default/containers`;
            expect(roles(g).filter((r) => r["principalId"] === APIM_PRINCIPAL).map((r) => [guidOf(r), r["scope"]])).to.have.deep.members([
                [ROLE.storageBlobDataContributor, `${st}/bundles`],
                [ROLE.storageBlobDataContributor, `${st}/ndjson`],
                [ROLE.storageBlobDataContributor, `${st}/zip`],
            ]);
        });
    });

    describe("max (isolated-worker fork, every setting, custom endpoints and names)", () => {
        let g: Graph;
        let out: Outputs;
        const customSubnet = `${VNET}/subnets/snet-other-pe`;
        before(async () => {
            const r = await run({
                ...WAF,
                tags: { environment: "prod", owner: "x" },
                storageAccountName: "stloaderexample01",
                fhirAudience: "https://fhir.example.org",
                plan: { sku: "P2v3", capacity: 4 },
                runtime: { workerRuntime: "dotnet-isolated", extensionVersion: "~4", netFrameworkVersion: "v8.0", inProcessNet8: false },
                codePackage: { ...WAF.codePackage, blobName: "loader-isolated-1.2.3.zip" },
                loader: {
                    transformBundles: false, maxBundleSize: 200, maxResourcesPerBundle: 100, maxFileSizeMb: 512, maxRetries: 5, retryMilliseconds: 1000,
                    exponentialBackoff: true, maxConnections: 40, maxRequeueMessageCount: 50, poisonQueueTimerCron: "0 */5 * * * *", bundleProcessingLogic: "parallel",
                },
                disabledFunctions: ["ImportBundleHTTP", "ImportBundleBlobTrigger"],
                events: { maxDeliveryAttempts: 10, eventTimeToLiveInMinutes: 120 },
                storage: { softDeleteRetentionDays: 90, versioning: true },
                privateEndpoints: { other: { subnetResourceId: customSubnet, service: "sites", privateDnsZoneResourceIds: [ZONE("privatelink.azurewebsites.net")], name: "pep-loader" } },
                diagnosticSettings: { law: { workspaceResourceId: LAW, logCategories: ["FunctionAppLogs"], metricCategories: [] } },
                roleAssignments: { ops: { roleDefinitionIdOrName: "Reader", principalId: "88888888-8888-4888-8888-888888888888", principalType: "Group" } },
            });
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("runs the isolated worker without the in-process flag, on the given plan", () => {
            const s = settingsOf(g);
            expect(s).to.deep.include({ FUNCTIONS_WORKER_RUNTIME: "dotnet-isolated", FUNCTIONS_EXTENSION_VERSION: "~4" });
            expect(s).to.not.have.property("FUNCTIONS_INPROC_NET8_ENABLED");
            expect(inputs(g, "azure-native:web:AppServicePlan")).to.deep.include({ sku: { name: "P2v3", tier: "PremiumV3", capacity: 4 }, zoneRedundant: true });
        });

        it("passes every loader setting, the audience and only the chosen disabled functions", () => {
            const s = settingsOf(g);
            expect(s).to.deep.include({
                "FS-RESOURCE": "https://fhir.example.org", "FS-URL": FHIR_URL,
                "FBI-TRANSFORMBUNDLES": "false", "FBI-MAXBUNDLESIZE": "200", "FBI-MAXRESOURCESPERBUNDLE": "100", "FBI-MAXFILESIZEMB": "512", "FBI-POLLY-MAXRETRIES": "5",
                "FBI-POLLY-RETRYMS": "1000", "FBI-POLLY-EXPONENTIAL": "true", "FBI-POOLEDCON-MAXCONNECTIONS": "40", "FBI-MAXREQUEUE-MESSAGE-COUNT": "50",
                "FBI-POISONQUEUE-TIMER-CRON": "0 */5 * * * *", "FBI-FHIR-BUNDLEPROCESSINGLOGIC": "parallel",
                WEBSITE_RUN_FROM_PACKAGE: "https://stloaderexample01.blob.core.windows.net/function-packages/loader-isolated-1.2.3.zip",
                AzureWebJobsStorage__accountName: "stloaderexample01",
            });
            expect(Object.keys(s).filter((k) => k.startsWith("AzureWebJobs.")).sort()).to.deep.equal(["AzureWebJobs.ImportBundleBlobTrigger.Disabled", "AzureWebJobs.ImportBundleHTTP.Disabled"]);
            assertNoKeys(g);
            expect(out["blobEndpoint"]).to.equal("https://stloaderexample01.blob.core.windows.net");
        });

        it("uses the given endpoints, diagnostics, role assignments, retry policy and tags", () => {
            const site = g.one("azure-native:web:WebApp");
            const [pe] = endpointsTo(g, String(site.id));
            expect(g.plainInputs(pe as RecordedResource)).to.deep.include({ privateEndpointName: "pep-loader" });
            expect(g.plainInputs(pe as RecordedResource)["subnet"]).to.deep.include({ id: customSubnet });
            expect(diagOn(g, String(site.id))[0]).to.deep.include({ logs: [{ category: "FunctionAppLogs", enabled: true }], metrics: [] });
            expect(roles(g).filter((r) => r["scope"] === site.id).map((r) => [guidOf(r), r["principalType"]])).to.deep.equal([["acdd72a7-3385-48ef-bd42-f606fba81ae7", "Group"]]);
            for (const s of g.byType("azure-native:eventgrid:SystemTopicEventSubscription")) expect(g.plainInputs(s)["retryPolicy"]).to.deep.equal({ maxDeliveryAttempts: 10, eventTimeToLiveInMinutes: 120 });
            expect(app(g)["tags"]).to.deep.equal({ environment: "prod", owner: "x" });
            expect(inputs(g, "azure-native:storage:BlobServiceProperties")["deleteRetentionPolicy"]).to.deep.equal({ enabled: true, days: 90 });
        });
    });

    describe("invalid args", () => {
        it("lists every problem and registers nothing", async () => {
            const r = await run({
                ...BASE,
                network: { ...BASE.network, privateDnsZoneResourceIds: {} },
                storageAccountName: "St-Loader",
                plan: { sku: "Y1", capacity: 0 },
                runtime: { workerRuntime: "node", extensionVersion: "4", netFrameworkVersion: "8", inProcessNet8: true },
                codePackage: { sourceUrl: "http://example.org/loader.zip?sig=abc", sha256: "abc", blobName: "loader.tar.gz" },
                loader: { maxBundleSize: 501, maxResourcesPerBundle: 0, maxFileSizeMb: 0, maxRetries: 11, retryMilliseconds: 10, maxConnections: 0, maxRequeueMessageCount: 5000, poisonQueueTimerCron: "*/2 * * * *", bundleProcessingLogic: "random" },
                disabledFunctions: ["ImportBundleHttp"],
                events: { maxDeliveryAttempts: 31, eventTimeToLiveInMinutes: 0 },
                storage: { softDeleteRetentionDays: 0 },
                uploadPrincipals: { "API Management": APIM_PRINCIPAL },
                privateEndpoints: { other: { subnetResourceId: PE_SUBNET, service: "blob" } },
                diagnosticSettings: {},
                roleAssignments: { x: { roleDefinitionIdOrName: "Not A Role", principalId: APIM_PRINCIPAL } },
                lock: { kind: "Forever" },
            });
            expect(r.error).to.be.instanceOf(Error);
            const msg = String((r.error as Error).message);
            for (const needle of [
                "must include privatelink.blob.core.windows.net", "must include privatelink.queue.core.windows.net", "must include privatelink.table.core.windows.net",
                "must include privatelink.azurewebsites.net", 'storageAccountName "St-Loader"', 'plan.sku "Y1" must be one of', "plan.capacity must be an integer 1-30",
                'runtime.workerRuntime "node"', 'runtime.extensionVersion "4"', 'runtime.netFrameworkVersion "8"', "runtime.inProcessNet8 applies only to workerRuntime dotnet",
                "codePackage.sourceUrl \"http://example.org/loader.zip?sig=abc\" must be an https:// URL without query string", 'codePackage.sha256 "abc" must be 64 hex digits',
                "codePackage.sourceUrl needs codePackage.uploader", 'codePackage.blobName "loader.tar.gz" must be a plain file name ending in .zip',
                "loader.maxBundleSize must be an integer 1-500", "loader.maxResourcesPerBundle must be an integer 1-500", "loader.maxFileSizeMb must be -1",
                "loader.maxRetries must be an integer 0-10", "loader.retryMilliseconds must be an integer 100-60000", "loader.maxConnections must be an integer 1-100",
                "loader.maxRequeueMessageCount must be an integer 1-1000", 'loader.poisonQueueTimerCron "*/2 * * * *" must be an NCRONTAB expression with six fields',
                'loader.bundleProcessingLogic "random"', 'disabledFunctions: "ImportBundleHttp" is not a function of the FHIR Loader',
                "events.maxDeliveryAttempts must be an integer 1-30", "events.eventTimeToLiveInMinutes must be an integer 1-1440", "storage.softDeleteRetentionDays must be an integer 1-365",
                'uploadPrincipals key "API Management"', 'privateEndpoints must include an endpoint with service "sites"', "diagnosticSettings must not be empty",
                'unknown role "Not A Role"', 'lock.kind "Forever"',
            ]) expect(msg, needle).to.include(needle);
            expect(r.graph.custom).to.have.length(0);
        });

        it("refuses a zone-redundant plan on a SKU without zones or with one instance, and an uploader without a URL", async () => {
            const r = await run({ ...BASE, zoneRedundant: true, plan: { sku: "S1", capacity: 1 }, codePackage: { uploader: { virtualMachineResourceId: JUMPBOX, principalId: JUMPBOX_PRINCIPAL } } });
            const msg = String((r.error as Error).message);
            for (const needle of ['plan.sku "S1" cannot be zone-redundant', "plan.capacity 1 is too small for a zone-redundant plan", "codePackage.uploader needs codePackage.sourceUrl"]) expect(msg, needle).to.include(needle);
            const noSha = await run({ ...BASE, codePackage: { sourceUrl: PACKAGE_URL, uploader: { virtualMachineResourceId: JUMPBOX, principalId: JUMPBOX_PRINCIPAL } } });
            expect(String((noSha.error as Error).message)).to.include("codePackage.sourceUrl needs codePackage.sha256");
            expect(r.graph.custom).to.have.length(0);
        });
    });

    describe("package download hosts for the firewall", () => {
        it("opens a GitHub release's redirect hosts, another URL's own host, and nothing without a URL", () => {
            expect(packageSourceFqdns(PACKAGE_URL)).to.deep.equal(["github.com", "objects.githubusercontent.com", "release-assets.githubusercontent.com"]);
            expect(packageSourceFqdns("https://artifacts.example.org:8443/loader/fhir-loader.zip")).to.deep.equal(["artifacts.example.org"]);
            expect(packageSourceFqdns("")).to.deep.equal([]);
        });
    });

    describe("package upload script (runs under bash with curl and the metadata service stubbed)", () => {
        let dir: string;
        before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-package-")); });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        /**
         * Stub `curl`: the token request; the download (`-o FILE` gets `content` with the next of `downloads`, default
         * 200; "000" is a connect failure, curl's exit 7); the Put Blob (next of `statuses`, default 201, "403 Code" sets
         * x-ms-error-code); `sleep` records its argument and moves the script's clock on instead of waiting.
         */
        async function runScript(script: string, content: string, statuses: string[], downloads: string[] = []): Promise<{ code: number; calls: string[]; puts: string[]; gets: string[]; sleeps: number[]; uploaded: string; stderr: string; stdout: string }> {
            const bin = path.join(dir, "bin");
            fs.mkdirSync(bin, { recursive: true });
            fs.writeFileSync(path.join(dir, "statuses"), statuses.join("\n") + "\n");
            fs.writeFileSync(path.join(dir, "downloads"), downloads.join("\n") + "\n");
            fs.writeFileSync(path.join(dir, "content"), content);
            fs.writeFileSync(path.join(bin, "curl"), `#!/bin/bash
echo "$*" >> "${dir}/calls"
for a in "$@"; do case "$a" in http://169.254.169.254*) echo '{"access_token":"tok-123"}'; exit 0;; esac; done
headers=""; prev=""; for a in "$@"; do
  if [ "$prev" = "-o" ] && [ "$a" != "/dev/null" ]; then
    status=$(head -n1 "${dir}/downloads"); sed -i 1d "${dir}/downloads"; status="\${status:-200}"
    if [ "$status" = "000" ]; then printf '000'; exit 7; fi
    # "200:18": curl saw a 200 but the transfer was cut off (curl's exit 18).
    rc="\${status#*:}"; [ "$rc" = "$status" ] && rc=0; status="\${status%%:*}"
    if [ "$status" = "200" ]; then if [ "$rc" = 0 ]; then cp "${dir}/content" "$a"; else head -c 5 "${dir}/content" > "$a"; fi; else echo "not found" > "$a"; fi
    printf '%s' "$status"; exit "$rc"
  fi
  if [ "$prev" = "--upload-file" ]; then cp "$a" "${dir}/uploaded"; fi
  if [ "$prev" = "-D" ]; then headers="$a"; fi
  prev="$a"
done
read -r status error < <(head -n1 "${dir}/statuses") || true; sed -i 1d "${dir}/statuses"; status="\${status:-201}"
if [ "$status" = "000" ]; then printf '000'; exit 7; fi
if [ -n "$headers" ] && [ -n "\${error:-}" ]; then printf 'x-ms-error-code: %s\\r\\n' "$error" > "$headers"; fi
printf '%s' "$status"
`, { mode: 0o755 });
            for (const f of ["calls", "uploaded", "sleeps"]) fs.writeFileSync(path.join(dir, f), "");
            const r = await runBash(script, bin, virtualSleep(path.join(dir, "sleeps")));
            const lines = (f: string) => fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter((l) => l !== "");
            const calls = lines("calls");
            return {
                code: r.code, calls, puts: calls.filter((c) => c.includes("-X PUT")), gets: calls.filter((c) => c.includes(PACKAGE_URL) && !c.includes("-X PUT")),
                sleeps: lines("sleeps").map(Number), uploaded: fs.readFileSync(path.join(dir, "uploaded"), "utf8"), stderr: r.stderr, stdout: r.stdout,
            };
        }
        const zip = "PK\u0003\u0004 not really a zip";
        const sha = crypto.createHash("sha256").update(zip).digest("hex");
        const script = (digest: string, deadline?: number) => packageUploadScript("stahdsdevblkabc12", "function-packages", { sourceUrl: PACKAGE_URL, sha256: digest, name: "fhir-loader.zip", contentType: "application/zip" }, "BulkLoader", "core.windows.net", deadline);

        it("downloads over HTTPS only, checks the digest and PUTs the file with the VM identity's token, retrying a 403 until RBAC has propagated", async () => {
            const r = await runScript(script(sha), zip, ["403 AuthorizationPermissionMismatch", "201"]);
            expect(r.code, r.stderr).to.equal(0);
            expect(r.gets).to.have.length(1);
            expect(r.gets[0]).to.include("--proto =https").and.include("--proto-redir =https").and.include("--tlsv1.2");
            expect(r.puts).to.have.length(2);
            for (const p of r.puts) expect(p).to.include("https://stahdsdevblkabc12.blob.core.windows.net/function-packages/fhir-loader.zip").and.include("Authorization: Bearer tok-123").and.include("x-ms-blob-type: BlockBlob").and.include("Content-Type: application/zip");
            expect(r.uploaded).to.equal(zip);
            expect(r.stderr).to.include("attempt 1: HTTP 403 (AuthorizationPermissionMismatch) for fhir-loader.zip").and.not.include("tok-123");
            expect(r.stdout).to.include(`uploaded fhir-loader.zip (sha256 ${sha})`);
            expect(r.sleeps).to.deep.equal([10]);
        });

        it("puts --connect-timeout 10 and a --max-time of at most 300 s on every curl call (token, download, Put Blob)", async () => {
            const r = await runScript(script(sha), zip, ["403", "201"], ["000", "200"]);
            expect(r.code, r.stderr).to.equal(0);
            // Two downloads, one token for the script, two Put Blobs.
            expect(r.calls).to.have.length(5);
            expect(r.calls.filter((c) => c.includes("169.254.169.254"))).to.have.length(1);
            for (const c of r.calls) {
                expect(c).to.include("--connect-timeout 10");
                expect(Number(/--max-time (\d+)/.exec(c)?.[1]), c).to.be.within(10, 300);
            }
        });

        it("retries a download that gets no reply (000) or a 503, and fails at once on a 404 without uploading", async () => {
            const retried = await runScript(script(sha), zip, ["201"], ["000", "503", "200"]);
            expect(retried.code, retried.stderr).to.equal(0);
            expect(retried.gets).to.have.length(3);
            expect(retried.stderr).to.include(`attempt 1: HTTP 000 downloading ${PACKAGE_URL}`).and.include(`attempt 2: HTTP 503 downloading ${PACKAGE_URL}`);
            expect(retried.sleeps).to.deep.equal([10, 20]);
            expect(retried.uploaded).to.equal(zip);

            const missing = await runScript(script(sha), zip, ["201"], ["404"]);
            expect(missing.code).to.not.equal(0);
            expect(missing.gets).to.have.length(1);
            expect(missing.puts).to.have.length(0);
            expect(missing.stderr).to.include(`could not download ${PACKAGE_URL}: HTTP 404 is not retried`);
        });

        it("retries a download curl did not finish (a 200 cut off: curl exit 18), never checking or uploading the partial file", async () => {
            const r = await runScript(script(sha), zip, ["201"], ["200:18", "200"]);
            expect(r.code, r.stderr).to.equal(0);
            expect(r.gets).to.have.length(2);
            expect(r.stderr).to.include(`attempt 1: HTTP 000 downloading ${PACKAGE_URL} (curl exit 18)`).and.not.include("sha256 of");
            expect(r.sleeps).to.deep.equal([10]);
            expect(r.uploaded).to.equal(zip);
        });

        it("fails at once on a permanent Put Blob error (400, 404) without retrying it", async () => {
            for (const [status, error] of [["400", "InvalidBlobOrBlock"], ["404", "ContainerNotFound"]]) {
                const r = await runScript(script(sha), zip, [`${status} ${error}`, "201"]);
                expect(r.code, status).to.not.equal(0);
                expect(r.puts, status).to.have.length(1);
                expect(r.sleeps, status).to.deep.equal([]);
                expect(r.stderr).to.include(`attempt 1: HTTP ${status} (${error}) for fhir-loader.zip`).and.include(`could not upload fhir-loader.zip: HTTP ${status} is not retried`);
            }
        });

        it("shares one deadline between the download and the upload, and fails once it has passed", async () => {
            // The download's retry sleeps to the deadline, so the upload's 403 is not retried.
            const r = await runScript(script(sha, 1), zip, ["403 AuthorizationPermissionMismatch", "201"], ["000", "200"]);
            expect(r.code).to.not.equal(0);
            expect(r.gets).to.have.length(2);
            expect(r.puts).to.have.length(1);
            expect(r.stderr).to.include("could not upload fhir-loader.zip within the script's deadline of 1 s");
            for (const s of r.sleeps) expect(s).to.be.at.most(1);
        });

        it("refuses a download whose SHA-256 differs, without writing anything", async () => {
            const r = await runScript(script("0".repeat(64)), zip, []);
            expect(r.code).to.not.equal(0);
            expect(r.stderr).to.include(`is ${sha}, expected ${"0".repeat(64)}: not uploaded`);
            expect(r.calls.filter((c) => c.includes("-X PUT"))).to.have.length(0);
        });

        it("fails (so pulumi up fails) when the package cannot be downloaded or written before the deadline", async () => {
            const noDownload = await runScript(script(sha, 1), zip, [], Array<string>(20).fill("000"));
            expect(noDownload.code).to.not.equal(0);
            expect(noDownload.stderr).to.include(`could not download ${PACKAGE_URL} within the script's deadline of 1 s`);
            expect(noDownload.puts).to.have.length(0);
            const noWrite = await runScript(script(sha, 1), zip, Array<string>(20).fill("403"), []);
            expect(noWrite.code).to.not.equal(0);
            expect(noWrite.stderr).to.include("could not upload fhir-loader.zip within the script's deadline of 1 s");
        });

        it("refuses URLs with a query string (a SAS token would sit in the script ARM shows) and values that could reach the shell", () => {
            expect(() => packageUploadScript("stahdsdevblkabc12", "function-packages", { sourceUrl: `${PACKAGE_URL}?sig=x`, sha256: sha, name: "a.zip", contentType: "application/zip" }, "BulkLoader")).to.throw(/without query string/);
            expect(() => packageUploadScript("stahdsdevblkabc12", "function-packages", { sourceUrl: "https://example.org/a'b.zip", sha256: sha, name: "a.zip", contentType: "application/zip" }, "BulkLoader")).to.throw(/https:\/\/ URL/);
            expect(() => packageUploadScript("stahdsdevblkabc12", "function-packages", { sourceUrl: PACKAGE_URL, sha256: sha.toUpperCase(), name: "a.zip", contentType: "application/zip" }, "BulkLoader")).to.throw(/SHA-256/);
            expect(() => packageUploadScript("stahdsdevblkabc12", "function-packages", { sourceUrl: PACKAGE_URL, sha256: sha, name: "x'; rm -rf /", contentType: "application/zip" }, "BulkLoader")).to.throw(/plain blob file name/);
        });
    });
});
