import { expect } from "chai";
import { policies } from "../policy/policies";
import { RecordedResource } from "../lib/offline/mocks";
import { PolicySession, Violation } from "../lib/offline/policyHost";
import { closeSharedPolicySessions, sharedPolicySession } from "../lib/offline/policySessions";
import { sharedProgramRun } from "../lib/offline/run";

/**
 * Mutation suite: the captured dev and prod graphs, each changed in one insecure way, sent through the pack the way
 * the engine sends them (own process, analyzer gRPC, the stack's policy config). Every change must come back as a
 * mandatory violation of the rule family it breaks. dev is the update-mode graph (every value known); prod is the
 * preview-mode graph (outputs unknown), so stack rules are shown to decide from inputs and dependencies.
 */

type Obj = Record<string, unknown>;
type Resources = RecordedResource[];

interface Mutation {
    /** What a careless change would do, in words. */
    change: string;
    stack: "dev" | "prod";
    /** The policy that must report it as mandatory. */
    rule: string;
    apply: (rs: Resources) => Resources;
}

const PREVIEW: Record<Mutation["stack"], boolean> = { dev: false, prod: true };

const find = (rs: Resources, name: string): RecordedResource => {
    const r = rs.find((x) => x.name === name && x.custom);
    if (r === undefined) throw new Error(`no resource named ${name} in the graph`);
    return r;
};
const obj = (v: unknown): Obj => (typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);

/**
 * Returns a copy of the graph with resource `name`'s inputs changed by `edit` (which mutates a deep copy). Stack
 * rules read outputs, which echo the inputs, so the changed properties are carried into the outputs too, as the
 * provider would report them.
 */
const editInputs = (name: string, edit: (inputs: Obj, rs: Resources) => void) => (rs: Resources): Resources => rs.map((r) => {
    if (r.name !== name || !r.custom) return r;
    const inputs = structuredClone(r.inputs);
    edit(inputs, rs);
    const outputs: Obj = { ...r.outputs };
    for (const k of new Set([...Object.keys(r.inputs), ...Object.keys(inputs)])) {
        if (k in inputs) outputs[k] = inputs[k];
        else delete outputs[k];
    }
    return { ...r, inputs, outputs };
});
const set = (name: string, key: string, value: unknown) => editInputs(name, (i) => { i[key] = value; });
const setIn = (name: string, parent: string, key: string, value: unknown) => editInputs(name, (i) => { i[parent] = { ...obj(i[parent]), [key]: value }; });
const subnet = (inputs: Obj, subnetName: string): Obj => {
    const s = list(inputs["subnets"]).find((x) => x["name"] === subnetName);
    if (s === undefined) throw new Error(`no subnet ${subnetName}`);
    return s;
};
/** Removes resources (and every reference to them), as if the program no longer declared them. */
const without = (drop: (r: RecordedResource) => boolean) => (rs: Resources): Resources => {
    const gone = new Set(rs.filter(drop).map((r) => r.urn));
    if (gone.size === 0) throw new Error("mutation removes nothing");
    const refers = (r: RecordedResource) => [...r.dependencies, ...Object.values(r.propertyDependencies).flat()].some((u) => gone.has(u));
    return rs.filter((r) => !gone.has(r.urn)).map((r) => (!refers(r) ? r : {
        ...r,
        dependencies: r.dependencies.filter((u) => !gone.has(u)),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.filter((u) => !gone.has(u))])),
    }));
};
const named = (name: string) => (r: RecordedResource) => r.name === name;
const APIM_TLS10 = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10";

const MUTATIONS: Mutation[] = [
    // Storage
    { change: "the analytics lake's firewall opens an IP range to the internet", stack: "prod", rule: "storage-no-public-network-access",
        apply: editInputs("analytics-lake", (i) => { i["networkRuleSet"] = { ...obj(i["networkRuleSet"]), ipRules: [{ iPAddressOrRange: "203.0.113.0/24" }] }; }) },
    { change: "the import account's firewall allows by default", stack: "dev", rule: "storage-network-default-deny", apply: editInputs("fhir-st-imp", (i) => { i["networkRuleSet"] = { ...obj(i["networkRuleSet"]), defaultAction: "Allow" }; }) },
    // At a first preview (prod runs as one) the accounts' instance IDs are unknown; the firewall's other fields are not,
    // so an open firewall is caught before the pull request merges, not only at `pulumi up`.
    { change: "at a first preview, the import account's firewall allows by default", stack: "prod", rule: "storage-network-default-deny", apply: editInputs("fhir-st-imp", (i) => { i["networkRuleSet"] = { ...obj(i["networkRuleSet"]), defaultAction: "Allow" }; }) },
    { change: "at a first preview, the analytics lake's firewall admits every network", stack: "prod", rule: "storage-no-public-network-access", apply: editInputs("analytics-lake", (i) => { i["networkRuleSet"] = { ...obj(i["networkRuleSet"]), defaultAction: "Allow" }; }) },
    { change: "the import account's firewall names only the workspace, not its FHIR service", stack: "dev", rule: "fhir-storage-trusted-instance",
        apply: editInputs("fhir-st-imp", (i) => { const set = obj(i["networkRuleSet"]); i["networkRuleSet"] = { ...set, resourceAccessRules: list(set["resourceAccessRules"]).slice(0, 1) }; }) },
    { change: "the flow-log account accepts HTTP", stack: "prod", rule: "storage-https-only", apply: set("hub-st-flowlogs", "enableHttpsTrafficOnly", false) },
    { change: "the analytics lake accepts TLS 1.0", stack: "dev", rule: "storage-min-tls-1-2", apply: set("analytics-lake", "minimumTlsVersion", "TLS1_0") },
    { change: "the lake's raw (export) container is made public", stack: "prod", rule: "storage-no-public-blob", apply: set("analytics-lake-raw", "publicAccess", "Blob") },
    { change: "the import account allows anonymous blob access", stack: "dev", rule: "storage-no-public-blob", apply: set("fhir-st-imp", "allowBlobPublicAccess", true) },
    { change: "shared keys are re-enabled on the import account", stack: "dev", rule: "storage-no-shared-key", apply: set("fhir-st-imp", "allowSharedKeyAccess", true) },
    { change: "cross-tenant object replication is allowed", stack: "prod", rule: "storage-no-cross-tenant-replication", apply: set("fhir-st-imp", "allowCrossTenantReplication", true) },
    { change: "infrastructure (double) encryption is dropped", stack: "dev", rule: "storage-infrastructure-encryption", apply: editInputs("analytics-lake", (i) => { i["encryption"] = { ...obj(i["encryption"]), requireInfrastructureEncryption: false }; }) },
    { change: "blob versioning is switched off on the import account", stack: "prod", rule: "storage-blob-versioning", apply: set("fhir-st-imp-blob", "isVersioningEnabled", false) },
    { change: "soft-deleted blobs of the lake may be purged at once (permanent delete)", stack: "dev", rule: "storage-blob-recovery", apply: setIn("analytics-lake-blob", "deleteRetentionPolicy", "allowPermanentDelete", true) },
    // Key Vault
    { change: "purge protection is switched off", stack: "prod", rule: "keyvault-purge-protection", apply: editInputs("hub-kv", (i) => { i["properties"] = { ...obj(i["properties"]), enablePurgeProtection: false }; }) },
    { change: "the vault goes back to access policies", stack: "dev", rule: "keyvault-rbac-authorization", apply: editInputs("hub-kv", (i) => { i["properties"] = { ...obj(i["properties"]), enableRbacAuthorization: false }; }) },
    { change: "the vault allows public network access", stack: "prod", rule: "keyvault-network-locked-down", apply: editInputs("hub-kv", (i) => { i["properties"] = { ...obj(i["properties"]), publicNetworkAccess: "Enabled" }; }) },
    // Network
    { change: "the private-endpoint subnet loses its NSG", stack: "dev", rule: "subnet-has-nsg", apply: editInputs("spoke-vnet", (i) => { delete subnet(i, "snet-private-endpoints")["networkSecurityGroup"]; }) },
    { change: "the VPN gateway's GatewaySubnet gets an NSG", stack: "prod", rule: "gateway-subnet-no-nsg",
        apply: editInputs("hub-vnet", (i) => { subnet(i, "GatewaySubnet")["networkSecurityGroup"] = obj(subnet(i, "snet-jumpbox")["networkSecurityGroup"]); }) },
    // Hybrid connectivity (prod's site-to-site VPN)
    { change: "GatewaySubnet sends the spoke straight into the VNet instead of the firewall", stack: "prod", rule: "gateway-subnet-via-firewall",
        apply: editInputs("hub-rt-gateway", (i) => { const r = list(i["routes"])[0]; if (r !== undefined) { r["nextHopType"] = "VnetLocal"; delete r["nextHopIpAddress"]; } }) },
    { change: "GatewaySubnet's route table disables BGP propagation", stack: "prod", rule: "gateway-subnet-via-firewall", apply: set("hub-rt-gateway", "disableBgpRoutePropagation", true) },
    { change: "the VPN gateway runs a non-zone-redundant SKU", stack: "prod", rule: "gateway-zone-redundant", apply: set("hub-vgw", "sku", { name: "VpnGw2", tier: "VpnGw2" }) },
    { change: "the DNS resolver's subnet loses its delegation (and with it the exemption)", stack: "prod", rule: "subnet-egress-via-firewall",
        apply: editInputs("hub-vnet", (i) => { delete subnet(i, "snet-dns-inbound")["delegations"]; }) },
    { change: "the APIM subnet regains default outbound access", stack: "dev", rule: "subnet-no-default-outbound", apply: editInputs("spoke-vnet", (i) => { subnet(i, "snet-apim")["defaultOutboundAccess"] = true; }) },
    { change: "the jumpbox NSG allows SSH from the internet", stack: "prod", rule: "nsg-no-internet-mgmt-ports",
        apply: editInputs("hub-nsg-jumpbox", (i) => { i["securityRules"] = [...list(i["securityRules"]), { name: "ssh-anywhere", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "Internet", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" }]; }) },
    { change: "the private-endpoint NSG allows RDP from 0.0.0.0/0", stack: "dev", rule: "nsg-no-internet-mgmt-ports",
        apply: editInputs("spoke-nsg-privateEndpoints", (i) => { i["securityRules"] = [...list(i["securityRules"]), { name: "rdp", priority: 110, direction: "Inbound", access: "Allow", protocol: "*", sourceAddressPrefix: "0.0.0.0/0", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRanges: ["3000-4000"] }]; }) },
    { change: "the jumpbox NIC gets a public IP", stack: "dev", rule: "nic-no-public-ip",
        apply: editInputs("hub-jumpbox-nic", (i) => { const ip = list(i["ipConfigurations"])[0]; if (ip !== undefined) ip["publicIPAddress"] = { id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/publicIPAddresses/pip-jump" }; }) },
    { change: "the private-endpoint subnet's default route goes straight to the internet", stack: "prod", rule: "route-default-via-firewall",
        apply: editInputs("spoke-rt-privateEndpoints", (i) => { const d = list(i["routes"]).find((r) => r["addressPrefix"] === "0.0.0.0/0"); if (d !== undefined) { d["nextHopType"] = "Internet"; delete d["nextHopIpAddress"]; } }) },
    { change: "BGP may override the spoke's default route", stack: "dev", rule: "route-default-via-firewall", apply: set("spoke-rt-apim", "disableBgpRoutePropagation", false) },
    { change: "the private-endpoint route table sends the IPv6 default (::/0) straight to the internet", stack: "prod", rule: "route-default-via-firewall",
        apply: editInputs("spoke-rt-privateEndpoints", (i) => { i["routes"] = [...list(i["routes"]), { name: "default-v6", addressPrefix: "::/0", nextHopType: "Internet" }]; }) },
    // Firewall
    { change: "the firewall drops its policy for classic rules", stack: "dev", rule: "firewall-uses-policy",
        apply: editInputs("hub-afw", (i) => { delete i["firewallPolicy"]; i["networkRuleCollections"] = [{ name: "allow-all", priority: 100, action: { type: "Allow" }, rules: [{ name: "any", sourceAddresses: ["*"], destinationAddresses: ["*"], destinationPorts: ["*"], protocols: ["Any"] }] }]; }) },
    { change: "threat intelligence only alerts", stack: "prod", rule: "firewall-threat-intel-deny", apply: set("hub-afwp", "threatIntelMode", "Alert") },
    { change: "IDPS only alerts", stack: "prod", rule: "firewall-premium-idps", apply: setIn("hub-afwp", "intrusionDetection", "mode", "Alert") },
    // Application Gateway + WAF
    { change: "the gateway moves to Standard_v2 (no WAF)", stack: "dev", rule: "appgw-waf-policy-attached", apply: editInputs("ingress-agw", (i) => { i["sku"] = { name: "Standard_v2", tier: "Standard_v2", capacity: 1 }; delete i["firewallPolicy"]; }) },
    { change: "the WAF is put in Detection mode", stack: "prod", rule: "waf-prevention-mode", apply: setIn("ingress-waf", "policySettings", "mode", "Detection") },
    { change: "the WAF overrides DRS's Java group without listing rules (which disables the group, Log4Shell's 944240 included)", stack: "prod", rule: "waf-prevention-mode",
        apply: editInputs("ingress-waf", (i) => { const set = list(obj(i["managedRules"])["managedRuleSets"])[0]; if (set !== undefined) set["ruleGroupOverrides"] = [...list(set["ruleGroupOverrides"]), { ruleGroupName: "JAVA" }]; }) },
    { change: "the WAF only logs Log4Shell (944240 overridden to action Log)", stack: "dev", rule: "waf-prevention-mode",
        apply: editInputs("ingress-waf", (i) => { const set = list(obj(i["managedRules"])["managedRuleSets"])[0]; if (set !== undefined) set["ruleGroupOverrides"] = [...list(set["ruleGroupOverrides"]), { ruleGroupName: "JAVA", rules: [{ ruleId: "944240", state: "Enabled", action: "Log" }] }]; }) },
    { change: "the WAF's unpublished-path rule admits only /fhir/..., not the FHIR base /fhir", stack: "prod", rule: "waf-admits-routed-paths",
        apply: editInputs("ingress-waf", (i) => { i["customRules"] = list(i["customRules"]).map((r) => (r["name"] !== "BlockUnpublishedPaths" ? r : { ...r, matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: ["/fhir/"], transforms: ["Lowercase"] }] })); }) },
    { change: "the gateway uses a TLS 1.0 SSL policy", stack: "dev", rule: "appgw-tls-min-1-2", apply: set("ingress-agw", "sslPolicy", { policyType: "Predefined", policyName: "AppGwSslPolicy20150501" }) },
    { change: "an SSL profile for legacy clients brings TLS 1.0 back", stack: "prod", rule: "appgw-tls-min-1-2", apply: set("ingress-agw", "sslProfiles", [{ name: "legacy-clients", sslPolicy: { policyType: "Predefined", policyName: "AppGwSslPolicy20150501" } }]) },
    { change: "the HTTP listener redirects to an http:// URL", stack: "dev", rule: "appgw-https-end-to-end",
        apply: editInputs("ingress-agw", (i) => { for (const c of list(i["redirectConfigurations"])) { delete c["targetListener"]; c["targetUrl"] = "http://fhir.example.org/"; } }) },
    { change: "the gateway calls APIM over HTTP", stack: "prod", rule: "appgw-https-end-to-end",
        apply: editInputs("ingress-agw", (i) => { for (const s of list(i["backendHttpSettingsCollection"])) { s["protocol"] = "Http"; s["port"] = 80; } }) },
    // API Management
    { change: "APIM is switched to External VNet mode", stack: "dev", rule: "apim-vnet-internal", apply: set("ingress-apim", "virtualNetworkType", "External") },
    { change: "APIM re-enables TLS 1.0 for clients", stack: "prod", rule: "apim-tls-1-2", apply: setIn("ingress-apim", "customProperties", APIM_TLS10, "True") },
    { change: "APIM drops its minimum control-plane API version", stack: "dev", rule: "apim-min-api-version", apply: editInputs("ingress-apim", (i) => { delete i["apiVersionConstraint"]; }) },
    { change: "the FHIR API also accepts HTTP", stack: "prod", rule: "apim-api-https-only", apply: set("ingress-api-fhir", "protocols", ["http", "https"]) },
    { change: "the FHIR API policy calls its backend with APIM's managed identity before validate-jwt (anonymous callers act as APIM)", stack: "dev", rule: "apim-managed-identity-requires-jwt",
        apply: editInputs("ingress-api-fhir-policy", (i) => { i["value"] = String(i["value"]).replace("<inbound>", "<inbound>\n    <authentication-managed-identity resource=\"https://storage.azure.com/\" />"); }) },
    // Bulk loader (issue 15): the function app, its settings and publishing policies, its storage and its Event Grid delivery.
    { change: "the loader's function app routes only application traffic through the VNet (content share, image pull, backup/restore go public)", stack: "dev", rule: "appservice-vnet-integration-route-all",
        apply: set("bulk-func", "outboundVnetRouting", { applicationTraffic: true }) },
    { change: "the loader's function app loses its VNet integration", stack: "prod", rule: "appservice-vnet-integration-route-all", apply: editInputs("bulk-func", (i) => { delete i["virtualNetworkSubnetId"]; }) },
    { change: "the Functions host reaches its storage with a connection string (account key) instead of AzureWebJobsStorage__accountName", stack: "dev", rule: "appservice-no-key-settings",
        apply: editInputs("bulk-func", (i) => { const sc = obj(i["siteConfig"]); sc["appSettings"] = list(sc["appSettings"]).map((x) => (x["name"] === "AzureWebJobsStorage__accountName" ? { name: "AzureWebJobsStorage", value: "DefaultEndpointsProtocol=https;AccountName=stahdsdevblk;AccountKey=bm90LWEta2V5;EndpointSuffix=core.windows.net" } : x)); }) },
    { change: "the loader's package URL carries a SAS token instead of being fetched with the app's identity", stack: "prod", rule: "appservice-no-key-settings",
        apply: editInputs("bulk-func", (i) => { const sc = obj(i["siteConfig"]); sc["appSettings"] = list(sc["appSettings"]).map((x) => (x["name"] === "WEBSITE_RUN_FROM_PACKAGE" ? { ...x, value: "https://stahdsprodblk.blob.core.windows.net/function-packages/fhir-loader.zip?sv=2022-11-02&sr=b&sp=r&sig=bm90" } : x)); }) },
    { change: "the loader calls FHIR with a client secret (FS-SECRET) instead of its managed identity", stack: "prod", rule: "appservice-no-key-settings",
        apply: editInputs("bulk-func", (i) => { const sc = obj(i["siteConfig"]); sc["appSettings"] = [...list(sc["appSettings"]).filter((x) => x["name"] !== "FS-ISMSI"), { name: "FS-ISMSI", value: "false" }, { name: "FS-SECRET", value: "bm90LWEtc2VjcmV0" }]; }) },
    { change: "the loader's SCM basic publishing policy is dropped (Azure then allows basic-auth deployment)", stack: "dev", rule: "appservice-basic-publishing-off", apply: without(named("bulk-func-scm")) },
    { change: "the loader's FTP basic publishing credentials are allowed", stack: "prod", rule: "appservice-ftp-disabled", apply: set("bulk-func-ftp", "allow", true) },
    { change: "the loader's function app accepts public network traffic", stack: "dev", rule: "appservice-public-network-disabled", apply: set("bulk-func", "publicNetworkAccess", "Enabled") },
    { change: "the loader's function app loses its private endpoint", stack: "dev", rule: "phi-private-endpoint-required", apply: without((r) => r.name.startsWith("bulk-func-pep-spoke")) },
    { change: "the loader account re-enables shared keys", stack: "prod", rule: "storage-no-shared-key", apply: set("bulk-st", "allowSharedKeyAccess", true) },
    { change: "blob-created events reach the loader's queue with Event Grid's own identity (destination) instead of the topic's", stack: "dev", rule: "eventgrid-identity-delivery",
        apply: editInputs("bulk-egst-bundles", (i) => { i["destination"] = obj(i["deliveryWithResourceIdentity"])["destination"]; delete i["deliveryWithResourceIdentity"]; }) },
    { change: "undeliverable NDJSON events are dead-lettered with Event Grid's own identity (deadLetterDestination)", stack: "prod", rule: "eventgrid-identity-delivery",
        apply: editInputs("bulk-egst-ndjson", (i) => { i["deadLetterDestination"] = obj(i["deadLetterWithResourceIdentity"])["deadLetterDestination"]; delete i["deadLetterWithResourceIdentity"]; }) },
    { change: "the loader account's system topic loses its managed identity while its subscriptions deliver with it", stack: "prod", rule: "eventgrid-topic-identity", apply: editInputs("bulk-egst", (i) => { delete i["identity"]; }) },
    // Container Registry
    { change: "the registry admin user is enabled", stack: "dev", rule: "acr-no-local-or-anonymous-auth", apply: set("fhir-acr", "adminUserEnabled", true) },
    { change: "the registry allows public network access", stack: "prod", rule: "acr-private-only", apply: set("fhir-acr", "publicNetworkAccess", "Enabled") },
    // Compute
    { change: "the jumpbox loses encryption at host", stack: "dev", rule: "vm-encryption-at-host", apply: editInputs("hub-jumpbox", (i) => { i["securityProfile"] = { ...obj(i["securityProfile"]), encryptionAtHost: false }; }) },
    { change: "the jumpbox allows SSH passwords", stack: "prod", rule: "vm-ssh-key-only",
        apply: editInputs("hub-jumpbox", (i) => { const os = obj(i["osProfile"]); os["linuxConfiguration"] = { ...obj(os["linuxConfiguration"]), disablePasswordAuthentication: false }; i["osProfile"] = os; }) },
    // Monitoring
    { change: "Log Analytics keeps 30 days", stack: "prod", rule: "law-retention-and-local-auth", apply: set("law", "retentionInDays", 30) },
    { change: "Log Analytics accepts shared keys", stack: "dev", rule: "law-retention-and-local-auth", apply: set("law", "features", { disableLocalAuth: false }) },
    // Health Data Services
    { change: "FHIR CORS allows every origin", stack: "prod", rule: "fhir-cors-no-wildcard", apply: set("fhir-fhir", "corsConfiguration", { origins: ["*"], headers: ["*"], methods: ["GET"] }) },
    { change: "FHIR trusts a non-Entra token authority", stack: "dev", rule: "fhir-authority-entra-tenant", apply: setIn("fhir-fhir", "authenticationConfiguration", "authority", "https://sts.example.org") },
    { change: "FHIR stops keeping resource history", stack: "prod", rule: "fhir-resource-versioning", apply: set("fhir-fhir", "resourceVersionPolicyConfiguration", { default: "no-version" }) },
    // Event Hubs: no stack has a namespace since MedTech is off (Azure takes no new instances); the rules keep their
    // cases in policyRules.spec.ts and policyStack.spec.ts.
    // Container Apps pulls from the platform registry
    { change: "the platform registry refuses ARM-audience tokens, which the export job's identity pull uses", stack: "dev", rule: "containerapp-registry-arm-tokens",
        apply: set("fhir-acr", "policies", { exportPolicy: { status: "disabled" }, azureADAuthenticationAsArmPolicy: { status: "disabled" } }) },
    // The lake's rules are unknown at this preview (built from the resource group's output, and an unknown one may be
    // the workspace's), so they are written out by hand: the Synapse workspace's ID as ARM spells it.
    { change: "the lake names the Synapse workspace with ARM's resourceGroups, which serverless SQL does not match", stack: "prod", rule: "synapse-lake-trusted-workspace",
        apply: editInputs("analytics-lake", (i) => {
            const armId = "/subscriptions/00000000-0000-0000-0000-00000000a0d5/resourceGroups/rg-ahds-prod-weu-data/providers/Microsoft.Synapse/workspaces/synw-ahds-prod-a1b7c";
            i["networkRuleSet"] = { ...obj(i["networkRuleSet"]), resourceAccessRules: [{ resourceId: armId, tenantId: "11111111-1111-1111-1111-11111111a0d5" }] };
        }) },
    // Governance and data protection
    { change: "the FHIR workspace loses its owner tag", stack: "dev", rule: "required-tags", apply: editInputs("fhir-ws", (i) => { i["tags"] = { ...obj(i["tags"]) }; delete obj(i["tags"])["owner"]; }) },
    { change: "the prod FHIR service is not protected", stack: "prod", rule: "prod-stateful-protected", apply: (rs) => rs.map((r) => (r.name === "fhir-fhir" ? { ...r, protect: false } : r)) },
    { change: "the prod analytics lake is not protected", stack: "prod", rule: "prod-stateful-protected", apply: (rs) => rs.map((r) => (r.name === "analytics-lake" ? { ...r, protect: false } : r)) },
    // Stack-level
    { change: "the registry's private endpoint is removed", stack: "prod", rule: "phi-private-endpoint-required", apply: without((r) => r.name.startsWith("fhir-acr-pep-registry")) },
    { change: "the FHIR workspace's private endpoint is removed", stack: "dev", rule: "phi-private-endpoint-required", apply: without((r) => r.name.startsWith("fhir-ws-pep-spoke")) },
    { change: "the Key Vault's diagnostic setting is removed", stack: "dev", rule: "phi-diagnostics-to-law",
        apply: (rs) => without((r) => r.type === "azure-native:monitor:DiagnosticSetting" && (r.propertyDependencies["resourceUri"] ?? []).includes(find(rs, "hub-kv").urn))(rs) },
    { change: "the FHIR service's audit logs are removed", stack: "prod", rule: "phi-diagnostics-to-law", apply: without(named("fhir-fhir-diag-law")) },
    { change: "a public IP is attached to the jumpbox NIC", stack: "prod", rule: "no-public-ip-except-edge",
        apply: (rs) => rs.map((r) => (r.name === "hub-jumpbox-nic" ? { ...r, dependencies: [...r.dependencies, find(rs, "hub-pip-bas").urn] } : r)) },
    { change: "the function-integration subnet loses its route table", stack: "dev", rule: "subnet-egress-via-firewall", apply: editInputs("spoke-vnet", (i) => { delete subnet(i, "snet-func-integration")["routeTable"]; }) },
    { change: "the hub jumpbox subnet loses its route table", stack: "prod", rule: "subnet-egress-via-firewall", apply: editInputs("hub-vnet", (i) => { delete subnet(i, "snet-jumpbox")["routeTable"]; }) },
    { change: "the private-endpoint subnet's table also sends ::/0 to the internet (its IPv6 traffic bypasses the firewall)", stack: "dev", rule: "subnet-egress-via-firewall",
        apply: editInputs("spoke-rt-privateEndpoints", (i) => { i["routes"] = [...list(i["routes"]), { name: "default-v6", addressPrefix: "::/0", nextHopType: "Internet" }]; }) },
    { change: "the spoke VNet's flow log is removed", stack: "prod", rule: "vnet-flow-logs-coverage", apply: without(named("spoke-vnet-flowlog")) },
    { change: "the flow logs stop traffic analytics", stack: "prod", rule: "vnet-flow-logs-coverage", apply: editInputs("hub-vnet-flowlog", (i) => { i["flowAnalyticsConfiguration"] = { networkWatcherFlowAnalyticsConfiguration: { enabled: false } }; }) },
    { change: "Defender for Key Vault is dropped", stack: "prod", rule: "defender-plans-enabled", apply: without(named("hub-defender-KeyVaults")) },
    { change: "the analytics lake is encrypted with a key from the hub vault, whose purge protection is then switched off", stack: "prod", rule: "cmk-key-in-protected-vault",
        apply: (rs) => {
            const vault = find(rs, "hub-kv");
            const withCmk = editInputs("analytics-lake", (i) => { i["encryption"] = { ...obj(i["encryption"]), keySource: "Microsoft.Keyvault", keyVaultProperties: { keyName: "cmk", keyVaultUri: "https://kv-ahds-prod.vault.azure.net/" } }; })(rs)
                .map((r) => (r.name === "analytics-lake" ? { ...r, propertyDependencies: { ...r.propertyDependencies, encryption: [vault.urn] } } : r));
            return editInputs("hub-kv", (i) => { i["properties"] = { ...obj(i["properties"]), enablePurgeProtection: false }; })(withCmk);
        } },
];

// Start both stacks' pack processes while mocha loads the specs, so their start-up (seconds of module loading in the
// child) overlaps the suites that run first instead of adding to the wall time.
const SESSIONS = { dev: sharedPolicySession("dev", PREVIEW.dev), prod: sharedPolicySession("prod", PREVIEW.prod) };
after(closeSharedPolicySessions);

describe("policy mutation suite (captured graphs, analyzer protocol)", function () {
    const sessions: Partial<Record<Mutation["stack"], PolicySession>> = {};
    const graphs: Partial<Record<Mutation["stack"], Resources>> = {};

    before(async () => {
        for (const stack of ["dev", "prod"] as const) graphs[stack] = [...(await sharedProgramRun(stack, PREVIEW[stack])).graph.resources];
        [sessions.dev, sessions.prod] = await Promise.all([SESSIONS.dev, SESSIONS.prod]);
    });

    const stackLevel = new Set(policies.filter((p) => "validateStack" in p).map((p) => p.name));

    /**
     * Analyze (resource-level) every resource the mutation changed or added; AnalyzeStack over the whole mutated graph
     * when the targeted rule is stack-level (unchanged resources would give the same resource-level answers as the
     * baseline, so they are not re-sent).
     */
    async function evaluate(stack: Mutation["stack"], mutated: Resources, rules: Set<string>): Promise<Violation[]> {
        const session = sessions[stack] as PolicySession;
        const before = new Map((graphs[stack] as Resources).map((r) => [r.urn, r]));
        const changed = mutated.filter((r) => before.get(r.urn) !== r);
        const stackViolations = [...rules].some((r) => stackLevel.has(r)) ? await session.analyzeStack(mutated) : [];
        return [...await session.analyze(changed), ...stackViolations];
    }

    it(`has at least 40 insecure changes, covering every rule family the graphs can express`, () => {
        expect(MUTATIONS.length).to.be.at.least(40);
        expect(new Set(MUTATIONS.map((m) => m.rule)).size).to.be.at.least(40);
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`the unmodified ${stack} graph draws no mandatory violation from the rules the mutations target`, async () => {
            const graph = graphs[stack] as Resources;
            const own = MUTATIONS.filter((m) => m.stack === stack);
            const targeted = new Set(own.map((m) => m.rule));
            // The original of every resource some mutation changes, re-sent as if changed, plus the whole graph's stack analysis.
            const touched = new Set(own.flatMap((m) => m.apply(graph).filter((r, i) => r !== graph[i]).map((r) => r.urn)));
            const resent = graph.map((r) => (touched.has(r.urn) ? { ...r } : r));
            const found = (await evaluate(stack, resent, targeted)).filter((v) => v.enforcementLevel === "mandatory" && targeted.has(v.policy));
            expect(touched.size).to.be.greaterThan(10);
            expect(found).to.deep.equal([]);
        });
    }

    // Every mutation is sent up front: the dev and prod pack processes work in parallel, each answering its requests in
    // turn while this process serializes the next graph; each case awaits its own answer.
    const answers = new Map<Mutation, Promise<{ changed: boolean; violations: Violation[] }>>();
    before(() => {
        for (const m of MUTATIONS) {
            const graph = graphs[m.stack] as Resources;
            const mutated = m.apply(graph);
            const changed = mutated.length !== graph.length || mutated.some((r, i) => r !== graph[i]);
            const answer = evaluate(m.stack, mutated, new Set([m.rule])).then((violations) => ({ changed, violations }));
            answer.catch(() => undefined);
            answers.set(m, answer);
        }
    });

    for (const m of MUTATIONS) {
        it(`${m.stack}: ${m.change} → ${m.rule} (mandatory)`, async () => {
            const { changed, violations } = await (answers.get(m) as Promise<{ changed: boolean; violations: Violation[] }>);
            expect(changed, "the mutation changed nothing").to.equal(true);
            const hits = violations.filter((v) => v.policy === m.rule);
            expect(hits, `no ${m.rule} violation; got ${JSON.stringify(violations.map((v) => v.policy))}`).to.have.length.greaterThan(0);
            for (const v of hits) expect(v.enforcementLevel, v.message).to.equal("mandatory");
        });
    }
});
