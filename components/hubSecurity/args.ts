import * as pulumi from "@pulumi/pulumi";
import { FlowLogSettingsArgs } from "../shared/flowLogs";
import { LockArgs } from "../shared/lock";
import { NamingArgs } from "../shared/naming";
import { WorkspaceReferenceArgs } from "../shared/workspace";

/** Hub address plan. Subnet names are fixed where Azure requires them (AzureFirewallSubnet, AzureBastionSubnet). */
export interface HubNetworkArgs {
    /** Hub VNet address space (IPv4 CIDR). */
    addressSpace: string;
    /** AzureFirewallSubnet, /26 or larger. */
    firewallSubnet: string;
    /** AzureFirewallManagementSubnet (/26 or larger) for a management NIC. @default none (no management NIC) */
    firewallManagementSubnet?: string;
    /** AzureBastionSubnet, /26 or larger. */
    bastionSubnet: string;
    /** Jumpbox subnet, /29 or larger. */
    jumpboxSubnet: string;
    /** Subnet for the hub Key Vault's private endpoint, /29 or larger. */
    privateEndpointSubnet: string;
    /**
     * GatewaySubnet for the VPN or ExpressRoute gateway (`hybrid`), /27 or larger. It carries no NSG (Azure does not
     * support one there) and, when spokes are given, a route table sending each spoke's address space to the firewall.
     * @default none (no gateway)
     */
    gatewaySubnet?: string;
    /**
     * Subnet of the DNS Private Resolver's inbound endpoint, /28 to /24, delegated to Microsoft.Network/dnsResolvers and
     * holding nothing else; on-premises DNS servers forward the Azure zones to the endpoint's address (its first usable
     * address, `.4`). @default none (no resolver)
     */
    dnsResolverInboundSubnet?: string;
}

/**
 * A custom IPsec/IKE policy for a site-to-site connection: Azure accepts only the full set (no partial policy), and
 * the on-premises device must offer the same algorithms (learn.microsoft.com/azure/vpn-gateway/ipsec-ike-policy-howto).
 */
export interface IpsecPolicySettingsArgs {
    /** IKE (phase 1, main mode) encryption: GCMAES256, GCMAES128, AES256, AES192 or AES128. */
    ikeEncryption: string;
    /** IKE (phase 1) integrity: SHA384 or SHA256. */
    ikeIntegrity: string;
    /** IKE (phase 1) Diffie-Hellman group: ECP384, ECP256, DHGroup14 or DHGroup2048. */
    dhGroup: string;
    /** IPsec (phase 2, quick mode) encryption: GCMAES256, GCMAES192, GCMAES128, AES256, AES192 or AES128. */
    ipsecEncryption: string;
    /** IPsec (phase 2) integrity: SHA256, or the GCMAES algorithm of `ipsecEncryption` (Azure requires the same one). */
    ipsecIntegrity: string;
    /** IPsec (phase 2) perfect forward secrecy group: ECP384, ECP256, PFS2048 or PFS14. */
    pfsGroup: string;
    /** Quick-mode SA lifetime in seconds (at least 300). */
    saLifeTimeSeconds: number;
    /** Quick-mode SA payload size in KB (at least 1024). */
    saDataSizeKilobytes: number;
}

/** The on-premises side of a site-to-site VPN. */
export interface VpnSiteArgs {
    /** Public IPv4 address of the on-premises VPN device (the local network gateway). */
    gatewayIpAddress: string;
    /** BGP ASN of the on-premises device; with `bgpPeeringAddress` the connection runs BGP (Microsoft's choice for active-active). @default none (static routes to hybrid.onPremisesAddressPrefixes) */
    bgpAsn?: number;
    /** BGP peer IPv4 address of the on-premises device. @default none */
    bgpPeeringAddress?: string;
    /**
     * IPsec pre-shared key, as a Pulumi secret (`pulumi.Config#requireSecret`). The component wraps it in
     * `pulumi.secret` and marks `sharedKey` an additional secret output, so it never reaches state or the graph in plain
     * text. Omitted: the local network gateway exists but no connection (set the key and update to connect).
     * @default none (no connection)
     */
    sharedKey?: pulumi.Input<string>;
    /** The connection's custom IPsec/IKE policy. @default IKE GCMAES256/SHA384/ECP384, IPsec GCMAES256/GCMAES256/PFS ECP384, 27000 s, 102400000 KB */
    ipsecPolicy?: IpsecPolicySettingsArgs;
    /** Dead peer detection timeout in seconds (9-3600; Microsoft recommends 30-45). @default 45 */
    dpdTimeoutSeconds?: number;
}

/** The connection of an ExpressRoute gateway to the customer's circuit (the circuit itself is not created here). */
export interface ExpressRouteConnectionArgs {
    /** Resource ID of the ExpressRoute circuit (Microsoft.Network/expressRouteCircuits), its private peering provisioned. */
    circuitResourceId: string;
    /** Authorization key for a circuit in another subscription, as a Pulumi secret (wrapped and marked secret like the VPN key). @default none (the circuit is in this subscription) */
    authorizationKey?: pulumi.Input<string>;
    /** Routing weight of the connection (0-32000). @default 0 */
    routingWeight?: number;
}

/**
 * Hybrid connectivity in the hub: a zone-redundant VPN or ExpressRoute gateway in GatewaySubnet, its connection to
 * on-premises, the route on GatewaySubnet that sends spoke traffic through the firewall, and the firewall rules that
 * admit on-premises callers to exactly the named HTTPS hosts.
 */
export interface HybridConnectivityArgs {
    /** `none`, `vpn` or `expressroute`. @default "none" */
    type?: string;
    /** Gateway SKU, zone-redundant only: VpnGw1AZ-VpnGw5AZ (vpn) or ErGw1AZ-ErGw3AZ (expressroute). @default "VpnGw2AZ" for vpn, "ErGw1AZ" for expressroute */
    sku?: string;
    /** VPN only: active-active (two instances, two public IPs, a tunnel from each). ExpressRoute gateways are always redundant. @default true */
    activeActive?: boolean;
    /** BGP ASN of the Azure VPN gateway (ExpressRoute gateways always use 65515). @default 65515 */
    bgpAsn?: number;
    /** On-premises IPv4 address prefixes: the sources the firewall admits, and the static routes of a VPN site without BGP. @default [] */
    onPremisesAddressPrefixes?: string[];
    /** Spoke address spaces by key: GatewaySubnet routes each to the firewall (route `<key>-via-firewall`), so on-premises ↔ spoke traffic is inspected. @default {} */
    spokeAddressSpaces?: Record<string, string>;
    /** FQDNs on-premises callers may reach over HTTPS (TCP 443) through the firewall, by key (rule `on-premises-to-<key>`): the FHIR and DICOM hosts. @default {} (nothing is admitted) */
    onPremisesHttpsFqdns?: Record<string, pulumi.Input<string>>;
    /** VPN: the on-premises device. @default none (the gateway only) */
    vpnSite?: VpnSiteArgs;
    /** ExpressRoute: the circuit to connect. @default none (the gateway only) */
    expressRoute?: ExpressRouteConnectionArgs;
}

/** Which address prefixes may leave through the firewall, by workload kind (see egress.ts for the rules). */
export interface EgressSourcesArgs {
    /** Every workload subnet: Entra ID and Azure Monitor. @default [] */
    workloadAddressPrefixes?: string[];
    /** API Management subnet(s): the stv2 platform's dependencies (monitoring, NTP, CRL/OCSP, PKI, diagnostics, Windows Update, Defender). @default [] */
    apimAddressPrefixes?: string[];
    /** Container Apps subnet(s): platform images and managed identity. @default [] */
    containerAppsAddressPrefixes?: string[];
    /** FQDNs the Container Apps subnet may pull platform images from. @default mcr.microsoft.com, *.data.mcr.microsoft.com, packages.aks.azure.com, acs-mirror.azureedge.net */
    containerImageFqdns?: string[];
    /** FQDNs the jumpbox may download the FHIR Loader code package from (it uploads the package in-network; the function subnet reaches no internet host); [] for none. @default github.com, objects.githubusercontent.com, release-assets.githubusercontent.com */
    packageSourceFqdns?: string[];
    /** Let the API Management subnet reach Microsoft's SMTP relay (TCP 25/587/25028), needed only for the instance's own notification e-mail (see egress.ts). @default false */
    apimSmtpRelay?: boolean;
}

/** Azure Firewall with a Firewall Policy. */
export interface HubFirewallArgs {
    /** `Standard` or `Premium` (Premium adds IDPS in Deny mode). Basic is not offered: no DNS proxy, threat intelligence alert-only. @default "Standard" */
    sku?: string;
}

/** Azure Bastion, the only administrative entry point. */
export interface HubBastionArgs {
    /** `Basic`, `Standard` or `Premium`; Standard and above enable native-client tunnelling (needed for Entra ID SSH from the Azure CLI). @default "Basic" */
    sku?: string;
}

/** The Linux jumpbox behind Bastion. */
export interface JumpboxArgs {
    /** Deploy the jumpbox. @default true */
    enabled?: boolean;
    /** VM size; must support encryption at host and Trusted Launch. @default "Standard_D2s_v5" */
    vmSize?: string;
    /** Local admin user (SSH key only). @default "azureops" */
    adminUsername?: string;
    /** OpenSSH public key for the admin user. When omitted a 4096-bit RSA key pair is generated; its private key is a Pulumi secret stored in the hub Key Vault. @default generated */
    sshPublicKey?: pulumi.Input<string>;
    /** Entra ID group object IDs granted Virtual Machine Administrator Login (Entra ID SSH) and Reader on the VM, its NIC and the Bastion host (Bastion's native client needs them). @default [] */
    loginGroupObjectIds?: string[];
}

/** Defender for Cloud plan (Microsoft.Security/pricings) at subscription scope. */
export interface DefenderPlanArgs {
    /** Plan variant (`P1`/`P2` for VirtualMachines, `DefenderForStorageV2` for StorageAccounts, `PerKeyVault`, `PerSubscription`, `P1` for Api). @default the plan's default */
    subPlan?: string;
}

/** Governance that needs subscription-level rights, each switchable. */
export interface GovernanceArgs {
    /** Enable Defender for Cloud plans (needs Security Admin or Owner on the subscription). @default false */
    defenderPlansEnabled?: boolean;
    /** Plans to enable, by pricing name. @default VirtualMachines P1, StorageAccounts DefenderForStorageV2, KeyVaults PerKeyVault, Arm PerSubscription, Containers, AppServices, Api P1, CloudPosture */
    defenderPlans?: Record<string, DefenderPlanArgs>;
    /** Assign the built-in HITRUST/HIPAA initiative at each scope in `policyAssignmentScopes`. @default false */
    hitrustPolicyAssignmentEnabled?: boolean;
    /** Scopes (resource group IDs) for the initiative, by key; the narrowest scopes holding the platform. @default {} */
    policyAssignmentScopes?: Record<string, pulumi.Input<string>>;
    /** Audit threshold for resource-log retention in the initiative (`requiredRetentionDays`). @default 365 */
    requiredRetentionDays?: number;
    /** Network Watcher resource group the initiative checks. @default "NetworkWatcherRG" */
    networkWatcherResourceGroupName?: string;
}

export interface HubSecurityArgs {
    /** Naming parts (workload, environment, location, stack suffix). */
    naming: NamingArgs;
    /** Resource group for every hub resource. */
    resourceGroupName: pulumi.Input<string>;
    /** Tags for every taggable child. @default {} */
    tags?: Record<string, pulumi.Input<string>>;
    /** Central Log Analytics workspace. */
    workspace: WorkspaceReferenceArgs;
    /** Hub address plan. */
    network: HubNetworkArgs;
    /** Azure Firewall settings. @default Standard */
    firewall?: HubFirewallArgs;
    /** Egress the firewall allows. @default nothing but the jumpbox's own rules */
    egress?: EgressSourcesArgs;
    /** Bastion settings. @default Basic */
    bastion?: HubBastionArgs;
    /** Jumpbox settings. @default enabled, Standard_D2s_v5, generated SSH key */
    jumpbox?: JumpboxArgs;
    /** Private DNS zones to create in the hub and link to the hub VNet. @default DEFAULT_PRIVATE_DNS_ZONES */
    privateDnsZones?: string[];
    /** Defender plans and the HITRUST/HIPAA initiative. @default both off */
    governance?: GovernanceArgs;
    /** VPN or ExpressRoute gateway, its connection, GatewaySubnet routing and the on-premises firewall rules (needs network.gatewaySubnet). @default none */
    hybrid?: HybridConnectivityArgs;
    /** VNet flow logs for the hub; when enabled the component also creates the flow-log storage account and writer identity the spoke reuses. @default off */
    flowLogs?: FlowLogSettingsArgs;
    /** Spread the firewall, its public IPs and the jumpbox across availability zones 1-3. @default false */
    zoneRedundant?: boolean;
    /** Tenant of the Key Vault. @default the deploying identity's tenant (getClientConfig) */
    tenantId?: pulumi.Input<string>;
    /** Lock on the Key Vault and firewall policy (AVM `lock`). @default none */
    lock?: LockArgs;
    /** Pulumi `protect` on stateful children (Key Vault, flow-log storage). @default false */
    protectStatefulResources?: boolean;
    /** Pulumi `retainOnDelete` on stateful children. @default false */
    retainStatefulResourcesOnDelete?: boolean;
}

/**
 * Every privatelink zone the platform's private endpoints use (learn.microsoft.com/azure/private-link/
 * private-endpoint-dns). For Health Data Services workspaces (group `healthcareworkspace`) Microsoft's table lists
 * the workspace, fhir and dicom zones; the reference implementation used the older `privatelink.azurehealthcareapis.com`
 * (its defect 11), which the current CNAME chain no longer targets.
 */
export const DEFAULT_PRIVATE_DNS_ZONES = [
    "privatelink.vaultcore.azure.net",
    "privatelink.blob.core.windows.net",
    "privatelink.queue.core.windows.net",
    "privatelink.table.core.windows.net",
    "privatelink.file.core.windows.net",
    "privatelink.dfs.core.windows.net",
    "privatelink.azurecr.io",
    "privatelink.azurewebsites.net",
    "privatelink.workspace.azurehealthcareapis.com",
    "privatelink.fhir.azurehealthcareapis.com",
    "privatelink.dicom.azurehealthcareapis.com",
    "privatelink.servicebus.windows.net",
    // Analytics and Intelligence: Synapse SQL (Sql, SqlOnDemand), Dev, Studio's private link hub (web), and Azure AI
    // services accounts (group account) (private-endpoint-dns, "Analytics" and "AI + Machine Learning").
    "privatelink.sql.azuresynapse.net",
    "privatelink.dev.azuresynapse.net",
    "privatelink.azuresynapse.net",
    "privatelink.cognitiveservices.azure.com",
];

/** Defender for Cloud plans for the services this platform runs. */
export const DEFAULT_DEFENDER_PLANS: Record<string, DefenderPlanArgs> = {
    VirtualMachines: { subPlan: "P1" },
    StorageAccounts: { subPlan: "DefenderForStorageV2" },
    KeyVaults: { subPlan: "PerKeyVault" },
    Arm: { subPlan: "PerSubscription" },
    Containers: {},
    AppServices: {},
    Api: { subPlan: "P1" },
    CloudPosture: {},
};
