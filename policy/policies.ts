import { Policies } from "@pulumi/policy";
import { apimApiHttpsOnly, apimTls12, apimVnetInternal } from "./rules/apim";
import { vmEncryptionAtHost, vmSshKeyOnly } from "./rules/compute";
import { firewallThreatIntelDeny, firewallUsesPolicy } from "./rules/firewall";
import { appGatewayHttpsEndToEnd, appGatewayTls12, appGatewayWafAttached, wafPreventionMode } from "./rules/gateway";
import { fhirAuthorityEntraTenant, fhirCorsNoWildcard, noLegacyApiForFhir } from "./rules/health";
import { keyVaultNetwork, keyVaultPurgeProtection, keyVaultRbac } from "./rules/keyvault";
import { logAnalyticsRetention } from "./rules/monitoring";
import { nicNoPublicIp, nsgNoInternetManagementPorts, routeDefaultViaFirewall, subnetHasNsg } from "./rules/network";
import { acrNoLocalAuth, acrPrivateOnly } from "./rules/registry";
import {
    storageBlobRecovery, storageHttpsOnly, storageMinTls, storageNoCrossTenantReplication, storageNoPublicBlob, storageNoPublicNetworkAccess,
    storageNoSharedKey,
} from "./rules/storage";
import { phiDiagnosticsToLaw, phiPrivateEndpointRequired, publicIpOnlyAtEdge, statefulProtected } from "./rules/stack";
import { requiredTags } from "./rules/tags";

/** Every policy in the pack, importable by tests without starting the analyzer server. */
export const policies: Policies = [
    requiredTags,
    // Health Data Services
    fhirCorsNoWildcard, fhirAuthorityEntraTenant, noLegacyApiForFhir,
    // Storage
    storageNoPublicNetworkAccess, storageHttpsOnly, storageMinTls, storageNoPublicBlob, storageNoSharedKey, storageNoCrossTenantReplication, storageBlobRecovery,
    // Key Vault
    keyVaultPurgeProtection, keyVaultRbac, keyVaultNetwork,
    // Network
    subnetHasNsg, nsgNoInternetManagementPorts, nicNoPublicIp, routeDefaultViaFirewall,
    // Firewall
    firewallUsesPolicy, firewallThreatIntelDeny,
    // Application Gateway + WAF
    appGatewayWafAttached, wafPreventionMode, appGatewayTls12, appGatewayHttpsEndToEnd,
    // API Management
    apimVnetInternal, apimTls12, apimApiHttpsOnly,
    // Container Registry
    acrNoLocalAuth, acrPrivateOnly,
    // Compute
    vmEncryptionAtHost, vmSshKeyOnly,
    // Monitoring
    logAnalyticsRetention,
    // Stack-level and data protection
    phiPrivateEndpointRequired, phiDiagnosticsToLaw, publicIpOnlyAtEdge, statefulProtected,
];
