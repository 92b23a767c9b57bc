import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { cronProblems } from "../components/shared/cron";
import { ConfigError, DeepReadonly, parseKeyedConfig } from "../lib/keyedConfig";

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
        "must be an image pinned by a version tag or digest (not :latest), e.g. pulumi/pulumi-nodejs-22:3.248.0"),
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

export type DeployConfig = DeepReadonly<z.output<typeof schema>>;
export { ConfigError };
export type { ConfigProblem } from "../lib/keyedConfig";

/** Rules between keys, checked on the raw values so they are reported beside the schema's problems (keys without the namespace). */
function crossProblems(str: (key: string) => string | undefined): Array<{ key: string; message: string }> {
    const p: Array<{ key: string; message: string }> = [];
    const dev = str("dev.branch");
    const prod = str("prod.branch");
    if (dev !== undefined && dev === prod) p.push({ key: "prod.branch", message: `must differ from dev.branch ("${dev}"): one push would deploy both stacks at once` });
    const drift = str("prod.driftSchedule");
    if (drift !== undefined && cronProblems(drift).length === 0 && !/^\S+ \S+ \* \* \*$/.test(drift.trim().replace(/\s+/g, " "))) {
        p.push({ key: "prod.driftSchedule", message: `"${drift}" must run at least daily (day of month, month and day of week *)` });
    }
    if (str("review.enabled") === "true" && str("review.expires") === "") {
        p.push({ key: "review.expires", message: "is required with review.enabled: the review template's time-to-live (ISO 8601 UTC)" });
    }
    const review = str("review.stack");
    if (review !== undefined && (PLATFORM_STACKS as readonly string[]).includes(review)) {
        p.push({ key: "review.stack", message: `"${review}" is a platform stack; the review template must be a stack of its own (it is never deployed)` });
    }
    return p;
}

/** Validates a flat config map (`"ahds-deploy:key" → string`, as Pulumi passes it). Throws ConfigError listing every problem. */
export function parseDeployConfig(flat: Record<string, string>): DeployConfig {
    return parseKeyedConfig(flat, {
        namespace: NAMESPACE,
        schema,
        declaredIn: "deploy/Pulumi.yaml",
        requiredHint: "set it in deploy/Pulumi.<stack>.yaml",
        crossChecks: crossProblems,
    });
}

/** Reads and validates the current stack's config from the Pulumi runtime. */
export function loadDeployConfig(): DeployConfig {
    return parseDeployConfig(pulumi.runtime.allConfig());
}
