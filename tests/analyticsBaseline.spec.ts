import { expect } from "chai";
import { DOCUMENTED_ROLE_GUIDS as ROLE } from "./fixtures/azureRoles";
import { Graph } from "../lib/offline/graph";
import { RecordedResource } from "../lib/offline/mocks";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

/**
 * The analytics and intelligence blocks as index.ts wires them for each stack: dev exports on a schedule into the
 * lake with no Synapse or Language account; prod adds Synapse serverless and Text Analytics for Health. What Azure
 * must receive is stated literally (names from Pulumi.<stack>.yaml and the mocks' suffix a1b7c).
 */
type Obj = Record<string, Json>;
const one = (g: Graph, type: string, name?: string) => g.one(`azure-native:${type}`, name);
const inputsOf = (g: Graph, type: string, name?: string) => g.plainInputs(one(g, type, name));
const subnetId = (g: Graph, name: string) => {
    const spoke = one(g, "network:VirtualNetwork", "spoke-vnet");
    return `${String(spoke.id)}/subnets/${name}`;
};
const zoneId = (g: Graph, zone: string) => String(g.byType("azure-native:privatedns:PrivateZone").find((z) => g.plainInputs(z)["privateZoneName"] === zone)?.id);
const roleScopes = (g: Graph, principal: unknown) => g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r))
    .filter((r) => r["principalId"] === principal).map((r) => [String(r["roleDefinitionId"]).split("/").pop(), r["scope"]]);

for (const stack of ["dev", "prod"] as const) {
    describe(`Analytics and intelligence baseline (${stack})`, () => {
        let run: ProgramRun;
        let g: Graph;
        before(async () => {
            run = await sharedProgramRun(stack);
            expect(run.error).to.equal(undefined);
            g = run.graph;
        });

        it("makes the ADLS Gen2 lake the FHIR service's one $export destination", () => {
            const lake = one(g, "storage:StorageAccount", "analytics-lake");
            expect(g.plainInputs(lake)).to.deep.include({ accountName: `stahds${stack}lakea1b7c`, isHnsEnabled: true, allowSharedKeyAccess: false });
            expect(inputsOf(g, "healthcareapis:FhirService")["exportConfiguration"]).to.deep.equal({ storageAccountName: `stahds${stack}lakea1b7c` });
            const fhirPrincipal = (one(g, "healthcareapis:FhirService").outputs["identity"] as Obj)["principalId"];
            expect(roleScopes(g, fhirPrincipal)).to.deep.include([ROLE.storageBlobDataContributor, lake.id]);
        });

        it("runs the export job in the spoke's Container Apps subnet, against this FHIR service, from the platform's registry", () => {
            expect(inputsOf(g, "app:ManagedEnvironment")["vnetConfiguration"]).to.deep.equal({ internal: true, infrastructureSubnetId: subnetId(g, "snet-container-apps") });
            const registry = one(g, "containerregistry:Registry");
            const job = inputsOf(g, "app:Job");
            expect((job["configuration"] as Obj)["registries"]).to.deep.equal([{ server: registry.outputs["loginServer"], identity: one(g, "managedidentity:UserAssignedIdentity", "analytics-export-id").id }]);
            // That pull is an ARM-audience token, which the registry must accept (learn.microsoft.com/azure/container-apps/
            // managed-identity-image-pull: "must allow ARM audience tokens ... to use managed identity to pull images").
            expect((g.plainInputs(registry)["policies"] as Obj)["azureADAuthenticationAsArmPolicy"]).to.deep.equal({ status: "enabled" });
            const env = Object.fromEntries((((job["template"] as Obj)["containers"] as Obj[])[0]?.["env"] as Obj[]).map((e) => [e["name"], e["value"]]));
            expect(env).to.deep.include({ FHIR_URL: `https://hwahds${stack}a1b7c-fhir.fhir.azurehealthcareapis.com`, EXPORT_PATH: "$export", EXPORT_CONTAINER: "raw" });
            const id = one(g, "managedidentity:UserAssignedIdentity", "analytics-export-id");
            expect(roleScopes(g, id.outputs["principalId"])).to.deep.include([ROLE.fhirDataExporter, one(g, "healthcareapis:FhirService").id]);
            expect(g.byType("azure-native:app:ContainerApp")).to.have.length(0);
        });

        it("registers the lake's blob and dfs endpoints in the hub's zones", () => {
            const lake = one(g, "storage:StorageAccount", "analytics-lake");
            const zoneGroups = g.byType("azure-native:network:PrivateDnsZoneGroup").filter((z) => ["analytics-lake-pep-blob-dns", "analytics-lake-pep-dfs-dns"].includes(z.name));
            expect(zoneGroups.map((z) => (g.plainInputs(z)["privateDnsZoneConfigs"] as Obj[]).map((c) => c["privateDnsZoneId"])))
                .to.have.deep.members([[zoneId(g, "privatelink.blob.core.windows.net")], [zoneId(g, "privatelink.dfs.core.windows.net")]]);
            const pes = g.byType("azure-native:network:PrivateEndpoint").filter((p) => JSON.stringify(g.plainInputs(p)["privateLinkServiceConnections"]).includes(String(lake.id)));
            for (const p of pes) expect((g.plainInputs(p)["subnet"] as Obj)["id"]).to.equal(subnetId(g, "snet-private-endpoints"));
        });

        if (stack === "dev") {
            it("deploys no Synapse workspace and no Language account", () => {
                for (const t of ["synapse:Workspace", "synapse:PrivateLinkHub", "cognitiveservices:Account"]) expect(g.byType(`azure-native:${t}`), t).to.have.length(0);
                expect(run.outputs).to.deep.include({ synapseWorkspaceName: "", languageEndpoint: "", analyticsExportJobName: "caj-ahds-dev-weu-exp", analyticsLakeAccountName: "stahdsdevlakea1b7c" });
            });
        } else {
            it("deploys Synapse with the configured admin group, its endpoints in the hub's zones, and the lake admitting it", () => {
                const ws = one(g, "synapse:Workspace");
                expect(g.plainInputs(ws)).to.deep.include({
                    workspaceName: "synw-ahds-prod-a1b7c", publicNetworkAccess: "Disabled", azureADOnlyAuthentication: true, managedVirtualNetwork: "default",
                    cspWorkspaceAdminProperties: { initialWorkspaceAdminObjectId: "00000000-0000-0000-0000-0000000000a1" },
                });
                const sqlZone = g.byType("azure-native:network:PrivateDnsZoneGroup").find((z) => z.name === "analytics-synapse-pep-sqlondemand-dns") as RecordedResource;
                expect((g.plainInputs(sqlZone)["privateDnsZoneConfigs"] as Obj[]).map((c) => c["privateDnsZoneId"])).to.deep.equal([zoneId(g, "privatelink.sql.azuresynapse.net")]);
                const rules = ((inputsOf(g, "storage:StorageAccount", "analytics-lake")["networkRuleSet"] as Obj)["resourceAccessRules"] as Obj[]).map((r) => r["resourceId"]);
                // ARM's ID with `resourcegroups` in lower case, the only spelling serverless SQL matches
                // (learn.microsoft.com/azure/synapse-analytics/sql/develop-storage-files-storage-access-control).
                expect(rules).to.include(String(ws.id).replace("/resourceGroups/", "/resourcegroups/"));
                expect(rules).to.not.include(ws.id);
                expect(run.outputs).to.deep.include({ synapseWorkspaceName: "synw-ahds-prod-a1b7c", synapseServerlessEndpoint: "synw-ahds-prod-a1b7c-ondemand.sql.azuresynapse.net" });
            });

            it("deploys a key-less, private Language account for Text Analytics for Health, locked in prod", () => {
                const account = one(g, "cognitiveservices:Account");
                expect(g.plainInputs(account)).to.deep.include({ accountName: "lang-ahds-prod-a1b7c", kind: "TextAnalytics", sku: { name: "S" } });
                expect(g.plainInputs(account)["properties"]).to.deep.include({ customSubDomainName: "lang-ahds-prod-a1b7c", disableLocalAuth: true, publicNetworkAccess: "Disabled", restrictOutboundNetworkAccess: true });
                const zg = g.byType("azure-native:network:PrivateDnsZoneGroup").find((z) => z.name.startsWith("intelligence-") && z.name.endsWith("-dns")) as RecordedResource;
                expect((g.plainInputs(zg)["privateDnsZoneConfigs"] as Obj[]).map((c) => c["privateDnsZoneId"])).to.deep.equal([zoneId(g, "privatelink.cognitiveservices.azure.com")]);
                const lock = g.byType("azure-native:authorization:ManagementLockByScope").find((l) => g.plainInputs(l)["scope"] === account.id);
                expect(lock && g.plainInputs(lock)["level"]).to.equal("CanNotDelete");
                expect(run.outputs?.["languageEndpoint"]).to.equal("https://lang-ahds-prod-a1b7c.cognitiveservices.azure.com/");
            });

            it("admits TDS 1433 to the spoke's private endpoints for in-network Synapse SQL clients", () => {
                const nsg = g.byType("azure-native:network:NetworkSecurityGroup").find((n) => n.name === "spoke-nsg-privateEndpoints") as RecordedResource;
                const sql = (g.plainInputs(nsg)["securityRules"] as Obj[]).find((r) => r["name"] === "allow-sql-from-vnet");
                expect(sql).to.deep.include({ direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "10.21.2.0/24", destinationPortRange: "1433" });
            });
        }
    });
}
