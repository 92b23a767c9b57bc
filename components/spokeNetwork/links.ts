import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { createFlowLog, flowLogArgs } from "../shared/flowLogs";
import { privateLinkResolutionPolicy } from "../shared/privateDns";
import { parseResourceId } from "../shared/workspace";
import { SpokeNetworkArgs } from "./args";
import { SpokeContext } from "./context";

/**
 * Peering both ways with the hub VNet. Without a hub gateway there is no transit. With one (`hubGatewayResourceId`),
 * the hub side allows gateway transit and the spoke side uses the remote gateway: Azure accepts that flag only once the
 * hub has a gateway and its peering allows transit, so the hub side is created first and the spoke side's
 * useRemoteGateways is derived from the gateway's ID, which makes the peering wait for the gateway
 * (learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview#gateways-and-on-premises-connectivity).
 */
export function peerWithHub(parent: pulumi.ComponentResource, name: string, ctx: SpokeContext, vnet: network.VirtualNetwork, hubVirtualNetworkId: pulumi.Input<string>, hubGatewayResourceId?: pulumi.Input<string>): network.VirtualNetworkPeering[] {
    const hub = pulumi.output(hubVirtualNetworkId).apply(parseResourceId);
    const transit = hubGatewayResourceId !== undefined ? pulumi.output(hubGatewayResourceId).apply((id) => id !== "") : undefined;
    const spokeToHub = (after?: network.VirtualNetworkPeering) => new network.VirtualNetworkPeering(`${name}-peer-spoke-to-hub`, {
        virtualNetworkPeeringName: pulumi.interpolate`peer-to-${hub.name}`,
        virtualNetworkName: vnet.name,
        resourceGroupName: ctx.rg,
        remoteVirtualNetwork: { id: hubVirtualNetworkId },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
        allowGatewayTransit: false,
        useRemoteGateways: transit ?? false,
    }, { parent, ...(after !== undefined ? { dependsOn: [after] } : {}) });
    const hubToSpoke = () => new network.VirtualNetworkPeering(`${name}-peer-hub-to-spoke`, {
        virtualNetworkPeeringName: pulumi.interpolate`peer-to-${vnet.name}`,
        virtualNetworkName: hub.name,
        resourceGroupName: hub.resourceGroupName,
        remoteVirtualNetwork: { id: vnet.id },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
        allowGatewayTransit: transit ?? false,
        useRemoteGateways: false,
    }, { parent });
    // Without a gateway, the registration order is unchanged (spoke side first); with one, the hub side comes first.
    if (transit !== undefined) {
        const hubSide = hubToSpoke();
        return [spokeToHub(hubSide), hubSide];
    }
    const spokeSide = spokeToHub();
    return [spokeSide, hubToSpoke()];
}

/** Private DNS: link the hub's zones (by zone name) to the spoke too, with fallback to internet for privatelink zones. */
export function linkPrivateDnsZones(parent: pulumi.ComponentResource, name: string, ctx: SpokeContext, vnet: network.VirtualNetwork, zoneIds: Record<string, pulumi.Input<string>>): privatedns.VirtualNetworkLink[] {
    return Object.entries(zoneIds).map(([zone, zoneId]) => {
        const zoneRg = pulumi.output(zoneId).apply((id) => parseResourceId(id).resourceGroupName);
        return new privatedns.VirtualNetworkLink(`${name}-pdns-${zone}-link-spoke`, {
            virtualNetworkLinkName: pulumi.interpolate`link-${vnet.name}`,
            privateZoneName: zone,
            resourceGroupName: zoneRg,
            location: "global",
            registrationEnabled: false,
            // Names without a record in the zone resolve publicly instead of NXDOMAIN (shared/privateDns.ts).
            ...privateLinkResolutionPolicy(zone),
            virtualNetwork: { id: vnet.id },
            tags: ctx.tags,
        }, { parent });
    });
}

/** The spoke's VNet flow log into the hub's flow-log account, when enabled. */
export function createSpokeFlowLog(parent: pulumi.ComponentResource, name: string, ctx: SpokeContext, vnet: network.VirtualNetwork, args: SpokeNetworkArgs): void {
    const storageId = args.flowLogStorageAccountResourceId;
    if (args.flowLogs?.enabled === true && storageId !== undefined) {
        createFlowLog(`${name}-vnet`, { id: vnet.id, name: vnet.name, location: ctx.location }, flowLogArgs(args.flowLogs, {
            storageAccountResourceId: storageId,
            ...(args.flowLogIdentityResourceId !== undefined ? { userAssignedIdentityResourceId: args.flowLogIdentityResourceId } : {}),
            workspaceResourceId: ctx.workspace.resourceId,
            workspaceCustomerId: ctx.workspace.customerId,
            workspaceRegion: ctx.location,
        }), ctx.tags, { parent });
    }
}
