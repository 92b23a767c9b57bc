import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { ConfigError, isConfigError, parseConfig } from "../lib/config";
import { PlanArgs, plan } from "../scripts/plan";
import { USAGE, UsageError, parseCommand } from "../scripts/plan/args";
import { npmRun } from "./harness/npmRun";
import { PolicyInfo } from "../lib/offline/policyHost";
import { POLICY_DIR, closeSharedPolicySessions, policyConfigFile, sharedOrOwnSession, sharedPolicySession } from "../lib/offline/policySessions";
import { jsonErrorOffset, readPolicyConfigFile, reconcilePolicyConfig } from "../lib/offline/policyConfig";
import { PROJECT_DIR, SECURE_PLACEHOLDER, loadStackConfig } from "../lib/offline/stackConfig";

/**
 * Every input error of `npm run plan` (issue 18): exit 2 with a keyed, actionable message, no stack trace, nothing
 * written. Behaviour that is the same in process is tested through plan() and the parse functions; what is about the
 * process (the exit code of --help and of a usage error, a YAML error reaching the CLI's last catch) through the CLI.
 */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-plan-inputs-"));
const file = (name: string, text: string): string => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };
const stackText = (stack: "dev" | "prod") => fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8").replace(/\n?$/, "\n");
/** A copy of a stack file with lines appended to its `config:` (which comes last in the repo's stack files). */
const stackWith = (name: string, stack: "dev" | "prod", lines: string, drop?: RegExp) =>
    file(name, `${stackText(stack).split("\n").filter((l) => drop === undefined || !drop.test(l)).join("\n").replace(/\n?$/, "\n")}${lines}`);
const jsonOut = (name: string) => path.join(tmp, `${name}.json`);

const STACK_TRACE = /^\s+at /m;

/** `npm run --silent plan -- <args>` as a user types it: exit code, stdout and stderr. */
// The command `npm run plan` runs, started directly (tests/plan.spec.ts runs the plan through npm itself).
const npmPlan = (args: string[]) => npmRun("plan", args, { viaNpm: false });

// The CLI runs start when mocha loads this file, in parallel (each fails at its input, before any program runs, except
// the policy-config one, which starts the pack to learn its rules' schemas); the tests await them.
const yamlBroken = file("Pulumi.yamlerr.yaml", "config:\n  ahds:owner: me\n  ahds:costCenter: [cc-1\n  ahds:workload: ahds\n");
const policyBroken = file("policy.broken.json", '{\n  "all": "mandatory",\n  "storage-blob-recovery": { "minDays": "x" }\n}\n');
const cli = {
    help: npmPlan(["--help"]),
    unknown: npmPlan(["--foo", "--json", jsonOut("cli-unknown")]),
    yaml: npmPlan(["--stack", "dev", "--stack-file", yamlBroken, "--json", jsonOut("cli-yaml")]),
    noPolicyConfig: npmPlan(["--stack", "pr", "--json", jsonOut("cli-pr")]),
    policy: npmPlan(["--stack", "dev", "--policy-pack-config", policyBroken, "--json", jsonOut("cli-policy")]),
};

after(closeSharedPolicySessions);

/** plan() in process, its outcome as the CLI's: a ConfigError that rejects is exit 2 with its message (index.ts main). */
async function planExit(name: string, args: Partial<PlanArgs> & { stackFile: string }): Promise<{ code: number; log: string; json: string }> {
    const json = jsonOut(name);
    let log = "";
    const write = (s: string) => { log += `${s}\n`; };
    // dev in update mode is the shared pack session other suites use (same pack and config): no pack start here.
    const full: PlanArgs = { stack: "dev", mode: "update", policyPack: POLICY_DIR, policyConfig: policyConfigFile("dev"), json, ...args };
    try {
        return { code: await plan(full, write, { session: sharedOrOwnSession }), log, json };
    } catch (e) {
        if (!isConfigError(e)) throw e;
        write(e.message);
        return { code: 2, log, json };
    }
}

/** The assertions every input error shares: exit 2, the keyed lines, no stack trace, no --json file. */
function expectInputError(r: { code: number; log: string; json: string }, ...lines: string[]): void {
    expect(r.code, r.log).to.equal(2);
    for (const l of lines) expect(r.log).to.include(l);
    expect(r.log).not.to.match(STACK_TRACE);
    expect(fs.existsSync(r.json), "nothing written").to.equal(false);
}

function configErrorOf(f: () => unknown): ConfigError {
    try {
        f();
    } catch (e) {
        if (isConfigError(e)) return e;
        throw e;
    }
    throw new Error("expected a ConfigError");
}

describe("plan inputs: every input error is exit 2, keyed, with no stack trace and nothing written", () => {
    describe("YAML syntax errors", () => {
        it("a stack file's: file:line:column, through the CLI, no stack trace, nothing written", async () => {
            const r = await cli.yaml;
            expect(r.code, r.stdout + r.stderr).to.equal(2);
            expect(r.stdout + r.stderr).to.match(/Pulumi\.yamlerr\.yaml:\d+:\d+: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a \]/);
            expect(r.stdout + r.stderr).not.to.match(STACK_TRACE);
            // The parser's code frame (which quotes the file's lines) is not echoed.
            expect(r.stdout + r.stderr).not.to.include("cc-1");
            expect(fs.existsSync(jsonOut("cli-yaml"))).to.equal(false);
        });

        it("in process too, and Pulumi.yaml's errors by file:line:column", async () => {
            expectInputError(await planExit("yaml", { stackFile: yamlBroken }), "Pulumi.yamlerr.yaml:", "YAML syntax error");
            const project = fs.mkdtempSync(path.join(tmp, "project-"));
            fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\nconfig:\n  a: b: c\n");
            fs.writeFileSync(path.join(project, "Pulumi.s.yaml"), "config: {}\n");
            const e = configErrorOf(() => loadStackConfig("s", { projectDir: project }));
            expect(e.problems).to.have.length(1);
            expect(e.problems[0]?.key).to.match(/Pulumi\.yaml:4:6$/);
            expect(e.problems[0]?.message).to.equal("YAML syntax error: Nested mappings are not allowed in compact mappings (fix the file at this line and column)");
        });
    });

    describe("a missing stack file", () => {
        it("names the file and lists the project's stacks", async () => {
            const e = configErrorOf(() => parseCommand(["--stack", "staging", "--policy-pack-config", policyConfigFile("dev")]));
            expect(e.message).to.equal("Invalid plan input (1 problem):\n  Pulumi.staging.yaml: does not exist: there is no stack \"staging\" in this project; existing stacks: dev, pr, prod (--stack <name>), or pass --stack-file FILE");
            const r = await planExit("missing-stack", { stackFile: path.join(tmp, "Pulumi.nope.yaml") });
            expectInputError(r, "Pulumi.nope.yaml: does not exist (--stack-file names the stack file to plan)");
        });
    });

    describe("the command line", () => {
        it("--help and -h print every option with a line, and the exit codes, and exit 0", async () => {
            const r = await cli.help;
            expect(r.code, r.stderr).to.equal(0);
            expect(r.stdout).to.equal(USAGE);
            expect(r.stderr).to.equal("");
            // -h, with other options beside it, is the same command (the CLI prints USAGE for { help: true }).
            expect(parseCommand(["-h", "--stack", "dev"])).to.deep.equal({ help: true });
            for (const option of ["--stack NAME", "--stack-file FILE", "--project-dir DIR", "--program FILE", "--mode preview|update", "--json FILE", "--mermaid FILE", "--policy-pack DIR", "--policy-pack-config FILE", "-h, --help"]) {
                expect(USAGE).to.match(new RegExp(`^  ${option.replace(/[|.]/g, "\\$&")} +\\S`, "m"));
            }
            for (const code of ["0  no mandatory", "1  mandatory", "2  invalid input", "3  unexpected"]) expect(USAGE).to.include(`  ${code}`);
        });

        it("an unknown option: `plan: unknown option --foo` and the hint to --help, exit 2, nothing written", async () => {
            const r = await cli.unknown;
            expect(r.code, r.stderr).to.equal(2);
            expect(r.stderr).to.equal("plan: unknown option --foo (`npm run plan -- --help` lists the options)\n");
            expect(fs.existsSync(jsonOut("cli-unknown"))).to.equal(false);
        });

        it("a bad --mode value, likewise (the CLI prints a usage error as the unknown option above: `plan: <message>`, exit 2)", () => {
            expect(() => parseCommand(["--mode", "fast", "--json", jsonOut("cli-mode")])).to.throw(UsageError, "--mode must be preview or update, got \"fast\" (`npm run plan -- --help` lists the options)");
            expect(fs.existsSync(jsonOut("cli-mode"))).to.equal(false);
        });

        it("suggests the closest option, and names a missing value or a stray argument", () => {
            const message = (argv: string[]) => { try { parseCommand(argv); } catch (e) { return (e as Error).message; } return "(parsed)"; };
            expect(message(["--stak", "dev"])).to.equal("unknown option --stak (did you mean --stack?) (`npm run plan -- --help` lists the options)");
            expect(message(["--json"])).to.equal("option --json needs a value (`npm run plan -- --help` lists the options)");
            expect(message(["--help=yes"])).to.equal("option --help takes no value (`npm run plan -- --help` lists the options)");
            expect(message(["prod"])).to.equal("unexpected argument \"prod\": options are given by name (for a stack, --stack prod) (`npm run plan -- --help` lists the options)");
            expect(parseCommand(["-h"])).to.deep.equal({ help: true });
        });
    });

    describe("secure: values", () => {
        const CIPHERTEXT = "v1:AAABBBcccDDDeeeFFFgggHHH0123456789=";

        it("a secret key of the program gets a placeholder, as a secret, with a notice; the plan runs (exit 0) and never shows the ciphertext", async () => {
            const stackFile = stackWith("Pulumi.secure.yaml", "prod", `  ahds:hybrid.sharedKey:\n    secure: ${CIPHERTEXT}\n`);
            const loaded = loadStackConfig("prod", { stackFile });
            expect(loaded.config["ahds:hybrid.sharedKey"]).to.equal(SECURE_PLACEHOLDER);
            expect(loaded.secretKeys).to.deep.equal(["ahds:hybrid.sharedKey"]);
            const json = jsonOut("secure");
            let log = "";
            const code = await plan({ stack: "prod", mode: "preview", stackFile, json, policyPack: POLICY_DIR, policyConfig: policyConfigFile("prod") }, (s) => { log += s; }, { session: sharedOrOwnSession });
            expect(code, log).to.equal(0);
            expect(log).to.include("notice: ahds:hybrid.sharedKey: secure value replaced offline by a placeholder (marked secret), since the offline plan cannot decrypt it; `pulumi preview` and `pulumi up` decrypt it");
            const written = fs.readFileSync(json, "utf8");
            for (const text of [log, written]) expect(text).not.to.include(CIPHERTEXT).and.not.to.include(SECURE_PLACEHOLDER);
            // The VPN connection gets the key, as a secret.
            expect(written).to.match(/"sharedKey": "\[secret\]"/);
        });

        it("any other key: exit 2 naming the key and why, without the ciphertext", async () => {
            const stackFile = stackWith("Pulumi.secure-owner.yaml", "dev", `  ahds:costCenter:\n    secure: ${CIPHERTEXT}\n`, /ahds:costCenter:/);
            const r = await planExit("secure-owner", { stackFile });
            expectInputError(r, "ahds:costCenter: is a secure value, which the offline plan cannot decrypt, and it is not a secret setting of this program (those are ahds:hybrid.sharedKey, ahds:hybrid.expressRouteAuthorizationKey), so it cannot be replaced by a placeholder: set it in plain text (pulumi config set ahds:costCenter <value>, without --secret)");
            expect(r.log).not.to.include(CIPHERTEXT);
        });
    });

    describe("ESC environment: imports", () => {
        it("plan as before, with a notice naming the environments", () => {
            const loaded = loadStackConfig("dev");
            expect(loaded.environments).to.deep.equal(["ahds/dev"]);
            expect(loaded.notices).to.deep.equal(["Pulumi.dev.yaml imports the ESC environment ahds/dev: ESC values are not resolved offline, so every ahds:* key the program needs must be in the stack file, and secret keys an environment supplies are absent here (`pulumi preview`/`up` resolve them)"]);
            expect(loadStackConfig("prod").notices[0]).to.include("imports the ESC environments ahds/prod, ahds/prod-secrets: ESC values are not resolved offline");
        });

        it("when the config check then fails, the keyed message adds a line about the unresolved environment", async () => {
            const stackFile = stackWith("Pulumi.esc-missing.yaml", "dev", "", /ahds:owner:/);
            const r = await planExit("esc-missing", { stackFile });
            expectInputError(r, "  ahds:owner: is required (set it in Pulumi.<stack>.yaml or keep the Pulumi.yaml default)",
                "Pulumi.esc-missing.yaml imports the ESC environment ahds/dev, which the offline plan does not resolve: a value set only there is not seen here, so every ahds:* key the program needs must be in the stack file.");
        });
    });

    describe("`pulumi config set --path` nested keys", () => {
        it("are flattened to the dotted keys when every leaf is declared in Pulumi.yaml", () => {
            const stackFile = stackWith("Pulumi.nested.yaml", "dev", "  ahds:hub:\n    bastionSubnet: 10.0.0.64/26\n    firewallSubnet: 10.0.0.0/26\n  ahds:logAnalytics:\n    retentionInDays: 120\n");
            const loaded = loadStackConfig("dev", { stackFile });
            expect(loaded.config).to.include({ "ahds:hub.bastionSubnet": "10.0.0.64/26", "ahds:hub.firewallSubnet": "10.0.0.0/26", "ahds:logAnalytics.retentionInDays": "120" });
            expect(loaded.config).not.to.have.property("ahds:hub");
            expect(parseConfig(loaded.config).logAnalytics.retentionInDays).to.equal(120);
        });

        it("keep an array value of a declared array key whole", () => {
            const project = fs.mkdtempSync(path.join(tmp, "project-"));
            fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\nruntime: nodejs\nconfig:\n  net.cidrs:\n    type: array\n    description: d\n  net.name:\n    type: string\n    description: d\n");
            fs.writeFileSync(path.join(project, "Pulumi.s.yaml"), "config:\n  p:net:\n    cidrs: [10.0.0.0/24, 10.1.0.0/24]\n    name: hub\n");
            expect(loadStackConfig("s", { projectDir: project }).config).to.deep.equal({ "p:net.cidrs": "[\"10.0.0.0/24\",\"10.1.0.0/24\"]", "p:net.name": "hub" });
        });

        it("otherwise exit 2, naming the undeclared keys and the flat-key form", async () => {
            const stackFile = stackWith("Pulumi.nested-bad.yaml", "dev", "  ahds:hub:\n    bastionSubnet: 10.0.0.64/26\n    bastionSubnets: 10.0.0.64/26\n");
            expectInputError(await planExit("nested-bad", { stackFile }),
                "  ahds:hub: is a nested mapping (as `pulumi config set --path` writes it), and ahds:hub.bastionSubnets (did you mean ahds:hub.bastionSubnet?) is not a key declared in Pulumi.yaml. " +
                "This project reads flat dotted keys: set each one on its own line, as `ahds:hub.bastionSubnet: <value>` (pulumi config set ahds:hub.bastionSubnet <value>, without --path)");
        });
    });

    describe("the policy pack config", () => {
        let rules: PolicyInfo[];
        before(async () => { rules = (await sharedPolicySession("dev", false)).policies; });
        const F = "policy/config.test.json";
        const problems = (config: unknown) => configErrorOf(() => reconcilePolicyConfig(rules, config, F)).problems.map((p) => `${p.key}: ${p.message}`);

        it("a wrong setting type, from the schema the pack sends: file, policy, setting, expected type (through the CLI: exit 2, no stack trace, nothing written)", async () => {
            const r = await cli.policy;
            expect(r.code, r.stdout + r.stderr).to.equal(2);
            expect(r.stdout + r.stderr).to.include("Invalid policy pack config (1 problem):\n").and.include("policy.broken.json: storage-blob-recovery.minDays: expected integer, got \"x\"");
            expect(r.stdout + r.stderr).not.to.match(STACK_TRACE);
            expect(fs.existsSync(jsonOut("cli-policy"))).to.equal(false);
            expect(problems({ "storage-blob-recovery": { minDays: 0 }, "law-retention-and-local-auth": { minRetentionDays: true } }).sort()).to.deep.equal([
                `${F}: law-retention-and-local-auth.minRetentionDays: expected integer, got true`,
                `${F}: storage-blob-recovery.minDays: must be >= 1, got 0`,
            ]);
        });

        it("an unknown rule name, with the closest rule; an unknown setting likewise", () => {
            expect(problems({ all: "mandatory", "storage-blob-recovry": "advisory", "storage-blob-recovery": { minDay: 3 } })).to.deep.equal([
                `${F}: storage-blob-recovry: is not a policy of this pack (did you mean storage-blob-recovery?)`,
                `${F}: storage-blob-recovery.minDay: is not a setting of storage-blob-recovery (did you mean minDays?); its settings: enforcementLevel, downgradeReason, exemptions, minDays`,
            ]);
            expect(problems({ "no-such-thing-at-all": "advisory" })).to.deep.equal([`${F}: no-such-thing-at-all: is not a policy of this pack (docs/policies.md lists them)`]);
        });

        it("a bad enforcement level, listing the valid ones", () => {
            expect(problems({ all: "strict", "firewall-premium-idps": { enforcementLevel: "warn", downgradeReason: "Cost: dev holds synthetic data only, prod enforces it." }, "vnet-flow-logs-coverage": "off" }).sort()).to.deep.equal([
                `${F}: all: "strict" is not an enforcement level (valid: advisory, mandatory, remediate, disabled)`,
                `${F}: firewall-premium-idps.enforcementLevel: "warn" is not an enforcement level (valid: advisory, mandatory, remediate, disabled)`,
                `${F}: vnet-flow-logs-coverage: "off" is not an enforcement level (valid: advisory, mandatory, remediate, disabled)`,
            ]);
        });

        it("a too-short justification or downgradeReason (the pack's minLength)", () => {
            expect(problems({
                "firewall-premium-idps": { enforcementLevel: "advisory", downgradeReason: "cost" },
                "phi-private-endpoint-required": { exemptions: [{ resourceName: "hub-st-flowlogs", justification: "trusted" }, { resourceName: "x" }] },
            }).sort()).to.deep.equal([
                `${F}: firewall-premium-idps.downgradeReason: must be at least 20 characters long, got 4 (the reason a reviewer reads: say why in full)`,
                `${F}: phi-private-endpoint-required.exemptions[0].justification: must be at least 20 characters long, got 7 (the reason a reviewer reads: say why in full)`,
                `${F}: phi-private-endpoint-required.exemptions[1].justification: is required`,
            ]);
        });

        it("reconciles the repo's configs as before: levels and schema defaults under the file's settings", () => {
            const { levels, properties } = reconcilePolicyConfig(rules, readPolicyConfigFile(policyConfigFile("dev")), "policy/config.dev.json");
            expect(levels.get("firewall-premium-idps")).to.equal("advisory");
            expect(levels.get("storage-blob-recovery")).to.equal("mandatory");
            expect(properties.get("law-retention-and-local-auth")).to.include({ minRetentionDays: 90 });
            expect(properties.get("storage-blob-recovery")).to.deep.equal({ minDays: 7, exemptions: [] });
            expect(() => reconcilePolicyConfig(rules, readPolicyConfigFile(policyConfigFile("prod")), "policy/config.prod.json")).not.to.throw();
            expect(() => reconcilePolicyConfig(rules, readPolicyConfigFile(path.join(PROJECT_DIR, "deploy", "policy-config.json")), "deploy/policy-config.json")).not.to.throw();
        });

        it("bad JSON: file, line and column (with or without V8's position); not an object; a missing file", () => {
            const messages = (text: string) => configErrorOf(() => readPolicyConfigFile(file("bad.json", text))).problems.map((p) => `${path.basename(p.key)}: ${p.message}`);
            expect(messages('{\n  "all": "mandatory",\n}\n')).to.deep.equal(["bad.json:3:1: invalid JSON (offset 24): Expected double-quoted property name"]);
            expect(messages('{\n  "x": [1,],\n  "all": "mandatory"\n}\n')).to.deep.equal(["bad.json:2:11: invalid JSON (offset 12): Unexpected token ']'"]);
            expect(messages('{ "all": mandatory }')).to.deep.equal(["bad.json:1:10: invalid JSON (offset 9): Unexpected token 'm'"]);
            expect(messages('{ "all": "mandatory"')).to.deep.equal(["bad.json:1:21: invalid JSON (offset 20): Expected ',' or '}' after property value"]);
            expect(messages("[]")).to.deep.equal(['bad.json: must be a JSON object (policy name or "all" → enforcement level or settings), got an array']);
            expect(configErrorOf(() => readPolicyConfigFile(path.join(tmp, "none.json"))).problems[0]?.message).to.equal("does not exist (--policy-pack-config names the pack's config file)");
            expect(jsonErrorOffset(fs.readFileSync(policyConfigFile("dev"), "utf8"))).to.equal(undefined);
        });
    });

    describe("a stack without a policy config", () => {
        it("is refused with the missing file and the two remedies (exit 2, nothing written)", async () => {
            const r = await cli.noPolicyConfig;
            expect(r.code, r.stderr).to.equal(2);
            expect(r.stderr).to.equal("plan: Invalid plan input (1 problem):\n  policy/config.pr.json: does not exist: stack \"pr\" has no policy pack config. " +
                "Create it with `npm run new-stack -- pr --environment dev|test|prod --policy-only`, or pass --policy-pack-config FILE\n");
            expect(fs.existsSync(jsonOut("cli-pr"))).to.equal(false);
        });

        it("the pr stack and deploy/ plan with an explicit --policy-pack-config, as CI does", () => {
            const pr = parseCommand(["--stack", "pr", "--policy-pack-config", "policy/config.dev.json"]);
            expect(pr).to.deep.include({ help: false });
            expect(pr.help === false && pr.args.policyConfig).to.equal("policy/config.dev.json");
            const deploy = parseCommand(["--project-dir", "deploy", "--stack", "platform", "--policy-pack-config", "deploy/policy-config.json"]);
            expect(deploy.help === false && deploy.args.projectDir).to.equal(path.join(PROJECT_DIR, "deploy"));
            const dev = parseCommand(["--stack", "dev"]);
            expect(dev.help === false && dev.args.policyConfig).to.equal(policyConfigFile("dev"));
        });
    });

    describe("secret-looking values in plain keys", () => {
        const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\\n-----END OPENSSH PRIVATE KEY-----";

        it("are reported by key, the value never echoed (exit 2, nothing written)", async () => {
            const stackFile = stackWith("Pulumi.leak.yaml", "dev", `  ahds:jumpbox.sshPublicKey: "${PRIVATE_KEY}"\n  ahds:owner: "team password=hunter2"\n`, /ahds:owner:/);
            const r = await planExit("leak", { stackFile });
            expectInputError(r,
                "  ahds:jumpbox.sshPublicKey: looks like a private key (-----BEGIN ... PRIVATE KEY-----); the value is not shown. It is not a secret setting, so it would be stored and shown in plain text: " +
                "remove it from the stack file (and rotate the credential if it was committed); the key takes the OpenSSH public key (the .pub file, ssh-rsa or ssh-ed25519), or empty to generate a key pair",
                "  ahds:owner: looks like a password (\"password=\"); the value is not shown.");
            for (const secret of ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmU", "hunter2"]) expect(r.log).not.to.include(secret);
        });

        it("in any string value, and no other validator's message quotes it (they never see it)", () => {
            const dev = loadStackConfig("dev").config;
            const values: Record<string, string> = {
                "ahds:costCenter": "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=c2VjcmV0S2V5VmFsdWU=",
                "ahds:fhir.corsOrigins": "https://app.example.org?sv=2024&sig=c2lnbmF0dXJlVmFsdWU",
                "ahds:hub.addressSpace": "Endpoint=sb://x/;SharedAccessSignature=c2FzVmFsdWU",
                "ahds:bulkLoader.packageUrl": "https://x.blob.core.windows.net/p/a.zip?sig=cGFja2FnZVNpZw",
                "ahds:apim.publisherName": "client_secret=c2VjcmV0VmFsdWU",
            };
            const e = configErrorOf(() => parseConfig({ ...dev, ...values }));
            expect(e.problems.map((p) => `${p.key}: ${p.message.split(";")[0]}`).sort()).to.deep.equal([
                "ahds:apim.publisherName: looks like a secret (\"secret=\")",
                "ahds:bulkLoader.packageUrl: looks like a SAS token signature (\"sig=\")",
                "ahds:costCenter: looks like a storage account key (\"AccountKey=\")",
                "ahds:fhir.corsOrigins: looks like a SAS token signature (\"sig=\")",
                "ahds:hub.addressSpace: looks like a shared access signature (\"SharedAccessSignature\")",
            ]);
            for (const secret of ["c2VjcmV0S2V5VmFsdWU", "c2lnbmF0dXJlVmFsdWU", "c2FzVmFsdWU", "cGFja2FnZVNpZw", "c2VjcmV0VmFsdWU", "app.example.org", "sb://x/"]) expect(e.message).not.to.include(secret);
            // The program's secret keys may hold secrets.
            expect(() => parseConfig({ ...loadStackConfig("prod").config, "ahds:hybrid.sharedKey": "secret=0123456789abcdefghij0123456789abcdef" })).not.to.throw();
        });
    });
});
