import { Policies } from "@pulumi/policy";
import { apimApiHttpsOnly, apimManagedIdentityRequiresJwt, apimMinApiVersion, apimTls12, apimVnetInternal } from "./rules/apim";
import { cognitiveNetworkLocked, cognitiveNoLocalAuth, cognitivePrivateOnly } from "./rules/cognitive";
import { diskNoPublicNetwork, vmEncryptionAtHost, vmSshKeyOnly } from "./rules/compute";
import {
    containerAppEnvInternal, containerAppEnvLogsNoSharedKey, containerAppInternalIngress, containerAppNoInsecureIngress, containerAppRegistryAcceptsIdentityPull,
    containerAppRegistryIdentity,
} from "./rules/containerapps";
import { eventGridIdentityDelivery, eventGridTopicIdentity } from "./rules/eventgrid";
import { eventHubMinTls, eventHubNoLocalAuth } from "./rules/eventhub";
import { firewallPremiumIdps, firewallThreatIntelDeny, firewallUsesPolicy } from "./rules/firewall";
import { appGatewayHttpsEndToEnd, appGatewayTls12, appGatewayWafAttached, wafAdmitsRoutedPaths, wafPreventionMode } from "./rules/gateway";
import { fhirAuthorityEntraTenant, fhirCorsNoWildcard, fhirStorageTrustedInstance, fhirVersioning, noLegacyApiForFhir } from "./rules/health";
import { keyVaultNetwork, keyVaultPurgeProtection, keyVaultRbac } from "./rules/keyvault";
import { logAnalyticsRetention } from "./rules/monitoring";
import {
    gatewayConnectionKeysSecret, gatewaySubnetNoNsg, nicNoPublicIp, nsgNoInternetManagementPorts, routeDefaultViaFirewall, subnetHasNsg, subnetNoDefaultOutbound, vpnIkev2StrongCrypto,
} from "./rules/network";
import { acrNoLocalAuth, acrPrivateOnly } from "./rules/registry";
import {
    cmkKeyInProtectedVault, defenderPlansEnabled, eventHubNetworkRestricted, phiDiagnosticsToLaw, phiPrivateEndpointRequired, publicIpOnlyAtEdge, statefulProtected,
    vnetFlowLogsCoverage,
} from "./rules/stack";
import { gatewaySubnetViaFirewall, gatewayZoneRedundant, subnetEgressViaFirewall } from "./rules/stackRouting";
import {
    storageBlobRecovery, storageBlobVersioning, storageHttpsOnly, storageInfrastructureEncryption, storageLakePrivateEndpoints, storageMinTls, storageNetworkDefaultDeny,
    storageNoCrossTenantReplication, storageNoPublicBlob, storageNoPublicNetworkAccess, storageNoSharedKey,
} from "./rules/storage";
import { synapseEntraOnly, synapseExfiltrationProtection, synapseLakeTrustedWorkspace, synapsePrivateOnly } from "./rules/synapse";
import { requiredTags } from "./rules/tags";
import {
    appServiceBasicPublishingOff, appServiceCorsNoWildcard, appServiceFtpDisabled, appServiceHttpsOnly, appServiceMinTls, appServiceNoKeySettings, appServicePublicNetworkDisabled,
    appServiceRemoteDebuggingOff, appServiceVnetRouteAll,
} from "./rules/web";

/** Every policy in the pack, importable by tests without starting the analyzer server. */
export const policies: Policies = [
    requiredTags,
    // Health Data Services
    fhirCorsNoWildcard, fhirAuthorityEntraTenant, fhirVersioning, noLegacyApiForFhir, fhirStorageTrustedInstance,
    // Storage
    storageNoPublicNetworkAccess, storageNetworkDefaultDeny, storageHttpsOnly, storageMinTls, storageNoPublicBlob, storageNoSharedKey,
    storageNoCrossTenantReplication, storageInfrastructureEncryption, storageBlobRecovery, storageBlobVersioning, storageLakePrivateEndpoints,
    // Key Vault
    keyVaultPurgeProtection, keyVaultRbac, keyVaultNetwork,
    // Network
    subnetHasNsg, gatewaySubnetNoNsg, subnetNoDefaultOutbound, nsgNoInternetManagementPorts, nicNoPublicIp, routeDefaultViaFirewall,
    // Hybrid connectivity (0.5.0)
    vpnIkev2StrongCrypto, gatewayConnectionKeysSecret, gatewaySubnetViaFirewall, gatewayZoneRedundant,
    // Firewall
    firewallUsesPolicy, firewallThreatIntelDeny, firewallPremiumIdps,
    // Application Gateway + WAF
    appGatewayWafAttached, wafPreventionMode, appGatewayTls12, appGatewayHttpsEndToEnd, wafAdmitsRoutedPaths,
    // API Management
    apimVnetInternal, apimTls12, apimMinApiVersion, apimApiHttpsOnly, apimManagedIdentityRequiresJwt,
    // App Service / Functions
    appServiceHttpsOnly, appServiceMinTls, appServiceFtpDisabled, appServiceRemoteDebuggingOff, appServiceCorsNoWildcard, appServicePublicNetworkDisabled, appServiceVnetRouteAll,
    appServiceNoKeySettings, appServiceBasicPublishingOff,
    // Container Registry
    acrNoLocalAuth, acrPrivateOnly,
    // Container Apps
    containerAppInternalIngress, containerAppNoInsecureIngress, containerAppEnvInternal, containerAppEnvLogsNoSharedKey, containerAppRegistryIdentity,
    containerAppRegistryAcceptsIdentityPull,
    // Compute
    vmEncryptionAtHost, vmSshKeyOnly, diskNoPublicNetwork,
    // Monitoring
    logAnalyticsRetention,
    // Synapse
    synapsePrivateOnly, synapseExfiltrationProtection, synapseEntraOnly, synapseLakeTrustedWorkspace,
    // Event Hubs
    eventHubNoLocalAuth, eventHubMinTls,
    // Event Grid
    eventGridIdentityDelivery, eventGridTopicIdentity,
    // Azure AI services
    cognitiveNoLocalAuth, cognitivePrivateOnly, cognitiveNetworkLocked,
    // Stack-level and data protection
    phiPrivateEndpointRequired, phiDiagnosticsToLaw, publicIpOnlyAtEdge, subnetEgressViaFirewall, eventHubNetworkRestricted, vnetFlowLogsCoverage,
    defenderPlansEnabled, cmkKeyInProtectedVault, statefulProtected,
];
