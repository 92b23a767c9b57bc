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

export interface ConfigErrorOptions {
    /** The message's first line, before the count. @default "Invalid stack configuration" */
    title?: string;
    /** Lines after the problems (context that is no single key's, such as an ESC environment not resolved offline). */
    notes?: readonly string[];
}

/** Thrown for invalid configuration; a RunError, so Pulumi prints the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
    /** The marker `npm run plan` exits 2 on, for either program. */
    readonly isConfigError = true;
    readonly title: string;
    readonly notes: readonly string[];
    constructor(readonly problems: ConfigProblem[], opts: ConfigErrorOptions = {}) {
        const title = opts.title ?? "Invalid stack configuration";
        const notes = opts.notes ?? [];
        super(`${title} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  ${p.key}: ${p.message}`).join("\n") + notes.map((n) => `\n${n}`).join(""));
        this.name = "ConfigError";
        this.title = title;
        this.notes = notes;
    }
}

export function isConfigError(e: unknown): e is ConfigError {
    return typeof e === "object" && e !== null && (e as { isConfigError?: unknown }).isConfigError === true;
}

/** Levenshtein distance (insertions, deletions and substitutions of one character). */
export function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
        prev = row;
    }
    return prev[b.length] ?? 0;
}

/**
 * The candidate closest to `name` (for "did you mean …?"), when it is close enough to be a likely typo: at most a
 * third of the longer name's characters differ (and at least 2 may). Undefined otherwise.
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
    let best: { c: string; d: number } | undefined;
    for (const c of candidates) {
        const d = editDistance(name.toLowerCase(), c.toLowerCase());
        if (best === undefined || d < best.d) best = { c, d };
    }
    return best !== undefined && best.d <= Math.max(2, Math.floor(Math.max(name.length, best.c.length) / 3)) ? best.c : undefined;
}

/**
 * Credentials that must never sit in a plain (non-secret) config value, as a description that does not quote them.
 * Plain values are stored in the stack file, shown by `pulumi config` and in logs; such a value is reported by key only.
 */
const SECRET_LOOKING: ReadonlyArray<readonly [RegExp, string]> = [
    [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/, "a private key (-----BEGIN ... PRIVATE KEY-----)"],
    [/(?<![A-Za-z0-9])password\s*=/i, 'a password ("password=")'],
    [/(?<![A-Za-z0-9])secret\s*=/i, 'a secret ("secret=")'],
    [/(?<![A-Za-z0-9])AccountKey\s*=/i, 'a storage account key ("AccountKey=")'],
    [/SharedAccessSignature/i, 'a shared access signature ("SharedAccessSignature")'],
    [/(?<![A-Za-z0-9])sig=/i, 'a SAS token signature ("sig=")'],
];

/** What a value looks like when it holds a credential (see SECRET_LOOKING), else undefined. Never returns the value. */
export function secretLookingValue(value: string): string | undefined {
    return SECRET_LOOKING.find(([re]) => re.test(value))?.[1];
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
    /** By unprefixed key, what to add when a plain value looks like a credential (what the key takes instead). */
    secretLookingHints?: Readonly<Record<string, string>>;
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
    // A plain value that looks like a credential is reported by key and never reaches the schema or the cross-field
    // checks, so no message (theirs quote values) can contain it; their problems for that key are dropped below.
    const secretLooking: ConfigProblem[] = [];
    for (const [k, v] of Object.entries(flat)) {
        if (!k.startsWith(`${spec.namespace}:`) || excluded.has(k)) continue;
        const kind = secretLookingValue(v);
        if (kind === undefined) continue;
        const hint = spec.secretLookingHints?.[k.slice(spec.namespace.length + 1)];
        secretLooking.push({ key: k, message: `looks like ${kind}; the value is not shown. It is not a secret setting, so it would be stored and shown in plain text: ` +
            `remove it from the stack file (and rotate the credential if it was committed)${hint !== undefined ? `; ${hint}` : ""}` });
        excluded.add(k);
    }
    const hidden = new Set(secretLooking.map((p) => p.key));
    const { nested, problems } = nest(spec.namespace, Object.fromEntries(Object.entries(flat).filter(([k]) => !excluded.has(k))));
    // Missing groups become empty objects, so a missing key is reported as itself (ahds:firewall.sku), not its group.
    for (const [k, v] of Object.entries(spec.schema.shape)) if (v instanceof z.ZodObject && nested[k] === undefined) nested[k] = {};
    const parsed = spec.schema.safeParse(nested, { reportInput: true });
    const getRaw = (key: string) => {
        const v = rawAt(nested, key.split("."));
        return typeof v === "string" ? v : undefined;
    };
    const all = [...secretLooking, ...[...problems, ...(parsed.success ? [] : zodProblems(spec, nested, parsed.error.issues)),
        ...(spec.crossChecks?.(getRaw) ?? []).map((p) => ({ key: `${spec.namespace}:${p.key}`, message: p.message }))].filter((p) => !hidden.has(p.key))];
    // One message per key and text; credentials first, then schema problems (in declaration order), then the cross-field rules.
    const seen = new Set<string>();
    const unique = all.filter((p) => { const k = `${p.key}\u0000${p.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
    if (unique.length > 0 || !parsed.success) throw new ConfigError(unique);
    return deepFreeze(parsed.data);
}
