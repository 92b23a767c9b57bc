import { Cidr, addressAt, contains, overlaps, parseCidr } from "../components/shared/cidr";
import { SubnetPurpose } from "../components/shared/subnets";
import { overlapsDnsResolverReservedRange } from "../components/hubSecurity/hybridRules";

/**
 * The platform's address plan, derived from an address space: which subnet each role gets, how large, and where. Pure
 * (no Pulumi), so `npm run new-stack` and its tests compute exactly what a stack file will say. Every size meets the
 * Azure minimum the config validator enforces (components/shared/subnets.ts SUBNET_MINIMUMS, checked by
 * lib/crossChecks.ts), and tests run every derived plan through that validator.
 */

/** One subnet of the plan: its config key (without the `ahds:` namespace), its size and why it has it. */
export interface PlannedRole {
    key: string;
    /** Prefix length the plan gives it. */
    prefix: number;
    /** SUBNET_MINIMUMS purpose whose Azure minimum it must meet. */
    purpose: SubnetPurpose;
    /** Only used with hybrid connectivity (`ahds:hybrid.type` vpn or expressroute): reserved, not configured. */
    hybrid?: true;
    /** Row (a /24) in the readable layout, as in Pulumi.dev.yaml and Pulumi.prod.yaml. */
    row: number;
    why: string;
}

/**
 * The hub's subnets. With the readable layout in a /22 this is prod's plan (10.20.0.0/22); the hybrid subnets are
 * reserved so a gateway can be added later without renumbering. AzureFirewallManagementSubnet is left out: it is only
 * for forced tunnelling of the firewall's own traffic, which the platform does not use.
 */
export const HUB_ROLES: readonly PlannedRole[] = [
    { key: "hub.firewallSubnet", prefix: 26, purpose: "firewall", row: 0, why: "AzureFirewallSubnet: Azure requires /26" },
    { key: "hub.bastionSubnet", prefix: 26, purpose: "bastion", row: 0, why: "AzureBastionSubnet: Azure requires /26 or larger" },
    { key: "hub.jumpboxSubnet", prefix: 27, purpose: "generic", row: 1, why: "one jumpbox VM, room for a second" },
    { key: "hub.privateEndpointSubnet", prefix: 27, purpose: "generic", row: 1, why: "the hub Key Vault's private endpoint" },
    { key: "hub.gatewaySubnet", prefix: 27, purpose: "gateway", hybrid: true, row: 2, why: "GatewaySubnet: /27, which VPN and ExpressRoute gateways (and their coexistence) need" },
    { key: "hub.dnsResolverInboundSubnet", prefix: 28, purpose: "dnsResolver", hybrid: true, row: 2, why: "DNS Private Resolver inbound endpoint: /28 to /24, outside 10.0.1.0-10.0.16.255" },
];

/** The spoke's subnets. With the readable layout in a /20 this is prod's plan (10.21.0.0/20). */
export const SPOKE_ROLES: readonly PlannedRole[] = [
    // App Gateway v2: one address per instance (up to 125) plus a private frontend and Azure's 5; Microsoft recommends /24
    // (learn.microsoft.com/azure/application-gateway/configuration-infrastructure#size-of-the-subnet).
    { key: "spoke.appGatewaySubnet", prefix: 24, purpose: "generic", row: 0, why: "Application Gateway v2: /24 (Microsoft's recommendation; fits 125 instances)" },
    // Internal stv2: 2 addresses per Premium unit + 1 for the load balancer: 12 units (the schema's maximum) need 25 of /27's 27.
    { key: "spoke.apimSubnet", prefix: 27, purpose: "apim", row: 1, why: "API Management (internal, stv2): /27 fits 12 Premium units" },
    { key: "spoke.privateEndpointSubnet", prefix: 24, purpose: "generic", row: 2, why: "every private endpoint of the spoke" },
    // learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements: /28 minimum, /26 recommended.
    { key: "spoke.functionIntegrationSubnet", prefix: 26, purpose: "functionIntegration", row: 3, why: "Functions VNet integration: /26 (Microsoft's recommendation)" },
    // Workload-profiles environments: /27 minimum; /26 leaves room for the export job's and the agent's replicas.
    { key: "spoke.containerAppsSubnet", prefix: 26, purpose: "containerApps", row: 4, why: "Container Apps (workload profiles): /26 (minimum /27)" },
];

/** The project's usual VNet sizes (dev and prod): what an address space is split into when it holds both VNets. */
export const USUAL_HUB_PREFIX = 22;
export const USUAL_SPOKE_PREFIX = 20;

/** How the subnets were laid out: one /24 row per group (readable, like the hand-written stacks) or packed largest first. */
export type Layout = "rows" | "packed";

export interface VnetPlan {
    addressSpace: string;
    layout: Layout;
    /** Configured subnets by config key (`spoke.apimSubnet` → CIDR). */
    subnets: Record<string, string>;
    /** Subnets reserved for hybrid connectivity by config key; a role is missing when the space has no valid place for it. */
    reserved: Record<string, string>;
    /** Why a hybrid role has no reservation (by config key). */
    unreserved: Record<string, string>;
}

export interface AddressPlan {
    hub: VnetPlan;
    spoke: VnetPlan;
}

/** A problem with an input of the plan: which one (`addressSpace`, `hubAddressSpace`) and what is wrong. */
export interface AddressPlanProblem {
    input: "addressSpace" | "hubAddressSpace";
    message: string;
}

const size = (prefix: number) => 2 ** (32 - prefix);
const block = (base: Cidr, offset: number, prefix: number): Cidr => {
    const c = parseCidr(`${addressAt(base, offset)}/${prefix}`);
    if (typeof c === "string") throw new Error(`address plan: ${addressAt(base, offset)}/${prefix} ${c}`);
    return c;
};

/** The smallest prefix length (largest block) among powers of two that holds `addresses`. */
function prefixFor(addresses: number): number {
    let p = 32;
    while (size(p) < addresses) p -= 1;
    return p;
}

/** The smallest VNet (largest prefix length) that holds the roles packed, largest first. */
export function minimumPrefix(roles: readonly PlannedRole[]): number {
    return prefixFor(roles.reduce((n, r) => n + size(r.prefix), 0));
}

/**
 * Places the roles in `space`: one /24 row per row number when the space has a /24 for each, else packed largest first
 * (aligned, no gaps). A DNS resolver subnet that would land in 10.0.1.0-10.0.16.255 moves to the first free aligned
 * block outside it, or is left unreserved. Undefined when the space is too small for the configured (non-hybrid) roles.
 */
export function planVnet(space: Cidr, roles: readonly PlannedRole[]): VnetPlan | undefined {
    const rows = Math.max(...roles.map((r) => r.row)) + 1;
    const layout: Layout = size(space.prefix) >= rows * 256 ? "rows" : "packed";
    const placed = new Map<string, Cidr>();
    const free = (c: Cidr) => contains(space, c) && [...placed.values()].every((p) => !overlaps(p, c));
    if (layout === "rows") {
        for (let row = 0; row < rows; row++) {
            let offset = row * 256;
            for (const r of roles.filter((x) => x.row === row)) {
                offset = Math.ceil(offset / size(r.prefix)) * size(r.prefix);
                placed.set(r.key, block(space, offset, r.prefix));
                offset += size(r.prefix);
            }
        }
    } else {
        // The configured subnets, then the reserved ones, each largest first (declaration order among equals): every
        // block starts aligned right after the previous one, so there are no gaps.
        let offset = 0;
        for (const r of [...roles].sort((a, b) => Number(a.hybrid === true) - Number(b.hybrid === true) || a.prefix - b.prefix)) {
            offset = Math.ceil(offset / size(r.prefix)) * size(r.prefix);
            if (offset + size(r.prefix) > size(space.prefix)) {
                if (r.hybrid === true) continue;
                return undefined;
            }
            placed.set(r.key, block(space, offset, r.prefix));
            offset += size(r.prefix);
        }
    }
    const unreserved: Record<string, string> = {};
    for (const r of roles.filter((x) => x.hybrid === true && x.purpose === "dnsResolver")) {
        const at = placed.get(r.key);
        if (at === undefined || !overlapsDnsResolverReservedRange(at)) continue;
        // The DNS Private Resolver reserves 10.0.1.0-10.0.16.255 (dns-private-resolver-overview#subnet-restrictions).
        placed.delete(r.key);
        for (let offset = 0; offset + size(r.prefix) <= size(space.prefix); offset += size(r.prefix)) {
            const c = block(space, offset, r.prefix);
            if (free(c) && !overlapsDnsResolverReservedRange(c)) { placed.set(r.key, c); break; }
        }
        if (!placed.has(r.key)) unreserved[r.key] = `every free /${r.prefix} of ${space.text} lies in 10.0.1.0-10.0.16.255, which the DNS Private Resolver reserves`;
    }
    for (const r of roles.filter((x) => x.hybrid === true && !placed.has(x.key) && unreserved[x.key] === undefined)) unreserved[r.key] = `${space.text} has no room left for a /${r.prefix}`;
    const pick = (hybrid: boolean) => Object.fromEntries(roles.filter((r) => (r.hybrid === true) === hybrid && placed.has(r.key)).map((r) => [r.key, placed.get(r.key)?.text ?? ""]));
    return { addressSpace: space.text, layout, subnets: pick(false), reserved: pick(true), unreserved };
}

/**
 * Splits one address space into the hub and the spoke: the hub in its first /22 (or its first half, if smaller), the
 * spoke in the block of the usual /20 (or half the space, if smaller) right after the first one, so the rest of the space
 * stays in one piece for further spokes. For 10.40.0.0/16: hub 10.40.0.0/22, spoke 10.40.16.0/20.
 */
export function splitAddressSpace(space: Cidr): { hub: Cidr; spoke: Cidr } {
    const spokePrefix = Math.max(space.prefix + 1, USUAL_SPOKE_PREFIX);
    const hubPrefix = Math.max(space.prefix + 1, USUAL_HUB_PREFIX);
    return { hub: block(space, 0, hubPrefix), spoke: block(space, size(spokePrefix), spokePrefix) };
}

const configured = (roles: readonly PlannedRole[]) => roles.filter((r) => r.hybrid !== true);
const describeMinimum = (roles: readonly PlannedRole[]) =>
    `it needs /${minimumPrefix(configured(roles))} or larger (${configured(roles).map((r) => `${r.key.split(".")[1]} /${r.prefix}`).join(", ")})`;

/**
 * The address plan for a stack. `addressSpace` is the spoke's when `hubAddressSpace` is given, and otherwise holds both
 * VNets (splitAddressSpace). Problems name the input they concern; every one is reported, and a plan only comes without them.
 */
export function deriveAddressPlan(input: { addressSpace: string; hubAddressSpace?: string }): { plan: AddressPlan; problems: [] } | { plan?: undefined; problems: AddressPlanProblem[] } {
    const problems: AddressPlanProblem[] = [];
    const parse = (name: AddressPlanProblem["input"], text: string): Cidr | undefined => {
        const c = parseCidr(text);
        if (typeof c === "string") { problems.push({ input: name, message: `"${text}" ${c}` }); return undefined; }
        // Azure's private ranges (RFC 1918) and shared address space (RFC 6598) are what VNets normally use; anything
        // else (public ranges) may be legitimate but is a typo often enough to refuse here.
        if (!isPrivateRange(c)) problems.push({ input: name, message: `"${text}" is not inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10 (private address space)` });
        return c;
    };
    const space = parse("addressSpace", input.addressSpace);
    const hubSpace = input.hubAddressSpace === undefined ? undefined : parse("hubAddressSpace", input.hubAddressSpace);
    if (problems.length > 0 || space === undefined) return { problems };
    let hub: Cidr;
    let spoke: Cidr;
    if (hubSpace !== undefined) {
        if (overlaps(hubSpace, space)) problems.push({ input: "hubAddressSpace", message: `"${hubSpace.text}" overlaps the spoke's address space "${space.text}" (peered VNets cannot overlap)` });
        hub = hubSpace;
        spoke = space;
    } else {
        // Split, each VNet gets half the space at most: both halves must hold their VNet's subnets.
        const both = Math.min(minimumPrefix(configured(HUB_ROLES)), minimumPrefix(configured(SPOKE_ROLES))) - 1;
        if (space.prefix > both) {
            problems.push({ input: "addressSpace", message: `"${space.text}" is too small to hold both the hub (/${minimumPrefix(configured(HUB_ROLES))} or larger) and the spoke (/${minimumPrefix(configured(SPOKE_ROLES))} or larger): it needs /${both} or larger, or the hub needs an address space of its own` });
            return { problems };
        }
        ({ hub, spoke } = splitAddressSpace(space));
    }
    const hubPlan = planVnet(hub, HUB_ROLES);
    const spokePlan = planVnet(spoke, SPOKE_ROLES);
    if (hubPlan === undefined) problems.push({ input: hubSpace !== undefined ? "hubAddressSpace" : "addressSpace", message: `"${hub.text}" is too small for the hub: ${describeMinimum(HUB_ROLES)}` });
    if (spokePlan === undefined) problems.push({ input: "addressSpace", message: `"${spoke.text}" is too small for the spoke: ${describeMinimum(SPOKE_ROLES)}` });
    if (problems.length > 0 || hubPlan === undefined || spokePlan === undefined) return { problems };
    return { plan: { hub: hubPlan, spoke: spokePlan }, problems: [] };
}

/** Private IPv4 ranges a VNet normally uses: RFC 1918 and the RFC 6598 shared address space. */
export function isPrivateRange(c: Cidr): boolean {
    return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].some((r) => {
        const outer = parseCidr(r);
        return typeof outer !== "string" && contains(outer, c);
    });
}
