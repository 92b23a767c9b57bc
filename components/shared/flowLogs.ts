import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { throwIfProblems } from "./validation";

/** VNet flow logs with traffic analytics (Network Watcher), shared by the hub and spoke networks. */
export interface FlowLogArgs {
    /** Record flow logs for the VNet. Required in prod by the stack's config validation. @default false */
    enabled?: boolean;
    /** Resource ID of the Standard storage account (same region) that receives the flow-log blobs. */
    storageAccountResourceId: pulumi.Input<string>;
    /**
     * Resource ID of a user-assigned identity with Storage Blob Data Contributor on that account, so the account can keep
     * shared keys disabled. Pass an Output that depends on that role assignment (HubSecurity.flowLogIdentityId does), so
     * the flow log is created only once the identity may write. Identity-based writes are a recent Network Watcher
     * capability (learn.microsoft.com/azure/network-watcher/vnet-flow-logs-managed-identity); without an identity Network
     * Watcher writes as a trusted Azure service, which the account admits through `bypass: AzureServices`.
     * @default none (Network Watcher uses its trusted-service access)
     */
    userAssignedIdentityResourceId?: pulumi.Input<string>;
    /** Resource ID of the Log Analytics workspace for traffic analytics. */
    workspaceResourceId: pulumi.Input<string>;
    /** Workspace (customer) ID, the GUID traffic analytics needs besides the resource ID. */
    workspaceCustomerId: pulumi.Input<string>;
    /** Region of the workspace. */
    workspaceRegion: pulumi.Input<string>;
    /** Network Watcher of the VNet's region. @default "NetworkWatcher_<location>" (the one Azure creates automatically) */
    networkWatcherName?: string;
    /** Resource group of the Network Watcher. @default "NetworkWatcherRG" */
    networkWatcherResourceGroupName?: string;
    /** Days to keep flow-log blobs; 0 keeps them forever (Network Watcher allows 0-365). @default 90 */
    retentionInDays?: number;
    /** Traffic analytics processing interval in minutes, 10 or 60. @default 10 */
    trafficAnalyticsIntervalInMinutes?: number;
}

/** Where and how long flow logs are kept: the settings a component exposes (storage and identity come from the hub). */
export interface FlowLogSettingsArgs {
    /** Record VNet flow logs with traffic analytics. @default false */
    enabled?: boolean;
    /** Days to keep flow-log blobs (0 = forever, max 365). @default 90 */
    retentionInDays?: number;
    /** Network Watcher of the region. @default "NetworkWatcher_<location>" */
    networkWatcherName?: string;
    /** Its resource group. @default "NetworkWatcherRG" */
    networkWatcherResourceGroupName?: string;
}

/** Full flow-log args from a component's settings plus the storage, identity and workspace it writes to. */
export function flowLogArgs(
    settings: FlowLogSettingsArgs,
    sink: { storageAccountResourceId: pulumi.Input<string>; userAssignedIdentityResourceId?: pulumi.Input<string>; workspaceResourceId: pulumi.Input<string>; workspaceCustomerId: pulumi.Input<string>; workspaceRegion: string },
): FlowLogArgs {
    return {
        enabled: settings.enabled === true,
        ...sink,
        ...(settings.networkWatcherName !== undefined ? { networkWatcherName: settings.networkWatcherName } : {}),
        ...(settings.networkWatcherResourceGroupName !== undefined ? { networkWatcherResourceGroupName: settings.networkWatcherResourceGroupName } : {}),
        ...(settings.retentionInDays !== undefined ? { retentionInDays: settings.retentionInDays } : {}),
    };
}

export function flowLogProblems(label: string, f: FlowLogArgs | undefined): string[] {
    if (f === undefined) return [];
    const p: string[] = [];
    const days = f.retentionInDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 0 || days > 365)) p.push(`${label}.retentionInDays ${days} must be an integer 0-365`);
    const interval = f.trafficAnalyticsIntervalInMinutes;
    if (interval !== undefined && interval !== 10 && interval !== 60) p.push(`${label}.trafficAnalyticsIntervalInMinutes ${interval} must be 10 or 60`);
    if (f.networkWatcherName === "") p.push(`${label}.networkWatcherName must not be empty (omit it for the default)`);
    return p;
}

/**
 * Creates `<prefix>-flowlog`: a VNet flow log (version 2, JSON) on `targetResourceId` in the region's Network
 * Watcher, with traffic analytics into the central workspace. Returns undefined when flow logs are disabled.
 */
export function createFlowLog(
    prefix: string,
    target: { id: pulumi.Input<string>; name: pulumi.Input<string>; location: string },
    f: FlowLogArgs | undefined,
    tags: pulumi.Input<Record<string, pulumi.Input<string>>>,
    opts: pulumi.CustomResourceOptions,
): network.FlowLog | undefined {
    throwIfProblems(prefix, "flow logs", flowLogProblems("flowLogs", f));
    if (f === undefined || f.enabled !== true) return undefined;
    const days = f.retentionInDays ?? 90;
    const identity = f.userAssignedIdentityResourceId;
    return new network.FlowLog(`${prefix}-flowlog`, {
        flowLogName: pulumi.interpolate`fl-${target.name}`,
        networkWatcherName: f.networkWatcherName ?? `NetworkWatcher_${target.location}`,
        resourceGroupName: f.networkWatcherResourceGroupName ?? "NetworkWatcherRG",
        location: target.location,
        targetResourceId: target.id,
        storageId: f.storageAccountResourceId,
        enabled: true,
        format: { type: "JSON", version: 2 },
        retentionPolicy: { enabled: days > 0, days },
        flowAnalyticsConfiguration: {
            networkWatcherFlowAnalyticsConfiguration: {
                enabled: true,
                workspaceResourceId: f.workspaceResourceId,
                workspaceId: f.workspaceCustomerId,
                workspaceRegion: f.workspaceRegion,
                trafficAnalyticsInterval: f.trafficAnalyticsIntervalInMinutes ?? 10,
            },
        },
        ...(identity !== undefined ? { identity: { type: "UserAssigned", userAssignedIdentities: [identity] } } : {}),
        tags,
    }, opts);
}
