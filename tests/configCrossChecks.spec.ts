import { expect } from "chai";
import { isConfigError, parseConfig } from "../lib/config";
import { loadStackConfig } from "../lib/offline/stackConfig";

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
/** dev with a VPN gateway (no site yet): GatewaySubnet and resolver subnet in the free part of 10.0.0.0/22, outside 10.0.1.0-10.0.16.255. */
const DEV_VPN = { "hybrid.type": "vpn", "hub.gatewaySubnet": "10.0.2.0/27", "hub.dnsResolverInboundSubnet": "10.0.0.128/28", "hybrid.onPremisesPrefixes": "192.168.0.0/16" };
/** prod switched to ExpressRoute: the VPN-only keys cleared, a zone-redundant ExpressRoute SKU. */
const PROD_ER = { "hybrid.type": "expressroute", "hybrid.sku": "ErGw1AZ", "hybrid.vpnPeerIpAddress": "", "hybrid.onPremisesBgpAsn": "0", "hybrid.onPremisesBgpPeeringAddress": "" };
const CIRCUIT = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-er/providers/Microsoft.Network/expressRouteCircuits/er-onprem";
/** A stand-in pre-shared key (48 printable characters). */
const PSK = "Stand-in-PSK-for-tests-only-0123456789abcdefghij";

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
        // The agent's image is in another ACR, which artifact cache cannot mirror without pull rights there
        // (learn.microsoft.com/azure/container-registry/artifact-cache-acr-to-acr-cli): the operator imports it.
        rule: "the sync agent names its imported image", stack: "dev",
        failing: { "analytics.mode": "agent" },
        problem: "ahds:analytics.agentImage: must be set with analytics.mode agent: import healthplatformregistry.azurecr.io/healthdatatodatalaketool:v0.6.2.1 into the platform registry (az acr import, README) and name the copy here",
        passing: { "analytics.mode": "agent", "analytics.agentImage": "crahdsdeva1b7c.azurecr.io/mirror/healthdatatodatalaketool:v0.6.2.1" },
    },
    {
        rule: "an agent image only with mode agent", stack: "dev",
        failing: { "analytics.agentImage": "crahdsdeva1b7c.azurecr.io/mirror/healthdatatodatalaketool:v0.6.2.1" },
        problem: 'ahds:analytics.agentImage: is set but analytics.mode is "export" (only the sync agent reads it)',
        passing: { "analytics.agentImage": "" },
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
        // Entra-only jumpbox login: without a login group nobody can sign in (learn.microsoft.com/entra/identity/devices/howto-vm-sign-in-azure-ad-linux).
        rule: "prod names the jumpbox's login group", stack: "prod",
        failing: { "jumpbox.loginGroupObjectId": "" },
        problem: "ahds:jumpbox.loginGroupObjectId: must be set in prod with the jumpbox (the Entra ID group that may sign in through Bastion; nobody else can)",
        passing: { "jumpbox.loginGroupObjectId": "", "jumpbox.enabled": "false", "fhir.uploadAnonymizationConfig": "false", "bulkLoader.packageUrl": "", "bulkLoader.packageSha256": "" },
    },
    {
        rule: "prod records flow logs", stack: "prod",
        failing: { "flowLogs.enabled": "false" },
        problem: 'ahds:flowLogs.enabled: "false" must be true in prod (VNet flow logs are the network audit trail)',
        passing: { environment: "test", "flowLogs.enabled": "false" },
    },
    // --- hybrid connectivity (issue 20) ---
    {
        rule: "a gateway needs GatewaySubnet", stack: "prod",
        failing: { "hub.gatewaySubnet": "" },
        problem: 'ahds:hub.gatewaySubnet: must be set with hybrid.type "vpn" (the gateway\'s GatewaySubnet, /27 or larger)',
        passing: { "hub.gatewaySubnet": "10.20.3.0/27" },
    },
    {
        rule: "a gateway needs the DNS resolver's subnet", stack: "prod",
        failing: { "hub.dnsResolverInboundSubnet": "" },
        problem: 'ahds:hub.dnsResolverInboundSubnet: must be set with hybrid.type "vpn" (the DNS Private Resolver\'s inbound endpoint, /28 to /24, for on-premises name resolution)',
        passing: { "hub.dnsResolverInboundSubnet": "10.20.2.48/28" },
    },
    {
        rule: "GatewaySubnet is /27 or larger", stack: "prod",
        failing: { "hub.gatewaySubnet": "10.20.2.0/28" },
        problem: 'ahds:hub.gatewaySubnet: "10.20.2.0/28" is too small: GatewaySubnet must be /27 or larger (Azure\'s recommendation for VPN and ExpressRoute gateways)',
        passing: { "hub.gatewaySubnet": "10.20.3.0/26" },
    },
    {
        rule: "the resolver's subnet is /28 to /24", stack: "prod",
        failing: { "hub.dnsResolverInboundSubnet": "10.20.2.32/29" },
        problem: 'ahds:hub.dnsResolverInboundSubnet: "10.20.2.32/29" is too small: a DNS Private Resolver endpoint subnet must be /28 to /24 (DNS Private Resolver subnet restrictions)',
        passing: { "hub.dnsResolverInboundSubnet": "10.20.3.0/24" },
    },
    {
        rule: "the resolver's subnet avoids the range the service reserves", stack: "dev",
        failing: { ...DEV_VPN, "hub.dnsResolverInboundSubnet": "10.0.1.64/28" },
        problem: 'ahds:hub.dnsResolverInboundSubnet: "10.0.1.64/28" overlaps 10.0.1.0 - 10.0.16.255, which the DNS Private Resolver service reserves (dns-private-resolver-overview#subnet-restrictions)',
        passing: DEV_VPN,
    },
    {
        rule: "GatewaySubnet does not overlap another hub subnet", stack: "prod",
        failing: { "hub.gatewaySubnet": "10.20.1.0/27" },
        problem: 'ahds:hub.gatewaySubnet: "10.20.1.0/27" overlaps hub.jumpboxSubnet "10.20.1.0/27"',
        passing: { "hub.gatewaySubnet": "10.20.1.64/27" },
    },
    {
        rule: "no hybrid setting without a gateway", stack: "dev",
        failing: { "hub.gatewaySubnet": "10.0.2.0/27" },
        problem: 'ahds:hub.gatewaySubnet: is set but hybrid.type is "none" (no gateway uses it)',
        passing: DEV_VPN,
    },
    {
        rule: "a gateway lists the on-premises prefixes", stack: "prod",
        failing: { "hybrid.onPremisesPrefixes": "" },
        problem: 'ahds:hybrid.onPremisesPrefixes: must list the on-premises address prefixes with hybrid.type "vpn" (the sources the firewall and the resolver admit)',
        passing: { "hybrid.onPremisesPrefixes": "172.16.0.0/12" },
    },
    {
        rule: "on-premises prefixes do not overlap the spoke", stack: "prod",
        failing: { "hybrid.onPremisesPrefixes": "192.168.0.0/16,10.21.8.0/24" },
        problem: 'ahds:hybrid.onPremisesPrefixes: "10.21.8.0/24" overlaps spoke.addressSpace "10.21.0.0/20" (on-premises and Azure address spaces must be disjoint)',
        passing: { "hybrid.onPremisesPrefixes": "192.168.0.0/16,10.22.0.0/24" },
    },
    {
        rule: "on-premises prefixes do not overlap the hub", stack: "prod",
        failing: { "hybrid.onPremisesPrefixes": "10.20.0.0/16" },
        problem: 'ahds:hybrid.onPremisesPrefixes: "10.20.0.0/16" overlaps hub.addressSpace "10.20.0.0/22" (on-premises and Azure address spaces must be disjoint)',
        passing: { "hybrid.onPremisesPrefixes": "10.30.0.0/16" },
    },
    {
        rule: "on-premises prefixes do not overlap each other", stack: "prod",
        failing: { "hybrid.onPremisesPrefixes": "192.168.0.0/16,192.168.10.0/24" },
        problem: 'ahds:hybrid.onPremisesPrefixes: "192.168.10.0/24" overlaps "192.168.0.0/16", listed before it',
        passing: { "hybrid.onPremisesPrefixes": "192.168.0.0/17,192.168.128.0/17" },
    },
    {
        rule: "a VPN gateway takes a VPN SKU", stack: "prod",
        failing: { "hybrid.sku": "ErGw1AZ" },
        problem: 'ahds:hybrid.sku: "ErGw1AZ" is an ExpressRoute gateway SKU; a VPN gateway takes one of VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ',
        passing: { "hybrid.sku": "VpnGw3AZ" },
    },
    {
        rule: "gateway SKUs are zone-redundant (non-AZ VPN SKUs can no longer be created)", stack: "prod",
        failing: { "hybrid.sku": "VpnGw2" },
        problem: 'ahds:hybrid.sku: "VpnGw2" is not zone-redundant, and new gateways on the non-AZ SKUs can no longer be created; use VpnGw2AZ',
        passing: { "hybrid.sku": "" },
    },
    {
        rule: "no Basic gateway", stack: "prod",
        failing: { "hybrid.sku": "Basic" },
        problem: 'ahds:hybrid.sku: "Basic" has no BGP, active-active, custom IPsec/IKE policy or zone redundancy; use one of VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ',
        passing: { "hybrid.sku": "VpnGw1AZ" },
    },
    {
        rule: "an ExpressRoute gateway takes an ExpressRoute AZ SKU", stack: "prod",
        failing: { ...PROD_ER, "hybrid.sku": "UltraPerformance" },
        problem: 'ahds:hybrid.sku: "UltraPerformance" is a legacy, non-zone-redundant SKU; use one of ErGw1AZ, ErGw2AZ, ErGw3AZ',
        passing: { ...PROD_ER, "hybrid.sku": "ErGw2AZ" },
    },
    {
        rule: "the Azure ASN is not reserved", stack: "prod",
        failing: { "hybrid.bgpAsn": "65520" },
        problem: 'ahds:hybrid.bgpAsn: "65520" is reserved (65517-65520, by Azure or IANA); use a private ASN such as 64512-65514',
        passing: { "hybrid.bgpAsn": "65521" },
    },
    {
        rule: "the on-premises ASN is not reserved (65515 is Azure's)", stack: "prod",
        failing: { "hybrid.onPremisesBgpAsn": "65515" },
        problem: 'ahds:hybrid.onPremisesBgpAsn: "65515" is reserved (65515, by Azure or IANA); use a private ASN such as 64512-65514',
        passing: { "hybrid.onPremisesBgpAsn": "64512" },
    },
    {
        rule: "the two BGP sides have different ASNs", stack: "prod",
        failing: { "hybrid.bgpAsn": "65050" },
        problem: 'ahds:hybrid.onPremisesBgpAsn: "65050" must differ from hybrid.bgpAsn "65050" (the two sides speak eBGP)',
        passing: { "hybrid.bgpAsn": "65051" },
    },
    {
        rule: "on-premises BGP needs ASN and peer address", stack: "prod",
        failing: { "hybrid.onPremisesBgpPeeringAddress": "" },
        // Reported under the key that is missing.
        problem: "ahds:hybrid.onPremisesBgpPeeringAddress: hybrid.onPremisesBgpAsn and hybrid.onPremisesBgpPeeringAddress go together (BGP needs both)",
        passing: { "hybrid.onPremisesBgpPeeringAddress": "", "hybrid.onPremisesBgpAsn": "0" },
    },
    {
        rule: "the BGP peer is an on-premises address", stack: "prod",
        failing: { "hybrid.onPremisesBgpPeeringAddress": "10.21.0.10" },
        problem: 'ahds:hybrid.onPremisesBgpPeeringAddress: "10.21.0.10" lies in spoke.addressSpace "10.21.0.0/20" (it is an on-premises address)',
        passing: { "hybrid.onPremisesBgpPeeringAddress": "192.168.255.2" },
    },
    {
        rule: "the VPN peer is a public address", stack: "prod",
        failing: { "hybrid.vpnPeerIpAddress": "10.50.0.1" },
        problem: 'ahds:hybrid.vpnPeerIpAddress: "10.50.0.1" must be the on-premises VPN device\'s public IPv4 address (not a private, shared or link-local one)',
        passing: { "hybrid.vpnPeerIpAddress": "198.51.100.7" },
    },
    {
        rule: "on-premises BGP needs the VPN peer", stack: "prod",
        failing: { "hybrid.vpnPeerIpAddress": "" },
        problem: "ahds:hybrid.vpnPeerIpAddress: must be set with hybrid.onPremisesBgpAsn (the BGP peer is reached through the tunnel to this device)",
        passing: { "hybrid.vpnPeerIpAddress": "", "hybrid.onPremisesBgpAsn": "0", "hybrid.onPremisesBgpPeeringAddress": "" },
    },
    {
        rule: "VPN-only settings stay with VPN", stack: "prod",
        failing: { "hybrid.type": "expressroute", "hybrid.sku": "ErGw1AZ" },
        problem: 'ahds:hybrid.vpnPeerIpAddress: is set but hybrid.type is "expressroute" (VPN only)',
        passing: PROD_ER,
    },
    {
        rule: "ExpressRoute gateways keep ASN 65515", stack: "prod",
        failing: { ...PROD_ER, "hybrid.bgpAsn": "65010" },
        problem: 'ahds:hybrid.bgpAsn: "65010" cannot be used: ExpressRoute gateways always use 65515',
        passing: PROD_ER,
    },
    {
        rule: "a circuit only with ExpressRoute", stack: "prod",
        failing: { "hybrid.expressRouteCircuitId": CIRCUIT },
        problem: 'ahds:hybrid.expressRouteCircuitId: is set but hybrid.type is "vpn" (ExpressRoute only)',
        passing: { ...PROD_ER, "hybrid.expressRouteCircuitId": CIRCUIT },
    },
    {
        rule: "a gateway needs a region with availability zones", stack: "dev",
        failing: { ...DEV_VPN, location: "westcentralus" },
        problem: 'ahds:hybrid.type: "vpn" needs zone-redundant gateway public IPs, which westcentralus (no availability zones) cannot provide',
        passing: { ...DEV_VPN, location: "northeurope" },
    },
    {
        rule: "a pre-shared key needs a site", stack: "dev",
        failing: { "hybrid.sharedKey": PSK },
        problem: "ahds:hybrid.sharedKey: is set but no site-to-site connection uses it (needs hybrid.type vpn and hybrid.vpnPeerIpAddress)",
        passing: { ...DEV_VPN, "hybrid.vpnPeerIpAddress": "198.51.100.7", "hybrid.sharedKey": PSK },
    },
    {
        rule: "a pre-shared key is 32-128 printable characters", stack: "prod",
        failing: { "hybrid.sharedKey": "short-key" },
        problem: "ahds:hybrid.sharedKey: must be 32-128 characters long (it has 9)",
        passing: { "hybrid.sharedKey": PSK },
    },
    {
        rule: "an authorization key needs a circuit", stack: "prod",
        failing: { ...PROD_ER, "hybrid.expressRouteAuthorizationKey": PSK },
        problem: "ahds:hybrid.expressRouteAuthorizationKey: is set but no ExpressRoute connection uses it (needs hybrid.type expressroute and hybrid.expressRouteCircuitId)",
        passing: { ...PROD_ER, "hybrid.expressRouteCircuitId": CIRCUIT, "hybrid.expressRouteAuthorizationKey": PSK },
    },
];

describe("stack config cross-field checks (failing case and passing neighbour)", () => {
    it("both stack files parse without problems", () => {
        expect(problemsOf("dev", {})).to.deep.equal([]);
        expect(problemsOf("prod", {})).to.deep.equal([]);
    });
    it("never quotes a secret key's value in a problem", () => {
        const problems = [...problemsOf("prod", { "hybrid.sharedKey": "a key with spaces, 33 characters" }), ...problemsOf("dev", { "hybrid.sharedKey": PSK, "hybrid.expressRouteAuthorizationKey": PSK })];
        expect(problems).to.include("ahds:hybrid.sharedKey: must be printable ASCII without spaces");
        for (const p of problems) expect(p).to.not.include("a key with spaces").and.not.include(PSK);
    });
    for (const c of CHECKS) {
        it(`${c.rule}`, () => {
            expect(problemsOf(c.stack, c.failing)).to.include(c.problem);
            expect(problemsOf(c.stack, c.passing)).to.deep.equal([]);
        });
    }
});
