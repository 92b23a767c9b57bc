import { DENY_ALL_INBOUND, NsgRuleSpec } from "../shared/nsgRules";
import { SpokeSubnetsArgs } from "./args";

/** Subnet keys, their Azure names and purposes (for SUBNET_MINIMUMS). */
export const SUBNETS = {
    appGateway: { azureName: "snet-appgw", instance: "agw", purpose: "generic" },
    apim: { azureName: "snet-apim", instance: "apim", purpose: "apim" },
    privateEndpoints: { azureName: "snet-private-endpoints", instance: "pe", purpose: "generic" },
    functionIntegration: { azureName: "snet-func-integration", instance: "func", purpose: "functionIntegration" },
    containerApps: { azureName: "snet-container-apps", instance: "cae", purpose: "containerApps" },
} as const;
export type SpokeSubnetKey = keyof typeof SUBNETS;

/**
 * Subnets that do NOT get a 0.0.0.0/0 → firewall route, with the reason. Every other subnet does. They still get a
 * route table, without routes and with BGP propagation off (network.ts), so no gateway-learned route reaches them.
 * Application Gateway v2: "Any scenario where 0.0.0.0/0 needs to be redirected through a virtual appliance … is not
 * supported" (learn.microsoft.com/azure/application-gateway/configuration-infrastructure#supported-user-defined-routes);
 * the gateway's control plane needs direct internet return paths. Its inbound side is the WAF, its backends are
 * private, and the NSG below limits what reaches it.
 */
export const ROUTE_EXCEPTIONS: Partial<Record<SpokeSubnetKey, string>> = {
    appGateway: "Application Gateway v2 does not support a 0.0.0.0/0 route to a virtual appliance",
};

/** NSG rules per subnet, each with the document that requires it. Pure, so tests read exactly what Azure receives. */
export function spokeNsgRules(s: SpokeSubnetsArgs, appGatewayInboundSources: string[], eventHubsOverPrivateEndpoint = false, sqlOverPrivateEndpoint = false): Record<SpokeSubnetKey, Record<string, NsgRuleSpec>> {
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
            // Synapse SQL clients speak TDS on 1433 to the Sql/SqlOnDemand endpoints besides HTTPS for Studio and Dev
            // (learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-ip-firewall: "ports 443 and 1433").
            ...(sqlOverPrivateEndpoint ? { "allow-sql-from-vnet": { description: "Synapse SQL (TDS 1433) to private endpoints from the spoke and peered hub", priority: 120, direction: "Inbound", access: "Allow", protocol: "Tcp", sources: ["VirtualNetwork"], destinations: [s.privateEndpoints], ports: ["1433"] } satisfies NsgRuleSpec } : {}),
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
