import * as pulumi from "@pulumi/pulumi";
import * as inputs from "@pulumi/azure-native/types/input";
import { BUNDLES_CONTAINER, NDJSON_CONTAINER, PACKAGE_CONTAINER } from "./constants";
import { BulkLoaderSettings } from "./defaults";

/** The storage endpoints of an account in Azure's public cloud, without a trailing slash (the loader appends `/<queue>` and `/<container>`). */
export function storageEndpoints(account: pulumi.Input<string>): { blob: pulumi.Output<string>; queue: pulumi.Output<string>; table: pulumi.Output<string> } {
    return {
        blob: pulumi.interpolate`https://${account}.blob.core.windows.net`,
        queue: pulumi.interpolate`https://${account}.queue.core.windows.net`,
        table: pulumi.interpolate`https://${account}.table.core.windows.net`,
    };
}

/** The blob URL of the code package (WEBSITE_RUN_FROM_PACKAGE). */
export function packageBlobUrl(account: pulumi.Input<string>, blobName: string): pulumi.Output<string> {
    return pulumi.interpolate`https://${account}.blob.core.windows.net/${PACKAGE_CONTAINER}/${blobName}`;
}

/**
 * The function app's settings. Every connection is identity-based: no setting carries an account key, SAS token or
 * storage connection string (tests assert it on every value).
 *
 * - Host storage: `AzureWebJobsStorage__accountName` (learn.microsoft.com/azure/azure-functions/functions-reference,
 *   "Connecting to host storage with an identity"); Durable Functions (extension 2.7.0 and later, the loader pins
 *   2.13.4) reads the same connection (learn.microsoft.com/azure/azure-functions/durable/durable-functions-configure-managed-identity:
 *   in public Azure the account name is enough). No `WEBSITE_CONTENTAZUREFILECONNECTIONSTRING`/`WEBSITE_CONTENTSHARE`:
 *   a Dedicated plan has no content share (functions-infrastructure-as-code, "Deploy on App Service plan").
 * - Trigger connections: `FBI-STORAGEACCT-IDENTITY` (blob triggers, which also need `__queueServiceUri` for their
 *   receipts and poison queue) and `FBI-STORAGEACCT-QUEUEURI-IDENTITY` (queue triggers), as the loader's
 *   `Connection = ...` attributes name them (functions-reference, "Configure an identity-based connection").
 * - Telemetry: the connection string names the Application Insights resource; its instrumentation key is an
 *   identifier, not a credential ("Ikey unique identifiers aren't security tokens or security keys, and aren't
 *   considered secrets", learn.microsoft.com/azure/azure-monitor/app/connection-strings). With local authentication
 *   disabled on the component, ingestion needs an Entra ID token: `APPLICATIONINSIGHTS_AUTHENTICATION_STRING=
 *   Authorization=AAD` makes the host use the app's system identity, which holds Monitoring Metrics Publisher on
 *   the component (learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication).
 * - Code: `WEBSITE_RUN_FROM_PACKAGE` is the blob URL in the private package container, fetched with the system
 *   identity (`WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID=SystemAssigned`, learn.microsoft.com/azure/app-service/deploy-run-package).
 * - FHIR: `FS-ISMSI=true` makes the loader ask the managed identity for a token for `FS-RESOURCE`; no client secret.
 */
export function loaderAppSettings(s: BulkLoaderSettings, connectionString: pulumi.Input<string>): inputs.web.NameValuePairArgs[] {
    const account = s.storageAccountName;
    const ep = storageEndpoints(account);
    const l = s.loader;
    const setting = (name: string, value: pulumi.Input<string>): inputs.web.NameValuePairArgs => ({ name, value });
    return [
        setting("FUNCTIONS_EXTENSION_VERSION", s.runtime.extensionVersion),
        setting("FUNCTIONS_WORKER_RUNTIME", s.runtime.workerRuntime),
        // An in-process app runs on .NET 8 only with this flag (and netFrameworkVersion v8.0 on Windows).
        ...(s.runtime.inProcessNet8 ? [setting("FUNCTIONS_INPROC_NET8_ENABLED", "1")] : []),
        setting("AzureWebJobsStorage__accountName", account),
        setting("APPLICATIONINSIGHTS_CONNECTION_STRING", connectionString),
        setting("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "Authorization=AAD"),
        setting("WEBSITE_RUN_FROM_PACKAGE", packageBlobUrl(account, s.codePackage.blobName)),
        setting("WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", "SystemAssigned"),
        // Upstream's long-running NDJSON splits and exports; a Dedicated plan has no hard limit.
        setting("AzureFunctionsJobHost__functionTimeout", "23:00:00"),
        setting("FS-URL", s.fhirUrl),
        setting("FS-RESOURCE", s.fhirAudience),
        setting("FS-ISMSI", "true"),
        setting("FBI-STORAGEACCT", ep.blob),
        setting("FBI-STORAGEACCT-QUEUEURI", ep.queue),
        setting("FBI-STORAGEACCT-IDENTITY__blobServiceUri", ep.blob),
        setting("FBI-STORAGEACCT-IDENTITY__queueServiceUri", ep.queue),
        setting("FBI-STORAGEACCT-QUEUEURI-IDENTITY__queueServiceUri", ep.queue),
        setting("FBI-CONTAINER-BUNDLES", BUNDLES_CONTAINER),
        setting("FBI-CONTAINER-NDJSON", NDJSON_CONTAINER),
        setting("FBI-TRANSFORMBUNDLES", String(l.transformBundles)),
        setting("FBI-MAXBUNDLESIZE", String(l.maxBundleSize)),
        setting("FBI-MAXRESOURCESPERBUNDLE", String(l.maxResourcesPerBundle)),
        setting("FBI-MAXFILESIZEMB", String(l.maxFileSizeMb)),
        setting("FBI-POLLY-MAXRETRIES", String(l.maxRetries)),
        setting("FBI-POLLY-RETRYMS", String(l.retryMilliseconds)),
        setting("FBI-POLLY-EXPONENTIAL", String(l.exponentialBackoff)),
        setting("FBI-POOLEDCON-MAXCONNECTIONS", String(l.maxConnections)),
        setting("FBI-MAXREQUEUE-MESSAGE-COUNT", String(l.maxRequeueMessageCount)),
        setting("FBI-POISONQUEUE-TIMER-CRON", l.poisonQueueTimerCron),
        ...(l.bundleProcessingLogic !== "" ? [setting("FBI-FHIR-BUNDLEPROCESSINGLOGIC", l.bundleProcessingLogic)] : []),
        // learn.microsoft.com/azure/azure-functions/disable-function: `AzureWebJobs.<FUNCTION_NAME>.Disabled` (Windows
        // accepts the dots; this app runs on Windows).
        ...s.disabledFunctions.map((f) => setting(`AzureWebJobs.${f}.Disabled`, "true")),
    ];
}
