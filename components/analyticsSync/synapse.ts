import * as pulumi from "@pulumi/pulumi";
import * as synapse from "@pulumi/azure-native/synapse";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { createLock } from "../shared/lock";
import { resourceName } from "../shared/naming";
import { createPrivateEndpoints } from "../shared/privateEndpoint";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount } from "../shared/storageAccount";
import { PARQUET_CONTAINER, RAW_CONTAINER, SYNAPSE_CONTAINER, SYNAPSE_DEV_ZONE, SYNAPSE_SQL_ZONE, SYNAPSE_WEB_ZONE } from "./constants";
import { AnalyticsSyncContext, statefulOptions, zoneId } from "./context";
import { AnalyticsSyncSettings } from "./defaults";

/**
 * The Synapse workspace's Azure name and the ID the lake's resource-instance rule names it by, before it exists. The
 * rule spells `resourcegroups` in lower case, unlike ARM's own ID: serverless SQL matches it only so
 * (learn.microsoft.com/azure/synapse-analytics/sql/develop-storage-files-storage-access-control, "Firewall protected
 * storage": "It's important to write resourcegroups in lower case").
 */
export function synapseWorkspaceIdentity(ctx: AnalyticsSyncContext): { name: pulumi.Output<string>; firewallResourceId: pulumi.Output<string> } {
    const name = resourceName("synapseWorkspace", ctx.naming);
    return { name, firewallResourceId: pulumi.interpolate`/subscriptions/${ctx.subscriptionId}/resourcegroups/${ctx.rg}/providers/Microsoft.Synapse/workspaces/${name}` };
}

/**
 * Synapse serverless over the lake: a workspace created with a managed VNet and data exfiltration protection (both
 * fixed at creation), Entra ID authentication only, public network access Disabled, the configured group as initial
 * Synapse Administrator, and the lake's `synapse` container as its default file system. No dedicated SQL pool.
 *
 * - Private endpoints: `Sql` and `SqlOnDemand` (privatelink.sql.azuresynapse.net), `Dev` (privatelink.dev.azuresynapse.net),
 *   and a private link hub with `web` (privatelink.azuresynapse.net) for Synapse Studio
 *   (learn.microsoft.com/azure/synapse-analytics/security/synapse-private-link-hubs).
 * - Lake access with the workspace identity: Storage Blob Data Contributor on its default file system, Reader on the
 *   raw and parquet layers (Contributor on parquet for CETAS), learn.microsoft.com/azure/synapse-analytics/security/
 *   how-to-grant-workspace-managed-identity-permissions; the lake's firewall admits the workspace as a resource instance.
 */
export function createSynapse(parent: pulumi.ComponentResource, name: string, ctx: AnalyticsSyncContext, s: AnalyticsSyncSettings, lake: SecureStorageAccount): synapse.Workspace {
    const child: pulumi.CustomResourceOptions = { parent };
    const ws = new synapse.Workspace(`${name}-synapse`, {
        workspaceName: synapseWorkspaceIdentity(ctx).name,
        resourceGroupName: ctx.rg,
        location: ctx.location,
        identity: { type: "SystemAssigned" },
        managedVirtualNetwork: "default",
        managedVirtualNetworkSettings: { preventDataExfiltration: true, allowedAadTenantIdsForLinking: s.synapse.allowedTenantIdsForLinking, linkedAccessCheckOnTargetResource: true },
        publicNetworkAccess: "Disabled",
        azureADOnlyAuthentication: true,
        cspWorkspaceAdminProperties: { initialWorkspaceAdminObjectId: s.synapse.adminGroupObjectId },
        defaultDataLakeStorage: {
            accountUrl: pulumi.interpolate`https://${lake.account.name}.dfs.core.windows.net`,
            filesystem: SYNAPSE_CONTAINER,
            resourceId: lake.account.id,
            // The managed VNet reaches the lake through a managed private endpoint Synapse creates (and the lake approves).
            createManagedPrivateEndpoint: true,
        },
        trustedServiceBypassEnabled: false,
        tags: ctx.tags,
    }, statefulOptions(parent, ctx));
    createLock(`${name}-synapse`, ws.id, ctx.lock, child);
    createDiagnosticSettings(`${name}-synapse`, ws.id, s.diagnostics, child);

    const principalId = ws.identity.apply((i) => i?.principalId ?? "");
    const grant = (container: string, role: string, description: string) => {
        const c = lake.containers[container];
        if (c !== undefined) createRoleAssignments(`${name}-synapse-${container}`, c.id, { synapse: { roleDefinitionIdOrName: role, principalId, description } }, child);
    };
    grant(SYNAPSE_CONTAINER, "Storage Blob Data Contributor", "Synapse's default file system");
    grant(RAW_CONTAINER, "Storage Blob Data Reader", "Serverless SQL reads the $export NDJSON");
    grant(PARQUET_CONTAINER, s.synapse.writeParquet ? "Storage Blob Data Contributor" : "Storage Blob Data Reader", "Serverless SQL reads (CETAS writes) the Parquet layer");

    const target = { id: ws.id, name: ws.name, resourceGroupName: ctx.rg, location: ctx.location, tags: ctx.tags };
    createPrivateEndpoints(`${name}-synapse`, target, {
        sql: { subnetResourceId: ctx.peSubnet, service: "Sql", privateDnsZoneResourceIds: [zoneId(ctx, SYNAPSE_SQL_ZONE)] },
        sqlondemand: { subnetResourceId: ctx.peSubnet, service: "SqlOnDemand", privateDnsZoneResourceIds: [zoneId(ctx, SYNAPSE_SQL_ZONE)] },
        dev: { subnetResourceId: ctx.peSubnet, service: "Dev", privateDnsZoneResourceIds: [zoneId(ctx, SYNAPSE_DEV_ZONE)] },
    }, child);
    const hub = new synapse.PrivateLinkHub(`${name}-synapse-hub`, {
        privateLinkHubName: resourceName("synapsePrivateLinkHub", ctx.naming),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        tags: ctx.tags,
    }, child);
    createPrivateEndpoints(`${name}-synapse-hub`, { id: hub.id, name: hub.name, resourceGroupName: ctx.rg, location: ctx.location, tags: ctx.tags }, {
        web: { subnetResourceId: ctx.peSubnet, service: "web", privateDnsZoneResourceIds: [zoneId(ctx, SYNAPSE_WEB_ZONE)] },
    }, child);
    return ws;
}
