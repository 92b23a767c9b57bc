import { Cidr } from "../shared/cidr";
import { IpsecPolicySettingsArgs } from "./args";

/**
 * Azure's rules for hybrid connectivity, as plain data and checks: used by the component's validation (validate.ts)
 * and by the stack's config checks (lib/crossChecks.ts), so the two can never disagree.
 */

/** Gateway kinds: none, a site-to-site VPN gateway, or an ExpressRoute gateway. */
export const HYBRID_TYPES = ["none", "vpn", "expressroute"] as const;

/**
 * Zone-redundant VPN gateway SKUs. New gateways on the non-AZ VpnGw1-5 SKUs can no longer be created (since 2025-01-01;
 * learn.microsoft.com/azure/vpn-gateway/gateway-sku-consolidation); Basic has no BGP, active-active or custom IPsec/IKE
 * policy (learn.microsoft.com/azure/vpn-gateway/about-gateway-skus), so neither is offered.
 */
export const VPN_GATEWAY_SKUS = ["VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"] as const;
/**
 * Zone-redundant ExpressRoute gateway SKUs (learn.microsoft.com/azure/expressroute/expressroute-about-virtual-network-gateways).
 * The legacy Standard, HighPerformance and UltraPerformance SKUs are not zone-redundant; ErGwScale (scalable gateway)
 * needs autoscale bounds this component does not set yet.
 */
export const EXPRESSROUTE_GATEWAY_SKUS = ["ErGw1AZ", "ErGw2AZ", "ErGw3AZ"] as const;
/** The SKU each gateway kind gets when none is given: VpnGw2AZ (Generation2, 1.25 Gbps aggregate) and ErGw1AZ. */
export const DEFAULT_GATEWAY_SKUS: Record<"vpn" | "expressroute", string> = { vpn: "VpnGw2AZ", expressroute: "ErGw1AZ" };

/** Why a SKU that is not offered is refused (the message of both the component and the config check). */
export function gatewaySkuProblem(type: string, sku: string): string | undefined {
    const vpn: readonly string[] = VPN_GATEWAY_SKUS;
    const er: readonly string[] = EXPRESSROUTE_GATEWAY_SKUS;
    if (type === "vpn" && vpn.includes(sku)) return undefined;
    if (type === "expressroute" && er.includes(sku)) return undefined;
    if (type === "vpn" && er.includes(sku)) return `"${sku}" is an ExpressRoute gateway SKU; a VPN gateway takes one of ${vpn.join(", ")}`;
    if (type === "expressroute" && vpn.includes(sku)) return `"${sku}" is a VPN gateway SKU; an ExpressRoute gateway takes one of ${er.join(", ")}`;
    if (sku === "Basic") return `"Basic" has no BGP, active-active, custom IPsec/IKE policy or zone redundancy; use one of ${(type === "expressroute" ? er : vpn).join(", ")}`;
    if (/^VpnGw[1-5]$/.test(sku)) return `"${sku}" is not zone-redundant, and new gateways on the non-AZ SKUs can no longer be created; use ${sku}AZ`;
    if (["Standard", "HighPerformance", "UltraPerformance"].includes(sku)) return `"${sku}" is a legacy, non-zone-redundant SKU; use one of ${(type === "expressroute" ? er : vpn).join(", ")}`;
    if (sku === "ErGwScale") return `"ErGwScale" needs autoscale bounds this platform does not set; use one of ${er.join(", ")}`;
    return `"${sku}" is not one of ${(type === "expressroute" ? er : vpn).join(", ")}`;
}

/** The Azure VPN gateway's default ASN, and the only ASN of an ExpressRoute gateway. */
export const AZURE_GATEWAY_ASN = 65515;

/**
 * ASNs Azure or IANA reserve (learn.microsoft.com/azure/vpn-gateway/vpn-gateway-vpn-faq#bgp): Azure's public 8074,
 * 8075, 12076 and private 65515, 65517-65520; IANA's 23456, 64496-64511, 65535-65551 and 4294967295. The Azure side may
 * keep its own default 65515; an on-premises device may use none of them.
 */
const RESERVED_ASNS: Array<[number, number]> = [[8074, 8075], [12076, 12076], [23456, 23456], [64496, 64511], [65515, 65515], [65517, 65520], [65535, 65551], [4294967295, 4294967295]];

/** Why an ASN cannot be used by the Azure gateway (`azure`: its default 65515 allowed) or the on-premises device; undefined when it can. */
export function asnProblem(asn: number, side: "azure" | "onPremises"): string | undefined {
    if (!Number.isInteger(asn) || asn < 1 || asn > 4294967294) return "must be an integer 1-4294967294";
    if (side === "azure" && asn === AZURE_GATEWAY_ASN) return undefined;
    const reserved = RESERVED_ASNS.find(([lo, hi]) => asn >= lo && asn <= hi);
    if (reserved === undefined) return undefined;
    const range = reserved[0] === reserved[1] ? String(reserved[0]) : `${reserved[0]}-${reserved[1]}`;
    return `is reserved (${range}, by Azure or IANA); use a private ASN such as 64512-65514`;
}

/**
 * The default custom IPsec/IKE policy: the strongest combination Azure VPN gateways offer, AES-GCM 256 with SHA-384 and
 * ECDH P-384 (IKE), AES-GCM 256 with P-384 perfect forward secrecy (IPsec), Azure's default quick-mode lifetimes
 * (learn.microsoft.com/azure/vpn-gateway/ipsec-ike-policy-howto, "Supported algorithms and key strengths"). Azure's
 * default proposals, used without a custom policy, include DH group 2 and SHA-1 for interoperability.
 */
export const DEFAULT_IPSEC_POLICY: IpsecPolicySettingsArgs = {
    ikeEncryption: "GCMAES256",
    ikeIntegrity: "SHA384",
    dhGroup: "ECP384",
    ipsecEncryption: "GCMAES256",
    ipsecIntegrity: "GCMAES256",
    pfsGroup: "ECP384",
    saLifeTimeSeconds: 27000,
    saDataSizeKilobytes: 102400000,
};

/**
 * The algorithms a policy may use: Azure's supported set without the weak ones (DES, 3DES, MD5, SHA-1, the 768- and
 * 1024-bit groups DHGroup1/2 and PFS1/2, PFSMM, the MODP group with a 256-bit prime-order subgroup DHGroup24/PFS24,
 * which RFC 8247 §2.4 says SHOULD NOT be used, and None, which disables encryption or forward secrecy). The policy pack's
 * vpn-ikev2-strong-crypto rule holds the same list.
 */
export const STRONG_IPSEC_ALGORITHMS: Record<Exclude<keyof IpsecPolicySettingsArgs, "saLifeTimeSeconds" | "saDataSizeKilobytes">, readonly string[]> = {
    ikeEncryption: ["GCMAES256", "GCMAES128", "AES256", "AES192", "AES128"],
    ikeIntegrity: ["SHA384", "SHA256"],
    dhGroup: ["ECP384", "ECP256", "DHGroup14", "DHGroup2048"],
    ipsecEncryption: ["GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128"],
    ipsecIntegrity: ["GCMAES256", "GCMAES192", "GCMAES128", "SHA256"],
    pfsGroup: ["ECP384", "ECP256", "PFS2048", "PFS14"],
};

/** Problems of a custom IPsec/IKE policy, labelled `<label>.<field>`. */
export function ipsecPolicyProblems(label: string, p: IpsecPolicySettingsArgs): string[] {
    const out: string[] = [];
    for (const [k, allowed] of Object.entries(STRONG_IPSEC_ALGORITHMS) as Array<[keyof typeof STRONG_IPSEC_ALGORITHMS, readonly string[]]>) {
        if (!allowed.includes(p[k])) out.push(`${label}.${k} "${p[k]}" is not one of ${allowed.join(", ")} (weak or unsupported)`);
    }
    // "If GCMAES is used as for IPsec Encryption algorithm, you must select the same GCMAES algorithm and key length for
    // IPsec Integrity" (ipsec-ike-policy-howto); a GCM integrity needs the same GCM encryption.
    if ((p.ipsecEncryption.startsWith("GCMAES") || p.ipsecIntegrity.startsWith("GCMAES")) && p.ipsecEncryption !== p.ipsecIntegrity) {
        out.push(`${label}.ipsecIntegrity "${p.ipsecIntegrity}" must equal ipsecEncryption "${p.ipsecEncryption}" when either is GCMAES (Azure's rule)`);
    }
    if (!Number.isInteger(p.saLifeTimeSeconds) || p.saLifeTimeSeconds < 300) out.push(`${label}.saLifeTimeSeconds must be an integer of at least 300`);
    if (!Number.isInteger(p.saDataSizeKilobytes) || p.saDataSizeKilobytes < 1024) out.push(`${label}.saDataSizeKilobytes must be an integer of at least 1024`);
    return out;
}

/**
 * A pre-shared key this platform accepts: 32-128 printable ASCII characters without spaces (Azure allows at most 128;
 * 32 keeps a shared secret out of brute-force range). The message never contains the key.
 */
export function sharedKeyProblem(key: string): string | undefined {
    if (key.length < 32 || key.length > 128) return `must be 32-128 characters long (it has ${key.length})`;
    if (!/^[\x21-\x7e]+$/.test(key)) return "must be printable ASCII without spaces";
    return undefined;
}

/** An ExpressRoute circuit's resource ID. */
export const EXPRESSROUTE_CIRCUIT_ID = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.Network\/expressRouteCircuits\/[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/i;

/**
 * Address space the DNS Private Resolver service reserves: "10.0.1.0 - 10.0.16.255 ... can't be used for the DNS
 * resolver service" (learn.microsoft.com/azure/dns/dns-private-resolver-overview#subnet-restrictions, 2022-12 revision).
 */
export const DNS_RESOLVER_RESERVED_RANGE = "10.0.1.0 - 10.0.16.255";

/** True when the block shares an address with the DNS Private Resolver's reserved 10.0.1.0 - 10.0.16.255. */
export function overlapsDnsResolverReservedRange(c: Cidr): boolean {
    const value = (b: number[]) => (b[0] ?? 0) * 2 ** 24 + (b[1] ?? 0) * 2 ** 16 + (b[2] ?? 0) * 2 ** 8 + (b[3] ?? 0);
    const start = value(c.network.toByteArray());
    const end = start + 2 ** (32 - c.prefix) - 1;
    return start <= value([10, 0, 16, 255]) && end >= value([10, 0, 1, 0]);
}

/** A dotted-quad IPv4 address. */
export function isIpv4Address(a: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
    return m !== null && m.slice(1).every((o) => Number(o) <= 255 && String(Number(o)) === o);
}

/** Private, shared, loopback and link-local IPv4 blocks: not where an on-premises VPN device's public address can be. */
const NON_PUBLIC = [[10, 8], [172, 12, 16], [192, 16, 168], [100, 10, 64], [127, 8], [169, 16, 254], [0, 8]] as const;

/** True for an IPv4 address outside RFC 1918, RFC 6598 shared, loopback, link-local and 0.0.0.0/8 space. */
export function isPublicIpv4Address(a: string): boolean {
    if (!isIpv4Address(a)) return false;
    const [o1 = 0, o2 = 0] = a.split(".").map(Number);
    return !NON_PUBLIC.some((r) => {
        if (r[0] !== o1) return false;
        if (r.length === 2) return true;
        const bits = r[1] - 8;
        return (o2 >> (8 - bits)) === (r[2] >> (8 - bits));
    });
}
