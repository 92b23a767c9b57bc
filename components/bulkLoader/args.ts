import * as pulumi from "@pulumi/pulumi";
import { DiagnosticSettingArgs } from "../shared/diagnostics";
import { LockArgs } from "../shared/lock";
import { NamingArgs } from "../shared/naming";
import { PrivateEndpointArgs } from "../shared/privateEndpoint";
import { RoleAssignmentArgs } from "../shared/roleAssignment";

/** Where the function app runs and where the component's private endpoints go. */
export interface BulkLoaderNetworkArgs {
    /** Subnet for the function app's regional VNet integration, delegated to Microsoft.Web/serverFarms, /28 or larger (the spoke's function subnet). */
    functionSubnetResourceId: pulumi.Input<string>;
    /** Subnet for every private endpoint of the component (the spoke's private-endpoint subnet). */
    privateEndpointSubnetResourceId: pulumi.Input<string>;
    /** Private DNS zone IDs by zone name (HubSecurity.privateDnsZoneIds). Needs the blob, queue, table and azurewebsites zones. */
    privateDnsZoneResourceIds: Record<string, pulumi.Input<string>>;
}

/** The App Service plan the function app runs on. */
export interface BulkLoaderPlanArgs {
    /** Dedicated plan SKU: B1-B3, S1-S3, P0v3-P3v3, P1mv3-P5mv3 (all Windows, with VNet integration and no Azure Files share). @default "P1v3" */
    sku?: string;
    /** Instances of the plan (1-30); zone redundancy needs at least 2. @default 3 when zone-redundant (one per zone), else 1 */
    capacity?: number;
}

/**
 * The Functions runtime. The defaults are what microsoft/fhir-loader builds (FHIRBulkImport.csproj: net8.0, Functions
 * v4, Microsoft.NET.Sdk.Functions, i.e. the in-process model, Windows). Microsoft's support for the in-process model
 * ends on 2026-11-10 (learn.microsoft.com/azure/azure-functions/dotnet-isolated-in-process-differences); a fork
 * migrated to the isolated worker sets `workerRuntime: "dotnet-isolated"` and `inProcessNet8: false`.
 */
export interface BulkLoaderRuntimeArgs {
    /** `FUNCTIONS_WORKER_RUNTIME`: `dotnet` (in-process) or `dotnet-isolated`. @default "dotnet" */
    workerRuntime?: string;
    /** `FUNCTIONS_EXTENSION_VERSION`. @default "~4" */
    extensionVersion?: string;
    /** `siteConfig.netFrameworkVersion` (the .NET version on Windows). @default "v8.0" */
    netFrameworkVersion?: string;
    /** `FUNCTIONS_INPROC_NET8_ENABLED=1`: run an in-process app on .NET 8; only with workerRuntime `dotnet`. @default true when workerRuntime is "dotnet" */
    inProcessNet8?: boolean;
}

/**
 * The in-network identity that copies the package into the private package container: a Linux VM (bash, curl,
 * sha256sum) with a system-assigned identity that resolves the platform's private DNS zones, reaches the
 * private-endpoint subnet and may reach the package's download host through the firewall (the hub jumpbox does).
 */
export interface PackageUploaderArgs {
    /** Resource ID of the VM (HubSecurity.jumpboxId). */
    virtualMachineResourceId: pulumi.Input<string>;
    /** Object ID of the VM's system-assigned identity (HubSecurity.jumpboxPrincipalId); gets Storage Blob Data Contributor on the package container only. */
    principalId: pulumi.Input<string>;
}

/** The function app's code: a zip in the private package container, fetched by the app's identity (run from package). */
export interface BulkLoaderCodePackageArgs {
    /** HTTPS URL the uploader downloads the built zip from (no query string: no SAS token in a script ARM shows). @default none (upload the zip yourself, see the README) */
    sourceUrl?: string;
    /** SHA-256 of the zip (64 hex digits); the uploader refuses a download with another digest. Required with sourceUrl. @default none */
    sha256?: string;
    /** Blob name in the package container; a new name per build makes a new package a settings change (restart). @default "fhir-loader-<first 12 hex digits of sha256>.zip", or "fhir-loader.zip" without sha256 */
    blobName?: string;
    /** VM that downloads the zip, checks its digest and writes it to the package container during `pulumi up` (needs sourceUrl). @default none */
    uploader?: PackageUploaderArgs;
}

/** How the loader splits, posts and retries (its `FBI-*` settings; defaults are the upstream template's). */
export interface BulkLoaderSettingsArgs {
    /** `FBI-TRANSFORMBUNDLES`: rewrite transaction bundles as batches of PUTs with client ids (faster, not atomic). @default true */
    transformBundles?: boolean;
    /** `FBI-MAXBUNDLESIZE`: bundles with more entries are split (1-500; the FHIR service rejects bundles over 500 entries). @default 500 */
    maxBundleSize?: number;
    /** `FBI-MAXRESOURCESPERBUNDLE`: NDJSON lines per generated bundle (1-500). @default 500 */
    maxResourcesPerBundle?: number;
    /**
     * `FBI-MAXFILESIZEMB`: size at which the `$alt-export` writer rolls over to a new NDJSON file, in units of 1,024,000
     * bytes; -1 for no rollover. Not an import limit: the loader reads it only in ExportOrchestrator.cs (fhir-loader at
     * ff87ad5), and the export functions are disabled by default; nothing limits the size of an imported bundle, NDJSON
     * file or zip. The upload size cap is the gateway's: `Ingress` `bulkUpload.maxUploadSizeMb` (API Management answers
     * 413 above it). @default -1
     */
    maxFileSizeMb?: number;
    /** `FBI-POLLY-MAXRETRIES`: retries of a FHIR call on 408/429/5xx (0-10). @default 3 */
    maxRetries?: number;
    /** `FBI-POLLY-RETRYMS`: wait between retries, in ms (100-60000). @default 500 */
    retryMilliseconds?: number;
    /** `FBI-POLLY-EXPONENTIAL`: exponential backoff with jitter instead of a fixed wait. @default false */
    exponentialBackoff?: boolean;
    /** `FBI-POOLEDCON-MAXCONNECTIONS`: concurrent connections per instance to the FHIR service (1-100). @default 20 */
    maxConnections?: number;
    /** `FBI-MAXREQUEUE-MESSAGE-COUNT`: poison-queue messages moved back per run (1-1000). @default 100 */
    maxRequeueMessageCount?: number;
    /** `FBI-POISONQUEUE-TIMER-CRON`: NCRONTAB schedule (6 fields: seconds first) of the poison-queue retry. @default every 2 minutes (upstream's schedule) */
    poisonQueueTimerCron?: string;
    /** `FBI-FHIR-BUNDLEPROCESSINGLOGIC`: the FHIR service's `x-bundle-processing-logic` for batches, `parallel` or `sequential`; empty sends none. @default "" */
    bundleProcessingLogic?: string;
}

/** Event Grid delivery of blob-created events to the loader's queues. */
export interface BulkLoaderEventsArgs {
    /** Delivery attempts before an event is dead-lettered (1-30). @default 30 */
    maxDeliveryAttempts?: number;
    /** Minutes Event Grid keeps retrying an event (1-1440). @default 1440 */
    eventTimeToLiveInMinutes?: number;
}

/** The loader's storage account. */
export interface BulkLoaderStorageArgs {
    /** Blob and container soft delete, in days (1-365). @default 30 */
    softDeleteRetentionDays?: number;
    /** Blob versioning. @default true */
    versioning?: boolean;
}

export interface BulkLoaderArgs {
    /** Naming parts (workload, environment, location, stack suffix). */
    naming: NamingArgs;
    /** Resource group for the loader (the PHI workload's). */
    resourceGroupName: pulumi.Input<string>;
    /** Tags for every taggable child. @default {} */
    tags?: Record<string, pulumi.Input<string>>;
    /** Central Log Analytics workspace: diagnostics, and the workspace behind Application Insights. */
    logAnalyticsWorkspaceResourceId: pulumi.Input<string>;
    /** Function subnet, private-endpoint subnet and DNS zones. */
    network: BulkLoaderNetworkArgs;
    /** FHIR base URL the loader posts to (`FS-URL`). */
    fhirUrl: pulumi.Input<string>;
    /** Token audience of the FHIR service (`FS-RESOURCE`). @default fhirUrl */
    fhirAudience?: pulumi.Input<string>;
    /** Resource ID of the FHIR service: the app's identity gets FHIR Data Contributor there. */
    fhirServiceResourceId: pulumi.Input<string>;
    /** Azure name of the loader's storage account (3-24 lowercase letters and digits); pass it when another component needs the blob host before this one exists. @default "st<workload><env>blk<suffix>" */
    storageAccountName?: pulumi.Input<string>;
    /** App Service plan. @default P1v3, 1 instance (3 when zone-redundant) */
    plan?: BulkLoaderPlanArgs;
    /** Functions runtime. @default dotnet in-process, ~4, v8.0 */
    runtime?: BulkLoaderRuntimeArgs;
    /** Code package. @default fhir-loader.zip in the package container, uploaded by hand */
    codePackage?: BulkLoaderCodePackageArgs;
    /** Loader behaviour. @default the upstream template's values */
    loader?: BulkLoaderSettingsArgs;
    /** Loader functions to disable (`AzureWebJobs.<name>.Disabled=true`). @default the export functions, the HTTP import and the Event Grid and bundle blob triggers (constants.ts) */
    disabledFunctions?: string[];
    /** Event Grid delivery. @default 30 attempts within 24 hours, then dead-lettered */
    events?: BulkLoaderEventsArgs;
    /** Storage account settings. @default 30-day soft delete, versioning */
    storage?: BulkLoaderStorageArgs;
    /** Principals that upload bundles, NDJSON and zips (API Management's identity), by a key of your choice: Storage Blob Data Contributor on the bundles, ndjson and zip containers only. @default {} */
    uploadPrincipals?: Record<string, pulumi.Input<string>>;
    /** Private endpoints of the function app (group `sites`). @default { spoke: private-endpoint subnet, privatelink.azurewebsites.net } */
    privateEndpoints?: Record<string, PrivateEndpointArgs>;
    /** Diagnostic settings of the function app. @default { law: allLogs + AllMetrics to logAnalyticsWorkspaceResourceId } */
    diagnosticSettings?: Record<string, DiagnosticSettingArgs>;
    /** Role assignments on the function app. @default {} */
    roleAssignments?: Record<string, RoleAssignmentArgs>;
    /** Lock on the storage account. @default none */
    lock?: LockArgs;
    /** Zone-redundant plan (Premium v3 SKUs) and storage (ZRS). @default false */
    zoneRedundant?: boolean;
    /** Pulumi `protect` on the storage account. @default false */
    protectStatefulResources?: boolean;
    /** Pulumi `retainOnDelete` on the storage account. @default false */
    retainStatefulResourcesOnDelete?: boolean;
}
