import { expect } from "chai";
import { isConfigError, parseConfig } from "../lib/config";
import { loadStackConfig } from "./harness/stackConfig";

/**
 * Every cross-field check of the stack config (lib/crossChecks.ts) with a failing case and a passing neighbour: the
 * smallest change on the other side of the rule. A neighbour must parse without any problem at all, so a check that
 * fires too eagerly fails here as surely as one that no longer fires.
 */
function problemsOf(stack: "dev" | "prod", overrides: Record<string, string | undefined>): string[] {
    const cfg = { ...loadStackConfig(stack).config };
    for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined) delete cfg[`ahds:${k}`];
        else cfg[`ahds:${k}`] = v;
    }
    try {
        parseConfig(cfg);
    } catch (e) {
        if (!isConfigError(e)) throw e;
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
    return [];
}

interface CrossCheck {
    rule: string;
    stack: "dev" | "prod";
    failing: Record<string, string | undefined>;
    /** The exact problem line the failing case must produce. */
    problem: string;
    passing: Record<string, string | undefined>;
}

const KV = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-pki/providers/Microsoft.KeyVault/vaults";

const CHECKS: CrossCheck[] = [
    {
        rule: "peered VNets cannot overlap", stack: "dev",
        failing: { "spoke.addressSpace": "10.0.2.0/23", "spoke.appGatewaySubnet": "10.0.2.0/26", "spoke.apimSubnet": "10.0.2.64/27", "spoke.privateEndpointSubnet": "10.0.2.96/27", "spoke.functionIntegrationSubnet": "10.0.2.128/27", "spoke.containerAppsSubnet": "10.0.3.0/27" },
        problem: 'ahds:spoke.addressSpace: "10.0.2.0/23" overlaps hub.addressSpace "10.0.0.0/22" (peered VNets cannot overlap)',
        // The next /23 after the hub's /22: adjacent, not overlapping.
        passing: { "spoke.addressSpace": "10.0.4.0/23", "spoke.appGatewaySubnet": "10.0.4.0/26", "spoke.apimSubnet": "10.0.4.64/27", "spoke.privateEndpointSubnet": "10.0.4.96/27", "spoke.functionIntegrationSubnet": "10.0.4.128/27", "spoke.containerAppsSubnet": "10.0.5.0/27" },
    },
    {
        rule: "App Gateway subnet holds maxCapacity + 1 addresses", stack: "dev",
        failing: { "spoke.appGatewaySubnet": "10.1.0.0/28", "appGateway.maxCapacity": "11" },
        problem: 'ahds:spoke.appGatewaySubnet: "10.1.0.0/28" has 11 usable addresses; appGateway.maxCapacity 11 needs 12',
        passing: { "spoke.appGatewaySubnet": "10.1.0.0/28", "appGateway.maxCapacity": "10" },
    },
    {
        rule: "autoscale minimum not above maximum", stack: "dev",
        failing: { "appGateway.minCapacity": "3", "appGateway.maxCapacity": "2" },
        problem: 'ahds:appGateway.minCapacity: "3" is greater than appGateway.maxCapacity "2"',
        passing: { "appGateway.minCapacity": "2", "appGateway.maxCapacity": "2" },
    },
    {
        rule: "Developer APIM has exactly one unit", stack: "dev",
        failing: { "apim.capacity": "2" },
        problem: 'ahds:apim.capacity: "2" is not possible: the Developer tier has exactly one unit',
        passing: { "apim.sku": "Premium", "apim.capacity": "2" },
    },
    {
        rule: "zone-redundant Premium APIM spreads units evenly over 2 or 3 zones", stack: "prod",
        failing: { "apim.capacity": "5", "spoke.apimSubnet": "10.21.1.0/27" },
        problem: 'ahds:apim.capacity: "5" cannot be spread evenly over 2 or 3 availability zones (zoneRedundant is on)',
        passing: { "apim.capacity": "4", "spoke.apimSubnet": "10.21.1.0/27" },
    },
    {
        rule: "zone-redundant Premium APIM may use three zones", stack: "prod",
        failing: { "apim.capacity": "7", "spoke.apimSubnet": "10.21.1.0/27" },
        problem: 'ahds:apim.capacity: "7" cannot be spread evenly over 2 or 3 availability zones (zoneRedundant is on)',
        passing: { "apim.capacity": "3", "spoke.apimSubnet": "10.21.1.0/27" },
    },
    {
        rule: "APIM subnet holds its units (2 per Premium unit + 1)", stack: "dev",
        failing: { "apim.sku": "Premium", "apim.capacity": "4", "spoke.apimSubnet": "10.1.1.0/29" },
        problem: 'ahds:spoke.apimSubnet: "10.1.1.0/29" has 3 usable addresses; Premium x4 in internal mode needs 9',
        passing: { "apim.sku": "Premium", "apim.capacity": "4", "spoke.apimSubnet": "10.1.1.0/28" },
    },
    {
        rule: "no Basic firewall (no DNS proxy, threat intelligence alert-only)", stack: "dev",
        failing: { "firewall.sku": "Basic" },
        problem: 'ahds:firewall.sku: "Basic" has no DNS proxy and cannot deny on threat intelligence, both of which this platform needs; use Standard or Premium',
        passing: { "firewall.sku": "Premium" },
    },
    {
        rule: "a certificate secret comes with its vault", stack: "dev",
        failing: { "appGateway.certificateSecretId": "https://kv-pki.vault.azure.net/secrets/gw", "appGateway.certificateKeyVaultId": "" },
        problem: "ahds:appGateway.certificateKeyVaultId: appGateway.certificateSecretId and appGateway.certificateKeyVaultId go together (the secret, and the vault the gateway identity is granted on)",
        passing: { "appGateway.certificateSecretId": "https://kv-pki.vault.azure.net/secrets/gw", "appGateway.certificateKeyVaultId": `${KV}/kv-pki` },
    },
    {
        rule: "a certificate vault comes with its secret", stack: "dev",
        failing: { "appGateway.certificateSecretId": "", "appGateway.certificateKeyVaultId": `${KV}/kv-pki` },
        problem: "ahds:appGateway.certificateSecretId: appGateway.certificateSecretId and appGateway.certificateKeyVaultId go together (the secret, and the vault the gateway identity is granted on)",
        passing: { "appGateway.certificateSecretId": "", "appGateway.certificateKeyVaultId": "" },
    },
    {
        rule: "the certificate vault is the secret's vault", stack: "dev",
        failing: { "appGateway.certificateSecretId": "https://kv-pki.vault.azure.net/secrets/gw", "appGateway.certificateKeyVaultId": `${KV}/kv-other` },
        problem: `ahds:appGateway.certificateKeyVaultId: "${KV}/kv-other" is not the vault of appGateway.certificateSecretId "https://kv-pki.vault.azure.net/secrets/gw"`,
        // Vault names are case-insensitive in ARM IDs.
        passing: { "appGateway.certificateSecretId": "https://kv-pki.vault.azure.net/secrets/gw", "appGateway.certificateKeyVaultId": `${KV}/KV-PKI` },
    },
    {
        rule: "the anonymization upload needs the jumpbox", stack: "dev",
        failing: { "jumpbox.enabled": "false", "fhir.uploadAnonymizationConfig": "true" },
        problem: 'ahds:fhir.uploadAnonymizationConfig: "true" needs jumpbox.enabled (the jumpbox uploads the configs through the private endpoint); set it to false and upload them as the README shows',
        passing: { "jumpbox.enabled": "false", "fhir.uploadAnonymizationConfig": "false" },
    },
    {
        rule: "zone redundancy only where the region has zones", stack: "dev",
        failing: { location: "northcentralus", zoneRedundant: "true" },
        problem: 'ahds:zoneRedundant: "true" is not possible in northcentralus, which has no availability zones',
        passing: { location: "northcentralus", zoneRedundant: "false" },
    },
    {
        rule: "prod protects stateful resources", stack: "prod",
        failing: { protect: "false" },
        problem: 'ahds:protect: "false" must be true in prod: stateful PHI resources must not be deletable by a stray `pulumi destroy`',
        passing: { protect: "true" },
    },
    {
        rule: "prod retains stateful resources on delete", stack: "prod",
        failing: { retainOnDelete: "false" },
        problem: 'ahds:retainOnDelete: "false" must be true in prod: stateful PHI resources must not be deletable by a stray `pulumi destroy`',
        passing: { retainOnDelete: "true" },
    },
    {
        rule: "prod serves the organisation's certificate", stack: "prod",
        failing: { "appGateway.certificateSecretId": "", "appGateway.certificateKeyVaultId": "" },
        problem: "ahds:appGateway.certificateSecretId: must be set in prod (a self-signed certificate is for dev only)",
        // The same empty certificate is fine outside prod (dev generates one).
        passing: { environment: "test", "appGateway.certificateSecretId": "", "appGateway.certificateKeyVaultId": "" },
    },
    {
        rule: "the bulk loader's package URL and its SHA-256 go together", stack: "dev",
        failing: { "bulkLoader.packageUrl": "https://artifacts.example.org/fhir-loader.zip" },
        problem: "ahds:bulkLoader.packageSha256: bulkLoader.packageUrl and bulkLoader.packageSha256 go together (the jumpbox uploads only a package whose digest it can check)",
        passing: { "bulkLoader.packageUrl": "https://artifacts.example.org/fhir-loader.zip", "bulkLoader.packageSha256": "abababababababababababababababababababababababababababababababab" },
    },
    {
        rule: "the bulk loader's package upload needs the jumpbox", stack: "dev",
        failing: { "jumpbox.enabled": "false", "fhir.uploadAnonymizationConfig": "false", "bulkLoader.packageUrl": "https://artifacts.example.org/fhir-loader.zip", "bulkLoader.packageSha256": "abababababababababababababababababababababababababababababababab" },
        problem: "ahds:bulkLoader.packageUrl: is set but jumpbox.enabled is false (the jumpbox uploads the package through the private endpoint); leave it empty and upload the package as the README shows",
        passing: { "jumpbox.enabled": "false", "fhir.uploadAnonymizationConfig": "false" },
    },
    {
        // App Service zone redundancy: Premium v2/v3/v4 or Isolated v2 (learn.microsoft.com/azure/reliability/reliability-app-service).
        rule: "a zone-redundant stack runs the bulk loader on a zone-capable plan", stack: "prod",
        failing: { "bulkLoader.planSku": "S1" },
        problem: 'ahds:bulkLoader.planSku: "S1" cannot be zone-redundant, which zoneRedundant asks for; use a Premium v3 SKU such as P1v3',
        passing: { "bulkLoader.planSku": "P0v3" },
    },
    {
        rule: "a group export names its FHIR Group", stack: "dev",
        failing: { "analytics.exportScope": "group" },
        problem: "ahds:analytics.exportGroupId: must be set with analytics.exportScope group (the FHIR Group whose members are exported)",
        passing: { "analytics.exportScope": "group", "analytics.exportGroupId": "cohort-1" },
    },
    {
        rule: "a group id only with group exports", stack: "dev",
        failing: { "analytics.exportGroupId": "cohort-1" },
        problem: 'ahds:analytics.exportGroupId: is set but analytics.exportScope is "system" (only group exports read it)',
        passing: { "analytics.exportScope": "patient" },
    },
    {
        // Entra-only authentication: the initial Synapse Administrator is the only way in.
        rule: "Synapse needs an admin group", stack: "prod",
        failing: { "analytics.synapseAdminGroupObjectId": "" },
        problem: "ahds:analytics.synapseAdminGroupObjectId: must be set with analytics.synapse (the workspace is Entra ID only; its first administrator is this group)",
        passing: { "analytics.synapseAdminGroupObjectId": "", "analytics.synapse": "false" },
    },
    {
        rule: "Synapse needs the lake", stack: "prod",
        failing: { "analytics.enabled": "false" },
        problem: 'ahds:analytics.synapse: "true" needs analytics.enabled (Synapse reads the analytics lake)',
        passing: { "analytics.enabled": "false", "analytics.synapse": "false", "analytics.synapseAdminGroupObjectId": "" },
    },
    {
        rule: "prod records flow logs", stack: "prod",
        failing: { "flowLogs.enabled": "false" },
        problem: 'ahds:flowLogs.enabled: "false" must be true in prod (VNet flow logs are the network audit trail)',
        passing: { environment: "test", "flowLogs.enabled": "false" },
    },
];

describe("stack config cross-field checks (failing case and passing neighbour)", () => {
    it("both stack files parse without problems", () => {
        expect(problemsOf("dev", {})).to.deep.equal([]);
        expect(problemsOf("prod", {})).to.deep.equal([]);
    });
    for (const c of CHECKS) {
        it(`${c.rule}`, () => {
            expect(problemsOf(c.stack, c.failing)).to.include(c.problem);
            expect(problemsOf(c.stack, c.passing)).to.deep.equal([]);
        });
    }
});
