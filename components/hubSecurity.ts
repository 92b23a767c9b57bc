import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as security from "@pulumi/azure-native/security";
import * as storage from "@pulumi/azure-native/storage";
import * as tls from "@pulumi/tls";
import { DEFAULT_CONTAINER_IMAGE_FQDNS, DEFAULT_PACKAGE_SOURCE_FQDNS, egressRuleCollectionGroups } from "./hubEgress";
import { addressPlanProblems } from "./shared/subnets";
import { WorkspaceReferenceArgs } from "./shared/workspace";
import { createDiagnosticSettings } from "./shared/diagnostics";
import { validatedArgs } from "./shared/validation";
import { FlowLogSettingsArgs, createFlowLog, flowLogArgs } from "./shared/flowLogs";
import { LockArgs, createLock, lockProblems } from "./shared/lock";
import { NamingArgs, resourceName } from "./shared/naming";
import { DENY_ALL_INBOUND, NsgRuleSpec, createSubnetNsg, nsgRuleProblems } from "./shared/nsgRules";
import { createPrivateEndpoints } from "./shared/privateEndpoint";
import { createRoleAssignments } from "./shared/roleAssignment";
import { STORAGE_ACCOUNT_BASELINE, createStorageDiagnostics } from "./shared/storageAccount";
import { addressAt, mustParseCidr, parseCidr } from "./shared/cidr";

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
}

/** Which address prefixes may leave through the firewall, by workload kind (see hubEgress.ts for the rules). */
export interface EgressSourcesArgs {
    /** Every workload subnet: Entra ID and Azure Monitor. @default [] */
    workloadAddressPrefixes?: string[];
    /** API Management subnet(s): the stv2 platform's dependencies (monitoring, NTP, CRL/OCSP, PKI, diagnostics, Windows Update, Defender). @default [] */
    apimAddressPrefixes?: string[];
    /** Container Apps subnet(s): platform images and managed identity. @default [] */
    containerAppsAddressPrefixes?: string[];
    /** Function VNet-integration subnet(s): the FHIR Loader package source. @default [] */
    functionAddressPrefixes?: string[];
    /** FQDNs the Container Apps subnet may pull platform images from. @default mcr.microsoft.com, *.data.mcr.microsoft.com, packages.aks.azure.com, acs-mirror.azureedge.net */
    containerImageFqdns?: string[];
    /** FQDNs the function subnet may download its release package from. @default github.com, objects.githubusercontent.com, release-assets.githubusercontent.com */
    packageSourceFqdns?: string[];
    /** Let the API Management subnet reach Microsoft's SMTP relay (TCP 25/587/25028), needed only for the instance's own notification e-mail (see hubEgress.ts). @default false */
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
    /** Entra ID group object IDs granted Virtual Machine Administrator Login (Entra ID SSH). @default [] */
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

/** Built-in "HITRUST/HIPAA" regulatory compliance initiative (Azure/azure-policy HIPAA_HITRUST_audit.json). */
export const HITRUST_HIPAA_INITIATIVE_ID = "/providers/Microsoft.Authorization/policySetDefinitions/a169a624-5599-4385-a696-c8d643089fab";

const FIREWALL_SKUS = ["Standard", "Premium"];
const BASTION_SKUS = ["Basic", "Standard", "Premium"];
const PRIVATE_ZONE = /^privatelink\.[a-z0-9.-]+[a-z]$/;
const ZONES = ["1", "2", "3"];

/** NSG rules of the hub subnets, each with the document that requires it. Pure, so tests read exactly what Azure receives. */
export function hubNsgRules(n: HubNetworkArgs): { bastion: Record<string, NsgRuleSpec>; jumpbox: Record<string, NsgRuleSpec>; pe: Record<string, NsgRuleSpec> } {
    const bastionRules: Record<string, NsgRuleSpec> = {
        // Azure Bastion NSG requirements, every rule of the documented table (learn.microsoft.com/azure/bastion/bastion-nsg):
        // inbound AllowHttpsInbound, AllowGatewayManagerInbound, AllowAzureLoadBalancerInbound, AllowBastionHostCommunication;
        // outbound AllowSshRdpOutbound, AllowAzureCloudOutbound, AllowBastionCommunication, AllowHttpOutbound.
        "allow-https-inbound": { description: "Bastion: users reach the Bastion portal/native client over 443", priority: 120, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["Internet"], destinations: ["*"], ports: ["443"] },
        "allow-gateway-manager": { description: "Bastion: control plane from GatewayManager on 443", priority: 130, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["GatewayManager"], destinations: ["*"], ports: ["443"] },
        "allow-load-balancer": { description: "Bastion: health probes from AzureLoadBalancer on 443", priority: 140, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["AzureLoadBalancer"], destinations: ["*"], ports: ["443"] },
        "allow-host-communication": { description: "Bastion: data plane between Bastion instances (8080, 5701)", priority: 150, direction: "Inbound", access: "Allow", protocol: "*", sources: ["VirtualNetwork"], destinations: ["VirtualNetwork"], ports: ["8080", "5701"] },
        "deny-all-inbound": DENY_ALL_INBOUND,
        // AllowSshRdpOutbound is required as documented (22 and 3389, any protocol) even without RDP targets: Azure rejects
        // an AzureBastionSubnet NSG that lacks a required rule (NetworkSecurityGroupNotCompliantForAzureBastionSubnet).
        "allow-ssh-rdp-outbound": { description: "Bastion: sessions to target VMs over SSH and RDP (bastion-nsg AllowSshRdpOutbound)", priority: 100, direction: "Outbound", access: "Allow", protocol: "*", sources: ["*"], destinations: ["VirtualNetwork"], ports: ["22", "3389"] },
        "allow-azure-cloud-outbound": { description: "Bastion: diagnostics and metering to AzureCloud on 443", priority: 110, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["*"], destinations: ["AzureCloud"], ports: ["443"] },
        "allow-host-communication-outbound": { description: "Bastion: data plane between Bastion instances (8080, 5701)", priority: 120, direction: "Outbound", access: "Allow", protocol: "*", sources: ["VirtualNetwork"], destinations: ["VirtualNetwork"], ports: ["8080", "5701"] },
        "allow-session-info-outbound": { description: "Bastion: session and certificate validation over HTTP 80", priority: 130, direction: "Outbound", access: "Allow", protocol: "*", sources: ["*"], destinations: ["Internet"], ports: ["80"] },
        "deny-all-outbound": { description: "Bastion: nothing else leaves the Bastion subnet", priority: 4096, direction: "Outbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["*"], ports: ["*"] },
    };
    const jumpboxRules: Record<string, NsgRuleSpec> = {
        // Admin access only from Bastion (SSH); never from the internet (HITRUST 01.j, CIS Azure 6.2).
        "allow-ssh-from-bastion": { description: "SSH only from AzureBastionSubnet", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: [n.bastionSubnet], destinations: [n.jumpboxSubnet], ports: ["22"] },
        "deny-all-inbound": DENY_ALL_INBOUND,
    };
    const peRules: Record<string, NsgRuleSpec> = {
        // Private endpoints serve HTTPS only; callers are in the hub or peered spokes (VirtualNetwork includes peered VNets).
        "allow-https-from-vnet": { description: "HTTPS to private endpoints from the hub and peered spokes", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: [n.privateEndpointSubnet], ports: ["443"] },
        "deny-all-inbound": DENY_ALL_INBOUND,
    };
    return { bastion: bastionRules, jumpbox: jumpboxRules, pe: peRules };
}

/** Plain-value validation of the whole component, before any child is created. */
export function hubSecurityProblems(args: HubSecurityArgs): string[] {
    const n = args.network;
    const p = addressPlanProblems("network.addressSpace", n.addressSpace, [
        { label: "network.firewallSubnet", cidr: n.firewallSubnet, purpose: "firewall" },
        ...(n.firewallManagementSubnet !== undefined ? [{ label: "network.firewallManagementSubnet", cidr: n.firewallManagementSubnet, purpose: "firewallManagement" as const }] : []),
        { label: "network.bastionSubnet", cidr: n.bastionSubnet, purpose: "bastion" },
        { label: "network.jumpboxSubnet", cidr: n.jumpboxSubnet, purpose: "generic" },
        { label: "network.privateEndpointSubnet", cidr: n.privateEndpointSubnet, purpose: "generic" },
    ]).map((x) => `${x.label}: ${x.message}`);
    const fwSku = args.firewall?.sku ?? "Standard";
    if (!FIREWALL_SKUS.includes(fwSku)) p.push(`firewall.sku "${fwSku}" is not one of ${FIREWALL_SKUS.join(", ")} (Basic has no DNS proxy and cannot deny on threat intelligence)`);
    const basSku = args.bastion?.sku ?? "Basic";
    if (!BASTION_SKUS.includes(basSku)) p.push(`bastion.sku "${basSku}" is not one of ${BASTION_SKUS.join(", ")}`);
    const e = args.egress ?? {};
    for (const [k, v] of Object.entries({ workloadAddressPrefixes: e.workloadAddressPrefixes, apimAddressPrefixes: e.apimAddressPrefixes, containerAppsAddressPrefixes: e.containerAppsAddressPrefixes, functionAddressPrefixes: e.functionAddressPrefixes })) {
        for (const c of v ?? []) if (typeof parseCidr(c) === "string") p.push(`egress.${k}: "${c}" is not a CIDR`);
    }
    for (const z of args.privateDnsZones ?? []) if (!PRIVATE_ZONE.test(z)) p.push(`privateDnsZones: "${z}" is not a privatelink zone name`);
    if (!(args.privateDnsZones ?? DEFAULT_PRIVATE_DNS_ZONES).includes("privatelink.vaultcore.azure.net")) p.push("privateDnsZones must include privatelink.vaultcore.azure.net (the hub Key Vault's endpoint)");
    const g = args.governance ?? {};
    if (g.hitrustPolicyAssignmentEnabled === true && Object.keys(g.policyAssignmentScopes ?? {}).length === 0) p.push("governance.policyAssignmentScopes must name at least one scope when the initiative is enabled");
    for (const k of Object.keys(g.policyAssignmentScopes ?? {})) if (!/^[a-z0-9-]{1,20}$/.test(k)) p.push(`governance.policyAssignmentScopes key "${k}" must be 1-20 lowercase letters, digits or hyphens`);
    const j = args.jumpbox ?? {};
    if (j.adminUsername !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(j.adminUsername)) p.push(`jumpbox.adminUsername "${j.adminUsername}" must be 1-32 lowercase letters, digits, _ or -`);
    for (const id of j.loginGroupObjectIds ?? []) if (!/^[0-9a-f-]{36}$/i.test(id)) p.push(`jumpbox.loginGroupObjectIds: "${id}" is not an object ID`);
    const rules = hubNsgRules(n);
    for (const k of ["bastion", "jumpbox", "pe"] as const) p.push(...nsgRuleProblems(`nsg.${k}`, rules[k]));
    p.push(...lockProblems(args.lock));
    return p;
}

/**
 * The hub of the hub-and-spoke network: Azure Firewall (Firewall Policy, threat intelligence Deny, DNS proxy, IDPS on
 * Premium) as the only way out, Bastion as the only way in, a Linux jumpbox without public IP or password, the hub
 * Key Vault, the private DNS zones every private endpoint registers in, VNet flow logs, and the subscription-level
 * governance the reference implementation claimed but never deployed (Defender plans, the HITRUST/HIPAA initiative).
 */
export class HubSecurity extends pulumi.ComponentResource {
    /** Private IP of the firewall: next hop for every spoke route and the spoke's DNS server (DNS proxy). */
    public readonly firewallPrivateIp: pulumi.Output<string>;
    /** Resource ID of the firewall policy. */
    public readonly firewallPolicyId: pulumi.Output<string>;
    public readonly hubVirtualNetworkId: pulumi.Output<string>;
    public readonly hubVirtualNetworkName: pulumi.Output<string>;
    /** Private DNS zone resource IDs by zone name. */
    public readonly privateDnsZoneIds: pulumi.Output<Record<string, string>>;
    public readonly keyVaultId: pulumi.Output<string>;
    public readonly keyVaultUri: pulumi.Output<string>;
    /** The central workspace the hub's diagnostics go to (passed through for wiring). */
    public readonly workspaceId: pulumi.Output<string>;
    /** Flow-log storage account (empty when flow logs are off). */
    public readonly flowLogStorageAccountId: pulumi.Output<string>;
    /**
     * Resource ID of the user-assigned identity that writes flow logs (empty when flow logs are off). The output depends
     * on the identity's Storage Blob Data Contributor assignment on the flow-log account, so a flow log given this ID
     * waits for (and records a dependency on) that grant. Identity-based flow-log writes are a recent Network Watcher
     * capability (learn.microsoft.com/azure/network-watcher/vnet-flow-logs-managed-identity); where it is unavailable,
     * omit the identity: Network Watcher then writes as a trusted Azure service, which the account's
     * `bypass: AzureServices` admits.
     */
    public readonly flowLogIdentityId: pulumi.Output<string>;
    /** Jumpbox VM resource ID and its managed identity (empty when the jumpbox is off). */
    public readonly jumpboxId: pulumi.Output<string>;
    public readonly jumpboxPrincipalId: pulumi.Output<string>;
    /** Key Vault secret that holds the generated jumpbox SSH private key (its ID, never the key; empty when a key was supplied). */
    public readonly jumpboxSshKeySecretId: pulumi.Output<string>;

    constructor(name: string, args: HubSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:HubSecurity", name, validatedArgs("HubSecurity", name, args, hubSecurityProblems), opts);

        // ---- defaults, applied in one place ----
        const naming = args.naming;
        const location = naming.location;
        const rg = args.resourceGroupName;
        const tags = args.tags ?? {};
        const fwSku = args.firewall?.sku ?? "Standard";
        const bastionSku = args.bastion?.sku ?? "Basic";
        const j = args.jumpbox ?? {};
        const jump = { enabled: j.enabled ?? true, vmSize: j.vmSize ?? "Standard_D2s_v5", adminUsername: j.adminUsername ?? "azureops", loginGroupObjectIds: j.loginGroupObjectIds ?? [], sshPublicKey: j.sshPublicKey };
        const zones = args.zoneRedundant === true ? ZONES : undefined;
        const dnsZones = args.privateDnsZones ?? DEFAULT_PRIVATE_DNS_ZONES;
        const egress = args.egress ?? {};
        const gov = args.governance ?? {};
        const flow = args.flowLogs ?? {};
        const child: pulumi.CustomResourceOptions = { parent: this };
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect: args.protectStatefulResources === true, retainOnDelete: args.retainStatefulResourcesOnDelete === true };
        const diag = (key: string, uri: pulumi.Input<string>) => createDiagnosticSettings(`${name}-${key}`, uri, {
            law: { workspaceResourceId: args.workspace.resourceId },
        }, child);
        const client = authorization.getClientConfigOutput({ parent: this });
        const tenantId = args.tenantId ?? client.tenantId;

        // ---- NSGs and the jumpbox route table (subnets are created inline with the VNet, so no subnet ever exists
        //      without its NSG and routes) ----
        const nsgRules = hubNsgRules(args.network);
        const nsg = (key: keyof typeof nsgRules, instance: string) => createSubnetNsg(`${name}-nsg-${key}`, nsgRules[key], {
            name: resourceName("networkSecurityGroup", naming, instance), resourceGroupName: rg, location, tags, workspaceResourceId: args.workspace.resourceId,
        }, child);
        const nsgs = { bastion: nsg("bastion", "bas"), jumpbox: nsg("jumpbox", "jump"), pe: nsg("pe", "hpe") };

        // Azure Firewall's private (load-balancer frontend) IP is the first usable address of AzureFirewallSubnet
        // (.4: Azure reserves .0-.3 in every subnet). Knowing it before the firewall exists lets the jumpbox route be
        // part of the route table created with the VNet (a separate Route resource would be wiped by any later PUT of
        // its table), and lets a preview show the real next hop. The firewall's reported IP is checked against it below.
        const expectedFirewallIp = addressAt(mustParseCidr("network.firewallSubnet", args.network.firewallSubnet), 4);
        const defaultRouteTable = (key: string, instance: string) => new network.RouteTable(`${name}-rt-${key}`, {
            routeTableName: resourceName("routeTable", naming, instance),
            resourceGroupName: rg,
            location,
            // Gateway-learned routes must not bypass the firewall.
            disableBgpRoutePropagation: true,
            routes: [{ name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: expectedFirewallIp }],
            tags,
        }, child);
        const jumpboxRouteTable = defaultRouteTable("jumpbox", "jump");
        // The endpoint subnet hosts no compute, and endpoints ignore route tables while the subnet's route-table network
        // policy is off (it is: only the NSG policy is on). The default route still goes to the firewall, so anything
        // ever placed in the subnet besides endpoints cannot reach the internet around it (subnet-egress-via-firewall).
        const peRouteTable = defaultRouteTable("pe", "hpe");

        const vnetName = resourceName("virtualNetwork", naming, "hub");
        const vnet = new network.VirtualNetwork(`${name}-vnet`, {
            virtualNetworkName: vnetName,
            resourceGroupName: rg,
            location,
            addressSpace: { addressPrefixes: [args.network.addressSpace] },
            subnets: [
                // Azure-reserved names; neither AzureFirewallSubnet nor AzureFirewallManagementSubnet may carry an NSG or a
                // custom route table (learn.microsoft.com/azure/firewall/firewall-faq).
                { name: "AzureFirewallSubnet", addressPrefix: args.network.firewallSubnet },
                ...(args.network.firewallManagementSubnet !== undefined ? [{ name: "AzureFirewallManagementSubnet", addressPrefix: args.network.firewallManagementSubnet }] : []),
                // Bastion: NSG with the documented rules; a route table is not supported (bastion-faq).
                { name: "AzureBastionSubnet", addressPrefix: args.network.bastionSubnet, networkSecurityGroup: { id: nsgs.bastion.id } },
                {
                    name: "snet-jumpbox", addressPrefix: args.network.jumpboxSubnet, networkSecurityGroup: { id: nsgs.jumpbox.id }, routeTable: { id: jumpboxRouteTable.id },
                    // No implicit internet egress: everything leaves through the firewall.
                    defaultOutboundAccess: false,
                },
                {
                    name: "snet-private-endpoints", addressPrefix: args.network.privateEndpointSubnet, networkSecurityGroup: { id: nsgs.pe.id }, routeTable: { id: peRouteTable.id },
                    // Apply the NSG to private endpoints; leave routes alone so endpoint /32 routes stay direct.
                    privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled",
                    defaultOutboundAccess: false,
                },
            ],
            tags,
        }, child);
        diag("vnet", vnet.id);
        const subnetId = (subnet: string) => pulumi.interpolate`${vnet.id}/subnets/${subnet}`;

        // ---- Azure Firewall with a Firewall Policy (no classic rule collections; reference defect 2) ----
        const pip = (key: string, instance: string) => {
            const ip = new network.PublicIPAddress(`${name}-pip-${key}`, {
                publicIpAddressName: resourceName("publicIpAddress", naming, instance),
                resourceGroupName: rg,
                location,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                publicIPAddressVersion: "IPv4",
                ...(zones !== undefined ? { zones } : {}),
                tags,
            }, child);
            diag(`pip-${key}`, ip.id);
            return ip;
        };
        const policy = new network.FirewallPolicy(`${name}-afwp`, {
            firewallPolicyName: resourceName("firewallPolicy", naming, "hub"),
            resourceGroupName: rg,
            location,
            sku: { tier: fwSku },
            // Known-malicious IPs and domains are blocked, not just alerted (HITRUST 09.j, Azure Policy "Azure Firewall
            // Policy should enable threat intelligence").
            threatIntelMode: "Deny",
            // DNS proxy: the spokes' DNS server, so FQDN network rules work and every lookup is logged (AZFWDnsQuery).
            dnsSettings: { enableProxy: true },
            // IDPS only exists on Premium; Deny drops matching flows (learn.microsoft.com/azure/firewall/premium-features#idps).
            ...(fwSku === "Premium" ? { intrusionDetection: { mode: "Deny" } } : {}),
            // Policy analytics into the central workspace.
            insights: { isEnabled: true, retentionDays: 30, logAnalyticsResources: { defaultWorkspaceId: { id: args.workspace.resourceId } } },
            tags,
        }, child);

        // Rule collection groups of one policy must be written one at a time (parallel PUTs fail with
        // "AnotherOperationInProgress"), and the firewall is attached after the last one.
        const groups = egressRuleCollectionGroups({
            all: egress.workloadAddressPrefixes ?? [],
            jumpbox: jump.enabled ? [args.network.jumpboxSubnet] : [],
            apim: egress.apimAddressPrefixes ?? [],
            containerApps: egress.containerAppsAddressPrefixes ?? [],
            functions: egress.functionAddressPrefixes ?? [],
        }, egress.containerImageFqdns ?? DEFAULT_CONTAINER_IMAGE_FQDNS, egress.packageSourceFqdns ?? DEFAULT_PACKAGE_SOURCE_FQDNS, { apimSmtpRelay: egress.apimSmtpRelay === true });
        let previous: pulumi.Resource | undefined;
        for (const g of groups) {
            previous = new network.FirewallPolicyRuleCollectionGroup(`${name}-rcg-${g.name}`, {
                ruleCollectionGroupName: g.name,
                firewallPolicyName: policy.name,
                resourceGroupName: rg,
                priority: g.priority,
                ruleCollections: g.collections,
            }, { parent: this, ...(previous !== undefined ? { dependsOn: [previous] } : {}) });
        }

        const fwPip = pip("afw", "afw");
        const mgmtPip = args.network.firewallManagementSubnet !== undefined ? pip("afw-mgmt", "afwm") : undefined;
        const firewall = new network.AzureFirewall(`${name}-afw`, {
            azureFirewallName: resourceName("firewall", naming, "hub"),
            resourceGroupName: rg,
            location,
            sku: { name: "AZFW_VNet", tier: fwSku },
            firewallPolicy: { id: policy.id },
            ipConfigurations: [{ name: "ipconfig", subnet: { id: subnetId("AzureFirewallSubnet") }, publicIPAddress: { id: fwPip.id } }],
            ...(mgmtPip !== undefined ? { managementIpConfiguration: { name: "mgmt-ipconfig", subnet: { id: subnetId("AzureFirewallManagementSubnet") }, publicIPAddress: { id: mgmtPip.id } } } : {}),
            ...(zones !== undefined ? { zones } : {}),
            tags,
        }, { parent: this, ...(previous !== undefined ? { dependsOn: [previous] } : {}) });
        diag("afw", firewall.id);
        this.firewallPrivateIp = firewall.ipConfigurations.apply((configs) => {
            const ip = configs?.[0]?.privateIPAddress;
            if (ip !== expectedFirewallIp) {
                throw new Error(`HubSecurity ${name}: the firewall reports private IP ${ip ?? "(none)"}, but routes and DNS were planned for ${expectedFirewallIp} (first usable address of AzureFirewallSubnet); fix the subnet before traffic is blackholed`);
            }
            return ip;
        });

        // ---- private DNS zones, linked to the hub (the spoke links itself) ----
        const zoneResources: Record<string, privatedns.PrivateZone> = {};
        for (const zone of dnsZones) {
            const z = new privatedns.PrivateZone(`${name}-pdns-${zone}`, { privateZoneName: zone, resourceGroupName: rg, location: "global", tags }, child);
            new privatedns.VirtualNetworkLink(`${name}-pdns-${zone}-link-hub`, {
                virtualNetworkLinkName: pulumi.interpolate`link-${vnet.name}`,
                privateZoneName: z.name,
                resourceGroupName: rg,
                location: "global",
                registrationEnabled: false,
                virtualNetwork: { id: vnet.id },
                tags,
            }, child);
            zoneResources[zone] = z;
        }
        this.privateDnsZoneIds = pulumi.all(Object.fromEntries(Object.entries(zoneResources).map(([k, z]) => [k, z.id])));

        // ---- Key Vault: RBAC, purge protection, 90-day soft delete, private only ----
        const vault = new keyvault.Vault(`${name}-kv`, {
            vaultName: resourceName("keyVault", naming, "hub"),
            resourceGroupName: rg,
            location,
            properties: {
                tenantId,
                sku: { family: "A", name: "standard" },
                enableRbacAuthorization: true,
                enablePurgeProtection: true,
                enableSoftDelete: true,
                softDeleteRetentionInDays: 90,
                publicNetworkAccess: "Disabled",
                networkAcls: { defaultAction: "Deny", bypass: "None" },
                enabledForDeployment: false,
                enabledForDiskEncryption: false,
                enabledForTemplateDeployment: false,
            },
            tags,
        }, stateful);
        diag("kv", vault.id);
        const vaultZone = zoneResources["privatelink.vaultcore.azure.net"];
        createPrivateEndpoints(`${name}-kv`, { id: vault.id, name: vault.name, resourceGroupName: rg, location, tags }, {
            vault: { subnetResourceId: subnetId("snet-private-endpoints"), service: "vault", privateDnsZoneResourceIds: vaultZone !== undefined ? [vaultZone.id] : [] },
        }, child);
        createLock(`${name}-kv`, vault.id, args.lock, child);
        this.keyVaultId = vault.id;
        this.keyVaultUri = vault.properties.apply((p) => p.vaultUri ?? "");

        // ---- Bastion ----
        const bastionPip = pip("bas", "bas");
        const tunnelling = bastionSku !== "Basic";
        const bastion = new network.BastionHost(`${name}-bas`, {
            bastionHostName: resourceName("bastion", naming, "hub"),
            resourceGroupName: rg,
            location,
            sku: { name: bastionSku },
            ipConfigurations: [{ name: "ipconfig", subnet: { id: subnetId("AzureBastionSubnet") }, publicIPAddress: { id: bastionPip.id } }],
            // Native-client tunnelling (az network bastion ssh --auth-type AAD) needs Standard or above.
            ...(tunnelling ? { enableTunneling: true, enableShareableLink: false, enableIpConnect: false } : {}),
            tags,
        }, child);
        diag("bas", bastion.id);

        // ---- jumpbox: Linux, no public IP, SSH key only, Entra ID login, encryption at host, Trusted Launch ----
        let jumpboxId: pulumi.Output<string> = pulumi.output("");
        let jumpboxPrincipalId: pulumi.Output<string> = pulumi.output("");
        let sshSecretId: pulumi.Output<string> = pulumi.output("");
        if (jump.enabled) {
            let publicKey: pulumi.Input<string>;
            if (jump.sshPublicKey !== undefined) {
                publicKey = jump.sshPublicKey;
            } else {
                // Generated key pair (reference defect 8 derived the password from the subscription ID). The private key
                // is secret in Pulumi state and kept in the hub Key Vault for break-glass use; Entra ID login is the normal path.
                const key = new tls.PrivateKey(`${name}-jumpbox-ssh`, { algorithm: "RSA", rsaBits: 4096 }, child);
                publicKey = key.publicKeyOpenssh;
                const secret = new keyvault.Secret(`${name}-jumpbox-ssh-secret`, {
                    secretName: "jumpbox-ssh-private-key",
                    vaultName: vault.name,
                    resourceGroupName: rg,
                    properties: { value: pulumi.secret(key.privateKeyOpenssh), contentType: "application/x-openssh-private-key" },
                    tags,
                }, { parent: this, additionalSecretOutputs: ["properties"] });
                sshSecretId = secret.id;
            }
            const nic = new network.NetworkInterface(`${name}-jumpbox-nic`, {
                networkInterfaceName: resourceName("networkInterface", naming, "jump"),
                resourceGroupName: rg,
                location,
                ipConfigurations: [{ name: "ipconfig", subnet: { id: subnetId("snet-jumpbox") }, privateIPAllocationMethod: "Dynamic" }],
                // Resolve through the firewall's DNS proxy, so the jumpbox's lookups are logged like the spoke's.
                dnsSettings: { dnsServers: [this.firewallPrivateIp] },
                enableIPForwarding: false,
                tags,
            }, child);
            const vm = new compute.VirtualMachine(`${name}-jumpbox`, {
                vmName: resourceName("virtualMachine", naming, "jump"),
                resourceGroupName: rg,
                location,
                hardwareProfile: { vmSize: jump.vmSize },
                identity: { type: "SystemAssigned" },
                storageProfile: {
                    imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" },
                    osDisk: { createOption: "FromImage", caching: "ReadWrite", deleteOption: "Delete", managedDisk: { storageAccountType: "Premium_LRS" } },
                },
                osProfile: {
                    computerName: "jumpbox",
                    adminUsername: jump.adminUsername,
                    linuxConfiguration: {
                        disablePasswordAuthentication: true,
                        ssh: { publicKeys: [{ path: `/home/${jump.adminUsername}/.ssh/authorized_keys`, keyData: publicKey }] },
                        provisionVMAgent: true,
                        patchSettings: { patchMode: "AutomaticByPlatform", assessmentMode: "AutomaticByPlatform" },
                    },
                    allowExtensionOperations: true,
                },
                securityProfile: {
                    // Temp disks and caches encrypted on the host (needs the EncryptionAtHost feature on the subscription).
                    encryptionAtHost: true,
                    securityType: "TrustedLaunch",
                    uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
                },
                networkProfile: { networkInterfaces: [{ id: nic.id, primary: true, deleteOption: "Delete" }] },
                // Managed boot-diagnostics storage: no storage account or key to manage.
                diagnosticsProfile: { bootDiagnostics: { enabled: true } },
                ...(zones !== undefined ? { zones: ["1"] } : {}),
                tags,
            }, child);
            new compute.VirtualMachineExtension(`${name}-jumpbox-aad-ssh`, {
                vmName: vm.name,
                resourceGroupName: rg,
                location,
                vmExtensionName: "AADSSHLoginForLinux",
                publisher: "Microsoft.Azure.ActiveDirectory",
                type: "AADSSHLoginForLinux",
                typeHandlerVersion: "1.0",
                autoUpgradeMinorVersion: true,
                tags,
            }, child);
            createRoleAssignments(`${name}-jumpbox`, vm.id, Object.fromEntries(jump.loginGroupObjectIds.map((id, i) => [`login${i}`, {
                roleDefinitionIdOrName: "Virtual Machine Administrator Login",
                principalId: id,
                principalType: "Group",
                description: "Entra ID SSH to the jumpbox through Bastion",
            }])), child);
            jumpboxId = vm.id;
            jumpboxPrincipalId = vm.identity.apply((i) => i?.principalId ?? "");
        }
        this.jumpboxId = jumpboxId;
        this.jumpboxPrincipalId = jumpboxPrincipalId;
        this.jumpboxSshKeySecretId = sshSecretId;

        // ---- flow logs: storage without shared keys, written by a user-assigned identity ----
        let flowStorageId: pulumi.Output<string> = pulumi.output("");
        let flowIdentityId: pulumi.Output<string> = pulumi.output("");
        if (flow.enabled === true) {
            const account = new storage.StorageAccount(`${name}-st-flowlogs`, {
                accountName: resourceName("storageAccount", naming, "flow"),
                resourceGroupName: rg,
                location,
                ...STORAGE_ACCOUNT_BASELINE,
                sku: { name: zones !== undefined ? "Standard_ZRS" : "Standard_LRS" },
                // Network Watcher writes as a trusted Azure service, which only works through the public endpoint's
                // trusted-services exception; no IP or VNet rule opens it to anything else.
                publicNetworkAccess: "Enabled",
                networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
                // Double encryption at rest (service + infrastructure), as for every account in the platform.
                encryption: { keySource: "Microsoft.Storage", requireInfrastructureEncryption: true, services: { blob: { enabled: true, keyType: "Account" } } },
                tags,
            }, stateful);
            // Account-level settings take metrics only; the blob logs live on the blob service.
            createStorageDiagnostics(`${name}-st-flowlogs`, account.id, pulumi.interpolate`${account.id}/blobServices/default`, args.workspace.resourceId, child);
            const identity = new managedidentity.UserAssignedIdentity(`${name}-id-flowlogs`, {
                resourceName: resourceName("userAssignedIdentity", naming, "flow"),
                resourceGroupName: rg,
                location,
                tags,
            }, child);
            const writer = createRoleAssignments(`${name}-st-flowlogs`, account.id, {
                writer: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: identity.principalId, description: "VNet flow logs write blobs without shared keys" },
            }, child)["writer"];
            if (writer === undefined) throw new Error(`HubSecurity ${name}: the flow-log writer role assignment was not created`);
            flowStorageId = account.id;
            // The identity's ID, released only once its write access exists: every flow log that names it (the hub's
            // below, the spoke's through the flowLogIdentityId output) depends on the role assignment, so Network Watcher
            // is never configured to write with an identity that may not write yet (role assignments take effect on create).
            flowIdentityId = pulumi.all([identity.id, writer.id]).apply(([id]) => id);
            createFlowLog(`${name}-vnet`, { id: vnet.id, name: vnet.name, location }, flowLogArgs(flow, {
                storageAccountResourceId: account.id,
                userAssignedIdentityResourceId: flowIdentityId,
                workspaceResourceId: args.workspace.resourceId,
                workspaceCustomerId: args.workspace.customerId,
                workspaceRegion: location,
            }), tags, { ...child, dependsOn: [writer] });
        }
        this.flowLogStorageAccountId = flowStorageId;
        this.flowLogIdentityId = flowIdentityId;

        // ---- governance (reference defect 12: claimed, never deployed) ----
        if (gov.defenderPlansEnabled === true) {
            const subscriptionScope = pulumi.interpolate`/subscriptions/${client.subscriptionId}`;
            for (const [plan, settings] of Object.entries(gov.defenderPlans ?? DEFAULT_DEFENDER_PLANS)) {
                new security.Pricing(`${name}-defender-${plan}`, {
                    scopeId: subscriptionScope,
                    pricingName: plan,
                    pricingTier: "Standard",
                    ...(settings.subPlan !== undefined ? { subPlan: settings.subPlan } : {}),
                }, child);
            }
        }
        if (gov.hitrustPolicyAssignmentEnabled === true) {
            for (const [key, scope] of Object.entries(gov.policyAssignmentScopes ?? {})) {
                new authorization.PolicyAssignment(`${name}-hitrust-${key}`, {
                    policyAssignmentName: `hitrust-hipaa-${key}`,
                    displayName: `HITRUST/HIPAA (${key})`,
                    description: "Built-in HITRUST/HIPAA regulatory compliance initiative, assigned by the ahds platform",
                    scope,
                    policyDefinitionId: HITRUST_HIPAA_INITIATIVE_ID,
                    // Compliance is evaluated and reported; the initiative's Modify/DeployIfNotExists members (identity
                    // prerequisites, guest-configuration extensions, NSG diagnostics to storage) do not change a PHI
                    // environment on their own. Operators remediate deliberately with remediation tasks.
                    enforcementMode: "DoNotEnforce",
                    // The initiative has Modify/DeployIfNotExists members, so Azure requires an identity and a location.
                    identity: { type: "SystemAssigned" },
                    location,
                    parameters: {
                        requiredRetentionDays: { value: String(gov.requiredRetentionDays ?? 365) },
                        NetworkWatcherResourceGroupName: { value: gov.networkWatcherResourceGroupName ?? "NetworkWatcherRG" },
                        // Required parameters without defaults. The Windows guest-configuration audits have no Windows VM
                        // to audit here; the NSG-diagnostics deployment target is the hub resource group.
                        installedApplicationsOnWindowsVM: { value: "" },
                        CertificateThumbprints: { value: "" },
                        DeployDiagnosticSettingsforNetworkSecurityGroupsrgName: { value: rg },
                        DeployDiagnosticSettingsforNetworkSecurityGroupsstoragePrefix: { value: `${naming.workload}${naming.environment}` },
                    },
                    nonComplianceMessages: [{ message: "This resource breaks a HITRUST/HIPAA control of the ahds platform; see the initiative's compliance view." }],
                }, child);
            }
        }

        this.firewallPolicyId = policy.id;
        this.hubVirtualNetworkId = vnet.id;
        this.hubVirtualNetworkName = vnet.name;
        this.workspaceId = pulumi.output(args.workspace.resourceId);
        this.registerOutputs({
            firewallPrivateIp: this.firewallPrivateIp,
            firewallPolicyId: this.firewallPolicyId,
            hubVirtualNetworkId: this.hubVirtualNetworkId,
            hubVirtualNetworkName: this.hubVirtualNetworkName,
            privateDnsZoneIds: this.privateDnsZoneIds,
            keyVaultId: this.keyVaultId,
            keyVaultUri: this.keyVaultUri,
            workspaceId: this.workspaceId,
            flowLogStorageAccountId: this.flowLogStorageAccountId,
            flowLogIdentityId: this.flowLogIdentityId,
            jumpboxId: this.jumpboxId,
            jumpboxPrincipalId: this.jumpboxPrincipalId,
            jumpboxSshKeySecretId: this.jumpboxSshKeySecretId,
        });
    }
}
