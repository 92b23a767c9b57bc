import * as pulumi from "@pulumi/pulumi";
import { UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS, blobUploadScript } from "../shared/blobUpload";
import { uploadInNetwork } from "../shared/inNetworkUpload";
import { createLock } from "../shared/lock";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount, TrustedResourceInstance, createSecureStorageAccount, fhirTrustedInstances } from "../shared/storageAccount";
import { ANONYMIZATION_CONTAINER, BLOB_ZONE, DFS_ZONE, LAKE_CONTAINERS, QUEUE_ZONE, TABLE_ZONE } from "./constants";
import { AnalyticsSyncContext, statefulOptions, zoneId } from "./context";
import { AnalyticsSyncSettings } from "./defaults";

/**
 * The lake: an ADLS Gen2 account (hierarchical namespace) without shared keys, with a container per layer.
 *
 * Network: blob and dfs private endpoints (queue and table too for the agent, which keeps its job state there); the
 * firewall denies by default and admits, through the trusted-services exception, exactly the resource instances that
 * write or read it from outside any VNet: the FHIR service (it writes `$export` output with its own identity,
 * learn.microsoft.com/azure/healthcare-apis/fhir/configure-export-data) and, when enabled, the Synapse workspace
 * (serverless SQL reads a firewalled account as a resource instance, learn.microsoft.com/azure/synapse-analytics/sql/
 * develop-storage-files-storage-access-control). Both IDs follow from names, so the account can exist before either.
 */
export function createLake(parent: pulumi.ComponentResource, name: string, ctx: AnalyticsSyncContext, s: AnalyticsSyncSettings, synapseFirewallResourceId: pulumi.Input<string> | undefined): SecureStorageAccount {
    const child: pulumi.CustomResourceOptions = { parent };
    const endpoint = (zone: string) => ({ subnetResourceId: ctx.peSubnet, privateDnsZoneResourceId: zoneId(ctx, zone) });
    const trusted: TrustedResourceInstance[] = [
        ...fhirTrustedInstances(s.fhir.workspaceResourceId, s.fhir.serviceName, ctx.tenantId),
        ...(synapseFirewallResourceId !== undefined ? [{ resourceId: synapseFirewallResourceId, tenantId: ctx.tenantId }] : []),
    ];
    const agent = s.mode === "agent";
    const lake = createSecureStorageAccount(`${name}-lake`, {
        accountName: s.lake.accountName,
        resourceGroupName: ctx.rg,
        location: ctx.location,
        tags: ctx.tags,
        zoneRedundant: ctx.zoneRedundant,
        trustedResourceInstances: trusted,
        softDeleteRetentionDays: s.lake.softDeleteRetentionDays,
        hierarchicalNamespace: true,
        versioning: false,
        containers: [...LAKE_CONTAINERS],
        workspaceResourceId: ctx.law,
        blobPrivateEndpoint: endpoint(BLOB_ZONE),
        dfsPrivateEndpoint: endpoint(DFS_ZONE),
        ...(agent ? { queuePrivateEndpoint: endpoint(QUEUE_ZONE), tablePrivateEndpoint: endpoint(TABLE_ZONE) } : {}),
    }, statefulOptions(parent, ctx), child);
    createLock(`${name}-lake`, lake.account.id, ctx.lock, child);

    // The FHIR service writes `$export` output (and reads the de-identification configs) with its system identity.
    createRoleAssignments(`${name}-lake-fhir`, lake.account.id, {
        fhir: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: s.fhir.principalId, description: "FHIR $export writes NDJSON into the analytics lake and reads its anonymization configs" },
    }, child);
    createRoleAssignments(`${name}-lake`, lake.account.id, s.roleAssignments, child);

    const { configs, uploader } = s.deidentification;
    const names = Object.keys(configs);
    if (uploader !== undefined && names.length > 0) {
        uploadInNetwork(parent, `${name}-anonymization`, {
            store: lake,
            containerName: ANONYMIZATION_CONTAINER,
            uploader,
            script: (account) => blobUploadScript(account, ANONYMIZATION_CONTAINER, names.map((n) => ({ name: n, contentType: "application/json", content: configs[n] ?? "" }))),
            runCommandName: "upload-lake-anonymization-configs",
            timeoutInSeconds: UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS,
            description: "Writes the $export anonymization configs into the analytics lake (this container only)",
            location: ctx.location,
            tags: ctx.tags,
        });
    }
    return lake;
}
