import { expect } from "chai";
import { addressAt, mustParseCidr, parseCidr, usableAddresses } from "../components/shared/cidr";
import { SUBNET_MINIMUMS, SubnetPurpose } from "../components/shared/subnets";
import { ROUTE_EXCEPTIONS } from "../components/spokeNetwork";
import { Graph } from "./harness/graph";
import { ProgramRun, sharedProgramRun } from "./harness/run";
import { Json } from "./harness/values";

/**
 * The network and security baseline, asserted on the whole program's graph for dev and prod: what issue 3's
 * "done when" lists, independent of how the components are built.
 */

type Obj = Record<string, Json>;
const SPOKE_SUBNET_KEYS: Record<string, string> = {
    "snet-appgw": "appGateway", "snet-apim": "apim", "snet-private-endpoints": "privateEndpoints", "snet-func-integration": "functionIntegration", "snet-container-apps": "containerApps",
};
const PURPOSE: Record<string, SubnetPurpose> = {
    AzureFirewallSubnet: "firewall", AzureFirewallManagementSubnet: "firewallManagement", AzureBastionSubnet: "bastion",
    "snet-apim": "apim", "snet-func-integration": "functionIntegration", "snet-container-apps": "containerApps",
};
const DELEGATION: Record<string, string> = { "snet-func-integration": "Microsoft.Web/serverFarms", "snet-container-apps": "Microsoft.App/environments" };
const INTERNET = ["*", "Internet", "0.0.0.0/0", "Any"];

function vnets(g: Graph): Array<{ name: string; inputs: Obj }> {
    return g.byType("azure-native:network:VirtualNetwork").map((r) => ({ name: r.name, inputs: g.plainInputs(r) }));
}
function subnetsOf(v: { inputs: Obj }): Obj[] { return v.inputs["subnets"] as Obj[]; }
function byId(g: Graph, type: string): Map<string, Obj> {
    return new Map(g.byType(type).map((r) => [String(r.id), g.plainInputs(r)]));
}
function portsOf(rule: Obj): string[] {
    return [rule["destinationPortRange"], ...((rule["destinationPortRanges"] as Json[] | undefined) ?? [])].filter((p): p is string => typeof p === "string");
}
function covers(range: string, port: number): boolean {
    if (range === "*") return true;
    const [lo, hi] = range.split("-").map(Number);
    return lo !== undefined && port >= lo && port <= (hi ?? lo);
}

for (const stack of ["dev", "prod"]) {
    describe(`network and security baseline (${stack})`, () => {
        let run: ProgramRun;
        let g: Graph;
        let fwIp: string;
        before(async () => {
            run = await sharedProgramRun(stack);
            expect(run.error).to.equal(undefined);
            g = run.graph;
            fwIp = addressAt(mustParseCidr("fw", run.stackConfig.config["ahds:hub.firewallSubnet"] ?? ""), 4);
        });

        it("reports the firewall IP the routes were planned for", () => {
            expect(run.outputs?.["firewallPrivateIp"]).to.equal(fwIp);
        });

        it("gives every spoke subnet an NSG and, except documented exceptions, a route 0.0.0.0/0 → firewall", () => {
            const spoke = vnets(g).find((v) => v.name === "spoke-vnet");
            expect(spoke).to.not.equal(undefined);
            const tables = byId(g, "azure-native:network:RouteTable");
            for (const s of subnetsOf(spoke ?? { inputs: {} })) {
                const key = SPOKE_SUBNET_KEYS[String(s["name"])] ?? "";
                expect(s["networkSecurityGroup"], String(s["name"])).to.be.an("object");
                if (key in ROUTE_EXCEPTIONS) continue;
                const rt = tables.get(String((s["routeTable"] as Obj | undefined)?.["id"]));
                expect(rt, `${String(s["name"])} route table`).to.not.equal(undefined);
                expect(rt?.["routes"]).to.deep.include({ name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: fwIp });
                expect(rt?.["disableBgpRoutePropagation"]).to.equal(true);
            }
        });

        it("has public IPs only on the firewall, Bastion, the WAF gateway and APIM's management endpoint", () => {
            // The firewall (egress), Bastion (admin entry), Application Gateway WAF_v2 (the only client entry) and APIM
            // stv2's management IP (port 3443 from the ApiManagement tag only; its gateway is internal).
            const pips = new Set(g.byType("azure-native:network:PublicIPAddress").map((r) => String(r.id)));
            const users = g.custom.filter((r) => r.type !== "azure-native:monitor:DiagnosticSetting" && [...pips].some((id) => JSON.stringify(g.plainInputs(r)).includes(id)));
            expect([...new Set(users.map((r) => r.type))].sort()).to.deep.equal(["azure-native:apimanagement:ApiManagementService", "azure-native:network:ApplicationGateway", "azure-native:network:AzureFirewall", "azure-native:network:BastionHost"]);
            expect(g.plainInputs(g.one("azure-native:apimanagement:ApiManagementService"))["virtualNetworkType"]).to.equal("Internal");
            for (const nic of g.byType("azure-native:network:NetworkInterface")) expect(JSON.stringify(g.plainInputs(nic))).to.not.include("publicIPAddress");
        });

        it("has no NSG rule that lets SSH or RDP in from the internet", () => {
            for (const nsg of g.byType("azure-native:network:NetworkSecurityGroup")) {
                for (const r of (g.plainInputs(nsg)["securityRules"] as Obj[])) {
                    if (r["direction"] !== "Inbound" || r["access"] !== "Allow") continue;
                    const sources = [r["sourceAddressPrefix"], ...((r["sourceAddressPrefixes"] as Json[] | undefined) ?? [])].map(String);
                    if (!sources.some((s) => INTERNET.includes(s))) continue;
                    for (const port of [22, 3389]) expect(portsOf(r).some((p) => covers(p, port)), `${nsg.name}/${String(r["name"])} opens ${port} to ${sources.join(",")}`).to.equal(false);
                }
            }
        });

        it("runs the jumpbox without public IP or password authentication", () => {
            const vm = g.plainInputs(g.one("azure-native:compute:VirtualMachine"));
            const os = vm["osProfile"] as Obj;
            expect(os["adminPassword"]).to.equal(undefined);
            expect((os["linuxConfiguration"] as Obj)["disablePasswordAuthentication"]).to.equal(true);
        });

        it("keeps Key Vault purge-protected, RBAC-only and private", () => {
            const kv = g.one("azure-native:keyvault:Vault");
            expect(g.plainInputs(kv)["properties"]).to.deep.include({ enablePurgeProtection: true, enableRbacAuthorization: true, publicNetworkAccess: "Disabled" });
            const pe = g.byType("azure-native:network:PrivateEndpoint").find((p) => JSON.stringify(p.propertyDependencies).includes(kv.urn));
            expect(pe, "Key Vault private endpoint").to.not.equal(undefined);
        });

        it("attaches the firewall to a policy with threat intelligence Deny (and IDPS Deny on Premium)", () => {
            const policy = g.one("azure-native:network:FirewallPolicy");
            expect(g.plainInputs(policy)["threatIntelMode"]).to.equal("Deny");
            expect(g.one("azure-native:network:AzureFirewall").propertyDependencies["firewallPolicy"]).to.deep.equal([policy.urn]);
            if (run.stackConfig.config["ahds:firewall.sku"] === "Premium") expect(g.plainInputs(policy)["intrusionDetection"]).to.deep.equal({ mode: "Deny" });
        });

        it("sizes and delegates every subnet per Azure's rules", () => {
            for (const v of vnets(g)) {
                for (const s of subnetsOf(v)) {
                    const name = String(s["name"]);
                    const c = parseCidr(String(s["addressPrefix"]));
                    if (typeof c === "string") throw new Error(`${name}: ${c}`);
                    expect(c.prefix, name).to.be.at.most(SUBNET_MINIMUMS[PURPOSE[name] ?? "generic"].maxPrefix);
                    const delegation = DELEGATION[name];
                    if (delegation !== undefined) expect(s["delegations"], name).to.deep.equal([{ name: delegation === "Microsoft.Web/serverFarms" ? "web-serverfarms" : "app-environments", serviceName: delegation }]);
                    else expect(s["delegations"], name).to.equal(undefined);
                }
            }
            // App Gateway v2: one address per instance at the autoscale maximum, plus one private frontend.
            const agw = mustParseCidr("agw", run.stackConfig.config["ahds:spoke.appGatewaySubnet"] ?? "");
            expect(usableAddresses(agw)).to.be.at.least(Number(run.stackConfig.config["ahds:appGateway.maxCapacity"] ?? "2") + 1);
        });
    });
}
