import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as inputs from "@pulumi/azure-native/types/input";
import { resourceName } from "../shared/naming";
import { createPublicIp } from "../shared/publicIp";
import { HubContext, HybridSettings, VpnSiteSettings, hubDiagnostics } from "./context";
import { EgressGroup } from "./egress";
import { GATEWAY_SUBNET, HubNetwork } from "./network";

/**
 * Hybrid connectivity of the hub (issue 20): the VPN or ExpressRoute gateway in GatewaySubnet and its connection to
 * on-premises. It lives in HubSecurity, not a component of its own, because GatewaySubnet is one of the hub VNet's
 * inline subnets (network.ts): a separate component adding a standalone Subnet to an inline-subnet VNet would have
 * Pulumi and Azure fight over the subnet list on every update, and the subnet's route to the firewall and the firewall's
 * on-premises rules belong to the hub anyway.
 */

/** Every zone of the region: AZ gateway SKUs need zone-redundant Standard public IPs (about-zone-redundant-vnet-gateways). */
const ALL_ZONES = ["1", "2", "3"];

/** What the program and the spoke need of the gateway. */
export interface HubGateway {
    gateway: network.VirtualNetworkGateway;
    /** The gateway's public IPs (one, or two when active-active): what the on-premises VPN device peers with. */
    publicIps: network.PublicIPAddress[];
    /** The site-to-site or ExpressRoute connection; undefined until the on-premises side (and, for VPN, the key) is given. */
    connection: network.VirtualNetworkGatewayConnection | undefined;
}

/**
 * The gateway (zone-redundant SKU, Standard zone-redundant public IPs, diagnostics to the workspace), then, when the
 * on-premises side is given, the local network gateway and the IKEv2 connection with a custom IPsec/IKE policy (VPN)
 * or the connection to the customer's circuit (ExpressRoute).
 */
export function createHybridGateway(parent: pulumi.ComponentResource, name: string, ctx: HubContext, h: HybridSettings, hub: HubNetwork): HubGateway {
    const { naming, rg, location, tags } = ctx;
    const vpn = h.type === "vpn";
    const ip = (key: string, instance: string) => createPublicIp(`${name}-pip-${key}`, {
        name: resourceName("publicIpAddress", naming, instance), resourceGroupName: rg, location, tags, zones: ALL_ZONES, workspaceResourceId: ctx.workspace.resourceId,
    }, { parent });
    const publicIps = [ip("vgw", "vgw"), ...(h.activeActive ? [ip("vgw2", "vgw2")] : [])];
    const bgp = vpn ? h.vpnSite?.bgp : undefined;
    const gateway = new network.VirtualNetworkGateway(`${name}-vgw`, {
        virtualNetworkGatewayName: resourceName("virtualNetworkGateway", naming, "hub"),
        resourceGroupName: rg,
        location,
        gatewayType: vpn ? "Vpn" : "ExpressRoute",
        sku: { name: h.sku, tier: h.sku },
        ...(vpn ? {
            // Route-based (IKEv2, BGP, active-active); VpnGw1AZ is Generation1 only, VpnGw2AZ and above run Generation2
            // (learn.microsoft.com/azure/vpn-gateway/about-gateway-skus).
            vpnType: "RouteBased",
            vpnGatewayGeneration: h.sku === "VpnGw1AZ" ? "Generation1" : "Generation2",
            activeActive: h.activeActive,
            enableBgp: bgp !== undefined,
            ...(bgp !== undefined ? { bgpSettings: { asn: h.bgpAsn } } : {}),
        } : {}),
        ipConfigurations: publicIps.map((pip, i) => ({
            name: i === 0 ? "default" : "activeActive",
            privateIPAllocationMethod: "Dynamic",
            subnet: { id: hub.subnetId(GATEWAY_SUBNET) },
            publicIPAddress: { id: pip.id },
        })),
        tags,
    }, { parent });
    // Tunnel, IKE, route and gateway logs, and metrics, to the central workspace.
    hubDiagnostics(parent, name, ctx, "vgw", gateway.id);
    const connection = vpn ? vpnConnection(parent, name, ctx, h, gateway) : expressRouteConnection(parent, name, ctx, h, gateway);
    return { gateway, publicIps, connection };
}

/** The local network gateway and, with a shared key, the IPsec connection (IKEv2, custom policy, key a secret). */
function vpnConnection(parent: pulumi.ComponentResource, name: string, ctx: HubContext, h: HybridSettings, gateway: network.VirtualNetworkGateway): network.VirtualNetworkGatewayConnection | undefined {
    const site: VpnSiteSettings | undefined = h.vpnSite;
    if (site === undefined) return undefined;
    const { naming, rg, location, tags } = ctx;
    const lgw = new network.LocalNetworkGateway(`${name}-lgw-onprem`, {
        localNetworkGatewayName: resourceName("localNetworkGateway", naming, "onp"),
        resourceGroupName: rg,
        location,
        gatewayIpAddress: site.gatewayIpAddress,
        // With BGP the local address space is the device's BGP peer address only; routes are learned
        // (learn.microsoft.com/azure/vpn-gateway/bgp-howto). Without BGP it is the static on-premises prefixes.
        localNetworkAddressSpace: { addressPrefixes: site.bgp !== undefined ? [`${site.bgp.peeringAddress}/32`] : h.onPremisesAddressPrefixes },
        ...(site.bgp !== undefined ? { bgpSettings: { asn: site.bgp.asn, bgpPeeringAddress: site.bgp.peeringAddress } } : {}),
        tags,
    }, { parent });
    if (site.sharedKey === undefined) return undefined;
    const policy: inputs.network.IpsecPolicyArgs = { ...site.ipsecPolicy };
    return new network.VirtualNetworkGatewayConnection(`${name}-con-onprem`, {
        virtualNetworkGatewayConnectionName: resourceName("gatewayConnection", naming, "onp"),
        resourceGroupName: rg,
        location,
        connectionType: "IPsec",
        // IKEv2 only, with one custom policy: the gateway then offers and accepts nothing else (ipsec-ike-policy-howto).
        connectionProtocol: "IKEv2",
        ipsecPolicies: [policy],
        usePolicyBasedTrafficSelectors: false,
        dpdTimeoutSeconds: site.dpdTimeoutSeconds,
        enableBgp: site.bgp !== undefined,
        virtualNetworkGateway1: { id: gateway.id },
        localNetworkGateway2: { id: lgw.id },
        // A secret whatever the caller passed, and a secret output: the key never reaches state in plain text.
        sharedKey: pulumi.secret(site.sharedKey),
        tags,
    }, { parent, additionalSecretOutputs: ["sharedKey"] });
}

/** The connection to the customer's ExpressRoute circuit (its authorization key, for another subscription's circuit, a secret). */
function expressRouteConnection(parent: pulumi.ComponentResource, name: string, ctx: HubContext, h: HybridSettings, gateway: network.VirtualNetworkGateway): network.VirtualNetworkGatewayConnection | undefined {
    const er = h.expressRoute;
    if (er === undefined) return undefined;
    const { naming, rg, location, tags } = ctx;
    return new network.VirtualNetworkGatewayConnection(`${name}-con-er`, {
        virtualNetworkGatewayConnectionName: resourceName("gatewayConnection", naming, "er"),
        resourceGroupName: rg,
        location,
        connectionType: "ExpressRoute",
        virtualNetworkGateway1: { id: gateway.id },
        peer: { id: er.circuitResourceId },
        routingWeight: er.routingWeight,
        ...(er.authorizationKey !== undefined ? { authorizationKey: pulumi.secret(er.authorizationKey) } : {}),
        tags,
    }, { parent, ...(er.authorizationKey !== undefined ? { additionalSecretOutputs: ["authorizationKey"] } : {}) });
}

/**
 * The firewall rules for on-premises callers: each named FQDN, over TCP 443, from the on-premises prefixes, and nothing
 * else (the firewall's implicit deny). Network rules with FQDNs resolve through the firewall's DNS proxy, which answers
 * from the hub's private DNS zones, so the FHIR and DICOM hosts match their private endpoints' addresses. Undefined when
 * there is nothing to admit.
 */
export function onPremisesRuleCollectionGroup(h: HybridSettings | undefined): EgressGroup | undefined {
    const fqdns = Object.entries(h?.onPremisesHttpsFqdns ?? {});
    const sources = h?.onPremisesAddressPrefixes ?? [];
    if (fqdns.length === 0 || sources.length === 0) return undefined;
    const rules: inputs.network.NetworkRuleArgs[] = fqdns.map(([key, fqdn]) => ({
        ruleType: "NetworkRule",
        name: `on-premises-to-${key}`,
        description: `On-premises callers to ${key} over HTTPS, through its private endpoint`,
        sourceAddresses: sources,
        ipProtocols: ["TCP"],
        destinationPorts: ["443"],
        destinationFqdns: [fqdn],
    }));
    return {
        name: "on-premises",
        priority: 500,
        collections: [{ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "net-on-premises", priority: 510, action: { type: "Allow" }, rules }],
    };
}

/**
 * SNAT for every network rule when on-premises callers are admitted: a private endpoint answers its caller directly,
 * around user-defined routes, so without SNAT the answer to an on-premises client would bypass the firewall and the
 * flow would break. "255.255.255.255/32" as the private range makes the firewall always SNAT network-rule traffic
 * (learn.microsoft.com/azure/firewall/snat-private-range; learn.microsoft.com/azure/private-link/inspect-traffic-with-azure-firewall:
 * traffic to private endpoints must be SNATed to keep flows symmetric). The platform's other network rules go to public
 * service tags and FQDNs, which the firewall SNATs anyway. The firewall's AZFWNetworkRule log keeps the original source.
 */
export const ALWAYS_SNAT: inputs.network.FirewallPolicySNATArgs = { privateRanges: ["255.255.255.255/32"] };
