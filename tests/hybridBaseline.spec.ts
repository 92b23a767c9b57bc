import { expect } from "chai";
import { gatewayConnectionKeysSecret, vpnIkev2StrongCrypto } from "../policy/rules/network";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, RecordedResource } from "../lib/offline/mocks";
import { check } from "./harness/policyArgs";
import { ProgramRun, runProgram, sharedProgramRun } from "../lib/offline/run";
import { Json, SECRET_SIG, SPECIAL_SIG_KEY } from "../lib/offline/values";

/**
 * Hybrid connectivity on the whole program's graph (issue 20). dev leaves it off: no gateway, resolver or transit, the
 * graph as before. prod (Pulumi.prod.yaml) runs an active-active BGP site-to-site VPN: gateway, local network gateway,
 * GatewaySubnet routing, resolver, firewall rules, transit; its connection needs the secret ahds:hybrid.sharedKey, which
 * a stack file cannot hold offline, so one more run supplies a stand-in the way `pulumi config set --secret` would.
 * Values are written out literally.
 */

type Obj = Record<string, Json>;
const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const HUB_VNET = `${SUB}/resourceGroups/rg-ahds-prod-weu-hub/providers/Microsoft.Network/virtualNetworks/vnet-ahds-prod-weu-hub`;
const HYBRID_TYPES = ["azure-native:network:VirtualNetworkGateway", "azure-native:network:LocalNetworkGateway", "azure-native:network:VirtualNetworkGatewayConnection",
    "azure-native:dnsresolver:DnsResolver", "azure-native:dnsresolver:InboundEndpoint"];
/** A stand-in for the prod stack's pre-shared key (never a real one); the tests check it never appears in plain text. */
const PSK = "offline-stand-in-psk-for-tests-0123456789ABCDEFGHIJ";

const subnetOf = (g: Graph, vnet: string, name: string) => (g.plainInputs(g.one("azure-native:network:VirtualNetwork", vnet))["subnets"] as Obj[]).find((s) => s["name"] === name);
const peering = (g: Graph, side: string) => g.plainInputs(g.one("azure-native:network:VirtualNetworkPeering", `spoke-peer-${side}`));

describe("hybrid connectivity baseline (dev: off)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await sharedProgramRun("dev");
        expect(run.error).to.equal(undefined);
    });

    it("has no gateway, local network gateway, connection or resolver, and no GatewaySubnet", () => {
        for (const t of HYBRID_TYPES) expect(run.graph.byType(t), t).to.deep.equal([]);
        expect(subnetOf(run.graph, "hub-vnet", "GatewaySubnet")).to.equal(undefined);
        expect(subnetOf(run.graph, "hub-vnet", "snet-dns-inbound")).to.equal(undefined);
        expect(run.graph.byType("azure-native:network:RouteTable").map((t) => t.name)).to.not.include("hub-rt-gateway");
        // Nothing to override without a gateway: AzureFirewallSubnet keeps its system routes.
        expect(run.graph.byType("azure-native:network:RouteTable").map((t) => t.name)).to.not.include("hub-rt-firewall");
        expect(subnetOf(run.graph, "hub-vnet", "AzureFirewallSubnet")).to.deep.equal({ name: "AzureFirewallSubnet", addressPrefix: "10.0.0.0/26" });
    });
    it("peers without gateway transit either way and keeps the endpoints' route policies off", () => {
        expect(peering(run.graph, "spoke-to-hub")).to.deep.include({ useRemoteGateways: false, allowGatewayTransit: false });
        expect(peering(run.graph, "hub-to-spoke")).to.deep.include({ useRemoteGateways: false, allowGatewayTransit: false });
        expect(subnetOf(run.graph, "spoke-vnet", "snet-private-endpoints")).to.deep.include({ privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled" });
    });
    it("admits nothing from on-premises and keeps the firewall's default SNAT", () => {
        expect(run.graph.byType("azure-native:network:FirewallPolicyRuleCollectionGroup").map((r) => r.name)).to.not.include("hub-rcg-on-premises");
        expect(run.graph.plainInputs(run.graph.one("azure-native:network:FirewallPolicy"))).to.not.have.property("snat");
    });
    it("outputs empty hybrid values", () => {
        expect(run.outputs).to.deep.include({ gatewayPublicIps: [], gatewayBgpPeeringAddress: "", gatewayConnectionId: "", dnsResolverInboundIp: "", onPremisesDnsForwarders: [] });
    });
});

describe("hybrid connectivity baseline (prod: site-to-site VPN)", () => {
    let run: ProgramRun;
    let g: Graph;
    before(async () => {
        run = await sharedProgramRun("prod");
        expect(run.error).to.equal(undefined);
        g = run.graph;
    });

    it("deploys the zone-redundant active-active VpnGw2AZ gateway with BGP (ASN 65515) in GatewaySubnet 10.20.2.0/27, its logs to the workspace", () => {
        const gw = g.one("azure-native:network:VirtualNetworkGateway", "hub-vgw");
        expect(g.plainInputs(gw)).to.deep.include({
            virtualNetworkGatewayName: "vgw-ahds-prod-weu-hub", gatewayType: "Vpn", vpnType: "RouteBased", vpnGatewayGeneration: "Generation2",
            sku: { name: "VpnGw2AZ", tier: "VpnGw2AZ" }, activeActive: true, enableBgp: true, bgpSettings: { asn: 65515 },
        });
        expect((g.plainInputs(gw)["ipConfigurations"] as Obj[]).map((c) => c["subnet"])).to.deep.equal([{ id: `${HUB_VNET}/subnets/GatewaySubnet` }, { id: `${HUB_VNET}/subnets/GatewaySubnet` }]);
        for (const n of ["hub-pip-vgw", "hub-pip-vgw2"]) expect(g.plainInputs(g.one("azure-native:network:PublicIPAddress", n)), n).to.deep.include({ sku: { name: "Standard", tier: "Regional" }, zones: ["1", "2", "3"] });
        expect(subnetOf(g, "hub-vnet", "GatewaySubnet")).to.deep.equal({ name: "GatewaySubnet", addressPrefix: "10.20.2.0/27", routeTable: { id: g.one("azure-native:network:RouteTable", "hub-rt-gateway").id } });
        expect(g.one("azure-native:monitor:DiagnosticSetting", "hub-vgw-diag-law").propertyDependencies["resourceUri"]).to.deep.equal([gw.urn]);
        expect(run.outputs?.["gatewayPublicIps"]).to.have.length(2);
    });

    it("describes the on-premises device (203.0.113.10, BGP ASN 65050 at 192.168.255.1), and holds the connection back until the key is set", () => {
        expect(g.plainInputs(g.one("azure-native:network:LocalNetworkGateway"))).to.deep.include({
            gatewayIpAddress: "203.0.113.10", localNetworkAddressSpace: { addressPrefixes: ["192.168.255.1/32"] }, bgpSettings: { asn: 65050, bgpPeeringAddress: "192.168.255.1" },
        });
        expect(g.byType("azure-native:network:VirtualNetworkGatewayConnection")).to.deep.equal([]);
        expect(run.outputs?.["gatewayConnectionId"]).to.equal("");
    });

    it("sends the spoke's address space from GatewaySubnet to the firewall, BGP propagation on", () => {
        expect(g.plainInputs(g.one("azure-native:network:RouteTable", "hub-rt-gateway"))).to.deep.include({
            disableBgpRoutePropagation: false, routes: [{ name: "spoke-via-firewall", addressPrefix: "10.21.0.0/20", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.20.0.4" }],
        });
    });

    it("keeps a default route learned from on-premises off the firewall's and the App Gateway's subnets", () => {
        // AzureFirewallSubnet: 0.0.0.0/0 → Internet overrides a BGP-learned default, propagation on so the firewall keeps
        // the on-premises routes (learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy). Prod has no
        // ahds:hub.firewallManagementSubnet, so the firewall is not in forced-tunnelling mode.
        const fw = g.one("azure-native:network:RouteTable", "hub-rt-firewall");
        expect(g.plainInputs(fw)).to.deep.include({ routeTableName: "rt-ahds-prod-weu-afw", disableBgpRoutePropagation: false, routes: [{ name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] });
        expect(subnetOf(g, "hub-vnet", "AzureFirewallSubnet")).to.deep.equal({ name: "AzureFirewallSubnet", addressPrefix: "10.20.0.0/26", routeTable: { id: fw.id } });
        expect(g.plainInputs(g.one("azure-native:network:AzureFirewall"))).to.not.have.property("managementIpConfiguration");
        // snet-appgw: no routes, propagation off (application-gateway/configuration-infrastructure#supported-user-defined-routes, Scenario 1).
        const agw = g.one("azure-native:network:RouteTable", "spoke-rt-appGateway");
        expect(g.plainInputs(agw)).to.deep.include({ routeTableName: "rt-ahds-prod-weu-agw", disableBgpRoutePropagation: true, routes: [] });
        expect(subnetOf(g, "spoke-vnet", "snet-appgw")).to.deep.include({ addressPrefix: "10.21.0.0/24", routeTable: { id: agw.id } });
    });

    it("peers with gateway transit (the spoke side waits for the gateway) and turns on the spoke endpoints' route policies", () => {
        const gw = g.one("azure-native:network:VirtualNetworkGateway", "hub-vgw");
        expect(peering(g, "spoke-to-hub")).to.deep.include({ useRemoteGateways: true, allowGatewayTransit: false });
        expect(peering(g, "hub-to-spoke")).to.deep.include({ useRemoteGateways: false, allowGatewayTransit: true });
        expect(g.one("azure-native:network:VirtualNetworkPeering", "spoke-peer-spoke-to-hub").propertyDependencies["useRemoteGateways"]).to.deep.equal([gw.urn]);
        expect(subnetOf(g, "spoke-vnet", "snet-private-endpoints")).to.deep.include({ privateEndpointNetworkPolicies: "Enabled" });
    });

    it("admits 192.168.0.0/16 to exactly the FHIR and DICOM hosts the FhirWorkspace serves, on TCP 443, with SNAT", () => {
        const rcg = g.plainInputs(g.one("azure-native:network:FirewallPolicyRuleCollectionGroup", "hub-rcg-on-premises"));
        const rules = ((rcg["ruleCollections"] as Obj[])[0]?.["rules"] ?? []) as Obj[];
        expect(rules.map((r) => [r["name"], r["sourceAddresses"], r["ipProtocols"], r["destinationPorts"], r["destinationFqdns"]])).to.deep.equal([
            ["on-premises-to-fhir", ["192.168.0.0/16"], ["TCP"], ["443"], ["hwahdsproda1b7c-fhir.fhir.azurehealthcareapis.com"]],
            ["on-premises-to-dicom", ["192.168.0.0/16"], ["TCP"], ["443"], ["hwahdsproda1b7c-dicom.dicom.azurehealthcareapis.com"]],
        ]);
        // index.ts computes the hosts before the workspace exists: they must be the services' own URLs.
        expect(run.outputs?.["fhirUrl"]).to.equal("https://hwahdsproda1b7c-fhir.fhir.azurehealthcareapis.com");
        expect(run.outputs?.["dicomUrl"]).to.equal("https://hwahdsproda1b7c-dicom.dicom.azurehealthcareapis.com");
        expect(g.plainInputs(g.one("azure-native:network:FirewallPolicy"))["snat"]).to.deep.equal({ privateRanges: ["255.255.255.255/32"] });
    });

    it("resolves for on-premises through the resolver's inbound endpoint at 10.20.2.36, answering DNS from 192.168.0.0/16 only", () => {
        expect(g.plainInputs(g.one("azure-native:dnsresolver:InboundEndpoint"))["ipConfigurations"]).to.deep.equal([
            { privateIpAllocationMethod: "Static", privateIpAddress: "10.20.2.36", subnet: { id: `${HUB_VNET}/subnets/snet-dns-inbound` } },
        ]);
        expect(g.plainInputs(g.one("azure-native:dnsresolver:DnsResolver"))["virtualNetwork"]).to.deep.equal({ id: HUB_VNET });
        expect(subnetOf(g, "hub-vnet", "snet-dns-inbound")).to.deep.include({ addressPrefix: "10.20.2.32/28", delegations: [{ name: "dns-resolvers", serviceName: "Microsoft.Network/dnsResolvers" }] });
        const sources = (g.plainInputs(g.one("azure-native:network:NetworkSecurityGroup", "hub-nsg-dns"))["securityRules"] as Obj[]).filter((r) => r["access"] === "Allow").map((r) => [r["protocol"], r["sourceAddressPrefix"], r["destinationPortRange"]]);
        expect(sources).to.deep.equal([["Udp", "192.168.0.0/16", "53"], ["Tcp", "192.168.0.0/16", "53"]]);
        expect(run.outputs?.["dnsResolverInboundIp"]).to.equal("10.20.2.36");
        // Every privatelink zone the stack creates, as the public zone on-premises DNS servers forward (private-endpoint-dns).
        expect(run.outputs?.["onPremisesDnsForwarders"]).to.deep.equal([
            "vault.azure.net", "vaultcore.azure.net", "blob.core.windows.net", "queue.core.windows.net", "table.core.windows.net", "file.core.windows.net", "dfs.core.windows.net",
            "azurecr.io", "azurewebsites.net", "scm.azurewebsites.net", "workspace.azurehealthcareapis.com", "fhir.azurehealthcareapis.com", "dicom.azurehealthcareapis.com",
            "servicebus.windows.net", "sql.azuresynapse.net", "dev.azuresynapse.net", "azuresynapse.net", "cognitiveservices.azure.com",
        ]);
    });
});

describe("hybrid connectivity baseline (prod with ahds:hybrid.sharedKey set as a secret)", () => {
    let g: Graph;
    let connection: RecordedResource;
    before(async () => {
        const r = await runProgram({ stack: "prod", secrets: { "ahds:hybrid.sharedKey": PSK } });
        expect(r.error).to.equal(undefined);
        g = r.graph;
        connection = g.one("azure-native:network:VirtualNetworkGatewayConnection");
        expect(r.outputs?.["gatewayConnectionId"]).to.equal(`${SUB}/resourceGroups/rg-ahds-prod-weu-hub/providers/Microsoft.Network/connections/con-ahds-prod-weu-onp`);
    });

    it("connects the gateway to the site over IKEv2 with the strong custom policy, BGP on", () => {
        expect(g.plainInputs(connection)).to.deep.include({
            virtualNetworkGatewayConnectionName: "con-ahds-prod-weu-onp", connectionType: "IPsec", connectionProtocol: "IKEv2", enableBgp: true, dpdTimeoutSeconds: 45,
            usePolicyBasedTrafficSelectors: false,
            ipsecPolicies: [{ ikeEncryption: "GCMAES256", ikeIntegrity: "SHA384", dhGroup: "ECP384", ipsecEncryption: "GCMAES256", ipsecIntegrity: "GCMAES256", pfsGroup: "ECP384", saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000 }],
        });
        expect(connection.propertyDependencies["virtualNetworkGateway1"]).to.deep.equal([g.one("azure-native:network:VirtualNetworkGateway").urn]);
        expect(connection.propertyDependencies["localNetworkGateway2"]).to.deep.equal([g.one("azure-native:network:LocalNetworkGateway").urn]);
    });

    it("takes the key only as a secret: a secret input, a declared secret output, in no resource's inputs in plain text", () => {
        const key = connection.inputs["sharedKey"] as Record<string, unknown>;
        expect(key[SPECIAL_SIG_KEY]).to.equal(SECRET_SIG);
        expect(connection.additionalSecretOutputs).to.deep.equal(["sharedKey"]);
        for (const r of g.resources) expect(JSON.stringify(g.plainInputs(r)), r.urn).to.not.include(PSK);
    });

    it("passes vpn-ikev2-strong-crypto and gateway-connection-keys-secret as the engine would call them", () => {
        const props = { ...connection.inputs, sharedKey: "[secret]" };
        expect(check(vpnIkev2StrongCrypto, connection.type, props)).to.deep.equal([]);
        expect(check(gatewayConnectionKeysSecret, connection.type, props, {}, connection.name, false, connection.additionalSecretOutputs ?? [])).to.deep.equal([]);
        expect(check(gatewayConnectionKeysSecret, connection.type, props, {}, connection.name, false, [])).to.have.length(1);
    });
});
