import { expect } from "chai";
import { SpokeNetwork, SpokeNetworkArgs } from "../components/spokeNetwork";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID } from "../lib/offline/mocks";
import { runInStack } from "../lib/offline/run";
import { Json } from "../lib/offline/values";
import { HUB_VNET, SPOKE_ARGS } from "./fixtures/spokeArgs";

const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const LAW = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const ZONE = (z: string) => `${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/${z}`;
const BASE: SpokeNetworkArgs = SPOKE_ARGS;

async function run(args: SpokeNetworkArgs) {
    return runInStack(() => { new SpokeNetwork("spoke", args); });
}
const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(type, name));
const subnets = (g: Graph) => inputs(g, "azure-native:network:VirtualNetwork")["subnets"] as Array<Record<string, Json>>;
const subnet = (g: Graph, name: string) => {
    const s = subnets(g).find((x) => x["name"] === name);
    if (s === undefined) throw new Error(`no subnet ${name}`);
    return s;
};
const rules = (g: Graph, key: string) => inputs(g, "azure-native:network:NetworkSecurityGroup", `spoke-nsg-${key}`)["securityRules"] as Array<Record<string, Json>>;
const rule = (g: Graph, key: string, name: string) => rules(g, key).find((r) => r["name"] === name);

describe("SpokeNetwork component", () => {
    describe("defaults", () => {
        let g: Graph;
        before(async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            g = r.graph;
        });

        it("creates one subnet per service, inline, each with its own NSG", () => {
            expect(subnets(g).map((s) => s["name"])).to.deep.equal(["snet-appgw", "snet-apim", "snet-private-endpoints", "snet-func-integration", "snet-container-apps"]);
            const nsgUrns = g.byType("azure-native:network:NetworkSecurityGroup").map((r) => r.urn);
            expect(new Set(nsgUrns).size).to.equal(5);
            const vnet = g.one("azure-native:network:VirtualNetwork");
            expect(vnet.propertyDependencies["subnets"]).to.include.members(nsgUrns);
        });

        it("routes 0.0.0.0/0 to the firewall from every subnet except the documented App Gateway exception, BGP propagation off", () => {
            const tables = g.byType("azure-native:network:RouteTable");
            expect(tables.map((t) => t.name).sort()).to.deep.equal(["spoke-rt-apim", "spoke-rt-appGateway", "spoke-rt-containerApps", "spoke-rt-functionIntegration", "spoke-rt-privateEndpoints"]);
            for (const t of tables.filter((x) => x.name !== "spoke-rt-appGateway")) {
                const i = g.plainInputs(t);
                expect(i["disableBgpRoutePropagation"], t.name).to.equal(true);
                expect(i["routes"], t.name).to.deep.include({ name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" });
            }
            for (const [n, t] of [["snet-apim", "spoke-rt-apim"], ["snet-private-endpoints", "spoke-rt-privateEndpoints"], ["snet-func-integration", "spoke-rt-functionIntegration"], ["snet-container-apps", "spoke-rt-containerApps"]] as const) {
                expect(subnet(g, n)["routeTable"], n).to.deep.equal({ id: g.one("azure-native:network:RouteTable", t).id });
            }
        });

        it("gives the App Gateway subnet a table without routes that turns BGP propagation off, even without gateway transit", () => {
            // App Gateway v2 does not support 0.0.0.0/0 to a virtual appliance, and a 0.0.0.0/0 advertised by a VPN or
            // ExpressRoute gateway breaks its management plane: Learn's Scenario 1 is a UDR that disables BGP route
            // propagation (application-gateway/configuration-infrastructure#supported-user-defined-routes).
            const rt = g.one("azure-native:network:RouteTable", "spoke-rt-appGateway");
            expect(g.plainInputs(rt)).to.deep.include({ routeTableName: "rt-ahds-dev-weu-agw", disableBgpRoutePropagation: true, routes: [] });
            expect(subnet(g, "snet-appgw")["routeTable"]).to.deep.equal({ id: rt.id });
            expect(g.one("azure-native:network:VirtualNetwork").propertyDependencies["subnets"]).to.include(rt.urn);
            // The gateway keeps Azure's default outbound path (no defaultOutboundAccess: false): its control plane needs it.
            expect(subnet(g, "snet-appgw")).to.not.have.property("defaultOutboundAccess");
        });

        it("sends APIM control-plane replies to the internet, as forced tunnelling on stv2 requires, with service endpoints for its dependencies", () => {
            expect(inputs(g, "azure-native:network:RouteTable", "spoke-rt-apim")["routes"]).to.deep.include({ name: "apim-control-plane", addressPrefix: "ApiManagement", nextHopType: "Internet" });
            expect(subnet(g, "snet-apim")["serviceEndpoints"]).to.deep.equal(["Microsoft.Storage", "Microsoft.Sql", "Microsoft.EventHub", "Microsoft.KeyVault"].map((service) => ({ service })));
        });

        it("opens exactly the ports each service needs (App Gateway v2, APIM stv2, Container Apps) and denies the rest", () => {
            expect(rule(g, "appGateway", "allow-gateway-manager")).to.deep.include({ sourceAddressPrefix: "GatewayManager", destinationPortRange: "65200-65535", access: "Allow" });
            expect(rule(g, "appGateway", "allow-https-listeners")).to.deep.include({ sourceAddressPrefix: "Internet", destinationPortRange: "443" });
            expect(rule(g, "appGateway", "allow-http-redirect")).to.deep.include({ sourceAddressPrefix: "Internet", destinationPortRange: "80" });
            expect(rule(g, "apim", "allow-apim-management")).to.deep.include({ sourceAddressPrefix: "ApiManagement", destinationPortRange: "3443", destinationAddressPrefix: "VirtualNetwork" });
            expect(rule(g, "apim", "allow-load-balancer")).to.deep.include({ sourceAddressPrefix: "AzureLoadBalancer", destinationPortRange: "6390" });
            expect(rule(g, "containerApps", "allow-load-balancer")).to.deep.include({ destinationPortRange: "30000-32767" });
            for (const key of ["appGateway", "apim", "privateEndpoints", "functionIntegration", "containerApps"]) {
                const inbound = rules(g, key).filter((r) => r["direction"] === "Inbound");
                expect(inbound.at(-1), key).to.deep.include({ access: "Deny", priority: 4096, sourceAddressPrefix: "*", destinationPortRange: "*" });
                for (const r of rules(g, key)) expect(String(r["description"]).length, `${key}/${String(r["name"])}`).to.be.within(10, 140);
            }
            expect(rules(g, "functionIntegration")).to.have.length(1);
        });

        it("lets API Management units sync rate-limit counters (UDP 4290) and cache (TCP 6380-6383) with each other, both ways", () => {
            // api-management/virtual-network-reference, "Inbound & Outbound" rows: without them each unit counts
            // rate-limit-by-key alone. Present whatever the unit count; scoped to the APIM subnet, where every unit lives.
            const unit = (name: string, priority: number, direction: string, protocol: string, port: string) =>
                ({ name, priority, direction, access: "Allow", protocol, sourcePortRange: "*", sourceAddressPrefix: "10.1.1.0/27", destinationAddressPrefix: "10.1.1.0/27", destinationPortRange: port });
            const pick = (name: string) => { const r = rule(g, "apim", name); if (r === undefined) return undefined; const { description: _d, ...rest } = r; return rest; };
            expect(pick("allow-rate-limit-sync")).to.deep.equal(unit("allow-rate-limit-sync", 130, "Inbound", "Udp", "4290"));
            expect(pick("allow-cache-between-units")).to.deep.equal(unit("allow-cache-between-units", 140, "Inbound", "Tcp", "6380-6383"));
            expect(pick("allow-rate-limit-sync-outbound")).to.deep.equal(unit("allow-rate-limit-sync-outbound", 140, "Outbound", "Udp", "4290"));
            expect(pick("allow-cache-between-units-outbound")).to.deep.equal(unit("allow-cache-between-units-outbound", 150, "Outbound", "Tcp", "6380-6383"));
            // Inbound, they sit above the closing deny.
            expect(rules(g, "apim").filter((r) => r["direction"] === "Inbound").map((r) => r["name"])).to.deep.equal(["allow-apim-management", "allow-load-balancer", "allow-https-from-appgw", "allow-rate-limit-sync", "allow-cache-between-units", "deny-all-inbound"]);
        });

        it("admits only HTTPS to the private endpoints by default (no Event Hubs protocols)", () => {
            expect(rules(g, "privateEndpoints").map((r) => [r["name"], r["destinationPortRange"] ?? r["destinationPortRanges"]])).to.deep.equal([["allow-https-from-vnet", "443"], ["deny-all-inbound", "*"]]);
        });

        it("delegates the function and Container Apps subnets and applies NSGs (not routes) to private endpoints", () => {
            expect(subnet(g, "snet-func-integration")["delegations"]).to.deep.equal([{ name: "web-serverfarms", serviceName: "Microsoft.Web/serverFarms" }]);
            expect(subnet(g, "snet-container-apps")["delegations"]).to.deep.equal([{ name: "app-environments", serviceName: "Microsoft.App/environments" }]);
            expect(subnet(g, "snet-private-endpoints")).to.include({ privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled", defaultOutboundAccess: false });
        });

        it("uses the firewall's DNS proxy and peers with the hub both ways without gateway transit", () => {
            expect(inputs(g, "azure-native:network:VirtualNetwork")["dhcpOptions"]).to.deep.equal({ dnsServers: ["10.0.0.4"] });
            const toHub = inputs(g, "azure-native:network:VirtualNetworkPeering", "spoke-peer-spoke-to-hub");
            expect(toHub).to.deep.include({ remoteVirtualNetwork: { id: HUB_VNET }, allowForwardedTraffic: true, allowVirtualNetworkAccess: true, allowGatewayTransit: false, useRemoteGateways: false, resourceGroupName: "rg-spoke" });
            const fromHub = inputs(g, "azure-native:network:VirtualNetworkPeering", "spoke-peer-hub-to-spoke");
            expect(fromHub).to.deep.include({ virtualNetworkName: "vnet-hub", resourceGroupName: "rg-hub", allowForwardedTraffic: true, useRemoteGateways: false });
        });

        it("links no zones, records no flow logs, and diagnoses every NSG and the VNet", () => {
            expect(g.byType("azure-native:privatedns:VirtualNetworkLink")).to.deep.equal([]);
            expect(g.byType("azure-native:network:FlowLog")).to.deep.equal([]);
            expect(g.byType("azure-native:monitor:DiagnosticSetting")).to.have.length(6);
        });
    });

    describe("waf-aligned (prod)", () => {
        let g: Graph;
        before(async () => {
            const r = await run({
                ...BASE,
                naming: { ...BASE.naming, environment: "prod" },
                privateDnsZoneIds: { "privatelink.vaultcore.azure.net": ZONE("privatelink.vaultcore.azure.net"), "privatelink.fhir.azurehealthcareapis.com": ZONE("privatelink.fhir.azurehealthcareapis.com") },
                flowLogs: { enabled: true, retentionInDays: 365 },
                flowLogStorageAccountResourceId: `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Storage/storageAccounts/stflow`,
                flowLogIdentityResourceId: `${SUB}/resourceGroups/rg-hub/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-flow`,
            });
            expect(r.error).to.equal(undefined);
            g = r.graph;
        });

        it("links the hub's private DNS zones to the spoke, in the zones' resource group", () => {
            const links = g.byType("azure-native:privatedns:VirtualNetworkLink").map((r) => g.plainInputs(r));
            expect(links.map((l) => l["privateZoneName"])).to.deep.equal(["privatelink.vaultcore.azure.net", "privatelink.fhir.azurehealthcareapis.com"]);
            for (const l of links) expect(l).to.include({ resourceGroupName: "rg-dns", registrationEnabled: false, location: "global" });
            // Fallback to internet: a name without a record in the zone (a vault whose endpoint is registered in another
            // zone) resolves publicly instead of NXDOMAIN (learn.microsoft.com/azure/dns/private-dns-fallback).
            for (const l of links) expect(l).to.include({ resolutionPolicy: "NxDomainRedirect" });
        });

        it("records spoke flow logs with traffic analytics, written by the given identity", () => {
            const fl = inputs(g, "azure-native:network:FlowLog");
            expect(fl).to.deep.include({ retentionPolicy: { enabled: true, days: 365 }, identity: { type: "UserAssigned", userAssignedIdentities: [`${SUB}/resourceGroups/rg-hub/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-flow`] } });
            expect(fl["flowAnalyticsConfiguration"]).to.deep.equal({ networkWatcherFlowAnalyticsConfiguration: { enabled: true, workspaceResourceId: LAW, workspaceId: "00000000-0000-4000-8000-000000000001", workspaceRegion: "westeurope", trafficAnalyticsInterval: 10 } });
        });
    });

    describe("max (every option)", () => {
        it("with eventHubsOverPrivateEndpoint, admits AMQP 5671/5672 and Kafka 9093 from VirtualNetwork to the endpoint subnet", async () => {
            const r = await run({ ...BASE, eventHubsOverPrivateEndpoint: true });
            expect(r.error).to.equal(undefined);
            // learn.microsoft.com/azure/event-hubs/event-hubs-faq, "What ports do I need to open on the firewall?": AMQP
            // 5671 and 5672, HTTPS 443, Kafka 9093.
            const { description: _d, ...evh } = rule(r.graph, "privateEndpoints", "allow-event-hubs-from-vnet") ?? {};
            expect(evh).to.deep.equal({ name: "allow-event-hubs-from-vnet", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*",
                sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "10.1.2.0/24", destinationPortRanges: ["5671", "5672", "9093"] });
            expect(rules(r.graph, "privateEndpoints").map((x) => x["name"])).to.deep.equal(["allow-https-from-vnet", "allow-event-hubs-from-vnet", "deny-all-inbound"]);
        });

        it("restricts App Gateway listeners to the given sources and honours custom Network Watcher settings", async () => {
            const r = await run({
                ...BASE,
                appGatewayInboundSources: ["203.0.113.0/24", "198.51.100.0/24"],
                flowLogs: { enabled: true, networkWatcherName: "nw-custom", networkWatcherResourceGroupName: "rg-nw", retentionInDays: 0 },
                flowLogStorageAccountResourceId: "/st",
            });
            expect(r.error).to.equal(undefined);
            expect(rule(r.graph, "appGateway", "allow-https-listeners")).to.deep.include({ sourceAddressPrefixes: ["203.0.113.0/24", "198.51.100.0/24"] });
            expect(inputs(r.graph, "azure-native:network:FlowLog")).to.deep.include({ networkWatcherName: "nw-custom", resourceGroupName: "rg-nw", retentionPolicy: { enabled: false, days: 0 } });
            expect(inputs(r.graph, "azure-native:network:FlowLog")).to.not.have.property("identity");
        });
    });

    describe("invalid args", () => {
        it("throws one error naming each bad subnet and registers nothing", async () => {
            const r = await run({
                ...BASE,
                subnets: { ...BASE.subnets, apim: "10.1.1.0/30", functionIntegration: "10.1.3.0/29", containerApps: "10.1.2.0/27" },
                flowLogs: { enabled: true },
                privateDnsZoneIds: { "contoso.com": "/x" },
            });
            const msg = String(r.error);
            expect(msg).to.include("subnets.apim: \"10.1.1.0/30\" is too small: API Management VNet injection needs at least /29")
                .and.include("subnets.functionIntegration: \"10.1.3.0/29\" is too small: Functions/App Service VNet integration needs at least /28")
                .and.include("subnets.containerApps: \"10.1.2.0/27\" overlaps subnets.privateEndpoints")
                .and.include("flowLogStorageAccountResourceId is required")
                .and.include("\"contoso.com\" is not a privatelink zone name");
            expect(r.graph.resources.filter((x) => x.type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
        });
    });
});
