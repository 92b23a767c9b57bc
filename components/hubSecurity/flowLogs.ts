import * as pulumi from "@pulumi/pulumi";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as storage from "@pulumi/azure-native/storage";
import { FlowLogSettingsArgs, createFlowLog, flowLogArgs } from "../shared/flowLogs";
import { resourceName } from "../shared/naming";
import { createRoleAssignments } from "../shared/roleAssignment";
import { STORAGE_ACCOUNT_BASELINE, createStorageDiagnostics } from "../shared/storageAccount";
import { HubContext } from "./context";

/** The flow-log sink the spoke reuses; empty strings when flow logs are off. */
export interface HubFlowLogs {
    storageAccountId: pulumi.Output<string>;
    /** The writer identity's ID, released only once its write access exists. */
    identityId: pulumi.Output<string>;
}

/**
 * VNet flow logs for the hub: storage without shared keys, written by a user-assigned identity. Nothing is created
 * when flow logs are off.
 */
export function createHubFlowLogs(parent: pulumi.ComponentResource, name: string, ctx: HubContext, flow: FlowLogSettingsArgs, vnet: network.VirtualNetwork): HubFlowLogs {
    if (flow.enabled !== true) return { storageAccountId: pulumi.output(""), identityId: pulumi.output("") };
    const { naming, rg, location, tags, zones } = ctx;
    const account = new storage.StorageAccount(`${name}-st-flowlogs`, {
        accountName: resourceName("storageAccount", naming, "flow"),
        resourceGroupName: rg,
        location,
        ...STORAGE_ACCOUNT_BASELINE,
        sku: { name: zones !== undefined ? "Standard_ZRS" : "Standard_LRS" },
        // Network Watcher writes as a trusted Azure service, which only works through the public endpoint's
        // trusted-services exception; no IP or VNet rule opens it to anything else.
        publicNetworkAccess: "Enabled",
        networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
        // Double encryption at rest (service + infrastructure), as for every account in the platform.
        encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true, services: { blob: { enabled: true, keyType: "Account" } } },
        tags,
    }, { parent, ...ctx.stateful });
    // Account-level settings take metrics only; the blob logs live on the blob service.
    createStorageDiagnostics(`${name}-st-flowlogs`, account.id, pulumi.interpolate`${account.id}/blobServices/default`, ctx.workspace.resourceId, { parent });
    const identity = new managedidentity.UserAssignedIdentity(`${name}-id-flowlogs`, {
        resourceName: resourceName("userAssignedIdentity", naming, "flow"),
        resourceGroupName: rg,
        location,
        tags,
    }, { parent });
    const writer = createRoleAssignments(`${name}-st-flowlogs`, account.id, {
        writer: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: identity.principalId, description: "VNet flow logs write blobs without shared keys" },
    }, { parent })["writer"];
    if (writer === undefined) throw new Error(`HubSecurity ${name}: the flow-log writer role assignment was not created`);
    // The identity's ID, released only once its write access exists: every flow log that names it (the hub's
    // below, the spoke's through the flowLogIdentityId output) depends on the role assignment, so Network Watcher
    // is never configured to write with an identity that may not write yet (role assignments take effect on create).
    const identityId = pulumi.all([identity.id, writer.id]).apply(([id]) => id);
    createFlowLog(`${name}-vnet`, { id: vnet.id, name: vnet.name, location }, flowLogArgs(flow, {
        storageAccountResourceId: account.id,
        userAssignedIdentityResourceId: identityId,
        workspaceResourceId: ctx.workspace.resourceId,
        workspaceCustomerId: ctx.workspace.customerId,
        workspaceRegion: location,
    }), tags, { parent, dependsOn: [writer] });
    return { storageAccountId: account.id, identityId };
}
