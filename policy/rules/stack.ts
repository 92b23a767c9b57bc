import { PolicyResource } from "@pulumi/policy";
import { denyAllRuleSet, dependsOn, enumEquals as same, privateLinksTo, prop as at, resourceKey as key } from "./common";
import { resourceRule, stackRule } from "./define";

/**
 * Stack-level rules: relations between resources (endpoint → store, diagnostic setting → resource, public IP →
 * consumer; subnet → route table in stackRouting.ts). They follow dependencies (`propertyDependencies`), which are known at preview,
 * and fall back to IDs only where those are known.
 */

/** A number, or NaN for anything else (an unknown value is a symbol, which Number() would throw on). */
const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN);

/**
 * Stores that must be reachable only through a private endpoint. Azure AI services accounts (the Language service's
 * text analytics for health reads PHI) take one in group `account`
 * (learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks#use-private-endpoints).
 */
const PE_TARGETS = ["healthcareapis:Workspace", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "eventhub:Namespace", "synapse:Workspace", "web:WebApp", "cognitiveservices:Account"];

/**
 * What may reference a VNet flow-log account without making it more than a flow-log sink: the flow logs writing to it,
 * its own settings and logs, locks, endpoints to it, and role assignments to the identity the flow logs write with.
 * Anything else (a diagnostic setting archiving another resource's logs into it, a container, an app or a role
 * assignment for another principal) may put other data there, PHI included, so the account is a store like any other.
 */
function flowLogSinkOnly(account: PolicyResource, resources: PolicyResource[]): boolean {
    const id = account.props["id"];
    const writesTo = (l: PolicyResource) => dependsOn(l, account, "storageId") || (typeof id === "string" && same(l.props["storageId"], id));
    const flowLogs = resources.filter((r) => key(r) === "network:FlowLog" && writesTo(r));
    if (flowLogs.length === 0) return false;
    // The identities the flow logs write with (none when Network Watcher writes as a trusted Azure service).
    const writers = new Set(flowLogs.flatMap((l) => l.propertyDependencies["identity"] ?? []).filter((d) => key(d) === "managedidentity:UserAssignedIdentity").map((d) => d.urn));
    const only = (r: PolicyResource, props: string[]) => Object.entries(r.propertyDependencies).every(([p, deps]) => props.includes(p) || !deps.some((d) => d.urn === account.urn));
    return resources.filter((r) => key(r) !== "" && r.urn !== account.urn && dependsOn(r, account)).every((r) => {
        switch (key(r)) {
            case "network:FlowLog": return writesTo(r);
            case "network:PrivateEndpoint": return true;
            // The account's own logs and metrics, never another resource's logs archived into it.
            case "monitor:DiagnosticSetting": return only(r, ["resourceUri"]);
            case "storage:BlobServiceProperties": case "storage:ManagementPolicy": return only(r, ["accountName", "resourceGroupName"]);
            case "authorization:ManagementLock": case "authorization:ManagementLockByScope": case "authorization:ManagementLockAtResourceLevel": return true;
            case "authorization:RoleAssignment": {
                const principals = r.propertyDependencies["principalId"] ?? [];
                return principals.length > 0 && principals.every((p) => writers.has(p.urn));
            }
            default: return false;
        }
    });
}

export const phiPrivateEndpointRequired = stackRule<{ exemptFlowLogStorage: boolean }>({
    name: "phi-private-endpoint-required",
    area: "network",
    description: "Every PHI store (Health Data Services workspace, storage account, Key Vault, registry, Event Hubs namespace, Synapse workspace, web app, Azure AI services account) has a private endpoint pointing at it; a storage account that only receives VNet flow logs is not a PHI store.",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n"], azurePolicy: ["64528841", "a6abeaec", "6edd7eda", "e8eef0a8"], checkov: ["CKV2_AZURE_32", "CKV2_AZURE_33"] },
    types: PE_TARGETS,
    remediation: "Add a network:PrivateEndpoint whose privateLinkServiceConnections[] (or manualPrivateLinkServiceConnections[]) privateLinkServiceId is the store's id (and a DNS zone group). A VNet flow-log account (the storageId of a network:FlowLog, used by nothing but flow logs, its own settings and logs, locks and grants to the flow logs' identity) needs none: Network Watcher writes as a trusted Azure service, which has no private-endpoint path, and the account holds flow metadata, not PHI (setting exemptFlowLogStorage, default true).",
    config: { exemptFlowLogStorage: { type: "boolean", default: true } },
    check: (resources, c, report, exempt) => {
        const endpoints = resources.filter((r) => key(r) === "network:PrivateEndpoint");
        const targets = resources.filter((r) => PE_TARGETS.includes(key(r)));
        for (const t of targets) {
            if (exempt(t)) continue;
            // VNet flow logs: Network Watcher writes them as a trusted Azure service, through the public endpoint's
            // trusted-services exception (learn.microsoft.com/azure/storage/common/storage-network-security), which has no
            // private-endpoint path; the account holds flow metadata (5-tuples, byte counts, NSG verdicts;
            // learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview), not PHI, as long as nothing else writes
            // to it (flowLogSinkOnly). storage-no-public-network-access still requires its firewall to deny by default.
            if (c.exemptFlowLogStorage && key(t) === "storage:StorageAccount" && flowLogSinkOnly(t, resources)) continue;
            // Auto-approved or manual-approval connections both put the store behind the endpoint.
            if (privateLinksTo(endpoints, t).length === 0) report(`${key(t)} "${t.name}" has no private endpoint`, t.urn);
        }
    },
});

/**
 * Resources whose audit logs must reach Log Analytics. Besides the stores and the edge: Synapse workspaces (SQL
 * requests, RBAC operations, pipeline and Spark runs), Azure AI services accounts (requests carrying PHI for analysis)
 * and Container Apps environments, whose console and system logs leave only through a diagnostic setting when
 * appLogsConfiguration.destination is "azure-monitor" (learn.microsoft.com/azure/container-apps/log-options,
 * learn.microsoft.com/azure/synapse-analytics/monitor-synapse-analytics, learn.microsoft.com/azure/ai-services/diagnostic-logging).
 */
const AUDITED = [
    "healthcareapis:FhirService", "healthcareapis:DicomService", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "apimanagement:ApiManagementService",
    "network:AzureFirewall", "network:ApplicationGateway", "synapse:Workspace", "cognitiveservices:Account", "app:ManagedEnvironment",
    // VPN and ExpressRoute gateways: tunnel, IKE, route and gateway diagnostic logs (learn.microsoft.com/azure/vpn-gateway/monitor-vpn-gateway).
    "network:VirtualNetworkGateway",
];

export const phiDiagnosticsToLaw = stackRule<Record<string, never>>({
    name: "phi-diagnostics-to-law",
    area: "monitoring",
    description: "Every PHI store, edge service (VPN and ExpressRoute gateways included) and analytics service (Synapse workspace, Azure AI services account, Container Apps environment) sends its logs (allLogs or audit category group) to a Log Analytics workspace; for storage, the blob service's logs.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.aa", "09.ab"], azurePolicy: ["7f89b1eb", "cf820ca0", "91a78b24", "eb2fea88"], checkov: [] },
    types: AUDITED,
    remediation: "Add a monitor:DiagnosticSetting on the resource (storage: on <account>/blobServices/default) with logs [{ categoryGroup: allLogs or audit, enabled: true }] and workspaceId set.",
    check: (resources, _c, report, exempt) => {
        const settings = resources.filter((r) => key(r) === "monitor:DiagnosticSetting").filter((d) => {
            const logs = Array.isArray(d.props["logs"]) ? (d.props["logs"] as Array<Record<string, unknown>>) : [];
            const auditing = logs.some((l) => l["enabled"] === true && ["allLogs", "audit"].includes(String(l["categoryGroup"])));
            return auditing && (d.propertyDependencies["workspaceId"] !== undefined || typeof d.props["workspaceId"] === "string");
        });
        const blobServices = resources.filter((r) => key(r) === "storage:BlobServiceProperties");
        for (const t of resources.filter((r) => AUDITED.includes(key(r)))) {
            if (exempt(t)) continue;
            const covered = settings.some((d) => dependsOn(d, t, "resourceUri"))
                || (key(t) === "storage:StorageAccount" && blobServices.some((b) => dependsOn(b, t, "accountName") && settings.some((d) => dependsOn(d, b, "resourceUri"))));
            if (!covered) report(`${key(t)} "${t.name}" sends no audit logs to Log Analytics`, t.urn);
        }
    },
});

export const publicIpOnlyAtEdge = stackRule<{ allowedConsumers: string[] }>({
    name: "no-public-ip-except-edge",
    area: "network",
    description: "Public IPs exist only on the edge: Application Gateway, Azure Firewall, Bastion, API Management's stv2 management endpoint, and VPN/ExpressRoute gateways; none is orphaned.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n"], azurePolicy: ["83a86a26"], checkov: ["CKV_AZURE_119", "CKV2_AZURE_39"] },
    types: ["network:PublicIPAddress"],
    remediation: "Remove the public IP; reach the resource through the gateway or Bastion.",
    config: { allowedConsumers: { type: "array", items: { type: "string" }, default: ["network:ApplicationGateway", "network:AzureFirewall", "network:BastionHost", "apimanagement:ApiManagementService", "network:VirtualNetworkGateway"] } },
    check: (resources, c, report, exempt) => {
        for (const pip of resources.filter((r) => key(r) === "network:PublicIPAddress")) {
            if (exempt(pip)) continue;
            // Only Azure resources consume an IP; the stack and components merely pass outputs along.
            const consumers = resources.filter((r) => key(r) !== "" && key(r) !== "monitor:DiagnosticSetting" && dependsOn(r, pip));
            if (consumers.length === 0) report(`public IP "${pip.name}" is attached to nothing`, pip.urn);
            for (const cons of consumers.filter((x) => !c.allowedConsumers.includes(key(x)))) report(`public IP "${pip.name}" is used by ${key(cons)} "${cons.name}", which is not an edge service`, pip.urn);
        }
    },
});

/** Stateful resources whose deletion loses PHI or its keys and audit trail. */
const STATEFUL = ["healthcareapis:Workspace", "healthcareapis:FhirService", "healthcareapis:DicomService", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "operationalinsights:Workspace", "synapse:Workspace", "compute:Disk"];

export const statefulProtected = resourceRule<{ requireProtect: boolean }>({
    name: "prod-stateful-protected",
    area: "data-protection",
    description: "In protected stacks (prod), every stateful PHI resource has Pulumi `protect`, so a stray `pulumi destroy` or refactor cannot delete it.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["12.b", "09.l"], azurePolicy: [], checkov: [] },
    types: STATEFUL,
    remediation: "Pass { protect: true } (and retainOnDelete) to stateful resources; the program does so when ahds:protect is true.",
    config: { requireProtect: { type: "boolean", default: true } },
    check: (r, c, report) => { if (c.requireProtect && r.args.opts.protect !== true) report(`${r.typeKey} "${r.name}" is not protected`); },
});

export const eventHubNetworkRestricted = stackRule({
    name: "eventhub-network-restricted",
    area: "event-hubs",
    description: "Event Hubs namespaces disable public network access, or pair it with a network rule set that denies by default and opens no IP or VNet rule (trusted Azure services and private endpoints only).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab"], azurePolicy: ["0602787f", "b8564268"], checkov: [] },
    types: ["eventhub:Namespace", "eventhub:NamespaceNetworkRuleSet"],
    remediation: "Set publicNetworkAccess: \"Disabled\", or add an eventhub:NamespaceNetworkRuleSet { defaultAction: \"Deny\", ipRules: [], virtualNetworkRules: [], trustedServiceAccessEnabled: true } and a private endpoint.",
    check: (resources, _c, report, exempt) => {
        const ruleSets = resources.filter((r) => key(r) === "eventhub:NamespaceNetworkRuleSet");
        for (const ns of resources.filter((r) => key(r) === "eventhub:Namespace")) {
            if (exempt(ns) || same(ns.props["publicNetworkAccess"], "Disabled")) continue;
            const own = ruleSets.filter((s) => dependsOn(s, ns, "namespaceName") || dependsOn(s, ns));
            const closed = own.length > 0 && own.every((s) => same(s.props["publicNetworkAccess"], "Disabled") || denyAllRuleSet(s.props));
            if (!closed) report(`Event Hubs namespace "${ns.name}" is open to public networks (no Disabled public access and no deny-by-default rule set without IP/VNet rules)`, ns.urn);
        }
    },
});

const DEFENDER_PLANS = ["VirtualMachines", "StorageAccounts", "KeyVaults", "AppServices", "Containers", "Arm", "Api", "CloudPosture"];

export const defenderPlansEnabled = stackRule<{ requiredPlans: string[]; platformManaged: boolean }>({
    name: "defender-plans-enabled",
    area: "monitoring",
    description: "The stack enables the Microsoft Defender for Cloud plans that watch its resources (Standard tier; Defender for Storage on the V2 plan with malware scanning), unless the subscription's plans are managed by the platform team.",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: { hitrust: ["09.j", "10.m", "09.ab"], azurePolicy: ["4da35fc9", "640d2586", "0e6763cc", "2913021d", "1c988dd6", "c3d20c29", "7926a6d1", "1f90fc71", "a1181c5f"], checkov: ["CKV_AZURE_19", "CKV_AZURE_55", "CKV_AZURE_61", "CKV_AZURE_84", "CKV_AZURE_85", "CKV_AZURE_86", "CKV_AZURE_87", "CKV_AZURE_234"] },
    types: ["security:Pricing"],
    remediation: "Set ahds:governance.defenderPlans (HubSecurity creates security:Pricing { pricingTier: Standard } per plan), or set platformManaged: true when a landing zone enables them.",
    config: {
        requiredPlans: { type: "array", items: { type: "string" }, default: DEFENDER_PLANS },
        platformManaged: { type: "boolean", default: false },
    },
    check: (resources, c, report) => {
        if (c.platformManaged) return;
        const pricings = resources.filter((r) => key(r) === "security:Pricing" && same(r.props["pricingTier"], "Standard"));
        for (const plan of c.requiredPlans) {
            const p = pricings.find((r) => same(r.props["pricingName"], plan));
            if (p === undefined) report(`Defender plan ${plan} is not enabled (Standard) by this stack`);
            else if (plan === "StorageAccounts" && !same(p.props["subPlan"], "DefenderForStorageV2")) report(`Defender for Storage is not on the DefenderForStorageV2 plan (per-account malware scanning and sensitive-data discovery)`, p.urn);
        }
    },
});

export const vnetFlowLogsCoverage = stackRule<{ minRetentionDays: number }>({
    name: "vnet-flow-logs-coverage",
    area: "monitoring",
    description: "Every VNet has an enabled VNet flow log, kept at least the configured days, with traffic analytics into Log Analytics.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.aa", "09.ab", "09.w", "10.k"], azurePolicy: ["4c3c6c5f", "c251913d", "2f080164"], checkov: ["CKV_AZURE_12"] },
    types: ["network:VirtualNetwork", "network:FlowLog"],
    remediation: "Set ahds:flowLogs.enabled (a network:FlowLog per VNet with retentionPolicy { enabled: true, days } and flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration { enabled: true, workspaceResourceId }).",
    config: { minRetentionDays: { type: "integer", minimum: 1, maximum: 365, default: 90 } },
    check: (resources, c, report, exempt) => {
        const logs = resources.filter((r) => key(r) === "network:FlowLog");
        for (const vnet of resources.filter((r) => key(r) === "network:VirtualNetwork")) {
            if (exempt(vnet)) continue;
            const own = logs.filter((l) => dependsOn(l, vnet, "targetResourceId") || (typeof vnet.props["id"] === "string" && same(l.props["targetResourceId"], vnet.props["id"])));
            if (own.length === 0) { report(`VNet "${vnet.name}" has no flow log`, vnet.urn); continue; }
            const good = own.some((l) => l.props["enabled"] !== false
                && at(l.props, "retentionPolicy.enabled") === true && num(at(l.props, "retentionPolicy.days")) >= c.minRetentionDays
                && at(l.props, "flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration.enabled") === true);
            if (!good) report(`VNet "${vnet.name}" flow log is disabled, kept under ${c.minRetentionDays} days, or has no traffic analytics`, vnet.urn);
        }
    },
});

/** Where each CMK-capable resource names its key (a Key Vault key URL). */
const CMK_PATHS: Record<string, string> = {
    "healthcareapis:FhirService": "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl",
    "healthcareapis:DicomService": "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl",
    "storage:StorageAccount": "encryption.keyVaultProperties.keyVaultUri",
    "containerregistry:Registry": "encryption.keyVaultProperties.keyIdentifier",
    "synapse:Workspace": "encryption.cmk.key.keyVaultUrl",
    "eventhub:Namespace": "encryption.keyVaultProperties",
};
/** Key Vault Crypto Service Encryption User: wrap/unwrap only (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6";

export const cmkKeyInProtectedVault = stackRule({
    name: "cmk-key-in-protected-vault",
    area: "key-vault",
    description: "A customer-managed key encrypting PHI lives in a Key Vault of this stack with purge protection and RBAC, and the encrypting service holds Key Vault Crypto Service Encryption User on it (losing the key loses the data).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["10.g", "12.b", "06.c"], azurePolicy: ["d8cf8476"], checkov: [] },
    types: [...Object.keys(CMK_PATHS), "keyvault:Vault", "keyvault:Key", "authorization:RoleAssignment"],
    remediation: "Create the key in a vault with enablePurgeProtection and enableRbacAuthorization, and grant the service's identity Key Vault Crypto Service Encryption User on the vault or key.",
    check: (resources, _c, report, exempt) => {
        const vaults = resources.filter((r) => key(r) === "keyvault:Vault");
        const keys = resources.filter((r) => key(r) === "keyvault:Key");
        const grants = resources.filter((r) => key(r) === "authorization:RoleAssignment" && String(r.props["roleDefinitionId"] ?? "").toLowerCase().endsWith(CRYPTO_SERVICE_ENCRYPTION_USER));
        for (const r of resources) {
            const path = CMK_PATHS[key(r)];
            if (path === undefined || exempt(r)) continue;
            const deps = r.propertyDependencies["encryption"] ?? [];
            const url = at(r.props, path);
            if (url === undefined && deps.length === 0) continue;
            const host = (JSON.stringify(url ?? "") ?? "").match(/https:\/\/([a-z0-9-]+)\.vault\.azure\.net/i)?.[1];
            const vaultOf = (k: PolicyResource) => vaults.filter((v) => dependsOn(k, v, "vaultName"));
            const used = [
                ...deps.filter((d) => key(d) === "keyvault:Vault"),
                ...deps.filter((d) => key(d) === "keyvault:Key").flatMap(vaultOf),
                ...(host === undefined ? [] : vaults.filter((v) => same(v.props["vaultName"], host) || same(v.props["name"], host))),
            ];
            if (used.length === 0) continue; // a key outside this stack: its vault is governed where it is deployed
            for (const v of new Set(used)) {
                if (at(v.props, "properties.enablePurgeProtection") !== true || at(v.props, "properties.enableRbacAuthorization") !== true) report(`${key(r)} "${r.name}" encrypts with a key in Key Vault "${v.name}", which lacks purge protection or RBAC`, r.urn);
                const scoped = [v, ...keys.filter((k) => dependsOn(k, v, "vaultName"))];
                // The grant's principal is the service itself (system identity) or a user-assigned identity it uses.
                const principals = [r, ...(r.propertyDependencies["identity"] ?? [])];
                if (!grants.some((g) => scoped.some((s) => dependsOn(g, s, "scope")) && principals.some((p) => dependsOn(g, p, "principalId")))) report(`${key(r)} "${r.name}" has no Key Vault Crypto Service Encryption User grant on "${v.name}"`, r.urn);
            }
        }
    },
});
