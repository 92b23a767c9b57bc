import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { FlowLogSettingsArgs } from "../shared/flowLogs";
import { LockArgs } from "../shared/lock";
import { Placement, placement } from "../shared/placement";
import { WorkspaceReferenceArgs } from "../shared/workspace";
import { DEFAULT_DEFENDER_PLANS, DEFAULT_PRIVATE_DNS_ZONES, DefenderPlanArgs, HubNetworkArgs, HubSecurityArgs } from "./args";
import { DEFAULT_CONTAINER_IMAGE_FQDNS, DEFAULT_PACKAGE_SOURCE_FQDNS } from "./egress";

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
        lock: args.lock,
        tenantId: args.tenantId ?? client.tenantId,
        subscriptionId: client.subscriptionId,
    };
}

/** Diagnostic settings of a hub child into the central workspace, named `${name}-${key}`. */
export function hubDiagnostics(parent: pulumi.ComponentResource, name: string, ctx: HubContext, key: string, uri: pulumi.Input<string>): void {
    createDiagnosticSettings(`${name}-${key}`, uri, {
        law: { workspaceResourceId: ctx.workspace.resourceId },
    }, { parent });
}
