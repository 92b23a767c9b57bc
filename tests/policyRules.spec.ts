import { expect } from "chai";
import { ResourceValidationPolicy, UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import { policies } from "../policy/policies";
import { apimApiHttpsOnly, apimMinApiVersion, apimTls12, apimVnetInternal } from "../policy/rules/apim";
import { cognitiveNetworkLocked, cognitiveNoLocalAuth, cognitivePrivateOnly } from "../policy/rules/cognitive";
import { diskNoPublicNetwork, vmEncryptionAtHost, vmSshKeyOnly } from "../policy/rules/compute";
import {
    containerAppEnvInternal, containerAppEnvLogsNoSharedKey, containerAppInternalIngress, containerAppNoInsecureIngress, containerAppRegistryIdentity,
} from "../policy/rules/containerapps";
import { APPLICATION_GATEWAY_SUBNET_NAMES, UNKNOWN as UNKNOWN_VALUE, defaultRouteCover, enumEquals, peek, plain, present, prop } from "../policy/rules/common";
import { SUBNETS as SPOKE_SUBNETS } from "../components/spokeNetwork/nsgRules";
import { ANY_TYPE, RULE_METADATA } from "../policy/rules/define";
import { eventGridIdentityDelivery } from "../policy/rules/eventgrid";
import { eventHubMinTls, eventHubNoLocalAuth } from "../policy/rules/eventhub";
import { firewallPremiumIdps, firewallThreatIntelDeny, firewallUsesPolicy } from "../policy/rules/firewall";
import { appGatewayHttpsEndToEnd, appGatewayTls12, appGatewayWafAttached, wafPreventionMode } from "../policy/rules/gateway";
import { fhirAuthorityEntraTenant, fhirCorsNoWildcard, fhirVersioning, noLegacyApiForFhir } from "../policy/rules/health";
import { keyVaultNetwork, keyVaultPurgeProtection, keyVaultRbac } from "../policy/rules/keyvault";
import { logAnalyticsRetention } from "../policy/rules/monitoring";
import {
    gatewayConnectionKeysSecret, gatewaySubnetNoNsg, nicNoPublicIp, nsgNoInternetManagementPorts, routeDefaultViaFirewall, subnetHasNsg, subnetNoDefaultOutbound, vpnIkev2StrongCrypto,
} from "../policy/rules/network";
import { acrNoLocalAuth, acrPrivateOnly } from "../policy/rules/registry";
import {
    storageBlobRecovery, storageHttpsOnly, storageInfrastructureEncryption, storageMinTls, storageNetworkDefaultDeny, storageNoCrossTenantReplication, storageNoPublicBlob,
    storageNoPublicNetworkAccess, storageNoSharedKey,
} from "../policy/rules/storage";
import { synapseEntraOnly, synapseExfiltrationProtection, synapsePrivateOnly } from "../policy/rules/synapse";
import { DEFAULT_REQUIRED_TAGS, requiredTags } from "../policy/rules/tags";
import {
    appServiceCorsNoWildcard, appServiceFtpDisabled, appServiceHttpsOnly, appServiceMinTls, appServiceNoKeySettings, appServicePublicNetworkDisabled,
    appServiceRemoteDebuggingOff, appServiceVnetRouteAll,
} from "../policy/rules/web";
import { check } from "./harness/policyArgs";
import { UNKNOWN } from "../lib/offline/values";

type Props = Record<string, unknown>;
interface Case { rule: ResourceValidationPolicy; type: string; pass: Props[]; fail: Props[] }

const NSG = { id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n" };
const TENANT = "11111111-1111-1111-1111-11111111a0d5";
const APIM_SAFE = Object.fromEntries(["Protocols.Tls10", "Protocols.Tls11", "Protocols.Ssl30", "Backend.Protocols.Tls10", "Backend.Protocols.Tls11", "Backend.Protocols.Ssl30"]
    .map((k) => [`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.${k}`, "False"]));
const AGW_ID = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationGateways/g";
const listeners = [{ name: "https", protocol: "Https" }, { name: "http", protocol: "Http" }];
const ref = (c: string, n: string) => ({ id: `${AGW_ID}/${c}/${n}` });
const TAGS = Object.fromEntries(DEFAULT_REQUIRED_TAGS.map((k) => [k, "x"]));
/** A web app meeting every App Service rule; cases change one setting. */
const SITE = { httpsOnly: true, publicNetworkAccess: "Disabled", virtualNetworkSubnetId: "s", outboundVnetRouting: { allTraffic: true },
    siteConfig: { minTlsVersion: "1.2", ftpsState: "Disabled", remoteDebuggingEnabled: false, cors: { allowedOrigins: ["https://app.example.org"] } } };
const site = (siteConfig: Props, top: Props = {}) => ({ ...SITE, ...top, siteConfig: { ...SITE.siteConfig, ...siteConfig } });
const SUBNET_OK = { name: "snet-a", networkSecurityGroup: NSG, defaultOutboundAccess: false };
/** HubSecurity's default IPsec/IKE policy, written out: AES-GCM 256, SHA-384, ECDH P-384 (learn.microsoft.com/azure/vpn-gateway/ipsec-ike-policy-howto). */
const STRONG_IPSEC_POLICY = { ikeEncryption: "GCMAES256", ikeIntegrity: "SHA384", dhGroup: "ECP384", ipsecEncryption: "GCMAES256", ipsecIntegrity: "GCMAES256", pfsGroup: "ECP384", saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000 };
/** Configuration traffic (content share, image pull, backup/restore) routed one flag at a time, as an alternative to allTraffic. */
const CONFIG_ROUTED = { contentShareTraffic: true, imagePullTraffic: true, backupRestoreTraffic: true };
/** A function app's identity-based settings (the bulk loader's shape): no key, SAS or connection string anywhere. */
const ST = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/stbulk";
const FUNC_SETTINGS = [
    { name: "FUNCTIONS_EXTENSION_VERSION", value: "~4" }, { name: "FUNCTIONS_WORKER_RUNTIME", value: "dotnet" },
    { name: "AzureWebJobsStorage__accountName", value: "stbulk" },
    { name: "FBI-STORAGEACCT-IDENTITY__blobServiceUri", value: "https://stbulk.blob.core.windows.net" }, { name: "FBI-STORAGEACCT-IDENTITY__queueServiceUri", value: "https://stbulk.queue.core.windows.net" },
    { name: "FS-ISMSI", value: "true" }, { name: "FS-SECRET", value: "" },
    { name: "WEBSITE_RUN_FROM_PACKAGE", value: "https://stbulk.blob.core.windows.net/packages/fhir-loader.zip" },
    // An ingestion key, not a credential (local authentication off), and a Key Vault reference for a third-party secret.
    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/" },
    { name: "PARTNER_API_KEY", value: "@Microsoft.KeyVault(SecretUri=https://kv-ahds-dev.vault.azure.net/secrets/partner-key/)" },
];
const FUNC = { ...SITE, kind: "functionapp", siteConfig: { ...SITE.siteConfig, appSettings: FUNC_SETTINGS } };
/** FUNC with one more app setting (or one replaced, by name). */
const withSetting = (name: string, value: unknown) => ({ ...FUNC, siteConfig: { ...FUNC.siteConfig, appSettings: [...FUNC_SETTINGS.filter((x) => x.name !== name), { name, value }] } });
const KEYED = "DefaultEndpointsProtocol=https;AccountName=stbulk;AccountKey=bm90LWEta2V5;EndpointSuffix=core.windows.net";
const SAS_URL = "https://stbulk.blob.core.windows.net/packages/fhir-loader.zip?sv=2022-11-02&se=2030-01-01&sr=b&sp=r&sig=bm90LWEtc2ln";
/** Event Grid delivery to the loader's queue and dead-lettering to a container, both with the topic's system identity. */
const QUEUE = { endpointType: "StorageQueue", resourceId: ST, queueName: "bundlequeue" };
const DEAD = { endpointType: "StorageBlob", resourceId: ST, blobContainerName: "deadletter" };
const SYSTEM = { type: "SystemAssigned" };
const EG_SUB = { deliveryWithResourceIdentity: { identity: SYSTEM, destination: QUEUE }, deadLetterWithResourceIdentity: { identity: SYSTEM, deadLetterDestination: DEAD } };
const webhook = (endpointUrl: string, extra: Props = {}) => ({ destination: { endpointType: "WebHook", endpointUrl, ...extra } });
/** A user-assigned identity the container apps and jobs pull images and read Key Vault secrets with. */
const UAMI_ACA = "/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aca";
const EG_NS_SUB = { deliveryConfiguration: { deliveryMode: "Push", push: { deliveryWithResourceIdentity: { identity: SYSTEM, destination: { endpointType: "EventHub", resourceId: "eh" } }, deadLetterDestinationWithResourceIdentity: { identity: SYSTEM, deadLetterDestination: DEAD } } } };

/** A WAF policy in Prevention mode with one managed rule set and its group overrides. */
const waf = (ruleSetType: string, ruleSetVersion: string, ruleGroupOverrides: Props[]) => ({ policySettings: { state: "Enabled", mode: "Prevention" }, managedRules: { managedRuleSets: [{ ruleSetType, ruleSetVersion, ruleGroupOverrides }] } });
const TLS12 = { policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" };
/** A gateway whose HTTPS listener reaches the backend and whose HTTP listener's rule redirects to "to-https", defined as given. */
const redirecting = (redirect: Props) => ({
    httpListeners: listeners, backendHttpSettingsCollection: [{ name: "b", protocol: "Https" }], redirectConfigurations: [redirect],
    requestRoutingRules: [{ name: "r1", httpListener: ref("httpListeners", "https"), urlPathMap: ref("urlPathMaps", "m") }, { name: "r2", httpListener: ref("httpListeners", "http"), redirectConfiguration: ref("redirectConfigurations", "to-https") }],
});

/** Every rule added with the resourceRule helper: at least one passing and one failing input each. */
const CASES: Case[] = [
    { rule: fhirCorsNoWildcard, type: "healthcareapis:FhirService", pass: [{}, { corsConfiguration: { origins: ["https://app.example.org"] } }], fail: [{ corsConfiguration: { origins: ["*"] } }, { corsConfiguration: { origins: ["https://*.example.org"] } }] },
    { rule: fhirCorsNoWildcard, type: "healthcareapis:DicomService", pass: [{}], fail: [{ corsConfiguration: { origins: ["*"] } }] },
    { rule: fhirCorsNoWildcard, type: "healthcareapis:Service", pass: [{ properties: {} }], fail: [{ properties: { corsConfiguration: { origins: ["*"] } } }] },
    { rule: fhirAuthorityEntraTenant, type: "healthcareapis:FhirService", pass: [{ authenticationConfiguration: { authority: `https://login.microsoftonline.com/${TENANT}`, audience: "https://w-f.fhir.azurehealthcareapis.com" } }],
        fail: [{}, { authenticationConfiguration: { authority: "https://evil.example.org", audience: "x" } }, { authenticationConfiguration: { authority: `https://login.microsoftonline.com/${TENANT}` } }] },
    { rule: noLegacyApiForFhir, type: "healthcareapis:Service", pass: [], fail: [{ properties: { publicNetworkAccess: "Disabled" } }] },
    { rule: storageHttpsOnly, type: "storage:StorageAccount", pass: [{ enableHttpsTrafficOnly: true }], fail: [{}, { enableHttpsTrafficOnly: false }] },
    { rule: storageMinTls, type: "storage:StorageAccount", pass: [{ minimumTlsVersion: "TLS1_2" }, { minimumTlsVersion: "tls1_3" }], fail: [{}, { minimumTlsVersion: "TLS1_0" }, { minimumTlsVersion: "TLS1_1" }] },
    { rule: storageNoPublicBlob, type: "storage:StorageAccount", pass: [{ allowBlobPublicAccess: false }], fail: [{}, { allowBlobPublicAccess: true }] },
    { rule: storageNoPublicBlob, type: "storage:BlobContainer", pass: [{}, { publicAccess: "None" }], fail: [{ publicAccess: "Blob" }, { publicAccess: "Container" }] },
    { rule: storageNoSharedKey, type: "storage:StorageAccount", pass: [{ allowSharedKeyAccess: false }], fail: [{}, { allowSharedKeyAccess: true }] },
    { rule: storageNoCrossTenantReplication, type: "storage:StorageAccount", pass: [{ allowCrossTenantReplication: false }], fail: [{}, { allowCrossTenantReplication: true }] },
    { rule: storageBlobRecovery, type: "storage:BlobServiceProperties", pass: [{ deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 7 }, isVersioningEnabled: true },
            // Permanent delete explicitly off; on the container policy it does not apply (ARM: blob service only).
            { deleteRetentionPolicy: { enabled: true, days: 30, allowPermanentDelete: false }, containerDeleteRetentionPolicy: { enabled: true, days: 7, allowPermanentDelete: true }, isVersioningEnabled: true },
            // Versioning is storage-blob-versioning's (a stack rule: it needs the account, ADLS Gen2 has none).
            { deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 } }],
        fail: [{}, { deleteRetentionPolicy: { enabled: true, days: 1 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 }, isVersioningEnabled: true },
            // Soft-deleted blob versions and snapshots can be purged before their retention ends.
            { deleteRetentionPolicy: { enabled: true, days: 30, allowPermanentDelete: true }, containerDeleteRetentionPolicy: { enabled: true, days: 30 }, isVersioningEnabled: true }] },
    { rule: keyVaultPurgeProtection, type: "keyvault:Vault", pass: [{ properties: { enablePurgeProtection: true, enableSoftDelete: true } }],
        fail: [{ properties: {} }, { properties: { enablePurgeProtection: true, enableSoftDelete: false } }, { properties: { enablePurgeProtection: true } }] },
    { rule: keyVaultRbac, type: "keyvault:Vault", pass: [{ properties: { enableRbacAuthorization: true } }], fail: [{ properties: {} }, { properties: { enableRbacAuthorization: false, accessPolicies: [] } }] },
    { rule: keyVaultNetwork, type: "keyvault:Vault", pass: [{ properties: { publicNetworkAccess: "disabled", networkAcls: { defaultAction: "Deny" } } }],
        fail: [{ properties: {} }, { properties: { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Deny" } } }, { properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Allow" } } }] },
    { rule: subnetHasNsg, type: "network:VirtualNetwork", pass: [{ subnets: [{ name: "snet-a", networkSecurityGroup: NSG }, { name: "AzureFirewallSubnet" }, { name: "GatewaySubnet" }] }], fail: [{ subnets: [{ name: "snet-a", networkSecurityGroup: NSG }, { name: "snet-b" }] }] },
    { rule: subnetHasNsg, type: "network:Subnet", pass: [{ subnetName: "snet-a", networkSecurityGroup: NSG }, { subnetName: "AzureFirewallSubnet" }], fail: [{ subnetName: "snet-a" }] },
    { rule: nsgNoInternetManagementPorts, type: "network:NetworkSecurityGroup",
        pass: [{ securityRules: [{ name: "ssh-from-bastion", direction: "Inbound", access: "Allow", sourceAddressPrefix: "10.0.0.64/26", destinationPortRange: "22" }, { name: "https", direction: "Inbound", access: "Allow", sourceAddressPrefix: "Internet", destinationPortRange: "443" }, { name: "deny", direction: "Inbound", access: "Deny", sourceAddressPrefix: "*", destinationPortRange: "*" }] }],
        fail: [{ securityRules: [{ name: "ssh", direction: "Inbound", access: "Allow", sourceAddressPrefix: "Internet", destinationPortRange: "22" }] },
            { securityRules: [{ name: "range", direction: "inbound", access: "allow", sourceAddressPrefixes: ["0.0.0.0/0"], destinationPortRanges: ["3000-4000"] }] },
            { securityRules: [{ name: "any", direction: "Inbound", access: "Allow", sourceAddressPrefix: "*", destinationPortRange: "*" }] }] },
    { rule: nsgNoInternetManagementPorts, type: "network:SecurityRule", pass: [{ direction: "Inbound", access: "Allow", sourceAddressPrefix: "VirtualNetwork", destinationPortRange: "22" }], fail: [{ direction: "Inbound", access: "Allow", sourceAddressPrefix: "Any", destinationPortRange: "3389" }] },
    { rule: nicNoPublicIp, type: "network:NetworkInterface", pass: [{ ipConfigurations: [{ name: "ip", subnet: { id: "s" } }] }], fail: [{ ipConfigurations: [{ name: "ip", publicIPAddress: { id: "p" } }] }] },
    { rule: nicNoPublicIp, type: "compute:VirtualMachine", pass: [{ networkProfile: { networkInterfaces: [{ id: "n" }] } }], fail: [{ networkProfile: { networkInterfaceConfigurations: [{ name: "n", ipConfigurations: [{ name: "ip", publicIPAddressConfiguration: { name: "p" } }] }] } }] },
    { rule: nicNoPublicIp, type: "compute:VirtualMachineScaleSet", pass: [{ virtualMachineProfile: { networkProfile: { networkInterfaceConfigurations: [{ name: "n", ipConfigurations: [{ name: "ip", subnet: { id: "s" } }] }] } } }],
        fail: [{ virtualMachineProfile: { networkProfile: { networkInterfaceConfigurations: [{ name: "n", ipConfigurations: [{ name: "ip", publicIPAddressConfiguration: { name: "p" } }] }] } } }] },
    { rule: routeDefaultViaFirewall, type: "network:RouteTable", pass: [{ disableBgpRoutePropagation: true, routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }, { name: "apim", addressPrefix: "ApiManagement", nextHopType: "Internet" }] },
            // AzureFirewallSubnet's override of a BGP-learned default in a hybrid hub (firewall/tutorial-hybrid-portal-policy):
            // exactly one route, 0.0.0.0/0 → Internet, BGP propagation on (given or omitted). The rule leaves it to
            // subnet-egress-via-firewall, which admits it on AzureFirewallSubnet only (tests/policyStack.spec.ts).
            { disableBgpRoutePropagation: false, routes: [{ name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] },
            { routes: [{ name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "internet" }] },
            // A table without routes (the App Gateway subnet's, only turning BGP propagation off) has no default to judge.
            { disableBgpRoutePropagation: true, routes: [] }],
        fail: [{ disableBgpRoutePropagation: true, routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] }, { routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }] },
            // Not the firewall subnet's exact shape: a second route, an IPv6 or split default, another spelling of the prefix.
            { disableBgpRoutePropagation: false, routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }, { name: "onprem", addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" }] },
            { disableBgpRoutePropagation: false, routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }, { name: "d6", addressPrefix: "::/0", nextHopType: "Internet" }] },
            { disableBgpRoutePropagation: false, routes: [{ name: "lo", addressPrefix: "0.0.0.0/1", nextHopType: "Internet" }] },
            { disableBgpRoutePropagation: false, routes: [{ name: "d", addressPrefix: "0.0.0.00/0", nextHopType: "Internet" }] },
            { disableBgpRoutePropagation: false, routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualNetworkGateway" }] },
            // A dual-stack table: the IPv4 default goes to the firewall, the IPv6 one around it.
            { disableBgpRoutePropagation: true, routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }, { name: "d6", addressPrefix: "::/0", nextHopType: "Internet" }] }] },
    { rule: routeDefaultViaFirewall, type: "network:Route", pass: [{ addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" }, { addressPrefix: "203.0.113.0/24", nextHopType: "Internet" },
            // IPv6: a default to the appliance, and prefixes that are not defaults (a /2, a documentation range, a service tag).
            { addressPrefix: "::/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "fd00:db8::4" }, { addressPrefix: "2001:db8::/32", nextHopType: "Internet" }, { addressPrefix: "8000::/2", nextHopType: "Internet" },
            { addressPrefix: "0.0.0.0/2", nextHopType: "Internet" }, { addressPrefix: "AzureMonitor", nextHopType: "Internet" },
            // A dropped default (next hop None) sends nothing anywhere.
            { addressPrefix: "::/0", nextHopType: "None" }, { addressPrefix: "0.0.0.0/0", nextHopType: "None" }],
        fail: [{ addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }, { addressPrefix: "0.0.0.0/1", nextHopType: "Internet" }, { addressPrefix: "128.0.0.0/1", nextHopType: "Internet" },
            // IPv6 default route, its split halves, and other spellings of the same prefixes.
            { addressPrefix: "::/0", nextHopType: "Internet" }, { addressPrefix: "::/1", nextHopType: "Internet" }, { addressPrefix: "8000::/1", nextHopType: "Internet" },
            { addressPrefix: "0:0:0:0:0:0:0:0/0", nextHopType: "Internet" }, { addressPrefix: "::0/0", nextHopType: "VirtualNetworkGateway" }, { addressPrefix: "8000:0::/1", nextHopType: "Internet" }] },
    { rule: firewallUsesPolicy, type: "network:AzureFirewall", pass: [{ firewallPolicy: { id: "p" } }], fail: [{}, { firewallPolicy: { id: "p" }, networkRuleCollections: [{ name: "classic" }] }] },
    { rule: firewallThreatIntelDeny, type: "network:FirewallPolicy", pass: [{ threatIntelMode: "deny" }], fail: [{}, { threatIntelMode: "Alert" }, { threatIntelMode: "Off" }] },
    { rule: firewallThreatIntelDeny, type: "network:AzureFirewall", pass: [{ firewallPolicy: { id: "p" } }, { firewallPolicy: { id: "p" }, threatIntelMode: "Deny" }], fail: [{}, { firewallPolicy: { id: "p" }, threatIntelMode: "Alert" }, { threatIntelMode: "Off" }] },
    { rule: appGatewayWafAttached, type: "network:ApplicationGateway", pass: [{ sku: { tier: "WAF_v2" }, firewallPolicy: { id: "w" } }], fail: [{ sku: { tier: "Standard_v2" } }, { sku: { tier: "WAF_v2" } }] },
    { rule: wafPreventionMode, type: "network:WebApplicationFirewallPolicy", pass: [{ policySettings: { state: "Enabled", mode: "Prevention", requestBodyCheck: true }, managedRules: { managedRuleSets: [{ ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1" }] } },
            { policySettings: { state: "Enabled", mode: "Prevention" }, managedRules: { managedRuleSets: [{ ruleSetType: "OWASP", ruleSetVersion: "3.2", ruleGroupOverrides: [{ ruleGroupName: "REQUEST-944-APPLICATION-ATTACK-JAVA", rules: [{ ruleId: "944240", state: "Enabled", action: "Block" }] }] }] } },
            // 944240 scored (DRS 2.1's default action: Critical, 5 points, blocks in Prevention mode), or enabled with no action (the rule set's default).
            waf("Microsoft_DefaultRuleSet", "2.1", [{ ruleGroupName: "JAVA", rules: [{ ruleId: "944240", state: "Enabled", action: "AnomalyScoring" }] }]),
            waf("Microsoft_DefaultRuleSet", "2.1", [{ ruleGroupName: "JAVA", rules: [{ ruleId: "944240", state: "enabled" }] }]),
            // A Java group override that disables another rule only, and a rule-less override of another group.
            waf("OWASP", "3.1", [{ ruleGroupName: "REQUEST-944-APPLICATION-ATTACK-JAVA", rules: [{ ruleId: "944200" }] }]),
            waf("Microsoft_DefaultRuleSet", "2.1", [{ ruleGroupName: "PHP" }, { ruleGroupName: "JAVA", rules: [{ ruleId: "944100", state: "Disabled" }] }])],
        fail: [{ policySettings: { state: "Enabled", mode: "Detection" }, managedRules: { managedRuleSets: [{ ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1" }] } }, { policySettings: { state: "Disabled", mode: "Prevention" }, managedRules: { managedRuleSets: [{}] } }, { policySettings: { state: "Enabled", mode: "Prevention", requestBodyCheck: false }, managedRules: { managedRuleSets: [{}] } }, { policySettings: { state: "Enabled", mode: "Prevention" }, managedRules: { managedRuleSets: [] } },
            // Log4Shell (CKV_AZURE_135): OWASP 3.0 predates rule 944240; an override that disables it.
            { policySettings: { state: "Enabled", mode: "Prevention" }, managedRules: { managedRuleSets: [{ ruleSetType: "OWASP", ruleSetVersion: "3.0" }] } },
            { policySettings: { state: "Enabled", mode: "Prevention" }, managedRules: { managedRuleSets: [{ ruleSetType: "OWASP", ruleSetVersion: "3.2", ruleGroupOverrides: [{ ruleGroupName: "REQUEST-944-APPLICATION-ATTACK-JAVA", rules: [{ ruleId: "944240", state: "Disabled" }] }] }] } },
            // A Java group override without rules disables the whole group (ARM: "If none specified, all rules in the group will be disabled").
            waf("OWASP", "3.2", [{ ruleGroupName: "REQUEST-944-APPLICATION-ATTACK-JAVA" }]), waf("Microsoft_DefaultRuleSet", "2.1", [{ ruleGroupName: "JAVA" }]), waf("Microsoft_DefaultRuleSet", "2.1", [{ ruleGroupName: "java", rules: [] }]),
            // 944240 enabled but not blocking: logged, allowed, challenged.
            waf("Microsoft_DefaultRuleSet", "2.1", [{ ruleGroupName: "JAVA", rules: [{ ruleId: "944240", state: "Enabled", action: "Log" }] }]),
            waf("OWASP", "3.2", [{ ruleGroupName: "REQUEST-944-APPLICATION-ATTACK-JAVA", rules: [{ ruleId: "944240", state: "Enabled", action: "Allow" }] }]),
            waf("Microsoft_DefaultRuleSet", "2.1", [{ ruleGroupName: "JAVA", rules: [{ ruleId: "944240", state: "Enabled", action: "JSChallenge" }] }])] },
    { rule: appGatewayTls12, type: "network:ApplicationGateway", pass: [{ sslPolicy: { policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" } }, { sslPolicy: { policyType: "CustomV2", minProtocolVersion: "TLSv1_3" } },
            { sslPolicy: { policyType: "Custom", minProtocolVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "tls_ecdhe_ecdsa_with_aes_256_gcm_sha384"] } },
            // SSL profiles: one with its own TLS 1.2 policy, one for client authentication only (keeps the gateway's policy).
            { sslPolicy: TLS12, sslProfiles: [{ name: "partners", sslPolicy: { policyType: "CustomV2", minProtocolVersion: "TLSv1_3" } }, { name: "mtls", clientAuthConfiguration: { verifyClientCertIssuerDN: true } }] }],
        fail: [{}, { sslPolicy: { policyType: "Predefined", policyName: "AppGwSslPolicy20170401S" } }, { sslPolicy: { policyType: "Custom", minProtocolVersion: "TLSv1_0" } },
            { sslPolicy: { policyType: "CustomV2", minProtocolVersion: "TLSv1_2", cipherSuites: ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"] } },
            // A listener-specific SSL profile that brings TLS 1.0 or a weak cipher back.
            { sslPolicy: TLS12, sslProfiles: [{ name: "legacy", sslPolicy: { policyType: "Predefined", policyName: "AppGwSslPolicy20150501" } }] },
            { sslPolicy: TLS12, sslProfiles: [{ name: "legacy", sslPolicy: { policyType: "Custom", minProtocolVersion: "TLSv1_2", cipherSuites: ["TLS_RSA_WITH_AES_128_CBC_SHA"] } }] },
            { sslPolicy: TLS12, sslProfiles: [{ name: "empty", sslPolicy: {} }] }] },
    { rule: appGatewayHttpsEndToEnd, type: "network:ApplicationGateway",
        pass: [redirecting({ name: "to-https", targetListener: ref("httpListeners", "https") }), redirecting({ name: "to-https", targetUrl: "https://app.example.org/" }), redirecting({ name: "to-https", targetUrl: "HTTPS://app.example.org/" })],
        fail: [{ httpListeners: listeners, backendHttpSettingsCollection: [{ name: "b", protocol: "Https" }], requestRoutingRules: [{ name: "r2", httpListener: ref("httpListeners", "http"), backendAddressPool: ref("backendAddressPools", "p") }] },
            { httpListeners: listeners, backendHttpSettingsCollection: [{ name: "b", protocol: "Http" }], requestRoutingRules: [] },
            // Redirects that keep the client on plain HTTP: an http:// URL, back to the HTTP listener, no target, a configuration the gateway lacks.
            redirecting({ name: "to-https", targetUrl: "http://app.example.org/" }), redirecting({ name: "to-https", targetListener: ref("httpListeners", "http") }),
            redirecting({ name: "to-https", redirectType: "Permanent" }), redirecting({ name: "elsewhere", targetListener: ref("httpListeners", "https") }),
            redirecting({ name: "to-https", targetUrl: "//app.example.org/" })] },
    { rule: apimVnetInternal, type: "apimanagement:ApiManagementService", pass: [{ virtualNetworkType: "Internal", virtualNetworkConfiguration: { subnetResourceId: "s" }, sku: { name: "Premium" } }],
        fail: [{ sku: { name: "Premium" } }, { virtualNetworkType: "External", virtualNetworkConfiguration: { subnetResourceId: "s" }, sku: { name: "Premium" } }, { virtualNetworkType: "Internal", virtualNetworkConfiguration: { subnetResourceId: "s" }, sku: { name: "Consumption" } }] },
    { rule: apimTls12, type: "apimanagement:ApiManagementService", pass: [{ customProperties: APIM_SAFE }], fail: [{}, { customProperties: { ...APIM_SAFE, "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11": "True" } }] },
    { rule: apimApiHttpsOnly, type: "apimanagement:Api", pass: [{ protocols: ["https"] }, { protocols: ["https", "wss"] }], fail: [{}, { protocols: ["http", "https"] }] },
    { rule: acrNoLocalAuth, type: "containerregistry:Registry", pass: [{}, { adminUserEnabled: false, anonymousPullEnabled: false }], fail: [{ adminUserEnabled: true }, { anonymousPullEnabled: true }] },
    { rule: acrPrivateOnly, type: "containerregistry:Registry", pass: [{ sku: { name: "Premium" }, publicNetworkAccess: "Disabled" }], fail: [{ sku: { name: "Premium" } }, { sku: { name: "Standard" }, publicNetworkAccess: "Disabled" }] },
    { rule: vmEncryptionAtHost, type: "compute:VirtualMachine", pass: [{ securityProfile: { encryptionAtHost: true } }], fail: [{}, { securityProfile: { encryptionAtHost: false } }] },
    { rule: vmEncryptionAtHost, type: "compute:VirtualMachineScaleSet", pass: [{ virtualMachineProfile: { securityProfile: { encryptionAtHost: true } } }], fail: [{}] },
    { rule: vmSshKeyOnly, type: "compute:VirtualMachine", pass: [{ osProfile: { linuxConfiguration: { disablePasswordAuthentication: true } } }, { osProfile: { windowsConfiguration: {} } }],
        fail: [{ osProfile: { linuxConfiguration: {} } }, { osProfile: { adminPassword: "x", linuxConfiguration: { disablePasswordAuthentication: true } } },
            { osProfile: { linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: "" }] } } } }] },
    { rule: vmSshKeyOnly, type: "compute:VirtualMachineScaleSet",
        pass: [{ virtualMachineProfile: { osProfile: { linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: "ssh-ed25519 AAAA azureuser" }] } } } } },
            { virtualMachineProfile: { osProfile: { windowsConfiguration: {}, adminPassword: "x" } } }, { virtualMachineProfile: { storageProfile: { imageReference: { id: "g" } } } }],
        fail: [{ virtualMachineProfile: { osProfile: { linuxConfiguration: {} } } }, { virtualMachineProfile: { osProfile: { adminUsername: "azureuser", adminPassword: "x", linuxConfiguration: { disablePasswordAuthentication: false } } } },
            { virtualMachineProfile: { osProfile: { adminPassword: "x", linuxConfiguration: { disablePasswordAuthentication: true } } } },
            { virtualMachineProfile: { osProfile: { linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/azureuser/.ssh/authorized_keys", keyData: "" }] } } } } },
            // The VM-level paths do not count on a scale set: its instances take virtualMachineProfile.
            { osProfile: { linuxConfiguration: { disablePasswordAuthentication: true } }, virtualMachineProfile: { osProfile: { linuxConfiguration: {} } } }] },
    { rule: requiredTags, type: "network:VirtualNetwork", pass: [{ tags: TAGS }], fail: [{}, { tags: { owner: "x" } }] },
    { rule: requiredTags, type: "storage:BlobContainer", pass: [{}], fail: [] },
    { rule: storageNoPublicNetworkAccess, type: "storage:StorageAccount", pass: [{ publicNetworkAccess: "disabled" }, { publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" } }],
        fail: [{}, { publicNetworkAccess: "Enabled" }, { publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Deny", ipRules: [{ iPAddressOrRange: "1.2.3.4" }] } }] },
    { rule: storageNetworkDefaultDeny, type: "storage:StorageAccount", pass: [{ networkRuleSet: { defaultAction: "deny" } }], fail: [{}, { publicNetworkAccess: "Disabled" }, { networkRuleSet: { defaultAction: "Allow" } }] },
    { rule: storageInfrastructureEncryption, type: "storage:StorageAccount", pass: [{ encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true } }], fail: [{}, { encryption: { keySource: "Microsoft.Storage" } }] },
    { rule: logAnalyticsRetention, type: "operationalinsights:Workspace", pass: [{ retentionInDays: 365, features: { disableLocalAuth: true } }], fail: [{}, { retentionInDays: 90, features: { disableLocalAuth: true } }, { retentionInDays: 365 }] },
    { rule: fhirVersioning, type: "healthcareapis:FhirService", pass: [{ resourceVersionPolicyConfiguration: { default: "versioned" } }, { resourceVersionPolicyConfiguration: { default: "versioned-update", resourceTypeOverrides: { Patient: "versioned" } } }],
        fail: [{}, { resourceVersionPolicyConfiguration: { default: "no-version" } }, { resourceVersionPolicyConfiguration: { default: "versioned", resourceTypeOverrides: { Observation: "No-Version" } } }] },
    { rule: gatewaySubnetNoNsg, type: "network:VirtualNetwork", pass: [{ subnets: [{ name: "GatewaySubnet" }, SUBNET_OK] }], fail: [{ subnets: [{ name: "GatewaySubnet", networkSecurityGroup: NSG }] }] },
    { rule: gatewaySubnetNoNsg, type: "network:Subnet", pass: [{ subnetName: "GatewaySubnet" }], fail: [{ subnetName: "GatewaySubnet", networkSecurityGroup: NSG }] },
    // Site-to-site connections: IKEv2 with a custom policy of strong algorithms (HubSecurity's default policy passes;
    // Microsoft's portal example AES256/SHA384/DHGroup24 + AES256/SHA256/PFS None fails on DHGroup24 and PFS None).
    { rule: vpnIkev2StrongCrypto, type: "network:VirtualNetworkGatewayConnection",
        pass: [{ connectionType: "IPsec", connectionProtocol: "IKEv2", ipsecPolicies: [STRONG_IPSEC_POLICY] }, { connectionType: "IPsec", ipsecPolicies: [{ ...STRONG_IPSEC_POLICY, ikeEncryption: "AES256", ipsecEncryption: "AES256", ipsecIntegrity: "SHA256", dhGroup: "DHGroup14", pfsGroup: "PFS2048" }] },
            { connectionType: "ExpressRoute" }],
        fail: [{ connectionType: "IPsec", connectionProtocol: "IKEv2" }, { connectionType: "IPsec", connectionProtocol: "IKEv1", ipsecPolicies: [STRONG_IPSEC_POLICY] },
            { connectionType: "IPsec", ipsecPolicies: [{ ...STRONG_IPSEC_POLICY, ikeEncryption: "AES256", ikeIntegrity: "SHA384", dhGroup: "DHGroup24", ipsecEncryption: "AES256", ipsecIntegrity: "SHA256", pfsGroup: "None" }] },
            { connectionType: "Vnet2Vnet", ipsecPolicies: [{ ...STRONG_IPSEC_POLICY, ikeIntegrity: "MD5" }] }] },
    // Keys: the table's check passes no additionalSecretOutputs, so any key fails and a keyless connection passes (the
    // marked case is in "gateway connection keys" below).
    { rule: gatewayConnectionKeysSecret, type: "network:VirtualNetworkGatewayConnection",
        pass: [{ connectionType: "ExpressRoute", peer: { id: "c" } }, { connectionType: "IPsec" }],
        fail: [{ connectionType: "IPsec", sharedKey: "a-stand-in-for-a-secret-value-0123456789" }, { connectionType: "ExpressRoute", authorizationKey: "a-stand-in-authorization-key" }] },
    // Application Gateway v2's subnet keeps default outbound access by default (its control plane needs it): by its exact name.
    { rule: subnetNoDefaultOutbound, type: "network:VirtualNetwork", pass: [{ subnets: [SUBNET_OK, { name: "AzureFirewallSubnet" }, { name: "AzureBastionSubnet" }] }, { subnets: [SUBNET_OK, { name: "snet-appgw" }] }],
        fail: [{ subnets: [SUBNET_OK, { name: "snet-b" }] }, { subnets: [{ name: "snet-c", defaultOutboundAccess: true }] }, { subnets: [{ name: "snet-appgw-2" }] }] },
    { rule: subnetNoDefaultOutbound, type: "network:Subnet", pass: [{ subnetName: "snet-a", defaultOutboundAccess: false }, { subnetName: "snet-appgw" }], fail: [{ subnetName: "snet-a" }, { subnetName: "appgw" }] },
    { rule: firewallPremiumIdps, type: "network:AzureFirewall", pass: [{ sku: { name: "AZFW_VNet", tier: "premium" } }], fail: [{}, { sku: { name: "AZFW_VNet", tier: "Standard" } }] },
    { rule: firewallPremiumIdps, type: "network:FirewallPolicy", pass: [{ sku: { tier: "Premium" }, intrusionDetection: { mode: "Deny" } }], fail: [{ sku: { tier: "Premium" } }, { sku: { tier: "Premium" }, intrusionDetection: { mode: "Alert" } }, { sku: { tier: "Standard" }, intrusionDetection: { mode: "Deny" } }] },
    { rule: apimMinApiVersion, type: "apimanagement:ApiManagementService", pass: [{ apiVersionConstraint: { minApiVersion: "2021-08-01" } }, { apiVersionConstraint: { minApiVersion: "2019-12-01" } }], fail: [{}, { apiVersionConstraint: { minApiVersion: "2019-01-01" } }] },
    { rule: appServiceHttpsOnly, type: "web:WebApp", pass: [SITE], fail: [site({}, { httpsOnly: false }), { siteConfig: SITE.siteConfig }] },
    { rule: appServiceHttpsOnly, type: "web:WebAppSlot", pass: [SITE], fail: [site({}, { httpsOnly: false })] },
    { rule: appServiceMinTls, type: "web:WebApp", pass: [SITE, site({ minTlsVersion: "1.3", scmMinTlsVersion: "1.2" })], fail: [site({ minTlsVersion: "1.0" }), site({ minTlsVersion: undefined }), site({ scmMinTlsVersion: "1.1" })] },
    { rule: appServiceMinTls, type: "web:WebAppSlot", pass: [SITE], fail: [site({ minTlsVersion: "1.1" })] },
    { rule: appServiceFtpDisabled, type: "web:WebApp", pass: [SITE], fail: [site({ ftpsState: undefined }), site({ ftpsState: "AllAllowed" }), site({ ftpsState: "FtpsOnly" })] },
    { rule: appServiceFtpDisabled, type: "web:WebAppSlot", pass: [site({ ftpsState: "disabled" })], fail: [site({ ftpsState: "AllAllowed" })] },
    { rule: appServiceFtpDisabled, type: "web:WebAppFtpAllowed", pass: [{ allow: false }], fail: [{ allow: true }] },
    { rule: appServiceFtpDisabled, type: "web:WebAppScmAllowed", pass: [{ allow: false }], fail: [{ allow: true }] },
    { rule: appServiceFtpDisabled, type: "web:WebAppFtpAllowedSlot", pass: [{ allow: false, slot: "staging" }], fail: [{ allow: true, slot: "staging" }, { slot: "staging" }] },
    { rule: appServiceFtpDisabled, type: "web:WebAppScmAllowedSlot", pass: [{ allow: false, slot: "staging" }], fail: [{ allow: true, slot: "staging" }, { slot: "staging" }] },
    { rule: appServiceRemoteDebuggingOff, type: "web:WebApp", pass: [SITE, site({ remoteDebuggingEnabled: undefined })], fail: [site({ remoteDebuggingEnabled: true, remoteDebuggingVersion: "VS2022" })] },
    { rule: appServiceRemoteDebuggingOff, type: "web:WebAppSlot", pass: [SITE], fail: [site({ remoteDebuggingEnabled: true })] },
    { rule: appServiceCorsNoWildcard, type: "web:WebApp", pass: [SITE, site({ cors: undefined })], fail: [site({ cors: { allowedOrigins: ["*"] } }), site({ cors: { allowedOrigins: ["https://a.example.org", "*"] } })] },
    { rule: appServiceCorsNoWildcard, type: "web:WebAppSlot", pass: [SITE], fail: [site({ cors: { allowedOrigins: ["*"] } })] },
    { rule: appServicePublicNetworkDisabled, type: "web:WebApp", pass: [SITE, site({}, { publicNetworkAccess: "disabled" })], fail: [site({}, { publicNetworkAccess: "Enabled" }), site({}, { publicNetworkAccess: undefined })] },
    { rule: appServicePublicNetworkDisabled, type: "web:WebAppSlot", pass: [SITE], fail: [site({}, { publicNetworkAccess: "Enabled" })] },
    { rule: appServiceVnetRouteAll, type: "web:WebApp", pass: [SITE, site({}, { kind: "functionapp" }), site({ vnetRouteAllEnabled: true }, { outboundVnetRouting: CONFIG_ROUTED }), site({}, { outboundVnetRouting: { applicationTraffic: true, ...CONFIG_ROUTED } })],
        fail: [site({}, { virtualNetworkSubnetId: undefined }), site({}, { outboundVnetRouting: { allTraffic: false } }), site({}, { kind: "functionapp", virtualNetworkSubnetId: undefined }),
            // Application traffic routed, configuration traffic (content share, image pull, backup/restore) not.
            site({}, { kind: "functionapp", outboundVnetRouting: { applicationTraffic: true } }), site({ vnetRouteAllEnabled: true }, { outboundVnetRouting: undefined })] },
    { rule: appServiceVnetRouteAll, type: "web:WebAppSlot", pass: [SITE, site({}, { kind: "functionapp" })], fail: [site({}, { outboundVnetRouting: undefined }), site({}, { kind: "functionapp", outboundVnetRouting: { applicationTraffic: true, contentShareTraffic: true } })] },
    { rule: appServiceNoKeySettings, type: "web:WebApp", pass: [SITE, FUNC, withSetting("FBI-STORAGEACCT", UNKNOWN),
            { ...FUNC, siteConfig: { ...FUNC.siteConfig, connectionStrings: [{ name: "fhirdb", connectionString: "Server=tcp:sql.database.windows.net;Database=d;Authentication=Active Directory Managed Identity", type: "SQLAzure" }] } }],
        fail: [withSetting("AzureWebJobsStorage", KEYED), withSetting("AzureWebJobsStorage", "@Microsoft.KeyVault(VaultName=kv-ahds-dev;SecretName=host-storage)"), withSetting("AzureWebJobsStorage", UNKNOWN),
            withSetting("WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", KEYED), withSetting("WEBSITE_RUN_FROM_PACKAGE", SAS_URL), withSetting("FS-SECRET", "not-a-secret"),
            withSetting("FBI-STORAGEACCT", "BlobEndpoint=https://stbulk.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=b&sig=bm90"),
            withSetting("EVENTS", "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=bm90"),
            { ...FUNC, siteConfig: { ...FUNC.siteConfig, connectionStrings: [{ name: "fhirdb", connectionString: "Server=tcp:sql.database.windows.net;Database=d;User ID=a;Password=bm90", type: "SQLAzure" }] } }] },
    { rule: appServiceNoKeySettings, type: "web:WebAppSlot", pass: [FUNC], fail: [withSetting("azurewebjobsstorage", KEYED)] },
    { rule: appServiceNoKeySettings, type: "web:WebAppApplicationSettings", pass: [{ properties: Object.fromEntries(FUNC_SETTINGS.map((x) => [x.name, x.value])) }, { properties: { "FBI-STORAGEACCT": UNKNOWN } }],
        fail: [{ properties: { AzureWebJobsStorage: KEYED } }, { properties: { "FS-SECRET": UNKNOWN } }, { properties: { WEBSITE_RUN_FROM_PACKAGE: SAS_URL } }] },
    { rule: appServiceNoKeySettings, type: "web:WebAppApplicationSettingsSlot", pass: [{ slot: "staging", properties: { "AzureWebJobsStorage__accountName": "stbulk" } }], fail: [{ slot: "staging", properties: { WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: KEYED } }] },
    { rule: appServiceNoKeySettings, type: "web:WebAppConnectionStrings", pass: [{ properties: { db: { value: "Server=tcp:s;Authentication=Active Directory Default", type: "SQLAzure" } } }],
        fail: [{ properties: { st: { value: KEYED, type: "Custom" } } }, { properties: { db: { value: "Server=tcp:s;Uid=a;Pwd=bm90", type: "SQLAzure" } } }] },
    { rule: appServiceNoKeySettings, type: "web:WebAppConnectionStringsSlot", pass: [{ slot: "staging", properties: {} }], fail: [{ slot: "staging", properties: { sb: { value: "Endpoint=sb://n.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=bm90", type: "ServiceBus" } } }] },
    { rule: containerAppInternalIngress, type: "app:ContainerApp", pass: [{}, { configuration: { ingress: { external: false, targetPort: 8080 } } }], fail: [{ configuration: { ingress: { external: true } } }] },
    { rule: containerAppNoInsecureIngress, type: "app:ContainerApp", pass: [{ configuration: { ingress: { allowInsecure: false } } }], fail: [{ configuration: { ingress: { allowInsecure: true } } }] },
    { rule: containerAppEnvInternal, type: "app:ManagedEnvironment", pass: [{ vnetConfiguration: { infrastructureSubnetId: "s", internal: true } }, { vnetConfiguration: { infrastructureSubnetId: "s", internal: true }, publicNetworkAccess: "Disabled" }],
        fail: [{}, { vnetConfiguration: { infrastructureSubnetId: "s" } }, { vnetConfiguration: { infrastructureSubnetId: "s", internal: true }, publicNetworkAccess: "enabled" }] },
    { rule: containerAppEnvLogsNoSharedKey, type: "app:ManagedEnvironment", pass: [{}, { appLogsConfiguration: { destination: "azure-monitor" } }, { appLogsConfiguration: { destination: "none" } }, { appLogsConfiguration: {} }],
        fail: [{ appLogsConfiguration: { destination: "log-analytics", logAnalyticsConfiguration: { customerId: "c", sharedKey: "a2V5" } } }, { appLogsConfiguration: { destination: "Log-Analytics" } },
            { appLogsConfiguration: { destination: "azure-monitor", logAnalyticsConfiguration: { sharedKey: UNKNOWN } } }] },
    ...["app:ContainerApp", "app:Job"].map((type): Case => ({
        rule: containerAppRegistryIdentity, type,
        pass: [{}, { configuration: { registries: [{ server: "acrahds.azurecr.io", identity: UAMI_ACA }] } }, { configuration: { registries: [{ server: UNKNOWN, identity: UNKNOWN }, { server: "acr2.azurecr.io", identity: "system" }] } },
            { configuration: { registries: [{ server: "acrahds.azurecr.io", identity: UAMI_ACA }], secrets: [{ name: "partner-key", keyVaultUrl: "https://kv-ahds-dev.vault.azure.net/secrets/partner-key", identity: UAMI_ACA }] } }],
        fail: [{ configuration: { registries: [{ server: "acrahds.azurecr.io" }] } }, { configuration: { registries: [{ server: "acrahds.azurecr.io", username: "acrahds", passwordSecretRef: "acr-password" }] } },
            { configuration: { registries: [{ server: "acrahds.azurecr.io", identity: UAMI_ACA, passwordSecretRef: "acr-password" }] } }, { configuration: { registries: [{ server: "acrahds.azurecr.io", identity: "" }] } },
            { configuration: { secrets: [{ name: "acr-password", value: "cGFzcw==" }] } }, { configuration: { secrets: [{ name: "k", value: UNKNOWN }] } },
            { configuration: { secrets: [{ name: "k", identity: UAMI_ACA }] } }, { configuration: { secrets: [{ name: "k", keyVaultUrl: "https://kv-ahds-dev.vault.azure.net/secrets/k" }] } }],
    })),
    { rule: diskNoPublicNetwork, type: "compute:Disk", pass: [{ publicNetworkAccess: "Disabled", networkAccessPolicy: "DenyAll" }, { publicNetworkAccess: "Disabled", networkAccessPolicy: "AllowPrivate", diskAccessId: "d" }],
        fail: [{}, { publicNetworkAccess: "Disabled" }, { publicNetworkAccess: "Enabled", networkAccessPolicy: "DenyAll" }, { publicNetworkAccess: "Disabled", networkAccessPolicy: "AllowAll" }] },
    { rule: diskNoPublicNetwork, type: "compute:Snapshot", pass: [{ publicNetworkAccess: "Disabled", networkAccessPolicy: "DenyAll" }, { publicNetworkAccess: "disabled", networkAccessPolicy: "AllowPrivate", diskAccessId: "d" }],
        fail: [{}, { publicNetworkAccess: "Enabled", networkAccessPolicy: "AllowAll" }, { publicNetworkAccess: "Disabled" }, { networkAccessPolicy: "DenyAll" }] },
    { rule: synapsePrivateOnly, type: "synapse:Workspace", pass: [{ publicNetworkAccess: "Disabled" }], fail: [{}, { publicNetworkAccess: "Enabled" }] },
    { rule: synapsePrivateOnly, type: "synapse:IpFirewallRule", pass: [], fail: [{ startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" }] },
    { rule: synapseExfiltrationProtection, type: "synapse:Workspace", pass: [{ managedVirtualNetwork: "default", managedVirtualNetworkSettings: { preventDataExfiltration: true, allowedAadTenantIdsForLinking: [TENANT] } }],
        fail: [{}, { managedVirtualNetwork: "default" }, { managedVirtualNetworkSettings: { preventDataExfiltration: true } }] },
    { rule: synapseEntraOnly, type: "synapse:Workspace", pass: [{ azureADOnlyAuthentication: true }], fail: [{}, { azureADOnlyAuthentication: true, sqlAdministratorLogin: "sqladmin", sqlAdministratorLoginPassword: "P@ssw0rd!" }] },
    { rule: eventHubNoLocalAuth, type: "eventhub:Namespace", pass: [{ disableLocalAuth: true }], fail: [{}, { disableLocalAuth: false }] },
    { rule: eventHubMinTls, type: "eventhub:Namespace", pass: [{ minimumTlsVersion: "1.2" }], fail: [{}, { minimumTlsVersion: "1.0" }, { minimumTlsVersion: "1.1" }] },
    ...["eventgrid:SystemTopicEventSubscription", "eventgrid:EventSubscription", "eventgrid:TopicEventSubscription", "eventgrid:DomainEventSubscription", "eventgrid:DomainTopicEventSubscription", "eventgrid:PartnerTopicEventSubscription"].map((type): Case => ({
        rule: eventGridIdentityDelivery, type,
        pass: [EG_SUB, { deliveryWithResourceIdentity: { identity: { type: "UserAssigned", userAssignedIdentity: "/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/eg" }, destination: { endpointType: "ServiceBusQueue", resourceId: "q" } } },
            webhook("https://hooks.example.org/events", { azureActiveDirectoryApplicationIdOrUri: "api://hooks", minimumTlsVersionAllowed: "1.2" }), { destination: { endpointType: "AzureFunction", resourceId: "f" } },
            { deliveryWithResourceIdentity: { identity: SYSTEM, destination: { endpointType: "EventHub", resourceId: UNKNOWN } } }, webhook(UNKNOWN)],
        fail: [{ destination: QUEUE }, { ...EG_SUB, deadLetterDestination: DEAD }, { deliveryWithResourceIdentity: { destination: QUEUE } }, { deliveryWithResourceIdentity: { identity: { type: "UserAssigned" }, destination: QUEUE } },
            { deliveryWithResourceIdentity: { identity: SYSTEM } }, { ...EG_SUB, deadLetterWithResourceIdentity: { deadLetterDestination: DEAD } }, {},
            webhook("http://hooks.example.org/events"), webhook("https://func-bulk.azurewebsites.net/api/events?code=bm90"), webhook("https://hooks.example.org/events", { minimumTlsVersionAllowed: "1.0" }),
            { destination: { endpointType: "EventHub", resourceId: "eh" } }, { destination: { endpointType: "ServiceBusTopic", resourceId: "t" } }],
    })),
    { rule: eventGridIdentityDelivery, type: "eventgrid:NamespaceTopicEventSubscription", pass: [EG_NS_SUB, { deliveryConfiguration: { deliveryMode: "Queue", queue: { maxDeliveryCount: 5 } } }],
        fail: [{ deliveryConfiguration: { deliveryMode: "Push", push: { destination: { endpointType: "EventHub", resourceId: "eh" } } } }, { deliveryConfiguration: { deliveryMode: "Push", push: {} } },
            { deliveryConfiguration: { deliveryMode: "Queue", queue: { deadLetterDestinationWithResourceIdentity: { deadLetterDestination: DEAD } } } }] },
    { rule: cognitiveNoLocalAuth, type: "cognitiveservices:Account", pass: [{ properties: { disableLocalAuth: true } }], fail: [{}, { properties: { disableLocalAuth: false } }] },
    { rule: cognitivePrivateOnly, type: "cognitiveservices:Account", pass: [{ properties: { publicNetworkAccess: "Disabled" } }], fail: [{}, { properties: { publicNetworkAccess: "Enabled" } }] },
    { rule: cognitiveNetworkLocked, type: "cognitiveservices:Account",
        pass: [{ kind: "TextAnalytics", properties: { customSubDomainName: "lang-ahds-dev", publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny" }, restrictOutboundNetworkAccess: true, allowedFqdnList: [] } },
            { properties: { customSubDomainName: "lang-ahds-dev", publicNetworkAccess: "Disabled", restrictOutboundNetworkAccess: true } },
            { properties: { customSubDomainName: UNKNOWN, publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "deny" }, restrictOutboundNetworkAccess: true } }],
        fail: [{}, { properties: { publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny" }, restrictOutboundNetworkAccess: true } },
            { properties: { customSubDomainName: "lang-ahds-dev", publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Allow" }, restrictOutboundNetworkAccess: true } },
            { properties: { customSubDomainName: "lang-ahds-dev", restrictOutboundNetworkAccess: true } },
            { properties: { customSubDomainName: "lang-ahds-dev", publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny" }, restrictOutboundNetworkAccess: false } }] },
];

/** A versioned token for a type key: `storage:StorageAccount` → `azure-native:storage/v20240101:StorageAccount`. */
const versioned = (type: string) => { const [m, t] = type.split(":"); return `azure-native:${m}/v20240101:${t}`; };

describe("policy pack rules (table)", () => {
    for (const c of CASES) {
        describe(`${c.rule.name} on ${c.type}`, () => {
            c.pass.forEach((props, i) => it(`passes case ${i + 1}`, () => expect(check(c.rule, `azure-native:${c.type}`, props)).to.deep.equal([])));
            c.fail.forEach((props, i) => it(`fails case ${i + 1}, also behind a versioned token`, () => {
                expect(check(c.rule, `azure-native:${c.type}`, props)).to.have.length.greaterThan(0);
                expect(check(c.rule, versioned(c.type), props)).to.have.length.greaterThan(0);
            }));
        });
    }

    it("covers every resource rule, with a failing case for each type it claims", () => {
        // Stack-level rules and prod-stateful-protected (which reads resource options) are tested in policyStack.spec.ts.
        const elsewhere = new Set([...policies.filter((p) => "validateStack" in p).map((p) => p.name), "prod-stateful-protected"]);
        for (const [name, meta] of [...RULE_METADATA].filter(([n]) => !elsewhere.has(n))) {
            for (const type of meta.types) {
                const covered = CASES.some((c) => c.rule.name === name && (type === ANY_TYPE || c.type === type) && c.fail.length > 0);
                expect(covered, `${name} has no failing case for ${type}`).to.equal(true);
            }
        }
        // Every rule has a passing case too, except those that forbid a resource type outright.
        const forbidding = [noLegacyApiForFhir.name, `${synapsePrivateOnly.name} synapse:IpFirewallRule`];
        for (const c of CASES.filter((x) => !forbidding.includes(x.rule.name) && !forbidding.includes(`${x.rule.name} ${x.type}`))) expect(c.pass.length, `${c.rule.name} on ${c.type}`).to.be.greaterThan(0);
    });

    it("has at least 50 rules, every one with the metadata the docs and the conformance test read", () => {
        expect(policies.length).to.be.at.least(50);
        expect(policies.map((p) => p.name).sort()).to.deep.equal([...RULE_METADATA.keys()].sort());
    });

    it("every rule names its HITRUST controls and the Azure Policy or Checkov checks it mirrors (or is marked derived)", () => {
        for (const [name, meta] of RULE_METADATA) {
            expect(meta.controls.hitrust.length, name).to.be.greaterThan(0);
            for (const id of meta.controls.azurePolicy) expect(id, name).to.match(/^[0-9a-f]{8}$/);
            for (const id of meta.controls.checkov) expect(id, name).to.match(/^CKV2?_AZURE_\d+$/);
        }
    });

    it("recognises default routes by the parsed prefix (IPv4 and IPv6, /0 and either /1 half, any spelling), and nothing else", () => {
        const cases: Array<[string, ReturnType<typeof defaultRouteCover>]> = [
            ["0.0.0.0/0", { family: 4, halves: [0, 1] }], ["0.0.0.0/1", { family: 4, halves: [0] }], ["128.0.0.0/1", { family: 4, halves: [1] }],
            ["::/0", { family: 6, halves: [0, 1] }], ["::/1", { family: 6, halves: [0] }], ["8000::/1", { family: 6, halves: [1] }],
            ["0:0:0:0:0:0:0:0/0", { family: 6, halves: [0, 1] }], ["::0/0", { family: 6, halves: [0, 1] }], ["8000:0::/1", { family: 6, halves: [1] }], ["::ffff:0.0.0.0/0", { family: 6, halves: [0, 1] }],
            ["10.0.0.0/8", undefined], ["0.0.0.0/2", undefined], ["8000::/2", undefined], ["fd00::/8", undefined],
            ["Internet", undefined], ["AzureCloud", undefined], ["1::2::3/0", undefined], ["256.0.0.0/0", undefined], ["0.0.0.0", undefined], ["::", undefined],
        ];
        for (const [prefix, cover] of cases) expect(defaultRouteCover(prefix), prefix).to.deep.equal(cover);
        expect(defaultRouteCover(undefined)).to.equal(undefined);
    });

    it("names a key-bearing setting but never echoes its value", () => {
        const secret = "bm90LWEta2V5";
        const found = [
            ...check(appServiceNoKeySettings, "azure-native:web:WebApp", withSetting("AzureWebJobsStorage", KEYED)),
            ...check(appServiceNoKeySettings, "azure-native:web:WebApp", withSetting("WEBSITE_RUN_FROM_PACKAGE", SAS_URL)),
            ...check(appServiceNoKeySettings, "azure-native:web:WebAppApplicationSettings", { properties: { "FS-SECRET": secret } }),
            ...check(appServiceNoKeySettings, "azure-native:web:WebAppConnectionStrings", { properties: { st: { value: KEYED, type: "Custom" } } }),
        ];
        expect(found).to.have.length(4);
        for (const m of found) expect(m).to.not.include(secret).and.not.include("bm90").and.not.include("sig=bm");
        expect(found[0]).to.include('setting "AzureWebJobsStorage"');
    });

    it("ignores other resource types", () => {
        expect(check(keyVaultPurgeProtection, "azure-native:storage:StorageAccount", {})).to.deep.equal([]);
        expect(check(storageMinTls, "aws:s3/bucket:Bucket", {})).to.deep.equal([]);
    });

    describe("exemptions", () => {
        it("skips a resource whose name matches an exemption", () => {
            expect(check(storageMinTls, "azure-native:storage:StorageAccount", {}, { exemptions: [{ resourceName: "legacy-.*", justification: "vendor appliance needs TLS 1.1 until 2027-03" }] }, "legacy-import")).to.deep.equal([]);
        });
        it("still checks resources the pattern does not match in full", () => {
            expect(check(storageMinTls, "azure-native:storage:StorageAccount", {}, { exemptions: [{ resourceName: "legacy", justification: "vendor appliance needs TLS 1.1 until 2027-03" }] }, "legacy-import")).to.have.length(1);
        });
        it("requires a justification in the rule's config schema (the engine validates it at Configure)", () => {
            const schema = storageMinTls.configSchema?.properties?.["exemptions"] as { items: { required: string[]; properties: { justification: { minLength: number } } } };
            expect(schema.items.required).to.deep.equal(["resourceName", "justification"]);
            expect(schema.items.properties.justification.minLength).to.be.at.least(20);
        });
    });
});

describe("Application Gateway subnets (0.6.0: the pack's defaults accept them, no stack exemption needed)", () => {
    const VNET = "azure-native:network:VirtualNetwork";
    it("subnet-no-default-outbound exempts the subnets named in applicationGatewaySubnetNames (default SpokeNetwork's snet-appgw), and only those", () => {
        expect(APPLICATION_GATEWAY_SUBNET_NAMES).to.deep.equal([SPOKE_SUBNETS.appGateway.azureName]);
        const gw = { subnets: [SUBNET_OK, { name: "snet-appgw" }] };
        expect(check(subnetNoDefaultOutbound, VNET, gw, {}, "spoke-vnet")).to.deep.equal([]);
        // [] checks them too (a gateway deployed with network isolation needs no default outbound access).
        expect(check(subnetNoDefaultOutbound, VNET, gw, { applicationGatewaySubnetNames: [] }, "spoke-vnet")).to.deep.equal([`subnet "snet-appgw" of "spoke-vnet" keeps default outbound access`]);
        // Another name replaces the default rather than adding to it.
        expect(check(subnetNoDefaultOutbound, VNET, { subnets: [{ name: "snet-agw" }, { name: "snet-appgw" }] }, { applicationGatewaySubnetNames: ["snet-agw"] }, "v")).to.deep.equal([`subnet "snet-appgw" of "v" keeps default outbound access`]);
        // Explicitly private is fine under any setting.
        expect(check(subnetNoDefaultOutbound, VNET, { subnets: [{ name: "snet-appgw", defaultOutboundAccess: false }] }, { applicationGatewaySubnetNames: [] })).to.deep.equal([]);
    });
});

describe("hybrid connectivity (0.5.0 rules): messages and resource options", () => {
    const T = "azure-native:network:VirtualNetworkGatewayConnection";
    it("gateway-connection-keys-secret passes keys listed in additionalSecretOutputs, and names each key that is not", () => {
        const both = { connectionType: "ExpressRoute", sharedKey: "a-stand-in-for-a-secret-value-0123456789", authorizationKey: "a-stand-in-authorization-key" };
        expect(check(gatewayConnectionKeysSecret, T, both, {}, "hub-con-er", false, ["sharedKey", "authorizationKey"])).to.deep.equal([]);
        expect(check(gatewayConnectionKeysSecret, T, both, {}, "hub-con-er", false, ["sharedKey"])).to.deep.equal([
            `connection "hub-con-er" passes authorizationKey without marking it a secret output (additionalSecretOutputs)`,
        ]);
        expect(check(gatewayConnectionKeysSecret, T, both, {}, "hub-con-er", false, [])).to.deep.equal([
            `connection "hub-con-er" passes sharedKey without marking it a secret output (additionalSecretOutputs)`,
            `connection "hub-con-er" passes authorizationKey without marking it a secret output (additionalSecretOutputs)`,
        ]);
        // The message names the key, never its value.
        for (const m of check(gatewayConnectionKeysSecret, T, both)) expect(m).to.not.include("stand-in");
    });
    it("vpn-ikev2-strong-crypto reports the protocol, a missing policy and each weak algorithm by policy number", () => {
        expect(check(vpnIkev2StrongCrypto, T, { connectionType: "IPsec", connectionProtocol: "IKEv1", ipsecPolicies: [STRONG_IPSEC_POLICY, { ...STRONG_IPSEC_POLICY, ipsecEncryption: "DES", pfsGroup: "PFS1" }] }, {}, "hub-con-onprem")).to.deep.equal([
            `connection "hub-con-onprem" uses IKEv1, not IKEv2`,
            `connection "hub-con-onprem" IPsec/IKE policy #2 has ipsecEncryption "DES", not one of GCMAES256, GCMAES192, GCMAES128, AES256, AES192, AES128`,
            `connection "hub-con-onprem" IPsec/IKE policy #2 has pfsGroup "PFS1", not one of ECP384, ECP256, PFS2048, PFS14`,
        ]);
        // Enum strings in any case are Azure's (gcmaes256 = GCMAES256).
        expect(check(vpnIkev2StrongCrypto, T, { connectionType: "ipsec", connectionProtocol: "ikev2", ipsecPolicies: [{ ...STRONG_IPSEC_POLICY, ikeEncryption: "gcmaes256" }] })).to.deep.equal([]);
    });
});

describe("container apps, jobs and AI services accounts (0.4.0 rules): messages", () => {
    it("containerapp-env-logs-no-shared-key names the log-analytics destination and the shared key, never the key's value", () => {
        const v = check(containerAppEnvLogsNoSharedKey, "azure-native:app:ManagedEnvironment", { appLogsConfiguration: { destination: "log-analytics", logAnalyticsConfiguration: { customerId: "c", sharedKey: "a2V5LXZhbHVl" } } }, {}, "cae-sync");
        expect(v).to.deep.equal([
            `Container Apps environment "cae-sync" sends its logs with the Log Analytics workspace's shared key (appLogsConfiguration.destination log-analytics); use "azure-monitor" with a diagnostic setting`,
            `Container Apps environment "cae-sync" holds a Log Analytics shared key (appLogsConfiguration.logAnalyticsConfiguration.sharedKey)`,
        ]);
        expect(check(containerAppEnvLogsNoSharedKey, "azure-native:app:ManagedEnvironment", { appLogsConfiguration: { destination: "azure-monitor" } }, {}, "cae-sync")).to.deep.equal([]);
    });
    it("containerapp-registry-identity names the job or app, the registry (or its position when the server is unknown) and the secret", () => {
        const job = (configuration: Props) => check(containerAppRegistryIdentity, "azure-native:app:Job", { configuration: { triggerType: "Schedule", replicaTimeout: 1800, ...configuration } }, {}, "job-sync");
        expect(job({ registries: [{ server: "acrahds.azurecr.io", identity: UAMI_ACA }] })).to.deep.equal([]);
        // The identity's resource ID (and the registry's login server) are outputs, unknown at a first preview: still set.
        expect(job({ registries: [{ server: UNKNOWN, identity: UNKNOWN }] })).to.deep.equal([]);
        expect(job({ registries: [{ server: UNKNOWN, username: "acrahds", passwordSecretRef: "acr-password" }] })).to.deep.equal([
            `Container Apps job "job-sync" pulls from registry #1 without a managed identity (registries[].identity)`,
            `Container Apps job "job-sync" authenticates to registry #1 with credentials (username, passwordSecretRef) instead of a managed identity`,
        ]);
        expect(job({ secrets: [{ name: "acr-password", value: "cGFzcw==" }, { name: "kv-ref", keyVaultUrl: "https://kv.vault.azure.net/secrets/x" }, { name: "bare" }] })).to.deep.equal([
            `Container Apps job "job-sync" keeps secret "acr-password" as a plain value; reference a Key Vault secret (keyVaultUrl + identity)`,
            `Container Apps job "job-sync" secret "kv-ref" names no identity to read its Key Vault secret with (identity unset)`,
            `Container Apps job "job-sync" secret "bare" references no Key Vault secret (keyVaultUrl unset)`,
        ]);
        expect(check(containerAppRegistryIdentity, "azure-native:app:ContainerApp", { configuration: { registries: [{ server: "acrahds.azurecr.io" }] } }, {}, "ca-api"))
            .to.deep.equal([`container app "ca-api" pulls from registry "acrahds.azurecr.io" without a managed identity (registries[].identity)`]);
    });
    it("cognitive-network-locked: the subdomain, a default-deny firewall where one decides, and restricted outbound access", () => {
        const T = "azure-native:cognitiveservices:Account";
        expect(check(cognitiveNetworkLocked, T, { kind: "TextAnalytics", properties: {} }, {}, "lang")).to.deep.equal([
            `AI services account "lang" has no custom subdomain (properties.customSubDomainName): no Entra ID authentication or private endpoint on the shared regional endpoint`,
            `AI services account "lang" firewall does not deny by default (networkAcls.defaultAction unset: every network allowed, publicNetworkAccess unset (Azure default: Enabled))`,
            `AI services account "lang" does not restrict outbound network access (properties.restrictOutboundNetworkAccess is not true)`,
        ]);
        const base = { customSubDomainName: "lang-ahds-dev", restrictOutboundNetworkAccess: true };
        // Private endpoints only: no ACL is needed; an ACL given must still deny by default.
        expect(check(cognitiveNetworkLocked, T, { properties: { ...base, publicNetworkAccess: "Disabled" } }, {}, "lang")).to.deep.equal([]);
        expect(check(cognitiveNetworkLocked, T, { properties: { ...base, publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Allow" } } }, {}, "lang"))
            .to.deep.equal([`AI services account "lang" firewall does not deny by default (networkAcls.defaultAction Allow)`]);
        expect(check(cognitiveNetworkLocked, T, { properties: { ...base, publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Deny" } } }, {}, "lang")).to.deep.equal([]);
    });
});

/**
 * Values unknown at preview (IDs and addresses of resources not yet created), as @pulumi/policy hands them to rules:
 * behind its proxy, which throws UnknownValueError when a rule reads one. A rule that only needs to know a reference
 * is set must decide anyway (an unknown reference is a reference); a rule whose outcome hangs on the value is deferred
 * by the engine to `pulumi up`, where it runs with known inputs before the resource is created.
 */
describe("policy pack rules (values unknown at preview)", () => {
    const AGW_OK = { sku: { name: "WAF_v2", tier: "WAF_v2" }, firewallPolicy: { id: UNKNOWN } };
    it("decides reference-presence checks on unknown IDs", () => {
        expect(check(firewallUsesPolicy, "azure-native:network:AzureFirewall", { firewallPolicy: { id: UNKNOWN } })).to.deep.equal([]);
        expect(check(firewallThreatIntelDeny, "azure-native:network:AzureFirewall", { firewallPolicy: { id: UNKNOWN } })).to.deep.equal([]);
        expect(check(appGatewayWafAttached, "azure-native:network:ApplicationGateway", AGW_OK)).to.deep.equal([]);
        expect(check(apimVnetInternal, "azure-native:apimanagement:ApiManagementService", { sku: { name: "Premium", capacity: 1 }, virtualNetworkType: "Internal", virtualNetworkConfiguration: { subnetResourceId: UNKNOWN } })).to.deep.equal([]);
        expect(check(subnetHasNsg, "azure-native:network:VirtualNetwork", { subnets: [{ name: "snet-a", networkSecurityGroup: { id: UNKNOWN } }] })).to.deep.equal([]);
        expect(check(subnetHasNsg, "azure-native:network:VirtualNetwork", { subnets: [{ name: "snet-a", networkSecurityGroup: UNKNOWN }] })).to.deep.equal([]);
        // ...and still fails when the reference is missing.
        expect(check(subnetHasNsg, "azure-native:network:VirtualNetwork", { subnets: [{ name: "snet-a", routeTable: { id: UNKNOWN } }] })).to.have.length(1);
    });
    it("takes a computed VNet integration subnet as set", () => {
        const site = (virtualNetworkSubnetId: unknown) => ({ ...SITE, kind: "functionapp", virtualNetworkSubnetId });
        expect(check(appServiceVnetRouteAll, "azure-native:web:WebApp", site(UNKNOWN))).to.deep.equal([]);
        expect(check(appServiceVnetRouteAll, "azure-native:web:WebApp", site(undefined))).to.have.length(1);
    });
    it("takes generated SSH key data and a computed FHIR audience as set", () => {
        const vm = (keyData: unknown) => ({ osProfile: { linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: "/home/a/.ssh/authorized_keys", keyData }] } } } });
        expect(check(vmSshKeyOnly, "azure-native:compute:VirtualMachine", vm(UNKNOWN))).to.deep.equal([]);
        expect(check(vmSshKeyOnly, "azure-native:compute:VirtualMachine", vm(" "))).to.have.length(1);
        const auth = (audience: unknown) => ({ authenticationConfiguration: { authority: `https://login.microsoftonline.com/${TENANT}`, audience } });
        expect(check(fhirAuthorityEntraTenant, "azure-native:healthcareapis:FhirService", auth(UNKNOWN))).to.deep.equal([]);
        expect(check(fhirAuthorityEntraTenant, "azure-native:healthcareapis:FhirService", auth(""))).to.have.length(1);
    });
    it("defers (UnknownValueError, the engine's \"can't run during preview\") when the deciding value is unknown", () => {
        expect(() => check(storageNetworkDefaultDeny, "azure-native:storage:StorageAccount", { networkRuleSet: UNKNOWN })).to.throw(UnknownValueError, ".networkRuleSet");
        expect(() => check(wafPreventionMode, "azure-native:network:WebApplicationFirewallPolicy", { policySettings: { state: "Enabled", mode: UNKNOWN } })).to.throw(UnknownValueError);
    });
    it("peek/present/plain read through the proxy without throwing and never equate two unknowns", () => {
        const props = unknownCheckingProxy({ a: { id: UNKNOWN }, list: [{ x: 1 }, UNKNOWN], whole: UNKNOWN, n: 0 }) as Record<string, unknown>;
        expect(() => prop(props, "a.id")).to.throw(UnknownValueError);
        expect(peek(props, "a.id")).to.equal(UNKNOWN_VALUE);
        expect(peek(props, "whole.deeper")).to.equal(UNKNOWN_VALUE);
        expect(peek(props, "n")).to.equal(0);
        expect([present(props, "a.id"), present(props, "whole"), present(props, "missing"), present(props, "a.other")]).to.deep.equal([true, true, false, false]);
        expect(plain(props)).to.deep.equal({ a: { id: UNKNOWN_VALUE }, list: [{ x: 1 }, UNKNOWN_VALUE], whole: UNKNOWN_VALUE, n: 0 });
        expect(enumEquals(peek(props, "a.id"), UNKNOWN)).to.equal(false);
    });
});
