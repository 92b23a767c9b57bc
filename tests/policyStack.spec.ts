import { expect } from "chai";
import { PolicyResource } from "@pulumi/policy";
import {
    cmkKeyInProtectedVault, defenderPlansEnabled, eventHubNetworkRestricted, phiDiagnosticsToLaw, phiPrivateEndpointRequired, publicIpOnlyAtEdge, statefulProtected,
    vnetFlowLogsCoverage,
} from "../policy/rules/stack";
import { gatewaySubnetViaFirewall, gatewayZoneRedundant, subnetEgressViaFirewall } from "../policy/rules/stackRouting";
import { apimManagedIdentityRequiresJwt } from "../policy/rules/apim";
import { storageBlobVersioning, storageLakePrivateEndpoints } from "../policy/rules/storage";
import { synapseLakeTrustedWorkspace } from "../policy/rules/synapse";
import { eventGridTopicIdentity } from "../policy/rules/eventgrid";
import { appServiceBasicPublishingOff } from "../policy/rules/web";
import { check, checkStack, policyResources, policyResourcesWith, stackResource } from "./harness/policyArgs";
import { readPolicyConfig } from "../lib/offline/policySessions";
import { UNKNOWN as UNKNOWN_ID } from "../lib/offline/values";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";

const policyConfig = (stack: string) => readPolicyConfig(stack) as Record<string, Record<string, unknown>>;
const without = (rs: PolicyResource[], drop: (r: PolicyResource) => boolean) => rs.filter((r) => !drop(r)).map((r) => ({
    ...r,
    dependencies: r.dependencies.filter((d) => !drop(d)),
    propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.filter((d) => !drop(d))])),
}));

/** Stack-level rules on the real dev and prod graphs (they pass) and on graphs with one insecure change (they fail). */
for (const stack of ["dev", "prod"]) {
    describe(`stack-level policy rules on the ${stack} graph`, () => {
        let run: ProgramRun;
        let rs: PolicyResource[];
        const cfg = (rule: string) => policyConfig(stack)[rule] ?? {};
        before(async () => {
            run = await sharedProgramRun(stack);
            rs = policyResources(run.graph);
        });

        it("phi-private-endpoint-required passes, and fails when the FHIR workspace's endpoint is removed", () => {
            expect(checkStack(phiPrivateEndpointRequired, rs, cfg("phi-private-endpoint-required"))).to.deep.equal([]);
            const v = checkStack(phiPrivateEndpointRequired, without(rs, (r) => r.name === "fhir-ws-pep-spoke"), cfg("phi-private-endpoint-required"));
            expect(v).to.deep.equal([`healthcareapis:Workspace "fhir-ws" has no private endpoint`]);
        });

        it(`phi-private-endpoint-required recognises the flow-log account by its flow logs${stack === "dev" ? " (dev has none)" : ", and flags it without that"}`, () => {
            const unrecognised = checkStack(phiPrivateEndpointRequired, rs, { ...cfg("phi-private-endpoint-required"), exemptFlowLogStorage: false });
            expect(unrecognised).to.deep.equal(stack === "prod" ? [`storage:StorageAccount "hub-st-flowlogs" has no private endpoint`] : []);
            // Without the flow logs that write to it, the account is a store like any other.
            if (stack === "prod") expect(checkStack(phiPrivateEndpointRequired, without(rs, (r) => r.type === "azure-native:network:FlowLog"))).to.deep.equal([`storage:StorageAccount "hub-st-flowlogs" has no private endpoint`]);
        });

        it("phi-diagnostics-to-law passes, and fails when the FHIR audit setting, the lake's blob logs or the Container Apps environment's logs are removed", () => {
            expect(checkStack(phiDiagnosticsToLaw, rs)).to.deep.equal([]);
            expect(checkStack(phiDiagnosticsToLaw, without(rs, (r) => r.name === "fhir-fhir-diag-law"))).to.deep.equal([`healthcareapis:FhirService "fhir-fhir" sends no audit logs to Log Analytics`]);
            expect(checkStack(phiDiagnosticsToLaw, without(rs, (r) => r.name === "analytics-lake-blob-diag-law"))).to.deep.equal([`storage:StorageAccount "analytics-lake" sends no audit logs to Log Analytics`]);
            expect(checkStack(phiDiagnosticsToLaw, without(rs, (r) => r.name === "analytics-cae-diag-law"))).to.deep.equal([`app:ManagedEnvironment "analytics-cae" sends no audit logs to Log Analytics`]);
        });

        it("storage-blob-versioning passes (the HNS lake is exempt), and fails when the import account stops versioning or the lake loses its hierarchical namespace", () => {
            expect(checkStack(storageBlobVersioning, rs)).to.deep.equal([]);
            const set = (name: string, key: string, value: unknown) => rs.map((r) => (r.name === name ? { ...r, props: { ...r.props, [key]: value } } : r));
            expect(checkStack(storageBlobVersioning, set("fhir-st-imp-blob", "isVersioningEnabled", false))).to.deep.equal([`blob service "fhir-st-imp-blob" has no blob versioning`]);
            // Without a hierarchical namespace the lake could version its blobs, so the exemption no longer applies.
            expect(checkStack(storageBlobVersioning, set("analytics-lake", "isHnsEnabled", false))).to.deep.equal([`blob service "analytics-lake-blob" has no blob versioning`]);
        });

        it("no-public-ip-except-edge passes, and fails for a public IP on a NIC", () => {
            expect(checkStack(publicIpOnlyAtEdge, rs)).to.deep.equal([]);
            const pip = rs.find((r) => r.name === "ingress-pip-agw") as PolicyResource;
            const nic = rs.find((r) => r.type === "azure-native:network:NetworkInterface") as PolicyResource;
            const mutated = rs.map((r) => (r === nic ? { ...r, dependencies: [...r.dependencies, pip] } : r));
            expect(checkStack(publicIpOnlyAtEdge, mutated)).to.include(`public IP "ingress-pip-agw" is used by network:NetworkInterface "${nic.name}", which is not an edge service`);
        });

        it("subnet-egress-via-firewall, eventhub-network-restricted, cmk-key-in-protected-vault, storage-lake-private-endpoints and synapse-lake-trusted-workspace pass with the stack's config", () => {
            expect(checkStack(subnetEgressViaFirewall, rs, cfg("subnet-egress-via-firewall"))).to.deep.equal([]);
            expect(checkStack(eventHubNetworkRestricted, rs)).to.deep.equal([]);
            expect(checkStack(cmkKeyInProtectedVault, rs)).to.deep.equal([]);
            expect(checkStack(storageLakePrivateEndpoints, rs)).to.deep.equal([]);
            expect(checkStack(synapseLakeTrustedWorkspace, rs)).to.deep.equal([]);
            // The App Gateway subnet passes because the gateway's IP configuration names it (no stack exemption): without
            // that recognition the rule flags it, so it is doing real work.
            // (Its table only turns BGP propagation off: no default route to the firewall.)
            expect(checkStack(subnetEgressViaFirewall, rs, { exemptApplicationGatewaySubnets: false })).to.deep.equal([`subnet "snet-appgw" of "spoke-vnet" routes 0.0.0.0/0 elsewhere than the firewall (${stack === "prod" ? "10.20.0.4" : "10.0.0.4"})`]);
            // In update mode the gateway's subnet ID is known, so the name fallback plays no part.
            expect(checkStack(subnetEgressViaFirewall, rs, { applicationGatewaySubnetNames: [] })).to.deep.equal([]);
        });

        it("subnet-egress-via-firewall fails when the hub's jumpbox subnet loses its route table (the hub is checked too)", () => {
            const hub = rs.find((r) => r.name === "hub-vnet") as PolicyResource;
            const subnets = (hub.props["subnets"] as Array<Record<string, unknown>>).map((x) => (x["name"] === "snet-jumpbox" ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== "routeTable")) : x));
            const mutated = rs.map((r) => (r === hub ? { ...r, props: { ...r.props, subnets } } : r));
            expect(checkStack(subnetEgressViaFirewall, mutated, cfg("subnet-egress-via-firewall"))).to.deep.equal([`subnet "snet-jumpbox" of "hub-vnet" has no route table: its traffic bypasses the firewall`]);
        });

        it("appservice-basic-publishing-off, eventgrid-topic-identity and apim-managed-identity-requires-jwt pass", () => {
            expect(checkStack(appServiceBasicPublishingOff, rs)).to.deep.equal([]);
            expect(checkStack(eventGridTopicIdentity, rs)).to.deep.equal([]);
            expect(checkStack(apimManagedIdentityRequiresJwt, rs)).to.deep.equal([]);
        });

        it(`flow logs and Defender plans ${stack === "prod" ? "are all present in prod" : "are off in dev (cost), which the rules report"}`, () => {
            const flow = checkStack(vnetFlowLogsCoverage, rs);
            const defender = checkStack(defenderPlansEnabled, rs);
            if (stack === "prod") { expect(flow).to.deep.equal([]); expect(defender).to.deep.equal([]); }
            else { expect(flow).to.have.length(2); expect(defender).to.have.length(8); }
        });

        it(`prod-stateful-protected ${stack === "prod" ? "requires protect on every store" : "is relaxed (requireProtect false) in dev"}`, () => {
            const stores = run.graph.custom.filter((r) => ["healthcareapis:Workspace", "storage:StorageAccount", "keyvault:Vault"].some((t) => r.type === `azure-native:${t}`));
            expect(stores.length).to.be.greaterThan(2);
            for (const r of stores) {
                const v = (protect: boolean) => check(statefulProtected, r.type, r.inputs, cfg("prod-stateful-protected"), r.name, protect);
                expect(v(r.protect), r.name).to.deep.equal([]);
                expect(v(false).length, r.name).to.equal(stack === "prod" ? 1 : 0);
            }
        });
    });
}

/**
 * The hybrid connectivity rules (pack 0.5.0) on the real graphs: dev has no gateway (nothing to check), prod's
 * site-to-site VPN passes, and one insecure change to prod's graph draws exactly the expected violation.
 */
describe("stack-level hybrid connectivity rules (gateway-subnet-via-firewall, gateway-zone-redundant)", () => {
    let prod: ProgramRun;
    let dev: ProgramRun;
    let preview: ProgramRun;
    before(async () => {
        dev = await sharedProgramRun("dev");
        prod = await sharedProgramRun("prod");
        preview = await sharedProgramRun("prod", true);
    });
    type Props = Record<string, unknown>;
    const gatewayTable = (change: (t: Props) => Props) => policyResourcesWith(prod.graph, "hub-rt-gateway", change);

    it("pass on dev (no GatewaySubnet, no gateway), on prod, and on prod's first preview (table IDs unknown)", () => {
        for (const run of [dev, prod, preview]) {
            expect(checkStack(gatewaySubnetViaFirewall, policyResources(run.graph))).to.deep.equal([]);
            expect(checkStack(gatewayZoneRedundant, policyResources(run.graph))).to.deep.equal([]);
        }
        expect(dev.graph.byType("azure-native:network:VirtualNetworkGateway")).to.deep.equal([]);
    });
    it("gateway-subnet-via-firewall fails when GatewaySubnet's table loses the spoke route or sends it elsewhere than the firewall", () => {
        const missing = `GatewaySubnet of "hub-vnet" does not route spoke prefix 10.21.0.0/20 to the firewall (10.20.0.4): on-premises traffic to it bypasses inspection`;
        expect(checkStack(gatewaySubnetViaFirewall, gatewayTable((t) => ({ ...t, routes: [] })))).to.deep.equal([missing]);
        expect(checkStack(gatewaySubnetViaFirewall, gatewayTable((t) => ({ ...t, routes: [{ name: "spoke-via-firewall", addressPrefix: "10.21.0.0/20", nextHopType: "VnetLocal" }] })))).to.deep.equal([missing]);
        expect(checkStack(gatewaySubnetViaFirewall, gatewayTable((t) => ({ ...t, routes: [{ name: "spoke-via-firewall", addressPrefix: "10.21.0.0/20", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.20.0.5" }] })))).to.deep.equal([missing]);
        // A route for only part of the spoke leaves the rest (and the endpoints' /32 routes) direct.
        expect(checkStack(gatewaySubnetViaFirewall, gatewayTable((t) => ({ ...t, routes: [{ name: "half", addressPrefix: "10.21.0.0/21", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.20.0.4" }] })))).to.deep.equal([missing]);
        // A wider prefix (the spoke inside it) is fine.
        expect(checkStack(gatewaySubnetViaFirewall, gatewayTable((t) => ({ ...t, routes: [{ name: "all-spokes", addressPrefix: "10.21.0.0/16", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.20.0.4" }] })))).to.deep.equal([]);
    });
    it("gateway-subnet-via-firewall fails when GatewaySubnet's table disables BGP propagation or carries a default route", () => {
        expect(checkStack(gatewaySubnetViaFirewall, gatewayTable((t) => ({ ...t, disableBgpRoutePropagation: true })))).to.deep.equal([
            `GatewaySubnet of "hub-vnet" uses route table "hub-rt-gateway", which disables BGP route propagation (the gateway stops working)`,
        ]);
        expect(checkStack(gatewaySubnetViaFirewall, gatewayTable((t) => ({ ...t, routes: [...(t["routes"] as unknown[]), { name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.20.0.4" }] })))).to.deep.equal([
            `GatewaySubnet of "hub-vnet" has default route "default" (0.0.0.0/0), which Azure does not support on GatewaySubnet`,
        ]);
    });
    it("gateway-subnet-via-firewall fails when GatewaySubnet has no route table at all", () => {
        const rs = policyResourcesWith(prod.graph, "hub-vnet", (v) => ({ ...v, subnets: (v["subnets"] as Props[]).map((x) => (x["name"] === "GatewaySubnet" ? { name: x["name"], addressPrefix: x["addressPrefix"] } : x)) }));
        expect(checkStack(gatewaySubnetViaFirewall, rs)).to.deep.equal([`GatewaySubnet of "hub-vnet" has no route table: on-premises traffic to 10.21.0.0/20 bypasses the firewall`]);
    });
    it("gateway-zone-redundant fails a non-AZ SKU, and a gateway public IP that is not zone-redundant", () => {
        expect(checkStack(gatewayZoneRedundant, policyResourcesWith(prod.graph, "hub-vgw", (g) => ({ ...g, sku: { name: "VpnGw2", tier: "VpnGw2" } })))).to.deep.equal([
            `gateway "hub-vgw" runs SKU "VpnGw2", which is not zone-redundant`,
        ]);
        expect(checkStack(gatewayZoneRedundant, policyResourcesWith(prod.graph, "hub-pip-vgw2", (p) => ({ ...p, zones: ["1"] })))).to.deep.equal([
            `gateway "hub-vgw" uses public IP "hub-pip-vgw2", which is not a zone-redundant Standard address (zones ["1"])`,
        ]);
        expect(checkStack(gatewayZoneRedundant, policyResourcesWith(prod.graph, "hub-pip-vgw", (p) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== "zones"))))).to.deep.equal([
            `gateway "hub-vgw" uses public IP "hub-pip-vgw", which is not a zone-redundant Standard address (zones [])`,
        ]);
    });
    it("subnet-egress-via-firewall exempts the resolver's subnet by its delegation only, and still checks it without one", () => {
        const cfg = readPolicyConfig("prod") as Record<string, Record<string, unknown>>;
        const egress = cfg["subnet-egress-via-firewall"] ?? {};
        expect(checkStack(subnetEgressViaFirewall, policyResources(prod.graph), egress)).to.deep.equal([]);
        const undelegated = policyResourcesWith(prod.graph, "hub-vnet", (v) => ({ ...v, subnets: (v["subnets"] as Props[]).map((x) => (x["name"] === "snet-dns-inbound" ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== "delegations")) : x)) }));
        expect(checkStack(subnetEgressViaFirewall, undelegated, egress)).to.deep.equal([`subnet "snet-dns-inbound" of "hub-vnet" has no route table: its traffic bypasses the firewall`]);
        // At preview (table IDs unknown) GatewaySubnet's default-less table and AzureFirewallSubnet's 0.0.0.0/0 → Internet
        // table are not taken for the jumpbox's or the endpoints', nor the App Gateway subnet's empty one for the spoke's.
        expect(checkStack(subnetEgressViaFirewall, policyResources(preview.graph), egress)).to.deep.equal([]);
        // At preview the gateway's subnet ID is unknown: its VNet is known by the dependency, the subnet by its name. Without
        // the name, snet-appgw is checked like any other subnet, and its empty table can no longer be set aside, so at
        // preview every spoke subnet may be using it.
        expect(checkStack(subnetEgressViaFirewall, policyResources(preview.graph), { ...egress, applicationGatewaySubnetNames: [] })).to.deep.equal(
            ["snet-appgw", "snet-apim", "snet-private-endpoints", "snet-func-integration", "snet-container-apps"].map((n) => `subnet "${n}" of "spoke-vnet" routes 0.0.0.0/0 elsewhere than the firewall`));
    });
    it("no-public-ip-except-edge admits the VPN gateway's public IPs, and phi-diagnostics-to-law requires the gateway's logs", () => {
        expect(checkStack(publicIpOnlyAtEdge, policyResources(prod.graph))).to.deep.equal([]);
        const rs = policyResources(prod.graph).filter((r) => r.name !== "hub-vgw-diag-law");
        expect(checkStack(phiDiagnosticsToLaw, rs)).to.deep.equal([`network:VirtualNetworkGateway "hub-vgw" sends no audit logs to Log Analytics`]);
    });
});

describe("stack-level rule exemptions", () => {
    it("a matching exemption with a justification silences the rule for that resource only", async () => {
        const rs = without(policyResources((await sharedProgramRun("prod")).graph), (r) => r.name === "fhir-ws-pep-spoke" || r.name === "fhir-acr-pep-registry");
        const configured = (policyConfig("prod")["phi-private-endpoint-required"]?.["exemptions"] ?? []) as Array<Record<string, string>>;
        const exemptions = [...configured, { resourceName: "fhir-ws", justification: "test: workspace reached through a peered hub endpoint" }];
        expect(checkStack(phiPrivateEndpointRequired, rs, { exemptions })).to.deep.equal([`containerregistry:Registry "fhir-acr" has no private endpoint`]);
    });
});

/** A synthetic stack resource for the stack rules' edge cases (tests/harness/policyArgs.ts). */
const res = stackResource;

describe("subnet-egress-via-firewall (edge cases)", () => {
    const via = (ip: string, bgpOff = true) => ({ disableBgpRoutePropagation: bgpOff, routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: ip }] });
    const fw = res("network:AzureFirewall", "fw", { ipConfigurations: [{ name: "ip", privateIPAddress: "10.0.0.4" }] });
    const rt = res("network:RouteTable", "rt", via("10.0.0.4"));
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const vnet = (subnets: Array<Record<string, unknown>>, tables: PolicyResource[] = [rt], name = "spoke") => res("network:VirtualNetwork", name, { subnets }, { subnets: tables });
    const hubSubnets = (jumpbox: Record<string, unknown>) => [{ name: "AzureFirewallSubnet" }, { name: "AzureFirewallManagementSubnet" }, { name: "AzureBastionSubnet" }, { name: "GatewaySubnet" }, { name: "RouteServerSubnet" }, { name: "snet-jumpbox", ...jumpbox }];

    it("passes when every spoke subnet's table (found through dependencies at preview) routes to the firewall IP", () => {
        expect(checkStack(subnetEgressViaFirewall, [fw, rt, vnet([{ name: "a", routeTable: { id: UNKNOWN } }, { name: "AzureBastionSubnet" }])])).to.deep.equal([]);
    });
    it("fails a subnet without a route table, and one whose table's default route skips the firewall", () => {
        expect(checkStack(subnetEgressViaFirewall, [fw, rt, vnet([{ name: "a" }])])).to.deep.equal([`subnet "a" of "spoke" has no route table: its traffic bypasses the firewall`]);
        const other = res("network:RouteTable", "rt", via("10.9.9.9"));
        expect(checkStack(subnetEgressViaFirewall, [fw, other, vnet([{ name: "a", routeTable: { id: UNKNOWN } }], [other])])[0]).to.include("elsewhere than the firewall (10.0.0.4)");
    });
    it("fails a split default route (0.0.0.0/1 + 128.0.0.0/1) to the internet next to a 0.0.0.0/0 to the firewall", () => {
        const split = res("network:RouteTable", "rt", { disableBgpRoutePropagation: true, routes: [...via("10.0.0.4").routes,
            { name: "low", addressPrefix: "0.0.0.0/1", nextHopType: "Internet" }, { name: "high", addressPrefix: "128.0.0.0/1", nextHopType: "Internet" }] });
        expect(checkStack(subnetEgressViaFirewall, [fw, split, vnet([{ name: "a", routeTable: { id: UNKNOWN } }], [split])])).to.have.length(1);
    });
    it("treats IPv6 default routes (::/0 and its halves ::/1, 8000::/1) like 0.0.0.0/0: a table whose IPv6 default goes to the Internet fails", () => {
        const dual = (routes: Array<Record<string, unknown>>) => res("network:RouteTable", "rt-dual", { disableBgpRoutePropagation: true, routes: [...via("10.0.0.4").routes, ...routes] });
        const subnetOn = (t: PolicyResource) => vnet([{ name: "a", addressPrefixes: ["10.0.1.0/24", "fd00:db8:1::/64"], routeTable: { id: UNKNOWN } }], [t]);
        for (const routes of [[{ name: "d6", addressPrefix: "::/0", nextHopType: "Internet" }], [{ name: "lo6", addressPrefix: "::/1", nextHopType: "Internet" }, { name: "hi6", addressPrefix: "8000::/1", nextHopType: "Internet" }]]) {
            const t = dual(routes);
            expect(checkStack(subnetEgressViaFirewall, [fw, t, subnetOn(t)])).to.deep.equal([`subnet "a" of "spoke" routes ${routes.map((r) => r.addressPrefix).join(", ")} elsewhere than the firewall (10.0.0.4)`]);
        }
        // Standalone routes count the same.
        const table = res("network:RouteTable", "rt-s", { disableBgpRoutePropagation: true });
        const v4 = res("network:Route", "r4", { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }, { routeTableName: [table] });
        const v6 = res("network:Route", "r6", { addressPrefix: "::/0", nextHopType: "Internet" }, { routeTableName: [table] });
        expect(checkStack(subnetEgressViaFirewall, [fw, table, v4, v6, subnetOn(table)])).to.have.length(1);
        // An IPv6 default to the firewall does not stand in for the IPv4 one, nor does one half of a split default for both.
        const only = (routes: Array<Record<string, unknown>>) => res("network:RouteTable", "rt-only", { disableBgpRoutePropagation: true, routes });
        const toFw = (addressPrefix: string) => ({ name: addressPrefix, addressPrefix, nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" });
        for (const [routes, stray] of [[[toFw("::/0")], "0.0.0.0/0"], [[toFw("0.0.0.0/1")], "128.0.0.0/1"], [[toFw("128.0.0.0/1"), toFw("::/0")], "0.0.0.0/1"]] as const) {
            const t = only([...routes]);
            expect(checkStack(subnetEgressViaFirewall, [fw, t, subnetOn(t)])).to.deep.equal([`subnet "a" of "spoke" routes ${stray} elsewhere than the firewall (10.0.0.4)`]);
        }
        // Both halves of a split default (IPv4 and IPv6) to the firewall, without a /0, cover everything.
        const split = only([toFw("0.0.0.0/1"), toFw("128.0.0.0/1"), toFw("::/1"), toFw("8000::/1")]);
        expect(checkStack(subnetEgressViaFirewall, [fw, split, subnetOn(split)])).to.deep.equal([]);
        // A dropped default (next hop None) is stricter than the firewall: an IPv6 ::/0 the firewall cannot carry may be
        // dropped; an IPv4 default must still be covered.
        const dropped = dual([{ name: "drop6", addressPrefix: "::/0", nextHopType: "None" }]);
        expect(checkStack(subnetEgressViaFirewall, [fw, dropped, subnetOn(dropped)])).to.deep.equal([]);
        const droppedAll = only([{ name: "drop4", addressPrefix: "0.0.0.0/0", nextHopType: "None" }]);
        expect(checkStack(subnetEgressViaFirewall, [fw, droppedAll, subnetOn(droppedAll)])).to.deep.equal([]);
        // Specific IPv6 routes are not defaults: the table still sends every default through the firewall.
        const specific = dual([{ name: "doc", addressPrefix: "2001:db8::/32", nextHopType: "Internet" }, { name: "ula", addressPrefix: "fd00::/8", nextHopType: "VnetLocal" }]);
        expect(checkStack(subnetEgressViaFirewall, [fw, specific, subnetOn(specific)])).to.deep.equal([]);
    });
    it("fails a table that lets BGP-learned routes override its default route", () => {
        const bgp = res("network:RouteTable", "rt-bgp", via("10.0.0.4", false));
        expect(checkStack(subnetEgressViaFirewall, [fw, bgp, vnet([{ name: "a", routeTable: { id: UNKNOWN } }], [bgp])])).to.deep.equal([`subnet "a" of "spoke" uses route table "rt-bgp", which lets BGP-learned routes override its default route`]);
    });
    it("at a first preview (firewall IP, table IDs and next hop unknown) still decides, from dependencies and hop types", () => {
        const fwNew = res("network:AzureFirewall", "fw", { ipConfigurations: [{ name: "ip", privateIPAddress: UNKNOWN }] });
        const rtNew = res("network:RouteTable", "rt", via(UNKNOWN));
        expect(checkStack(subnetEgressViaFirewall, [fwNew, rtNew, vnet([{ name: "a", routeTable: { id: UNKNOWN } }], [rtNew])])).to.deep.equal([]);
        const internet = res("network:RouteTable", "rt", { disableBgpRoutePropagation: true, routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] });
        expect(checkStack(subnetEgressViaFirewall, [fwNew, internet, vnet([{ name: "a", routeTable: UNKNOWN }], [internet])])).to.have.length(1);
    });
    it("follows standalone Subnet and Route resources, also when the subnet's VNet is not in the stack", () => {
        const table = res("network:RouteTable", "rt2", { disableBgpRoutePropagation: true });
        const route = res("network:Route", "r", { addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }, { routeTableName: [table] });
        const spoke = res("network:VirtualNetwork", "spoke", {});
        const sub = res("network:Subnet", "s", { subnetName: "snet-x", routeTable: { id: UNKNOWN } }, { virtualNetworkName: [spoke], routeTable: [table] });
        expect(checkStack(subnetEgressViaFirewall, [fw, table, route, spoke, sub])).to.have.length(1);
        const good = res("network:Route", "r", { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }, { routeTableName: [table] });
        expect(checkStack(subnetEgressViaFirewall, [fw, table, good, spoke, sub])).to.deep.equal([]);
        // A subnet added to an existing VNet that this stack only names.
        const orphan = res("network:Subnet", "s2", { subnetName: "snet-y", virtualNetworkName: "vnet-existing" });
        expect(checkStack(subnetEgressViaFirewall, [fw, orphan])).to.deep.equal([`subnet "snet-y" of "vnet-existing" has no route table: its traffic bypasses the firewall`]);
    });
    it("checks the hub too: a jumpbox subnet without a route fails, with one it passes; the platform subnets are exempt by name", () => {
        expect(checkStack(subnetEgressViaFirewall, [fw, rt, vnet(hubSubnets({}), [rt], "hub")])).to.deep.equal([`subnet "snet-jumpbox" of "hub" has no route table: its traffic bypasses the firewall`]);
        expect(checkStack(subnetEgressViaFirewall, [fw, rt, vnet(hubSubnets({ routeTable: { id: UNKNOWN } }), [rt], "hub")])).to.deep.equal([]);
        // The standalone form of the same hub subnet.
        const hub = res("network:VirtualNetwork", "hub", { subnets: [{ name: "AzureFirewallSubnet" }] });
        const jump = (extra: Record<string, unknown>, deps: Record<string, PolicyResource[]>) => res("network:Subnet", "jump", { subnetName: "snet-jumpbox", ...extra }, { virtualNetworkName: [hub], ...deps });
        expect(checkStack(subnetEgressViaFirewall, [fw, hub, jump({}, {})])).to.deep.equal([`subnet "snet-jumpbox" of "hub" has no route table: its traffic bypasses the firewall`]);
        expect(checkStack(subnetEgressViaFirewall, [fw, rt, hub, jump({ routeTable: { id: UNKNOWN } }, { routeTable: [rt] })])).to.deep.equal([]);
        // A private-endpoint subnet is not a platform subnet: it routes through the firewall like any other.
        expect(checkStack(subnetEgressViaFirewall, [fw, res("network:VirtualNetwork", "hub", { subnets: [{ name: "AzureFirewallSubnet" }, { name: "snet-private-endpoints" }] })])).to.have.length(1);
    });
    it("honours <vnet>/<subnet> exemptions", () => {
        expect(checkStack(subnetEgressViaFirewall, [fw, rt, vnet([{ name: "snet-legacy" }])], { exemptions: [{ resourceName: "spoke/snet-legacy", justification: "test: a subnet whose service cannot take the route" }] })).to.deep.equal([]);
    });
});

describe("subnet-egress-via-firewall: Application Gateway subnets (0.6.0), recognised by the gateway's reference", () => {
    const fw = res("network:AzureFirewall", "fw", { ipConfigurations: [{ name: "ip", privateIPAddress: "10.0.0.4" }] });
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const VNET_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-spk";
    const noRoute = (subnet: string, vnetName = "spoke") => `subnet "${subnet}" of "${vnetName}" has no route table: its traffic bypasses the firewall`;
    const spoke = (subnets: string[], props: Record<string, unknown> = { id: VNET_ID, virtualNetworkName: "vnet-spk" }) => res("network:VirtualNetwork", "spoke", { ...props, subnets: subnets.map((name) => ({ name })) });
    const gateway = (subnetId: unknown, deps: PolicyResource[]) => res("network:ApplicationGateway", "agw", { gatewayIPConfigurations: [{ name: "gateway", subnet: { id: subnetId } }] }, { gatewayIPConfigurations: deps });

    it("passes the subnet a gateway's known subnet ID names, whatever its name; the name alone passes nothing", () => {
        const v = spoke(["snet-edge", "snet-appgw"]);
        expect(checkStack(subnetEgressViaFirewall, [fw, v, gateway(`${VNET_ID}/subnets/snet-edge`, [v])])).to.deep.equal([noRoute("snet-appgw")]);
        // The ID matches case-insensitively (ARM IDs are case-insensitive), also without the dependency.
        expect(checkStack(subnetEgressViaFirewall, [fw, v, gateway(`${VNET_ID.toUpperCase()}/subnets/snet-edge`, [])])).to.deep.equal([noRoute("snet-appgw")]);
        // No gateway, or one in another VNet: the App Gateway-looking subnet needs its route like any other.
        expect(checkStack(subnetEgressViaFirewall, [fw, v])).to.deep.equal([noRoute("snet-edge"), noRoute("snet-appgw")]);
        expect(checkStack(subnetEgressViaFirewall, [fw, v, gateway("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-other/subnets/snet-appgw", [])])).to.deep.equal([noRoute("snet-edge"), noRoute("snet-appgw")]);
    });
    it("with the VNet's ID unknown, matches the gateway's known subnet ID to the VNet it is built from by the VNet's name", () => {
        const v = spoke(["snet-edge"], { id: UNKNOWN, virtualNetworkName: "vnet-spk" });
        expect(checkStack(subnetEgressViaFirewall, [fw, v, gateway(`${VNET_ID}/subnets/snet-edge`, [v])])).to.deep.equal([]);
        const renamed = spoke(["snet-edge"], { id: UNKNOWN, virtualNetworkName: "vnet-other" });
        expect(checkStack(subnetEgressViaFirewall, [fw, renamed, gateway(`${VNET_ID}/subnets/snet-edge`, [renamed])])).to.deep.equal([noRoute("snet-edge")]);
    });
    it("at a first preview (subnet ID unknown), passes the subnet named in applicationGatewaySubnetNames of the VNet the gateway is built from, and no other", () => {
        const v = spoke(["snet-appgw", "snet-edge"], { id: UNKNOWN });
        const other = res("network:VirtualNetwork", "other", { subnets: [{ name: "snet-appgw" }] });
        expect(checkStack(subnetEgressViaFirewall, [fw, v, other, gateway(UNKNOWN, [v])])).to.deep.equal([noRoute("snet-edge"), noRoute("snet-appgw", "other")]);
        expect(checkStack(subnetEgressViaFirewall, [fw, v, gateway(UNKNOWN, [v])], { applicationGatewaySubnetNames: ["snet-edge"] })).to.deep.equal([noRoute("snet-appgw")]);
        // The whole IP configuration unknown counts the same.
        const whole = res("network:ApplicationGateway", "agw", { gatewayIPConfigurations: UNKNOWN }, { gatewayIPConfigurations: [v] });
        expect(checkStack(subnetEgressViaFirewall, [fw, v, whole])).to.deep.equal([noRoute("snet-edge")]);
    });
    it("passes a standalone Subnet the gateway is built from, or whose ID it names", () => {
        const s = res("network:Subnet", "agw-subnet", { subnetName: "snet-edge", virtualNetworkName: "vnet-existing", id: `${VNET_ID}/subnets/snet-edge` });
        expect(checkStack(subnetEgressViaFirewall, [fw, s])).to.deep.equal([noRoute("snet-edge", "vnet-existing")]);
        expect(checkStack(subnetEgressViaFirewall, [fw, s, gateway(UNKNOWN, [s])])).to.deep.equal([]);
        expect(checkStack(subnetEgressViaFirewall, [fw, s, gateway(`${VNET_ID}/subnets/snet-edge`, [])])).to.deep.equal([]);
    });
    it("checks gateway subnets too with exemptApplicationGatewaySubnets false (a gateway deployed with network isolation)", () => {
        const v = spoke(["snet-appgw"]);
        expect(checkStack(subnetEgressViaFirewall, [fw, v, gateway(`${VNET_ID}/subnets/snet-appgw`, [v])], { exemptApplicationGatewaySubnets: false })).to.deep.equal([noRoute("snet-appgw")]);
    });
});

/**
 * AzureFirewallSubnet's 0.0.0.0/0 → Internet table (HubSecurity with a hybrid gateway; learn.microsoft.com/azure/firewall/
 * tutorial-hybrid-portal-policy): route-default-via-firewall sees the table alone and leaves it to this rule, which
 * admits it on AzureFirewallSubnet only.
 */
describe("subnet-egress-via-firewall: AzureFirewallSubnet's 0.0.0.0/0 → Internet table", () => {
    const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const RT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables";
    const fw = res("network:AzureFirewall", "fw", { ipConfigurations: [{ name: "ip", privateIPAddress: "10.0.0.4" }] });
    const internet = (id: string) => res("network:RouteTable", "rt-afw", { id, disableBgpRoutePropagation: false, routes: [{ name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" }] });
    const viaFw = (id: string) => res("network:RouteTable", "rt-jump", { id, disableBgpRoutePropagation: true, routes: [{ name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }] });
    const hub = (subnets: Array<Record<string, unknown>>, tables: PolicyResource[]) => res("network:VirtualNetwork", "hub", { subnets }, { subnets: tables });
    const orphan = `route table "rt-afw" sends 0.0.0.0/0 to the Internet, which only AzureFirewallSubnet's table may, and no AzureFirewallSubnet of the stack uses it`;

    it("passes the table on AzureFirewallSubnet, matched by ID or, at preview, by the VNet's dependency", () => {
        const [afw, jump] = [internet(`${RT}/rt-afw`), viaFw(`${RT}/rt-jump`)];
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, jump, hub([{ name: "AzureFirewallSubnet", routeTable: { id: `${RT}/rt-afw` } }, { name: "snet-jumpbox", routeTable: { id: `${RT}/rt-jump` } }], [afw, jump])])).to.deep.equal([]);
        // Preview: every ID unknown. The Internet table is set aside as AzureFirewallSubnet's, so the jumpbox is judged on its own.
        const [afwNew, jumpNew] = [internet(UNKNOWN), viaFw(UNKNOWN)];
        expect(checkStack(subnetEgressViaFirewall, [fw, afwNew, jumpNew, hub([{ name: "AzureFirewallSubnet", routeTable: { id: UNKNOWN } }, { name: "snet-jumpbox", routeTable: { id: UNKNOWN } }], [afwNew, jumpNew])])).to.deep.equal([]);
    });
    it("fails the table on any other subnet: a workload subnet, the App Gateway's, a platform subnet", () => {
        const afw = internet(`${RT}/rt-afw`);
        const use = (name: string, extra: Record<string, unknown> = {}) => ({ name, routeTable: { id: `${RT}/rt-afw` }, ...extra });
        const both = (other: Record<string, unknown>) => hub([use("AzureFirewallSubnet"), other], [afw]);
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, both(use("snet-jumpbox"))])).to.deep.equal([`subnet "snet-jumpbox" of "hub" routes 0.0.0.0/0 elsewhere than the firewall (10.0.0.4)`]);
        // Exempt subnets may not use it either: the App Gateway subnet (by its name at preview, or by the gateway's
        // reference), the resolver's (by delegation), GatewaySubnet (by name).
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, both(use("snet-appgw")), res("network:ApplicationGateway", "agw", { gatewayIPConfigurations: [{ name: "g", subnet: { id: UNKNOWN } }] }, { gatewayIPConfigurations: [both(use("snet-appgw"))] })]))
            .to.deep.include(`subnet "snet-appgw" of "hub" uses route table "rt-afw", which sends 0.0.0.0/0 to the Internet: only AzureFirewallSubnet may`);
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, both(use("snet-dns", { delegations: [{ name: "d", serviceName: "Microsoft.Network/dnsResolvers" }] }))]))
            .to.deep.equal([`subnet "snet-dns" of "hub" uses route table "rt-afw", which sends 0.0.0.0/0 to the Internet: only AzureFirewallSubnet may`]);
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, both(use("GatewaySubnet"))]))
            .to.deep.equal([`subnet "GatewaySubnet" of "hub" uses route table "rt-afw", which sends 0.0.0.0/0 to the Internet: only AzureFirewallSubnet may`]);
    });
    it("fails the table when no AzureFirewallSubnet of the stack uses it (an orphan, or one meant for a subnet elsewhere)", () => {
        const afw = internet(`${RT}/rt-afw`);
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, hub([{ name: "AzureFirewallSubnet" }], [])])).to.deep.equal([orphan]);
        // AzureFirewallSubnet with another table (by ID), and at preview a VNet that does not depend on it.
        const other = res("network:RouteTable", "rt-other", { id: `${RT}/rt-other`, disableBgpRoutePropagation: false, routes: [] });
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, other, hub([{ name: "AzureFirewallSubnet", routeTable: { id: `${RT}/rt-other` } }], [afw, other])])).to.deep.equal([orphan]);
        const afwNew = internet(UNKNOWN);
        expect(checkStack(subnetEgressViaFirewall, [fw, afwNew, hub([{ name: "AzureFirewallSubnet", routeTable: { id: UNKNOWN } }], [])])).to.deep.equal([orphan]);
        // A standalone AzureFirewallSubnet that names it (by ID, or at preview by dependency) uses it.
        const vnet = res("network:VirtualNetwork", "hub", { subnets: [] });
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, vnet, res("network:Subnet", "afw-subnet", { subnetName: "AzureFirewallSubnet", routeTable: { id: `${RT}/rt-afw` } }, { virtualNetworkName: [vnet] })])).to.deep.equal([]);
        expect(checkStack(subnetEgressViaFirewall, [fw, afwNew, vnet, res("network:Subnet", "afw-subnet", { subnetName: "AzureFirewallSubnet", routeTable: { id: UNKNOWN } }, { virtualNetworkName: [vnet], routeTable: [afwNew] })])).to.deep.equal([]);
        // A <table name> exemption, with a justification, silences it.
        expect(checkStack(subnetEgressViaFirewall, [fw, afw, hub([{ name: "AzureFirewallSubnet" }], [])], { exemptions: [{ resourceName: "rt-afw", justification: "test: the firewall subnet is in another stack" }] })).to.deep.equal([]);
    });
    it("on prod's graph: passes with hub-rt-firewall on AzureFirewallSubnet, and fails once the subnet drops it", async () => {
        const prod = await sharedProgramRun("prod");
        const egress = policyConfig("prod")["subnet-egress-via-firewall"] ?? {};
        expect(checkStack(subnetEgressViaFirewall, policyResources(prod.graph), egress)).to.deep.equal([]);
        const detached = policyResourcesWith(prod.graph, "hub-vnet", (v) => ({ ...v, subnets: (v["subnets"] as Array<Record<string, unknown>>).map((x) => (x["name"] === "AzureFirewallSubnet" ? { name: x["name"], addressPrefix: x["addressPrefix"] } : x)) }));
        expect(checkStack(subnetEgressViaFirewall, detached, egress)).to.deep.equal([`route table "hub-rt-firewall" sends 0.0.0.0/0 to the Internet, which only AzureFirewallSubnet's table may, and no AzureFirewallSubnet of the stack uses it`]);
        // The jumpbox given the firewall subnet's table routes around the firewall.
        const fwTable = prod.graph.one("azure-native:network:RouteTable", "hub-rt-firewall").id;
        const misused = policyResourcesWith(prod.graph, "hub-vnet", (v) => ({ ...v, subnets: (v["subnets"] as Array<Record<string, unknown>>).map((x) => (x["name"] === "snet-jumpbox" ? { ...x, routeTable: { id: fwTable } } : x)) }));
        expect(checkStack(subnetEgressViaFirewall, misused, egress)).to.deep.equal([`subnet "snet-jumpbox" of "hub-vnet" routes 0.0.0.0/0 elsewhere than the firewall (10.20.0.4)`]);
    });
});

describe("phi-private-endpoint-required (edge cases)", () => {
    it("counts an endpoint with a manual-approval connection, found by dependency or by ID; a store with no endpoint fails", () => {
        const ID = "/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv";
        const kv = res("keyvault:Vault", "kv", { id: ID });
        const manual = res("network:PrivateEndpoint", "pe", { manualPrivateLinkServiceConnections: [{ name: "c", privateLinkServiceId: "x", groupIds: ["vault"] }] }, { manualPrivateLinkServiceConnections: [kv] });
        expect(checkStack(phiPrivateEndpointRequired, [kv, manual])).to.deep.equal([]);
        const byId = res("network:PrivateEndpoint", "pe", { manualPrivateLinkServiceConnections: [{ name: "c", privateLinkServiceId: ID, groupIds: ["vault"] }] });
        expect(checkStack(phiPrivateEndpointRequired, [kv, byId])).to.deep.equal([]);
        expect(checkStack(phiPrivateEndpointRequired, [kv])).to.deep.equal([`keyvault:Vault "kv" has no private endpoint`]);
    });

    describe("a VNet flow-log account (0.6.0: recognised by the flow logs that write to it, no stack exemption)", () => {
        const ID = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/stflow";
        const account = res("storage:StorageAccount", "st-flow", { id: ID, publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" } });
        const vnet = res("network:VirtualNetwork", "vnet");
        const identity = res("managedidentity:UserAssignedIdentity", "id-flow");
        const flowLog = res("network:FlowLog", "vnet-flowlog", { storageId: ID, targetResourceId: "v" }, { storageId: [account], targetResourceId: [vnet], identity: [identity] });
        // What HubSecurity creates around it: its own diagnostics, its blob service's settings, the writer's grant.
        const ownDiag = res("monitor:DiagnosticSetting", "st-flow-diag", { resourceUri: ID }, { resourceUri: [account] });
        const blob = res("storage:BlobServiceProperties", "st-flow-blob", {}, { accountName: [account] });
        const writer = res("authorization:RoleAssignment", "st-flow-ra-writer", { principalId: "p" }, { scope: [account], principalId: [identity] });
        const lock = res("authorization:ManagementLock", "st-flow-lock", {}, { scope: [account] });
        const sink = [account, vnet, identity, flowLog, ownDiag, blob, writer, lock];
        const flagged = [`storage:StorageAccount "st-flow" has no private endpoint`];

        it("passes the account the flow logs write to, with its own settings, logs, lock and the writer's grant", () => {
            expect(checkStack(phiPrivateEndpointRequired, sink)).to.deep.equal([]);
            // Found by the flow log's storageId when it names the account's ID without a dependency.
            const byId = res("network:FlowLog", "vnet-flowlog", { storageId: ID.toUpperCase() }, { identity: [identity] });
            expect(checkStack(phiPrivateEndpointRequired, [account, identity, byId])).to.deep.equal([]);
        });
        it("fails it without a flow log, or with exemptFlowLogStorage false", () => {
            expect(checkStack(phiPrivateEndpointRequired, sink.filter((r) => r !== flowLog))).to.deep.equal(flagged);
            expect(checkStack(phiPrivateEndpointRequired, sink, { exemptFlowLogStorage: false })).to.deep.equal(flagged);
        });
        it("fails it when anything else may put data there: another resource's logs, a container, a FHIR export, a grant to another principal", () => {
            const fhir = res("healthcareapis:FhirService", "fhir");
            const others: PolicyResource[] = [
                res("monitor:DiagnosticSetting", "fhir-diag-archive", { resourceUri: "f", storageAccountId: ID }, { resourceUri: [fhir], storageAccountId: [account] }),
                res("storage:BlobContainer", "st-flow-exports", { containerName: "exports" }, { accountName: [account] }),
                res("healthcareapis:FhirService", "fhir-export", { exportConfiguration: { storageAccountName: "stflow" } }, { exportConfiguration: [account] }),
                res("authorization:RoleAssignment", "st-flow-ra-analysts", { principalId: "00000000-0000-0000-0000-0000000000aa" }, { scope: [account] }),
                res("authorization:RoleAssignment", "st-flow-ra-app", { principalId: "p" }, { scope: [account], principalId: [res("managedidentity:UserAssignedIdentity", "id-app")] }),
            ];
            for (const other of others) expect(checkStack(phiPrivateEndpointRequired, [...sink, other]), other.name).to.deep.equal(flagged);
            // A private endpoint to it is fine (and satisfies the rule on its own).
            const pe = res("network:PrivateEndpoint", "st-flow-pep", { privateLinkServiceConnections: [{ name: "c", groupIds: ["blob"] }] }, { privateLinkServiceConnections: [account] });
            expect(checkStack(phiPrivateEndpointRequired, [...sink, pe])).to.deep.equal([]);
        });
    });
});

describe("phi-private-endpoint-required and phi-diagnostics-to-law on analytics services (Language, Synapse, Container Apps)", () => {
    const RG = "/subscriptions/00000000-0000-0000-0000-00000000a0d5/resourceGroups/rg-analytics-dev/providers";
    const lang = res("cognitiveservices:Account", "intel-lang", { accountName: "lang-ahds-dev", kind: "TextAnalytics", properties: { customSubDomainName: "lang-ahds-dev", publicNetworkAccess: "Disabled" } });
    const syn = res("synapse:Workspace", "analytics-syn", { workspaceName: "synw-ahds-dev", publicNetworkAccess: "Disabled" });
    const cae = res("app:ManagedEnvironment", "analytics-cae", { environmentName: "cae-ahds-dev", appLogsConfiguration: { destination: "azure-monitor" } });
    const law = res("operationalinsights:Workspace", "hub-law", { workspaceName: "law-ahds-dev" });
    const pe = (name: string, target: PolicyResource, groupId: string) => res("network:PrivateEndpoint", name, { privateLinkServiceConnections: [{ name, privateLinkServiceId: UNKNOWN_ID, groupIds: [groupId] }] }, { privateLinkServiceConnections: [target] });
    const diag = (name: string, target: PolicyResource, logs: Array<Record<string, unknown>> = [{ categoryGroup: "allLogs", enabled: true }]) =>
        res("monitor:DiagnosticSetting", name, { name: "to-law", resourceUri: UNKNOWN_ID, workspaceId: UNKNOWN_ID, logs }, { resourceUri: [target], workspaceId: [law] });

    it("fails a Language account and a Synapse workspace without a private endpoint, and passes them with one (groups account, Sql)", () => {
        expect(checkStack(phiPrivateEndpointRequired, [lang, syn])).to.deep.equal([
            `cognitiveservices:Account "intel-lang" has no private endpoint`,
            `synapse:Workspace "analytics-syn" has no private endpoint`,
        ]);
        expect(checkStack(phiPrivateEndpointRequired, [lang, syn, pe("analytics-syn-pep-sql", syn, "Sql")])).to.deep.equal([`cognitiveservices:Account "intel-lang" has no private endpoint`]);
        expect(checkStack(phiPrivateEndpointRequired, [lang, syn, pe("intel-lang-pep", lang, "account")])).to.deep.equal([`synapse:Workspace "analytics-syn" has no private endpoint`]);
    });
    it("passes a Language account with an endpoint in group account (by dependency, or by its known ID with manual approval)", () => {
        expect(checkStack(phiPrivateEndpointRequired, [lang, pe("intel-lang-pep", lang, "account"), syn, pe("analytics-syn-pep-sql", syn, "Sql")])).to.deep.equal([]);
        const ID = `${RG}/Microsoft.CognitiveServices/accounts/lang-ahds-dev`;
        const known = res("cognitiveservices:Account", "intel-lang", { id: ID, kind: "TextAnalytics", properties: {} });
        const manual = res("network:PrivateEndpoint", "pe", { manualPrivateLinkServiceConnections: [{ name: "c", privateLinkServiceId: ID, groupIds: ["account"] }] });
        expect(checkStack(phiPrivateEndpointRequired, [known, manual])).to.deep.equal([]);
        // An endpoint to another account does not count.
        const other = res("cognitiveservices:Account", "intel-other", { kind: "TextAnalytics", properties: {} });
        expect(checkStack(phiPrivateEndpointRequired, [lang, other, pe("intel-other-pep", other, "account")])).to.deep.equal([`cognitiveservices:Account "intel-lang" has no private endpoint`]);
    });
    it("fails a Synapse workspace, a Language account and a Container Apps environment without a diagnostic setting to Log Analytics", () => {
        expect(checkStack(phiDiagnosticsToLaw, [law, syn, lang, cae])).to.deep.equal([
            `synapse:Workspace "analytics-syn" sends no audit logs to Log Analytics`,
            `cognitiveservices:Account "intel-lang" sends no audit logs to Log Analytics`,
            `app:ManagedEnvironment "analytics-cae" sends no audit logs to Log Analytics`,
        ]);
        // A setting sending only metrics, or disabled logs, is no audit trail.
        expect(checkStack(phiDiagnosticsToLaw, [law, syn, diag("analytics-syn-diag", syn, [{ categoryGroup: "allLogs", enabled: false }])])).to.deep.equal([`synapse:Workspace "analytics-syn" sends no audit logs to Log Analytics`]);
    });
    it("passes them each with an allLogs (or audit) diagnostic setting to the workspace", () => {
        expect(checkStack(phiDiagnosticsToLaw, [law, syn, lang, cae, diag("analytics-syn-diag", syn), diag("intel-lang-diag", lang, [{ categoryGroup: "audit", enabled: true }]), diag("analytics-cae-diag", cae)])).to.deep.equal([]);
    });
});

describe("storage-lake-private-endpoints (edge cases)", () => {
    const lake = res("storage:StorageAccount", "analytics-st-lake", { accountName: "stlakeahdsdev", isHnsEnabled: true, publicNetworkAccess: "Enabled" });
    const pe = (name: string, target: PolicyResource, groupIds: unknown) => res("network:PrivateEndpoint", name, { privateLinkServiceConnections: [{ name, privateLinkServiceId: UNKNOWN_ID, groupIds }] }, { privateLinkServiceConnections: [target] });
    const MISSING = (groups: string) => `storage account "analytics-st-lake" has a hierarchical namespace (ADLS Gen2) but no private endpoint for ${groups}`;

    it("passes a lake with blob and dfs endpoints (queue and table besides), found by dependency", () => {
        expect(checkStack(storageLakePrivateEndpoints, [lake, pe("lake-pep-blob", lake, ["blob"]), pe("lake-pep-dfs", lake, ["dfs"])])).to.deep.equal([]);
        expect(checkStack(storageLakePrivateEndpoints, [lake, pe("b", lake, ["blob"]), pe("d", lake, ["DFS"]), pe("q", lake, ["queue"]), pe("t", lake, ["table"])])).to.deep.equal([]);
    });
    it("fails a lake missing the dfs endpoint, the blob endpoint, or both", () => {
        expect(checkStack(storageLakePrivateEndpoints, [lake, pe("lake-pep-blob", lake, ["blob"])])).to.deep.equal([MISSING("dfs")]);
        expect(checkStack(storageLakePrivateEndpoints, [lake, pe("lake-pep-dfs", lake, ["dfs"])])).to.deep.equal([MISSING("blob")]);
        expect(checkStack(storageLakePrivateEndpoints, [lake, pe("lake-pep-queue", lake, ["queue"])])).to.deep.equal([MISSING("blob, dfs")]);
        expect(checkStack(storageLakePrivateEndpoints, [lake])).to.deep.equal([MISSING("blob, dfs")]);
        // An unknown group list names no sub-resource.
        expect(checkStack(storageLakePrivateEndpoints, [lake, pe("lake-pep-blob", lake, ["blob"]), pe("lake-pep-x", lake, UNKNOWN_ID)])).to.deep.equal([MISSING("dfs")]);
    });
    it("counts only endpoints to this account: another account's dfs endpoint does not cover it; one naming its known ID does", () => {
        const other = res("storage:StorageAccount", "other-st", { accountName: "stother", isHnsEnabled: true });
        expect(checkStack(storageLakePrivateEndpoints, [lake, other, pe("lake-pep-blob", lake, ["blob"]), pe("other-pep-dfs", other, ["dfs"]), pe("other-pep-blob", other, ["blob"])])).to.deep.equal([MISSING("dfs")]);
        const ID = "/subscriptions/00000000-0000-0000-0000-00000000a0d5/resourceGroups/rg-analytics-dev/providers/Microsoft.Storage/storageAccounts/stlakeahdsdev";
        const known = res("storage:StorageAccount", "analytics-st-lake", { id: ID, accountName: "stlakeahdsdev", isHnsEnabled: true });
        const byId = (name: string, group: string) => res("network:PrivateEndpoint", name, { manualPrivateLinkServiceConnections: [{ name, privateLinkServiceId: ID.toUpperCase(), groupIds: [group] }] });
        expect(checkStack(storageLakePrivateEndpoints, [known, byId("b", "blob"), byId("d", "dfs")])).to.deep.equal([]);
        expect(checkStack(storageLakePrivateEndpoints, [known, byId("b", "blob")])).to.deep.equal([MISSING("dfs")]);
    });
    it("leaves flat-namespace accounts to phi-private-endpoint-required, and honours exemptions", () => {
        const flat = res("storage:StorageAccount", "fhir-st-exp", { accountName: "stexp", isHnsEnabled: false });
        expect(checkStack(storageLakePrivateEndpoints, [flat, res("storage:StorageAccount", "st-flat", { accountName: "stflat" })])).to.deep.equal([]);
        expect(checkStack(storageLakePrivateEndpoints, [lake], { exemptions: [{ resourceName: "analytics-st-lake", justification: "test: lake reached through a peered hub's endpoints" }] })).to.deep.equal([]);
    });
});

describe("synapse-lake-trusted-workspace (edge cases)", () => {
    const SUB = "/subscriptions/00000000-0000-0000-0000-00000000a0d5";
    // The rule's spelling (resourcegroups in lower case, as serverless SQL matches it) and ARM's ID of the workspace.
    const SYN_ID = `${SUB}/resourcegroups/rg-analytics-dev/providers/Microsoft.Synapse/workspaces/synw-ahds-dev`;
    const SYN_ARM_ID = `${SUB}/resourceGroups/rg-analytics-dev/providers/Microsoft.Synapse/workspaces/synw-ahds-dev`;
    const FHIR_ID = `${SUB}/resourceGroups/rg-fhir-dev/providers/Microsoft.HealthcareApis/workspaces/hwahdsdev/fhirservices/fhir`;
    const LAKE_ID = `${SUB}/resourceGroups/rg-analytics-dev/providers/Microsoft.Storage/storageAccounts/stlakeahdsdev`;
    const TENANT = "11111111-1111-1111-1111-11111111a0d5";
    const rg = res("resources:ResourceGroup", "analytics-rg", { resourceGroupName: "rg-analytics-dev" });
    const ruleSet = (rules: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({ defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [], resourceAccessRules: rules, ...extra });
    const RULES = [{ resourceId: FHIR_ID, tenantId: TENANT }, { resourceId: SYN_ID, tenantId: TENANT }];
    const lake = (props: Record<string, unknown> = {}, deps: Record<string, PolicyResource[]> = {}) =>
        res("storage:StorageAccount", "analytics-st-lake", { accountName: "stlakeahdsdev", isHnsEnabled: true, publicNetworkAccess: "Enabled", networkRuleSet: ruleSet(RULES), ...props }, deps);
    const workspace = (st: PolicyResource | undefined, props: Record<string, unknown> = {}) => res("synapse:Workspace", "analytics-syn", {
        workspaceName: "synw-ahds-dev", managedVirtualNetwork: "default",
        defaultDataLakeStorage: { accountUrl: "https://stlakeahdsdev.dfs.core.windows.net", filesystem: "fhir", resourceId: st === undefined ? LAKE_ID : UNKNOWN_ID }, ...props,
    }, st === undefined ? { resourceGroupName: [rg] } : { defaultDataLakeStorage: [st], resourceGroupName: [rg] });
    const WHAT = `Data Lake account "analytics-st-lake" of Synapse workspace "analytics-syn"`;
    const NO_RULE = `${WHAT} has no resource-instance rule for the workspace (…/providers/Microsoft.Synapse/workspaces/synw-ahds-dev); the storage firewall refuses serverless SQL`;
    const v = (st: PolicyResource, ws: PolicyResource = workspace(st)) => checkStack(synapseLakeTrustedWorkspace, [rg, st, ws]);

    it("passes a lake whose firewall bypasses AzureServices and names the workspace (any case), found by dependency", () => {
        expect(v(lake())).to.deep.equal([]);
        expect(v(lake({ networkRuleSet: ruleSet([{ resourceId: SYN_ID.toLowerCase().replace("microsoft.synapse/workspaces/synw", "Microsoft.Synapse/WORKSPACES/SYNW"), tenantId: TENANT }]) }))).to.deep.equal([]);
        // Bypass lists are comma-separated; omitted, Azure's default is AzureServices.
        expect(v(lake({ networkRuleSet: ruleSet(RULES, { bypass: "Logging, AzureServices" }) }))).to.deep.equal([]);
        const { bypass: _omitted, ...noBypass } = ruleSet(RULES);
        expect(v(lake({ networkRuleSet: noBypass }))).to.deep.equal([]);
    });
    it("fails a rule that names the workspace with `resourceGroups` as ARM spells it (Learn: serverless SQL needs it in lower case)", () => {
        const CASE = `${WHAT} names the workspace in a resource-instance rule spelled with "resourceGroups"; serverless SQL matches it only as "/subscriptions/<sub>/resourcegroups/<rg>/…" (lower case)`;
        expect(v(lake({ networkRuleSet: ruleSet([{ resourceId: FHIR_ID, tenantId: TENANT }, { resourceId: SYN_ARM_ID, tenantId: TENANT }]) }))).to.deep.equal([CASE]);
        expect(v(lake({ networkRuleSet: ruleSet([{ resourceId: SYN_ARM_ID.replace("resourceGroups", "RESOURCEGROUPS"), tenantId: TENANT }]) }))).to.deep.equal([CASE]);
        // Both spellings present: the lower-case one admits serverless SQL.
        expect(v(lake({ networkRuleSet: ruleSet([{ resourceId: SYN_ARM_ID, tenantId: TENANT }, { resourceId: SYN_ID, tenantId: TENANT }]) }))).to.deep.equal([]);
    });
    it("fails a lake without a rule for the workspace, or with one for another workspace or another service only", () => {
        expect(v(lake({ networkRuleSet: ruleSet([{ resourceId: FHIR_ID, tenantId: TENANT }]) }))).to.deep.equal([NO_RULE]);
        expect(v(lake({ networkRuleSet: ruleSet([{ resourceId: SYN_ID.replace("synw-ahds-dev", "synw-ahds-prod"), tenantId: TENANT }]) }))).to.deep.equal([NO_RULE]);
        expect(v(lake({ networkRuleSet: ruleSet([{ resourceId: `${SYN_ID}/sqlPools/pool1`, tenantId: TENANT }]) }))).to.deep.equal([NO_RULE]);
        expect(v(lake({ networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" } }))).to.deep.equal([NO_RULE]);
    });
    it("fails a lake with public network access Disabled, or a firewall that does not bypass AzureServices", () => {
        expect(v(lake({ publicNetworkAccess: "Disabled" }))).to.deep.equal([`${WHAT} has public network access Disabled, which refuses the resource-instance access Synapse serverless SQL comes through`]);
        expect(v(lake({ networkRuleSet: ruleSet(RULES, { bypass: "None" }) }))).to.deep.equal([`${WHAT} does not bypass the firewall for trusted Azure services (bypass None)`]);
    });
    it("finds the lake by its known ID or by the account name in defaultDataLakeStorage.resourceId, and leaves lakes outside the stack alone", () => {
        const byId = lake({ id: LAKE_ID.toUpperCase(), networkRuleSet: ruleSet([]) });
        expect(checkStack(synapseLakeTrustedWorkspace, [rg, byId, workspace(undefined)])).to.deep.equal([NO_RULE]);
        const byName = lake({ networkRuleSet: ruleSet([]) });
        expect(checkStack(synapseLakeTrustedWorkspace, [rg, byName, workspace(undefined)])).to.deep.equal([NO_RULE]);
        const elsewhere = workspace(undefined, { defaultDataLakeStorage: { accountUrl: "https://stelsewhere.dfs.core.windows.net", filesystem: "f", resourceId: LAKE_ID.replace("stlakeahdsdev", "stelsewhere") } });
        expect(checkStack(synapseLakeTrustedWorkspace, [rg, byName, elsewhere])).to.deep.equal([]);
    });
    it("takes the workspace's name from its ID when workspaceName is unknown", () => {
        const named = (id: string) => lake({ networkRuleSet: ruleSet([{ resourceId: id, tenantId: TENANT }]) });
        const ws = (st: PolicyResource) => workspace(st, { workspaceName: UNKNOWN_ID, id: SYN_ARM_ID });
        expect(v(named(SYN_ID), ws(named(SYN_ID)))).to.deep.equal([]);
        const other = named(SYN_ID.replace("synw-ahds-dev", "synw-other"));
        expect(v(other, ws(other))).to.deep.equal([`${WHAT} has no resource-instance rule for the workspace (…/providers/Microsoft.Synapse/workspaces/synw-ahds-dev); the storage firewall refuses serverless SQL`]);
    });
    it("at a first preview takes an unknown rule ID (or rule set) as the workspace only when the firewall is built from it or from its name's parts", () => {
        const unknownRule = ruleSet([{ resourceId: FHIR_ID, tenantId: TENANT }, { resourceId: UNKNOWN_ID, tenantId: TENANT }]);
        // Spelled from the resource group the workspace lives in (the workspace itself depends on the lake).
        expect(v(lake({ networkRuleSet: unknownRule }, { networkRuleSet: [rg] }))).to.deep.equal([]);
        expect(v(lake({ networkRuleSet: unknownRule }, {}))).to.deep.equal([NO_RULE]);
        // Built only from another service (the FHIR workspace): the unknown ID is that service's, not the Synapse workspace's.
        const fhirWs = res("healthcareapis:Workspace", "fhir-ws", { workspaceName: "hwahdsdev" });
        const fromFhir = lake({ networkRuleSet: unknownRule }, { networkRuleSet: [fhirWs] });
        expect(checkStack(synapseLakeTrustedWorkspace, [rg, fhirWs, fromFhir, workspace(fromFhir)])).to.deep.equal([NO_RULE]);
        expect(v(lake({ networkRuleSet: UNKNOWN_ID }, { networkRuleSet: [rg] }))).to.deep.equal([]);
        expect(v(lake({ networkRuleSet: UNKNOWN_ID }, {}))).to.deep.equal([`${WHAT} has a firewall not derived from the Synapse workspace`]);
    });
    it("honours an exemption of the lake or of the workspace", () => {
        const bad = lake({ networkRuleSet: ruleSet([]) });
        const exemptions = (resourceName: string) => ({ exemptions: [{ resourceName, justification: "test: serverless SQL is not used on this workspace" }] });
        expect(checkStack(synapseLakeTrustedWorkspace, [rg, bad, workspace(bad)], exemptions("analytics-st-lake"))).to.deep.equal([]);
        expect(checkStack(synapseLakeTrustedWorkspace, [rg, bad, workspace(bad)], exemptions("analytics-syn"))).to.deep.equal([]);
        expect(checkStack(synapseLakeTrustedWorkspace, [rg, bad, workspace(bad)], exemptions("analytics-.*-other"))).to.deep.equal([NO_RULE]);
    });
});

describe("eventhub-network-restricted, defender-plans-enabled, vnet-flow-logs-coverage, cmk-key-in-protected-vault (edge cases)", () => {
    it("Event Hubs: Disabled public access passes alone; Enabled needs a deny-by-default rule set without IP/VNet rules", () => {
        expect(checkStack(eventHubNetworkRestricted, [res("eventhub:Namespace", "ns", { publicNetworkAccess: "Disabled" })])).to.deep.equal([]);
        const ns = res("eventhub:Namespace", "ns", { publicNetworkAccess: "Enabled" });
        expect(checkStack(eventHubNetworkRestricted, [ns])).to.have.length(1);
        expect(checkStack(eventHubNetworkRestricted, [ns, res("eventhub:NamespaceNetworkRuleSet", "rs", { defaultAction: "Deny", trustedServiceAccessEnabled: true }, { namespaceName: [ns] })])).to.deep.equal([]);
        expect(checkStack(eventHubNetworkRestricted, [ns, res("eventhub:NamespaceNetworkRuleSet", "rs", { defaultAction: "Allow" }, { namespaceName: [ns] })])).to.have.length(1);
    });
    it("Defender: every required plan at Standard, Storage on DefenderForStorageV2, or nothing when the platform manages plans", () => {
        const plan = (n: string, extra: Record<string, unknown> = {}) => res("security:Pricing", n, { pricingName: n, pricingTier: "Standard", ...extra });
        expect(checkStack(defenderPlansEnabled, [plan("KeyVaults"), plan("StorageAccounts", { subPlan: "DefenderForStorageV2" })], { requiredPlans: ["KeyVaults", "StorageAccounts"] })).to.deep.equal([]);
        expect(checkStack(defenderPlansEnabled, [plan("KeyVaults"), plan("StorageAccounts", { subPlan: "PerTransaction" })], { requiredPlans: ["KeyVaults", "StorageAccounts"] })).to.have.length(1);
        expect(checkStack(defenderPlansEnabled, [res("security:Pricing", "KeyVaults", { pricingName: "KeyVaults", pricingTier: "Free" })], { requiredPlans: ["KeyVaults"] })).to.have.length(1);
        expect(checkStack(defenderPlansEnabled, [], { platformManaged: true })).to.deep.equal([]);
        expect(checkStack(defenderPlansEnabled, [])).to.have.length(8);
    });
    it("flow logs: each VNet needs an enabled log kept long enough, with traffic analytics", () => {
        const vnet = res("network:VirtualNetwork", "v", {});
        const log = (props: Record<string, unknown>) => res("network:FlowLog", "fl", props, { targetResourceId: [vnet] });
        const good = { enabled: true, retentionPolicy: { enabled: true, days: 90 }, flowAnalyticsConfiguration: { networkWatcherFlowAnalyticsConfiguration: { enabled: true } } };
        expect(checkStack(vnetFlowLogsCoverage, [vnet, log(good)])).to.deep.equal([]);
        expect(checkStack(vnetFlowLogsCoverage, [vnet])).to.deep.equal([`VNet "v" has no flow log`]);
        expect(checkStack(vnetFlowLogsCoverage, [vnet, log({ ...good, retentionPolicy: { enabled: true, days: 7 } })])).to.have.length(1);
        expect(checkStack(vnetFlowLogsCoverage, [vnet, log({ ...good, enabled: false })])).to.have.length(1);
    });
    it("CMK: the key's vault must be purge-protected with RBAC and grant the service (or its user-assigned identity) Crypto Service Encryption User", () => {
        const ROLE = "/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6";
        const vault = res("keyvault:Vault", "kv", { properties: { enablePurgeProtection: true, enableRbacAuthorization: true } });
        const key = res("keyvault:Key", "k", {}, { vaultName: [vault] });
        const uami = res("managedidentity:UserAssignedIdentity", "id", {});
        const fhir = res("healthcareapis:FhirService", "fhir", { encryption: { customerManagedKeyEncryption: { keyEncryptionKeyUrl: "https://kv.vault.azure.net/keys/k" } } }, { encryption: [key], identity: [uami] });
        const grant = res("authorization:RoleAssignment", "g", { roleDefinitionId: ROLE }, { scope: [key], principalId: [uami] });
        expect(checkStack(cmkKeyInProtectedVault, [vault, key, uami, fhir, grant])).to.deep.equal([]);
        expect(checkStack(cmkKeyInProtectedVault, [vault, key, uami, fhir])).to.deep.equal([`healthcareapis:FhirService "fhir" has no Key Vault Crypto Service Encryption User grant on "kv"`]);
        const weak = res("keyvault:Vault", "kv", { properties: { enableRbacAuthorization: true } });
        const weakKey = res("keyvault:Key", "k", {}, { vaultName: [weak] });
        const fhir2 = res("healthcareapis:FhirService", "fhir", fhir.props, { encryption: [weakKey], identity: [uami] });
        expect(checkStack(cmkKeyInProtectedVault, [weak, weakKey, uami, fhir2, res("authorization:RoleAssignment", "g", { roleDefinitionId: ROLE }, { scope: [weak], principalId: [uami] })])[0]).to.include("lacks purge protection or RBAC");
        // A key outside the stack is governed where its vault is deployed; no CMK at all is fine too.
        expect(checkStack(cmkKeyInProtectedVault, [res("storage:StorageAccount", "st", { encryption: { keySource: "Microsoft.Keyvault", keyVaultProperties: { keyVaultUri: "https://elsewhere.vault.azure.net" } } })])).to.deep.equal([]);
        expect(checkStack(cmkKeyInProtectedVault, [res("storage:StorageAccount", "st", { encryption: { keySource: "Microsoft.Storage" } })])).to.deep.equal([]);
    });
});

describe("appservice-basic-publishing-off (edge cases)", () => {
    const app = res("web:WebApp", "func-bulk", { name: "func-bulk-dev", kind: "functionapp" });
    const policy = (type: string, name: string, allow: boolean, deps: Record<string, PolicyResource[]> = { name: [app] }, props: Record<string, unknown> = {}) =>
        res(`web:${type}`, name, { resourceGroupName: "rg", allow, ...props }, deps);
    it("passes an app whose FTP and SCM publishing policies (found by dependency or by the app's name) say allow: false", () => {
        expect(checkStack(appServiceBasicPublishingOff, [app, policy("WebAppFtpAllowed", "ftp", false), policy("WebAppScmAllowed", "scm", false)])).to.deep.equal([]);
        expect(checkStack(appServiceBasicPublishingOff, [app, policy("WebAppFtpAllowed", "ftp", false, {}, { name: "func-bulk-dev" }), policy("WebAppScmAllowed", "scm", false, {}, { name: "FUNC-BULK-DEV" })])).to.deep.equal([]);
    });
    it("fails an app without them (Azure allows basic-auth publishing by default), with one allowing, or with another app's", () => {
        expect(checkStack(appServiceBasicPublishingOff, [app])).to.deep.equal([
            `web:WebApp "func-bulk" has no WebAppFtpAllowed with allow: false: basic-auth FTP publishing stays on (Azure's default)`,
            `web:WebApp "func-bulk" has no WebAppScmAllowed with allow: false: basic-auth SCM publishing stays on (Azure's default)`,
        ]);
        expect(checkStack(appServiceBasicPublishingOff, [app, policy("WebAppFtpAllowed", "ftp", true), policy("WebAppScmAllowed", "scm", false)])).to.deep.equal([
            `web:WebApp "func-bulk" has no WebAppFtpAllowed with allow: false: basic-auth FTP publishing stays on (Azure's default)`,
        ]);
        const other = res("web:WebApp", "other", { name: "app-other" });
        expect(checkStack(appServiceBasicPublishingOff, [app, other, policy("WebAppFtpAllowed", "ftp", false), policy("WebAppScmAllowed", "scm", false)])).to.have.length(2);
    });
    it("requires a deployment slot's own pair (the app's does not cover it)", () => {
        const slot = res("web:WebAppSlot", "func-bulk-staging", { name: "func-bulk-dev", slot: "staging" }, { name: [app] });
        const appPair = [policy("WebAppFtpAllowed", "ftp", false), policy("WebAppScmAllowed", "scm", false)];
        expect(checkStack(appServiceBasicPublishingOff, [app, slot, ...appPair])).to.deep.equal([
            `web:WebAppSlot "func-bulk-staging" has no WebAppFtpAllowedSlot with allow: false: basic-auth FTP publishing stays on for the slot (Azure's default)`,
            `web:WebAppSlot "func-bulk-staging" has no WebAppScmAllowedSlot with allow: false: basic-auth SCM publishing stays on for the slot (Azure's default)`,
        ]);
        const slotPair = [policy("WebAppFtpAllowedSlot", "ftp-s", false, { name: [app], slot: [slot] }), policy("WebAppScmAllowedSlot", "scm-s", false, { name: [app] }, { slot: "staging" })];
        expect(checkStack(appServiceBasicPublishingOff, [app, slot, ...appPair, ...slotPair])).to.deep.equal([]);
    });
});

describe("eventgrid-topic-identity (edge cases)", () => {
    const UAMI = "/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-eg";
    const st = res("storage:StorageAccount", "st-bulk", { accountName: "stbulk" });
    const topic = (identity?: Record<string, unknown>) => res("eventgrid:SystemTopic", "egst-bulk", { systemTopicName: "egst-bulk", topicType: "Microsoft.Storage.StorageAccounts", ...(identity !== undefined ? { identity } : {}) }, { source: [st] });
    const delivery = (identity: Record<string, unknown>) => ({ deliveryWithResourceIdentity: { identity, destination: { endpointType: "StorageQueue", queueName: "bundlequeue" } } });
    const sub = (t: PolicyResource, identity: Record<string, unknown> = { type: "SystemAssigned" }) => res("eventgrid:SystemTopicEventSubscription", "egsub-bundles", delivery(identity), { systemTopicName: [t] });
    it("passes a subscription delivering with the system identity of a system topic that has one", () => {
        const t = topic({ type: "SystemAssigned" });
        expect(checkStack(eventGridTopicIdentity, [st, t, sub(t)])).to.deep.equal([]);
        const both = topic({ type: "SystemAssigned, UserAssigned", userAssignedIdentities: { [UAMI]: {} } });
        expect(checkStack(eventGridTopicIdentity, [st, both, sub(both), sub(both, { type: "UserAssigned", userAssignedIdentity: UAMI })])).to.deep.equal([]);
    });
    it("fails when the topic has no identity, or not the kind (or the user-assigned identity) the subscription uses", () => {
        const none = topic();
        expect(checkStack(eventGridTopicIdentity, [st, none, sub(none)])).to.deep.equal([`event subscription "egsub-bundles" uses the system-assigned identity of eventgrid:SystemTopic "egst-bulk" (deliveryWithResourceIdentity), which has none`]);
        const user = topic({ type: "UserAssigned", userAssignedIdentities: { [UAMI]: {} } });
        expect(checkStack(eventGridTopicIdentity, [st, user, sub(user)])).to.have.length(1);
        expect(checkStack(eventGridTopicIdentity, [st, user, sub(user, { type: "UserAssigned", userAssignedIdentity: `${UAMI}-other` })])).to.deep.equal([`event subscription "egsub-bundles" uses a user-assigned identity that eventgrid:SystemTopic "egst-bulk" does not hold (deliveryWithResourceIdentity)`]);
        const system = topic({ type: "SystemAssigned" });
        expect(checkStack(eventGridTopicIdentity, [st, system, sub(system, { type: "UserAssigned", userAssignedIdentity: UAMI })])).to.have.length(1);
        // Dead-lettering with identity needs it too.
        const dl = res("eventgrid:SystemTopicEventSubscription", "egsub-dl", { destination: { endpointType: "WebHook", endpointUrl: "https://h.example.org" }, deadLetterWithResourceIdentity: { identity: { type: "SystemAssigned" }, deadLetterDestination: { endpointType: "StorageBlob" } } }, { systemTopicName: [none] });
        expect(checkStack(eventGridTopicIdentity, [st, none, dl])).to.deep.equal([`event subscription "egsub-dl" uses the system-assigned identity of eventgrid:SystemTopic "egst-bulk" (deadLetterWithResourceIdentity), which has none`]);
    });
    it("finds the topic by name when there is no dependency, and leaves topics outside the stack alone", () => {
        const none = topic();
        const byName = res("eventgrid:SystemTopicEventSubscription", "egsub", { systemTopicName: "egst-bulk", ...delivery({ type: "SystemAssigned" }) });
        expect(checkStack(eventGridTopicIdentity, [st, none, byName])).to.have.length(1);
        expect(checkStack(eventGridTopicIdentity, [res("eventgrid:SystemTopicEventSubscription", "egsub", { systemTopicName: "elsewhere", ...delivery({ type: "SystemAssigned" }) })])).to.deep.equal([]);
        // Subscriptions without identity delivery are eventgrid-identity-delivery's business.
        expect(checkStack(eventGridTopicIdentity, [st, none, res("eventgrid:SystemTopicEventSubscription", "egsub", { destination: { endpointType: "StorageQueue" } }, { systemTopicName: [none] })])).to.deep.equal([]);
    });
    it("an EventSubscription on a storage account: judged by the account's declared system topic, or fails on Azure's implicit one (no identity)", () => {
        const onAccount = res("eventgrid:EventSubscription", "egsub-acct", { scope: UNKNOWN_ID, ...delivery({ type: "SystemAssigned" }) }, { scope: [st] });
        expect(checkStack(eventGridTopicIdentity, [st, onAccount])).to.deep.equal([`event subscription "egsub-acct" delivers with a resource identity from an event source that has no eventgrid:SystemTopic in this stack: the system topic Azure creates for it has no managed identity`]);
        expect(checkStack(eventGridTopicIdentity, [st, topic({ type: "SystemAssigned" }), onAccount])).to.deep.equal([]);
        expect(checkStack(eventGridTopicIdentity, [st, topic(), onAccount])).to.have.length(1);
        const custom = res("eventgrid:Topic", "egt", { topicName: "egt", identity: { type: "SystemAssigned" } });
        expect(checkStack(eventGridTopicIdentity, [custom, res("eventgrid:EventSubscription", "egsub-t", { scope: UNKNOWN_ID, ...delivery({ type: "SystemAssigned" }) }, { scope: [custom] })])).to.deep.equal([]);
    });
    it("custom topics, domains and namespaces the same way", () => {
        const t = res("eventgrid:Topic", "egt", { topicName: "egt" });
        expect(checkStack(eventGridTopicIdentity, [t, res("eventgrid:TopicEventSubscription", "s", delivery({ type: "SystemAssigned" }), { topicName: [t] })])).to.have.length(1);
        const d = res("eventgrid:Domain", "egd", { domainName: "egd", identity: { type: "SystemAssigned" } });
        expect(checkStack(eventGridTopicIdentity, [d, res("eventgrid:DomainTopicEventSubscription", "s", delivery({ type: "SystemAssigned" }), { domainName: [d] })])).to.deep.equal([]);
        const ns = res("eventgrid:Namespace", "egns", { namespaceName: "egns" });
        const nsSub = res("eventgrid:NamespaceTopicEventSubscription", "s", { deliveryConfiguration: { deliveryMode: "Push", push: delivery({ type: "SystemAssigned" }) } }, { namespaceName: [ns] });
        expect(checkStack(eventGridTopicIdentity, [ns, nsSub])).to.have.length(1);
    });
});

describe("apim-managed-identity-requires-jwt (edge cases)", () => {
    const svc = res("apimanagement:ApiManagementService", "ingress-apim", { serviceName: "apim-ahds-dev" });
    const api = res("apimanagement:Api", "ingress-api-bulk", { apiId: "bulk" }, { serviceName: [svc] });
    const JWT = "<validate-jwt header-name=\"Authorization\" require-scheme=\"Bearer\" failed-validation-httpcode=\"401\"><openid-config url=\"https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration\" /><required-claims><claim name=\"roles\" match=\"any\"><value>Bulk.Upload</value></claim></required-claims></validate-jwt>";
    const MI = "<authentication-managed-identity resource=\"https://storage.azure.com/\" />";
    const doc = (inbound: string, onError = "") => `<policies>\n  <inbound>${inbound}</inbound>\n  <backend><forward-request timeout="120" /></backend>\n  <outbound><base /></outbound>${onError === "" ? "" : `<on-error>${onError}</on-error>`}\n</policies>`;
    const apiPolicy = (xml: unknown, extra: Record<string, unknown> = {}) => res("apimanagement:ApiPolicy", "ingress-api-bulk-policy", { value: xml, format: "rawxml", policyId: "policy", ...extra }, { serviceName: [svc], apiId: [api] });
    const opPolicy = (xml: string) => res("apimanagement:ApiOperationPolicy", "ingress-op-put-blob-policy", { value: xml, format: "rawxml", operationId: "put-blob" }, { serviceName: [svc], apiId: [api] });
    const global = (xml: unknown) => res("apimanagement:Policy", "ingress-apim-policy", { value: xml, format: "xml" }, { serviceName: [svc] });
    const v = (...rs: PolicyResource[]) => checkStack(apimManagedIdentityRequiresJwt, [svc, api, ...rs]);
    const FAIL = (type: string, name: string, section = "inbound") => `apimanagement:${type} "${name}" calls a backend with APIM's managed identity (authentication-managed-identity in <${section}>) without validating the caller's token first (no validate-jwt or validate-azure-ad-token before it in <inbound>, nor through <base />): any anonymous caller acts with APIM's identity`;

    it("passes validate-jwt (or validate-azure-ad-token) before the managed identity, and a policy without a managed identity", () => {
        expect(v(apiPolicy(doc(`<base />${JWT}<set-header name="x-ms-version" exists-action="override"><value>2023-11-03</value></set-header>${MI}`)))).to.deep.equal([]);
        expect(v(apiPolicy(doc(`<validate-azure-ad-token tenant-id="t"><client-application-ids><application-id>a</application-id></client-application-ids></validate-azure-ad-token>${MI}`)))).to.deep.equal([]);
        expect(v(apiPolicy(doc("<base /><rate-limit calls=\"10\" renewal-period=\"60\" />")))).to.deep.equal([]);
        // Used in <outbound> (a send-request after the backend call): all of <inbound> ran first.
        expect(v(apiPolicy(`<policies><inbound>${JWT}</inbound><outbound><send-request mode="new" response-variable-name="r">${MI}</send-request></outbound></policies>`))).to.deep.equal([]);
    });
    it("fails a managed identity before validate-jwt, without one, or with one only inside <choose> or a comment", () => {
        expect(v(apiPolicy(doc(`${MI}${JWT}`)))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy")]);
        expect(v(apiPolicy(doc(MI)))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy")]);
        expect(v(apiPolicy(doc(`<choose><when condition="@(context.Request.Method == &quot;PUT&quot;)">${JWT}</when></choose>${MI}`)))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy")]);
        expect(v(apiPolicy(doc(`<!-- ${JWT} -->${MI}`)))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy")]);
        // A managed identity nested in a send-request counts as much as a top-level one.
        expect(v(apiPolicy(doc(`<send-request mode="new" response-variable-name="r"><set-url>https://stbulk.blob.core.windows.net/x</set-url>${MI}</send-request>${JWT}`)))).to.have.length(1);
        expect(v(apiPolicy(`<policies><inbound /><outbound><send-request mode="new" response-variable-name="r">${MI}</send-request></outbound></policies>`))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy", "outbound")]);
    });
    it("fails a managed identity in <on-error>, which runs for requests rejected by (or before) token validation", () => {
        expect(v(apiPolicy(doc(`${JWT}${MI}`, `<send-request mode="new" response-variable-name="r">${MI}</send-request>`)))).to.deep.equal([
            `apimanagement:ApiPolicy "ingress-api-bulk-policy" uses APIM's managed identity in <on-error>, which also runs for requests rejected before or by token validation`,
        ]);
    });
    it("counts validate-jwt inherited through <base />: the global policy's for an API, the API's (or global's) for an operation", () => {
        const baseThenMi = doc(`<base />${MI}`);
        expect(v(global(doc(JWT)), apiPolicy(baseThenMi))).to.deep.equal([]);
        expect(v(global(doc("<cors><allowed-origins><origin>*</origin></allowed-origins></cors>")), apiPolicy(baseThenMi))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy")]);
        // No global policy declared for this stack's service: Azure's default has no token validation.
        expect(v(apiPolicy(baseThenMi))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy")]);
        // <base /> after the managed identity inherits too late.
        expect(v(global(doc(JWT)), apiPolicy(doc(`${MI}<base />`)))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy")]);
        // Operations: the API policy's validate-jwt (anywhere in its inbound) runs at the operation's <base />.
        expect(v(apiPolicy(doc(`<base />${JWT}`)), opPolicy(baseThenMi))).to.deep.equal([]);
        expect(v(apiPolicy(doc("<base />")), global(doc(JWT)), opPolicy(baseThenMi))).to.deep.equal([]);
        expect(v(global(doc(JWT)), opPolicy(baseThenMi))).to.deep.equal([]);
        expect(v(apiPolicy(doc(`<base />${JWT}`)), opPolicy(doc(MI)))).to.deep.equal([FAIL("ApiOperationPolicy", "ingress-op-put-blob-policy")]);
        expect(v(apiPolicy(doc("<base />")), opPolicy(baseThenMi))).to.deep.equal([FAIL("ApiOperationPolicy", "ingress-op-put-blob-policy")]);
    });
    it("decides nothing it cannot see: an unknown or linked document, a parent unknown at preview, a service outside the stack", () => {
        expect(v(apiPolicy(UNKNOWN_ID))).to.deep.equal([]);
        expect(v(apiPolicy("https://example.org/policy.xml", { format: "rawxml-link" }))).to.deep.equal([]);
        expect(v(global(UNKNOWN_ID), apiPolicy(doc(`<base />${MI}`)))).to.deep.equal([]);
        const outside = res("apimanagement:ApiPolicy", "p", { value: doc(`<base />${MI}`), format: "rawxml", serviceName: "apim-elsewhere", apiId: "bulk" });
        expect(checkStack(apimManagedIdentityRequiresJwt, [outside])).to.deep.equal([]);
        // ...but a document with no <base /> before the managed identity needs no parent to be judged.
        expect(checkStack(apimManagedIdentityRequiresJwt, [res("apimanagement:ApiPolicy", "p", { value: doc(MI), serviceName: "apim-elsewhere", apiId: "bulk" })])).to.have.length(1);
    });
    it("reads real documents robustly: expressions with < and > in attributes and rawxml text, CDATA, processing instructions", () => {
        const tricky = doc([
            "<base />",
            "<set-variable name=\"big\" value=\"@(context.Request.Body?.As<string>(preserveContent: true).Length > 1024)\" />",
            "<set-body>@{ var n = context.Request.Headers.GetValueOrDefault<string>(\"x\", \"<validate-jwt/>\"); return n; }</set-body>",
            "<![CDATA[ <validate-jwt /> ]]>",
            JWT,
            "<choose><when condition=\"@(context.Request.Url.Path.Contains(&quot;..&quot;) || 1 < 2)\"><return-response><set-status code=\"400\" /></return-response></when></choose>",
            MI,
        ].join("\n"));
        expect(v(apiPolicy(`<?xml version="1.0"?>\n${tricky}`))).to.deep.equal([]);
        // The same document with the real validate-jwt removed: the ones inside an expression and CDATA do not count.
        expect(v(apiPolicy(tricky.replace(JWT, "")))).to.deep.equal([FAIL("ApiPolicy", "ingress-api-bulk-policy")]);
    });
});
