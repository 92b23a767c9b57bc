import { lockProblems } from "../shared/lock";
import { nsgRuleProblems } from "../shared/nsgRules";
import { addressPlanProblems } from "../shared/subnets";
import { Cidr, overlaps, parseCidr } from "../shared/cidr";
import { DEFAULT_PRIVATE_DNS_ZONES, HubSecurityArgs, HybridConnectivityArgs } from "./args";
import {
    AZURE_GATEWAY_ASN, DEFAULT_GATEWAY_SKUS, DNS_RESOLVER_RESERVED_RANGE, EXPRESSROUTE_CIRCUIT_ID, HYBRID_TYPES, asnProblem, gatewaySkuProblem, ipsecPolicyProblems,
    isIpv4Address, isPublicIpv4Address, overlapsDnsResolverReservedRange, sharedKeyProblem,
} from "./hybridRules";
import { hubNsgRules } from "./network";

const FIREWALL_SKUS = ["Standard", "Premium"];
const BASTION_SKUS = ["Basic", "Standard", "Premium"];
const PRIVATE_ZONE = /^privatelink\.[a-z0-9.-]+[a-z]$/;

/** Plain-value validation of the whole component, before any child is created. */
export function hubSecurityProblems(args: HubSecurityArgs): string[] {
    const n = args.network;
    const p = addressPlanProblems("network.addressSpace", n.addressSpace, [
        { label: "network.firewallSubnet", cidr: n.firewallSubnet, purpose: "firewall" },
        ...(n.firewallManagementSubnet !== undefined ? [{ label: "network.firewallManagementSubnet", cidr: n.firewallManagementSubnet, purpose: "firewallManagement" as const }] : []),
        { label: "network.bastionSubnet", cidr: n.bastionSubnet, purpose: "bastion" },
        { label: "network.jumpboxSubnet", cidr: n.jumpboxSubnet, purpose: "generic" },
        { label: "network.privateEndpointSubnet", cidr: n.privateEndpointSubnet, purpose: "generic" },
        ...(n.gatewaySubnet !== undefined ? [{ label: "network.gatewaySubnet", cidr: n.gatewaySubnet, purpose: "gateway" as const }] : []),
        ...(n.dnsResolverInboundSubnet !== undefined ? [{ label: "network.dnsResolverInboundSubnet", cidr: n.dnsResolverInboundSubnet, purpose: "dnsResolver" as const }] : []),
    ]).map((x) => `${x.label}: ${x.message}`);
    const dnsSubnet = n.dnsResolverInboundSubnet !== undefined ? parseCidr(n.dnsResolverInboundSubnet) : undefined;
    if (dnsSubnet !== undefined && typeof dnsSubnet !== "string" && overlapsDnsResolverReservedRange(dnsSubnet)) {
        p.push(`network.dnsResolverInboundSubnet: "${dnsSubnet.text}" overlaps ${DNS_RESOLVER_RESERVED_RANGE}, which the DNS Private Resolver service reserves`);
    }
    p.push(...hybridProblems(args));
    const fwSku = args.firewall?.sku ?? "Standard";
    if (!FIREWALL_SKUS.includes(fwSku)) p.push(`firewall.sku "${fwSku}" is not one of ${FIREWALL_SKUS.join(", ")} (Basic has no DNS proxy and cannot deny on threat intelligence)`);
    const basSku = args.bastion?.sku ?? "Basic";
    if (!BASTION_SKUS.includes(basSku)) p.push(`bastion.sku "${basSku}" is not one of ${BASTION_SKUS.join(", ")}`);
    const e = args.egress ?? {};
    for (const [k, v] of Object.entries({ workloadAddressPrefixes: e.workloadAddressPrefixes, apimAddressPrefixes: e.apimAddressPrefixes, containerAppsAddressPrefixes: e.containerAppsAddressPrefixes })) {
        for (const c of v ?? []) if (typeof parseCidr(c) === "string") p.push(`egress.${k}: "${c}" is not a CIDR`);
    }
    for (const z of args.privateDnsZones ?? []) if (!PRIVATE_ZONE.test(z)) p.push(`privateDnsZones: "${z}" is not a privatelink zone name`);
    if (!(args.privateDnsZones ?? DEFAULT_PRIVATE_DNS_ZONES).includes("privatelink.vaultcore.azure.net")) p.push("privateDnsZones must include privatelink.vaultcore.azure.net (the hub Key Vault's endpoint)");
    const g = args.governance ?? {};
    if (g.hitrustPolicyAssignmentEnabled === true && Object.keys(g.policyAssignmentScopes ?? {}).length === 0) p.push("governance.policyAssignmentScopes must name at least one scope when the initiative is enabled");
    for (const k of Object.keys(g.policyAssignmentScopes ?? {})) if (!/^[a-z0-9-]{1,20}$/.test(k)) p.push(`governance.policyAssignmentScopes key "${k}" must be 1-20 lowercase letters, digits or hyphens`);
    const j = args.jumpbox ?? {};
    if (j.adminUsername !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(j.adminUsername)) p.push(`jumpbox.adminUsername "${j.adminUsername}" must be 1-32 lowercase letters, digits, _ or -`);
    for (const id of j.loginGroupObjectIds ?? []) if (!/^[0-9a-f-]{36}$/i.test(id)) p.push(`jumpbox.loginGroupObjectIds: "${id}" is not an object ID`);
    const rules = hubNsgRules(n, args.hybrid?.onPremisesAddressPrefixes ?? []);
    for (const k of ["bastion", "jumpbox", "pe", "dns"] as const) p.push(...nsgRuleProblems(`nsg.${k}`, rules[k]));
    p.push(...lockProblems(args.lock));
    return p;
}

const KEY = /^[a-z0-9-]{1,20}$/;
const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The hybrid args' problems: type, SKU, ASNs, address plans that must not overlap, the VPN site and circuit, the key. */
function hybridProblems(args: HubSecurityArgs): string[] {
    const h: HybridConnectivityArgs | undefined = args.hybrid;
    if (h === undefined) return [];
    const p: string[] = [];
    const type = h.type ?? "none";
    if (!(HYBRID_TYPES as readonly string[]).includes(type)) return [`hybrid.type "${type}" is not one of ${HYBRID_TYPES.join(", ")}`];
    if (type === "none") {
        for (const k of ["vpnSite", "expressRoute"] as const) if (h[k] !== undefined) p.push(`hybrid.${k} is set but hybrid.type is "none"`);
        return p;
    }
    const vpn = type === "vpn";
    if (args.network.gatewaySubnet === undefined) p.push(`hybrid.type "${type}" needs network.gatewaySubnet (the gateway's subnet)`);
    const skuProblem = gatewaySkuProblem(type, h.sku ?? DEFAULT_GATEWAY_SKUS[type === "vpn" ? "vpn" : "expressroute"]);
    if (skuProblem !== undefined) p.push(`hybrid.sku ${skuProblem}`);
    if (h.bgpAsn !== undefined) {
        if (!vpn && h.bgpAsn !== AZURE_GATEWAY_ASN) p.push(`hybrid.bgpAsn ${h.bgpAsn} cannot be set: ExpressRoute gateways always use ${AZURE_GATEWAY_ASN}`);
        else { const m = asnProblem(h.bgpAsn, "azure"); if (m !== undefined) p.push(`hybrid.bgpAsn ${h.bgpAsn} ${m}`); }
    }
    if (!vpn && h.activeActive === true) p.push("hybrid.activeActive applies to VPN gateways only (ExpressRoute gateways are redundant by design)");
    // Address plans: on-premises prefixes must be valid and overlap neither the hub nor any spoke (routes would be ambiguous).
    const hub = parseCidr(args.network.addressSpace);
    const spokes = Object.entries(h.spokeAddressSpaces ?? {});
    const placed: Array<{ label: string; c: Cidr }> = typeof hub === "string" ? [] : [{ label: "network.addressSpace", c: hub }];
    for (const [k, v] of spokes) {
        if (!KEY.test(k)) p.push(`hybrid.spokeAddressSpaces key "${k}" must be 1-20 lowercase letters, digits or hyphens`);
        const c = parseCidr(v);
        if (typeof c === "string") p.push(`hybrid.spokeAddressSpaces.${k}: "${v}" ${c}`);
        else placed.push({ label: `hybrid.spokeAddressSpaces.${k}`, c });
    }
    for (const [i, v] of (h.onPremisesAddressPrefixes ?? []).entries()) {
        const c = parseCidr(v);
        if (typeof c === "string") { p.push(`hybrid.onPremisesAddressPrefixes[${i}]: "${v}" ${c}`); continue; }
        for (const other of placed) if (overlaps(other.c, c)) p.push(`hybrid.onPremisesAddressPrefixes[${i}]: "${c.text}" overlaps ${other.label} "${other.c.text}"`);
        placed.push({ label: `hybrid.onPremisesAddressPrefixes[${i}]`, c });
    }
    for (const [k, v] of Object.entries(h.onPremisesHttpsFqdns ?? {})) {
        if (!KEY.test(k)) p.push(`hybrid.onPremisesHttpsFqdns key "${k}" must be 1-20 lowercase letters, digits or hyphens`);
        if (typeof v === "string" && !FQDN.test(v)) p.push(`hybrid.onPremisesHttpsFqdns.${k}: "${v}" is not a lowercase FQDN`);
    }
    if (vpn && h.expressRoute !== undefined) p.push(`hybrid.expressRoute is set but hybrid.type is "vpn"`);
    if (!vpn && h.vpnSite !== undefined) p.push(`hybrid.vpnSite is set but hybrid.type is "expressroute"`);
    const site = vpn ? h.vpnSite : undefined;
    if (site !== undefined) {
        if (!isPublicIpv4Address(site.gatewayIpAddress)) p.push(`hybrid.vpnSite.gatewayIpAddress "${site.gatewayIpAddress}" must be the on-premises device's public IPv4 address`);
        if ((site.bgpAsn === undefined) !== (site.bgpPeeringAddress === undefined)) p.push("hybrid.vpnSite.bgpAsn and hybrid.vpnSite.bgpPeeringAddress go together (BGP needs both)");
        if (site.bgpAsn !== undefined) {
            const m = asnProblem(site.bgpAsn, "onPremises");
            if (m !== undefined) p.push(`hybrid.vpnSite.bgpAsn ${site.bgpAsn} ${m}`);
            if (site.bgpAsn === (h.bgpAsn ?? AZURE_GATEWAY_ASN)) p.push(`hybrid.vpnSite.bgpAsn ${site.bgpAsn} must differ from the gateway's ASN (eBGP)`);
        }
        if (site.bgpPeeringAddress !== undefined && !isIpv4Address(site.bgpPeeringAddress)) p.push(`hybrid.vpnSite.bgpPeeringAddress "${site.bgpPeeringAddress}" is not an IPv4 address`);
        if (site.bgpAsn === undefined && (h.onPremisesAddressPrefixes ?? []).length === 0) p.push("hybrid.onPremisesAddressPrefixes must not be empty for a VPN site without BGP (they are its static routes)");
        if (typeof site.sharedKey === "string") {
            const k = sharedKeyProblem(site.sharedKey);
            if (k !== undefined) p.push(`hybrid.vpnSite.sharedKey ${k}`);
        }
        if (site.ipsecPolicy !== undefined) p.push(...ipsecPolicyProblems("hybrid.vpnSite.ipsecPolicy", site.ipsecPolicy));
        if (site.dpdTimeoutSeconds !== undefined && (!Number.isInteger(site.dpdTimeoutSeconds) || site.dpdTimeoutSeconds < 9 || site.dpdTimeoutSeconds > 3600)) p.push("hybrid.vpnSite.dpdTimeoutSeconds must be an integer 9-3600");
    }
    const er = !vpn ? h.expressRoute : undefined;
    if (er !== undefined) {
        if (!EXPRESSROUTE_CIRCUIT_ID.test(er.circuitResourceId)) p.push(`hybrid.expressRoute.circuitResourceId "${er.circuitResourceId}" is not an ExpressRoute circuit resource ID`);
        if (er.routingWeight !== undefined && (!Number.isInteger(er.routingWeight) || er.routingWeight < 0 || er.routingWeight > 32000)) p.push("hybrid.expressRoute.routingWeight must be an integer 0-32000");
    }
    return p;
}
