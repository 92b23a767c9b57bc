import { expect } from "chai";
import { Graph } from "../lib/offline/graph";
import { RecordedResource } from "../lib/offline/mocks";
import { sharedProgramRun } from "../lib/offline/run";

/**
 * Deploy order on the program's graph: what Azure needs to exist before a resource is created, beyond what its inputs
 * name. A resource placed in a spoke subnet is created only once the spoke is connected: the VNet's DNS server and
 * every default route are the hub firewall's address, reachable only over the peering, and private names resolve only
 * through the linked zones. API Management needs both while it deploys ("If you plan to use a custom DNS solution for
 * the VNet, set it up before deploying an API Management service into it",
 * learn.microsoft.com/azure/api-management/virtual-network-concepts#dns; outbound Storage, SQL, Key Vault and Azure
 * Monitor are "required for successful deployment", learn.microsoft.com/azure/api-management/virtual-network-reference);
 * the jumpbox's uploads reach the spoke's private endpoints only over the peering.
 */

for (const stack of ["dev", "prod"]) {
    describe(`deploy order (${stack})`, () => {
        let g: Graph;
        let inSpoke: RecordedResource[];
        before(async () => {
            g = (await sharedProgramRun(stack)).graph;
            const subnets = `${String(g.one("azure-native:network:VirtualNetwork", "spoke-vnet").id)}/subnets/`;
            inSpoke = g.custom.filter((r) => r.name !== "spoke-vnet" && JSON.stringify(g.plainInputs(r)).includes(subnets));
        });

        it("finds the services placed in spoke subnets (the check below is not vacuous)", () => {
            const types = new Set(inSpoke.map((r) => r.type.split(":")[1] + ":" + r.type.split(":")[2]));
            for (const t of ["apimanagement:ApiManagementService", "network:ApplicationGateway", "network:PrivateEndpoint", "app:ManagedEnvironment", "web:WebApp"]) expect(types, t).to.include(t);
        });

        it("creates every one of them after both peerings and every spoke DNS link", () => {
            const peerings = g.byType("azure-native:network:VirtualNetworkPeering").filter((p) => p.name.startsWith("spoke-peer-")).map((p) => p.urn);
            const links = g.byType("azure-native:privatedns:VirtualNetworkLink").filter((l) => l.name.endsWith("-link-spoke")).map((l) => l.urn);
            expect(peerings).to.have.length(2);
            expect(links.length).to.be.greaterThan(10);
            for (const r of inSpoke) {
                const deps = g.allDependencies(r);
                const missing = [...peerings, ...links].filter((u) => !deps.has(u)).map((u) => g.byUrn(u)?.name);
                expect(missing, `${r.name} (${r.type})`).to.deep.equal([]);
            }
        });

        if (stack === "prod") {
            it("with the hub's VPN gateway, creates API Management only after the gateway (the spoke's peering uses it)", () => {
                // useRemoteGateways is accepted only once the hub has a gateway
                // (learn.microsoft.com/azure/virtual-network/virtual-network-peering-overview#gateways-and-on-premises-connectivity).
                const gateway = g.one("azure-native:network:VirtualNetworkGateway").urn;
                expect(g.dependencyClosure(g.one("azure-native:apimanagement:ApiManagementService"))).to.include(gateway);
                expect(g.plainInputs(g.one("azure-native:network:VirtualNetworkPeering", "spoke-peer-spoke-to-hub"))["useRemoteGateways"]).to.equal(true);
            });
        }
    });
}
