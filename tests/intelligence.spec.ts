import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { expect } from "chai";
import { Intelligence, IntelligenceArgs } from "../components/intelligence";
import { DOCUMENTED_ROLE_GUIDS as ROLE, roleDefinitionId } from "./fixtures/azureRoles";
import { Graph, STACK_TYPE } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, RecordedResource } from "../lib/offline/mocks";
import { runComponent } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const LAW = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const VNET = `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
const PE_SUBNET = `${VNET}/subnets/snet-private-endpoints`;
const ZONE = (z: string) => `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/${z}`;
/** Azure AI services' private endpoint zone (learn.microsoft.com/azure/private-link/private-endpoint-dns: Microsoft.CognitiveServices/accounts, group `account`). */
const COG_ZONE = "privatelink.cognitiveservices.azure.com";
const CALLER_GROUP = "66666666-6666-4666-8666-666666666666";
const APP_PRINCIPAL = "77777777-7777-4777-8777-777777777777";

const BASE: IntelligenceArgs = {
    naming: { workload: "ahds", environment: "dev", location: "westeurope", uniqueSuffix: "abc12" },
    resourceGroupName: "rg-data",
    tags: { environment: "dev" },
    logAnalyticsWorkspaceResourceId: LAW,
    // The hub's other zones are passed too, as the program passes them all: only the cognitiveservices one may be used.
    network: { privateEndpointSubnetResourceId: PE_SUBNET, privateDnsZoneResourceIds: { [COG_ZONE]: ZONE(COG_ZONE), "privatelink.blob.core.windows.net": ZONE("privatelink.blob.core.windows.net") } },
};
/** What a production stack passes: locked, with the clinical-notes callers granted on the account. */
const WAF: IntelligenceArgs = {
    ...BASE,
    naming: { ...BASE.naming, environment: "prod" },
    lock: { kind: "CanNotDelete" },
    roleAssignments: {
        callers: { roleDefinitionIdOrName: "Cognitive Services User", principalId: CALLER_GROUP, principalType: "Group", description: "Submits Text Analytics for health jobs" },
        app: { roleDefinitionIdOrName: "Cognitive Services Language Reader", principalId: APP_PRINCIPAL },
    },
};

const ACCOUNT = "azure-native:cognitiveservices:Account";
interface Outputs { [k: string]: unknown }
function run(args: IntelligenceArgs | (() => IntelligenceArgs), preview = false) {
    return runComponent(() => {
        const c = new Intelligence("intel", typeof args === "function" ? args() : args);
        return { accountName: c.accountName, accountId: c.accountId, endpoint: c.endpoint, principalId: c.principalId };
    }, { preview });
}

type Obj = Record<string, Json>;
const account = (g: Graph) => g.one(ACCOUNT);
const roles = (g: Graph) => g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r));
const endpointsTo = (g: Graph, targetId: string) => g.byType("azure-native:network:PrivateEndpoint").filter((r) =>
    (g.plainInputs(r)["privateLinkServiceConnections"] as Obj[]).some((c) => c["privateLinkServiceId"] === targetId));
const zoneGroupOf = (g: Graph, endpoint: RecordedResource) => g.byType("azure-native:network:PrivateDnsZoneGroup").find((z) => g.allDependencies(z).has(endpoint.urn));
const zonesOf = (g: Graph, endpoint: RecordedResource) => (g.plainInputs(zoneGroupOf(g, endpoint) as RecordedResource)["privateDnsZoneConfigs"] as Obj[]).map((c) => c["privateDnsZoneId"]);
const diagOn = (g: Graph, uri: string) => g.byType("azure-native:monitor:DiagnosticSetting").map((r) => g.plainInputs(r)).filter((d) => d["resourceUri"] === uri);
const guidOf = (r: Obj) => String(r["roleDefinitionId"]).split("/").pop();
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("Intelligence component", () => {

    describe("defaults", () => {
        let g: Graph;
        let out: Outputs;
        before(async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("creates one TextAnalytics account, SKU S, with a system identity and the account name as its custom subdomain", () => {
            expect(g.byType(ACCOUNT)).to.have.length(1);
            expect(g.plainInputs(account(g))).to.deep.include({
                accountName: "lang-ahds-dev-abc12", resourceGroupName: "rg-data", location: "westeurope", kind: "TextAnalytics", sku: { name: "S" },
                identity: { type: "SystemAssigned" }, tags: { environment: "dev" },
            });
        });

        it("is identity-only and private: no keys, public access Disabled, firewall Deny without rules, no outbound calls", () => {
            // cognitive-services-custom-subdomains (Entra ID and private endpoints need the subdomain), disable-local-auth,
            // cognitive-services-virtual-networks, cognitive-services-data-loss-prevention.
            expect(g.plainInputs(account(g))["properties"]).to.deep.equal({
                customSubDomainName: "lang-ahds-dev-abc12",
                disableLocalAuth: true,
                publicNetworkAccess: "Disabled",
                networkAcls: { defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] },
                restrictOutboundNetworkAccess: true,
                allowedFqdnList: [],
            });
        });

        it("gives the account one `account` private endpoint in the private-endpoint subnet, registered in privatelink.cognitiveservices.azure.com", () => {
            const pes = endpointsTo(g, String(account(g).id));
            expect(pes).to.have.length(1);
            expect(g.byType("azure-native:network:PrivateEndpoint")).to.have.length(1);
            const pe = pes[0] as RecordedResource;
            const i = g.plainInputs(pe);
            expect(i).to.deep.include({ privateEndpointName: "pep-lang-ahds-dev-abc12-account", resourceGroupName: "rg-data", location: "westeurope", tags: { environment: "dev" } });
            expect(i["subnet"]).to.deep.include({ id: PE_SUBNET });
            expect(((i["privateLinkServiceConnections"] as Obj[])[0] as Obj)["groupIds"]).to.deep.equal(["account"]);
            expect(zonesOf(g, pe)).to.deep.equal([ZONE(COG_ZONE)]);
        });

        it("sends the account's logs (allLogs) and metrics to the central workspace", () => {
            const d = diagOn(g, String(account(g).id));
            expect(d).to.have.length(1);
            expect(d[0]).to.deep.include({
                name: "diag-to-law", workspaceId: LAW, logAnalyticsDestinationType: "Dedicated",
                logs: [{ categoryGroup: "allLogs", enabled: true }], metrics: [{ category: "AllMetrics", enabled: true }],
            });
        });

        it("grants nothing and locks nothing", () => {
            expect(roles(g)).to.have.length(0);
            expect(g.byType("azure-native:authorization:ManagementLockByScope")).to.have.length(0);
        });

        it("outputs the account, its custom-subdomain endpoint and its identity", () => {
            const principal = (account(g).outputs["identity"] as Record<string, unknown>)["principalId"];
            expect(principal).to.match(GUID);
            expect(out).to.deep.equal({
                accountName: "lang-ahds-dev-abc12",
                accountId: account(g).id,
                endpoint: "https://lang-ahds-dev-abc12.cognitiveservices.azure.com/",
                principalId: principal,
            });
        });

        it("parents every child under the component with names prefixed by it", () => {
            const component = g.one("ahds:index:Intelligence");
            expect(g.custom.length).to.be.greaterThan(0);
            for (const r of g.custom) {
                expect(r.name.startsWith("intel-"), r.name).to.equal(true);
                let p = r.parent;
                while (p !== null && p !== component.urn) p = g.byUrn(p)?.parent ?? null;
                expect(p, `${r.name} is not under the component`).to.equal(component.urn);
            }
        });
    });

    describe("defaults at a first preview (stack suffix not yet known)", () => {
        it("hands the account's properties to the engine with their fields known: only the subdomain is unknown", async () => {
            const r = await run(() => ({
                ...BASE,
                naming: { ...BASE.naming, uniqueSuffix: new random.RandomString("suffix", { length: 5, special: false, upper: false }).result },
            }), true);
            expect(r.error).to.equal(undefined);
            expect(r.graph.plainInputs(account(r.graph))["properties"]).to.deep.equal({
                customSubDomainName: "[unknown]",
                disableLocalAuth: true,
                publicNetworkAccess: "Disabled",
                networkAcls: { defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] },
                restrictOutboundNetworkAccess: true,
                allowedFqdnList: [],
            });
        });
    });

    describe("waf-aligned (prod)", () => {
        let g: Graph;
        before(async () => {
            const r = await run(WAF);
            expect(r.error).to.equal(undefined);
            g = r.graph;
        });

        it("names the account for prod", () => {
            expect(g.plainInputs(account(g))).to.deep.include({ accountName: "lang-ahds-prod-abc12" });
            expect((g.plainInputs(account(g))["properties"] as Obj)["customSubDomainName"]).to.equal("lang-ahds-prod-abc12");
        });

        it("locks the account against deletion", () => {
            const locks = g.byType("azure-native:authorization:ManagementLockByScope");
            expect(locks).to.have.length(1);
            expect(g.plainInputs(locks[0] as RecordedResource)).to.deep.equal({
                scope: account(g).id, level: "CanNotDelete", lockName: "lock-cannotdelete", notes: "Managed by Pulumi: protects PHI infrastructure from deletion",
            });
        });

        it("grants the caller group Cognitive Services User and the app Cognitive Services Language Reader, on the account only", () => {
            const id = String(account(g).id);
            expect(roles(g).map((r) => [guidOf(r), r["scope"], r["principalId"], r["principalType"]])).to.have.deep.members([
                // built-in-roles/ai-machine-learning: Cognitive Services User (Microsoft.CognitiveServices/* data actions).
                ["a97b65f3-24c7-4388-baec-2e87135dc908", id, CALLER_GROUP, "Group"],
                // Cognitive Services Language Reader (Language/analyze-text/jobs/action, Language/*/read).
                ["7628b7b8-a8b2-4cdc-b46f-e9b35248918e", id, APP_PRINCIPAL, "ServicePrincipal"],
            ]);
            for (const r of roles(g)) expect(r["roleDefinitionId"]).to.equal(roleDefinitionId(MOCK_SUBSCRIPTION_ID, guidOf(r) ?? ""));
            expect(roles(g).find((r) => r["principalId"] === CALLER_GROUP)).to.deep.include({
                roleDefinitionId: roleDefinitionId(MOCK_SUBSCRIPTION_ID, ROLE.cognitiveServicesUser), description: "Submits Text Analytics for health jobs",
            });
            expect(roles(g).find((r) => r["principalId"] === APP_PRINCIPAL)?.["roleDefinitionId"]).to.equal(roleDefinitionId(MOCK_SUBSCRIPTION_ID, ROLE.cognitiveServicesLanguageReader));
        });

        it("keeps the same private, identity-only account as the defaults", () => {
            expect(g.plainInputs(account(g))["properties"]).to.deep.include({ disableLocalAuth: true, publicNetworkAccess: "Disabled", restrictOutboundNetworkAccess: true });
            expect(endpointsTo(g, String(account(g).id))).to.have.length(1);
        });
    });

    describe("max (every arg set)", () => {
        let g: Graph;
        let out: Outputs;
        const drSubnet = `${SUB}/resourceGroups/rg-dr/providers/Microsoft.Network/virtualNetworks/vnet-dr/subnets/snet-private-endpoints`;
        const law2 = `${SUB}/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc`;
        before(async () => {
            const r = await run({
                ...BASE,
                naming: { ...BASE.naming, environment: "prod" },
                tags: { environment: "prod", owner: "clinical-nlp" },
                // No zones: the custom endpoints name their own.
                network: { privateEndpointSubnetResourceId: PE_SUBNET, privateDnsZoneResourceIds: {} },
                accountName: "lang-clinical-notes-01",
                sku: "F0",
                allowedFqdns: ["fhir.example.org", "notes.contoso-health.com"],
                managedIdentities: { systemAssigned: false },
                privateEndpoints: {
                    spoke: { subnetResourceId: PE_SUBNET, service: "account", privateDnsZoneResourceIds: [ZONE(COG_ZONE)], name: "pep-lang-notes" },
                    dr: { subnetResourceId: drSubnet, service: "account", privateDnsZoneResourceIds: [ZONE(COG_ZONE)], customNetworkInterfaceName: "nic-lang-notes-dr" },
                },
                diagnosticSettings: {
                    law: { workspaceResourceId: LAW },
                    soc: { name: "diag-to-soc", workspaceResourceId: law2, logCategoryGroups: ["audit"], metricCategories: [] },
                },
                roleAssignments: { ops: { roleDefinitionIdOrName: "Reader", principalId: CALLER_GROUP, principalType: "Group" } },
                lock: { kind: "ReadOnly", name: "lock-notes", notes: "Clinical NLP account" },
            });
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("uses the given name, SKU and outbound allow-list, and no identity", () => {
            const i = g.plainInputs(account(g));
            expect(i).to.deep.include({ accountName: "lang-clinical-notes-01", sku: { name: "F0" }, tags: { environment: "prod", owner: "clinical-nlp" } });
            expect(i).to.not.have.property("identity");
            expect(i["properties"]).to.deep.include({ customSubDomainName: "lang-clinical-notes-01", restrictOutboundNetworkAccess: true, allowedFqdnList: ["fhir.example.org", "notes.contoso-health.com"] });
        });

        it("creates exactly the given private endpoints", () => {
            const table = endpointsTo(g, String(account(g).id)).map((pe) => {
                const i = g.plainInputs(pe);
                return [i["privateEndpointName"], (i["subnet"] as Obj)["id"], i["customNetworkInterfaceName"], ((i["privateLinkServiceConnections"] as Obj[])[0] as Obj)["groupIds"], zonesOf(g, pe), i["tags"]];
            });
            const tags = { environment: "prod", owner: "clinical-nlp" };
            expect(table).to.have.deep.members([
                ["pep-lang-notes", PE_SUBNET, "pep-lang-notes-nic", ["account"], [ZONE(COG_ZONE)], tags],
                ["pep-lang-clinical-notes-01-account", drSubnet, "nic-lang-notes-dr", ["account"], [ZONE(COG_ZONE)], tags],
            ]);
            expect(g.byType("azure-native:network:PrivateEndpoint")).to.have.length(2);
        });

        it("creates exactly the given diagnostic settings", () => {
            const d = diagOn(g, String(account(g).id)).map((s) => [s["name"], s["workspaceId"], s["logs"], s["metrics"]]);
            expect(d).to.have.deep.members([
                ["diag-to-law", LAW, [{ categoryGroup: "allLogs", enabled: true }], [{ category: "AllMetrics", enabled: true }]],
                ["diag-to-soc", law2, [{ categoryGroup: "audit", enabled: true }], []],
            ]);
        });

        it("applies the given role assignment and lock", () => {
            expect(roles(g).map((r) => [guidOf(r), r["scope"], r["principalType"]])).to.deep.equal([["acdd72a7-3385-48ef-bd42-f606fba81ae7", account(g).id, "Group"]]);
            expect(g.plainInputs(g.one("azure-native:authorization:ManagementLockByScope"))).to.deep.equal({ scope: account(g).id, level: "ReadOnly", lockName: "lock-notes", notes: "Clinical NLP account" });
        });

        it("outputs the custom endpoint and an empty principalId without a system identity", () => {
            expect(out).to.deep.equal({
                accountName: "lang-clinical-notes-01",
                accountId: account(g).id,
                endpoint: "https://lang-clinical-notes-01.cognitiveservices.azure.com/",
                principalId: "",
            });
        });
    });

    describe("validation", () => {
        const cases: Array<[string, Partial<IntelligenceArgs>, string]> = [
            ["an account name with upper case and underscores", { accountName: "Lang_Notes" }, 'accountName "Lang_Notes" must be 2-64 chars: lowercase alphanumerics and hyphens'],
            ["a one-character account name", { accountName: "l" }, 'accountName "l" must be 2-64 chars'],
            ["an account name ending in a hyphen", { accountName: "lang-notes-" }, 'accountName "lang-notes-" must be 2-64 chars'],
            ["a SKU Language does not offer", { sku: "S0" }, 'sku "S0" must be one of F0, S'],
            ["an allowed FQDN that is a URL", { allowedFqdns: ["https://fhir.example.org/r4"] }, 'allowedFqdns: "https://fhir.example.org/r4" must be a host name'],
            ["a wildcard allowed FQDN", { allowedFqdns: ["*.example.org"] }, 'allowedFqdns: "*.example.org" must be a host name'],
            ["default endpoints without the cognitiveservices zone", { network: { privateEndpointSubnetResourceId: PE_SUBNET, privateDnsZoneResourceIds: { "privatelink.blob.core.windows.net": ZONE("privatelink.blob.core.windows.net") } } },
                "network.privateDnsZoneResourceIds must include privatelink.cognitiveservices.azure.com"],
            ["custom endpoints without an `account` one", { privateEndpoints: { other: { subnetResourceId: PE_SUBNET, service: "blob" } } }, 'privateEndpoints must include an endpoint with service "account"'],
            ["no diagnostic settings", { diagnosticSettings: {} }, "diagnosticSettings must not be empty"],
            ["an unknown log category group", { diagnosticSettings: { law: { workspaceResourceId: LAW, logCategoryGroups: ["everything"] } } }, 'diagnosticSettings.law.logCategoryGroups: "everything" is not one of allLogs, audit'],
            ["an unknown role", { roleAssignments: { x: { roleDefinitionIdOrName: "Cognitive Services Owner", principalId: CALLER_GROUP } } }, 'roleAssignments.x: unknown role "Cognitive Services Owner"'],
            ["an unknown principal type", { roleAssignments: { x: { roleDefinitionIdOrName: "Cognitive Services User", principalId: CALLER_GROUP, principalType: "Team" } } }, 'roleAssignments.x.principalType "Team" is not one of'],
            ["an unknown lock kind", { lock: { kind: "Forever" } }, 'lock.kind "Forever" is not one of CanNotDelete, ReadOnly, None'],
        ];
        for (const [what, bad, message] of cases) {
            it(`refuses ${what} with one keyed message and registers nothing`, async () => {
                const r = await run({ ...BASE, ...bad });
                expect(r.error).to.be.instanceOf(Error);
                const lines = String((r.error as Error).message).split("\n");
                expect(lines[0]).to.equal("Intelligence intel: invalid args:");
                expect(lines.slice(1).map((l) => l.trim())).to.have.length(1);
                expect(lines[1], message).to.include(message);
                expect(r.graph.resources.filter((x) => x.type !== STACK_TYPE)).to.have.length(0);
            });
        }

        it("lists every problem at once", async () => {
            const r = await run({ ...BASE, accountName: "Lang_Notes", sku: "S0", diagnosticSettings: {}, lock: { kind: "Forever" } });
            const msg = String((r.error as Error).message);
            for (const needle of ['accountName "Lang_Notes"', 'sku "S0"', "diagnosticSettings must not be empty", 'lock.kind "Forever"']) expect(msg, needle).to.include(needle);
            expect(r.graph.resources.filter((x) => x.type !== STACK_TYPE)).to.have.length(0);
        });

        it("accepts custom endpoints without the zone in network (they name their own) and an account name not yet known", async () => {
            const r = await run({
                ...BASE,
                accountName: pulumi.output("lang-from-elsewhere"),
                network: { privateEndpointSubnetResourceId: PE_SUBNET, privateDnsZoneResourceIds: {} },
                privateEndpoints: { spoke: { subnetResourceId: PE_SUBNET, service: "account", privateDnsZoneResourceIds: [ZONE(COG_ZONE)] } },
            });
            expect(r.error).to.equal(undefined);
            expect(r.graph.plainInputs(account(r.graph))["accountName"]).to.equal("lang-from-elsewhere");
        });
    });
});
