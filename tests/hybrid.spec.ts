import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { HubNetworkArgs, HubSecurity, HubSecurityArgs, HybridConnectivityArgs, STRONG_IPSEC_ALGORITHMS } from "../components/hubSecurity";
import { STRONG_IPSEC } from "../policy/rules/network";
import { SpokeNetwork, SpokeNetworkArgs } from "../components/spokeNetwork";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, RecordedResource } from "../lib/offline/mocks";
import { promiseOf } from "../lib/offline/outputs";
import { runInStack } from "../lib/offline/run";
import { Json, SECRET_SIG, SPECIAL_SIG_KEY } from "../lib/offline/values";
import { SPOKE_ARGS } from "./fixtures/spokeArgs";

/**
 * Hybrid connectivity in HubSecurity (issue 20): the gateway, its connection, GatewaySubnet routing, the on-premises
 * firewall rules and the DNS resolver, in the defaults / waf-aligned / max shape of the other component suites, plus
 * the spoke's gateway transit. Every value Azure must receive is written out here, literally.
 */

const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const LAW = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const CIRCUIT = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-er/providers/Microsoft.Network/expressRouteCircuits/er-onprem";
/** A stand-in pre-shared key (48 printable characters); the tests check it never appears in plain text. */
const PSK = "Stand-in-PSK-for-tests-only-0123456789abcdefghij";
const AUTH_KEY = "Stand-in-ExpressRoute-authorization-key-0000";
const BASE: HubSecurityArgs = {
    naming: { workload: "ahds", environment: "dev", location: "westeurope", uniqueSuffix: "abc12" },
    resourceGroupName: "rg-hub",
    workspace: { resourceId: LAW, customerId: "00000000-0000-4000-8000-000000000001" },
    network: { addressSpace: "10.0.0.0/22", firewallSubnet: "10.0.0.0/26", bastionSubnet: "10.0.0.64/26", jumpboxSubnet: "10.0.1.0/27", privateEndpointSubnet: "10.0.1.32/27" },
};
const HYBRID_NETWORK: HubNetworkArgs = { ...BASE.network, gatewaySubnet: "10.0.2.0/27", dnsResolverInboundSubnet: "10.0.0.128/28" };
/** HubSecurity's default IPsec/IKE policy as Azure receives it (learn.microsoft.com/azure/vpn-gateway/ipsec-ike-policy-howto). */
const DEFAULT_POLICY = { ikeEncryption: "GCMAES256", ikeIntegrity: "SHA384", dhGroup: "ECP384", ipsecEncryption: "GCMAES256", ipsecIntegrity: "GCMAES256", pfsGroup: "ECP384", saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000 };

interface HubOutputs { gatewayId: string; gatewayPublicIps: string[]; gatewayConnectionId: string; dnsResolverInboundIp: string; onPremisesDnsForwarders: string[] }

async function run(args: HubSecurityArgs) {
    let outputs: HubOutputs | undefined;
    const result = await runInStack(async () => {
        const hub = new HubSecurity("hub", args);
        outputs = await promiseOf(pulumi.output({
            gatewayId: hub.gatewayId, gatewayPublicIps: hub.gatewayPublicIps, gatewayConnectionId: hub.gatewayConnectionId,
            dnsResolverInboundIp: hub.dnsResolverInboundIp, onPremisesDnsForwarders: hub.onPremisesDnsForwarders,
        }));
    });
    return { ...result, outputs };
}
const hybrid = (h: HybridConnectivityArgs, network: HubNetworkArgs = HYBRID_NETWORK): HubSecurityArgs => ({ ...BASE, network, hybrid: h });
const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(type, name));
const subnet = (g: Graph, name: string) => (inputs(g, "azure-native:network:VirtualNetwork")["subnets"] as Array<Record<string, Json>>).find((s) => s["name"] === name);
const HYBRID_TYPES = ["azure-native:network:VirtualNetworkGateway", "azure-native:network:LocalNetworkGateway", "azure-native:network:VirtualNetworkGatewayConnection",
    "azure-native:dnsresolver:DnsResolver", "azure-native:dnsresolver:InboundEndpoint"];
/** True when the recorded (wire-form) value is a Pulumi secret. */
const isSecret = (v: unknown) => typeof v === "object" && v !== null && (v as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;
const noPlainKey = (g: Graph, key: string) => { for (const r of g.resources) expect(JSON.stringify(g.plainInputs(r)), r.urn).to.not.include(key); };

describe("HubSecurity hybrid connectivity", () => {
    describe("off (no hybrid args: the dev default)", () => {
        it("creates no gateway, connection, GatewaySubnet, resolver, on-premises rule or SNAT setting, and empty outputs", async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            for (const t of HYBRID_TYPES) expect(r.graph.byType(t), t).to.deep.equal([]);
            expect(subnet(r.graph, "GatewaySubnet")).to.equal(undefined);
            expect(r.graph.byType("azure-native:network:FirewallPolicyRuleCollectionGroup").map((x) => x.name)).to.deep.equal(["hub-rcg-platform", "hub-rcg-management"]);
            expect(inputs(r.graph, "azure-native:network:FirewallPolicy")).to.not.have.property("snat");
            expect(r.outputs).to.deep.equal({ gatewayId: "", gatewayPublicIps: [], gatewayConnectionId: "", dnsResolverInboundIp: "", onPremisesDnsForwarders: [] });
        });
    });

    describe("defaults (type vpn and a GatewaySubnet, nothing else)", () => {
        let g: Graph;
        let out: HubOutputs | undefined;
        before(async () => {
            const r = await run(hybrid({ type: "vpn" }, { ...BASE.network, gatewaySubnet: "10.0.2.0/27" }));
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("deploys a zone-redundant, active-active, route-based VpnGw2AZ (Generation2) gateway in GatewaySubnet, without BGP", () => {
            const gw = g.one("azure-native:network:VirtualNetworkGateway");
            expect(g.plainInputs(gw)).to.deep.include({
                virtualNetworkGatewayName: "vgw-ahds-dev-weu-hub", gatewayType: "Vpn", vpnType: "RouteBased", vpnGatewayGeneration: "Generation2",
                sku: { name: "VpnGw2AZ", tier: "VpnGw2AZ" }, activeActive: true, enableBgp: false,
            });
            expect(g.plainInputs(gw)).to.not.have.property("bgpSettings");
            const configs = g.plainInputs(gw)["ipConfigurations"] as Array<Record<string, Json>>;
            expect(configs.map((c) => [c["name"], c["privateIPAllocationMethod"], c["subnet"]])).to.deep.equal([
                ["default", "Dynamic", { id: `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-ahds-dev-weu-hub/subnets/GatewaySubnet` }],
                ["activeActive", "Dynamic", { id: `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-ahds-dev-weu-hub/subnets/GatewaySubnet` }],
            ]);
            expect(gw.propertyDependencies["ipConfigurations"]).to.include.members(["hub-pip-vgw", "hub-pip-vgw2"].map((n) => g.one("azure-native:network:PublicIPAddress", n).urn));
        });

        it("gives the gateway two Standard public IPs over zones 1-3 (AZ SKUs need zone-redundant Standard IPs), each with diagnostics", () => {
            for (const n of ["hub-pip-vgw", "hub-pip-vgw2"]) {
                expect(inputs(g, "azure-native:network:PublicIPAddress", n), n).to.deep.include({ sku: { name: "Standard", tier: "Regional" }, publicIPAllocationMethod: "Static", zones: ["1", "2", "3"] });
                expect(g.byType("azure-native:monitor:DiagnosticSetting").map((d) => d.name)).to.include(`${n}-diag-law`);
            }
            expect(out?.gatewayPublicIps).to.have.length(2);
        });

        it("sends the gateway's logs and metrics to the workspace", () => {
            const diag = g.one("azure-native:monitor:DiagnosticSetting", "hub-vgw-diag-law");
            expect(g.plainInputs(diag)).to.deep.include({ workspaceId: LAW, logs: [{ categoryGroup: "allLogs", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }] });
            expect(diag.propertyDependencies["resourceUri"]).to.deep.equal([g.one("azure-native:network:VirtualNetworkGateway").urn]);
        });

        it("adds GatewaySubnet without NSG (Azure does not support one) and, without spokes, without a route table", () => {
            expect(subnet(g, "GatewaySubnet")).to.deep.equal({ name: "GatewaySubnet", addressPrefix: "10.0.2.0/27" });
            expect(g.byType("azure-native:network:RouteTable").map((t) => t.name)).to.deep.equal(["hub-rt-firewall", "hub-rt-jumpbox", "hub-rt-pe"]);
        });

        it("overrides a default route learned over BGP on AzureFirewallSubnet: 0.0.0.0/0 → Internet, BGP propagation on", () => {
            // learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy: "If your AzureFirewallSubnet subnet learns a
            // default route to your on-premises network via BGP, you must override it by using a 0.0.0.0/0 UDR with the
            // NextHopType value set as Internet"; the firewall still learns the on-premises routes ("No UDR is required on
            // the Azure Firewall subnet, because it learns routes from BGP"), so propagation stays on.
            const rt = g.one("azure-native:network:RouteTable", "hub-rt-firewall");
            expect(g.plainInputs(rt)).to.deep.include({
                routeTableName: "rt-ahds-dev-weu-afw", disableBgpRoutePropagation: false,
                routes: [{ name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }],
            });
            // Still no NSG on AzureFirewallSubnet (firewall-faq).
            expect(subnet(g, "AzureFirewallSubnet")).to.deep.equal({ name: "AzureFirewallSubnet", addressPrefix: "10.0.0.0/26", routeTable: { id: rt.id } });
            expect(g.one("azure-native:network:VirtualNetwork").propertyDependencies["subnets"]).to.include(rt.urn);
        });

        it("creates no site, connection, resolver or on-premises firewall rule until they are given", () => {
            for (const t of HYBRID_TYPES.slice(1)) expect(g.byType(t), t).to.deep.equal([]);
            expect(g.byType("azure-native:network:FirewallPolicyRuleCollectionGroup").map((x) => x.name)).to.deep.equal(["hub-rcg-platform", "hub-rcg-management"]);
            expect(out).to.deep.include({ gatewayConnectionId: "", dnsResolverInboundIp: "", onPremisesDnsForwarders: [] });
            expect(out?.gatewayId).to.equal(`${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/vgw-ahds-dev-weu-hub`);
        });
    });

    describe("waf-aligned (prod's shape: active-active BGP site-to-site VPN, spoke routing, FHIR/DICOM rules, resolver)", () => {
        let g: Graph;
        let out: HubOutputs | undefined;
        before(async () => {
            const r = await run(hybrid({
                type: "vpn", sku: "VpnGw2AZ", activeActive: true, bgpAsn: 65515,
                onPremisesAddressPrefixes: ["192.168.0.0/16"],
                spokeAddressSpaces: { spoke: "10.1.0.0/20" },
                onPremisesHttpsFqdns: { fhir: "hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com", dicom: pulumi.output("hwahdsdevabc12-dicom.dicom.azurehealthcareapis.com") },
                vpnSite: { gatewayIpAddress: "203.0.113.10", bgpAsn: 65050, bgpPeeringAddress: "192.168.255.1", sharedKey: pulumi.secret(PSK) },
            }));
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("runs BGP with the Azure default ASN 65515 on the gateway", () => {
            expect(inputs(g, "azure-native:network:VirtualNetworkGateway")).to.deep.include({ enableBgp: true, bgpSettings: { asn: 65515 }, activeActive: true });
        });

        it("describes the on-premises device with its BGP peer (/32 address space, learned routes)", () => {
            expect(inputs(g, "azure-native:network:LocalNetworkGateway")).to.deep.include({
                localNetworkGatewayName: "lgw-ahds-dev-weu-onp", gatewayIpAddress: "203.0.113.10",
                localNetworkAddressSpace: { addressPrefixes: ["192.168.255.1/32"] }, bgpSettings: { asn: 65050, bgpPeeringAddress: "192.168.255.1" },
            });
        });

        it("connects over IKEv2 with exactly one custom IPsec/IKE policy of strong algorithms and BGP", () => {
            const con = g.one("azure-native:network:VirtualNetworkGatewayConnection");
            expect(g.plainInputs(con)).to.deep.include({
                virtualNetworkGatewayConnectionName: "con-ahds-dev-weu-onp", connectionType: "IPsec", connectionProtocol: "IKEv2",
                ipsecPolicies: [DEFAULT_POLICY], usePolicyBasedTrafficSelectors: false, dpdTimeoutSeconds: 45, enableBgp: true,
            });
            expect(con.propertyDependencies["virtualNetworkGateway1"]).to.deep.equal([g.one("azure-native:network:VirtualNetworkGateway").urn]);
            expect(con.propertyDependencies["localNetworkGateway2"]).to.deep.equal([g.one("azure-native:network:LocalNetworkGateway").urn]);
            expect(out?.gatewayConnectionId).to.equal(`${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/connections/con-ahds-dev-weu-onp`);
        });

        it("keeps the pre-shared key a secret: a secret input, a declared secret output, and nowhere in plain text", () => {
            const con = g.one("azure-native:network:VirtualNetworkGatewayConnection");
            expect(isSecret(con.inputs["sharedKey"])).to.equal(true);
            expect(g.plainInputs(con)["sharedKey"]).to.equal("[secret]");
            expect(con.additionalSecretOutputs).to.deep.equal(["sharedKey"]);
            noPlainKey(g, PSK);
        });

        it("gives AzureFirewallSubnet its 0.0.0.0/0 → Internet override, BGP propagation on (BGP runs here)", () => {
            const rt = g.one("azure-native:network:RouteTable", "hub-rt-firewall");
            expect(g.plainInputs(rt)).to.deep.include({ disableBgpRoutePropagation: false, routes: [{ name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] });
            expect(subnet(g, "AzureFirewallSubnet")).to.deep.equal({ name: "AzureFirewallSubnet", addressPrefix: "10.0.0.0/26", routeTable: { id: rt.id } });
        });

        it("routes the spoke's address space from GatewaySubnet to the firewall, BGP propagation on, no default route", () => {
            const rt = g.one("azure-native:network:RouteTable", "hub-rt-gateway");
            expect(g.plainInputs(rt)).to.deep.include({
                routeTableName: "rt-ahds-dev-weu-gw", disableBgpRoutePropagation: false,
                routes: [{ name: "spoke-via-firewall", addressPrefix: "10.1.0.0/20", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }],
            });
            expect(subnet(g, "GatewaySubnet")).to.deep.equal({ name: "GatewaySubnet", addressPrefix: "10.0.2.0/27", routeTable: { id: rt.id } });
            expect(subnet(g, "GatewaySubnet")).to.not.have.property("networkSecurityGroup");
        });

        it("admits on-premises callers to exactly the FHIR and DICOM hosts on TCP 443, written after the other groups, and SNATs network rules", () => {
            const rcgs = g.byType("azure-native:network:FirewallPolicyRuleCollectionGroup");
            expect(rcgs.map((r) => r.name)).to.deep.equal(["hub-rcg-platform", "hub-rcg-management", "hub-rcg-on-premises"]);
            expect(rcgs[2]?.dependencies).to.include(rcgs[1]?.urn);
            expect(g.one("azure-native:network:AzureFirewall").dependencies).to.include(rcgs[2]?.urn);
            expect(g.plainInputs(rcgs[2] as RecordedResource)).to.deep.include({
                ruleCollectionGroupName: "on-premises", priority: 500,
                ruleCollections: [{ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "net-on-premises", priority: 510, action: { type: "Allow" }, rules: [
                    { ruleType: "NetworkRule", name: "on-premises-to-fhir", description: "On-premises callers to fhir over HTTPS, through its private endpoint", sourceAddresses: ["192.168.0.0/16"], ipProtocols: ["TCP"], destinationPorts: ["443"], destinationFqdns: ["hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com"] },
                    { ruleType: "NetworkRule", name: "on-premises-to-dicom", description: "On-premises callers to dicom over HTTPS, through its private endpoint", sourceAddresses: ["192.168.0.0/16"], ipProtocols: ["TCP"], destinationPorts: ["443"], destinationFqdns: ["hwahdsdevabc12-dicom.dicom.azurehealthcareapis.com"] },
                ] }],
            });
            // Private endpoints answer callers directly: always-SNAT keeps on-premises flows symmetric (firewall/snat-private-range).
            expect(inputs(g, "azure-native:network:FirewallPolicy")["snat"]).to.deep.equal({ privateRanges: ["255.255.255.255/32"] });
        });

        it("deploys the DNS Private Resolver in the hub with a static inbound endpoint (first usable address) in its delegated subnet", () => {
            const resolver = g.one("azure-native:dnsresolver:DnsResolver");
            expect(g.plainInputs(resolver)).to.deep.include({ dnsResolverName: "dnspr-ahds-dev-weu-hub", virtualNetwork: { id: g.one("azure-native:network:VirtualNetwork").id } });
            const endpoint = g.one("azure-native:dnsresolver:InboundEndpoint");
            expect(g.plainInputs(endpoint)).to.deep.include({
                dnsResolverName: "dnspr-ahds-dev-weu-hub", inboundEndpointName: "in-ahds-dev-weu-hub",
                ipConfigurations: [{ privateIpAllocationMethod: "Static", privateIpAddress: "10.0.0.132", subnet: { id: `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-ahds-dev-weu-hub/subnets/snet-dns-inbound` } }],
            });
            const s = subnet(g, "snet-dns-inbound");
            expect(s).to.deep.include({ addressPrefix: "10.0.0.128/28", delegations: [{ name: "dns-resolvers", serviceName: "Microsoft.Network/dnsResolvers" }], defaultOutboundAccess: false });
            expect(s).to.not.have.property("routeTable");
            expect(out?.dnsResolverInboundIp).to.equal("10.0.0.132");
        });

        it("admits only DNS (UDP and TCP 53) from on-premises to the resolver's whole subnet", () => {
            const rules = inputs(g, "azure-native:network:NetworkSecurityGroup", "hub-nsg-dns")["securityRules"] as Array<Record<string, Json>>;
            expect(rules.map(({ description: _d, ...rest }) => rest)).to.deep.equal([
                { name: "allow-dns-udp-from-on-premises", priority: 100, direction: "Inbound", access: "Allow", protocol: "Udp", sourcePortRange: "*", sourceAddressPrefix: "192.168.0.0/16", destinationAddressPrefix: "10.0.0.128/28", destinationPortRange: "53" },
                { name: "allow-dns-tcp-from-on-premises", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", sourceAddressPrefix: "192.168.0.0/16", destinationAddressPrefix: "10.0.0.128/28", destinationPortRange: "53" },
                { name: "deny-all-inbound", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", sourcePortRange: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "*", destinationPortRange: "*" },
            ]);
        });

        it("lists the public zones on-premises DNS servers forward to the resolver, one per privatelink zone (Key Vault and App Service with their extra zones)", () => {
            // learn.microsoft.com/azure/private-link/private-endpoint-dns, "Public DNS zone forwarders".
            expect(out?.onPremisesDnsForwarders).to.deep.equal([
                "vault.azure.net", "vaultcore.azure.net", "blob.core.windows.net", "queue.core.windows.net", "table.core.windows.net", "file.core.windows.net", "dfs.core.windows.net",
                "azurecr.io", "azurewebsites.net", "scm.azurewebsites.net", "workspace.azurehealthcareapis.com", "fhir.azurehealthcareapis.com", "dicom.azurehealthcareapis.com",
                "servicebus.windows.net", "sql.azuresynapse.net", "dev.azuresynapse.net", "azuresynapse.net", "cognitiveservices.azure.com",
            ]);
        });
    });

    describe("max (ExpressRoute, every option)", () => {
        let g: Graph;
        before(async () => {
            const r = await run({
                ...hybrid({
                    type: "expressroute", sku: "ErGw3AZ", bgpAsn: 65515, onPremisesAddressPrefixes: ["172.16.0.0/12", "192.168.0.0/16"],
                    spokeAddressSpaces: { spoke: "10.1.0.0/20", spoke2: "10.2.0.0/20" }, onPremisesHttpsFqdns: { fhir: "hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com" },
                    // A plain string key: the component still makes it a secret.
                    expressRoute: { circuitResourceId: CIRCUIT, authorizationKey: AUTH_KEY, routingWeight: 10 },
                }),
                privateDnsZones: ["privatelink.vaultcore.azure.net", "privatelink.fhir.azurehealthcareapis.com"],
                zoneRedundant: true,
            });
            expect(r.error).to.equal(undefined);
            g = r.graph;
        });

        it("deploys an ExpressRoute gateway (ErGw3AZ, one zone-redundant IP, no VPN settings)", () => {
            const gw = inputs(g, "azure-native:network:VirtualNetworkGateway");
            expect(gw).to.deep.include({ gatewayType: "ExpressRoute", sku: { name: "ErGw3AZ", tier: "ErGw3AZ" } });
            expect(gw).to.not.have.any.keys("vpnType", "vpnGatewayGeneration", "activeActive", "enableBgp", "bgpSettings");
            expect(g.byType("azure-native:network:PublicIPAddress").filter((p) => p.name.startsWith("hub-pip-vgw")).map((p) => [p.name, g.plainInputs(p)["zones"]])).to.deep.equal([["hub-pip-vgw", ["1", "2", "3"]]]);
            expect(g.byType("azure-native:network:LocalNetworkGateway")).to.deep.equal([]);
        });

        it("connects to the customer's circuit, its authorization key a secret input and a declared secret output", () => {
            const con = g.one("azure-native:network:VirtualNetworkGatewayConnection", "hub-con-er");
            expect(g.plainInputs(con)).to.deep.include({ virtualNetworkGatewayConnectionName: "con-ahds-dev-weu-er", connectionType: "ExpressRoute", peer: { id: CIRCUIT }, routingWeight: 10, authorizationKey: "[secret]" });
            expect(g.plainInputs(con)).to.not.have.any.keys("ipsecPolicies", "sharedKey", "connectionProtocol");
            expect(isSecret(con.inputs["authorizationKey"])).to.equal(true);
            expect(con.additionalSecretOutputs).to.deep.equal(["authorizationKey"]);
            noPlainKey(g, AUTH_KEY);
        });

        it("routes every spoke from GatewaySubnet to the firewall, and admits both on-premises prefixes", () => {
            expect(inputs(g, "azure-native:network:RouteTable", "hub-rt-gateway")["routes"]).to.deep.equal([
                { name: "spoke-via-firewall", addressPrefix: "10.1.0.0/20", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" },
                { name: "spoke2-via-firewall", addressPrefix: "10.2.0.0/20", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" },
            ]);
            const rule = ((inputs(g, "azure-native:network:FirewallPolicyRuleCollectionGroup", "hub-rcg-on-premises")["ruleCollections"] as Array<Record<string, Json>>)[0]?.["rules"] as Array<Record<string, Json>>)[0];
            expect(rule).to.deep.include({ name: "on-premises-to-fhir", sourceAddresses: ["172.16.0.0/12", "192.168.0.0/16"] });
        });

        it("gives AzureFirewallSubnet the 0.0.0.0/0 → Internet override with ExpressRoute too (its routes are always BGP)", () => {
            const rt = g.one("azure-native:network:RouteTable", "hub-rt-firewall");
            expect(g.plainInputs(rt)).to.deep.include({ disableBgpRoutePropagation: false, routes: [{ name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] });
            expect(subnet(g, "AzureFirewallSubnet")).to.deep.equal({ name: "AzureFirewallSubnet", addressPrefix: "10.0.0.0/26", routeTable: { id: rt.id } });
        });

        it("leaves AzureFirewallSubnet without a table when the firewall has a management NIC (forced-tunnelling mode)", async () => {
            // learn.microsoft.com/azure/firewall/forced-tunneling: with a management NIC, AzureFirewallSubnet may take a
            // default route to on-premises; the management subnet keeps the internet path.
            const r = await run(hybrid({ type: "expressroute" }, { ...HYBRID_NETWORK, firewallManagementSubnet: "10.0.3.0/26" }));
            expect(r.error).to.equal(undefined);
            expect(subnet(r.graph, "AzureFirewallSubnet")).to.deep.equal({ name: "AzureFirewallSubnet", addressPrefix: "10.0.0.0/26" });
            expect(subnet(r.graph, "AzureFirewallManagementSubnet")).to.deep.equal({ name: "AzureFirewallManagementSubnet", addressPrefix: "10.0.3.0/26" });
            expect(r.graph.byType("azure-native:network:RouteTable").map((t) => t.name)).to.deep.equal(["hub-rt-jumpbox", "hub-rt-pe"]);
        });

        it("forwards only the zones it creates", async () => {
            const out = await run({ ...hybrid({ type: "expressroute" }), privateDnsZones: ["privatelink.vaultcore.azure.net", "privatelink.fhir.azurehealthcareapis.com"] });
            expect(out.outputs?.onPremisesDnsForwarders).to.deep.equal(["vault.azure.net", "vaultcore.azure.net", "fhir.azurehealthcareapis.com"]);
        });
    });

    describe("a VPN site with static routes, a custom policy and a plain-string key", () => {
        it("uses the on-premises prefixes as the local address space, the given policy and DPD timeout, and still hides the key", async () => {
            const policy = { ...DEFAULT_POLICY, ikeEncryption: "AES256", ikeIntegrity: "SHA256", dhGroup: "DHGroup14", ipsecEncryption: "AES256", ipsecIntegrity: "SHA256", pfsGroup: "PFS2048", saLifeTimeSeconds: 3600 };
            const r = await run(hybrid({
                type: "vpn", sku: "VpnGw1AZ", activeActive: false, onPremisesAddressPrefixes: ["192.168.10.0/24", "192.168.20.0/24"],
                vpnSite: { gatewayIpAddress: "198.51.100.7", sharedKey: PSK, ipsecPolicy: policy, dpdTimeoutSeconds: 30 },
            }));
            expect(r.error).to.equal(undefined);
            const g = r.graph;
            // VpnGw1AZ is Generation1 only (about-gateway-skus); one IP without active-active.
            expect(inputs(g, "azure-native:network:VirtualNetworkGateway")).to.deep.include({ vpnGatewayGeneration: "Generation1", activeActive: false, enableBgp: false });
            expect(g.byType("azure-native:network:PublicIPAddress").map((p) => p.name).filter((n) => n.startsWith("hub-pip-vgw"))).to.deep.equal(["hub-pip-vgw"]);
            expect(inputs(g, "azure-native:network:LocalNetworkGateway")).to.deep.include({ localNetworkAddressSpace: { addressPrefixes: ["192.168.10.0/24", "192.168.20.0/24"] } });
            expect(inputs(g, "azure-native:network:LocalNetworkGateway")).to.not.have.property("bgpSettings");
            expect(inputs(g, "azure-native:network:VirtualNetworkGatewayConnection")).to.deep.include({ ipsecPolicies: [policy], dpdTimeoutSeconds: 30, enableBgp: false, sharedKey: "[secret]" });
            noPlainKey(g, PSK);
        });
    });

    describe("invalid hybrid args", () => {
        it("throws one error listing every problem by arg path, never echoing the key, and registers nothing", async () => {
            const r = await run(hybrid({
                type: "vpn", sku: "ErGw1AZ", bgpAsn: 65520,
                onPremisesAddressPrefixes: ["10.0.0.0/16", "192.168.0.0/33"],
                spokeAddressSpaces: { Spoke: "10.0.128.0/20" },
                onPremisesHttpsFqdns: { fhir: "FHIR_HOST" },
                vpnSite: { gatewayIpAddress: "10.50.0.1", bgpAsn: 65515, sharedKey: "short-secret-value", ipsecPolicy: { ...DEFAULT_POLICY, dhGroup: "DHGroup2", ipsecIntegrity: "SHA256" }, dpdTimeoutSeconds: 5 },
                expressRoute: { circuitResourceId: CIRCUIT },
            }, { ...BASE.network, gatewaySubnet: "10.0.2.0/28", dnsResolverInboundSubnet: "10.0.1.64/29" }));
            const msg = String(r.error);
            for (const part of [
                'network.gatewaySubnet: "10.0.2.0/28" is too small: GatewaySubnet must be /27 or larger',
                'network.dnsResolverInboundSubnet: "10.0.1.64/29" is too small: a DNS Private Resolver endpoint subnet must be /28 to /24',
                'network.dnsResolverInboundSubnet: "10.0.1.64/29" overlaps 10.0.1.0 - 10.0.16.255, which the DNS Private Resolver service reserves',
                'hybrid.sku "ErGw1AZ" is an ExpressRoute gateway SKU; a VPN gateway takes one of VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, VpnGw4AZ, VpnGw5AZ',
                "hybrid.bgpAsn 65520 is reserved (65517-65520, by Azure or IANA)",
                'hybrid.spokeAddressSpaces key "Spoke" must be 1-20 lowercase letters, digits or hyphens',
                'hybrid.onPremisesAddressPrefixes[0]: "10.0.0.0/16" overlaps network.addressSpace "10.0.0.0/22"',
                'hybrid.onPremisesAddressPrefixes[0]: "10.0.0.0/16" overlaps hybrid.spokeAddressSpaces.Spoke "10.0.128.0/20"',
                'hybrid.onPremisesAddressPrefixes[1]: "192.168.0.0/33" is not a valid CIDR',
                'hybrid.onPremisesHttpsFqdns.fhir: "FHIR_HOST" is not a lowercase FQDN',
                'hybrid.expressRoute is set but hybrid.type is "vpn"',
                'hybrid.vpnSite.gatewayIpAddress "10.50.0.1" must be the on-premises device\'s public IPv4 address',
                "hybrid.vpnSite.bgpAsn and hybrid.vpnSite.bgpPeeringAddress go together",
                "hybrid.vpnSite.bgpAsn 65515 is reserved (65515, by Azure or IANA)",
                "hybrid.vpnSite.sharedKey must be 32-128 characters long (it has 18)",
                'hybrid.vpnSite.ipsecPolicy.dhGroup "DHGroup2" is not one of ECP384, ECP256, DHGroup14, DHGroup2048 (weak or unsupported)',
                'hybrid.vpnSite.ipsecPolicy.ipsecIntegrity "SHA256" must equal ipsecEncryption "GCMAES256" when either is GCMAES',
                "hybrid.vpnSite.dpdTimeoutSeconds must be an integer 9-3600",
            ]) expect(msg, msg).to.include(part);
            expect(msg).to.not.include("short-secret-value");
            expect(r.graph.resources.filter((x) => x.type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
        });

        it("refuses a gateway without GatewaySubnet, ExpressRoute-only settings on VPN and VPN-only ones on ExpressRoute, and legacy SKUs", async () => {
            const er = String((await run(hybrid({ type: "expressroute", sku: "VpnGw2AZ", bgpAsn: 65010, activeActive: true, vpnSite: { gatewayIpAddress: "198.51.100.7" } }, BASE.network))).error);
            for (const part of ['hybrid.type "expressroute" needs network.gatewaySubnet', 'hybrid.sku "VpnGw2AZ" is a VPN gateway SKU',
                "hybrid.bgpAsn 65010 cannot be set: ExpressRoute gateways always use 65515", "hybrid.activeActive applies to VPN gateways only", 'hybrid.vpnSite is set but hybrid.type is "expressroute"']) expect(er).to.include(part);
            const legacy = String((await run(hybrid({ type: "vpn", sku: "VpnGw2" }))).error);
            expect(legacy).to.include('hybrid.sku "VpnGw2" is not zone-redundant, and new gateways on the non-AZ SKUs can no longer be created; use VpnGw2AZ');
            const basic = String((await run(hybrid({ type: "vpn", sku: "Basic" }))).error);
            expect(basic).to.include('hybrid.sku "Basic" has no BGP, active-active, custom IPsec/IKE policy or zone redundancy');
            const type = String((await run(hybrid({ type: "p2s" }))).error);
            expect(type).to.include('hybrid.type "p2s" is not one of none, vpn, expressroute');
            const large = String((await run({ ...BASE, network: { ...BASE.network, addressSpace: "10.0.0.0/20", dnsResolverInboundSubnet: "10.0.8.0/23" } })).error);
            expect(large).to.include('network.dnsResolverInboundSubnet: "10.0.8.0/23" is too large: a DNS Private Resolver endpoint subnet must be /28 to /24');
        });
    });
});

describe("strong IPsec/IKE algorithms", () => {
    // The pack is installed on its own (npm run policy:standalone), so it keeps its own copy of the list; the two must
    // not drift: a policy HubSecurity accepts must pass vpn-ikev2-strong-crypto, and one it refuses must fail it.
    it("are the same in HubSecurity's validation and in the pack's rule", () => {
        expect(STRONG_IPSEC).to.deep.equal(Object.fromEntries(Object.entries(STRONG_IPSEC_ALGORITHMS).map(([k, v]) => [k, [...v]])));
    });
});

describe("SpokeNetwork gateway transit", () => {
    const GATEWAY = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworkGateways/vgw-hub`;
    const SPOKE: SpokeNetworkArgs = SPOKE_ARGS;
    const peering = (g: Graph, side: "spoke-to-hub" | "hub-to-spoke") => g.one("azure-native:network:VirtualNetworkPeering", `spoke-peer-${side}`);
    const peSubnet = (g: Graph) => (g.plainInputs(g.one("azure-native:network:VirtualNetwork"))["subnets"] as Array<Record<string, Json>>).find((s) => s["name"] === "snet-private-endpoints");

    it("without a hub gateway: no transit either way, endpoint route policies off, spoke side registered first", async () => {
        const r = await runInStack(() => { new SpokeNetwork("spoke", SPOKE); });
        expect(r.error).to.equal(undefined);
        expect(r.graph.plainInputs(peering(r.graph, "spoke-to-hub"))).to.deep.include({ useRemoteGateways: false, allowGatewayTransit: false });
        expect(r.graph.plainInputs(peering(r.graph, "hub-to-spoke"))).to.deep.include({ useRemoteGateways: false, allowGatewayTransit: false });
        expect(r.graph.byType("azure-native:network:VirtualNetworkPeering").map((p) => p.name)).to.deep.equal(["spoke-peer-spoke-to-hub", "spoke-peer-hub-to-spoke"]);
        expect(peSubnet(r.graph)).to.deep.include({ privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled" });
    });

    it("with a hub gateway: the hub side allows transit first, the spoke side uses the gateway and waits for it; endpoint route policies on", async () => {
        const r = await runInStack(() => {
            // A stand-in gateway, so the peerings' dependency on it is visible.
            const gw = new network.VirtualNetworkGateway("vgw", { virtualNetworkGatewayName: "vgw-hub", resourceGroupName: "rg-hub" });
            new SpokeNetwork("spoke", { ...SPOKE, hubGatewayResourceId: gw.id });
        });
        expect(r.error).to.equal(undefined);
        expect(r.graph.one("azure-native:network:VirtualNetworkGateway").id).to.equal(GATEWAY);
        const gwUrn = r.graph.one("azure-native:network:VirtualNetworkGateway").urn;
        const spokeSide = peering(r.graph, "spoke-to-hub");
        const hubSide = peering(r.graph, "hub-to-spoke");
        expect(r.graph.plainInputs(spokeSide)).to.deep.include({ useRemoteGateways: true, allowGatewayTransit: false, allowForwardedTraffic: true });
        expect(r.graph.plainInputs(hubSide)).to.deep.include({ useRemoteGateways: false, allowGatewayTransit: true, allowForwardedTraffic: true });
        expect(spokeSide.propertyDependencies["useRemoteGateways"]).to.deep.equal([gwUrn]);
        expect(hubSide.propertyDependencies["allowGatewayTransit"]).to.deep.equal([gwUrn]);
        expect(spokeSide.dependencies).to.include(hubSide.urn);
        expect(r.graph.byType("azure-native:network:VirtualNetworkPeering").map((p) => p.name)).to.deep.equal(["spoke-peer-hub-to-spoke", "spoke-peer-spoke-to-hub"]);
        // Route-table network policies: the hub GatewaySubnet's route for this VNet overrides the endpoints' /32 routes
        // (learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy).
        expect(peSubnet(r.graph)).to.deep.include({ privateEndpointNetworkPolicies: "Enabled" });
        // Spoke route tables keep BGP propagation off: on-premises-bound traffic follows 0.0.0.0/0 to the firewall.
        for (const t of r.graph.byType("azure-native:network:RouteTable")) expect(r.graph.plainInputs(t)["disableBgpRoutePropagation"], t.name).to.equal(true);
        // The App Gateway subnet learns no gateway route either, a default route from on-premises included: its own table,
        // no routes, propagation off (application-gateway/configuration-infrastructure#supported-user-defined-routes, Scenario 1).
        const agw = r.graph.one("azure-native:network:RouteTable", "spoke-rt-appGateway");
        expect(r.graph.plainInputs(agw)).to.deep.include({ disableBgpRoutePropagation: true, routes: [] });
        const agwSubnet = (r.graph.plainInputs(r.graph.one("azure-native:network:VirtualNetwork"))["subnets"] as Array<Record<string, Json>>).find((s) => s["name"] === "snet-appgw");
        expect(agwSubnet?.["routeTable"]).to.deep.equal({ id: agw.id });
    });
});
