import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { resourceName } from "../shared/naming";
import { DENY_ALL_INBOUND, NsgRuleSpec, createSubnetNsg } from "../shared/nsgRules";
import { addressAt, mustParseCidr } from "../shared/cidr";
import { HubNetworkArgs } from "./args";
import { HubContext, hubDiagnostics } from "./context";

/** NSG rules of the hub subnets, each with the document that requires it. Pure, so tests read exactly what Azure receives. */
export function hubNsgRules(n: HubNetworkArgs): { bastion: Record<string, NsgRuleSpec>; jumpbox: Record<string, NsgRuleSpec>; pe: Record<string, NsgRuleSpec> } {
    const bastionRules: Record<string, NsgRuleSpec> = {
        // Azure Bastion NSG requirements, every rule of the documented table (learn.microsoft.com/azure/bastion/bastion-nsg):
        // inbound AllowHttpsInbound, AllowGatewayManagerInbound, AllowAzureLoadBalancerInbound, AllowBastionHostCommunication;
        // outbound AllowSshRdpOutbound, AllowAzureCloudOutbound, AllowBastionCommunication, AllowHttpOutbound.
        "allow-https-inbound": { description: "Bastion: users reach the Bastion portal/native client over 443", priority: 120, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["Internet"], destinations: ["*"], ports: ["443"] },
        "allow-gateway-manager": { description: "Bastion: control plane from GatewayManager on 443", priority: 130, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["GatewayManager"], destinations: ["*"], ports: ["443"] },
        "allow-load-balancer": { description: "Bastion: health probes from AzureLoadBalancer on 443", priority: 140, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["AzureLoadBalancer"], destinations: ["*"], ports: ["443"] },
        "allow-host-communication": { description: "Bastion: data plane between Bastion instances (8080, 5701)", priority: 150, direction: "Inbound", access: "Allow", protocol: "*", sources: ["VirtualNetwork"], destinations: ["VirtualNetwork"], ports: ["8080", "5701"] },
        "deny-all-inbound": DENY_ALL_INBOUND,
        // AllowSshRdpOutbound is required as documented (22 and 3389, any protocol) even without RDP targets: Azure rejects
        // an AzureBastionSubnet NSG that lacks a required rule (NetworkSecurityGroupNotCompliantForAzureBastionSubnet).
        "allow-ssh-rdp-outbound": { description: "Bastion: sessions to target VMs over SSH and RDP (bastion-nsg AllowSshRdpOutbound)", priority: 100, direction: "Outbound", access: "Allow", protocol: "*", sources: ["*"], destinations: ["VirtualNetwork"], ports: ["22", "3389"] },
        "allow-azure-cloud-outbound": { description: "Bastion: diagnostics and metering to AzureCloud on 443", priority: 110, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["*"], destinations: ["AzureCloud"], ports: ["443"] },
        "allow-host-communication-outbound": { description: "Bastion: data plane between Bastion instances (8080, 5701)", priority: 120, direction: "Outbound", access: "Allow", protocol: "*", sources: ["VirtualNetwork"], destinations: ["VirtualNetwork"], ports: ["8080", "5701"] },
        "allow-session-info-outbound": { description: "Bastion: session and certificate validation over HTTP 80", priority: 130, direction: "Outbound", access: "Allow", protocol: "*", sources: ["*"], destinations: ["Internet"], ports: ["80"] },
        "deny-all-outbound": { description: "Bastion: nothing else leaves the Bastion subnet", priority: 4096, direction: "Outbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["*"], ports: ["*"] },
    };
    const jumpboxRules: Record<string, NsgRuleSpec> = {
        // Admin access only from Bastion (SSH); never from the internet (HITRUST 01.j, CIS Azure 6.2).
        "allow-ssh-from-bastion": { description: "SSH only from AzureBastionSubnet", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: [n.bastionSubnet], destinations: [n.jumpboxSubnet], ports: ["22"] },
        "deny-all-inbound": DENY_ALL_INBOUND,
    };
    const peRules: Record<string, NsgRuleSpec> = {
        // Private endpoints serve HTTPS only; callers are in the hub or peered spokes (VirtualNetwork includes peered VNets).
        "allow-https-from-vnet": { description: "HTTPS to private endpoints from the hub and peered spokes", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: [n.privateEndpointSubnet], ports: ["443"] },
        "deny-all-inbound": DENY_ALL_INBOUND,
    };
    return { bastion: bastionRules, jumpbox: jumpboxRules, pe: peRules };
}

/** The hub VNet and what later steps need of it. */
export interface HubNetwork {
    vnet: network.VirtualNetwork;
    /** Resource ID of a hub subnet by its Azure name. */
    subnetId: (subnet: string) => pulumi.Output<string>;
    /** The firewall's planned private IP (first usable address of AzureFirewallSubnet): next hop of every route. */
    expectedFirewallIp: string;
}

/**
 * NSGs, route tables and the hub VNet. Subnets are created inline with the VNet, so no subnet ever exists without its
 * NSG and routes.
 */
export function createHubNetwork(parent: pulumi.ComponentResource, name: string, ctx: HubContext, n: HubNetworkArgs): HubNetwork {
    const { naming, rg, location, tags } = ctx;
    const nsgRules = hubNsgRules(n);
    const nsg = (key: keyof typeof nsgRules, instance: string) => createSubnetNsg(`${name}-nsg-${key}`, nsgRules[key], {
        name: resourceName("networkSecurityGroup", naming, instance), resourceGroupName: rg, location, tags, workspaceResourceId: ctx.workspace.resourceId,
    }, { parent });
    const nsgs = { bastion: nsg("bastion", "bas"), jumpbox: nsg("jumpbox", "jump"), pe: nsg("pe", "hpe") };

    // Azure Firewall's private (load-balancer frontend) IP is the first usable address of AzureFirewallSubnet
    // (.4: Azure reserves .0-.3 in every subnet). Knowing it before the firewall exists lets the jumpbox route be
    // part of the route table created with the VNet (a separate Route resource would be wiped by any later PUT of
    // its table), and lets a preview show the real next hop. The firewall's reported IP is checked against it
    // (firewall.ts).
    const expectedFirewallIp = addressAt(mustParseCidr("network.firewallSubnet", n.firewallSubnet), 4);
    const defaultRouteTable = (key: string, instance: string) => new network.RouteTable(`${name}-rt-${key}`, {
        routeTableName: resourceName("routeTable", naming, instance),
        resourceGroupName: rg,
        location,
        // Gateway-learned routes must not bypass the firewall.
        disableBgpRoutePropagation: true,
        routes: [{ name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: expectedFirewallIp }],
        tags,
    }, { parent });
    const jumpboxRouteTable = defaultRouteTable("jumpbox", "jump");
    // The endpoint subnet hosts no compute, and endpoints ignore route tables while the subnet's route-table network
    // policy is off (it is: only the NSG policy is on). The default route still goes to the firewall, so anything
    // ever placed in the subnet besides endpoints cannot reach the internet around it (subnet-egress-via-firewall).
    const peRouteTable = defaultRouteTable("pe", "hpe");

    const vnetName = resourceName("virtualNetwork", naming, "hub");
    const vnet = new network.VirtualNetwork(`${name}-vnet`, {
        virtualNetworkName: vnetName,
        resourceGroupName: rg,
        location,
        addressSpace: { addressPrefixes: [n.addressSpace] },
        subnets: [
            // Azure-reserved names; neither AzureFirewallSubnet nor AzureFirewallManagementSubnet may carry an NSG or a
            // custom route table (learn.microsoft.com/azure/firewall/firewall-faq).
            { name: "AzureFirewallSubnet", addressPrefix: n.firewallSubnet },
            ...(n.firewallManagementSubnet !== undefined ? [{ name: "AzureFirewallManagementSubnet", addressPrefix: n.firewallManagementSubnet }] : []),
            // Bastion: NSG with the documented rules; a route table is not supported (bastion-faq).
            { name: "AzureBastionSubnet", addressPrefix: n.bastionSubnet, networkSecurityGroup: { id: nsgs.bastion.id } },
            {
                name: "snet-jumpbox", addressPrefix: n.jumpboxSubnet, networkSecurityGroup: { id: nsgs.jumpbox.id }, routeTable: { id: jumpboxRouteTable.id },
                // No implicit internet egress: everything leaves through the firewall.
                defaultOutboundAccess: false,
            },
            {
                name: "snet-private-endpoints", addressPrefix: n.privateEndpointSubnet, networkSecurityGroup: { id: nsgs.pe.id }, routeTable: { id: peRouteTable.id },
                // Apply the NSG to private endpoints; leave routes alone so endpoint /32 routes stay direct.
                privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled",
                defaultOutboundAccess: false,
            },
        ],
        tags,
    }, { parent });
    hubDiagnostics(parent, name, ctx, "vnet", vnet.id);
    const subnetId = (subnet: string) => pulumi.interpolate`${vnet.id}/subnets/${subnet}`;
    return { vnet, subnetId, expectedFirewallIp };
}
