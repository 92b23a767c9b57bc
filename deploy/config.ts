import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * The delivery program's configuration (`ahds-deploy:*` keys, declared with types, descriptions and defaults in
 * deploy/Pulumi.yaml): read once, validated as a whole and frozen. Every problem is reported at once, by key, before
 * any resource is registered, the way the platform program's lib/config.ts does it.
 */
export const NAMESPACE = "ahds-deploy";

/** The platform stacks that deploy on push (the review template is configured under `review`). */
export const PLATFORM_STACKS = ["dev", "prod"] as const;
export type PlatformStack = (typeof PLATFORM_STACKS)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Five-field cron (minute hour day-of-month month day-of-week, UTC), as Pulumi Cloud schedules take it. */
export function cronProblems(expr: string): string[] {
    const fields = expr.trim().split(/\s+/);
    if (fields.length !== 5) return ["must be a cron expression with five fields (minute hour day-of-month month day-of-week, UTC)"];
    const bounds: Array<[string, number, number]> = [["minute", 0, 59], ["hour", 0, 23], ["day of month", 1, 31], ["month", 1, 12], ["day of week", 0, 7]];
    const problems: string[] = [];
    fields.forEach((f, i) => {
        const [what, lo, hi] = bounds[i] ?? ["field", 0, 0];
        const value = (v: string) => /^\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi;
        const ok = f.split(",").every((part) => {
            const [range = "", step, ...more] = part.split("/");
            if (more.length > 0 || (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= hi))) return false;
            if (range === "*") return true;
            const [a, b, ...rest] = range.split("-");
            return rest.length === 0 && a !== undefined && value(a) && (b === undefined || (value(b) && Number(b) >= Number(a)));
        });
        if (!ok) problems.push(`has an invalid ${what} field "${f}" (${lo}-${hi}, *, lists, ranges and steps)`);
    });
    return problems;
}

const bool = z.stringbool();
const nonEmptyName = (what: string, pattern: RegExp) => z.string().regex(pattern, `must be ${what}`);
// Git branch names (git check-ref-format): no spaces, "..", "//", "@{", control characters or ~^:?*[\ ; not ending in
// "/", "." or ".lock". Given without refs/heads/, which the program adds.
const branch = z.string().superRefine((v, ctx) => {
    const bad = v === "" || v.startsWith("refs/") || v.startsWith("-") || v.startsWith("/") || v.endsWith("/") || v.endsWith(".") || v.endsWith(".lock")
        || /\.\.|\/\/|@\{|[\s~^:?*[\\\p{Cc}]/u.test(v);
    if (bad) ctx.addIssue({ code: "custom", message: "must be a branch name such as main or release/2027 (without refs/heads/)" });
});
const cron = (optional: boolean) => z.string().superRefine((v, ctx) => {
    if (optional && v === "") return;
    for (const message of cronProblems(v)) ctx.addIssue({ code: "custom", message: optional ? `${message} (or empty for none)` : message });
});
const agentPool = z.string().refine((v) => v === "" || GUID.test(v), "must be an agent pool ID (GUID) or empty for Pulumi-hosted runners");
const stackName = nonEmptyName("a stack name (letters, digits, -, _ or .)", /^[A-Za-z0-9_.-]{1,100}$/);

const platformStack = (driftRequired: boolean) => z.strictObject({
    branch,
    previewPullRequests: bool,
    driftSchedule: cron(!driftRequired),
    agentPoolId: agentPool,
});

const schema = z.strictObject({
    organization: nonEmptyName("a Pulumi organization name", /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/),
    repository: nonEmptyName("a GitHub repository as owner/name", /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/),
    project: nonEmptyName("a Pulumi project name", /^[A-Za-z0-9_.-]{1,100}$/),
    repoDir: z.string().refine((v) => v === "." || /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_.\/-]+(?<!\/)$/.test(v), "must be \".\" or a relative folder without . or .. segments"),
    // A moving tag (latest, or none) would change the toolchain under a deployment without a commit.
    executorImage: z.string().refine((v) => /^[a-z0-9][a-z0-9._\/-]*(:(?!latest$)[A-Za-z0-9_][A-Za-z0-9._-]{0,127}|@sha256:[0-9a-f]{64})$/.test(v),
        "must be an image pinned by a version tag or digest (not :latest), e.g. pulumi/pulumi-nodejs-20:3.248.0"),
    escProject: nonEmptyName("an ESC project name (letters, digits, -, _ or .)", /^[A-Za-z0-9_.-]{1,100}$/),
    policyPack: nonEmptyName("a policy pack name (letters, digits, - or _)", /^[A-Za-z0-9_-]{1,100}$/),
    ciTeam: nonEmptyName("a Pulumi team name (letters, digits, -, _ or .)", /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/),
    policyPublishEnvironment: nonEmptyName("a GitHub environment name (letters, digits, -, _ or .)", /^[A-Za-z0-9_.-]{1,255}$/),
    dev: platformStack(false),
    // Drift in prod is what an auditor asks about: detection is required (and must run at least daily, below).
    prod: platformStack(true),
    review: z.strictObject({
        enabled: bool,
        stack: stackName,
        branch,
        expires: z.string().refine((v) => v === "" || (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v) && new Date(v).toISOString() === v.replace("Z", ".000Z")),
            "must be an ISO 8601 UTC timestamp such as 2027-06-30T00:00:00Z"),
    }),
});

type DeepReadonly<T> = T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
export type DeployConfig = DeepReadonly<z.output<typeof schema>>;

export interface ConfigProblem {
    /** Full config key, for example `ahds-deploy:prod.branch`. */
    key: string;
    message: string;
}

/** Thrown for invalid configuration; a RunError, so Pulumi prints the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
    /** The same marker as lib/config.ts's ConfigError, so `npm run plan` exits 2 for either program. */
    readonly isConfigError = true;
    constructor(readonly problems: ConfigProblem[]) {
        super(`Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  ${p.key}: ${p.message}`).join("\n"));
        this.name = "ConfigError";
    }
}

type Nested = { [k: string]: string | Nested };

/** `{"ahds-deploy:prod.branch": "release"}` → `{prod: {branch: "release"}}`; other namespaces are ignored. */
function nest(flat: Record<string, string>): { nested: Nested; problems: ConfigProblem[] } {
    const nested: Nested = {};
    const problems: ConfigProblem[] = [];
    for (const [fullKey, value] of Object.entries(flat)) {
        if (!fullKey.startsWith(`${NAMESPACE}:`)) continue;
        const parts = fullKey.slice(NAMESPACE.length + 1).split(".");
        let node: Nested = nested;
        for (const [i, part] of parts.entries()) {
            if (i === parts.length - 1) {
                if (typeof node[part] === "object") problems.push({ key: fullKey, message: "conflicts with nested keys under it" });
                else node[part] = value;
            } else {
                const next = node[part];
                if (typeof next === "string") { problems.push({ key: fullKey, message: `conflicts with key ${NAMESPACE}:${parts.slice(0, i + 1).join(".")}` }); break; }
                node = next ?? (node[part] = {});
            }
        }
    }
    return { nested, problems };
}

function rawAt(nested: Nested, at: readonly PropertyKey[]): unknown {
    let v: unknown = nested;
    for (const p of at) v = typeof v === "object" && v !== null ? (v as Record<PropertyKey, unknown>)[p] : undefined;
    return v;
}

function zodProblems(nested: Nested, issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    for (const issue of issues) {
        const at = issue.path.map(String).join(".");
        const key = `${NAMESPACE}:${at}`;
        const raw = rawAt(nested, issue.path);
        const shown = typeof raw === "string" ? `"${raw}" ` : "";
        switch (issue.code) {
            case "unrecognized_keys":
                for (const k of issue.keys) out.push({ key: `${NAMESPACE}:${at === "" ? k : `${at}.${k}`}`, message: "is not a known config key (see deploy/Pulumi.yaml)" });
                break;
            case "invalid_type":
                out.push({ key, message: raw === undefined ? "is required (set it in deploy/Pulumi.<stack>.yaml)" : `${shown}is not a valid ${issue.expected}` });
                break;
            case "invalid_value":
                out.push({ key, message: `${shown}is not one of ${issue.values.map(String).join(", ")}` });
                break;
            default:
                out.push({ key, message: `${shown}${issue.message}` });
        }
    }
    return out;
}

/** Rules between keys, checked on the raw values so they are reported beside the schema's problems. */
function crossProblems(nested: Nested): ConfigProblem[] {
    const str = (at: string): string | undefined => { const v = rawAt(nested, at.split(".")); return typeof v === "string" ? v : undefined; };
    const p: ConfigProblem[] = [];
    const dev = str("dev.branch");
    const prod = str("prod.branch");
    if (dev !== undefined && dev === prod) p.push({ key: `${NAMESPACE}:prod.branch`, message: `must differ from dev.branch ("${dev}"): one push would deploy both stacks at once` });
    const drift = str("prod.driftSchedule");
    if (drift !== undefined && cronProblems(drift).length === 0 && !/^\S+ \S+ \* \* \*$/.test(drift.trim().replace(/\s+/g, " "))) {
        p.push({ key: `${NAMESPACE}:prod.driftSchedule`, message: `"${drift}" must run at least daily (day of month, month and day of week *)` });
    }
    if (str("review.enabled") === "true" && str("review.expires") === "") {
        p.push({ key: `${NAMESPACE}:review.expires`, message: "is required with review.enabled: the review template's time-to-live (ISO 8601 UTC)" });
    }
    const review = str("review.stack");
    if (review !== undefined && (PLATFORM_STACKS as readonly string[]).includes(review)) {
        p.push({ key: `${NAMESPACE}:review.stack`, message: `"${review}" is a platform stack; the review template must be a stack of its own (it is never deployed)` });
    }
    return p;
}

function deepFreeze<T>(o: T): T {
    if (typeof o === "object" && o !== null) {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
    }
    return o;
}

/** Validates a flat config map (`"ahds-deploy:key" → string`, as Pulumi passes it). Throws ConfigError listing every problem. */
export function parseDeployConfig(flat: Record<string, string>): DeployConfig {
    const { nested, problems } = nest(flat);
    // Missing groups become empty objects, so a missing key is reported as itself (prod.branch), not its group.
    for (const [k, v] of Object.entries(schema.shape)) if (v instanceof z.ZodObject && nested[k] === undefined) nested[k] = {};
    const parsed = schema.safeParse(nested, { reportInput: true });
    const all = [...problems, ...(parsed.success ? [] : zodProblems(nested, parsed.error.issues)), ...crossProblems(nested)];
    const seen = new Set<string>();
    const unique = all.filter((x) => { const k = `${x.key}\u0000${x.message}`; if (seen.has(k)) return false; seen.add(k); return true; });
    if (unique.length > 0 || !parsed.success) throw new ConfigError(unique);
    return deepFreeze(parsed.data);
}

/** Reads and validates the current stack's config from the Pulumi runtime. */
export function loadDeployConfig(): DeployConfig {
    return parseDeployConfig(pulumi.runtime.allConfig());
}
