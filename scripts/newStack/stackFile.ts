/** The stack file new-stack writes: sizing and features per environment, and the YAML text. */
import * as YAML from "yaml";
import { Environment } from "../../components/shared/naming";
import { AddressPlan, HUB_ROLES, SPOKE_ROLES } from "../../lib/addressPlan";
import { NO_ZONE_REGIONS } from "../../lib/crossChecks";
import { PROJECT_DIR, readProject } from "../../lib/offline/stackConfig";
import { Json, profileDemands } from "./profile";

/** Per environment: sizing and features, as in Pulumi.dev.yaml and Pulumi.prod.yaml (test: dev's sizing, gated like prod). */
interface Sizing {
    summary: string;
    zoneRedundant: boolean;
    retainOnDelete: boolean;
    /** Daily ingestion cap; a cap drops audit data once reached, so dev only. */
    dailyQuotaGb: number;
    bastionSku: string;
    apimSku: string;
    apimCapacity: number;
    appGatewayMin: number;
    appGatewayMax: number;
    loaderPlanSku: string;
    dicom: boolean;
    intelligence: boolean;
    hitrustPolicyAssignment: boolean;
    /** Prod serves the organisation's certificate (lib/crossChecks.ts requires it), never a self-signed one. */
    certificate: boolean;
}

const SIZING: Record<Environment, Sizing> = {
    dev: {
        summary: "cheapest SKUs that keep the security posture (private endpoints, firewall egress, Deny threat intel), single instances, nothing protected",
        zoneRedundant: false, retainOnDelete: false, dailyQuotaGb: 5, bastionSku: "Basic", apimSku: "Developer", apimCapacity: 1, appGatewayMin: 0, appGatewayMax: 2,
        loaderPlanSku: "B1", dicom: false, intelligence: false, hitrustPolicyAssignment: false, certificate: false,
    },
    test: {
        summary: "gated like prod (policy/profiles/test.json: every rule mandatory, 365-day audit retention, protected stores) on dev's single-instance sizing",
        zoneRedundant: false, retainOnDelete: false, dailyQuotaGb: -1, bastionSku: "Basic", apimSku: "Developer", apimCapacity: 1, appGatewayMin: 0, appGatewayMax: 2,
        loaderPlanSku: "B1", dicom: false, intelligence: false, hitrustPolicyAssignment: true, certificate: false,
    },
    prod: {
        summary: "zone redundancy where offered, protected and retained stateful resources, 365-day audit retention, Premium firewall (IDPS) and API Management",
        zoneRedundant: true, retainOnDelete: true, dailyQuotaGb: -1, bastionSku: "Standard", apimSku: "Premium", apimCapacity: 2, appGatewayMin: 2, appGatewayMax: 10,
        loaderPlanSku: "P1v3", dicom: true, intelligence: true, hitrustPolicyAssignment: true, certificate: true,
    },
};

export interface StackSpec {
    name: string;
    environment: Environment;
    region: string;
    workload: string;
    plan: AddressPlan;
    /** The address space(s) the plan was derived from, as given. */
    addressSpace: string;
    hubAddressSpace?: string;
    profile: Json;
}

/** A YAML scalar: plain where YAML reads it back as the same string, double-quoted (JSON) otherwise. */
function scalar(v: string | number | boolean): string {
    if (typeof v !== "string") return String(v);
    return /^[A-Za-z0-9@._/:-]+$/.test(v) && typeof YAML.parse(v) === "string" ? v : JSON.stringify(v);
}

/** The stack file's text: comments as in the hand-written stacks, then `environment:` (ESC) and `config:`. */
export function stackFileText(s: StackSpec): string {
    const size = SIZING[s.environment];
    const demands = profileDemands(s.profile);
    const zones = size.zoneRedundant && !NO_ZONE_REGIONS.includes(s.region);
    const lines: string[] = [];
    const key = (k: string, v: string | number | boolean) => lines.push(`  ahds:${k}: ${scalar(v)}`);
    const comment = (...text: string[]) => lines.push(...text.map((t) => `  # ${t}`));
    const from = s.hubAddressSpace !== undefined ? `hub ${s.hubAddressSpace}, spoke ${s.addressSpace}` : `${s.addressSpace} (hub ${s.plan.hub.addressSpace}, spoke ${s.plan.spoke.addressSpace})`;
    lines.push(
        `# ${s.name}: a ${s.environment} stack written by \`npm run new-stack\`: ${size.summary}.`,
        `# Values not set here come from the defaults in Pulumi.yaml. Replace the example owner, cost center and e-mail before the first deploy.`,
        `# Address plan: derived from ${from} by lib/addressPlan.ts, with the sizes the config check enforces.`,
        `# Policy gate: policy/config.${s.name}.json, a copy of policy/profiles/${s.environment}.json:`,
        `#   npm run plan -- --stack ${s.name} --policy-pack-config policy/config.${s.name}.json`,
        `# Azure credentials: the ESC environment ahds/${s.name} (create it like esc/ahds-${s.environment === "prod" ? "prod" : "dev"}.yaml: OIDC, no secret; README, "Delivery").`,
        "environment:",
        `  - ahds/${s.name}`,
        "config:",
    );
    key("environment", s.environment);
    key("workload", s.workload);
    key("location", s.region);
    key("owner", "platform-team@example.org");
    key("costCenter", `cc-0000-${s.name}`);
    key("protect", s.environment === "prod" || demands.protect);
    key("retainOnDelete", size.retainOnDelete);
    key("zoneRedundant", zones);
    key("logAnalytics.retentionInDays", Math.max(demands.logRetentionDays, 90));
    key("logAnalytics.dailyQuotaGb", size.dailyQuotaGb);
    key("hub.addressSpace", s.plan.hub.addressSpace);
    for (const r of HUB_ROLES) { const c = s.plan.hub.subnets[r.key]; if (c !== undefined) key(r.key, c); }
    key("spoke.addressSpace", s.plan.spoke.addressSpace);
    for (const r of SPOKE_ROLES) { const c = s.plan.spoke.subnets[r.key]; if (c !== undefined) key(r.key, c); }
    key("firewall.sku", demands.firewallPremium ? "Premium" : "Standard");
    key("bastion.sku", size.bastionSku);
    key("apim.sku", size.apimSku);
    key("apim.capacity", size.apimCapacity);
    key("appGateway.minCapacity", size.appGatewayMin);
    key("appGateway.maxCapacity", size.appGatewayMax);
    key("jumpbox.enabled", true);
    if (s.environment === "prod") {
        // Prod requires a login group (lib/crossChecks.ts): nobody else can sign in to the jumpbox.
        comment("Replace with the Entra ID group of the operators who sign in to the jumpbox through Bastion");
        key("jumpbox.loginGroupObjectId", "00000000-0000-0000-0000-0000000000a3");
    }
    // Prod must record its network traffic (lib/crossChecks.ts); elsewhere the profile decides.
    const flowLogs = demands.flowLogs || s.environment === "prod";
    key("flowLogs.enabled", flowLogs);
    if (flowLogs) key("flowLogs.retentionInDays", Math.max(demands.flowLogRetentionDays, s.environment === "prod" ? 365 : 90));
    key("governance.defenderPlans", demands.defenderPlans);
    key("governance.hitrustPolicyAssignment", size.hitrustPolicyAssignment);
    key("fhir.dicom", size.dicom);
    // Azure takes no new MedTech service instances since 2025-05-03 (lib/config.ts refuses true).
    key("fhir.medtech", false);
    key("apim.publisherEmail", "platform-team@example.org");
    comment(`The FHIR Loader with VNet integration and private endpoints; its package is uploaded by hand (README, "Bulk loader")`,
        "until bulkLoader.packageUrl/packageSha256 name your CI's build.");
    key("bulkLoader.enabled", true);
    key("bulkLoader.planSku", size.loaderPlanSku);
    comment(`The /bulk upload API: register an app with this Application ID URI and an app role "Bulk.Upload" for the clients`,
        `that may upload (README, "Uploading through the gateway").`);
    key("bulkLoader.uploadAudience", `api://${s.workload}-bulk-upload-${s.name}`);
    if (size.certificate) {
        comment("Replace with your organisation's certificate (versionless secret ID) and the vault that holds it; the vault must",
            "be reachable from the spoke (a private endpoint registered in privatelink.vaultcore.azure.net).");
        key("appGateway.hostName", "fhir.example.org");
        key("appGateway.certificateSecretId", "https://kv-pki-prod.vault.azure.net/secrets/fhir-gateway-tls");
        key("appGateway.certificateKeyVaultId", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pki-prod/providers/Microsoft.KeyVault/vaults/kv-pki-prod");
    }
    if (size.intelligence) {
        comment("Text Analytics for Health on a private Language account.");
        key("intelligence.enabled", true);
    }
    if (s.environment === "prod") {
        comment("Synapse serverless over the analytics lake: set your Synapse administrators' Entra ID group, then uncomment.",
            "ahds:analytics.synapse: true", "ahds:analytics.synapseAdminGroupObjectId: <group object ID>");
    }
    const reserved = s.plan.hub.reserved;
    comment(`Hybrid connectivity (README, "Hybrid connectivity"), off: the address plan keeps room for it. To enable it, uncomment`,
        "and fill in your site (then set the pre-shared key: pulumi config set --secret ahds:hybrid.sharedKey ...).",
        "ahds:hybrid.type: vpn",
        ...["hub.gatewaySubnet", "hub.dnsResolverInboundSubnet"].map((k) => (reserved[k] !== undefined ? `ahds:${k}: ${reserved[k]}` : `ahds:${k}: <none fits: ${s.plan.hub.unreserved[k] ?? "no room"}>`)),
        "ahds:hybrid.onPremisesPrefixes: <on-premises prefixes, comma-separated>",
        "ahds:hybrid.vpnPeerIpAddress: <public IPv4 of the on-premises VPN device>");
    return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------- the run

/** A stack file's flat config as the CLI builds it: Pulumi.yaml defaults overlaid by the file (values as strings). */
export function flatConfig(stackText: string, projectDir = PROJECT_DIR): Record<string, string> {
    const project = readProject(projectDir);
    const out: Record<string, string> = {};
    const str = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    for (const d of project.config) if (d.default !== undefined) out[`${project.name}:${d.key}`] = str(d.default);
    const doc = (YAML.parse(stackText) ?? {}) as { config?: Record<string, unknown> };
    for (const [k, v] of Object.entries(doc.config ?? {})) out[k.includes(":") ? k : `${project.name}:${k}`] = str(v);
    return out;
}
