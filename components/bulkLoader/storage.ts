import * as pulumi from "@pulumi/pulumi";
import { createLock } from "../shared/lock";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount, createSecureStorageAccount } from "../shared/storageAccount";
import {
    BLOB_ZONE, BUNDLE_QUEUE, DEAD_LETTER_CONTAINER, EXPORT_CONTAINER, EXPORT_TRIGGER_CONTAINER, NDJSON_QUEUE, OUTPUT_CONTAINERS, PACKAGE_CONTAINER,
    QUEUE_ZONE, TABLE_ZONE, UPLOAD_CONTAINERS,
} from "./constants";
import { BulkLoaderContext, statefulOptions, zoneId } from "./context";
import { BulkLoaderSettings } from "./defaults";

/**
 * The loader's own account: host storage (identity-based `AzureWebJobsStorage`, Durable Functions' task hub in tables
 * and queues), the input, output and error containers, the queues Event Grid fills, and the code package.
 *
 * Network: blob, queue and table private endpoints for the function app and the in-network writers; public network
 * access Enabled with the firewall denying by default, no IP or VNet rule, and the trusted-services bypass, because
 * Event Grid cannot deliver through a private endpoint and reaches the account's queues as a trusted service with its
 * system identity (learn.microsoft.com/azure/event-grid/consume-private-endpoints, .../handler-storage-queues: with a
 * storage firewall only the system-assigned identity and the trusted-services exception work). That is the one
 * narrow exception; nothing else crosses it without an Entra ID token and a data role on this account.
 */
export function createLoaderStorage(parent: pulumi.ComponentResource, name: string, ctx: BulkLoaderContext, s: BulkLoaderSettings): SecureStorageAccount {
    const child: pulumi.CustomResourceOptions = { parent };
    const endpoint = (zone: string) => ({ subnetResourceId: ctx.peSubnet, privateDnsZoneResourceId: zoneId(ctx, zone) });
    const st = createSecureStorageAccount(`${name}-st`, {
        accountName: s.storageAccountName,
        resourceGroupName: ctx.rg,
        location: ctx.location,
        tags: ctx.tags,
        zoneRedundant: ctx.zoneRedundant,
        trustedResourceInstances: [],
        allowTrustedServices: true,
        softDeleteRetentionDays: s.storage.softDeleteRetentionDays,
        versioning: s.storage.versioning,
        containers: [...UPLOAD_CONTAINERS, EXPORT_CONTAINER, EXPORT_TRIGGER_CONTAINER, ...OUTPUT_CONTAINERS, DEAD_LETTER_CONTAINER, PACKAGE_CONTAINER],
        workspaceResourceId: ctx.law,
        blobPrivateEndpoint: endpoint(BLOB_ZONE),
        queuePrivateEndpoint: endpoint(QUEUE_ZONE),
        tablePrivateEndpoint: endpoint(TABLE_ZONE),
        queues: [BUNDLE_QUEUE, NDJSON_QUEUE],
    }, statefulOptions(parent, ctx), child);
    createLock(`${name}-st`, st.account.id, ctx.lock, child);
    return st;
}

/**
 * The uploaders' access (API Management's identity behind the gateway's `/bulk` API): Storage Blob Data Contributor
 * on each upload container only, never on the account, the output or error containers, or the code package.
 */
export function grantUploaders(parent: pulumi.ComponentResource, name: string, s: BulkLoaderSettings, store: SecureStorageAccount): void {
    for (const c of UPLOAD_CONTAINERS) {
        const container = store.containers[c];
        if (container === undefined) continue;
        createRoleAssignments(`${name}-upload-${c}`, container.id, Object.fromEntries(Object.entries(s.uploadPrincipals).map(([key, principalId]) => [key, {
            roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId, description: `Uploads to the FHIR Loader's ${c} container (this container only)`,
        }])), { parent });
    }
}
