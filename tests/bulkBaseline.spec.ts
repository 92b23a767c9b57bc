import { expect } from "chai";
import { DOCUMENTED_ROLE_GUIDS as ROLE } from "./fixtures/azureRoles";
import { Graph } from "../lib/offline/graph";
import { RecordedResource } from "../lib/offline/mocks";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

/**
 * The bulk path on the whole program's graph for dev and prod: BulkLoader wired by index.ts to the spoke's function
 * and private-endpoint subnets, the hub's DNS zones and jumpbox, the FHIR service and the central workspace.
 */

type Obj = Record<string, Json>;
const one = (g: Graph, type: string, name?: string) => g.one(`azure-native:${type}`, name);
const roleGuid = (r: Obj) => String(r["roleDefinitionId"]).split("/").pop();
const rolesOf = (g: Graph, principal: unknown) => g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r)).filter((r) => r["principalId"] === principal);
const principalOf = (r: RecordedResource | undefined) => (r?.outputs["identity"] as Record<string, unknown> | undefined)?.["principalId"];
const settingsOf = (g: Graph) => Object.fromEntries(((g.plainInputs(one(g, "web:WebApp"))["siteConfig"] as Obj)["appSettings"] as Obj[]).map((s) => [String(s["name"]), s["value"]]));
const endpointsTo = (g: Graph, id: unknown) => g.byType("azure-native:network:PrivateEndpoint").filter((r) => JSON.stringify(g.plainInputs(r)["privateLinkServiceConnections"]).includes(String(id)));

/** The stacks' bulk-loader settings (Pulumi.dev.yaml, Pulumi.prod.yaml) and what they must become. */
const STACKS = {
    dev: { account: "stahdsdevblka1b7c", app: "func-ahds-dev-blk-a1b7c", sku: { name: "B1", tier: "Basic", capacity: 1 }, zoneRedundant: false, packageUrl: undefined, fhirHost: "hwahdsdeva1b7c-fhir" },
    prod: {
        account: "stahdsprodblka1b7c", app: "func-ahds-prod-blk-a1b7c", sku: { name: "P1v3", tier: "PremiumV3", capacity: 3 }, zoneRedundant: true,
        packageUrl: "https://github.com/example-org/fhir-loader/releases/download/ff87ad5/fhir-loader-ff87ad5.zip", fhirHost: "hwahdsproda1b7c-fhir",
    },
} as const;

for (const stack of ["dev", "prod"] as const) {
    const expected = STACKS[stack];
    describe(`Bulk loader baseline (${stack})`, () => {
        let run: ProgramRun;
        let g: Graph;
        before(async () => {
            run = await sharedProgramRun(stack);
            expect(run.error).to.equal(undefined);
            g = run.graph;
        });

        it("integrates the function app into the spoke's function subnet and routes all its traffic there (so through the firewall)", () => {
            const spokeVnet = String(one(g, "network:VirtualNetwork", "spoke-vnet").id);
            const site = g.plainInputs(one(g, "web:WebApp"));
            expect(site).to.deep.include({ name: expected.app, virtualNetworkSubnetId: `${spokeVnet}/subnets/snet-func-integration`, outboundVnetRouting: { allTraffic: true }, publicNetworkAccess: "Disabled" });
            // The subnet is delegated to Microsoft.Web/serverFarms, as regional VNet integration requires
            // (learn.microsoft.com/azure/app-service/overview-vnet-integration#subnet-requirements).
            const subnet = (g.plainInputs(one(g, "network:VirtualNetwork", "spoke-vnet"))["subnets"] as Obj[]).find((s) => s["name"] === "snet-func-integration") as Obj;
            expect(JSON.stringify(subnet["delegations"])).to.include("Microsoft.Web/serverFarms");
        });

        it("puts the app's and the account's endpoints in the spoke's private-endpoint subnet, registered in the hub's privatelink zones", () => {
            const spokeVnet = String(one(g, "network:VirtualNetwork", "spoke-vnet").id);
            const zoneIds = new Map(g.byType("azure-native:privatedns:PrivateZone").map((z) => [z.id, String(g.plainInputs(z)["privateZoneName"])]));
            const table = [...endpointsTo(g, one(g, "web:WebApp").id), ...endpointsTo(g, one(g, "storage:StorageAccount", "bulk-st").id)].map((pe) => {
                const i = g.plainInputs(pe);
                const group = g.byType("azure-native:network:PrivateDnsZoneGroup").find((z) => g.allDependencies(z).has(pe.urn)) as RecordedResource;
                const zones = (g.plainInputs(group)["privateDnsZoneConfigs"] as Obj[]).map((c) => zoneIds.get(String(c["privateDnsZoneId"])));
                return [((i["privateLinkServiceConnections"] as Obj[])[0] as Obj)["groupIds"], (i["subnet"] as Obj)["id"], zones];
            });
            const pe = `${spokeVnet}/subnets/snet-private-endpoints`;
            expect(table).to.have.deep.members([
                [["sites"], pe, ["privatelink.azurewebsites.net"]],
                [["blob"], pe, ["privatelink.blob.core.windows.net"]],
                [["queue"], pe, ["privatelink.queue.core.windows.net"]],
                [["table"], pe, ["privatelink.table.core.windows.net"]],
            ]);
        });

        it("posts to this stack's FHIR service with the app's identity, which is FHIR Data Contributor there", () => {
            const fhir = one(g, "healthcareapis:FhirService");
            const url = `https://${expected.fhirHost}.fhir.azurehealthcareapis.com`;
            expect(settingsOf(g)).to.deep.include({ "FS-URL": url, "FS-RESOURCE": url, "FS-ISMSI": "true" });
            const grants = rolesOf(g, principalOf(one(g, "web:WebApp"))).map((r) => `${roleGuid(r)} on ${String(r["scope"])}`);
            expect(grants).to.include(`${ROLE.fhirDataContributor} on ${String(fhir.id)}`);
        });

        it("gives the app's identity exactly host storage, the queue and table roles and Storage Account Contributor on its own account, and nothing wider", () => {
            const account = one(g, "storage:StorageAccount", "bulk-st");
            const grants = rolesOf(g, principalOf(one(g, "web:WebApp"))).map((r) => [roleGuid(r), r["scope"]]);
            expect(grants.filter(([, scope]) => String(scope).startsWith(String(account.id)))).to.have.deep.members([
                [ROLE.storageBlobDataOwner, account.id],
                [ROLE.storageQueueDataContributor, account.id],
                [ROLE.storageTableDataContributor, account.id],
                // Storage Account Contributor (built-in-roles), for the zip/{name} blob trigger's Set Blob Service Properties
                // (functions-reference, "Connecting to host storage with an identity": Azure Blobs, trigger only).
                ["17d1049b-9a84-46fb-8f53-869881c3d3ab", account.id],
            ]);
            // Never above the account: not on its resource group or the subscription.
            for (const [guid, scope] of grants) expect(String(scope), String(guid)).to.match(/\/providers\/Microsoft\.[A-Za-z]+\/[A-Za-z]+\/[^/]+/);
            expect(grants.filter(([guid]) => guid === "17d1049b-9a84-46fb-8f53-869881c3d3ab").map(([, scope]) => scope)).to.deep.equal([account.id]);
        });

        it("names its account once in index.ts and reports it, with its blob host, as stack outputs", () => {
            expect(g.plainInputs(one(g, "storage:StorageAccount", "bulk-st"))["accountName"]).to.equal(expected.account);
            expect(run.outputs?.["bulkStorageAccountName"]).to.equal(expected.account);
            expect(run.outputs?.["bulkBlobEndpoint"]).to.equal(`https://${expected.account}.blob.core.windows.net`);
            expect(run.outputs?.["bulkLoaderFunctionAppName"]).to.equal(expected.app);
        });

        it("sends telemetry to the central workspace through Application Insights without local authentication", () => {
            expect(g.plainInputs(one(g, "applicationinsights:Component"))).to.deep.include({ workspaceResourceId: one(g, "operationalinsights:Workspace").id, disableLocalAuth: true });
        });

        it(`runs on ${expected.sku.name}${expected.zoneRedundant ? " across zones" : ""}`, () => {
            expect(g.plainInputs(one(g, "web:AppServicePlan"))).to.deep.include({ sku: expected.sku, zoneRedundant: expected.zoneRedundant, reserved: false });
        });

        it("holds no key, SAS or storage connection string in any app setting of any app", () => {
            for (const site of g.byType("azure-native:web:WebApp")) {
                for (const s of ((g.plainInputs(site)["siteConfig"] as Obj)["appSettings"] as Obj[])) {
                    for (const re of [/AccountKey=/i, /SharedAccessSignature=/i, /sig=/i, /DefaultEndpointsProtocol/i]) expect(String(s["value"]), `${String(s["name"])} ${re}`).to.not.match(re);
                }
            }
        });

        it("lets API Management's identity (the /bulk API) write the bundles, ndjson and zip containers, and nothing else of the account", () => {
            const account = one(g, "storage:StorageAccount", "bulk-st");
            const containers = g.byType("azure-native:storage:BlobContainer").filter((c) => c.parent === account.parent);
            const upload = containers.filter((c) => ["bulk-st-bundles", "bulk-st-ndjson", "bulk-st-zip"].includes(c.name)).map((c) => c.id);
            const onUpload = g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r)).filter((r) => upload.includes(String(r["scope"])));
            const apim = principalOf(one(g, "apimanagement:ApiManagementService"));
            expect(apim).to.be.a("string");
            expect(onUpload.map((r) => [roleGuid(r), r["scope"], r["principalId"]])).to.have.deep.members(upload.map((id) => [ROLE.storageBlobDataContributor, id, apim]));
            for (const r of onUpload) {
                expect(roleGuid(r)).to.equal(ROLE.storageBlobDataContributor);
                // An uploader holds nothing else on the loader's account: not the account, the outputs or the package.
                const elsewhere = rolesOf(g, r["principalId"]).filter((x) => String(x["scope"]).startsWith(String(account.id)) && !upload.includes(String(x["scope"])));
                expect(elsewhere, String(r["principalId"])).to.deep.equal([]);
            }
        });

        it("runs every in-network upload on the jumpbox only after its login extension is installed (one extension operation per VM at a time)", () => {
            const extension = g.one("azure-native:compute:VirtualMachineExtension", "hub-jumpbox-aad-ssh");
            const commands = g.byType("azure-native:compute:VirtualMachineRunCommandByVirtualMachine");
            expect(commands.map((c) => c.name).sort()).to.deep.equal(stack === "prod" ? ["analytics-anonymization-upload", "bulk-package-upload"] : ["analytics-anonymization-upload"]);
            for (const c of commands) expect([...g.allDependencies(c)], c.name).to.include(extension.urn);
        });

        it("publishes the /bulk upload API on the gateway, writing to exactly this loader's private blob host with APIM's identity", () => {
            const account = g.plainInputs(one(g, "storage:StorageAccount", "bulk-st"));
            const host = `https://${String(account["accountName"])}.blob.core.windows.net`;
            const api = g.plainInputs(g.one("azure-native:apimanagement:Api", "ingress-api-bulk"));
            expect(api).to.deep.include({ path: "bulk", protocols: ["https"], subscriptionRequired: false, serviceUrl: host });
            const policy = String(g.plainInputs(g.one("azure-native:apimanagement:ApiPolicy", "ingress-api-bulk-policy"))["value"]);
            expect(policy).to.include(`<set-backend-service base-url="${host}" />`).and.include('<authentication-managed-identity resource="https://storage.azure.com/" />');
            expect(policy).to.include(`<audience>api://ahds-bulk-upload-${stack}</audience>`);
            expect(run.outputs?.["bulkUploadUrl"]).to.match(/^https:\/\/[a-z0-9.-]+\/bulk$/);
        });

        if (stack === "prod") {
            it("uploads the configured package from the hub jumpbox, whose identity may write only the package container of the loader's account", () => {
                const vm = one(g, "compute:VirtualMachine");
                const cmd = g.plainInputs(one(g, "compute:VirtualMachineRunCommandByVirtualMachine", "bulk-package-upload"));
                expect(cmd["vmName"]).to.equal(g.plainInputs(vm)["vmName"]);
                const script = String((cmd["source"] as Obj)["script"]);
                expect(script).to.include(`src='${expected.packageUrl ?? ""}'`).and.include("want='0000000000000000000000000000000000000000000000000000000000000000'");
                const account = one(g, "storage:StorageAccount", "bulk-st");
                const packages = one(g, "storage:BlobContainer", "bulk-st-function-packages");
                const onLoader = rolesOf(g, principalOf(vm)).filter((r) => String(r["scope"]).startsWith(String(account.id)));
                expect(onLoader.map((r) => [roleGuid(r), r["scope"]])).to.deep.equal([[ROLE.storageBlobDataContributor, packages.id]]);
                expect(settingsOf(g)["WEBSITE_RUN_FROM_PACKAGE"]).to.equal(`https://${expected.account}.blob.core.windows.net/function-packages/fhir-loader-000000000000.zip`);
            });

            it("opens the package's GitHub hosts to the jumpbox only; the function subnet reaches no internet host", () => {
                const rules = g.byType("azure-native:network:FirewallPolicyRuleCollectionGroup").flatMap((r) => (g.plainInputs(r)["ruleCollections"] as Obj[]).flatMap((c) => c["rules"] as Obj[]));
                expect(rules.find((r) => r["name"] === "fhir-loader-package")).to.deep.include({
                    sourceAddresses: ["10.20.1.0/27"], targetFqdns: ["github.com", "objects.githubusercontent.com", "release-assets.githubusercontent.com"],
                });
                // Only Entra ID tokens and Azure Monitor ingestion (service tags) leave from the function subnet.
                expect(rules.filter((r) => (r["sourceAddresses"] as Json[]).includes("10.21.3.0/26")).map((r) => r["name"])).to.have.members(["entra-id", "azure-monitor"]);
            });

            it("protects, retains and locks the loader's account", () => {
                const account = one(g, "storage:StorageAccount", "bulk-st");
                expect(account).to.include({ protect: true, retainOnDelete: true });
                const locks = g.byType("azure-native:authorization:ManagementLockByScope").map((l) => g.plainInputs(l)).filter((l) => l["scope"] === account.id);
                expect(locks).to.deep.equal([{ scope: account.id, level: "CanNotDelete", lockName: "lock-cannotdelete", notes: "Managed by Pulumi: protects PHI infrastructure from deletion" }]);
            });
        } else {
            it("runs from a package uploaded by hand (no package URL in dev): no upload command, no download rule", () => {
                expect(g.byType("azure-native:compute:VirtualMachineRunCommandByVirtualMachine").map((r) => r.name)).to.deep.equal(["analytics-anonymization-upload"]);
                const rules = g.byType("azure-native:network:FirewallPolicyRuleCollectionGroup").flatMap((r) => (g.plainInputs(r)["ruleCollections"] as Obj[]).flatMap((c) => c["rules"] as Obj[]));
                expect(rules.map((r) => r["name"])).to.not.include("fhir-loader-package");
                expect(rules.filter((r) => (r["sourceAddresses"] as Json[]).includes("10.1.3.0/26")).map((r) => r["name"])).to.have.members(["entra-id", "azure-monitor"]);
                expect(settingsOf(g)["WEBSITE_RUN_FROM_PACKAGE"]).to.equal(`https://${expected.account}.blob.core.windows.net/function-packages/fhir-loader.zip`);
            });
        }
    });
}

describe("Bulk loader baseline (prod, first preview)", () => {
    it("shows the function app's and the account's security settings at preview: only values from resources not yet created are unknown", async () => {
        const g = (await sharedProgramRun("prod", true)).graph;
        const site = g.plainInputs(one(g, "web:WebApp"));
        expect(site).to.deep.include({ httpsOnly: true, publicNetworkAccess: "Disabled", outboundVnetRouting: { allTraffic: true } });
        expect(site["siteConfig"]).to.deep.include({ minTlsVersion: "1.2", scmMinTlsVersion: "1.2", ftpsState: "Disabled", alwaysOn: true });
        expect(g.plainInputs(one(g, "storage:StorageAccount", "bulk-st"))["networkRuleSet"]).to.deep.equal({ defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [], resourceAccessRules: [] });
    });
});
