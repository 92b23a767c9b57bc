/**
 * Pulumi's wire encoding of special values (sdk/nodejs/runtime/rpc.ts), and a JSON-safe view of recorded inputs.
 */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Replaces secrets with "[secret]", unknowns with "[unknown]", resource references with their URN. */
export function sanitize(v: unknown): Json {
    if (v === UNKNOWN) return "[unknown]";
    if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
    if (Array.isArray(v)) return v.map(sanitize);
    if (typeof v === "object") {
        const o = v as Record<string, unknown>;
        const sig = o[SPECIAL_SIG_KEY];
        if (sig === SECRET_SIG) return "[secret]";
        if (sig === RESOURCE_SIG) return typeof o["urn"] === "string" ? o["urn"] : "[resource]";
        if (sig === OUTPUT_SIG) {
            if (o["secret"] === true) return "[secret]";
            return "value" in o ? sanitize(o["value"]) : "[unknown]";
        }
        const out: { [k: string]: Json } = {};
        for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = sanitize(x);
        return out;
    }
    return null;
}

/** True when the value, or anything inside it, is unknown (a preview-time computed value). */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknown);
    return false;
}
