import * as pulumi from "@pulumi/pulumi";
import { validatedArgs } from "../shared/validation";
import { BulkLoaderArgs } from "./args";
import { uploadCodePackage } from "./codePackage";
import { UPLOAD_CONTAINERS } from "./constants";
import { bulkLoaderContext, bulkLoaderSettings } from "./defaults";
import { createBlobEvents } from "./events";
import { createLoaderHosting } from "./hosting";
import { packageBlobUrl, storageEndpoints } from "./settings";
import { createLoaderStorage, grantUploaders } from "./storage";
import { bulkLoaderProblems } from "./validate";

export * from "./args";
export { packageSourceFqdns } from "./codePackage";
export {
    BUNDLE_QUEUE, DEFAULT_DISABLED_FUNCTIONS, FHIR_LOADER_COMMIT, NDJSON_QUEUE, OUTPUT_CONTAINERS, PACKAGE_CONTAINER, PLAN_SKUS, PLAN_SKU_NAMES, UPLOAD_CONTAINERS,
} from "./constants";
export { defaultBulkStorageAccountName } from "./defaults";
export { bulkLoaderProblems } from "./validate";

/**
 * The bulk path: microsoft/fhir-loader (FHIR-Bulk Loader) as a private, identity-only function app that loads FHIR
 * bundles, NDJSON and zips dropped into its storage account into the FHIR service (reference gap: the RI exposed that
 * storage on the gateway's `/*` and ran the loader with keys).
 *
 * - Hosting: a Windows Dedicated plan (P1v3 by default, zone-redundant where the stack is), the function app with a
 *   system identity, HTTPS only, TLS 1.2, FTP and basic-auth publishing off, public network access Disabled behind a
 *   `sites` private endpoint, VNet integration routing all outbound traffic through the firewall, diagnostics, and
 *   Application Insights on the central workspace with local authentication off (Entra ID ingestion).
 * - Runtime: .NET 8 in-process on Functions v4, as upstream builds it. Microsoft's support for the in-process model
 *   ends on 2026-11-10 (learn.microsoft.com/azure/azure-functions/dotnet-isolated-in-process-differences); the worker
 *   runtime, extension version and package are args, so a fork migrated to the isolated worker drops in.
 * - Storage: a dedicated account without shared keys: blob, queue and table private endpoints, the loader's input,
 *   output and error containers, soft delete, versioning, change feed and logs; its firewall denies by default and
 *   admits only trusted services, because Event Grid cannot deliver through a private endpoint.
 * - Events: a system topic with a system identity delivers blob-created events of `bundles/*.json` and
 *   `ndjson/*.ndjson` to the loader's queues and dead-letters to a container, with that identity's grants.
 * - Code: run from a zip in a private container, fetched with the app's identity; an optional Run Command on the
 *   jumpbox downloads a pinned build, checks its SHA-256 and writes it in-network.
 * - Settings: every connection identity-based; the loader's unused functions (export, HTTP import, Event Grid and
 *   bundle blob triggers) disabled.
 *
 * Open questions only a real deployment answers (docs/after-deploy-checks.md): the first start can race the app
 * identity's role assignments (12: restart once if the package did not mount), the package fetch over the VNet (13),
 * Event Grid delivery through the storage firewall (14), and the upload Run Command beside the jumpbox's other
 * extension operations (4).
 */
export class BulkLoader extends pulumi.ComponentResource {
    /** Azure name of the function app. */
    public readonly functionAppName: pulumi.Output<string>;
    /** Resource ID of the function app. */
    public readonly functionAppId: pulumi.Output<string>;
    /** Object ID of the function app's system-assigned identity. */
    public readonly principalId: pulumi.Output<string>;
    /** Azure name of the loader's storage account. */
    public readonly storageAccountName: pulumi.Output<string>;
    /** Resource ID of the loader's storage account. */
    public readonly storageAccountId: pulumi.Output<string>;
    /** Blob endpoint of the loader's account (`https://<account>.blob.core.windows.net`), reached through its private endpoint. */
    public readonly blobEndpoint: pulumi.Output<string>;
    /** Containers uploads go to: bundles (`*.json`), ndjson (`*.ndjson`), zip (`*.zip`). */
    public readonly uploadContainerNames: pulumi.Output<string[]>;
    /** Blob URL the function app runs from (WEBSITE_RUN_FROM_PACKAGE). */
    public readonly packageBlobUrl: pulumi.Output<string>;

    constructor(name: string, args: BulkLoaderArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:BulkLoader", name, validatedArgs("BulkLoader", name, args, bulkLoaderProblems), opts);

        // ---- defaults, applied in one place ----
        const ctx = bulkLoaderContext(args);
        const s = bulkLoaderSettings(args, ctx);

        // ---- the blocks, in creation order ----
        const store = createLoaderStorage(this, name, ctx, s);
        const codeReady = uploadCodePackage(this, name, ctx, s, store);
        const hosting = createLoaderHosting(this, name, ctx, s, store, codeReady);
        createBlobEvents(this, name, ctx, s, store);
        grantUploaders(this, name, s, store);

        // ---- outputs ----
        this.functionAppName = hosting.app.name;
        this.functionAppId = hosting.app.id;
        this.principalId = hosting.principalId;
        this.storageAccountName = store.account.name;
        this.storageAccountId = store.account.id;
        this.blobEndpoint = storageEndpoints(store.account.name).blob;
        this.uploadContainerNames = pulumi.output([...UPLOAD_CONTAINERS]);
        this.packageBlobUrl = packageBlobUrl(store.account.name, s.codePackage.blobName);
        this.registerOutputs({
            functionAppName: this.functionAppName,
            functionAppId: this.functionAppId,
            principalId: this.principalId,
            storageAccountName: this.storageAccountName,
            storageAccountId: this.storageAccountId,
            blobEndpoint: this.blobEndpoint,
            uploadContainerNames: this.uploadContainerNames,
            packageBlobUrl: this.packageBlobUrl,
        });
    }
}
