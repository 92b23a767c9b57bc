import { expect } from "chai";
import { PolicyResource, unknownCheckingProxy } from "@pulumi/policy";
import {
    cmkKeyInProtectedVault, defenderPlansEnabled, eventHubNetworkRestricted, phiDiagnosticsToLaw, phiPrivateEndpointRequired, publicIpOnlyAtEdge, subnetEgressViaFirewall,
    statefulProtected, vnetFlowLogsCoverage,
} from "../policy/rules/stack";
import { check, checkStack, policyResources, resourceOptions } from "./harness/policyArgs";
import { readPolicyConfig } from "./harness/policyHost";
import { ProgramRun, sharedProgramRun } from "./harness/run";

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

        it("phi-diagnostics-to-law passes, and fails when the FHIR audit setting or the export account's blob logs are removed", () => {
            expect(checkStack(phiDiagnosticsToLaw, rs)).to.deep.equal([]);
            expect(checkStack(phiDiagnosticsToLaw, without(rs, (r) => r.name === "fhir-fhir-diag-law"))).to.deep.equal([`healthcareapis:FhirService "fhir-fhir" sends no audit logs to Log Analytics`]);
            expect(checkStack(phiDiagnosticsToLaw, without(rs, (r) => r.name === "fhir-st-exp-blob-diag-law"))).to.deep.equal([`storage:StorageAccount "fhir-st-exp" sends no audit logs to Log Analytics`]);
        });

        it("no-public-ip-except-edge passes, and fails for a public IP on a NIC", () => {
            expect(checkStack(publicIpOnlyAtEdge, rs)).to.deep.equal([]);
            const pip = rs.find((r) => r.name === "ingress-pip-agw") as PolicyResource;
            const nic = rs.find((r) => r.type === "azure-native:network:NetworkInterface") as PolicyResource;
            const mutated = rs.map((r) => (r === nic ? { ...r, dependencies: [...r.dependencies, pip] } : r));
            expect(checkStack(publicIpOnlyAtEdge, mutated)).to.include(`public IP "ingress-pip-agw" is used by network:NetworkInterface "${nic.name}", which is not an edge service`);
        });

        it("subnet-egress-via-firewall, eventhub-network-restricted and cmk-key-in-protected-vault pass with the stack's config", () => {
            expect(checkStack(subnetEgressViaFirewall, rs, cfg("subnet-egress-via-firewall"))).to.deep.equal([]);
            expect(checkStack(eventHubNetworkRestricted, rs)).to.deep.equal([]);
            expect(checkStack(cmkKeyInProtectedVault, rs)).to.deep.equal([]);
            // Without the App Gateway subnet's justified exemption the rule would flag it: the exemption is doing real work.
            expect(checkStack(subnetEgressViaFirewall, rs)).to.deep.equal([`subnet "snet-appgw" of "spoke-vnet" has no route table: its traffic bypasses the firewall`]);
        });

        it("subnet-egress-via-firewall fails when the hub's jumpbox subnet loses its route table (the hub is checked too)", () => {
            const hub = rs.find((r) => r.name === "hub-vnet") as PolicyResource;
            const subnets = (hub.props["subnets"] as Array<Record<string, unknown>>).map((x) => (x["name"] === "snet-jumpbox" ? Object.fromEntries(Object.entries(x).filter(([k]) => k !== "routeTable")) : x));
            const mutated = rs.map((r) => (r === hub ? { ...r, props: { ...r.props, subnets } } : r));
            expect(checkStack(subnetEgressViaFirewall, mutated, cfg("subnet-egress-via-firewall"))).to.deep.equal([`subnet "snet-jumpbox" of "hub-vnet" has no route table: its traffic bypasses the firewall`]);
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

describe("stack-level rule exemptions", () => {
    it("a matching exemption with a justification silences the rule for that resource only", async () => {
        const rs = without(policyResources((await sharedProgramRun("prod")).graph), (r) => r.name === "fhir-ws-pep-spoke" || r.name === "fhir-acr-pep-registry");
        const configured = (policyConfig("prod")["phi-private-endpoint-required"]?.["exemptions"] ?? []) as Array<Record<string, string>>;
        const exemptions = [...configured, { resourceName: "fhir-ws", justification: "test: workspace reached through a peered hub endpoint" }];
        expect(checkStack(phiPrivateEndpointRequired, rs, { exemptions })).to.deep.equal([`containerregistry:Registry "fhir-acr" has no private endpoint`]);
    });
});

/**
 * A synthetic stack for the stack rules' edge cases: resources linked by property dependencies, as at preview, with
 * props behind @pulumi/policy's unknown-checking proxy as the engine hands them over.
 */
function res(type: string, name: string, props: Record<string, unknown> = {}, deps: Record<string, PolicyResource[]> = {}): PolicyResource {
    return {
        type: `azure-native:${type}`, name, urn: `urn:pulumi:t::p::azure-native:${type}::${name}`, props: unknownCheckingProxy(props) as Record<string, unknown>,
        opts: resourceOptions(false),
        dependencies: Object.values(deps).flat(), propertyDependencies: deps, isType: () => false, asType: () => undefined,
    };
}

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
        expect(checkStack(subnetEgressViaFirewall, [fw, rt, vnet([{ name: "snet-appgw" }])], { exemptions: [{ resourceName: "spoke/snet-appgw", justification: "test: App Gateway v2 control plane needs the internet" }] })).to.deep.equal([]);
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
