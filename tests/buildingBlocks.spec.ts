import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { roleGuid } from "../components/shared/builtInRoles";
import { createDiagnosticSettings } from "../components/shared/diagnostics";
import { createLock } from "../components/shared/lock";
import { createPrivateEndpoints } from "../components/shared/privateEndpoint";
import { createRoleAssignments, deterministicGuid } from "../components/shared/roleAssignment";
import { MOCK_SUBSCRIPTION_ID } from "../lib/offline/mocks";
import { runInStack } from "../lib/offline/run";

const TARGET = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-x/providers/Microsoft.KeyVault/vaults/kvx`;
const LAW = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-x/providers/Microsoft.OperationalInsights/workspaces/law`;
const ZONE = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-x/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net`;

class Holder extends pulumi.ComponentResource {
    constructor(name: string) { super("test:index:Holder", name, {}, {}); }
}

describe("building blocks", () => {
    describe("private endpoint + DNS zone group", () => {
        it("connects the target's group ID from the given subnet and registers DNS, as children of the caller", async () => {
            const { graph, error } = await runInStack(() => {
                const h = new Holder("h");
                createPrivateEndpoints("kv", { id: TARGET, name: "kvx", resourceGroupName: "rg-x", location: "westeurope", tags: { a: "b" } },
                    { vault: { subnetResourceId: "/snet-pe", service: "vault", privateDnsZoneResourceIds: [ZONE] } }, { parent: h });
            });
            expect(error).to.equal(undefined);
            const pe = graph.one("azure-native:network:PrivateEndpoint", "kv-pep-vault");
            const inputs = graph.plainInputs(pe);
            expect(inputs["subnet"]).to.deep.include({ id: "/snet-pe" });
            expect(inputs).to.deep.include({
                privateEndpointName: "pep-kvx-vault",
                customNetworkInterfaceName: "pep-kvx-vault-nic",
                privateLinkServiceConnections: [{ name: "pep-kvx-vault", privateLinkServiceId: TARGET, groupIds: ["vault"] }],
                tags: { a: "b" },
            });
            const zg = graph.one("azure-native:network:PrivateDnsZoneGroup", "kv-pep-vault-dns");
            expect(graph.plainInputs(zg)["privateDnsZoneConfigs"]).to.deep.equal([{ name: "zone0", privateDnsZoneId: ZONE }]);
            expect(zg.propertyDependencies["privateEndpointName"]).to.deep.equal([pe.urn]);
            expect(pe.parent).to.equal(graph.one("test:index:Holder").urn);
        });
        it("rejects an invalid group ID before registering anything", async () => {
            const { graph, error } = await runInStack(() => createPrivateEndpoints("x", { id: TARGET, name: "n", resourceGroupName: "r", location: "l", tags: {} },
                { bad: { subnetResourceId: "/s", service: "not a group" } }, {}));
            expect(String(error)).to.match(/privateEndpoints.bad.service/);
            expect(graph.custom).to.have.length(0);
        });
    });

    describe("diagnostic settings", () => {
        it("defaults to allLogs + AllMetrics into resource-specific tables", async () => {
            const { graph } = await runInStack(() => createDiagnosticSettings("kv", TARGET, { law: { workspaceResourceId: LAW } }, {}));
            expect(graph.plainInputs(graph.one("azure-native:monitor:DiagnosticSetting", "kv-diag-law"))).to.deep.equal({
                name: "diag-to-law", resourceUri: TARGET, workspaceId: LAW, logAnalyticsDestinationType: "Dedicated",
                logs: [{ categoryGroup: "allLogs", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }],
            });
        });
        it("sends named categories and no metrics when asked", async () => {
            const { graph } = await runInStack(() => createDiagnosticSettings("nsg", TARGET, { law: { workspaceResourceId: LAW, logCategories: ["NetworkSecurityGroupEvent"], metricCategories: [] } }, {}));
            const inputs = graph.plainInputs(graph.one("azure-native:monitor:DiagnosticSetting"));
            expect(inputs["logs"]).to.deep.equal([{ category: "NetworkSecurityGroupEvent", enabled: true }]);
            expect(inputs["metrics"]).to.deep.equal([]);
        });
        it("rejects categories and category groups together", async () => {
            const { error, graph } = await runInStack(() => createDiagnosticSettings("x", TARGET, { law: { workspaceResourceId: LAW, logCategoryGroups: ["audit"], logCategories: ["AuditEvent"] } }, {}));
            expect(String(error)).to.match(/mutually exclusive/);
            expect(graph.custom).to.have.length(0);
        });
    });

    describe("role assignments", () => {
        it("resolves built-in role names and names the assignment with a stable GUID", async () => {
            const { graph } = await runInStack(() => createRoleAssignments("fhir", TARGET, {
                loader: { roleDefinitionIdOrName: "FHIR Data Contributor", principalId: "p-1" },
            }, {}));
            const ra = graph.plainInputs(graph.one("azure-native:authorization:RoleAssignment", "fhir-ra-loader"));
            expect(ra).to.deep.include({
                scope: TARGET,
                principalId: "p-1",
                principalType: "ServicePrincipal",
                roleDefinitionId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/5a1fc7df-4bf1-4951-a576-89034ee01acd`,
                // Pinned: a different name for the same grant would make Azure delete and re-create every assignment
                // (and fail with RoleAssignmentExists while the old one lives).
                roleAssignmentName: "7c08ec00-db52-53f7-a984-198900f73df5",
            });
            expect(ra["roleAssignmentName"]).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        });
        it("gives different grants different names and the same grant the same name", () => {
            expect(deterministicGuid("a", "b", "c")).to.equal(deterministicGuid("a", "b", "c"));
            expect(deterministicGuid("a", "b", "c")).not.to.equal(deterministicGuid("a", "b", "d"));
        });
        it("accepts GUIDs and role definition IDs, rejects unknown roles and principal types", async () => {
            expect(roleGuid("AcrPull")).to.equal("7f951dda-4ed3-4680-a7ca-43fe172d538d");
            expect(roleGuid("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/7F951DDA-4ED3-4680-A7CA-43FE172D538D")).to.equal("7f951dda-4ed3-4680-a7ca-43fe172d538d");
            const { error } = await runInStack(() => createRoleAssignments("x", TARGET, {
                a: { roleDefinitionIdOrName: "Super Admin", principalId: "p" },
                b: { roleDefinitionIdOrName: "Reader", principalId: "p", principalType: "Robot" },
            }, {}));
            expect(String(error)).to.match(/roleAssignments.a: unknown role "Super Admin"/).and.match(/roleAssignments.b.principalType "Robot"/);
        });
    });

    describe("lock", () => {
        it("creates CanNotDelete locks and nothing for None", async () => {
            const { graph } = await runInStack(() => {
                createLock("a", TARGET, { kind: "CanNotDelete" }, {});
                createLock("b", TARGET, { kind: "None" }, {});
                createLock("c", TARGET, undefined, {});
            });
            expect(graph.custom.map((r) => r.name)).to.deep.equal(["a-lock"]);
            expect(graph.plainInputs(graph.one("azure-native:authorization:ManagementLockByScope"))).to.deep.include({ level: "CanNotDelete", lockName: "lock-cannotdelete", scope: TARGET });
        });
        it("rejects unknown lock kinds", async () => {
            const { error } = await runInStack(() => createLock("a", TARGET, { kind: "Forever" }, {}));
            expect(String(error)).to.match(/lock.kind "Forever"/);
        });
    });
});
