import * as pulumi from "@pulumi/pulumi";
import { DiagnosticSettingArgs } from "../shared/diagnostics";
import { resourceName } from "../shared/naming";
import { placement } from "../shared/placement";
import { PrivateEndpointArgs } from "../shared/privateEndpoint";
import { RoleAssignmentArgs } from "../shared/roleAssignment";
import { BulkLoaderArgs, PackageUploaderArgs } from "./args";
import { DEFAULT_DISABLED_FUNCTIONS, PLAN_SKUS, SITES_ZONE } from "./constants";
import { BulkLoaderContext, zoneId } from "./context";

/** The loader's `FBI-*` behaviour with defaults applied. */
export interface LoaderSettings {
    transformBundles: boolean;
    maxBundleSize: number;
    maxResourcesPerBundle: number;
    maxFileSizeMb: number;
    maxRetries: number;
    retryMilliseconds: number;
    exponentialBackoff: boolean;
    maxConnections: number;
    maxRequeueMessageCount: number;
    poisonQueueTimerCron: string;
    bundleProcessingLogic: string;
}

/** The component's settings with every default applied (the `@default`s of args.ts). */
export interface BulkLoaderSettings {
    storageAccountName: pulumi.Input<string>;
    fhirUrl: pulumi.Input<string>;
    fhirAudience: pulumi.Input<string>;
    fhirServiceResourceId: pulumi.Input<string>;
    plan: { sku: string; tier: string; capacity: number; zoneRedundant: boolean };
    runtime: { workerRuntime: string; extensionVersion: string; netFrameworkVersion: string; inProcessNet8: boolean };
    codePackage: { blobName: string; upload: { sourceUrl: string; sha256: string; uploader: PackageUploaderArgs } | undefined };
    loader: LoaderSettings;
    disabledFunctions: string[];
    events: { maxDeliveryAttempts: number; eventTimeToLiveInMinutes: number };
    storage: { softDeleteRetentionDays: number; versioning: boolean };
    uploadPrincipals: Record<string, pulumi.Input<string>>;
    siteEndpoints: Record<string, PrivateEndpointArgs>;
    diagnostics: Record<string, DiagnosticSettingArgs>;
    roleAssignments: Record<string, RoleAssignmentArgs>;
}

/** Naming, placement, network, lock and stateful options every block uses. */
export function bulkLoaderContext(args: BulkLoaderArgs): BulkLoaderContext {
    return {
        ...placement(args),
        law: args.logAnalyticsWorkspaceResourceId,
        peSubnet: args.network.privateEndpointSubnetResourceId,
        functionSubnet: args.network.functionSubnetResourceId,
        zones: args.network.privateDnsZoneResourceIds,
        zoneRedundant: args.zoneRedundant === true,
        lock: args.lock,
        stateful: { protect: args.protectStatefulResources === true, retainOnDelete: args.retainStatefulResourcesOnDelete === true },
    };
}

/** The default name of the loader's storage account, `st<workload><env>blk<suffix>` (index.ts computes the same name once and passes it in). */
export function defaultBulkStorageAccountName(naming: BulkLoaderArgs["naming"]): pulumi.Output<string> {
    return resourceName("storageAccount", naming, "blk");
}

/** Defaults, applied in one place. */
export function bulkLoaderSettings(args: BulkLoaderArgs, ctx: BulkLoaderContext): BulkLoaderSettings {
    const sku = args.plan?.sku ?? "P1v3";
    const zoneRedundant = ctx.zoneRedundant;
    const workerRuntime = args.runtime?.workerRuntime ?? "dotnet";
    const pkg = args.codePackage ?? {};
    const sha256 = pkg.sha256?.toLowerCase();
    const l = args.loader ?? {};
    return {
        storageAccountName: args.storageAccountName ?? defaultBulkStorageAccountName(args.naming),
        fhirUrl: args.fhirUrl,
        fhirAudience: args.fhirAudience ?? args.fhirUrl,
        fhirServiceResourceId: args.fhirServiceResourceId,
        plan: { sku, tier: PLAN_SKUS[sku]?.tier ?? "", capacity: args.plan?.capacity ?? (zoneRedundant ? 3 : 1), zoneRedundant },
        runtime: {
            workerRuntime,
            extensionVersion: args.runtime?.extensionVersion ?? "~4",
            netFrameworkVersion: args.runtime?.netFrameworkVersion ?? "v8.0",
            inProcessNet8: args.runtime?.inProcessNet8 ?? workerRuntime === "dotnet",
        },
        codePackage: {
            blobName: pkg.blobName ?? (sha256 !== undefined ? `fhir-loader-${sha256.slice(0, 12)}.zip` : "fhir-loader.zip"),
            upload: pkg.sourceUrl !== undefined && sha256 !== undefined && pkg.uploader !== undefined
                ? { sourceUrl: pkg.sourceUrl, sha256, uploader: pkg.uploader } : undefined,
        },
        loader: {
            transformBundles: l.transformBundles ?? true,
            maxBundleSize: l.maxBundleSize ?? 500,
            maxResourcesPerBundle: l.maxResourcesPerBundle ?? 500,
            maxFileSizeMb: l.maxFileSizeMb ?? -1,
            maxRetries: l.maxRetries ?? 3,
            retryMilliseconds: l.retryMilliseconds ?? 500,
            exponentialBackoff: l.exponentialBackoff ?? false,
            maxConnections: l.maxConnections ?? 20,
            maxRequeueMessageCount: l.maxRequeueMessageCount ?? 100,
            poisonQueueTimerCron: l.poisonQueueTimerCron ?? "0 */2 * * * *",
            bundleProcessingLogic: l.bundleProcessingLogic ?? "",
        },
        disabledFunctions: args.disabledFunctions ?? DEFAULT_DISABLED_FUNCTIONS,
        events: { maxDeliveryAttempts: args.events?.maxDeliveryAttempts ?? 30, eventTimeToLiveInMinutes: args.events?.eventTimeToLiveInMinutes ?? 1440 },
        storage: { softDeleteRetentionDays: args.storage?.softDeleteRetentionDays ?? 30, versioning: args.storage?.versioning ?? true },
        uploadPrincipals: args.uploadPrincipals ?? {},
        siteEndpoints: args.privateEndpoints ?? { spoke: { subnetResourceId: ctx.peSubnet, service: "sites", privateDnsZoneResourceIds: [zoneId(ctx, SITES_ZONE)] } },
        diagnostics: args.diagnosticSettings ?? { law: { workspaceResourceId: ctx.law } },
        roleAssignments: args.roleAssignments ?? {},
    };
}
