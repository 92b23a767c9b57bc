/**
 * Helpers shared by the rules. They make the pack robust to real programs, not just ours: versioned type tokens,
 * enum strings in any case, and omitted properties treated as Azure's default.
 */

/** Matches `azure-native:<module>:<Type>` and versioned tokens such as `azure-native:storage/v20230101:StorageAccount`. */
export function isAzureType(type: string, module: string, resource: string): boolean {
    const m = /^azure-native:([a-z0-9]+)(?:\/v[0-9a-z]+)?:([A-Za-z0-9]+)$/.exec(type);
    return m !== null && m[1] === module && m[2] === resource;
}

/** `azure-native:<module>[/<version>]:<Type>` → `<module>:<Type>`, or undefined for other providers. */
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

/** The objects in an array property (anything else, including an unknown or missing value, gives none). */
export function objects(v: unknown): Array<Record<string, unknown>> {
    return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null) : [];
}
