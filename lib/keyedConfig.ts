import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * Keyed validation of a Pulumi program's flat config (`"<namespace>:a.b" → string`, as the runtime passes it), shared
 * by the platform program (lib/config.ts) and the delivery program (deploy/config.ts): nest the keys, parse them with
 * a zod schema, add the cross-field checks, and report every problem at once by its full key, without a stack trace.
 */

export interface ConfigProblem {
    /** Full config key, for example `ahds:spoke.addressSpace`. */
    key: string;
    message: string;
}

/** Thrown for invalid configuration; a RunError, so Pulumi prints the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
    /** The marker `npm run plan` exits 2 on, for either program. */
    readonly isConfigError = true;
    constructor(readonly problems: ConfigProblem[]) {
        super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  ${p.key}: ${p.message}`).join("\n"));
        this.name = "ConfigError";
    }
}

export function isConfigError(e: unknown): e is ConfigError {
    return typeof e === "object" && e !== null && (e as { isConfigError?: unknown }).isConfigError === true;
}

export type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** A problem found by a cross-field check, by key without the namespace (`spoke.addressSpace`). */
export interface KeyedProblem {
    key: string;
    message: string;
}

export interface KeyedConfigSpec<S extends z.ZodObject> {
    /** The config namespace (`ahds`, `ahds-deploy`). */
    namespace: string;
    /** The schema of the nested keys: one strict object per group. */
    schema: S;
    /** Where the keys are declared, for unknown keys ("is not a known config key (see …)"). */
    declaredIn: string;
    /** What a user does about a missing key ("is required (…)"). */
    requiredHint: string;
    /** Cross-field checks on the raw values (read by unprefixed key), reported beside the schema's problems. */
    crossChecks?: (getRaw: (key: string) => string | undefined) => KeyedProblem[];
    /** Unprefixed keys the schema never sees (secrets, checked by crossChecks without quoting them). @default [] */
    excludedKeys?: readonly string[];
}

type Nested = { [k: string]: string | Nested };

/** `{"ahds:spoke.addressSpace": "10.1.0.0/16"}` → `{spoke: {addressSpace: "10.1.0.0/16"}}`; other namespaces are ignored. */
function nest(namespace: string, flat: Record<string, string>): { nested: Nested; problems: ConfigProblem[] } {
    const nested: Nested = {};
    const problems: ConfigProblem[] = [];
    for (const [fullKey, value] of Object.entries(flat)) {
        if (!fullKey.startsWith(`${namespace}:`)) continue;
        const path = fullKey.slice(namespace.length + 1).split(".");
        let node: Nested = nested;
        for (const [i, part] of path.entries()) {
            if (i === path.length - 1) {
                if (typeof node[part] === "object") problems.push({ key: fullKey, message: "conflicts with nested keys under it" });
                else node[part] = value;
            } else {
                const next = node[part];
                if (typeof next === "string") { problems.push({ key: fullKey, message: `conflicts with key ${namespace}:${path.slice(0, i + 1).join(".")}` }); break; }
                node = next ?? (node[part] = {});
            }
        }
    }
    return { nested, problems };
}

function rawAt(nested: Nested, path: readonly PropertyKey[]): unknown {
    let v: unknown = nested;
    for (const p of path) v = typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[p] : undefined;
    return v;
}

function zodProblems<S extends z.ZodObject>(spec: KeyedConfigSpec<S>, nested: Nested, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    for (const issue of issues) {
        const path = issue.path.map(String).join(".");
        const key = `${spec.namespace}:${path}`;
        const raw = rawAt(nested, issue.path);
        const shown = typeof raw === "string" ? `"${raw}" ` : "";
        switch (issue.code) {
            case "unrecognized_keys":
                for (const k of issue.keys) out.push({ key: `${spec.namespace}:${path === "" ? k : `${path}.${k}`}`, message: `is not a known config key (see ${spec.declaredIn})` });
                break;
            case "invalid_type":
                out.push({ key, message: raw === undefined ? `is required (${spec.requiredHint})` : `${shown}is not a valid ${issue.expected}` });
                break;
            case "invalid_value":
                out.push({ key, message: `${shown}is not one of ${issue.values.map(String).join(", ")}` });
                break;
            case "too_small":
                out.push({ key, message: typeof raw === "string" && issue.origin === "number" ? `${shown}must be at least ${issue.minimum}` : `${shown}${issue.message}` });
                break;
            case "too_big":
                out.push({ key, message: typeof raw === "string" && issue.origin === "number" ? `${shown}must be at most ${issue.maximum}` : `${shown}${issue.message}` });
                break;
            default:
                out.push({ key, message: `${shown}${issue.message}` });
        }
    }
    return out;
}

function deepFreeze<T>(o: T): T {
    if (typeof o === "object" && o !== null) {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
    }
    return o;
}

/**
 * Validates a flat config map against the spec and returns it deeply frozen (callers type it as DeepReadonly of their
 * schema's output), or throws one ConfigError listing every problem.
 */
export function parseKeyedConfig<S extends z.ZodObject>(flat: Record<string, string>, spec: KeyedConfigSpec<S>): z.output<S> {
    const excluded = new Set((spec.excludedKeys ?? []).map((k) => `${spec.namespace}:${k}`));
    const { nested, problems } = nest(spec.namespace, Object.fromEntries(Object.entries(flat).filter(([k]) => !excluded.has(k))));
    // Missing groups become empty objects, so a missing key is reported as itself (ahds:firewall.sku), not its group.
    for (const [k, v] of Object.entries(spec.schema.shape)) if (v instanceof z.ZodObject && nested[k] === undefined) nested[k] = {};
    const parsed = spec.schema.safeParse(nested, { reportInput: true });
    const getRaw = (key: string) => {
        const v = rawAt(nested, key.split("."));
        return typeof v === "string" ? v : undefined;
    };
    const all = [...problems, ...(parsed.success ? [] : zodProblems(spec, nested, parsed.error.issues)),
        ...(spec.crossChecks?.(getRaw) ?? []).map((p) => ({ key: `${spec.namespace}:${p.key}`, message: p.message }))];
    // One message per key and text; schema problems first (in declaration order), then the cross-field rules.
    const seen = new Set<string>();
    const unique = all.filter((p) => { const k = `${p.key}\u0000${p.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
    if (unique.length > 0 || !parsed.success) throw new ConfigError(unique);
    return deepFreeze(parsed.data);
}
