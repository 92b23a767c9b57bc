import { UNKNOWN, denyAllRuleSet, dependsOn, enumEquals, groupIdsOf, peek, privateLinksTo, prop, publicAccessOpen, resourceKey } from "./common";
import { resourceRule, stackRule } from "./define";

/**
 * A resource instance rule names one Azure resource (`/subscriptions/<sub>/resourceGroups/<rg>/providers/...`).
 * Wildcards (a `*` for the subscription or name) would admit every instance of a service type, in any tenant's subscription.
 * A value still unknown at preview is accepted here: at a first preview the IDs of resources yet to be created are
 * unknown (the wildcard cases are literal strings, known at preview).
 */
function scopedToInstance(rule: unknown): boolean {
    // Read past the unknown-checking proxy: an unknown ID is still a named instance, and the firewall's known fields
    // (default action, IP and VNet rules) decide at preview.
    const id = peek(rule, "resourceId");
    if (id === UNKNOWN) return true;
    if (typeof id !== "string") return false;
    return !id.includes("*") && /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+/i.test(id);
}

/**
 * True when the account's firewall denies by default and opens no IP or VNet rule: only trusted Azure services get
 * through, optionally narrowed to named resource instances (how Health Data Services reaches $import/$export storage).
 */
function trustedServicesOnly(props: Record<string, unknown>): boolean {
    const instances = prop(props, "networkRuleSet.resourceAccessRules");
    return denyAllRuleSet(prop(props, "networkRuleSet")) && (instances === undefined || (Array.isArray(instances) && instances.every(scopedToInstance)));
}

const ACCOUNT = ["storage:StorageAccount"];

export const storageNoPublicNetworkAccess = resourceRule({
    name: "storage-no-public-network-access",
    area: "storage",
    description: "Storage accounts disable public network access and are reached through private endpoints; the only exception is an account whose firewall denies everything except trusted Azure services, optionally narrowed to named resource instances (Network Watcher flow logs, Health Data Services $import/$export).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab", "09.w"], azurePolicy: ["b2982f36"], checkov: ["CKV_AZURE_59"] },
    types: ACCOUNT,
    remediation: "Set publicNetworkAccess: \"Disabled\" and add a private endpoint for each storage sub-resource in use. For accounts only Azure platform services reach, keep networkRuleSet.defaultAction \"Deny\" with no IP or VNet rules, and resource-instance rules only for specific resource IDs (no wildcards).",
    check: (r, _c, report) => {
        const open = publicAccessOpen(r.props);
        if (open === undefined) return;
        // Enabled (or omitted, Azure's default) is acceptable only when the firewall leaves nothing but the
        // trusted-services exception open (learn.microsoft.com/azure/storage/common/storage-network-security#trusted-access).
        if (trustedServicesOnly(r.props)) return;
        report(`storage account "${r.name}" has publicNetworkAccess ${open} and its firewall is not limited to trusted services (default Deny, no IP/VNet rules, resource-instance rules without wildcards); set publicNetworkAccess to "Disabled"`);
    },
});

export const storageNetworkDefaultDeny = resourceRule({
    name: "storage-network-default-deny",
    area: "storage",
    description: "Storage account firewalls deny by default, so turning public access back on (or an API default) never opens the account to every network.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "09.m"], azurePolicy: ["34c877ad", "60d21c4f"], checkov: ["CKV_AZURE_35"] },
    types: ACCOUNT,
    remediation: "Set networkRuleSet: { defaultAction: \"Deny\", bypass: \"AzureServices\" } (also on private-endpoint-only accounts).",
    check: (r, _c, report) => {
        const v = prop(r.props, "networkRuleSet.defaultAction");
        if (!enumEquals(v, "Deny")) report(`storage account "${r.name}" firewall default action is ${v === undefined ? "Allow (unset)" : String(v)}`);
    },
});

export const storageInfrastructureEncryption = resourceRule({
    name: "storage-infrastructure-encryption",
    area: "storage",
    description: "Storage accounts encrypt data twice (service and infrastructure layers, different keys and algorithms); this can only be chosen when the account is created.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["06.c", "09.y"], azurePolicy: ["4733ea7b"], checkov: [] },
    types: ACCOUNT,
    remediation: "Set encryption.requireInfrastructureEncryption: true when creating the account (changing it replaces the account).",
    check: (r, _c, report) => {
        if (prop(r.props, "encryption.requireInfrastructureEncryption") !== true) report(`storage account "${r.name}" has no infrastructure (double) encryption`);
    },
});

export const storageHttpsOnly = resourceRule({
    name: "storage-https-only",
    area: "storage",
    description: "Storage accounts accept HTTPS only (set explicitly, so the plan shows it).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.y"], azurePolicy: ["404c3081"], checkov: ["CKV_AZURE_3"] },
    types: ACCOUNT,
    remediation: "Set enableHttpsTrafficOnly: true.",
    check: (r, _c, report) => { if (r.props["enableHttpsTrafficOnly"] !== true) report(`storage account "${r.name}" does not set enableHttpsTrafficOnly: true`); },
});

export const storageMinTls = resourceRule({
    name: "storage-min-tls-1-2",
    area: "storage",
    description: "Storage accounts refuse TLS below 1.2 (Azure's default for older API versions was TLS 1.0).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.y", "01.n"], azurePolicy: ["fe83a0eb"], checkov: ["CKV_AZURE_44"] },
    types: ACCOUNT,
    remediation: "Set minimumTlsVersion: \"TLS1_2\".",
    check: (r, _c, report) => {
        const v = r.props["minimumTlsVersion"];
        if (!enumEquals(v, "TLS1_2") && !enumEquals(v, "TLS1_3")) report(`storage account "${r.name}" allows ${v === undefined ? "TLS 1.0 (unset)" : String(v)}`);
    },
});

export const storageNoPublicBlob = resourceRule({
    name: "storage-no-public-blob",
    area: "storage",
    description: "No anonymous blob access: accounts disallow it and containers never grant it.",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "01.m", "01.n", "01.o", "09.ab", "09.w"], azurePolicy: ["4fa4b6c0"], checkov: ["CKV_AZURE_190", "CKV2_AZURE_47", "CKV_AZURE_34"] },
    types: ["storage:StorageAccount", "storage:BlobContainer"],
    remediation: "Set allowBlobPublicAccess: false on the account and publicAccess: \"None\" (or omit it) on containers.",
    check: (r, _c, report) => {
        if (r.typeKey === "storage:StorageAccount" && r.props["allowBlobPublicAccess"] !== false) report(`storage account "${r.name}" does not set allowBlobPublicAccess: false`);
        const access = r.props["publicAccess"];
        if (r.typeKey === "storage:BlobContainer" && access !== undefined && !enumEquals(access, "None")) report(`container "${r.name}" grants anonymous ${String(access)} access`);
    },
});

export const storageNoSharedKey = resourceRule({
    name: "storage-no-shared-key",
    area: "storage",
    description: "Storage accounts accept Entra ID only: no account keys or key-signed SAS that bypass RBAC and audit.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "01.q", "09.ab"], azurePolicy: ["8c6a50c6"], checkov: ["CKV2_AZURE_40"] },
    types: ACCOUNT,
    remediation: "Set allowSharedKeyAccess: false (and defaultToOAuthAuthentication: true).",
    check: (r, _c, report) => { if (r.props["allowSharedKeyAccess"] !== false) report(`storage account "${r.name}" allows shared-key access`); },
});

export const storageNoCrossTenantReplication = resourceRule({
    name: "storage-no-cross-tenant-replication",
    area: "storage",
    description: "Object replication to accounts in other Entra tenants is off (a PHI exfiltration path).",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "09.ab"], azurePolicy: ["92a89a79"], checkov: [] },
    types: ACCOUNT,
    remediation: "Set allowCrossTenantReplication: false.",
    check: (r, _c, report) => { if (r.props["allowCrossTenantReplication"] !== false) report(`storage account "${r.name}" allows cross-tenant replication`); },
});

export const storageBlobRecovery = resourceRule<{ minDays: number }>({
    name: "storage-blob-recovery",
    area: "storage",
    description: "Blob services keep deleted blobs and containers recoverable: soft delete for at least the configured days, soft-deleted blobs not permanently deletable (versioning: storage-blob-versioning).",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.l", "12.b"], azurePolicy: [], checkov: ["CKV2_AZURE_38"] },
    types: ["storage:BlobServiceProperties"],
    remediation: "Set deleteRetentionPolicy and containerDeleteRetentionPolicy { enabled: true, days ≥ minDays } (leave deleteRetentionPolicy.allowPermanentDelete unset or false).",
    config: { minDays: { type: "integer", minimum: 1, maximum: 365, default: 7 } },
    check: (r, c, report) => {
        for (const k of ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"]) {
            const p = r.props[k] as Record<string, unknown> | undefined;
            if (p?.["enabled"] !== true || typeof p["days"] !== "number" || p["days"] < c.minDays) report(`blob service "${r.name}" ${k} is not enabled for at least ${c.minDays} days`);
        }
        // Permanent delete lets a caller purge soft-deleted blob versions and snapshots before their retention ends (ARM
        // DeleteRetentionPolicy.allowPermanentDelete: "allows deletion of the soft deleted blob versions and snapshots",
        // default false; learn.microsoft.com/azure/storage/blobs/soft-delete-blob-overview, "Permanent delete"), so soft
        // delete no longer guarantees recovery. It applies to the blob service's policy only
        // (ARM: "does not apply to containers or file share"), so containerDeleteRetentionPolicy is not read for it.
        if (prop(r.props, "deleteRetentionPolicy.allowPermanentDelete") === true) report(`blob service "${r.name}" deleteRetentionPolicy allows permanent delete of soft-deleted blob versions and snapshots`);
    },
});

/**
 * Versioning needs the account: Azure offers no blob versioning on an account with a hierarchical namespace (ADLS
 * Gen2; learn.microsoft.com/azure/storage/blobs/storage-feature-support-in-storage-accounts, and versioning-overview:
 * "not currently supported" with a hierarchical namespace), so a resource rule on the blob service alone could only
 * demand the impossible of a lake or excuse every account.
 */
export const storageBlobVersioning = stackRule({
    name: "storage-blob-versioning",
    area: "storage",
    description: "Blob services version overwritten blobs, except on accounts with a hierarchical namespace (ADLS Gen2), where Azure offers no versioning and soft delete is the recovery.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.l", "12.b"], azurePolicy: [], checkov: ["CKV2_AZURE_38"] },
    types: ["storage:BlobServiceProperties", "storage:StorageAccount"],
    remediation: "Set isVersioningEnabled: true on the account's blob service (storage:BlobServiceProperties); an account with isHnsEnabled: true is exempt.",
    check: (resources, _c, report, exempt) => {
        const accounts = resources.filter((r) => resourceKey(r) === "storage:StorageAccount");
        for (const bs of resources.filter((r) => resourceKey(r) === "storage:BlobServiceProperties")) {
            if (exempt(bs) || bs.props["isVersioningEnabled"] === true) continue;
            // The account by dependency (known at preview) or by name.
            const account = accounts.find((a) => dependsOn(bs, a, "accountName") || (typeof bs.props["accountName"] === "string" && bs.props["accountName"] === a.props["accountName"]));
            if (account?.props["isHnsEnabled"] === true) continue;
            report(`blob service "${bs.name}" has no blob versioning`, bs.urn);
        }
    },
});

/** The private-link sub-resources an ADLS Gen2 (hierarchical namespace) account needs endpoints for. */
const LAKE_GROUPS = ["blob", "dfs"];

/**
 * An ADLS Gen2 account is reached on two endpoints: Data Lake clients (ABFS drivers, Synapse serverless SQL and Spark)
 * use `dfs`, and operations sent to the dfs endpoint can be redirected to the `blob` endpoint, so Microsoft's guidance
 * is that a private endpoint for the Data Lake Storage (dfs) endpoint comes with one for blob
 * (learn.microsoft.com/azure/storage/common/storage-private-endpoints, "Creating a private endpoint"). With only one
 * of them, the other name resolves to the account's public endpoint, which the firewall refuses (or, worse, admits).
 */
export const storageLakePrivateEndpoints = stackRule({
    name: "storage-lake-private-endpoints",
    area: "storage",
    description: "Every storage account with a hierarchical namespace (ADLS Gen2, isHnsEnabled) has private endpoints for both its blob and its dfs (Data Lake) sub-resources: Data Lake clients and Synapse use dfs, which calls into blob.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.m"], azurePolicy: ["6edd7eda"], checkov: [] },
    types: ["storage:StorageAccount", "network:PrivateEndpoint"],
    remediation: "Add a network:PrivateEndpoint per sub-resource, privateLinkServiceConnections [{ privateLinkServiceId: <account id>, groupIds: [\"blob\"] }] and [{ …, groupIds: [\"dfs\"] }], each with a DNS zone group (privatelink.blob.core.windows.net, privatelink.dfs.core.windows.net).",
    check: (resources, _c, report, exempt) => {
        const endpoints = resources.filter((r) => resourceKey(r) === "network:PrivateEndpoint");
        for (const a of resources.filter((r) => resourceKey(r) === "storage:StorageAccount" && r.props["isHnsEnabled"] === true)) {
            if (exempt(a)) continue;
            // Group IDs are literal strings in every endpoint we know of; one unknown at preview covers neither sub-resource.
            const groups = new Set(privateLinksTo(endpoints, a).flatMap((l) => groupIdsOf(l.connections)));
            const missing = LAKE_GROUPS.filter((g) => !groups.has(g));
            if (missing.length > 0) report(`storage account "${a.name}" has a hierarchical namespace (ADLS Gen2) but no private endpoint for ${missing.join(", ")}`, a.urn);
        }
    },
});
