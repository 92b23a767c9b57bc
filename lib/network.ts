import * as ipaddr from "ipaddr.js";

/** A parsed IPv4 CIDR block. */
export interface Cidr {
    readonly text: string;
    readonly network: ipaddr.IPv4;
    readonly prefix: number;
}

/** Parses an IPv4 CIDR; returns a problem string instead of throwing. */
export function parseCidr(text: string): Cidr | string {
    if (!ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return "is not a valid CIDR";
    const [addr, prefix] = ipaddr.IPv4.parseCIDR(text);
    const network = ipaddr.IPv4.networkAddressFromCIDR(text);
    // Azure rejects address prefixes with host bits set ("InvalidAddressPrefixFormat"), so insist on the
    // canonical network address.
    if (network.toString() !== addr.toString()) return `is not a network address (did you mean ${network.toString()}/${prefix}?)`;
    return { text, network, prefix };
}

/** True when `inner` lies entirely within `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
    return inner.prefix >= outer.prefix && inner.network.match(outer.network, outer.prefix);
}

/** True when the two blocks share at least one address (for CIDR blocks this means one contains the other). */
export function overlaps(a: Cidr, b: Cidr): boolean {
    return contains(a, b) || contains(b, a);
}

/** Addresses Azure lets you use in a subnet: every subnet loses 5 (network, broadcast and 3 for Azure services). */
export function usableAddresses(c: Cidr): number {
    return 2 ** (32 - c.prefix) - 5;
}
