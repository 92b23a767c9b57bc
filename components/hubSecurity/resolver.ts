import * as pulumi from "@pulumi/pulumi";
import * as dnsresolver from "@pulumi/azure-native/dnsresolver";
import { resourceName } from "../shared/naming";
import { HubContext } from "./context";
import { DNS_RESOLVER_SUBNET, HubNetwork } from "./network";

/**
 * On-premises name resolution (issue 20): an Azure DNS Private Resolver in the hub VNet with one inbound endpoint, the
 * target of the on-premises DNS servers' conditional forwarders. The resolver answers from the private DNS zones linked
 * to the hub (every privatelink zone of the platform), so an on-premises client resolving the FHIR host gets its private
 * endpoint's address (learn.microsoft.com/azure/dns/dns-private-resolver-overview). The firewall's DNS proxy stays the
 * spokes' DNS server; it is not offered to on-premises because the resolver is the managed service Microsoft built for
 * this direction, needs no firewall rule for DNS, and keeps on-premises DNS working while the firewall is changed.
 */

/** The resolver and its inbound endpoint; undefined without `network.dnsResolverInboundSubnet`. */
export interface HubResolver {
    resolver: dnsresolver.DnsResolver;
    inboundEndpoint: dnsresolver.InboundEndpoint;
    /** The inbound endpoint's static address: the conditional forwarders' target. */
    inboundIp: string;
}

export function createDnsResolver(parent: pulumi.ComponentResource, name: string, ctx: HubContext, hub: HubNetwork): HubResolver | undefined {
    const ip = hub.dnsResolverInboundIp;
    if (ip === undefined) return undefined;
    const { naming, rg, location, tags } = ctx;
    const resolver = new dnsresolver.DnsResolver(`${name}-dnspr`, {
        dnsResolverName: resourceName("dnsResolver", naming, "hub"),
        resourceGroupName: rg,
        location,
        virtualNetwork: { id: hub.vnet.id },
        tags,
    }, { parent });
    const inboundEndpoint = new dnsresolver.InboundEndpoint(`${name}-dnspr-in`, {
        dnsResolverName: resolver.name,
        inboundEndpointName: resourceName("dnsResolverInboundEndpoint", naming, "hub"),
        resourceGroupName: rg,
        location,
        // A static address (the subnet's first usable one), so the forwarders can be configured before the deployment and
        // never change (learn.microsoft.com/azure/templates/microsoft.network/dnsresolvers/inboundendpoints).
        ipConfigurations: [{ privateIpAllocationMethod: "Static", privateIpAddress: ip, subnet: { id: hub.subnetId(DNS_RESOLVER_SUBNET) } }],
        tags,
    }, { parent });
    return { resolver, inboundEndpoint, inboundIp: ip };
}

/**
 * Public zone names whose privatelink zone is not simply `privatelink.<public zone>`: Key Vault answers under
 * vault.azure.net as well, App Service sites under scm.azurewebsites.net for deployment
 * (learn.microsoft.com/azure/private-link/private-endpoint-dns, "Public DNS zone forwarders").
 */
const EXTRA_FORWARDERS: Readonly<Record<string, readonly string[]>> = {
    "privatelink.vaultcore.azure.net": ["vault.azure.net", "vaultcore.azure.net"],
    "privatelink.azurewebsites.net": ["azurewebsites.net", "scm.azurewebsites.net"],
};

/**
 * The conditional forwarders on-premises DNS servers need for the given privatelink zones, each to the resolver's inbound
 * endpoint. Microsoft's guidance is to forward the public zone, not the privatelink one ("The conditional forwarding must
 * be made to the recommended public DNS zone forwarder. For example: database.windows.net instead of
 * privatelink.database.windows.net", learn.microsoft.com/azure/private-link/private-endpoint-dns-integration): the
 * client's lookup of `<ws>-fhir.fhir.azurehealthcareapis.com` then reaches Azure, which follows the CNAME into the
 * privatelink zone. Pure, and the README's forwarder list is generated from it.
 */
export function onPremisesForwarderZones(privateDnsZones: readonly string[]): string[] {
    const out: string[] = [];
    for (const zone of privateDnsZones) {
        for (const f of EXTRA_FORWARDERS[zone] ?? [zone.replace(/^privatelink\./, "")]) if (!out.includes(f)) out.push(f);
    }
    return out;
}
