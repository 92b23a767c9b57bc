/**
 * What the FHIR Loader (microsoft/fhir-loader, FHIRBulkImport/*.cs at the pinned commit ff87ad5) expects of its
 * storage and host, and the private DNS zones the component's endpoints use. The component's blocks and its
 * validation share these names.
 */

/** The commit of microsoft/fhir-loader the build script and the docs pin (2025-04-02, "app insight connection string changes", #77). */
export const FHIR_LOADER_COMMIT = "ff87ad5c9b1e9c09c99a70c2f6c9143a171625dc";

/** Private DNS zones of the component's endpoints (learn.microsoft.com/azure/private-link/private-endpoint-dns). */
export const BLOB_ZONE = "privatelink.blob.core.windows.net";
export const QUEUE_ZONE = "privatelink.queue.core.windows.net";
export const TABLE_ZONE = "privatelink.table.core.windows.net";
/** Group `sites` of a function app (its SCM host `<app>.scm.azurewebsites.net` is registered in the same zone). */
export const SITES_ZONE = "privatelink.azurewebsites.net";
export const REQUIRED_ZONES = [BLOB_ZONE, QUEUE_ZONE, TABLE_ZONE, SITES_ZONE];

/**
 * Containers the loader reads (its triggers and `FBI-CONTAINER-*` defaults): bundles (`ImportBundleQueue`), ndjson
 * (`ImportNDJSONQueue`), zip (`ImportCompressedFiles`, BlobTrigger `zip/{name}`), export and export-trigger (the
 * `$alt-export` path, kept so a deployment that turns it on finds them).
 */
export const BUNDLES_CONTAINER = "bundles";
export const NDJSON_CONTAINER = "ndjson";
export const ZIP_CONTAINER = "zip";
export const EXPORT_CONTAINER = "export";
export const EXPORT_TRIGGER_CONTAINER = "export-trigger";
/** Containers clients upload to (the gateway's `/bulk` API writes here). */
export const UPLOAD_CONTAINERS = [BUNDLES_CONTAINER, NDJSON_CONTAINER, ZIP_CONTAINER];

/**
 * Containers the loader writes its results and errors to (`StorageUtils.MoveTo` / `WriteStringToBlob` in
 * ImportUtils.cs, ImportNDJSONQueue.cs, ImportCompressedFiles.cs, ExportOrchestrator.cs). The code creates them when
 * missing; creating them here puts them under the account's soft delete and versioning from the start.
 */
export const OUTPUT_CONTAINERS = ["bundlesprocessed", "bundleserr", "ndjsonprocessed", "ndjsonerr", "zipprocessed", "export-trigger-processed"];

/** Where Event Grid puts events it could not deliver to the queues (its own container, written with the topic's identity). */
export const DEAD_LETTER_CONTAINER = "eventgrid-deadletter";
/** Private container holding the function app's code package (WEBSITE_RUN_FROM_PACKAGE). */
export const PACKAGE_CONTAINER = "function-packages";

/** Queues the loader's queue triggers read (`[QueueTrigger("bundlequeue")]`, `[QueueTrigger("ndjsonqueue")]`). */
export const BUNDLE_QUEUE = "bundlequeue";
export const NDJSON_QUEUE = "ndjsonqueue";

/**
 * Functions of the loader the architecture does not use, disabled with `AzureWebJobs.<name>.Disabled`
 * (learn.microsoft.com/azure/azure-functions/disable-function), by the `[FunctionName]` in the source:
 * - `ImportBundleHTTP` (ImportBundleHTTP.cs, POST /importbundle): function-key authenticated; bundles arrive as blobs.
 * - `ImportBundleBlobTrigger` (ImportBundleBlobTrigger.cs, `bundles/{name}`): a second path for the same blobs, which
 *   upstream disables too; Event Grid → `bundlequeue` → `ImportBundleQueue` is the path.
 * - `ImportBundleEventGrid` (ImportBundleEventGrid.cs) and `ImportNDJSON` (ImportNDJSONEventGird.cs): Event Grid
 *   triggers, which need a webhook subscription with a system key; events go straight to the queues instead.
 * - The `$alt-export` export (ExportOrchestrator.cs, ExportAllOrchestrator.cs): the HTTP starters (function keys), the
 *   `export-trigger` blob trigger, the daily history clean-up, and the orchestrator and activities behind them. The
 *   platform exports with FHIR `$export` (FhirWorkspace).
 */
export const DEFAULT_DISABLED_FUNCTIONS = [
    "ImportBundleHTTP",
    "ImportBundleBlobTrigger",
    "ImportBundleEventGrid",
    "ImportNDJSON",
    "ExportOrchestrator_HttpStart",
    "ExportOrchestrator_InstanceAction",
    "ExportOrchestrator_ExportStatus",
    "ExportBlobTrigger",
    "ExportHistoryCleanUp",
    "ExportOrchestrator",
    "ExportOrchestrator_ProcessPatientQueryPage",
    "ExportOrchestrator_GatherResources",
    "QueryFHIR",
    "AppendBlob",
    "CountFileLines",
    "FileNames",
    "FileTracker",
    "ExportAllOrchestrator_HttpStart",
    "ExportAll_RunOrchestrator",
    "ExportAllOrchestrator_GetCountsForListOfDateRanges",
    "ExportAllOrchestrator_GetAndWriteDataPage",
];

/** Every `[FunctionName]` in FHIRBulkImport at the pinned commit: disabling a name that does not exist is a typo. */
export const LOADER_FUNCTIONS = [
    ...DEFAULT_DISABLED_FUNCTIONS,
    "ImportBundleQueue",
    "PoisonQueueRetries",
    "ImportNDJSONQueue",
    "ImportCompressedFiles",
];

/**
 * Dedicated (App Service) plan SKUs that host a Windows in-process .NET 8 function app with VNet integration and no
 * Azure Files content share (Basic and up; learn.microsoft.com/azure/app-service/overview-vnet-integration). Free and
 * Shared have no VNet integration; Flex Consumption has no in-process .NET; Elastic Premium is not offered because it
 * keeps its content on an Azure Files share with a connection string unless run in Microsoft's "without Azure Files"
 * mode (learn.microsoft.com/azure/azure-functions/storage-considerations), which a Dedicated plan does not need.
 */
export const PLAN_SKUS: Readonly<Record<string, { tier: string; zoneRedundancy: boolean }>> = {
    B1: { tier: "Basic", zoneRedundancy: false },
    B2: { tier: "Basic", zoneRedundancy: false },
    B3: { tier: "Basic", zoneRedundancy: false },
    S1: { tier: "Standard", zoneRedundancy: false },
    S2: { tier: "Standard", zoneRedundancy: false },
    S3: { tier: "Standard", zoneRedundancy: false },
    // Zone redundancy needs Premium v2/v3/v4 or Isolated v2 (learn.microsoft.com/azure/reliability/reliability-app-service).
    P0v3: { tier: "PremiumV3", zoneRedundancy: true },
    P1v3: { tier: "PremiumV3", zoneRedundancy: true },
    P2v3: { tier: "PremiumV3", zoneRedundancy: true },
    P3v3: { tier: "PremiumV3", zoneRedundancy: true },
    P1mv3: { tier: "PremiumMV3", zoneRedundancy: true },
    P2mv3: { tier: "PremiumMV3", zoneRedundancy: true },
    P3mv3: { tier: "PremiumMV3", zoneRedundancy: true },
    P4mv3: { tier: "PremiumMV3", zoneRedundancy: true },
    P5mv3: { tier: "PremiumMV3", zoneRedundancy: true },
};
export const PLAN_SKU_NAMES = Object.keys(PLAN_SKUS);
