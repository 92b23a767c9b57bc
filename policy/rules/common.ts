/**
 * Helpers shared by the rules. They make the pack robust to real programs, not just ours: versioned type tokens,
 * enum strings in any case, and omitted properties treated as Azure's default.
 */
import type { PolicyResource } from "@pulumi/policy";

/**
 * `azure-native:<module>[/<version>]:<Type>` → `<module>:<Type>`, or undefined for other providers; versioned tokens
 * such as `azure-native:storage/v20230101:StorageAccount` map to the same key as the default one.
 */
export function azureTypeKey(type: string): string | undefined {
    const m = /^azure-native:([a-z0-9]+)(?:\/v[0-9a-z]+)?:([A-Za-z0-9]+)$/.exec(type);
    return m === null ? undefined : `${m[1]}:${m[2]}`;
}

/** Case-insensitive comparison for Azure enum strings (`Disabled` vs `disabled`). */
export function enumEquals(value: unknown, expected: string): boolean {
    return typeof value === "string" && value.toLowerCase() === expected.toLowerCase();
}

/**
 * The sentinels @pulumi/policy turns unknown values into (one per type: boolean, number, string, array, asset, archive,
 * object; @pulumi/policy/proxy.js). At preview, IDs, allocated addresses and everything computed from them are unknown.
 */
const UNKNOWN_SENTINELS = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", "3eeb2bf0-c639-47a8-9e75-3b44932eb421", "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a", "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** A value not known until the update runs. A symbol, so it never equals a string (two unknown IDs do not "match"). */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** An own property read that bypasses @pulumi/policy's unknown-checking proxy (its `get` trap throws on unknowns). */
const own = (v: unknown, key: string): unknown => (typeof v === "object" && v !== null ? Object.getOwnPropertyDescriptor(v, key)?.value : undefined);

/**
 * Reads `a.b.c` without throwing on unknown values: UNKNOWN when the value, or an object on the way to it, is unknown.
 *
 * Rules read inputs through @pulumi/policy's proxy, which throws at the first unknown value; the engine then skips the
 * whole rule for that resource with an advisory "can't run during preview" (and for a stack rule, for every resource).
 * That is right where the value decides the outcome (the rule runs again, with known inputs, before `pulumi up` creates
 * the resource). It is wrong where a rule only needs to know that a reference is set (a policy ID, a subnet ID, an SSH
 * key): use `peek` there.
 */
export function peek(props: unknown, path: string): unknown {
    let v: unknown = props;
    for (const p of path.split(".")) {
        if (typeof v === "string" && UNKNOWN_SENTINELS.has(v)) return UNKNOWN;
        v = own(v, p);
    }
    return typeof v === "string" && UNKNOWN_SENTINELS.has(v) ? UNKNOWN : v;
}

/** True when `a.b.c` is set, known or not (an unknown reference is still a reference). */
export function present(props: unknown, path: string): boolean {
    return peek(props, path) !== undefined;
}

/**
 * A plain deep copy of resource properties with unknown values as UNKNOWN, read without the proxy. Stack rules work
 * on these: they must decide at preview (the engine runs stack policies only after `pulumi up` has deployed), so no
 * unknown ID or address may abort them; they follow dependencies instead.
 */
export function plain(v: unknown): unknown {
    if (typeof v === "string") return UNKNOWN_SENTINELS.has(v) ? UNKNOWN : v;
    if (Array.isArray(v)) return Array.from({ length: Number(own(v, "length")) }, (_, i) => plain(own(v, String(i))));
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.keys(v).map((k) => [k, plain(own(v, k))]));
    return v;
}

/** Reads a nested property (`a.b.c`) from resource inputs; undefined when any step is missing. */
export function prop(props: Record<string, unknown>, path: string): unknown {
    let v: unknown = props;
    for (const p of path.split(".")) v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[p] : undefined;
    return v;
}

/**
 * Public network access is off only when the property says "Disabled": every service this pack reads defaults to
 * Enabled when it is omitted. Returns how it is open ("unset (Azure default: Enabled)" or the value), or undefined.
 */
export function publicAccessOpen(props: Record<string, unknown>, path = "publicNetworkAccess"): string | undefined {
    const v = prop(props, path);
    if (enumEquals(v, "Disabled")) return undefined;
    return v === undefined ? "unset (Azure default: Enabled)" : String(v);
}

/**
 * A network rule set that denies by default and opens no IP or VNet rule (a storage account's networkRuleSet, an Event
 * Hubs NamespaceNetworkRuleSet): only trusted Azure services and private endpoints get through.
 */
export function denyAllRuleSet(set: unknown): boolean {
    if (typeof set !== "object" || set === null) return false;
    const s = set as Record<string, unknown>;
    const none = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);
    return enumEquals(prop(s, "defaultAction"), "Deny") && none(prop(s, "ipRules")) && none(prop(s, "virtualNetworkRules"));
}

/** The objects in an array property (anything else, including an unknown or missing value, gives none). */
export function objects(v: unknown): Array<Record<string, unknown>> {
    return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : [];
}

/** Subnets Azure forbids or manages NSGs on (learn.microsoft.com/azure/virtual-network/network-security-groups-overview). */
export const NO_NSG_SUBNETS = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];

/**
 * Platform subnets, by the names Azure reserves, with why each takes no default route to the firewall: Azure manages
 * them, forbids a custom 0.0.0.0/0 there, or their service brings its own outbound path (public IP). They host no
 * workload compute. Everything else (private-endpoint subnets included) routes 0.0.0.0/0 to the firewall.
 */
export const PLATFORM_SUBNET_REASONS: Readonly<Record<string, string>> = {
    GatewaySubnet: "VPN/ExpressRoute gateways: a 0.0.0.0/0 user-defined route on GatewaySubnet is not supported (vpn-gateway/vpn-gateway-about-vpn-gateway-settings#gwsub)",
    AzureFirewallSubnet: "the firewall itself: its default route must be Internet (firewall/firewall-faq), it is the next hop of every other subnet",
    AzureFirewallManagementSubnet: "the firewall's management NIC: its default route must go to the Internet (firewall/forced-tunneling)",
    RouteServerSubnet: "Azure Route Server: user-defined routes are not supported on its subnet (route-server/route-server-faq)",
    AzureBastionSubnet: "Azure Bastion: user-defined routes are not supported on AzureBastionSubnet (bastion/bastion-faq); sessions leave only to the VNet",
};

/** Platform subnets: Azure manages them or their service brings its own outbound path (public IP), so they take no route to the firewall. */
export const PLATFORM_SUBNETS = Object.keys(PLATFORM_SUBNET_REASONS);

/**
 * Application Gateway v2 subnets keep Azure's default path to the internet: the gateway's control plane (GatewayManager,
 * health and metrics, Key Vault certificate refresh) needs it, and "when introducing a default route (0.0.0.0/0) to
 * forward traffic anywhere other than the Internet, metrics, monitoring, and updates of the gateway result in a failed
 * status" unless the subscription has registered the network-isolation feature (EnableApplicationGatewayNetworkIsolation;
 * learn.microsoft.com/azure/application-gateway/application-gateway-private-deployment, configuration-infrastructure#supported-user-defined-routes).
 * The subnet can hold only application gateways (configuration-infrastructure#virtual-network-and-dedicated-subnet), whose
 * WAF is its inspection point. subnet-egress-via-firewall and subnet-no-default-outbound accept such subnets by default.
 *
 * These are the names taken for Application Gateway subnets where nothing better tells: SpokeNetwork's (`snet-appgw`,
 * components/spokeNetwork/nsgRules.ts SUBNETS; a test keeps the two equal). subnet-egress-via-firewall uses them only
 * when a gateway's subnet ID is unknown (a first preview), and only in the VNet the gateway's IP configuration is built
 * from; subnet-no-default-outbound, a resource rule that sees the VNet alone, uses them for every VNet.
 */
export const APPLICATION_GATEWAY_SUBNET_NAMES = ["snet-appgw"];

/** A dotted-quad IPv4 address (`10.0.0.0`). */
function isIpv4(a: string): boolean {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
    return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

/** An IPv6 address in any RFC 4291 text form: eight groups, `::` for a run of zero groups, an IPv4 tail (`::ffff:0.0.0.0`). */
function isIpv6(a: string): boolean {
    const halves = a.split("::");
    if (halves.length > 2) return false;
    const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
    let count = 0;
    for (const [i, g] of groups.entries()) {
        if (/^[0-9a-f]{1,4}$/i.test(g)) count += 1;
        else if (i === groups.length - 1 && isIpv4(g)) count += 2;
        else return false;
    }
    return halves.length === 2 ? count <= 7 : count === 8;
}

/** Which part of an address family's space a default-like route covers: both halves (a /0), or one half (a /1). */
export interface DefaultRouteCover {
    family: 4 | 6;
    /** 0: the low half (0.0.0.0/1, ::/1), 1: the high half (128.0.0.0/1, 8000::/1). */
    halves: Array<0 | 1>;
}

/**
 * The part of the address space a default-like route covers, or undefined for any other prefix: a /0 (0.0.0.0/0, and
 * for IPv6 ::/0) covers it all, a /1 covers one half of a split default (0.0.0.0/1 + 128.0.0.0/1, ::/1 + 8000::/1),
 * which wins over the /0 by longest-prefix match. Decided on the parsed prefix, not the spelling, so every text form of
 * an address counts (`0:0:0:0:0:0:0:0/0`, `::0/0`, `8000:0::/1`). A dual-stack VNet routes IPv6 with user-defined routes
 * like IPv4 (learn.microsoft.com/azure/virtual-network/ip-services/ipv6-overview), so a ::/0 to the Internet is as much
 * an egress path around the firewall as a 0.0.0.0/0 one. Service tags and longer prefixes are not defaults.
 */
export function defaultRouteCover(prefix: unknown): DefaultRouteCover | undefined {
    if (typeof prefix !== "string") return undefined;
    const m = /^([^/]+)\/(\d{1,3})$/.exec(prefix.trim());
    const address = m?.[1];
    if (m === null || address === undefined) return undefined;
    const length = Number(m[2]);
    if (length > 1) return undefined;
    let family: 4 | 6;
    let high: boolean;
    if (isIpv4(address)) { family = 4; high = Number(address.split(".")[0]) >= 128; }
    else if (isIpv6(address)) { family = 6; const first = address.startsWith("::") ? "0" : (address.split(":")[0] ?? "0"); high = Number.parseInt(first, 16) >= 0x8000; }
    else return undefined;
    return { family, halves: length === 0 ? [0, 1] : [high ? 1 : 0] };
}

/** True for an address prefix that carries internet-bound traffic like a default route (see defaultRouteCover). */
export function isDefaultRoutePrefix(prefix: unknown): boolean {
    return defaultRouteCover(prefix) !== undefined;
}

/** The one subnet whose route table may send 0.0.0.0/0 to the Internet (isFirewallSubnetInternetTable). */
export const FIREWALL_SUBNET = "AzureFirewallSubnet";

/**
 * True for the route table Learn prescribes for AzureFirewallSubnet in a hub with a VPN or ExpressRoute gateway: its
 * only route is 0.0.0.0/0 → Internet and BGP propagation stays on. "Azure Firewall must have direct internet
 * connectivity. If your AzureFirewallSubnet subnet learns a default route to your on-premises network via BGP, you must
 * override it by using a 0.0.0.0/0 UDR with the NextHopType value set as Internet", while the firewall keeps learning
 * the on-premises routes ("No UDR is required on the Azure Firewall subnet, because it learns routes from BGP";
 * learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy, firewall-faq). The shape is exact (IPv4 /0 spelled
 * 0.0.0.0/0, no other route, no split or IPv6 default, propagation not disabled) so no other table matches it by
 * accident. route-default-via-firewall, which sees the table alone, leaves such a table to subnet-egress-via-firewall,
 * which sees what uses it and admits it on AzureFirewallSubnet only. Inline routes only: a standalone network:Route is
 * judged on its own.
 */
export function isFirewallSubnetInternetTable(props: Record<string, unknown>): boolean {
    const routes = Array.isArray(props["routes"]) ? props["routes"] : undefined;
    if (routes === undefined || routes.length !== 1) return false;
    const only = objects(routes)[0];
    return only !== undefined && only["addressPrefix"] === "0.0.0.0/0" && enumEquals(only["nextHopType"], "Internet") && props["disableBgpRoutePropagation"] !== true;
}

// ---------------------------------------------------------------- stack rules: resources and their relations

/** A stack resource's type key (`storage:StorageAccount`), or "" for other providers and components. */
export function resourceKey(r: PolicyResource): string {
    return azureTypeKey(r.type) ?? "";
}

/**
 * True when `r` was built from `target`: through input `prop` when given (its property dependencies, known at
 * preview), otherwise through any input or `dependsOn`.
 */
export function dependsOn(r: PolicyResource, target: PolicyResource, prop?: string): boolean {
    const deps = prop === undefined ? [...r.dependencies, ...Object.values(r.propertyDependencies).flat()] : (r.propertyDependencies[prop] ?? []);
    return deps.some((d) => d.urn === target.urn);
}

/** The last segment of an Azure name or ID (ARM returns a child's name as `<parent>/<child>`); undefined for a non-string. */
export function leaf(v: unknown): string | undefined {
    return typeof v === "string" ? v.split("/").pop() ?? "" : undefined;
}

/** `s` as a literal inside a regular expression. */
export function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** An endpoint's connection properties: auto-approved and manual-approval connections both put the target behind it. */
const CONNECTION_PROPS = ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"];

/** A private endpoint pointing at a target, with its connections to it. */
export interface PrivateLink {
    endpoint: PolicyResource;
    /**
     * The endpoint's connections to the target: every connection of a property built from the target (an endpoint
     * has one connection; none when the property is unknown as a whole), or those naming the target's ID.
     */
    connections: Array<Record<string, unknown>>;
}

/**
 * The private endpoints among `endpoints` (network:PrivateEndpoint resources) that point at `target`: by the
 * dependency of a connection property on it (known at preview), or by a connection's privateLinkServiceId equal to
 * its known ID (an endpoint to an ID the stack spells out).
 */
export function privateLinksTo(endpoints: PolicyResource[], target: PolicyResource): PrivateLink[] {
    const id = target.props["id"];
    const links: PrivateLink[] = [];
    for (const endpoint of endpoints) {
        const connections = CONNECTION_PROPS.flatMap((p) => {
            const all = objects(endpoint.props[p]);
            if (dependsOn(endpoint, target, p)) return all;
            return typeof id === "string" ? all.filter((c) => enumEquals(c["privateLinkServiceId"], id)) : [];
        });
        if (connections.length > 0 || CONNECTION_PROPS.some((p) => dependsOn(endpoint, target, p))) links.push({ endpoint, connections });
    }
    return links;
}

/** The private-link group IDs (sub-resources: `blob`, `dfs`, `account`) of connections, lower-cased; unknown ones are left out. */
export function groupIdsOf(connections: Array<Record<string, unknown>>): string[] {
    return connections.flatMap((c) => (Array.isArray(c["groupIds"]) ? c["groupIds"] : [])).filter((g): g is string => typeof g === "string").map((g) => g.toLowerCase());
}

// ---------------------------------------------------------------- storage firewalls and trusted resource instances

/** True when a storage firewall's `bypass` (comma-separated: "Logging, AzureServices") includes `what`. */
export function bypasses(bypass: unknown, what: string): boolean {
    return typeof bypass === "string" && bypass.split(",").some((b) => enumEquals(b.trim(), what));
}

/** Why a storage account's firewall refuses a trusted resource instance (a FHIR service, a Synapse workspace). */
export type InstanceRefusal =
    /** publicNetworkAccess Disabled: the public endpoint, and with it every firewall exception, is closed. */
    | { kind: "disabled" }
    /** The whole networkRuleSet is unknown (azure-native resolves it as one value) and not built from the instance. */
    | { kind: "not-derived" }
    /** The firewall does not let trusted Azure services through (resource-instance rules apply only under that bypass). */
    | { kind: "no-bypass"; bypass: string }
    /** No resource-instance rule names the instance. */
    | { kind: "no-rule" };

/**
 * How a storage account's firewall refuses one trusted resource instance, or [] when it admits it. A service outside
 * every VNet (Health Data Services, Synapse serverless SQL) comes in over the public endpoint as a trusted resource
 * instance: publicNetworkAccess must not be Disabled, `bypass` must keep AzureServices (Azure's default when unset),
 * and a `resourceAccessRules` entry must name the instance
 * (learn.microsoft.com/azure/storage/common/storage-network-security-resource-instances).
 *
 * `instance` tests a known rule ID. `derived` says whether the account's firewall is built from the instance: then a
 * rule set unknown as a whole, or a rule whose ID is still unknown at a first preview, is taken as naming it; every
 * later preview and update sees, and checks, the real ID. Props are the plain copy stack rules read (UNKNOWN marks).
 */
export function instanceRefusals(account: Record<string, unknown>, instance: (id: string) => boolean, derived: boolean): InstanceRefusal[] {
    if (enumEquals(account["publicNetworkAccess"], "Disabled")) return [{ kind: "disabled" }];
    const set = account["networkRuleSet"];
    if (set === UNKNOWN) return derived ? [] : [{ kind: "not-derived" }];
    const refusals: InstanceRefusal[] = [];
    const bypass = prop(account, "networkRuleSet.bypass");
    if (bypass !== undefined && bypass !== UNKNOWN && !bypasses(bypass, "AzureServices")) refusals.push({ kind: "no-bypass", bypass: String(bypass) });
    const admits = objects(prop(account, "networkRuleSet.resourceAccessRules")).some((r) => {
        const id = r["resourceId"];
        if (id === UNKNOWN) return derived;
        return typeof id === "string" && instance(id);
    });
    if (!admits) refusals.push({ kind: "no-rule" });
    return refusals;
}

// ---------------------------------------------------------------- hybrid connectivity

/**
 * Subnet delegations whose service takes no route to the firewall, with why: the subnet holds only that service's
 * managed endpoint, which has no egress of its own through the subnet. Exempt by delegation in subnet-egress-via-firewall.
 */
export const DELEGATED_PLATFORM_SUBNET_REASONS: Readonly<Record<string, string>> = {
    "Microsoft.Network/dnsResolvers": "Azure DNS Private Resolver endpoints: the subnet holds nothing else (dns/dns-private-resolver-overview#subnet-restrictions); inbound queries arrive from the gateway on the hub's routes and their answers must return the same way, so a 0.0.0.0/0 to the firewall would route only the answers through it",
};
/** Delegations exempt from subnet-egress-via-firewall (see DELEGATED_PLATFORM_SUBNET_REASONS). */
export const DELEGATED_PLATFORM_SUBNETS = Object.keys(DELEGATED_PLATFORM_SUBNET_REASONS);

/** The service names a subnet is delegated to (`delegations[].serviceName`). */
export function delegationsOf(subnet: Record<string, unknown>): string[] {
    return objects(subnet["delegations"]).map((d) => d["serviceName"]).filter((n): n is string => typeof n === "string");
}

/** An IPv4 CIDR as [first address, prefix length], or undefined when it is not one. */
function ipv4Block(cidr: unknown): [number, number] | undefined {
    if (typeof cidr !== "string") return undefined;
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
    if (m === null) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const length = Number(m[5]);
    if (octets.some((o) => o > 255) || length > 32) return undefined;
    const value = octets.reduce((a, o) => a * 256 + o, 0);
    const size = 2 ** (32 - length);
    return [value - (value % size), length];
}

/** True when IPv4 block `outer` contains block `inner` (equal counts); false for anything that is not an IPv4 CIDR. */
export function ipv4Contains(outer: unknown, inner: unknown): boolean {
    const o = ipv4Block(outer);
    const i = ipv4Block(inner);
    if (o === undefined || i === undefined || i[1] < o[1]) return false;
    return i[0] - (i[0] % 2 ** (32 - o[1])) === o[0];
}
