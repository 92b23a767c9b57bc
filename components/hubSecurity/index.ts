import * as pulumi from "@pulumi/pulumi";
import { validatedArgs } from "../shared/validation";
import { HubSecurityArgs } from "./args";
import { hubContext, hubSettings } from "./context";
import { createHubNetwork } from "./network";
import { createFirewall } from "./firewall";
import { createKeyVault, createPrivateDnsZones } from "./keyVault";
import { createBastion } from "./bastion";
import { createJumpbox } from "./jumpbox";
import { createHubFlowLogs } from "./flowLogs";
import { createGovernance } from "./governance";
import { createHybridGateway } from "./hybrid";
import { createDnsResolver, onPremisesForwarderZones } from "./resolver";
import { hubSecurityProblems } from "./validate";

export * from "./args";
export { hubSecurityProblems } from "./validate";
export { hubNsgRules } from "./network";
export { HITRUST_HIPAA_INITIATIVE_ID } from "./governance";
export { onPremisesForwarderZones } from "./resolver";
export {
    AZURE_GATEWAY_ASN, DEFAULT_GATEWAY_SKUS, DEFAULT_IPSEC_POLICY, EXPRESSROUTE_GATEWAY_SKUS, HYBRID_TYPES, STRONG_IPSEC_ALGORITHMS, VPN_GATEWAY_SKUS,
} from "./hybridRules";

/**
 * The hub of the hub-and-spoke network: Azure Firewall (Firewall Policy, threat intelligence Deny, DNS proxy, IDPS on
 * Premium) as the only way out, Bastion as the only way in, a Linux jumpbox without public IP or password, the hub
 * Key Vault, the private DNS zones every private endpoint registers in, VNet flow logs, and the subscription-level
 * governance the reference implementation claimed but never deployed (Defender plans, the HITRUST/HIPAA initiative).
 *
 * Optionally (`hybrid`, issue 20) the hub also connects on-premises: a zone-redundant VPN or ExpressRoute gateway in
 * GatewaySubnet and its connection, a GatewaySubnet route sending spoke traffic through the firewall, firewall rules
 * admitting on-premises callers to exactly the given HTTPS hosts (the FHIR and DICOM private endpoints), and a DNS
 * Private Resolver whose inbound endpoint on-premises DNS servers forward to. These live here rather than in a
 * component of their own because the hub VNet declares its subnets inline: a second component adding GatewaySubnet or
 * the resolver's subnet as standalone Subnet resources would fight the VNet over its subnet list on every update.
 */
export class HubSecurity extends pulumi.ComponentResource {
    /** Private IP of the firewall: next hop for every spoke route and the spoke's DNS server (DNS proxy). */
    public readonly firewallPrivateIp: pulumi.Output<string>;
    /** Resource ID of the firewall policy. */
    public readonly firewallPolicyId: pulumi.Output<string>;
    /** Resource ID of the hub VNet (spokes peer with it; private DNS zones link to it). */
    public readonly hubVirtualNetworkId: pulumi.Output<string>;
    /** Azure name of the hub VNet. */
    public readonly hubVirtualNetworkName: pulumi.Output<string>;
    /** Private DNS zone resource IDs by zone name. */
    public readonly privateDnsZoneIds: pulumi.Output<Record<string, string>>;
    /** Resource ID of the hub Key Vault (RBAC, purge protection, private endpoint only). */
    public readonly keyVaultId: pulumi.Output<string>;
    /** Data-plane URI of the hub Key Vault (`https://<vault>.vault.azure.net/`). */
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
    /** Resource ID of the jumpbox VM, released once its Entra ID login extension is installed, so Run Commands given it wait for that (empty when the jumpbox is off). */
    public readonly jumpboxId: pulumi.Output<string>;
    /** Object ID of the jumpbox's system-assigned identity, for in-network uploads (empty when the jumpbox is off). */
    public readonly jumpboxPrincipalId: pulumi.Output<string>;
    /** Key Vault secret that holds the generated jumpbox SSH private key (its ID, never the key; empty when a key was supplied). */
    public readonly jumpboxSshKeySecretId: pulumi.Output<string>;
    /** Resource ID of the VPN or ExpressRoute gateway, for the spoke's gateway transit (empty without `hybrid`). */
    public readonly gatewayId: pulumi.Output<string>;
    /** The gateway's public IP addresses, the peers of the on-premises VPN device (one, two when active-active; empty without `hybrid`). */
    public readonly gatewayPublicIps: pulumi.Output<string[]>;
    /** The gateway's BGP peer address(es) as Azure reports them (comma-separated for active-active; empty without BGP). */
    public readonly gatewayBgpPeeringAddress: pulumi.Output<string>;
    /** Resource ID of the site-to-site or ExpressRoute connection (empty until the on-premises side, and for VPN the shared key, is given). */
    public readonly gatewayConnectionId: pulumi.Output<string>;
    /** Static IP of the DNS Private Resolver's inbound endpoint, the on-premises conditional forwarders' target (empty without a resolver). */
    public readonly dnsResolverInboundIp: pulumi.Output<string>;
    /** Zones on-premises DNS servers forward to the resolver: the public zones of every privatelink zone created here (empty without a resolver). */
    public readonly onPremisesDnsForwarders: pulumi.Output<string[]>;

    constructor(name: string, args: HubSecurityArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        // The args also reach the engine (and state) as the component's inputs: keys in them go as secrets, whatever the caller passed.
        super("ahds:index:HubSecurity", name, withSecretKeys(validatedArgs("HubSecurity", name, args, hubSecurityProblems)), opts);

        // Defaults, applied in one place (context.ts).
        const ctx = hubContext(args);
        const settings = hubSettings(this, args);

        const hub = createHubNetwork(this, name, ctx, settings.network, settings.hybrid);
        const firewall = createFirewall(this, name, ctx, settings, hub);
        const zones = createPrivateDnsZones(this, name, ctx, settings.privateDnsZones, hub.vnet);
        const vault = createKeyVault(this, name, ctx, settings, hub, zones);
        const bastion = createBastion(this, name, ctx, settings.bastionSku, hub);
        const jumpbox = createJumpbox(this, name, ctx, settings.jumpbox, { hub, vault, firewallPrivateIp: firewall.privateIp, bastion });
        const flowLogs = createHubFlowLogs(this, name, ctx, settings.flowLogs, hub.vnet);
        createGovernance(this, name, ctx, settings);
        const gateway = settings.hybrid !== undefined ? createHybridGateway(this, name, ctx, settings.hybrid, hub) : undefined;
        const resolver = createDnsResolver(this, name, ctx, hub);

        this.firewallPrivateIp = firewall.privateIp;
        this.firewallPolicyId = firewall.policy.id;
        this.hubVirtualNetworkId = hub.vnet.id;
        this.hubVirtualNetworkName = hub.vnet.name;
        this.privateDnsZoneIds = pulumi.all(Object.fromEntries(Object.entries(zones).map(([k, z]) => [k, z.id])));
        this.keyVaultId = vault.id;
        this.keyVaultUri = vault.properties.apply((p) => p.vaultUri ?? "");
        this.workspaceId = pulumi.output(args.workspace.resourceId);
        this.flowLogStorageAccountId = flowLogs.storageAccountId;
        this.flowLogIdentityId = flowLogs.identityId;
        this.jumpboxId = jumpbox.id;
        this.jumpboxPrincipalId = jumpbox.principalId;
        this.jumpboxSshKeySecretId = jumpbox.sshKeySecretId;
        this.gatewayId = gateway?.gateway.id ?? pulumi.output("");
        this.gatewayPublicIps = pulumi.all((gateway?.publicIps ?? []).map((p) => p.ipAddress.apply((a) => a ?? "")));
        this.gatewayBgpPeeringAddress = gateway?.gateway.bgpSettings.apply((b) => b?.bgpPeeringAddress ?? "") ?? pulumi.output("");
        this.gatewayConnectionId = gateway?.connection?.id ?? pulumi.output("");
        this.dnsResolverInboundIp = pulumi.output(resolver?.inboundIp ?? "");
        this.onPremisesDnsForwarders = pulumi.output(resolver !== undefined ? onPremisesForwarderZones(settings.privateDnsZones) : []);
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
            gatewayId: this.gatewayId,
            gatewayPublicIps: this.gatewayPublicIps,
            gatewayBgpPeeringAddress: this.gatewayBgpPeeringAddress,
            gatewayConnectionId: this.gatewayConnectionId,
            dnsResolverInboundIp: this.dnsResolverInboundIp,
            onPremisesDnsForwarders: this.onPremisesDnsForwarders,
        });
    }
}

/** The args with the hybrid keys (VPN pre-shared key, ExpressRoute authorization key) wrapped in `pulumi.secret`. */
function withSecretKeys(args: HubSecurityArgs): HubSecurityArgs {
    const h = args.hybrid;
    if (h === undefined) return args;
    const site = h.vpnSite;
    const er = h.expressRoute;
    return {
        ...args,
        hybrid: {
            ...h,
            ...(site !== undefined ? { vpnSite: { ...site, ...(site.sharedKey !== undefined ? { sharedKey: pulumi.secret(site.sharedKey) } : {}) } } : {}),
            ...(er !== undefined ? { expressRoute: { ...er, ...(er.authorizationKey !== undefined ? { authorizationKey: pulumi.secret(er.authorizationKey) } : {}) } } : {}),
        },
    };
}
