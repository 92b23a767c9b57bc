import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import * as YAML from "yaml";
import { ConfigError, PLATFORM_STACKS, parseDeployConfig } from "../deploy/config";
import {
    DEPLOYMENT_ENVIRONMENT, OPERATION_VARIABLE, SECRETS_ENVIRONMENT_STACKS, deployPaths, deployedStacks, escSubject, githubSubjects,
    secretsEnvironmentOptions,
} from "../deploy/settings";
import { cronProblems } from "../components/shared/cron";
import { composeName } from "../components/shared/naming";
import { isConfigError, parseConfig } from "../lib/config";
import { PlanJson, plan } from "../scripts/plan";
import { RecordedResource } from "../lib/offline/mocks";
import { POLICY_DIR, borrowSharedSession, closeSharedPolicySessions, policyConfigFile } from "../lib/offline/policySessions";
import { ProgramRun, runProgram } from "../lib/offline/run";
import { PROJECT_DIR, loadStackConfig } from "../lib/offline/stackConfig";
import { Json, SECRET_SIG } from "../lib/offline/values";

/**
 * deploy/: the delivery program (Pulumi Deployments settings, schedules, ESC environments, policy groups, the GitHub
 * OIDC issuer) run once under the repo's mocks and shared by the assertions below, its config validation, and the
 * credential environments (esc/) and stack files it points at.
 */
const DEPLOY_DIR = path.join(PROJECT_DIR, "deploy");
const DEPLOY_STACK = "platform";
const DEPLOY_POLICY_CONFIG = path.join(DEPLOY_DIR, "policy-config.json");
const ESC_DIR = path.join(PROJECT_DIR, "esc");
const ARM_VARIABLES = ["ARM_CLIENT_ID", "ARM_OIDC_TOKEN", "ARM_SUBSCRIPTION_ID", "ARM_TENANT_ID", "ARM_USE_OIDC"];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-deploy-"));

// The plan below evaluates in the shared dev pack process (dev's config: every rule mandatory but three cost-driven
// ones) instead of starting one more; CI and .ci/run plan deploy/ with its own config through the CLI.
after(closeSharedPolicySessions);

const deployConfig = () => loadStackConfig(DEPLOY_STACK, { projectDir: DEPLOY_DIR }).config;

/** Problems (as "key: message") of the delivery config with overrides (undefined deletes a key). */
function problems(overrides: Record<string, string | undefined>): string[] {
    const cfg = { ...deployConfig() };
    for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined) delete cfg[`ahds-deploy:${k}`];
        else cfg[`ahds-deploy:${k}`] = v;
    }
    try {
        parseDeployConfig(cfg);
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
    return [];
}

/** Glob as Pulumi Deployments' path filters and GitHub's read them: `**` crosses folders, `*` does not. */
function globMatches(glob: string, file: string): boolean {
    const re = glob.split("**").map((part) => part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")).join(".*");
    return new RegExp(`^${re}$`).test(file);
}

/** Every file of the working tree (relative, forward slashes), without dependencies and build output. */
function repoFiles(dir = PROJECT_DIR, rel = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const r = rel === "" ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) return ["node_modules", ".git", "out", ".plan", "dist"].includes(e.name) ? [] : repoFiles(path.join(dir, e.name), r);
        return [r];
    });
}

/** Every string inside a JSON value, with the key it sits under. */
function strings(v: Json, key = ""): Array<{ key: string; value: string }> {
    if (typeof v === "string") return [{ key, value: v }];
    if (Array.isArray(v)) return v.flatMap((x) => strings(x, key));
    if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => strings(x, k));
    return [];
}

/** Credentials in clear text: key material, tokens, connection strings, SAS signatures. */
const SECRET_PATTERNS: Array<[string, RegExp]> = [
    ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
    ["JWT", /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./],
    ["GitHub token", /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/],
    ["Pulumi access token", /\bpul-[0-9a-f]{40}\b/],
    ["storage connection string", /AccountKey=|SharedAccessSignature=/i],
    ["SAS signature", /[?&]sig=[A-Za-z0-9%]{20,}/],
    ["client secret", /clientSecret|client_secret/i],
];
const SECRET_KEYS = /^(password|secret|clientSecret|token|accessToken|privateKey|sshPrivateKey|personalAccessToken|apiKey)$/i;

describe("delivery as code (deploy/)", () => {
    let run: ProgramRun;
    let settings: Record<string, Record<string, Json>>;
    const inputs = (r: RecordedResource) => run.graph.plainInputs(r);
    const named = (type: string, name: string) => inputs(run.graph.one(`pulumiservice:index:${type}`, name));

    before(async () => {
        run = await runProgram({ stack: DEPLOY_STACK, projectDir: DEPLOY_DIR, program: path.join(DEPLOY_DIR, "index.ts") });
        settings = Object.fromEntries(run.graph.byType("pulumiservice:index:DeploymentSettings").map((r) => [String(inputs(r)["stack"]), inputs(r)]));
    });

    describe("the program under the mocks", () => {
        it("registers settings for dev, prod and the review template, and nothing outside Pulumi Cloud", () => {
            expect(run.error).to.equal(undefined);
            expect(Object.keys(settings).sort()).to.deep.equal(["dev", "pr", "prod"]);
            expect(run.graph.custom.filter((r) => !r.type.startsWith("pulumiservice:index:"))).to.deep.equal([]);
            for (const r of run.graph.custom) expect(inputs(r)["organization"] ?? inputs(r)["organizationName"], r.name).to.equal("ahds-platform");
            // The harness mocks Pulumi Cloud's IDs as the provider forms them.
            expect(run.outputs?.["deploymentSettings"]).to.deep.equal({ dev: "ahds-platform/ahds/dev", prod: "ahds-platform/ahds/prod", pr: "ahds-platform/ahds/pr" });
        });

        it("push-to-deploy: each platform stack deploys its own branch from the GitHub app's checkout, previews PRs", () => {
            for (const [stack, branch] of [["dev", "main"], ["prod", "release"]] as const) {
                const s = settings[stack]!;
                expect(s["vcs"], stack).to.deep.include({ provider: "github", repository: "ahds-platform/ahds", deployCommits: true, previewPullRequests: true, pullRequestTemplate: false });
                expect(s["sourceContext"], stack).to.deep.equal({ git: { branch: `refs/heads/${branch}`, repoDir: "." } });
                // The deprecated `github` block is not used.
                expect(s, stack).to.not.have.property("github");
                // Node 22 (pulumi/pulumi-docker-containers builds no Node 20 image at CLI 3.248.0); engines allow 20 and 22.
                expect(s["executorContext"]).to.deep.equal({ executorImage: "pulumi/pulumi-nodejs-22:3.248.0" });
                // Pulumi-hosted runners: every in-network step runs as a Run Command through ARM (README, Delivery).
                expect(s, stack).to.not.have.property("agentPoolId");
            }
        });

        it("path filters: only the program, its components, lib, the pack and the stack's own files deploy a stack", () => {
            const files = repoFiles();
            for (const stack of ["dev", "prod", "pr"]) {
                const paths = (settings[stack]!["vcs"] as { paths: string[] }).paths;
                expect(paths).to.deep.equal(deployPaths(stack, "."));
                for (const p of paths) expect(files.some((f) => globMatches(p, f)), `${stack}: ${p} matches no file`).to.equal(true);
                const deploys = (file: string) => paths.some((p) => globMatches(p, file));
                for (const f of ["index.ts", "lib/config.ts", "components/hubSecurity/index.ts", "policy/rules/tags.ts", "policy/package.json", "Pulumi.yaml", `Pulumi.${stack}.yaml`, "package-lock.json"]) expect(deploys(f), `${stack} deploys on ${f}`).to.equal(true);
                const others = ["dev", "prod", "pr"].filter((s) => s !== stack).map((s) => `Pulumi.${s}.yaml`);
                for (const f of ["README.md", "CHANGELOG.md", "tests/plan.spec.ts", "scripts/plan/index.ts", "deploy/index.ts", `esc/ahds-${stack}.yaml`, ".github/workflows/ci.yml", "docs/policies.md", ...others]) expect(deploys(f), `${stack} does not deploy on ${f}`).to.equal(false);
            }
        });

        it("the offline gate runs before every operation but a destroy: npm ci, then the plan with the stack's policy config", () => {
            for (const [stack, config] of [["dev", "dev"], ["prod", "prod"], ["pr", "dev"]] as const) {
                const op = settings[stack]!["operationContext"] as { preRunCommands: string[]; options: Record<string, Json>; environmentVariables: Record<string, string> };
                const plan = `npm run plan -- --stack ${stack} --policy-pack-config policy/config.${config}.json`;
                expect(op.preRunCommands, stack).to.deep.equal([
                    "npm ci",
                    `if [ "\${PULUMI_CI_OPERATION:-}" = destroy ]; then echo "offline gate skipped: a destroy deploys no code"; else ${plan}; fi`,
                ]);
                // Pre-run commands run before Pulumi does; none of them is itself a Pulumi operation.
                for (const c of op.preRunCommands) expect(c).to.not.match(/\bpulumi\s+(up|preview|destroy|refresh|update)\b/);
                expect(fs.existsSync(path.join(PROJECT_DIR, `policy/config.${config}.json`))).to.equal(true);
                expect(fs.existsSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`))).to.equal(true);
                // npm ci above is the install (lockfile-exact); queued pushes collapse into the newest commit.
                expect(op.options).to.deep.include({ skipInstallDependencies: true, skipIntermediateDeployments: true, shell: "bash", deleteAfterDestroy: stack === "pr" });
                expect(op.environmentVariables).to.deep.equal(DEPLOYMENT_ENVIRONMENT);
            }
        });

        it("the gate command, run by bash as Deployments runs it: skipped for destroy only, the plan's exit code otherwise", () => {
            // Pulumi Deployments sets PULUMI_CI_OPERATION (update, preview, destroy, refresh, detect-drift, remediate-drift),
            // https://www.pulumi.com/docs/deployments/concepts/settings/environment-variables/. A stub npm stands in for
            // the plan and fails with 3, so a pass-through of its exit code is visible.
            const bin = fs.mkdtempSync(path.join(tmp, "bin-"));
            const log = path.join(bin, "npm.log");
            fs.writeFileSync(path.join(bin, "npm"), `#!/bin/sh\necho "npm $*" >> "${log}"\nexit 3\n`, { mode: 0o755 });
            const gate = (settings["pr"]!["operationContext"] as { preRunCommands: string[] }).preRunCommands[1]!;
            const run = (operation: string | undefined) => {
                fs.rmSync(log, { force: true });
                const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}${path.delimiter}${process.env["PATH"] ?? ""}` };
                delete env[OPERATION_VARIABLE];
                if (operation !== undefined) env[OPERATION_VARIABLE] = operation;
                const r = spawnSync("bash", ["-c", gate], { env, encoding: "utf8" });
                return { status: r.status, stdout: r.stdout, npm: fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim() : "" };
            };
            for (const operation of ["update", "preview", "refresh", "detect-drift", "remediate-drift", undefined]) {
                expect(run(operation), String(operation)).to.deep.equal({ status: 3, stdout: "", npm: "npm run plan -- --stack pr --policy-pack-config policy/config.dev.json" });
            }
            expect(run("destroy")).to.deep.equal({ status: 0, stdout: "offline gate skipped: a destroy deploys no code\n", npm: "" });
        });

        it("credentials only through ESC: the settings carry no OIDC block, no ARM_* variable and no git credentials", () => {
            for (const [stack, s] of Object.entries(settings)) {
                const op = s["operationContext"] as Record<string, Json>;
                expect(op, stack).to.not.have.property("oidc");
                expect(Object.keys(op["environmentVariables"] as Record<string, Json>).filter((k) => /^(ARM|AZURE)_/.test(k)), stack).to.deep.equal([]);
                expect((s["sourceContext"] as { git: Record<string, Json> }).git, stack).to.not.have.any.keys("gitAuth", "repoUrl");
            }
        });

        it("each stack's ESC environment is created from esc/ahds-<stack>.yaml before its settings, and its stack file imports it (prod: and its secrets)", () => {
            for (const stack of ["dev", "prod", "pr"]) {
                const env = run.graph.one("pulumiservice:index:Environment", `esc-${stack}`);
                expect(inputs(env)).to.deep.include({ organization: "ahds-platform", project: "ahds", name: stack });
                expect((inputs(env)["yaml"] as { text: string }).text).to.equal(fs.readFileSync(path.join(ESC_DIR, `ahds-${stack}.yaml`), "utf8"));
                expect(run.graph.one("pulumiservice:index:DeploymentSettings", `settings-${stack}`).dependencies).to.include(env.urn);
                const stackFile = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { environment?: unknown };
                // The only other import is prod's secrets environment, after the credentials (later environments override earlier ones).
                expect(stackFile.environment, `Pulumi.${stack}.yaml`).to.deep.equal(stack === "prod" ? ["ahds/prod", "ahds/prod-secrets"] : [`ahds/${stack}`]);
            }
            // Losing prod's credential definition or its policy group to a mistaken `pulumi destroy` needs an unprotect first.
            expect(run.graph.one("pulumiservice:index:Environment", "esc-prod").protect).to.equal(true);
            expect(run.graph.one("pulumiservice:index:PolicyGroup", "policy-prod").protect).to.equal(true);
        });

        it("prod's secrets environment ahds/prod-secrets: created once, empty, never overwritten or deleted, opened by prod's runs only", () => {
            expect(SECRETS_ENVIRONMENT_STACKS).to.deep.equal(["prod"]);
            expect(run.graph.byType("pulumiservice:index:Environment").map((r) => String(inputs(r)["name"])).sort()).to.deep.equal(["dev", "pr", "prod", "prod-secrets"]);
            const env = run.graph.one("pulumiservice:index:Environment", "esc-prod-secrets");
            const i = inputs(env);
            expect(Object.keys(i).sort()).to.deep.equal(["name", "organization", "project", "yaml"]);
            expect(i).to.deep.include({ organization: "ahds-platform", project: "ahds", name: "prod-secrets" });
            // The seed: an empty pulumiConfig (the reserved property whose keys become stack config) and a comment on
            // how to set a key, with the bracket path that keeps "ahds:hybrid.sharedKey" one key.
            const text = (i["yaml"] as { text: string }).text;
            expect(YAML.parse(text)).to.deep.equal({ values: { pulumiConfig: {} } });
            expect(text).to.include(`pulumi env set <org>/ahds/prod-secrets 'pulumiConfig["ahds:hybrid.sharedKey"]' "<key>" --secret`);
            // No secret value in the program: nothing encrypted, nothing secret-marked, no key material.
            expect(JSON.stringify(env.inputs)).to.not.include(SECRET_SIG);
            expect(text).to.not.match(/fn::secret|secure:|ciphertext/);
            for (const [what, re] of SECRET_PATTERNS) expect(re.test(text), what).to.equal(false);
            // deploy/ never writes it again (the harness does not record ignoreChanges: the options deploy/index.ts passes),
            // and neither a destroy of deploy/ nor dropping it from the program deletes the keys set in it.
            expect(secretsEnvironmentOptions()).to.deep.equal({ ignoreChanges: ["yaml"], protect: true, retainOnDelete: true });
            expect(fs.readFileSync(path.join(DEPLOY_DIR, "index.ts"), "utf8")).to.match(/new service\.Environment\(`esc-\$\{d\.stack\}-secrets`, \{[^}]*\}, secretsEnvironmentOptions\(\)\)/);
            expect({ protect: env.protect, retainOnDelete: env.retainOnDelete }).to.deep.equal({ protect: true, retainOnDelete: true });
            // It exists before prod's first deployment, which imports it; the CI preview of prod opens it.
            expect(run.graph.one("pulumiservice:index:DeploymentSettings", "settings-prod").dependencies).to.include(env.urn);
            const open = run.graph.one("pulumiservice:index:TeamEnvironmentPermission", "ci-open-prod-secrets");
            expect(inputs(open)).to.deep.include({ team: "ahds-ci", project: "ahds", environment: "prod-secrets", permission: "open" });
            expect(open.dependencies).to.include(env.urn);
        });

        it("the hybrid keys are set in ahds/prod-secrets with a bracket path: the stack file and README say so, none says `pulumi config set --secret` for prod", () => {
            const prodFile = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.prod.yaml"), "utf8");
            expect(prodFile).to.include(`pulumi env set <org>/ahds/prod-secrets 'pulumiConfig["ahds:hybrid.sharedKey"]' "<key>" --secret`);
            expect(prodFile).to.not.match(/pulumi config set --secret/);
            const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
            expect(readme).to.include(`pulumi env set <org>/ahds/prod-secrets 'pulumiConfig["ahds:hybrid.sharedKey"]' "$key" --secret`);
            expect(readme).to.include(`pulumi env set <org>/ahds/prod-secrets 'pulumiConfig["ahds:hybrid.expressRouteAuthorizationKey"]' "<key>" --secret`);
            // A dotted path would nest the key (ahds:hybrid: {sharedKey}), which the program does not read.
            expect(readme.replace(/`pulumiConfig\.ahds:hybrid\.sharedKey` would nest/, "")).to.not.match(/pulumiConfig\.ahds:hybrid\./);
        });

        it("states the federated credentials to create: issuer, audience and each environment's subject", () => {
            const creds = run.outputs?.["federatedCredentials"] as Record<string, { issuer: string; audience: string; subject: string }>;
            expect(Object.keys(creds).sort()).to.deep.equal(["dev", "pr", "prod"]);
            for (const [stack, c] of Object.entries(creds)) {
                expect(c).to.deep.equal({ issuer: "https://api.pulumi.com/oidc", audience: "azure:ahds-platform", subject: `pulumi:environments:pulumi.organization.login:ahds-platform:currentEnvironment.name:ahds/${stack}` });
            }
        });

        it("no plaintext secret anywhere in the inputs, and no secret at all is needed", () => {
            for (const r of run.graph.resources) {
                expect(JSON.stringify(r.inputs), r.name).to.not.include(SECRET_SIG);
                for (const { key, value } of strings(inputs(r))) {
                    expect(SECRET_KEYS.test(key) && value !== "", `${r.name}: input ${key} holds a value`).to.equal(false);
                    for (const [what, re] of SECRET_PATTERNS) expect(re.test(value), `${r.name}.${key} looks like a ${what}`).to.equal(false);
                }
            }
        });

        it("no file of the delivery path holds or asks for a secret (stack files, delivery config, ESC, workflows)", () => {
            const files = [
                ...["dev", "prod", "pr"].map((st) => `Pulumi.${st}.yaml`), "deploy/Pulumi.yaml", `deploy/Pulumi.${DEPLOY_STACK}.yaml`,
                ...fs.readdirSync(ESC_DIR).map((f) => `esc/${f}`), ...fs.readdirSync(path.join(PROJECT_DIR, ".github/workflows")).map((f) => `.github/workflows/${f}`),
            ];
            for (const f of files) {
                const text = fs.readFileSync(path.join(PROJECT_DIR, f), "utf8");
                expect(text, f).to.not.match(/secure:|fn::secret|\$\{\{\s*secrets\./);
                for (const [what, re] of SECRET_PATTERNS) expect(re.test(text), `${f} holds a ${what}`).to.equal(false);
            }
        });

        it("drift detection: daily in prod with a valid cron, never auto-remediated", () => {
            const drift = run.graph.byType("pulumiservice:index:DriftSchedule").map(inputs);
            expect(drift.map((d) => d["stack"]).sort()).to.deep.equal(["dev", "prod"]);
            for (const d of drift) {
                expect(cronProblems(String(d["scheduleCron"])), String(d["stack"])).to.deep.equal([]);
                expect(d["autoRemediate"]).to.equal(false);
            }
            const prod = named("DriftSchedule", "drift-prod");
            expect(prod["scheduleCron"]).to.equal("0 6 * * *");
            expect(String(prod["scheduleCron"]).split(" ").slice(2)).to.deep.equal(["*", "*", "*"]);
            // Schedules need the stack's deployment settings first.
            expect(run.graph.one("pulumiservice:index:DriftSchedule", "drift-prod").dependencies).to.include(run.graph.one("pulumiservice:index:DeploymentSettings", "settings-prod").urn);
        });

        it("review stacks: the template stamps one out per PR (never deployed itself), with a time-to-live", () => {
            const pr = settings["pr"]!;
            expect(pr["vcs"]).to.deep.include({ deployCommits: false, previewPullRequests: false, pullRequestTemplate: true });
            expect(pr["sourceContext"]).to.deep.equal({ git: { branch: "refs/heads/main", repoDir: "." } });
            const ttl = run.graph.one("pulumiservice:index:TtlSchedule", "ttl-pr");
            expect(inputs(ttl)).to.deep.include({ stack: "pr", project: "ahds", deleteAfterDestroy: false, timestamp: "2027-06-30T00:00:00Z" });
            expect(Date.parse(String(inputs(ttl)["timestamp"]))).to.be.greaterThan(Date.parse("2026-01-01T00:00:00Z"));
            expect(ttl.dependencies).to.include(run.graph.one("pulumiservice:index:DeploymentSettings", "settings-pr").urn);
            // Only the template is review-stack material; the platform stacks are no templates.
            for (const s of ["dev", "prod"]) expect((settings[s]!["vcs"] as Record<string, Json>)["pullRequestTemplate"]).to.equal(false);
        });

        it("the review template is a valid platform config of its own: other names than dev, its own sandbox credentials", () => {
            const pr = parseConfig(loadStackConfig("pr").config);
            const dev = parseConfig(loadStackConfig("dev").config);
            expect(pr.environment).to.equal("test");
            expect(composeName("resourceGroup", { workload: pr.workload, environment: pr.environment, location: pr.location }, "hub"))
                .to.not.equal(composeName("resourceGroup", { workload: dev.workload, environment: dev.environment, location: dev.location }, "hub"));
            const sub = (s: string) => (YAML.parse(fs.readFileSync(path.join(ESC_DIR, `ahds-${s}.yaml`), "utf8")) as EscFile).values.azure.login["fn::open::azure-login"].subscriptionId;
            expect(new Set(["dev", "prod", "pr"].map(sub)).size).to.equal(3);
        });

        it("a preventative policy group per platform stack holds the published pack at policy/package.json's version, with the stack's config", () => {
            const version = (JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { version: string }).version;
            const packName = /new PolicyPack\("([^"]+)"/.exec(fs.readFileSync(path.join(POLICY_DIR, "index.ts"), "utf8"))?.[1];
            const groups = run.graph.byType("pulumiservice:index:PolicyGroup").map(inputs);
            expect(groups.flatMap((g) => (g["stacks"] as Array<{ name: string }>).map((s) => s.name)).sort()).to.deep.equal([...PLATFORM_STACKS].sort());
            for (const stack of PLATFORM_STACKS) {
                const g = named("PolicyGroup", `policy-${stack}`);
                expect(g).to.deep.include({ name: `ahds-${stack}`, entityType: "stacks", mode: "preventative" });
                expect(g["stacks"]).to.deep.equal([{ name: stack, routingProject: "ahds" }]);
                const file = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, `config.${stack}.json`), "utf8")) as Record<string, Json>;
                const expected = Object.fromEntries(Object.entries(file).map(([k, v]) => [k, typeof v === "string" ? { enforcementLevel: v } : v]));
                expect(g["policyPacks"]).to.deep.equal([{ name: packName, versionTag: version, config: expected }]);
            }
            expect(run.outputs?.["policyPackVersion"]).to.equal(version);
        });

        it("the CI team reads the platform stacks and opens their environments, nothing more", () => {
            expect(run.graph.byType("pulumiservice:index:TeamStackPermission").map(inputs).map((p) => [p["stack"], p["team"], p["permission"]]).sort())
                .to.deep.equal([["dev", "ahds-ci", 101], ["prod", "ahds-ci", 101]]);
            expect(run.graph.byType("pulumiservice:index:TeamEnvironmentPermission").map(inputs).map((p) => [p["project"], p["environment"], p["permission"]]).sort())
                .to.deep.equal([["ahds", "dev", "open"], ["ahds", "prod", "open"], ["ahds", "prod-secrets", "open"]]);
        });

        it("the GitHub OIDC issuer trusts exactly the two workflow subjects, the preview one with a team token only", () => {
            const issuer = named("OidcIssuer", "github-actions");
            expect(issuer["url"]).to.equal("https://token.actions.githubusercontent.com");
            const subjects = githubSubjects(parseDeployConfig(deployConfig()));
            expect(issuer["policies"]).to.deep.equal([
                { decision: "allow", tokenType: "team", teamName: "ahds-ci", rules: { aud: "urn:pulumi:org:ahds-platform", sub: "repo:ahds-platform/ahds:pull_request" } },
                { decision: "allow", tokenType: "organization", authorizedPermissions: ["admin"], rules: { aud: "urn:pulumi:org:ahds-platform", sub: subjects.policyPublish } },
            ]);
            // The publish subject names the GitHub environment the publish job runs in.
            const publish = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, ".github/workflows/policy-publish.yml"), "utf8")) as { jobs: Record<string, { environment?: string }> };
            expect(subjects.policyPublish).to.equal(`repo:ahds-platform/ahds:environment:${publish.jobs["publish"]?.environment}`);
        });

        it("`npm run plan -- --project-dir deploy` plans it: no mandatory violation; only Defender plans, which are the platform's", async () => {
            const json = path.join(tmp, "deploy.json");
            let log = "";
            const seen: Array<Record<string, unknown>> = [];
            const code = await plan({ stack: DEPLOY_STACK, mode: "update", projectDir: DEPLOY_DIR, json, policyPack: POLICY_DIR, policyConfig: policyConfigFile("dev") }, (s) => { log += s; },
                { runner: async (o) => { seen.push({ ...o }); return run; }, session: () => borrowSharedSession("dev", false) });
            expect(seen).to.deep.equal([{ stack: DEPLOY_STACK, preview: false, program: path.join(DEPLOY_DIR, "index.ts"), projectDir: DEPLOY_DIR }]);
            const p = JSON.parse(fs.readFileSync(json, "utf8")) as PlanJson;
            expect(code, log).to.equal(0);
            expect(p).to.include({ project: "ahds-deploy", stack: DEPLOY_STACK });
            expect(p.policy.pack).to.equal("ahds-hipaa-hitrust");
            // The stack rule asks every stack for Defender plans (advisory in dev's config); the delivery program has no
            // Azure resource, and deploy/policy-config.json (CI's plan of it) sets every rule mandatory and platformManaged.
            expect([...new Set(p.policy.violations.map((v) => `${v.enforcementLevel} ${v.policy}`))], log).to.deep.equal(["advisory defender-plans-enabled"]);
            expect(JSON.parse(fs.readFileSync(DEPLOY_POLICY_CONFIG, "utf8"))).to.deep.equal({ all: "mandatory", "defender-plans-enabled": { platformManaged: true } });
        });
    });

    describe("config validation (keyed errors before any resource is registered)", () => {
        it("parses the platform stack into a typed, frozen object with the Pulumi.yaml defaults", () => {
            const c = parseDeployConfig(deployConfig());
            expect(c).to.include({ organization: "ahds-platform", repository: "ahds-platform/ahds", project: "ahds", repoDir: ".", escProject: "ahds", ciTeam: "ahds-ci" });
            expect(c.prod).to.deep.equal({ branch: "release", previewPullRequests: true, driftSchedule: "0 6 * * *", agentPoolId: "" });
            expect(c.review).to.deep.equal({ enabled: true, stack: "pr", branch: "main", expires: "2027-06-30T00:00:00Z" });
            expect(Object.isFrozen(c) && Object.isFrozen(c.prod)).to.equal(true);
        });

        it("reports every problem at once, by key", () => {
            expect(problems({
                organization: undefined, repository: "no-slash", "prod.branch": "main", "prod.driftSchedule": "0 6 * * 1",
                "dev.driftSchedule": "61 * * * *", "review.stack": "prod", "review.expires": "2027-02-30T00:00:00Z",
                executorImage: "pulumi/pulumi:latest", "dev.agentPoolId": "pool-1", "devv.branch": "main", "review.enabled": "maybe",
            }).sort()).to.deep.equal([
                "ahds-deploy:dev.agentPoolId: \"pool-1\" must be an agent pool ID (GUID) or empty for Pulumi-hosted runners",
                "ahds-deploy:dev.driftSchedule: \"61 * * * *\" has an invalid minute field \"61\" (0-59, *, lists, ranges and steps) (or empty for none)",
                "ahds-deploy:devv: is not a known config key (see deploy/Pulumi.yaml)",
                "ahds-deploy:executorImage: \"pulumi/pulumi:latest\" must be an image pinned by a version tag or digest (not :latest), e.g. pulumi/pulumi-nodejs-22:3.248.0",
                "ahds-deploy:organization: is required (set it in deploy/Pulumi.<stack>.yaml)",
                "ahds-deploy:prod.branch: must differ from dev.branch (\"main\"): one push would deploy both stacks at once",
                "ahds-deploy:prod.driftSchedule: \"0 6 * * 1\" must run at least daily (day of month, month and day of week *)",
                "ahds-deploy:repository: \"no-slash\" must be a GitHub repository as owner/name",
                "ahds-deploy:review.enabled: \"maybe\" is not one of true, 1, yes, on, y, enabled, false, 0, no, off, n, disabled",
                "ahds-deploy:review.expires: \"2027-02-30T00:00:00Z\" must be an ISO 8601 UTC timestamp such as 2027-06-30T00:00:00Z",
                "ahds-deploy:review.stack: \"prod\" is a platform stack; the review template must be a stack of its own (it is never deployed)",
            ]);
        });

        it("review stacks can be switched off (no template settings, no TTL needed); on, they need a TTL", () => {
            expect(problems({ "review.enabled": "false", "review.expires": "" })).to.deep.equal([]);
            expect(deployedStacks(parseDeployConfig({ ...deployConfig(), "ahds-deploy:review.enabled": "false" })).map((d) => d.stack)).to.deep.equal(["dev", "prod"]);
            expect(problems({ "review.expires": "" })).to.deep.equal(["ahds-deploy:review.expires: is required with review.enabled: the review template's time-to-live (ISO 8601 UTC)"]);
        });

        it("prod must have drift detection; branches are plain names", () => {
            expect(problems({ "prod.driftSchedule": "" })).to.deep.equal(["ahds-deploy:prod.driftSchedule: \"\" must be a cron expression with five fields (minute hour day-of-month month day-of-week, UTC)"]);
            for (const b of ["refs/heads/main", "feature..x", "has space", "ends/", "x.lock"]) {
                expect(problems({ "dev.branch": b }), b).to.deep.equal([`ahds-deploy:dev.branch: "${b}" must be a branch name such as main or release/2027 (without refs/heads/)`]);
            }
            expect(problems({ "dev.branch": "release/2027", "prod.branch": "prod" })).to.deep.equal([]);
        });

        it("as a program: an invalid config registers nothing, and `npm run plan` exits 2 with the problems and no stack trace", async () => {
            const broken = path.join(tmp, "Pulumi.broken.yaml");
            fs.writeFileSync(broken, "config:\n  ahds-deploy:organization: ahds-platform\n  ahds-deploy:repository: ahds-platform/ahds\n  ahds-deploy:prod.branch: main\n  ahds-deploy:review.expires: soon\n");
            let log = "";
            const code = await plan({ stack: "broken", mode: "preview", projectDir: DEPLOY_DIR, stackFile: broken, policyPack: POLICY_DIR }, (s) => { log += s; }, {
                runner: async (o) => {
                    const r = await runProgram(o);
                    expect(isConfigError(r.error)).to.equal(true);
                    expect(r.graph.custom).to.deep.equal([]);
                    return r;
                },
                session: () => borrowSharedSession("dev", false),
            });
            expect(code).to.equal(2);
            expect(log).to.equal([
                "Invalid stack configuration (2 problems):",
                "  ahds-deploy:review.expires: \"soon\" must be an ISO 8601 UTC timestamp such as 2027-06-30T00:00:00Z",
                "  ahds-deploy:prod.branch: must differ from dev.branch (\"main\"): one push would deploy both stacks at once",
            ].join("\n"));
        });

        it("a missing file the config points at is a keyed error too", async () => {
            const file = path.join(tmp, "Pulumi.noesc.yaml");
            fs.writeFileSync(file, `${fs.readFileSync(path.join(DEPLOY_DIR, `Pulumi.${DEPLOY_STACK}.yaml`), "utf8").replace(/\n?$/, "\n")}  ahds-deploy:escProject: nope\n  ahds-deploy:project: other\n`);
            const r = await runProgram({ stack: "noesc", stackFile: file, projectDir: DEPLOY_DIR, program: path.join(DEPLOY_DIR, "index.ts") });
            expect(r.error).to.be.instanceOf(ConfigError);
            expect((r.error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`)).to.deep.equal([
                "ahds-deploy:project: \"other\" is not the platform program's project (Pulumi.yaml names \"ahds\")",
                "ahds-deploy:escProject: esc/nope-dev.yaml does not exist (the dev stack's ESC environment)",
                "ahds-deploy:escProject: esc/nope-prod.yaml does not exist (the prod stack's ESC environment)",
                "ahds-deploy:escProject: esc/nope-pr.yaml does not exist (the pr stack's ESC environment)",
            ]);
            expect(r.graph.custom).to.deep.equal([]);
        });

        it("every deploy/Pulumi.yaml key is read by the schema", () => {
            const full = deployConfig();
            for (const key of Object.keys(full)) {
                // Dropping a key with a default still parses only because Pulumi.yaml supplies it: dropped here, the schema must ask for it.
                const cfg = { ...full };
                delete cfg[key];
                expect(() => parseDeployConfig(cfg), key).to.throw(ConfigError).with.property("message").that.includes(`${key}: is required`);
            }
        });
    });
});

interface EscFile {
    values: {
        azure: { login: { "fn::open::azure-login": Record<string, unknown> & { subscriptionId: string } } };
        environmentVariables: Record<string, unknown>;
    };
}

describe("ESC environments (esc/) and the stack files that import them", () => {
    for (const stack of ["dev", "prod", "pr"]) {
        it(`esc/ahds-${stack}.yaml: azure-login by OIDC with placeholder identifiers, exporting exactly the ARM_* variables`, () => {
            const text = fs.readFileSync(path.join(ESC_DIR, `ahds-${stack}.yaml`), "utf8");
            const doc = YAML.parse(text) as EscFile;
            expect(Object.keys(doc)).to.deep.equal(["values"]);
            const login = doc.values.azure.login["fn::open::azure-login"];
            expect(Object.keys(login).sort()).to.deep.equal(["clientId", "oidc", "subjectAttributes", "subscriptionId", "tenantId"]);
            expect(login["oidc"]).to.equal(true);
            expect(login["subjectAttributes"]).to.deep.equal(["currentEnvironment.name"]);
            for (const k of ["clientId", "tenantId", "subscriptionId"]) expect(login[k], k).to.match(GUID);
            expect(doc.values.environmentVariables).to.deep.equal({
                ARM_USE_OIDC: "true",
                ARM_CLIENT_ID: "${azure.login.clientId}",
                ARM_TENANT_ID: "${azure.login.tenantId}",
                ARM_SUBSCRIPTION_ID: "${azure.login.subscriptionId}",
                ARM_OIDC_TOKEN: "${azure.login.oidc.token}",
            });
            expect(Object.keys(doc.values.environmentVariables).sort()).to.deep.equal(ARM_VARIABLES);
            // No secret of any kind: no fn::secret, no client secret, nothing that looks like a credential.
            expect(text).to.not.match(/fn::secret|secure:/);
            for (const [what, re] of SECRET_PATTERNS) expect(re.test(text), what).to.equal(false);
            // The comment states the subject the environment's federated credential must accept.
            expect(text).to.include(escSubject(parseDeployConfig(deployConfig()), stack).replace("ahds-platform", "<org>"));
        });
    }

    it("each stack's identity is its own: no client ID or subscription shared between dev, prod and the review sandbox", () => {
        const logins = ["dev", "prod", "pr"].map((s) => (YAML.parse(fs.readFileSync(path.join(ESC_DIR, `ahds-${s}.yaml`), "utf8")) as EscFile).values.azure.login["fn::open::azure-login"]);
        expect(new Set(logins.map((l) => l["clientId"])).size).to.equal(3);
        expect(new Set(logins.map((l) => l["subscriptionId"])).size).to.equal(3);
    });

    it("the offline harness reads the stack files' config and tolerates the environment import", () => {
        for (const stack of ["dev", "prod", "pr"]) {
            const text = fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");
            const doc = YAML.parseDocument(text);
            // `environment:` comes first and `config:` last, so tests that append a key to the file append it to config.
            expect((doc.contents as YAML.YAMLMap).items.map((i) => String((i.key as YAML.Scalar).value))).to.deep.equal(["environment", "config"]);
            expect(text).to.not.match(/secure:/);
            const loaded = loadStackConfig(stack);
            // Every import is listed (and announced: ESC is not resolved offline), prod's secrets environment included.
            expect(loaded.environments).to.deep.equal(stack === "prod" ? ["ahds/prod", "ahds/prod-secrets"] : [`ahds/${stack}`]);
            expect(loaded.notices.filter((n) => n.includes("ESC values are not resolved offline"))).to.have.length(1);
            expect(loaded.notices.join("\n")).to.include(loaded.environments.join(", "));
            expect(Object.keys(loaded.config).every((k) => k.startsWith("ahds:"))).to.equal(true);
            expect(loaded.config["ahds:environment"]).to.equal(stack === "pr" ? "test" : stack);
        }
    });
});
