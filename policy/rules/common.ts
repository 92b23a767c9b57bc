/**
 * Helpers shared by the rules. They make the pack robust to real programs, not just ours: versioned type tokens,
 * enum strings in any case, and omitted properties treated as Azure's default.
 */

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

/** The objects in an array property (anything else, including an unknown or missing value, gives none). */
export function objects(v: unknown): Array<Record<string, unknown>> {
    return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : [];
}

/** Subnets Azure forbids or manages NSGs on (learn.microsoft.com/azure/virtual-network/network-security-groups-overview). */
export const NO_NSG_SUBNETS = ["GatewaySubnet", "AzureFirewallSubnet", "AzureFirewallManagementSubnet", "RouteServerSubnet"];

/** Platform subnets: Azure manages them or their service brings its own outbound path (public IP), so they take no route to the firewall. */
export const PLATFORM_SUBNETS = [...NO_NSG_SUBNETS, "AzureBastionSubnet"];
