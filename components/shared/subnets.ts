import { Cidr, contains, overlaps, parseCidr } from "./cidr";

/**
 * Azure's minimum subnet sizes per service, as the largest prefix length each allows. One table, used by the
 * components' own validation and by the stack's config validation, so the two can never disagree.
 */
export const SUBNET_MINIMUMS = {
    // "The AzureFirewallSubnet needs to be at least /26" (learn.microsoft.com/azure/firewall/firewall-faq).
    firewall: { maxPrefix: 26, why: "AzureFirewallSubnet must be /26 or larger (Azure Firewall FAQ)" },
    // AzureFirewallManagementSubnet is also "/26 or larger" (learn.microsoft.com/azure/firewall/management-nic).
    firewallManagement: { maxPrefix: 26, why: "AzureFirewallManagementSubnet must be /26 or larger (Azure Firewall management NIC)" },
    // "The subnet must be /26 or larger" for AzureBastionSubnet (learn.microsoft.com/azure/bastion/configuration-settings#subnet).
    bastion: { maxPrefix: 26, why: "AzureBastionSubnet must be /26 or larger (Bastion configuration settings)" },
    // Azure's smallest IPv4 subnet is /29 (5 addresses reserved, 3 usable).
    generic: { maxPrefix: 29, why: "the smallest subnet Azure allows is /29" },
    // "The minimum size of the subnet in which API Management can be deployed is /29"
    // (learn.microsoft.com/azure/api-management/virtual-network-injection-resources#subnet-size).
    apim: { maxPrefix: 29, why: "API Management VNet injection needs at least /29" },
    // "The subnet must be allocated an IPv4 /28 block (16 addresses)" for regional VNet integration; /26 is
    // recommended for scale-out (learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements).
    functionIntegration: { maxPrefix: 28, why: "Functions/App Service VNet integration needs at least /28" },
    // Workload-profiles Container Apps environments need "/27 or larger" (learn.microsoft.com/azure/container-apps/networking#subnet).
    containerApps: { maxPrefix: 27, why: "a workload-profiles Container Apps environment needs at least /27" },
    // GatewaySubnet: Azure accepts /29 but recommends "/27 or larger", which ExpressRoute gateways and VPN/ExpressRoute
    // coexistence need (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub,
    // learn.microsoft.com/azure/expressroute/expressroute-about-virtual-network-gateways#gwsub); this platform requires it.
    gateway: { maxPrefix: 27, why: "GatewaySubnet must be /27 or larger (Azure's recommendation for VPN and ExpressRoute gateways)" },
    // DNS Private Resolver endpoints: "a subnet must be a minimum of /28 address space or a maximum of /24 address space"
    // (learn.microsoft.com/azure/dns/dns-private-resolver-overview#subnet-restrictions).
    dnsResolver: { maxPrefix: 28, minPrefix: 24, why: "a DNS Private Resolver endpoint subnet must be /28 to /24 (DNS Private Resolver subnet restrictions)" },
} as const;
export type SubnetPurpose = keyof typeof SUBNET_MINIMUMS;

/** One subnet to check: a label for messages (a config key or an arg path), its CIDR text and its purpose. */
export interface PlannedSubnet {
    label: string;
    cidr: string;
    purpose: SubnetPurpose;
}

/**
 * Problems of an address plan: each subnet parses, is a network address, meets its service's minimum size, lies
 * inside the VNet and overlaps no other subnet. Labels make every message point at the offending key.
 */
export function addressPlanProblems(vnetLabel: string, addressSpace: string, subnets: PlannedSubnet[]): Array<{ label: string; message: string }> {
    const out: Array<{ label: string; message: string }> = [];
    const vnet = parseCidr(addressSpace);
    if (typeof vnet === "string") out.push({ label: vnetLabel, message: `"${addressSpace}" ${vnet}` });
    const placed: Array<{ label: string; c: Cidr }> = [];
    for (const s of subnets) {
        const c = parseCidr(s.cidr);
        if (typeof c === "string") { out.push({ label: s.label, message: `"${s.cidr}" ${c}` }); continue; }
        const rule = SUBNET_MINIMUMS[s.purpose];
        if (typeof vnet !== "string" && !contains(vnet, c)) out.push({ label: s.label, message: `"${c.text}" is not inside ${vnetLabel} "${vnet.text}"` });
        if (c.prefix > rule.maxPrefix) out.push({ label: s.label, message: `"${c.text}" is too small: ${rule.why}` });
        if ("minPrefix" in rule && c.prefix < rule.minPrefix) out.push({ label: s.label, message: `"${c.text}" is too large: ${rule.why}` });
        for (const other of placed) {
            if (overlaps(other.c, c)) out.push({ label: s.label, message: `"${c.text}" overlaps ${other.label} "${other.c.text}"` });
        }
        placed.push({ label: s.label, c });
    }
    return out;
}
