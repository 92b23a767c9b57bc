import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { resourceName } from "../shared/naming";
import { DENY_ALL_INBOUND, NsgRuleSpec, createSubnetNsg } from "../shared/nsgRules";
import { addressAt, mustParseCidr } from "../shared/cidr";
import { HubNetworkArgs } from "./args";
import { HubContext, HybridSettings, hubDiagnostics } from "./context";

/** Azure names of the hybrid subnets: GatewaySubnet is Azure's required name; the resolver's subnet is ours. */
export const GATEWAY_SUBNET = "GatewaySubnet";
export const DNS_RESOLVER_SUBNET = "snet-dns-inbound";

/**
 * NSG rules of the hub subnets, each with the document that requires it. Pure, so tests read exactly what Azure
 * receives. `onPremisesAddressPrefixes` are the only sources the DNS resolver's subnet admits.
 */
export function hubNsgRules(n: HubNetworkArgs, onPremisesAddressPrefixes: string[] = []): { bastion: Record<string, NsgRuleSpec>; jumpbox: Record<string, NsgRuleSpec>; pe: Record<string, NsgRuleSpec>; dns: Record<string, NsgRuleSpec> } {
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
    // The resolver's inbound endpoint answers DNS (UDP and TCP 53) for on-premises DNS servers. The rules name the whole
    // subnet, not the endpoint's address: the service answers from other addresses of the subnet too
    // (github.com/MicrosoftDocs/azure-docs/issues/110796). Nothing else is admitted.
    const dnsSubnet = n.dnsResolverInboundSubnet ?? "";
    const dnsRules: Record<string, NsgRuleSpec> = {
        ...(onPremisesAddressPrefixes.length > 0 ? {
            "allow-dns-udp-from-on-premises": { description: "DNS queries (UDP 53) from on-premises DNS servers to the resolver's inbound endpoint", priority: 100, direction: "Inbound", access: "Allow", protocol: "Udp", sources: onPremisesAddressPrefixes, destinations: [dnsSubnet], ports: ["53"] },
            "allow-dns-tcp-from-on-premises": { description: "DNS queries (TCP 53, large answers) from on-premises DNS servers to the resolver's inbound endpoint", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: onPremisesAddressPrefixes, destinations: [dnsSubnet], ports: ["53"] },
        } satisfies Record<string, NsgRuleSpec> : {}),
        "deny-all-inbound": DENY_ALL_INBOUND,
    };
    return { bastion: bastionRules, jumpbox: jumpboxRules, pe: peRules, dns: dnsRules };
}

/** The hub VNet and what later steps need of it. */
export interface HubNetwork {
    vnet: network.VirtualNetwork;
    /** Resource ID of a hub subnet by its Azure name. */
    subnetId: (subnet: string) => pulumi.Output<string>;
    /** The firewall's planned private IP (first usable address of AzureFirewallSubnet): next hop of every route. */
    expectedFirewallIp: string;
    /** The resolver inbound endpoint's static IP (first usable address of its subnet); undefined without that subnet. */
    dnsResolverInboundIp: string | undefined;
}

/**
 * NSGs, route tables and the hub VNet. Subnets are created inline with the VNet, so no subnet ever exists without its
 * NSG and routes.
 */
export function createHubNetwork(parent: pulumi.ComponentResource, name: string, ctx: HubContext, n: HubNetworkArgs, hybrid: HybridSettings | undefined): HubNetwork {
    const { naming, rg, location, tags } = ctx;
    const nsgRules = hubNsgRules(n, hybrid?.onPremisesAddressPrefixes ?? []);
    const nsg = (key: keyof typeof nsgRules, instance: string) => createSubnetNsg(`${name}-nsg-${key}`, nsgRules[key], {
        name: resourceName("networkSecurityGroup", naming, instance), resourceGroupName: rg, location, tags, workspaceResourceId: ctx.workspace.resourceId,
    }, { parent });
    const nsgs = { bastion: nsg("bastion", "bas"), jumpbox: nsg("jumpbox", "jump"), pe: nsg("pe", "hpe") };
    const dnsNsg = n.dnsResolverInboundSubnet !== undefined ? nsg("dns", "dns") : undefined;

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
    // GatewaySubnet: traffic from on-premises to a spoke goes to the firewall first (Microsoft's hybrid hub-spoke pattern:
    // "a UDR on the hub gateway subnet that points to the firewall IP address as the next hop to the spoke networks",
    // with "Propagate gateway route: Yes", while the spokes' 0.0.0.0/0 tables turn it off;
    // learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy). Each route covers a
    // spoke's whole address space: a route at least as wide as the VNet overrides the /32 routes its private endpoints
    // propagate, once their subnet enables route-table network policies (the spoke does so with gateway transit;
    // learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy). BGP propagation stays ON: the
    // gateway subnet must learn on-premises routes, and disabling it stops the gateway from working
    // (learn.microsoft.com/azure/architecture/networking/guide/ipv6/ipv6-hub-spoke: "Don't disable BGP route propagation
    // on the GatewaySubnet"). No 0.0.0.0/0 route: Azure does not support one on GatewaySubnet
    // (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub).
    const spokes = Object.entries(hybrid?.spokeAddressSpaces ?? {});
    const gatewayRouteTable = n.gatewaySubnet !== undefined && spokes.length > 0 ? new network.RouteTable(`${name}-rt-gateway`, {
        routeTableName: resourceName("routeTable", naming, "gw"),
        resourceGroupName: rg,
        location,
        disableBgpRoutePropagation: false,
        routes: spokes.map(([key, prefix]) => ({ name: `${key}-via-firewall`, addressPrefix: prefix, nextHopType: "VirtualAppliance", nextHopIpAddress: expectedFirewallIp })),
        tags,
    }, { parent }) : undefined;

    // AzureFirewallSubnet with a hybrid gateway: "Azure Firewall must have direct internet connectivity. If your
    // AzureFirewallSubnet subnet learns a default route to your on-premises network via BGP, you must override it by
    // using a 0.0.0.0/0 UDR with the NextHopType value set as Internet" (learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy;
    // the same in firewall-faq, "Is forced tunneling/chaining to a Network Virtual Appliance supported?"). Whether the
    // on-premises peer advertises a default route is not known here, and the table is harmless when it does not: the
    // UDR is the same 0.0.0.0/0 → Internet as the system route it replaces, and a UDR wins over a BGP route of the same
    // prefix (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#how-azure-selects-a-route).
    // BGP propagation stays ON: the firewall reaches on-premises (and answers on-premises callers) only through the
    // routes it learns from the gateway ("No UDR is required on the Azure Firewall subnet, because it learns routes
    // from BGP", same tutorial); with propagation off it would send on-premises traffic to the internet. Not with a
    // management subnet: that firewall runs in forced-tunnelling mode, where AzureFirewallSubnet may take a default
    // route to on-premises and the management NIC keeps the internet path (learn.microsoft.com/azure/firewall/forced-tunneling).
    // route-default-via-firewall and subnet-egress-via-firewall admit this table on AzureFirewallSubnet only
    // (policy/rules/common.ts, isFirewallSubnetInternetTable). A learned split default (0.0.0.0/1 + 128.0.0.0/1) would
    // still win by longest prefix: docs/after-deploy-checks.md, check 28.
    const firewallRouteTable = hybrid !== undefined && n.firewallManagementSubnet === undefined ? new network.RouteTable(`${name}-rt-firewall`, {
        routeTableName: resourceName("routeTable", naming, "afw"),
        resourceGroupName: rg,
        location,
        disableBgpRoutePropagation: false,
        routes: [{ name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }],
        tags,
    }, { parent }) : undefined;

    const vnetName = resourceName("virtualNetwork", naming, "hub");
    const vnet = new network.VirtualNetwork(`${name}-vnet`, {
        virtualNetworkName: vnetName,
        resourceGroupName: rg,
        location,
        addressSpace: { addressPrefixes: [n.addressSpace] },
        subnets: [
            // Azure-reserved names. Neither AzureFirewallSubnet nor AzureFirewallManagementSubnet carries an NSG
            // (learn.microsoft.com/azure/firewall/firewall-faq). A route table is allowed on AzureFirewallSubnet, and with
            // a hybrid gateway it gets the 0.0.0.0/0 → Internet override above; the management subnet's own default
            // route must stay Internet (forced-tunneling), so it gets none.
            { name: "AzureFirewallSubnet", addressPrefix: n.firewallSubnet, ...(firewallRouteTable !== undefined ? { routeTable: { id: firewallRouteTable.id } } : {}) },
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
            // The gateways' subnet: Azure's reserved name, no NSG (not supported on GatewaySubnet,
            // vpn-gateway-about-vpn-gateway-settings#gwsub), the spoke routes above.
            ...(n.gatewaySubnet !== undefined ? [{
                name: GATEWAY_SUBNET, addressPrefix: n.gatewaySubnet,
                ...(gatewayRouteTable !== undefined ? { routeTable: { id: gatewayRouteTable.id } } : {}),
            }] : []),
            // The resolver's inbound endpoint: a subnet delegated to Microsoft.Network/dnsResolvers that holds nothing else
            // (dns-private-resolver-overview#subnet-restrictions). No route table: queries arrive from the gateway on the hub's
            // own routes and the answers return the same way (a 0.0.0.0/0 to the firewall would send the answers, and only
            // them, through it); the endpoint has no other traffic. subnet-egress-via-firewall exempts resolver subnets by
            // their delegation.
            ...(n.dnsResolverInboundSubnet !== undefined && dnsNsg !== undefined ? [{
                name: DNS_RESOLVER_SUBNET, addressPrefix: n.dnsResolverInboundSubnet, networkSecurityGroup: { id: dnsNsg.id },
                delegations: [{ name: "dns-resolvers", serviceName: "Microsoft.Network/dnsResolvers" }],
                defaultOutboundAccess: false,
            }] : []),
        ],
        tags,
    }, { parent });
    hubDiagnostics(parent, name, ctx, "vnet", vnet.id);
    const subnetId = (subnet: string) => pulumi.interpolate`${vnet.id}/subnets/${subnet}`;
    const dnsResolverInboundIp = n.dnsResolverInboundSubnet !== undefined ? addressAt(mustParseCidr("network.dnsResolverInboundSubnet", n.dnsResolverInboundSubnet), 4) : undefined;
    return { vnet, subnetId, expectedFirewallIp, dnsResolverInboundIp };
}
