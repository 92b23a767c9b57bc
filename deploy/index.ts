import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as service from "@pulumi/pulumiservice";
import { loadDeployConfig } from "./config";
import {
    SECRETS_ENVIRONMENT_STACKS, checkFiles, deployedStacks, deploymentSettingsArgs, escFile, federatedCredential, githubSubjects,
    oidcIssuerArgs, policyGroupArgs, policyPackVersion, secretsEnvironmentName, secretsEnvironmentOptions, secretsEnvironmentSeed,
} from "./settings";

/**
 * The delivery program: for each platform stack (dev, prod) its ESC credential environment (prod also an empty secrets
 * environment, created once and then left to the operator), Pulumi Deployments
 * settings (push-to-deploy on its branch, PR previews, the offline gate before every run), drift detection, the CI
 * team's access and a preventative policy group with the published pack; the review-stack template with its
 * time-to-live; and the GitHub OIDC issuer the workflows exchange their tokens with. Exported as a function so the
 * Pulumi Node runtime (and the offline harness) runs it inside the stack.
 */
async function main() {
    // Validate everything first: an invalid config or a missing file throws here, before any resource is registered.
    const cfg = loadDeployConfig();
    checkFiles(cfg);
    const org = cfg.organization;
    const version = policyPackVersion();

    const settings: Record<string, pulumi.Output<string>> = {};
    for (const d of deployedStacks(cfg)) {
        const prod = d.stack === "prod";
        // The stack's Pulumi.<stack>.yaml imports this environment (`environment:`), so every run of the stack —
        // Deployments, the PR preview, a laptop — gets the same short-lived Azure credentials and nothing else does.
        const env = new service.Environment(`esc-${d.stack}`, {
            organization: org,
            project: cfg.escProject,
            name: d.stack,
            yaml: new pulumi.asset.StringAsset(fs.readFileSync(escFile(cfg, d.stack), "utf8")),
        }, { protect: prod });

        // The stack's secret config (prod: the hybrid keys), imported after the credential environment. Created once,
        // empty; its keys are set with `pulumi env set … --secret` and this program never writes it again.
        const secretsEnv = d.role === "platform" && SECRETS_ENVIRONMENT_STACKS.some((s) => s === d.stack)
            ? new service.Environment(`esc-${d.stack}-secrets`, {
                organization: org,
                project: cfg.escProject,
                name: secretsEnvironmentName(d.stack),
                yaml: new pulumi.asset.StringAsset(secretsEnvironmentSeed(cfg, d.stack)),
            }, secretsEnvironmentOptions())
            : undefined;
        const envs = secretsEnv === undefined ? [env] : [env, secretsEnv];

        const ds = new service.DeploymentSettings(`settings-${d.stack}`, deploymentSettingsArgs(cfg, d), { dependsOn: envs });
        settings[d.stack] = ds.id;

        if (d.role === "review-template") {
            // Review stacks are destroyed by Deployments when their PR is merged or closed; this TTL tears down anything
            // deployed into the template itself by the date the review-stack setup is due for renewal.
            new service.TtlSchedule(`ttl-${d.stack}`, {
                organization: org, project: cfg.project, stack: d.stack, timestamp: cfg.review.expires, deleteAfterDestroy: false,
            }, { dependsOn: [ds] });
            continue;
        }

        if (d.driftSchedule !== "") {
            // Reported, never remediated automatically: a person reviews drift of a PHI environment before reverting it.
            new service.DriftSchedule(`drift-${d.stack}`, {
                organization: org, project: cfg.project, stack: d.stack, scheduleCron: d.driftSchedule, autoRemediate: false,
            }, { dependsOn: [ds] });
        }

        new service.PolicyGroup(`policy-${d.stack}`, policyGroupArgs(cfg, d.policyConfigStack), { protect: prod });

        // The pull-request preview workflow's team: previews need Stack Read, and opening the stack's environment.
        new service.TeamStackPermission(`ci-read-${d.stack}`, {
            organization: org, team: cfg.ciTeam, project: cfg.project, stack: d.stack, permission: service.TeamStackPermissionScope.Read,
        });
        new service.TeamEnvironmentPermission(`ci-open-${d.stack}`, {
            organization: org, team: cfg.ciTeam, project: cfg.escProject, environment: d.stack, permission: service.EnvironmentPermission.Open,
        }, { dependsOn: [env] });
        // The preview opens every environment the stack file imports ("OPEN access to any ESC environment that is listed
        // in the stack's configuration file", https://www.pulumi.com/docs/deployments/operations/permissions/).
        if (secretsEnv !== undefined) {
            new service.TeamEnvironmentPermission(`ci-open-${d.stack}-secrets`, {
                organization: org, team: cfg.ciTeam, project: cfg.escProject, environment: secretsEnvironmentName(d.stack), permission: service.EnvironmentPermission.Open,
            }, { dependsOn: [secretsEnv] });
        }
    }

    new service.OidcIssuer("github-actions", oidcIssuerArgs(cfg));

    return {
        deploymentSettings: settings,
        policyPackVersion: version,
        /** Create these in Entra ID (one app registration per environment, "Other issuer"). */
        federatedCredentials: Object.fromEntries(deployedStacks(cfg).map((d) => [d.stack, federatedCredential(cfg, d.stack)])),
        githubOidcSubjects: githubSubjects(cfg),
    };
}

export = main;
