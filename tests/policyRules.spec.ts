import { expect } from "chai";
import { ResourceValidationPolicy } from "@pulumi/policy";
import { policies } from "../policy/policies";
import { apimApiHttpsOnly, apimTls12, apimVnetInternal } from "../policy/rules/apim";
import { vmEncryptionAtHost, vmSshKeyOnly } from "../policy/rules/compute";
import { RULE_METADATA } from "../policy/rules/define";
import { firewallThreatIntelDeny, firewallUsesPolicy } from "../policy/rules/firewall";
import { appGatewayHttpsEndToEnd, appGatewayTls12, appGatewayWafAttached, wafPreventionMode } from "../policy/rules/gateway";
import { fhirAuthorityEntraTenant, fhirCorsNoWildcard, noLegacyApiForFhir } from "../policy/rules/health";
import { keyVaultNetwork, keyVaultPurgeProtection, keyVaultRbac } from "../policy/rules/keyvault";
import { nicNoPublicIp, nsgNoInternetManagementPorts, routeDefaultViaFirewall, subnetHasNsg } from "../policy/rules/network";
import { acrNoLocalAuth, acrPrivateOnly } from "../policy/rules/registry";
import { storageBlobRecovery, storageHttpsOnly, storageMinTls, storageNoCrossTenantReplication, storageNoPublicBlob, storageNoSharedKey } from "../policy/rules/storage";
import { check } from "./harness/policyArgs";

type Props = Record<string, unknown>;
interface Case { rule: ResourceValidationPolicy; type: string; pass: Props[]; fail: Props[] }

const NSG = { id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/networkSecurityGroups/n" };
const TENANT = "11111111-1111-1111-1111-11111111a0d5";
const APIM_SAFE = Object.fromEntries(["Protocols.Tls10", "Protocols.Tls11", "Protocols.Ssl30", "Backend.Protocols.Tls10", "Backend.Protocols.Tls11", "Backend.Protocols.Ssl30"]
    .map((k) => [`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.${k}`, "False"]));
const AGW_ID = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationGateways/g";
const listeners = [{ name: "https", protocol: "Https" }, { name: "http", protocol: "Http" }];
const ref = (c: string, n: string) => ({ id: `${AGW_ID}/${c}/${n}` });

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
    { rule: storageBlobRecovery, type: "storage:BlobServiceProperties", pass: [{ deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 7 }, isVersioningEnabled: true }],
        fail: [{}, { deleteRetentionPolicy: { enabled: true, days: 1 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 }, isVersioningEnabled: true }, { deleteRetentionPolicy: { enabled: true, days: 30 }, containerDeleteRetentionPolicy: { enabled: true, days: 30 } }] },
    { rule: keyVaultPurgeProtection, type: "keyvault:Vault", pass: [{ properties: { enablePurgeProtection: true } }], fail: [{ properties: {} }, { properties: { enablePurgeProtection: true, enableSoftDelete: false } }] },
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
    { rule: routeDefaultViaFirewall, type: "network:RouteTable", pass: [{ disableBgpRoutePropagation: true, routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }, { name: "apim", addressPrefix: "ApiManagement", nextHopType: "Internet" }] }],
        fail: [{ disableBgpRoutePropagation: true, routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] }, { routes: [{ name: "d", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }] }] },
    { rule: routeDefaultViaFirewall, type: "network:Route", pass: [{ addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" }], fail: [{ addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] },
    { rule: firewallUsesPolicy, type: "network:AzureFirewall", pass: [{ firewallPolicy: { id: "p" } }], fail: [{}, { firewallPolicy: { id: "p" }, networkRuleCollections: [{ name: "classic" }] }] },
    { rule: firewallThreatIntelDeny, type: "network:FirewallPolicy", pass: [{ threatIntelMode: "deny" }], fail: [{}, { threatIntelMode: "Alert" }, { threatIntelMode: "Off" }] },
    { rule: appGatewayWafAttached, type: "network:ApplicationGateway", pass: [{ sku: { tier: "WAF_v2" }, firewallPolicy: { id: "w" } }], fail: [{ sku: { tier: "Standard_v2" } }, { sku: { tier: "WAF_v2" } }] },
    { rule: wafPreventionMode, type: "network:WebApplicationFirewallPolicy", pass: [{ policySettings: { state: "Enabled", mode: "Prevention", requestBodyCheck: true }, managedRules: { managedRuleSets: [{ ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1" }] } }],
        fail: [{ policySettings: { state: "Enabled", mode: "Detection" }, managedRules: { managedRuleSets: [{}] } }, { policySettings: { state: "Disabled", mode: "Prevention" }, managedRules: { managedRuleSets: [{}] } }, { policySettings: { state: "Enabled", mode: "Prevention", requestBodyCheck: false }, managedRules: { managedRuleSets: [{}] } }, { policySettings: { state: "Enabled", mode: "Prevention" }, managedRules: { managedRuleSets: [] } }] },
    { rule: appGatewayTls12, type: "network:ApplicationGateway", pass: [{ sslPolicy: { policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" } }, { sslPolicy: { policyType: "CustomV2", minProtocolVersion: "TLSv1_3" } }],
        fail: [{}, { sslPolicy: { policyType: "Predefined", policyName: "AppGwSslPolicy20170401S" } }, { sslPolicy: { policyType: "Custom", minProtocolVersion: "TLSv1_0" } }] },
    { rule: appGatewayHttpsEndToEnd, type: "network:ApplicationGateway",
        pass: [{ httpListeners: listeners, backendHttpSettingsCollection: [{ name: "b", protocol: "Https" }], requestRoutingRules: [{ name: "r1", httpListener: ref("httpListeners", "https"), urlPathMap: ref("urlPathMaps", "m") }, { name: "r2", httpListener: ref("httpListeners", "http"), redirectConfiguration: ref("redirectConfigurations", "to-https") }] }],
        fail: [{ httpListeners: listeners, backendHttpSettingsCollection: [{ name: "b", protocol: "Https" }], requestRoutingRules: [{ name: "r2", httpListener: ref("httpListeners", "http"), backendAddressPool: ref("backendAddressPools", "p") }] },
            { httpListeners: listeners, backendHttpSettingsCollection: [{ name: "b", protocol: "Http" }], requestRoutingRules: [] }] },
    { rule: apimVnetInternal, type: "apimanagement:ApiManagementService", pass: [{ virtualNetworkType: "Internal", virtualNetworkConfiguration: { subnetResourceId: "s" }, sku: { name: "Premium" } }],
        fail: [{ sku: { name: "Premium" } }, { virtualNetworkType: "External", virtualNetworkConfiguration: { subnetResourceId: "s" }, sku: { name: "Premium" } }, { virtualNetworkType: "Internal", virtualNetworkConfiguration: { subnetResourceId: "s" }, sku: { name: "Consumption" } }] },
    { rule: apimTls12, type: "apimanagement:ApiManagementService", pass: [{ customProperties: APIM_SAFE }], fail: [{}, { customProperties: { ...APIM_SAFE, "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11": "True" } }] },
    { rule: apimApiHttpsOnly, type: "apimanagement:Api", pass: [{ protocols: ["https"] }, { protocols: ["https", "wss"] }], fail: [{}, { protocols: ["http", "https"] }] },
    { rule: acrNoLocalAuth, type: "containerregistry:Registry", pass: [{}, { adminUserEnabled: false, anonymousPullEnabled: false }], fail: [{ adminUserEnabled: true }, { anonymousPullEnabled: true }] },
    { rule: acrPrivateOnly, type: "containerregistry:Registry", pass: [{ sku: { name: "Premium" }, publicNetworkAccess: "Disabled" }], fail: [{ sku: { name: "Premium" } }, { sku: { name: "Standard" }, publicNetworkAccess: "Disabled" }] },
    { rule: vmEncryptionAtHost, type: "compute:VirtualMachine", pass: [{ securityProfile: { encryptionAtHost: true } }], fail: [{}, { securityProfile: { encryptionAtHost: false } }] },
    { rule: vmEncryptionAtHost, type: "compute:VirtualMachineScaleSet", pass: [{ virtualMachineProfile: { securityProfile: { encryptionAtHost: true } } }], fail: [{}] },
    { rule: vmSshKeyOnly, type: "compute:VirtualMachine", pass: [{ osProfile: { linuxConfiguration: { disablePasswordAuthentication: true } } }, { osProfile: { windowsConfiguration: {} } }],
        fail: [{ osProfile: { linuxConfiguration: {} } }, { osProfile: { adminPassword: "x", linuxConfiguration: { disablePasswordAuthentication: true } } }] },
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

    it("covers every rule built with resourceRule, with a failing case for each type it claims", () => {
        // Stack-level rules and prod-stateful-protected (which reads resource options) are tested on real graphs in policyStack.spec.ts.
        const elsewhere = ["phi-private-endpoint-required", "phi-diagnostics-to-law", "no-public-ip-except-edge", "prod-stateful-protected"];
        for (const [name, meta] of [...RULE_METADATA].filter(([n]) => !elsewhere.includes(n))) {
            for (const type of meta.types) expect(CASES.some((c) => c.rule.name === name && c.type === type && c.fail.length > 0), `${name} has no failing case for ${type}`).to.equal(true);
        }
        // Every rule has a passing case too, except the one that forbids a resource type outright.
        for (const c of CASES.filter((x) => x.rule !== noLegacyApiForFhir)) expect(c.pass.length, `${c.rule.name} on ${c.type}`).to.be.greaterThan(0);
    });

    it("every rule names its HITRUST controls and the Azure Policy or Checkov checks it mirrors (or is marked derived)", () => {
        for (const [name, meta] of RULE_METADATA) {
            expect(meta.controls.hitrust.length, name).to.be.greaterThan(0);
            for (const id of meta.controls.azurePolicy) expect(id, name).to.match(/^[0-9a-f]{8}$/);
            for (const id of meta.controls.checkov) expect(id, name).to.match(/^CKV2?_AZURE_\d+$/);
        }
        expect(policies.length).to.equal(RULE_METADATA.size + 3);
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
