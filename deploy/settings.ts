import * as fs from "fs";
import * as path from "path";
import type * as service from "@pulumi/pulumiservice";
import { ConfigError, ConfigProblem, DeployConfig, NAMESPACE, PLATFORM_STACKS, PlatformStack } from "./config";

/**
 * What the delivery program registers, as plain values computed from the config and the repository's files, so the
 * rules are readable (and testable) apart from the resources.
 */

/** The repository root: deploy/ runs from a checkout of the whole repository. */
export const REPO_ROOT = path.resolve(__dirname, "..");

/** Pulumi Cloud's OIDC issuer; Entra ID federated credentials trust it. */
export const PULUMI_OIDC_ISSUER = "https://api.pulumi.com/oidc";
/** GitHub Actions' OIDC issuer, registered in the Pulumi organization for the workflows' token exchange. */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

/** A stack Pulumi Deployments runs: a platform stack, or the review-stack template. */
export interface DeployedStack {
    stack: string;
    /** Branch (without refs/heads/) it deploys or, for the template, whose pull requests get review stacks. */
    branch: string;
    /** Which policy/config.<x>.json gates it (the template uses dev's). */
    policyConfigStack: PlatformStack;
    role: "platform" | "review-template";
    previewPullRequests: boolean;
    /** Drift detection cron, "" for none (always none for the template). */
    driftSchedule: string;
    agentPoolId: string;
}

export function deployedStacks(cfg: DeployConfig): DeployedStack[] {
    const platform = PLATFORM_STACKS.map((stack): DeployedStack => ({
        stack, branch: cfg[stack].branch, policyConfigStack: stack, role: "platform",
        previewPullRequests: cfg[stack].previewPullRequests, driftSchedule: cfg[stack].driftSchedule, agentPoolId: cfg[stack].agentPoolId,
    }));
    // Review stacks land in the sandbox subscription (ESC environment <escProject>/<review.stack>) on Pulumi-hosted
    // runners: nothing they deploy needs a runner inside a VNet (README, Delivery: agentPoolId).
    const review: DeployedStack[] = cfg.review.enabled
        ? [{ stack: cfg.review.stack, branch: cfg.review.branch, policyConfigStack: "dev", role: "review-template", previewPullRequests: false, driftSchedule: "", agentPoolId: "" }]
        : [];
    return [...platform, ...review];
}

/**
 * Files whose change deploys a stack: the program, its components, lib, the pack, the project and this stack's config,
 * and what decides the installed dependencies and the compiler. Tests, docs, deploy/ and the other stacks' files do not.
 */
export function deployPaths(stack: string, repoDir: string): string[] {
    const at = (p: string) => (repoDir === "." ? p : `${repoDir}/${p}`);
    return ["index.ts", "lib/**", "components/**", "policy/**", "Pulumi.yaml", `Pulumi.${stack}.yaml`, "package.json", "package-lock.json", "tsconfig.json", ".npmrc", ".nvmrc"].map(at);
}

/**
 * The Pulumi operation of the running deployment, which Pulumi Deployments sets for the process ("PULUMI_CI_OPERATION:
 * Current Pulumi operation (update, preview, destroy, refresh, detect-drift, or remediate-drift)",
 * https://www.pulumi.com/docs/deployments/concepts/settings/environment-variables/).
 */
export const OPERATION_VARIABLE = "PULUMI_CI_OPERATION";

/** The offline plan of a stack with its policy config (what the gate runs). */
export function gatePlanCommand(d: DeployedStack): string {
    return `npm run plan -- --stack ${d.stack} --policy-pack-config policy/config.${d.policyConfigStack}.json`;
}

/**
 * Run before every Deployments operation, each in its own shell (bash, `options.shell`); a non-zero exit stops the run
 * before Pulumi starts (https://www.pulumi.com/docs/deployments/concepts/settings/pre-run-commands/). `npm ci` installs
 * exactly the lockfile (the built-in install step is skipped), then the offline plan runs the program under mocks and
 * the pack over the analyzer protocol with the stack's policy config: a mandatory violation (exit 1) or an invalid
 * config (exit 2) ends the deployment before `pulumi preview`/`pulumi up` touches Azure.
 *
 * Except for a destroy: it deploys none of the commit's code, and gating it would leave a review stack whose PR head
 * breaks a mandatory rule standing when its PR is closed (review finding 4). Without the variable (an executor that
 * does not set it) the plan runs, as before.
 */
export function preRunCommands(d: DeployedStack): string[] {
    return [
        "npm ci",
        `if [ "\${${OPERATION_VARIABLE}:-}" = destroy ]; then echo "offline gate skipped: a destroy deploys no code"; else ${gatePlanCommand(d)}; fi`,
    ];
}

/** Plain settings only: credentials come from the stack's ESC environment, never from the deployment settings. */
export const DEPLOYMENT_ENVIRONMENT: Record<string, string> = {
    // The executor's logs stay about the deployment.
    PULUMI_SKIP_UPDATE_CHECK: "true",
    NPM_CONFIG_FUND: "false",
    NPM_CONFIG_AUDIT: "false",
    NPM_CONFIG_UPDATE_NOTIFIER: "false",
};

export function deploymentSettingsArgs(cfg: DeployConfig, d: DeployedStack): service.DeploymentSettingsArgs {
    const template = d.role === "review-template";
    return {
        organization: cfg.organization,
        project: cfg.project,
        stack: d.stack,
        // The GitHub app checks the repository out; no repoUrl or git credentials here.
        sourceContext: { git: { branch: `refs/heads/${d.branch}`, repoDir: cfg.repoDir } },
        vcs: {
            provider: "github",
            repository: cfg.repository,
            // The template is never deployed itself: it only stamps out a review stack per pull request.
            deployCommits: !template,
            previewPullRequests: d.previewPullRequests,
            pullRequestTemplate: template,
            paths: deployPaths(d.stack, cfg.repoDir),
        },
        operationContext: {
            preRunCommands: preRunCommands(d),
            environmentVariables: { ...DEPLOYMENT_ENVIRONMENT },
            options: {
                skipInstallDependencies: true,
                // Queued pushes collapse into one run of the newest commit (a cold deploy of the platform takes an hour).
                skipIntermediateDeployments: true,
                shell: "bash",
                // Review stacks (copies of the template) are removed from Pulumi Cloud once destroyed; platform stacks never.
                deleteAfterDestroy: template,
            },
        },
        executorContext: { executorImage: cfg.executorImage },
        ...(d.agentPoolId !== "" ? { agentPoolId: d.agentPoolId } : {}),
    };
}

/**
 * Platform stacks whose secret config (the program's `SECRET_CONFIG_KEYS`, lib/config.ts) lives in an ESC environment
 * of their own, `<escProject>/<stack>-secrets`, that `Pulumi.<stack>.yaml` imports after `<escProject>/<stack>`: prod
 * (the hybrid IPsec pre-shared key / ExpressRoute authorization key). Pulumi Deployments sees only the committed stack
 * file and the environments it imports (https://www.pulumi.com/docs/esc/integrations/infrastructure/pulumi-iac/), and
 * no secret is committed, so this is how the key reaches a push-to-deploy of prod.
 */
export const SECRETS_ENVIRONMENT_STACKS: readonly PlatformStack[] = ["prod"];

/** The name (inside escProject) of a stack's secrets environment. */
export function secretsEnvironmentName(stack: string): string {
    return `${stack}-secrets`;
}

/**
 * The document a secrets environment is created with: an empty `pulumiConfig` (the reserved property whose keys become
 * stack config, https://www.pulumi.com/docs/esc/environments/syntax/reserved-properties/pulumi-config/). An operator
 * adds the keys with `pulumi env set … --secret` (README, Hybrid connectivity); the program never holds a value.
 */
export function secretsEnvironmentSeed(cfg: DeployConfig, stack: string): string {
    return [
        `# ESC environment ${cfg.escProject}/${secretsEnvironmentName(stack)}: the ${stack} stack's secret config, which Pulumi.${stack}.yaml imports.`,
        "# Created once by deploy/ with no value; deploy/ never writes it again (ignoreChanges on yaml). Set a key with",
        `#   pulumi env set <org>/${cfg.escProject}/${secretsEnvironmentName(stack)} 'pulumiConfig["${cfg.project}:hybrid.sharedKey"]' "<key>" --secret`,
        "values:",
        "  pulumiConfig: {}",
        "",
    ].join("\n");
}

/**
 * A secrets environment's options: deploy/ creates it and leaves its definition to the operator (`ignoreChanges` on
 * `yaml`, so a later `pulumi up` of deploy/ neither resets nor diffs the keys set with `pulumi env set`), and it is
 * never deleted with deploy/ (protect, retainOnDelete): its keys are nowhere else.
 */
export function secretsEnvironmentOptions(): { ignoreChanges: string[]; protect: boolean; retainOnDelete: boolean } {
    return { ignoreChanges: ["yaml"], protect: true, retainOnDelete: true };
}

/** `esc/<escProject>-<stack>.yaml`, the definition of the stack's credential environment. */
export function escFile(cfg: DeployConfig, stack: string): string {
    return path.join(REPO_ROOT, "esc", `${cfg.escProject}-${stack}.yaml`);
}

/** The subject Pulumi Cloud puts in the Azure token it mints when the environment opens (subjectAttributes currentEnvironment.name). */
export function escSubject(cfg: DeployConfig, stack: string): string {
    return `pulumi:environments:pulumi.organization.login:${cfg.organization}:currentEnvironment.name:${cfg.escProject}/${stack}`;
}

/** The Entra ID federated credential each ESC environment's app registration needs. */
export function federatedCredential(cfg: DeployConfig, stack: string): { issuer: string; audience: string; subject: string } {
    // Environments outside the legacy `default` project get the audience azure:<org>.
    return { issuer: PULUMI_OIDC_ISSUER, audience: `azure:${cfg.organization}`, subject: escSubject(cfg, stack) };
}

/** The pack's version as published: policy/package.json (`pulumi policy publish` uses it). */
export function policyPackVersion(): string {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", "package.json"), "utf8")) as { version?: unknown };
    if (typeof pkg.version !== "string") throw new Error("policy/package.json has no version");
    return pkg.version;
}

/**
 * A stack's pack config (policy/config.<stack>.json) in the policy group's form: the CLI file accepts a bare level
 * (`"all": "mandatory"`), the group's config takes objects, so bare levels become `{ enforcementLevel }`.
 */
export function policyGroupConfig(stack: PlatformStack): Record<string, Record<string, unknown>> {
    const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", `config.${stack}.json`), "utf8")) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(file).map(([k, v]) => [k, typeof v === "string" ? { enforcementLevel: v } : v as Record<string, unknown>]));
}

export function policyGroupArgs(cfg: DeployConfig, stack: PlatformStack): service.PolicyGroupArgs {
    return {
        name: `${cfg.project}-${stack}`,
        organizationName: cfg.organization,
        entityType: "stacks",
        // Preventative: Pulumi Cloud runs the pack in every preview and update of the stack (Deployments included) and
        // a mandatory violation stops it. Audit groups only report.
        mode: "preventative",
        stacks: [{ name: stack, routingProject: cfg.project }],
        policyPacks: [{ name: cfg.policyPack, versionTag: policyPackVersion(), config: policyGroupConfig(stack) }],
    };
}

/** GitHub's OIDC subjects for the two workflows that exchange their token for a Pulumi one. */
export function githubSubjects(cfg: DeployConfig): { pullRequest: string; policyPublish: string } {
    return { pullRequest: `repo:${cfg.repository}:pull_request`, policyPublish: `repo:${cfg.repository}:environment:${cfg.policyPublishEnvironment}` };
}

export function oidcIssuerArgs(cfg: DeployConfig): service.OidcIssuerArgs {
    const aud = `urn:pulumi:org:${cfg.organization}`;
    const subjects = githubSubjects(cfg);
    return {
        organization: cfg.organization,
        name: "github-actions",
        url: GITHUB_OIDC_ISSUER,
        maxExpirationSeconds: 3600,
        policies: [
            // Pull-request previews: a team token (Stack Read on the platform stacks, open on their environments).
            { decision: "allow", tokenType: "team", teamName: cfg.ciTeam, rules: { aud, sub: subjects.pullRequest } },
            // Publishing the pack needs an admin organization token; only a job in the protected GitHub environment gets one.
            { decision: "allow", tokenType: "organization", authorizedPermissions: ["admin"], rules: { aud, sub: subjects.policyPublish } },
        ],
    };
}

/** Problems with the repository files the config points at, by the key that names them. */
export function fileProblems(cfg: DeployConfig): ConfigProblem[] {
    const p: ConfigProblem[] = [];
    const projectFile = path.join(REPO_ROOT, cfg.repoDir, "Pulumi.yaml");
    const name = fs.existsSync(projectFile) ? /^name:\s*(\S+)\s*$/m.exec(fs.readFileSync(projectFile, "utf8"))?.[1] : undefined;
    if (name === undefined) p.push({ key: `${NAMESPACE}:repoDir`, message: `${path.relative(REPO_ROOT, projectFile) || "Pulumi.yaml"} does not exist or names no project` });
    else if (name !== cfg.project) p.push({ key: `${NAMESPACE}:project`, message: `"${cfg.project}" is not the platform program's project (${path.relative(REPO_ROOT, projectFile)} names "${name}")` });
    const stacks = deployedStacks(cfg);
    for (const d of stacks) {
        const rel = path.relative(REPO_ROOT, escFile(cfg, d.stack));
        if (!fs.existsSync(escFile(cfg, d.stack))) p.push({ key: `${NAMESPACE}:escProject`, message: `${rel} does not exist (the ${d.stack} stack's ESC environment)` });
        const stackFile = path.join(REPO_ROOT, cfg.repoDir, `Pulumi.${d.stack}.yaml`);
        if (!fs.existsSync(stackFile)) {
            const key = d.role === "review-template" ? "review.stack" : "repoDir";
            p.push({ key: `${NAMESPACE}:${key}`, message: `${path.relative(REPO_ROOT, stackFile)} does not exist (the ${d.stack} stack's config)` });
        }
    }
    return p;
}

/** Throws ConfigError when a file the config names is missing, before any resource is registered. */
export function checkFiles(cfg: DeployConfig): void {
    const p = fileProblems(cfg);
    if (p.length > 0) throw new ConfigError(p);
}
