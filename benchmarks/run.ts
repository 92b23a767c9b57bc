/**
 * `npm run bench`: prints the figures we track instead of asserting on time in tests.
 *  - plan wall time per stack (fresh process, as a user runs it: ts-node compile + program + policy pack)
 *  - npm test wall time
 *  - deploy critical path estimate from documented Azure provisioning times (pulumi-notes.md §7)
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

function time(label: string, cmd: string, args: string[]): void {
    const t = Date.now();
    const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "ignore" });
    console.log(`${label.padEnd(28)} ${((Date.now() - t) / 1000).toFixed(1).padStart(6)} s  (exit ${r.status})`);
}

/** Documented or reported create times in minutes; the critical path is the longest dependent chain. */
const DEPLOY_MINUTES: Record<string, number> = {
    "resource groups + Log Analytics": 1,
    "Azure Firewall (+ policy)": 25,
    "Bastion": 10,
    "AHDS workspace + FHIR service": 20,
    "API Management Developer/Premium in VNet": 45,
    "Application Gateway v2": 6,
};

time("npm run plan -- --stack dev", "npm", ["run", "--silent", "plan", "--", "--stack", "dev"]);
time("npm run plan -- --stack prod", "npm", ["run", "--silent", "plan", "--", "--stack", "prod"]);
if (!process.argv.includes("--no-test")) time("npm test", "npm", ["test", "--silent"]);
console.log("\nDeploy estimate (minutes, documented/reported create times):");
for (const [k, v] of Object.entries(DEPLOY_MINUTES)) console.log(`  ${String(v).padStart(3)}  ${k}`);
// App Gateway targets APIM's hostname (not its IP output), so it does not wait for APIM: the critical path is
// RG/LAW → network → APIM in VNet.
const critical = DEPLOY_MINUTES["resource groups + Log Analytics"]! + DEPLOY_MINUTES["API Management Developer/Premium in VNet"]!;
console.log(`  critical path ≈ ${critical} min (RG/LAW → spoke → APIM); firewall and FHIR run in parallel`);
