import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { createDiagnosticSettings } from "./shared/diagnostics";
import { validatedArgs } from "./shared/validation";
import { FlowLogSettingsArgs, createFlowLog, flowLogArgs } from "./shared/flowLogs";
import { NamingArgs, resourceName } from "./shared/naming";
import { DENY_ALL_INBOUND, NsgRuleSpec, createSubnetNsg, nsgRuleProblems } from "./shared/nsgRules";
import { addressPlanProblems } from "./shared/subnets";
import { WorkspaceReferenceArgs, parseResourceId } from "./shared/workspace";

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
    /** Sources allowed to reach the Application Gateway listeners on 443 (and 80, redirect only) (service tags or CIDRs). @default ["Internet"] */
    appGatewayInboundSources?: string[];
}

/** Subnet keys, their Azure names and purposes (for SUBNET_MINIMUMS). */
const SUBNETS = {
    appGateway: { azureName: "snet-appgw", instance: "agw", purpose: "generic" },
    apim: { azureName: "snet-apim", instance: "apim", purpose: "apim" },
    privateEndpoints: { azureName: "snet-private-endpoints", instance: "pe", purpose: "generic" },
    functionIntegration: { azureName: "snet-func-integration", instance: "func", purpose: "functionIntegration" },
    containerApps: { azureName: "snet-container-apps", instance: "cae", purpose: "containerApps" },
} as const;
export type SpokeSubnetKey = keyof typeof SUBNETS;

/**
 * Subnets that do NOT get a 0.0.0.0/0 → firewall route, with the reason. Every other subnet does.
 * Application Gateway v2: "Any scenario where 0.0.0.0/0 needs to be redirected through a virtual appliance … is not
 * supported" (learn.microsoft.com/azure/application-gateway/configuration-infrastructure#supported-user-defined-routes);
 * the gateway's control plane needs direct internet return paths. Its inbound side is the WAF, its backends are
 * private, and the NSG below limits what reaches it.
 */
export const ROUTE_EXCEPTIONS: Partial<Record<SpokeSubnetKey, string>> = {
    appGateway: "Application Gateway v2 does not support a 0.0.0.0/0 route to a virtual appliance",
};

/** NSG rules per subnet, each with the document that requires it. Pure, so tests read exactly what Azure receives. */
export function spokeNsgRules(s: SpokeSubnetsArgs, appGatewayInboundSources: string[], eventHubsOverPrivateEndpoint = false): Record<SpokeSubnetKey, Record<string, NsgRuleSpec>> {
    const eventHubs: NsgRuleSpec = { description: "Event Hubs AMQP (5671, 5672) and Kafka (9093) to private endpoints from the spoke and peered hub", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: [s.privateEndpoints], ports: ["5671", "5672", "9093"] };
    return {
        appGateway: {
            // learn.microsoft.com/azure/application-gateway/configuration-infrastructure#network-security-groups
            "allow-gateway-manager": { description: "App Gateway v2 control plane: GatewayManager on 65200-65535", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["GatewayManager"], destinations: ["*"], ports: ["65200-65535"] },
            "allow-load-balancer": { description: "App Gateway v2: Azure Load Balancer probes must not be blocked", priority: 110, direction: "Inbound", access: "Allow", protocol: "*", sources: ["AzureLoadBalancer"], destinations: ["*"], ports: ["*"] },
            "allow-https-listeners": { description: "Clients to the HTTPS listener", priority: 120, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: appGatewayInboundSources, destinations: ["*"], ports: ["443"] },
            "allow-http-redirect": { description: "Clients to the port 80 listener, which only answers with a redirect to HTTPS", priority: 130, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: appGatewayInboundSources, destinations: ["*"], ports: ["80"] },
            "deny-all-inbound": DENY_ALL_INBOUND,
        },
        apim: {
            // learn.microsoft.com/azure/api-management/virtual-network-reference (stv2, internal mode)
            "allow-apim-management": { description: "APIM control plane: ApiManagement to VirtualNetwork on 3443", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["ApiManagement"], destinations: ["VirtualNetwork"], ports: ["3443"] },
            "allow-load-balancer": { description: "APIM: Azure infrastructure load balancer on 6390", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["AzureLoadBalancer"], destinations: ["VirtualNetwork"], ports: ["6390"] },
            "allow-https-from-appgw": { description: "API traffic from the Application Gateway subnet to the APIM gateway", priority: 120, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: [s.appGateway], destinations: [s.apim], ports: ["443"] },
            // Between the instance's units (virtual-network-reference, "Inbound & Outbound" rows): UDP 4290 syncs
            // rate-limit counters, TCP 6380-6383 carries the cache. Without them each unit enforces rate-limit-by-key on
            // its own, so N units allow N times the configured rate. Always present: a unit count can change without a
            // network change. The table names VirtualNetwork on both sides; every unit sits in this subnet, so the rules
            // admit the subnet only.
            "allow-rate-limit-sync": { description: "APIM: rate-limit counter sync between units (UDP 4290)", priority: 130, direction: "Inbound", access: "Allow", protocol: "Udp", sources: [s.apim], destinations: [s.apim], ports: ["4290"] },
            "allow-cache-between-units": { description: "APIM: cache traffic between units (TCP 6380-6383)", priority: 140, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: [s.apim], destinations: [s.apim], ports: ["6380-6383"] },
            "deny-all-inbound": DENY_ALL_INBOUND,
            "allow-storage-outbound": { description: "APIM: configuration and logs in Azure Storage", priority: 100, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: ["Storage"], ports: ["443"] },
            "allow-sql-outbound": { description: "APIM: configuration database (Azure SQL)", priority: 110, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: ["Sql"], ports: ["1433"] },
            "allow-keyvault-outbound": { description: "APIM: certificates from Key Vault", priority: 120, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: ["AzureKeyVault"], ports: ["443"] },
            "allow-monitor-outbound": { description: "APIM: diagnostics and metrics to Azure Monitor", priority: 130, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: ["AzureMonitor"], ports: ["1886", "443"] },
            "allow-rate-limit-sync-outbound": { description: "APIM: rate-limit counter sync between units (UDP 4290)", priority: 140, direction: "Outbound", access: "Allow", protocol: "Udp", sources: [s.apim], destinations: [s.apim], ports: ["4290"] },
            "allow-cache-between-units-outbound": { description: "APIM: cache traffic between units (TCP 6380-6383)", priority: 150, direction: "Outbound", access: "Allow", protocol: "Tcp", sources: [s.apim], destinations: [s.apim], ports: ["6380-6383"] },
        },
        privateEndpoints: {
            "allow-https-from-vnet": { description: "HTTPS to private endpoints from the spoke and peered hub", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: [s.privateEndpoints], ports: ["443"] },
            // Event Hubs clients use AMQP (5671, and 5672 with a mandatory TLS upgrade) or Kafka (9093) besides HTTPS
            // (learn.microsoft.com/azure/event-hubs/event-hubs-faq, "What ports do I need to open on the firewall?").
            ...(eventHubsOverPrivateEndpoint ? { "allow-event-hubs-from-vnet": eventHubs } : {}),
            "deny-all-inbound": DENY_ALL_INBOUND,
        },
        functionIntegration: {
            // The integration subnet only carries the app's outbound traffic; nothing may enter it.
            "deny-all-inbound": DENY_ALL_INBOUND,
        },
        containerApps: {
            // learn.microsoft.com/azure/container-apps/firewall-integration (workload profiles)
            "allow-load-balancer": { description: "Container Apps: Azure Load Balancer probes on 30000-32767", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["AzureLoadBalancer"], destinations: [s.containerApps], ports: ["30000-32767"] },
            "allow-ingress-from-gateways": { description: "Container Apps ingress from the App Gateway and APIM subnets", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: [s.appGateway, s.apim], destinations: [s.containerApps], ports: ["80", "443", "31080", "31443"] },
            "allow-intra-subnet": { description: "Container Apps: traffic between nodes of the environment", priority: 120, direction: "Inbound", access: "Allow", protocol: "*", sources: [s.containerApps], destinations: [s.containerApps], ports: ["*"] },
            "deny-all-inbound": DENY_ALL_INBOUND,
        },
    };
}

/** Plain-value validation of the whole component, before any child is created. */
export function spokeNetworkProblems(args: SpokeNetworkArgs): string[] {
    const p = addressPlanProblems("addressSpace", args.addressSpace, (Object.keys(SUBNETS) as SpokeSubnetKey[]).map((k) => ({
        label: `subnets.${k}`, cidr: args.subnets[k], purpose: SUBNETS[k].purpose,
    }))).map((x) => `${x.label}: ${x.message}`);
    const rules = spokeNsgRules(args.subnets, args.appGatewayInboundSources ?? ["Internet"], args.eventHubsOverPrivateEndpoint === true);
    for (const k of Object.keys(rules) as SpokeSubnetKey[]) p.push(...nsgRuleProblems(`nsg.${k}`, rules[k]));
    if ((args.appGatewayInboundSources ?? ["Internet"]).length === 0) p.push("appGatewayInboundSources must not be empty (use a CIDR list to restrict)");
    if (args.flowLogs?.enabled === true && args.flowLogStorageAccountResourceId === undefined) p.push("flowLogStorageAccountResourceId is required when flow logs are enabled");
    for (const zone of Object.keys(args.privateDnsZoneIds ?? {})) if (!/^privatelink\.[a-z0-9.-]+[a-z]$/.test(zone)) p.push(`privateDnsZoneIds: "${zone}" is not a privatelink zone name`);
    return p;
}

/**
 * The spoke VNet: one subnet per service, each with its own NSG (deny-by-default, the service's documented rules)
 * and, except for documented exceptions, a route table that sends 0.0.0.0/0 to the hub firewall with BGP propagation
 * off (reference defect 2: the RI left the workload subnets without routes). DNS goes to the firewall's DNS proxy;
 * the VNet is peered with the hub both ways and linked to the hub's private DNS zones; flow logs are optional.
 */
export class SpokeNetwork extends pulumi.ComponentResource {
    public readonly spokeVirtualNetworkId: pulumi.Output<string>;
    public readonly spokeVirtualNetworkName: pulumi.Output<string>;
    /** Subnet resource IDs by key: appGateway, apim, privateEndpoints, functionIntegration, containerApps. */
    public readonly subnetIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: SpokeNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:SpokeNetwork", name, validatedArgs("SpokeNetwork", name, args, spokeNetworkProblems), opts);

        // ---- defaults, applied in one place ----
        const naming = args.naming;
        const location = naming.location;
        const rg = args.resourceGroupName;
        const tags = args.tags ?? {};
        const inbound = args.appGatewayInboundSources ?? ["Internet"];
        const zoneIds = args.privateDnsZoneIds ?? {};
        const child: pulumi.CustomResourceOptions = { parent: this };
        const rules = spokeNsgRules(args.subnets, inbound, args.eventHubsOverPrivateEndpoint === true);
        const keys = Object.keys(SUBNETS) as SpokeSubnetKey[];

        const nsgs = new Map<SpokeSubnetKey, network.NetworkSecurityGroup>();
        const routeTables = new Map<SpokeSubnetKey, network.RouteTable>();
        for (const k of keys) {
            const g = createSubnetNsg(`${name}-nsg-${k}`, rules[k], {
                name: resourceName("networkSecurityGroup", naming, SUBNETS[k].instance), resourceGroupName: rg, location, tags, workspaceResourceId: args.workspace.resourceId,
            }, child);
            nsgs.set(k, g);
            if (ROUTE_EXCEPTIONS[k] !== undefined) continue;
            routeTables.set(k, new network.RouteTable(`${name}-rt-${k}`, {
                routeTableName: resourceName("routeTable", naming, SUBNETS[k].instance),
                resourceGroupName: rg,
                location,
                // Routes learned from gateways must not bypass the firewall.
                disableBgpRoutePropagation: true,
                routes: [
                    { name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: args.firewallPrivateIp },
                    // APIM stv2 with forced tunnelling: control-plane responses to the ApiManagement service tag must
                    // go straight to the internet (api-management/virtual-network-reference, force tunnelling).
                    ...(k === "apim" ? [{ name: "apim-control-plane", addressPrefix: "ApiManagement", nextHopType: "Internet" }] : []),
                ],
                tags,
            }, child));
        }

        const subnet = (k: SpokeSubnetKey) => {
            const g = nsgs.get(k);
            if (g === undefined) throw new Error(`SpokeNetwork ${name}: no NSG for ${k}`);
            const rt = routeTables.get(k);
            return {
                name: SUBNETS[k].azureName,
                addressPrefix: args.subnets[k],
                networkSecurityGroup: { id: g.id },
                ...(rt !== undefined ? { routeTable: { id: rt.id } } : {}),
            };
        };
        const vnet = new network.VirtualNetwork(`${name}-vnet`, {
            virtualNetworkName: resourceName("virtualNetwork", naming, "spk"),
            resourceGroupName: rg,
            location,
            addressSpace: { addressPrefixes: [args.addressSpace] },
            // Every lookup goes through the firewall's DNS proxy, which resolves the hub-linked privatelink zones and logs queries.
            dhcpOptions: { dnsServers: [args.firewallPrivateIp] },
            // Subnets inline: a subnet never exists without its NSG and route table, and no later VNet update drops them.
            subnets: [
                // App Gateway v2 keeps default outbound access: its control plane needs the internet (see ROUTE_EXCEPTIONS).
                subnet("appGateway"),
                {
                    ...subnet("apim"),
                    // Forced tunnelling for APIM stv2 requires service endpoints for its Azure dependencies.
                    serviceEndpoints: ["Microsoft.Storage", "Microsoft.Sql", "Microsoft.EventHub", "Microsoft.KeyVault"].map((service) => ({ service })),
                    defaultOutboundAccess: false,
                },
                // NSG applies to private endpoints; route policies stay off so endpoint /32 routes remain direct.
                { ...subnet("privateEndpoints"), privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled", defaultOutboundAccess: false },
                // Regional VNet integration requires delegation to Microsoft.Web/serverFarms (app-service/overview-vnet-integration).
                { ...subnet("functionIntegration"), delegations: [{ name: "web-serverfarms", serviceName: "Microsoft.Web/serverFarms" }], defaultOutboundAccess: false },
                // Workload-profiles environments require delegation to Microsoft.App/environments (container-apps/custom-virtual-networks).
                { ...subnet("containerApps"), delegations: [{ name: "app-environments", serviceName: "Microsoft.App/environments" }], defaultOutboundAccess: false },
            ],
            tags,
        }, child);
        createDiagnosticSettings(`${name}-vnet`, vnet.id, { law: { workspaceResourceId: args.workspace.resourceId } }, child);

        // ---- peering both ways (no gateway transit: there is no gateway) ----
        const hub = pulumi.output(args.hubVirtualNetworkId).apply(parseResourceId);
        new network.VirtualNetworkPeering(`${name}-peer-spoke-to-hub`, {
            virtualNetworkPeeringName: pulumi.interpolate`peer-to-${hub.name}`,
            virtualNetworkName: vnet.name,
            resourceGroupName: rg,
            remoteVirtualNetwork: { id: args.hubVirtualNetworkId },
            allowVirtualNetworkAccess: true,
            allowForwardedTraffic: true,
            allowGatewayTransit: false,
            useRemoteGateways: false,
        }, child);
        new network.VirtualNetworkPeering(`${name}-peer-hub-to-spoke`, {
            virtualNetworkPeeringName: pulumi.interpolate`peer-to-${vnet.name}`,
            virtualNetworkName: hub.name,
            resourceGroupName: hub.resourceGroupName,
            remoteVirtualNetwork: { id: vnet.id },
            allowVirtualNetworkAccess: true,
            allowForwardedTraffic: true,
            allowGatewayTransit: false,
            useRemoteGateways: false,
        }, child);

        // ---- private DNS: link the hub's zones to the spoke too ----
        for (const [zone, zoneId] of Object.entries(zoneIds)) {
            const zoneRg = pulumi.output(zoneId).apply((id) => parseResourceId(id).resourceGroupName);
            new privatedns.VirtualNetworkLink(`${name}-pdns-${zone}-link-spoke`, {
                virtualNetworkLinkName: pulumi.interpolate`link-${vnet.name}`,
                privateZoneName: zone,
                resourceGroupName: zoneRg,
                location: "global",
                registrationEnabled: false,
                virtualNetwork: { id: vnet.id },
                tags,
            }, child);
        }

        // ---- flow logs ----
        const storageId = args.flowLogStorageAccountResourceId;
        if (args.flowLogs?.enabled === true && storageId !== undefined) {
            createFlowLog(`${name}-vnet`, { id: vnet.id, name: vnet.name, location }, flowLogArgs(args.flowLogs, {
                storageAccountResourceId: storageId,
                ...(args.flowLogIdentityResourceId !== undefined ? { userAssignedIdentityResourceId: args.flowLogIdentityResourceId } : {}),
                workspaceResourceId: args.workspace.resourceId,
                workspaceCustomerId: args.workspace.customerId,
                workspaceRegion: location,
            }), tags, child);
        }

        this.spokeVirtualNetworkId = vnet.id;
        this.spokeVirtualNetworkName = vnet.name;
        this.subnetIds = pulumi.all(Object.fromEntries(keys.map((k) => [k, pulumi.interpolate`${vnet.id}/subnets/${SUBNETS[k].azureName}`])));
        this.registerOutputs({
            spokeVirtualNetworkId: this.spokeVirtualNetworkId,
            spokeVirtualNetworkName: this.spokeVirtualNetworkName,
            subnetIds: this.subnetIds,
        });
    }
}
