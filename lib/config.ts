import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ENVIRONMENTS, REGIONS, WORKLOAD_PATTERN } from "../components/shared/naming";
import { TAG_VALUE_MAX } from "../components/shared/tags";
import { parseCidr } from "../components/shared/cidr";
import { CORS_ORIGIN } from "../components/shared/cors";
import { PACKAGE_SOURCE_URL } from "../components/shared/blobUpload";
import { PLAN_SKU_NAMES } from "../components/bulkLoader/constants";
import { EXPORT_SCOPES, MODES, REGISTRY_IMAGE } from "../components/analyticsSync/constants";
import { cronProblems } from "../components/shared/cron";
import { EXPRESSROUTE_GATEWAY_SKUS, HYBRID_TYPES, VPN_GATEWAY_SKUS } from "../components/hubSecurity/hybridRules";
import { crossFieldProblems, secretConfigProblems } from "./crossChecks";
import { DeepReadonly, parseKeyedConfig } from "./keyedConfig";

/**
 * The stack's configuration: read once from Pulumi config (`ahds:*` keys, declared with types, descriptions and
 * defaults in Pulumi.yaml), validated as a whole, and frozen. Every problem is reported at once, by config key,
 * before any resource is registered.
 */
export const NAMESPACE = "ahds";

const tagValue = z.string().min(1, "must not be empty").max(TAG_VALUE_MAX, `must be at most ${TAG_VALUE_MAX} characters (Azure tag value limit)`)
    .regex(/^[^\p{Cc}]*$/u, "must not contain control characters");
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const bool = z.stringbool();
const cidr = z.string().superRefine((v, ctx) => {
    const r = parseCidr(v);
    if (typeof r === "string") ctx.addIssue({ code: "custom", message: r });
});

/** Azure Firewall SKUs; Basic is listed so that it can be rejected with the reason (see lib/crossChecks.ts). */
export const FIREWALL_SKUS = ["Basic", "Standard", "Premium"] as const;
/** Bastion SKUs that deploy into AzureBastionSubnet (Developer is shared infrastructure without a subnet). */
export const BASTION_SKUS = ["Basic", "Standard", "Premium"] as const;
/** APIM tiers that support VNet injection in internal mode on stv2 (classic Developer and Premium). */
export const APIM_SKUS = ["Developer", "Premium"] as const;
/**
 * Gateway SKUs the schema knows: the zone-redundant ones the platform deploys, and the others so that they can be refused
 * with the reason (lib/crossChecks.ts, components/hubSecurity/hybridRules.ts gatewaySkuProblem). Empty: the type's default.
 */
export const GATEWAY_SKUS = ["", ...VPN_GATEWAY_SKUS, ...EXPRESSROUTE_GATEWAY_SKUS, "Basic", "VpnGw1", "VpnGw2", "VpnGw3", "VpnGw4", "VpnGw5",
    "Standard", "HighPerformance", "UltraPerformance", "ErGwScale"] as const;

/**
 * Secret keys: set in the stack's ESC secrets environment (`pulumiConfig`; ahds/prod-secrets for prod) or, for a
 * laptop-only stack, with `pulumi config set --secret`; read by the program with `pulumi.Config#getSecret` (index.ts), never
 * through the schema below (which echoes values in its messages). parseConfig checks them with messages that never
 * contain the value (lib/crossChecks.ts secretConfigProblems). Not declared in Pulumi.yaml: a declared key needs a
 * default or a value in every stack, and these are optional.
 */
export const SECRET_CONFIG_KEYS = ["hybrid.sharedKey", "hybrid.expressRouteAuthorizationKey"] as const;
export type SecretConfigKey = (typeof SECRET_CONFIG_KEYS)[number];

const optionalCidr = z.string().superRefine((v, ctx) => {
    if (v === "") return;
    const r = parseCidr(v);
    if (typeof r === "string") ctx.addIssue({ code: "custom", message: `${r} (or leave it empty)` });
});
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Linux admin user names: 1-32 chars, lowercase, starting with a letter or underscore; Azure rejects a list of
// reserved names (learn.microsoft.com/azure/virtual-machines/linux/faq#what-are-the-username-requirements-when-creating-a-vm-).
const RESERVED_USERNAMES = ["administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a",
    "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql",
    "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5"];
// Azure accepts RSA (2048+ bits) and Ed25519 public keys in OpenSSH format for Linux VMs
// (learn.microsoft.com/azure/virtual-machines/linux/mac-create-ssh-keys#supported-ssh-key-formats).
const SSH_PUBLIC_KEY = /^(ssh-rsa|ssh-ed25519) [A-Za-z0-9+/]+={0,3}( .*)?$/;

const schema = z.strictObject({
    environment: z.enum(ENVIRONMENTS),
    location: z.enum(REGIONS as [string, ...string[]]),
    workload: z.string().regex(WORKLOAD_PATTERN, `must be 2-6 lowercase letters or digits, starting with a letter (${WORKLOAD_PATTERN})`),
    owner: tagValue,
    costCenter: tagValue,
    dataClassification: tagValue,
    protect: bool,
    retainOnDelete: bool,
    zoneRedundant: bool,
    logAnalytics: z.strictObject({
        // PerGB2018 interactive retention: 30-730 days (learn.microsoft.com/azure/azure-monitor/logs/data-retention-configure).
        retentionInDays: int(30, 730),
        // -1 = no daily cap. A cap drops audit data once reached, so it is only for dev cost control.
        dailyQuotaGb: int(-1, 100000).refine((v) => v !== 0, "must be -1 (no cap) or a positive number of GB"),
    }),
    hub: z.strictObject({
        addressSpace: cidr,
        firewallSubnet: cidr,
        bastionSubnet: cidr,
        jumpboxSubnet: cidr,
        privateEndpointSubnet: cidr,
        firewallManagementSubnet: optionalCidr,
        gatewaySubnet: optionalCidr,
        dnsResolverInboundSubnet: optionalCidr,
    }),
    spoke: z.strictObject({
        addressSpace: cidr,
        appGatewaySubnet: cidr,
        apimSubnet: cidr,
        privateEndpointSubnet: cidr,
        functionIntegrationSubnet: cidr,
        containerAppsSubnet: cidr,
    }),
    firewall: z.strictObject({ sku: z.enum(FIREWALL_SKUS) }),
    hybrid: z.strictObject({
        type: z.enum(HYBRID_TYPES),
        sku: z.enum(GATEWAY_SKUS),
        activeActive: bool,
        // Valid ASNs are 1-4294967294; the reserved ones are refused with their reason by lib/crossChecks.ts.
        bgpAsn: int(1, 4294967294),
        onPremisesPrefixes: z.string().transform((v) => v.split(",").map((c) => c.trim()).filter((c) => c !== "")).superRefine((prefixes, ctx) => {
            for (const c of prefixes) {
                const r = parseCidr(c);
                if (typeof r === "string") ctx.addIssue({ code: "custom", message: `has the entry "${c}", which ${r}` });
            }
        }),
        vpnPeerIpAddress: z.string().refine((v) => v === "" || /^\d{1,3}(\.\d{1,3}){3}$/.test(v), "must be the on-premises VPN device's public IPv4 address (or empty)"),
        // 0: the on-premises device does not run BGP (static routes to hybrid.onPremisesPrefixes).
        onPremisesBgpAsn: int(0, 4294967294),
        onPremisesBgpPeeringAddress: z.string().refine((v) => v === "" || /^\d{1,3}(\.\d{1,3}){3}$/.test(v), "must be an IPv4 address (or empty)"),
        expressRouteCircuitId: z.string().refine((v) => v === "" || /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/expressRouteCircuits\/[^/]+$/i.test(v),
            "must be an ExpressRoute circuit resource ID (or empty)"),
    }),
    bastion: z.strictObject({ sku: z.enum(BASTION_SKUS) }),
    apim: z.strictObject({
        sku: z.enum(APIM_SKUS),
        capacity: int(1, 12),
        publisherEmail: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an e-mail address"),
        publisherName: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters"),
        callsPerMinute: int(1, 100000),
    }),
    appGateway: z.strictObject({
        minCapacity: int(0, 125),
        maxCapacity: int(1, 125),
        hostName: z.string().refine((v) => v === "" || /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(v), "must be a lowercase DNS name (or empty)"),
        // A versioned ID pins one certificate version: renewals would need a redeploy (reference defect 5).
        certificateSecretId: z.string().refine((v) => v === "" || /^https:\/\/[a-z0-9-]{3,24}\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]{1,127}$/.test(v),
            "must be a versionless Key Vault secret ID https://<vault>.vault.azure.net/secrets/<name> (or empty)"),
        certificateKeyVaultId: z.string().refine((v) => v === "" || /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.KeyVault\/vaults\/[A-Za-z0-9-]{3,24}$/i.test(v),
            "must be a Key Vault resource ID (or empty)"),
    }),
    jumpbox: z.strictObject({
        enabled: bool,
        vmSize: z.string().regex(/^Standard_[A-Za-z0-9_]+$/, "must be an Azure VM size such as Standard_D2s_v5"),
        adminUsername: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be 1-32 lowercase letters, digits, _ or -, starting with a letter or _")
            .refine((v) => !RESERVED_USERNAMES.includes(v), "is a user name Azure reserves"),
        sshPublicKey: z.string().refine((v) => v === "" || SSH_PUBLIC_KEY.test(v), "must be an OpenSSH ssh-rsa or ssh-ed25519 public key (or empty to generate one)"),
        loginGroupObjectId: z.string().refine((v) => v === "" || GUID.test(v), "must be an Entra ID group object ID (GUID) or empty"),
    }),
    flowLogs: z.strictObject({
        enabled: bool,
        // Flow-log retention in the storage account: 0 (keep forever) or 1-365 days (Network Watcher limit).
        retentionInDays: int(0, 365),
        networkWatcherName: z.string(),
        networkWatcherResourceGroup: z.string().regex(/^[-\w.()]{1,90}$/, "must be a resource group name"),
    }),
    governance: z.strictObject({
        defenderPlans: bool,
        hitrustPolicyAssignment: bool,
    }),
    fhir: z.strictObject({
        tenantId: z.string().refine((v) => v === "" || GUID.test(v), "must be an Entra ID tenant ID (GUID) or empty"),
        corsOrigins: z.string().transform((v) => v.split(",").map((o) => o.trim()).filter((o) => o !== "")).superRefine((origins, ctx) => {
            for (const o of origins) {
                // A wildcard lets any web page read PHI with a signed-in user's token (Azure Policy fe1c9040).
                if (o.includes("*")) ctx.addIssue({ code: "custom", message: `has the wildcard entry "${o}"; list each origin` });
                else if (!CORS_ORIGIN.test(o)) ctx.addIssue({ code: "custom", message: `has the entry "${o}", which must be https://host[:port] (lowercase, no path or trailing slash)` });
            }
        }),
        importMode: z.enum(["incremental", "initial"]),
        dataContributorGroupObjectId: z.string().refine((v) => v === "" || GUID.test(v), "must be an Entra ID group object ID (GUID) or empty"),
        dataReaderGroupObjectId: z.string().refine((v) => v === "" || GUID.test(v), "must be an Entra ID group object ID (GUID) or empty"),
        dicom: bool,
        // Microsoft stopped new MedTech service instances on 2025-05-03 (deprecated; existing instances supported until
        // 2028-05-03): learn.microsoft.com/azure/healthcare-apis/iot/get-started, microsoft/iomt-fhir-client README
        // ("prevention of new instance creation"). ARM would refuse the IoT connector on the first `pulumi up`.
        medtech: bool.refine((v) => !v, "must be false: Azure creates no new MedTech service instances since 2025-05-03 (deprecated; existing instances are supported until 2028-05-03). A program adopting an existing instance can still use FhirWorkspace's medtech args"),
        uploadAnonymizationConfig: bool,
    }),
    bulkLoader: z.strictObject({
        enabled: bool,
        // Dedicated plans with VNet integration and no Azure Files share (components/bulkLoader/constants.ts PLAN_SKUS).
        planSku: z.enum(PLAN_SKU_NAMES as [string, ...string[]]),
        // No query string: a SAS token would be a secret in the upload Run Command's script, which ARM shows.
        packageUrl: z.string().refine((v) => v === "" || PACKAGE_SOURCE_URL.test(v), "must be an https:// URL without query string, fragment or credentials (or empty to upload the package by hand)"),
        packageSha256: z.string().refine((v) => v === "" || /^[0-9a-fA-F]{64}$/.test(v), "must be the 64-hex-digit SHA-256 of the package zip (or empty)"),
        // The FHIR service accepts at most 500 entries per bundle (learn.microsoft.com/azure/healthcare-apis/fhir/fhir-features-supported).
        maxBundleSize: int(1, 500),
        maxResourcesPerBundle: int(1, 500),
        transformBundles: bool,
        maxRetries: int(0, 10),
        // The upload API's own app registration (its Application ID URI, or client ID), never the FHIR audience: a FHIR
        // token must not also write to storage. Empty: no /bulk API on the gateway (uploads from inside the network only).
        uploadAudience: z.string().refine((v) => v === "" || /^(api:\/\/[A-Za-z0-9][A-Za-z0-9._\/-]*|https:\/\/[a-z0-9.-]+(\/[A-Za-z0-9._-]+)*|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.test(v),
            "must be the upload app's Application ID URI (api://... or https://...) or client ID (GUID), or empty for no /bulk API"),
    }),
    analytics: z.strictObject({
        enabled: bool,
        mode: z.enum(MODES),
        // Container Apps job schedules: five-field cron, UTC (learn.microsoft.com/azure/container-apps/jobs#scheduled-jobs).
        schedule: z.string().superRefine((v, ctx) => { for (const message of cronProblems(v)) ctx.addIssue({ code: "custom", message }); }),
        exportScope: z.enum(EXPORT_SCOPES),
        exportGroupId: z.string().refine((v) => v === "" || /^[A-Za-z0-9\-.]{1,64}$/.test(v), "must be a FHIR Group id (1-64 letters, digits, - or .) or empty"),
        // FHIR resource type names for _type, comma-separated; empty exports every type.
        exportTypes: z.string().transform((v) => v.split(",").map((t) => t.trim()).filter((t) => t !== "")).superRefine((types, ctx) => {
            for (const t of types) if (!/^[A-Z][A-Za-z]{1,63}$/.test(t)) ctx.addIssue({ code: "custom", message: `has the entry "${t}", which is not a FHIR resource type name` });
        }),
        // Mode agent's image, imported into the platform registry (AnalyticsSyncArgs agent.image).
        agentImage: z.string().refine((v) => v === "" || REGISTRY_IMAGE.test(v), "must be <registry>.azurecr.io/<repository>:<tag> or @sha256:<digest> (or empty)"),
        synapse: bool,
        synapseAdminGroupObjectId: z.string().refine((v) => v === "" || GUID.test(v), "must be an Entra ID group object ID (GUID) or empty"),
        readerGroupObjectId: z.string().refine((v) => v === "" || GUID.test(v), "must be an Entra ID group object ID (GUID) or empty"),
    }),
    intelligence: z.strictObject({
        enabled: bool,
        userGroupObjectId: z.string().refine((v) => v === "" || GUID.test(v), "must be an Entra ID group object ID (GUID) or empty"),
    }),
});

export type StackConfig = DeepReadonly<z.output<typeof schema>>;
export { ConfigError, isConfigError } from "./keyedConfig";
export type { ConfigProblem } from "./keyedConfig";

/** Validates a flat config map (`"ahds:key" → string`, as Pulumi passes it). Throws ConfigError listing every problem. */
export function parseConfig(flat: Record<string, string>): StackConfig {
    // Secrets never enter the schema (whose messages quote values); they are checked apart, by key only.
    const secrets: Partial<Record<SecretConfigKey, string>> = {};
    for (const k of SECRET_CONFIG_KEYS) { const v = flat[`${NAMESPACE}:${k}`]; if (v !== undefined) secrets[k] = v; }
    return parseKeyedConfig(flat, {
        namespace: NAMESPACE,
        schema,
        declaredIn: "Pulumi.yaml",
        requiredHint: "set it in Pulumi.<stack>.yaml or keep the Pulumi.yaml default",
        crossChecks: (getRaw) => [...crossFieldProblems(getRaw), ...secretConfigProblems(secrets, getRaw)],
        excludedKeys: SECRET_CONFIG_KEYS,
        // A credential in any other (plain) value is refused by key, its value never quoted (lib/keyedConfig.ts).
        secretLookingHints: {
            "jumpbox.sshPublicKey": "the key takes the OpenSSH public key (the .pub file, ssh-rsa or ssh-ed25519), or empty to generate a key pair",
            "bulkLoader.packageUrl": "the key must be an https:// URL without query string, fragment or credentials (no SAS token; or empty to upload the package by hand)",
        },
    });
}

/** Reads and validates the current stack's config from the Pulumi runtime. */
export function loadConfig(): StackConfig {
    return parseConfig(pulumi.runtime.allConfig());
}

/** The stack's secrets as Pulumi secrets (undefined when unset), validated with the rest by loadConfig. */
export interface StackSecrets {
    /** `ahds:hybrid.sharedKey`: the site-to-site VPN's IPsec pre-shared key. */
    vpnSharedKey: pulumi.Output<string> | undefined;
    /** `ahds:hybrid.expressRouteAuthorizationKey`: the authorization key of a circuit in another subscription. */
    expressRouteAuthorizationKey: pulumi.Output<string> | undefined;
}

/** Reads the secret keys with `pulumi.Config#getSecret`, so they enter the program as secrets whatever their source. */
export function loadSecrets(): StackSecrets {
    const config = new pulumi.Config(NAMESPACE);
    return { vpnSharedKey: config.getSecret("hybrid.sharedKey"), expressRouteAuthorizationKey: config.getSecret("hybrid.expressRouteAuthorizationKey") };
}
