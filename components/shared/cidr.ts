import * as ipaddr from "ipaddr.js";

/** A parsed IPv4 CIDR block. */
export interface Cidr {
    readonly text: string;
    readonly network: ipaddr.IPv4;
    readonly prefix: number;
}

/** Parses an IPv4 CIDR; returns a problem string instead of throwing. Results are kept per text (a pure function, called for every subnet check). */
export function parseCidr(text: string): Cidr | string {
    let parsed = parsedCidrs.get(text);
    if (parsed === undefined) parsedCidrs.set(text, parsed = parseCidrText(text));
    return parsed;
}
const parsedCidrs = new Map<string, Cidr | string>();

function parseCidrText(text: string): Cidr | string {
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

/** The `n`th address of the block (0 = network address); Azure reserves .0-.3 and the last one in every subnet. */
export function addressAt(c: Cidr, n: number): string {
    const bytes = c.network.toByteArray();
    const value = ((bytes[0] ?? 0) * 2 ** 24 + (bytes[1] ?? 0) * 2 ** 16 + (bytes[2] ?? 0) * 2 ** 8 + (bytes[3] ?? 0)) + n;
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses a CIDR or throws with the given label (for values that were validated before). */
export function mustParseCidr(label: string, text: string): Cidr {
    const c = parseCidr(text);
    if (typeof c === "string") throw new Error(`${label} "${text}" ${c}`);
    return c;
}
