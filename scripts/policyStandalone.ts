/**
 * `npm run policy:standalone`: proves the pack installs and loads on its own, as `pulumi preview --policy-pack <dir>`
 * uses it outside this repository. Copies policy/ (sources, PulumiPolicy.yaml, package.json, configs; no
 * node_modules) to a temporary directory, runs `npm install` there, starts the pack as the engine does and checks that
 * it serves every rule, accepts the prod config and reports an insecure resource. Prints what it measured.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { policies } from "../policy/policies";
import { PolicyHost } from "../lib/offline/policyHost";

const SOURCE = path.join(__dirname, "..", "policy");

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-policy-standalone-"));
    try {
        fs.cpSync(SOURCE, dir, { recursive: true, filter: (src) => path.basename(src) !== "node_modules" });
        let t = Date.now();
        // --prefer-offline: reuse npm's cache when the root `npm ci` already fetched these exact versions.
        execFileSync("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: "inherit" });
        const installMs = Date.now() - t;
        for (const dep of ["@pulumi/policy", "@pulumi/pulumi", "ts-node", "typescript"]) {
            if (!fs.existsSync(path.join(dir, "node_modules", dep, "package.json"))) throw new Error(`${dep} was not installed into the standalone pack`);
        }
        t = Date.now();
        const host = await PolicyHost.start(dir);
        try {
            const info = await host.info();
            const loadMs = Date.now() - t;
            if (info.policies.length !== policies.length) throw new Error(`standalone pack serves ${info.policies.length} policies; the repo has ${policies.length}`);
            await host.configure(info.policies, JSON.parse(fs.readFileSync(path.join(dir, "config.prod.json"), "utf8")) as Record<string, unknown>);
            await host.configureStack("ahds", "prod", true);
            const violations = await host.analyze({
                urn: "urn:pulumi:prod::ahds::azure-native:storage:StorageAccount::probe", type: "azure-native:storage:StorageAccount", name: "probe", custom: true, parent: null,
                inputs: { minimumTlsVersion: "TLS1_0" }, outputs: {}, id: null, protect: false, retainOnDelete: false, dependencies: [], propertyDependencies: {},
            });
            if (!violations.some((v) => v.policy === "storage-min-tls-1-2" && v.enforcementLevel === "mandatory")) throw new Error("the standalone pack did not report a TLS 1.0 storage account");
            console.log(`standalone pack ${info.name}@${info.version}: ${info.policies.length} policies; npm install ${installMs} ms, start + GetAnalyzerInfo ${loadMs} ms; prod config accepted; probe → ${violations.length} violations`);
        } finally {
            await host.close();
        }
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
