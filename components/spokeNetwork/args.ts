import * as pulumi from "@pulumi/pulumi";
import { FlowLogSettingsArgs } from "../shared/flowLogs";
import { NamingArgs } from "../shared/naming";
import { WorkspaceReferenceArgs } from "../shared/workspace";

/** The spoke's subnets (IPv4 CIDRs inside `addressSpace`), one per service. */
export interface SpokeSubnetsArgs {
    /** Application Gateway v2 (dedicated; /24 recommended). */
    appGateway: string;
    /** API Management stv2, internal VNet mode (/29 or larger, 2 IPs per Premium unit + 1). */
    apim: string;
    /** Private endpoints of every PaaS service in the spoke. */
    privateEndpoints: string;
    /** Function App VNet integration (delegated to Microsoft.Web/serverFarms, /28 or larger). */
    functionIntegration: string;
    /** Container Apps environment with workload profiles (delegated to Microsoft.App/environments, /27 or larger). */
    containerApps: string;
}

export interface SpokeNetworkArgs {
    /** Naming parts (workload, environment, location, stack suffix). */
    naming: NamingArgs;
    /** Resource group for the spoke network. */
    resourceGroupName: pulumi.Input<string>;
    /** Tags for every taggable child. @default {} */
    tags?: Record<string, pulumi.Input<string>>;
    /** Spoke VNet address space (IPv4 CIDR). */
    addressSpace: string;
    /** Subnet plan. */
    subnets: SpokeSubnetsArgs;
    /** Firewall private IP (HubSecurity.firewallPrivateIp): default route next hop and DNS server (DNS proxy). */
    firewallPrivateIp: pulumi.Input<string>;
    /** Hub VNet resource ID; the component peers both ways. */
    hubVirtualNetworkId: pulumi.Input<string>;
    /**
     * Resource ID of the hub's VPN or ExpressRoute gateway (HubSecurity.gatewayId). When set, the spoke reaches
     * on-premises through it: the spoke's peering uses the remote gateway (and waits for the gateway to exist), the hub's
     * peering allows gateway transit, and the private-endpoint subnet turns on route-table network policies, so the hub
     * GatewaySubnet's route to the firewall overrides the /32 routes the endpoints propagate (on-premises traffic to them
     * is inspected). The spoke's route tables keep BGP propagation off: on-premises-bound traffic follows 0.0.0.0/0 to the
     * firewall. @default none (no gateway transit)
     */
    hubGatewayResourceId?: pulumi.Input<string>;
    /** Private DNS zone IDs by zone name (HubSecurity.privateDnsZoneIds) to link to the spoke VNet. @default {} */
    privateDnsZoneIds?: Record<string, pulumi.Input<string>>;
    /** Central workspace for NSG/VNet diagnostics and traffic analytics. */
    workspace: WorkspaceReferenceArgs;
    /** VNet flow logs. @default off */
    flowLogs?: FlowLogSettingsArgs;
    /** Flow-log storage account (HubSecurity.flowLogStorageAccountId). @default none (required when flow logs are enabled) */
    flowLogStorageAccountResourceId?: pulumi.Input<string>;
    /**
     * Identity that writes flow logs: pass HubSecurity.flowLogIdentityId, which depends on the identity's write grant on
     * the flow-log account, so the spoke's flow log waits for (and depends on) that role assignment. Identity-based writes
     * are a recent Network Watcher capability (network-watcher/vnet-flow-logs-managed-identity); omitted, Network Watcher
     * writes as a trusted Azure service (the account's `bypass: AzureServices`).
     * @default none (Network Watcher's trusted-service access)
     */
    flowLogIdentityResourceId?: pulumi.Input<string>;
    /**
     * Also admit Event Hubs' client protocols (AMQP 5671/5672, Kafka 9093; HTTPS 443 is always open) from VirtualNetwork
     * to the private-endpoint subnet, for in-network senders to an Event Hubs namespace's private endpoint (MedTech
     * ingestion). Ports per learn.microsoft.com/azure/event-hubs/event-hubs-faq ("What ports do I need to open").
     * @default false (443 only)
     */
    eventHubsOverPrivateEndpoint?: boolean;
    /**
     * Also admit SQL's TDS port 1433 from VirtualNetwork to the private-endpoint subnet, for in-network clients of a
     * Synapse workspace's Sql/SqlOnDemand endpoints (learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-ip-firewall).
     * @default false (443 only)
     */
    sqlOverPrivateEndpoint?: boolean;
    /** Sources allowed to reach the Application Gateway listeners on 443 (and 80, redirect only) (service tags or CIDRs). @default ["Internet"] */
    appGatewayInboundSources?: string[];
}
