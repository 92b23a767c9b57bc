import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { FlowLogSettingsArgs } from "../shared/flowLogs";
import { LockArgs } from "../shared/lock";
import { Placement, placement } from "../shared/placement";
import { WorkspaceReferenceArgs } from "../shared/workspace";
import { DEFAULT_DEFENDER_PLANS, DEFAULT_PRIVATE_DNS_ZONES, DefenderPlanArgs, HubNetworkArgs, HubSecurityArgs, IpsecPolicySettingsArgs } from "./args";
import { DEFAULT_CONTAINER_IMAGE_FQDNS, DEFAULT_PACKAGE_SOURCE_FQDNS } from "./egress";
import { AZURE_GATEWAY_ASN, DEFAULT_GATEWAY_SKUS, DEFAULT_IPSEC_POLICY } from "./hybridRules";

const ZONES = ["1", "2", "3"];

/** What every step of the hub needs to create its children: names, placement, tags, options, the central workspace. */
export interface HubContext extends Placement {
    workspace: WorkspaceReferenceArgs;
    /** Availability zones of the zonal children (firewall, public IPs, jumpbox); undefined when not zone redundant. */
    zones: string[] | undefined;
    /** Pulumi options of stateful children (Key Vault, flow-log storage), besides their parent. */
    stateful: { protect: boolean; retainOnDelete: boolean };
}

/** The jumpbox settings with their defaults applied. */
export interface JumpboxSettings {
    enabled: boolean;
    vmSize: string;
    adminUsername: string;
    loginGroupObjectIds: string[];
    sshPublicKey: pulumi.Input<string> | undefined;
}

/** The egress sources and allow-lists with their defaults applied. */
export interface EgressSettings {
    workloadAddressPrefixes: string[];
    apimAddressPrefixes: string[];
    containerAppsAddressPrefixes: string[];
    containerImageFqdns: string[];
    packageSourceFqdns: string[];
    apimSmtpRelay: boolean;
}

/** The governance switches with their defaults applied. */
export interface GovernanceSettings {
    defenderPlansEnabled: boolean;
    defenderPlans: Record<string, DefenderPlanArgs>;
    hitrustPolicyAssignmentEnabled: boolean;
    policyAssignmentScopes: Record<string, pulumi.Input<string>>;
    requiredRetentionDays: number;
    networkWatcherResourceGroupName: string;
}

/** The on-premises VPN device with its defaults applied. */
export interface VpnSiteSettings {
    gatewayIpAddress: string;
    /** BGP of the on-premises device, when it runs BGP. */
    bgp: { asn: number; peeringAddress: string } | undefined;
    sharedKey: pulumi.Input<string> | undefined;
    ipsecPolicy: IpsecPolicySettingsArgs;
    dpdTimeoutSeconds: number;
}

/** The hybrid settings with their defaults applied; present only when a gateway is asked for (type vpn or expressroute). */
export interface HybridSettings {
    type: "vpn" | "expressroute";
    sku: string;
    /** Active-active (VPN only; always false for ExpressRoute, whose gateways are redundant by design). */
    activeActive: boolean;
    /** The Azure gateway's ASN (65515 for ExpressRoute). */
    bgpAsn: number;
    onPremisesAddressPrefixes: string[];
    spokeAddressSpaces: Record<string, string>;
    onPremisesHttpsFqdns: Record<string, pulumi.Input<string>>;
    vpnSite: VpnSiteSettings | undefined;
    expressRoute: { circuitResourceId: string; authorizationKey: pulumi.Input<string> | undefined; routingWeight: number } | undefined;
}

/** Every setting of the hub, defaults applied (in one place: here). */
export interface HubSettings {
    network: HubNetworkArgs;
    firewallSku: string;
    bastionSku: string;
    jumpbox: JumpboxSettings;
    privateDnsZones: string[];
    egress: EgressSettings;
    governance: GovernanceSettings;
    flowLogs: FlowLogSettingsArgs;
    /** Gateway, connection and on-premises rules; undefined without a gateway. */
    hybrid: HybridSettings | undefined;
    lock: LockArgs | undefined;
    /** Tenant of the Key Vault. */
    tenantId: pulumi.Input<string>;
    /** The deploying identity's subscription (scope of the Defender plans). */
    subscriptionId: pulumi.Output<string>;
}

export function hubContext(args: HubSecurityArgs): HubContext {
    return {
        ...placement(args),
        workspace: args.workspace,
        zones: args.zoneRedundant === true ? ZONES : undefined,
        stateful: { protect: args.protectStatefulResources === true, retainOnDelete: args.retainStatefulResourcesOnDelete === true },
    };
}

/** The args with every default applied. Reads the deploying identity's client configuration (tenant, subscription). */
export function hubSettings(parent: pulumi.ComponentResource, args: HubSecurityArgs): HubSettings {
    const j = args.jumpbox ?? {};
    const egress = args.egress ?? {};
    const gov = args.governance ?? {};
    const client = authorization.getClientConfigOutput({ parent });
    return {
        network: args.network,
        firewallSku: args.firewall?.sku ?? "Standard",
        bastionSku: args.bastion?.sku ?? "Basic",
        jumpbox: { enabled: j.enabled ?? true, vmSize: j.vmSize ?? "Standard_D2s_v5", adminUsername: j.adminUsername ?? "azureops", loginGroupObjectIds: j.loginGroupObjectIds ?? [], sshPublicKey: j.sshPublicKey },
        privateDnsZones: args.privateDnsZones ?? DEFAULT_PRIVATE_DNS_ZONES,
        egress: {
            workloadAddressPrefixes: egress.workloadAddressPrefixes ?? [],
            apimAddressPrefixes: egress.apimAddressPrefixes ?? [],
            containerAppsAddressPrefixes: egress.containerAppsAddressPrefixes ?? [],
            containerImageFqdns: egress.containerImageFqdns ?? DEFAULT_CONTAINER_IMAGE_FQDNS,
            packageSourceFqdns: egress.packageSourceFqdns ?? DEFAULT_PACKAGE_SOURCE_FQDNS,
            apimSmtpRelay: egress.apimSmtpRelay === true,
        },
        governance: {
            defenderPlansEnabled: gov.defenderPlansEnabled === true,
            defenderPlans: gov.defenderPlans ?? DEFAULT_DEFENDER_PLANS,
            hitrustPolicyAssignmentEnabled: gov.hitrustPolicyAssignmentEnabled === true,
            policyAssignmentScopes: gov.policyAssignmentScopes ?? {},
            requiredRetentionDays: gov.requiredRetentionDays ?? 365,
            networkWatcherResourceGroupName: gov.networkWatcherResourceGroupName ?? "NetworkWatcherRG",
        },
        flowLogs: args.flowLogs ?? {},
        hybrid: hybridSettings(args),
        lock: args.lock,
        tenantId: args.tenantId ?? client.tenantId,
        subscriptionId: client.subscriptionId,
    };
}

/** The hybrid args' defaults (undefined when no gateway is asked for). */
export function hybridSettings(args: HubSecurityArgs): HybridSettings | undefined {
    const h = args.hybrid;
    const type = h?.type ?? "none";
    if (h === undefined || (type !== "vpn" && type !== "expressroute")) return undefined;
    const site = type === "vpn" ? h.vpnSite : undefined;
    const er = type === "expressroute" ? h.expressRoute : undefined;
    return {
        type,
        sku: h.sku ?? DEFAULT_GATEWAY_SKUS[type],
        activeActive: type === "vpn" && (h.activeActive ?? true),
        bgpAsn: type === "vpn" ? h.bgpAsn ?? AZURE_GATEWAY_ASN : AZURE_GATEWAY_ASN,
        onPremisesAddressPrefixes: h.onPremisesAddressPrefixes ?? [],
        spokeAddressSpaces: h.spokeAddressSpaces ?? {},
        onPremisesHttpsFqdns: h.onPremisesHttpsFqdns ?? {},
        vpnSite: site === undefined ? undefined : {
            gatewayIpAddress: site.gatewayIpAddress,
            bgp: site.bgpAsn !== undefined && site.bgpPeeringAddress !== undefined ? { asn: site.bgpAsn, peeringAddress: site.bgpPeeringAddress } : undefined,
            sharedKey: site.sharedKey,
            ipsecPolicy: site.ipsecPolicy ?? DEFAULT_IPSEC_POLICY,
            dpdTimeoutSeconds: site.dpdTimeoutSeconds ?? 45,
        },
        expressRoute: er === undefined ? undefined : { circuitResourceId: er.circuitResourceId, authorizationKey: er.authorizationKey, routingWeight: er.routingWeight ?? 0 },
    };
}

/** Diagnostic settings of a hub child into the central workspace, named `${name}-${key}`. */
export function hubDiagnostics(parent: pulumi.ComponentResource, name: string, ctx: HubContext, key: string, uri: pulumi.Input<string>): void {
    createDiagnosticSettings(`${name}-${key}`, uri, {
        law: { workspaceResourceId: ctx.workspace.resourceId },
    }, { parent });
}
