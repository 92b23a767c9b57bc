import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import * as inputs from "@pulumi/azure-native/types/input";
import { createDiagnosticSettings } from "./diagnostics";
import { keepInputShape } from "./inputShape";
import { PrivateEndpointResources, createPrivateEndpoints } from "./privateEndpoint";

/** An Azure resource that reaches the account through the trusted-services exception (a resource instance rule). */
export interface TrustedResourceInstance {
    resourceId: pulumi.Input<string>;
    tenantId: pulumi.Input<string>;
}

/**
 * The resource instance rules that let a FHIR service of a Health Data Services workspace reach an account it reads
 * (`$import`) or writes (`$export`, analytics lakes). Microsoft's procedure ("Secure the FHIR service $export/$import
 * operation", learn.microsoft.com/azure/healthcare-apis/fhir/configure-export-data and configure-import-data) names the
 * FHIR service instance, `Microsoft.HealthcareApis/workspaces/fhirservices` `<workspace>/<service>`: its system-assigned
 * identity signs the requests, and the storage firewall matches the instance the token belongs to. The workspace
 * itself is listed too (the portal's "Microsoft.HealthcareApis/workspaces" instance type). Both IDs follow from names,
 * so they are known before the FHIR service exists (the service depends on the account, not the other way round).
 */
export function fhirTrustedInstances(workspaceId: pulumi.Input<string>, fhirServiceName: string, tenantId: pulumi.Input<string>): TrustedResourceInstance[] {
    return [
        { resourceId: workspaceId, tenantId },
        { resourceId: pulumi.interpolate`${workspaceId}/fhirservices/${fhirServiceName}`, tenantId },
    ];
}

/**
 * Settings every storage account in the platform carries: StorageV2, HTTPS only, TLS 1.2, no anonymous blob access,
 * Entra ID only (no shared keys, OAuth by default in the portal), no replication to other tenants.
 */
export const STORAGE_ACCOUNT_BASELINE = {
    kind: "StorageV2",
    minimumTlsVersion: "TLS1_2",
    enableHttpsTrafficOnly: true,
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    defaultToOAuthAuthentication: true,
    allowCrossTenantReplication: false,
} as const;

/** Plain settings of a PHI storage account (a building block, not a component: the owning component's args map onto it). */
export interface SecureStorageAccountSettings {
    accountName: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    tags: Record<string, pulumi.Input<string>>;
    /** ZRS instead of LRS. */
    zoneRedundant: boolean;
    /**
     * Azure services that must reach the account although they are not in any VNet (Health Data Services reads
     * `$import` input and writes `$export` output this way). Empty: public network access is Disabled and only the
     * private endpoint reaches the account.
     */
    trustedResourceInstances: TrustedResourceInstance[];
    /** Blob soft delete for blobs and containers, in days (1-365). */
    softDeleteRetentionDays: number;
    /** Blob versioning: overwritten or deleted blobs stay recoverable. */
    versioning: boolean;
    /** Private containers to create. */
    containers: string[];
    /** Central Log Analytics workspace for account metrics and blob logs. */
    workspaceResourceId: pulumi.Input<string>;
    /** Blob private endpoint: subnet and `privatelink.blob.core.windows.net` zone. */
    blobPrivateEndpoint: { subnetResourceId: pulumi.Input<string>; privateDnsZoneResourceId: pulumi.Input<string> };
    /**
     * Admit Azure's trusted services (`bypass: AzureServices`) with public network access Enabled and the firewall's
     * default action Deny, without naming resource instances: for an account an Azure service writes with its own
     * managed identity although it cannot use a private endpoint (Event Grid delivering blob events to the account's
     * queues, learn.microsoft.com/azure/event-grid/consume-private-endpoints). No IP or VNet rule is opened either way.
     * @default false (only trustedResourceInstances open the trusted-services path)
     */
    allowTrustedServices?: boolean;
    /** Queue private endpoint (`privatelink.queue.core.windows.net`), for Functions host storage and queue triggers. @default none */
    queuePrivateEndpoint?: { subnetResourceId: pulumi.Input<string>; privateDnsZoneResourceId: pulumi.Input<string> };
    /** Table private endpoint (`privatelink.table.core.windows.net`), for Durable Functions' task hub. @default none */
    tablePrivateEndpoint?: { subnetResourceId: pulumi.Input<string>; privateDnsZoneResourceId: pulumi.Input<string> };
    /** Storage queues to create. @default [] */
    queues?: string[];
    /**
     * Hierarchical namespace (ADLS Gen2, `isHnsEnabled`; fixed at creation). Blob versioning and change feed are not
     * supported on such accounts (learn.microsoft.com/azure/storage/blobs/storage-feature-support-in-storage-accounts),
     * so they stay off and `versioning` must be false; soft delete for blobs and containers is supported and stays on.
     * @default false
     */
    hierarchicalNamespace?: boolean;
    /** Data Lake (`dfs`) private endpoint (`privatelink.dfs.core.windows.net`): ADLS Gen2 clients (Synapse, `abfss://`) use it; Microsoft asks for a blob endpoint beside it (learn.microsoft.com/azure/storage/common/storage-private-endpoints). @default none */
    dfsPrivateEndpoint?: { subnetResourceId: pulumi.Input<string>; privateDnsZoneResourceId: pulumi.Input<string> };
}

export interface SecureStorageAccount {
    account: storage.StorageAccount;
    blobService: storage.BlobServiceProperties;
    containers: Record<string, storage.BlobContainer>;
    /** The blob private endpoint and its DNS zone group (writers in the network depend on both). */
    blobEndpoint: PrivateEndpointResources;
    /** Every private endpoint by sub-resource (`blob`, and `queue`/`table`/`dfs` when asked for). */
    endpoints: Record<string, PrivateEndpointResources>;
    /** The queues created, by name. */
    queues: Record<string, storage.Queue>;
}

/**
 * Diagnostics for a storage account. Azure exposes only metrics on the account itself; the read/write/delete logs
 * that audit PHI access live on the blob service (`<account>/blobServices/default`, categories StorageRead,
 * StorageWrite, StorageDelete), so both settings are needed (learn.microsoft.com/azure/storage/blobs/monitor-blob-storage).
 */
export function createStorageDiagnostics(prefix: string, accountId: pulumi.Input<string>, blobServiceId: pulumi.Input<string>, workspaceResourceId: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): void {
    createDiagnosticSettings(`${prefix}-account`, accountId, {
        law: { workspaceResourceId, logCategoryGroups: [], metricCategories: ["Transaction"] },
    }, opts);
    createDiagnosticSettings(`${prefix}-blob`, blobServiceId, {
        law: { workspaceResourceId, logCategoryGroups: ["allLogs"], metricCategories: ["Transaction"] },
    }, opts);
}

/**
 * A storage account for PHI: HTTPS only, TLS 1.2, no anonymous blob access, no shared keys (Entra ID only), double
 * encryption at rest, no cross-tenant replication, blob soft delete + versioning, a blob private endpoint,
 * diagnostics to Log Analytics.
 *
 * Network: with no trusted instances, public network access is Disabled. Health Data Services is outside every
 * VNet and reaches storage only through the trusted-services exception scoped by a resource instance rule, which
 * Azure evaluates only when public network access is Enabled with the firewall's default action Deny
 * (learn.microsoft.com/azure/healthcare-apis/fhir/configure-export-data, configure-import-data: "allowing the FHIR
 * service as a Microsoft trusted service"; learn.microsoft.com/azure/storage/common/storage-network-security).
 * Such an account opens no IP or VNet rule: only the listed resource instances and the private endpoint get in.
 * `allowTrustedServices` opens the same path without naming instances, for a service whose instance cannot be named
 * (Event Grid system topics delivering to the account's own queues with their system identity).
 */
export function createSecureStorageAccount(prefix: string, s: SecureStorageAccountSettings, opts: pulumi.CustomResourceOptions, childOpts: pulumi.CustomResourceOptions): SecureStorageAccount {
    const hns = s.hierarchicalNamespace === true;
    if (hns && s.versioning) throw new Error(`${prefix}: blob versioning is not supported on an account with a hierarchical namespace`);
    const trusted = s.trustedResourceInstances.length > 0 || s.allowTrustedServices === true;
    // Every field azure-native's defaults would fill in (bypass, defaultAction) is set, so the rule set can go to the
    // engine as written: at a first preview only the instance IDs are unknown and the pack decides on the rest.
    const networkRuleSet: inputs.storage.NetworkRuleSetArgs = {
        defaultAction: "Deny",
        bypass: trusted ? "AzureServices" : "None",
        ipRules: [],
        virtualNetworkRules: [],
        resourceAccessRules: s.trustedResourceInstances.map((r) => ({ resourceId: r.resourceId, tenantId: r.tenantId })),
    };
    const account = new storage.StorageAccount(prefix, {
        accountName: s.accountName,
        resourceGroupName: s.resourceGroupName,
        location: s.location,
        ...STORAGE_ACCOUNT_BASELINE,
        sku: { name: s.zoneRedundant ? "Standard_ZRS" : "Standard_LRS" },
        accessTier: "Hot",
        // Copies only within the same Entra tenant, so data cannot be copied out with a SAS to a foreign account.
        allowedCopyScope: "AAD",
        isLocalUserEnabled: false,
        isSftpEnabled: false,
        ...(hns ? { isHnsEnabled: true } : {}),
        publicNetworkAccess: trusted ? "Enabled" : "Disabled",
        networkRuleSet,
        encryption: {
            keySource: "Microsoft.Storage",
            requireInfrastructureEncryption: true,
            services: { blob: { enabled: true, keyType: "Account" }, file: { enabled: true, keyType: "Account" } },
        },
        tags: s.tags,
    }, { ...opts, transformations: [...(opts.transformations ?? []), keepInputShape("networkRuleSet", networkRuleSet)] });
    const blobService = new storage.BlobServiceProperties(`${prefix}-blob`, {
        accountName: account.name,
        resourceGroupName: s.resourceGroupName,
        blobServicesName: "default",
        deleteRetentionPolicy: { enabled: true, days: s.softDeleteRetentionDays },
        containerDeleteRetentionPolicy: { enabled: true, days: s.softDeleteRetentionDays },
        isVersioningEnabled: s.versioning,
        // Change feed: an append-only log of every blob change, kept for PHI audit and point-in-time investigations
        // (not available with a hierarchical namespace, where the blob logs below are the audit trail).
        changeFeed: hns ? { enabled: false } : { enabled: true, retentionInDays: s.softDeleteRetentionDays },
    }, childOpts);
    const containers: Record<string, storage.BlobContainer> = {};
    for (const c of s.containers) {
        containers[c] = new storage.BlobContainer(`${prefix}-${c}`, {
            accountName: account.name,
            resourceGroupName: s.resourceGroupName,
            containerName: c,
            publicAccess: "None",
        }, { ...childOpts, dependsOn: [blobService] });
    }
    const queues: Record<string, storage.Queue> = {};
    for (const q of s.queues ?? []) {
        queues[q] = new storage.Queue(`${prefix}-q-${q}`, { accountName: account.name, resourceGroupName: s.resourceGroupName, queueName: q }, childOpts);
    }
    createStorageDiagnostics(prefix, account.id, blobService.id, s.workspaceResourceId, childOpts);
    const endpoint = (service: string, e: { subnetResourceId: pulumi.Input<string>; privateDnsZoneResourceId: pulumi.Input<string> }) =>
        ({ subnetResourceId: e.subnetResourceId, service, privateDnsZoneResourceIds: [e.privateDnsZoneResourceId] });
    const endpoints = createPrivateEndpoints(prefix, { id: account.id, name: account.name, resourceGroupName: s.resourceGroupName, location: s.location, tags: s.tags }, {
        blob: endpoint("blob", s.blobPrivateEndpoint),
        ...(s.queuePrivateEndpoint !== undefined ? { queue: endpoint("queue", s.queuePrivateEndpoint) } : {}),
        ...(s.tablePrivateEndpoint !== undefined ? { table: endpoint("table", s.tablePrivateEndpoint) } : {}),
        ...(s.dfsPrivateEndpoint !== undefined ? { dfs: endpoint("dfs", s.dfsPrivateEndpoint) } : {}),
    }, childOpts);
    // Queue and table data-plane logs live on their services (`<account>/queueServices/default`, `.../tableServices/default`),
    // like the blob logs (learn.microsoft.com/azure/storage/queues/monitor-queue-storage, .../tables/monitor-table-storage).
    for (const service of [...(s.queuePrivateEndpoint !== undefined ? ["queue"] : []), ...(s.tablePrivateEndpoint !== undefined ? ["table"] : [])]) {
        createDiagnosticSettings(`${prefix}-${service}`, pulumi.interpolate`${account.id}/${service}Services/default`, {
            law: { workspaceResourceId: s.workspaceResourceId, logCategoryGroups: ["allLogs"], metricCategories: ["Transaction"] },
        }, childOpts);
    }
    const blobEndpoint = endpoints["blob"];
    if (blobEndpoint === undefined) throw new Error(`${prefix}: blob private endpoint was not created`);
    return { account, blobService, containers, blobEndpoint, endpoints, queues };
}
