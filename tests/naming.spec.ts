import { expect } from "chai";
import { NAME_RULES, NameKind, REGIONS, composeName, nameProblems, worstCaseNames } from "../components/shared/naming";
import { azureTypeKey } from "../policy/rules/common";
import { Graph } from "../lib/offline/graph";
import { sharedProgramRun } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

const base = { workload: "ahds", environment: "dev", location: "westeurope" };

describe("naming", () => {
    it("builds CAF-style regional names", () => {
        expect(composeName("virtualNetwork", base, "hub")).to.equal("vnet-ahds-dev-weu-hub");
        expect(composeName("resourceGroup", base, "data")).to.equal("rg-ahds-dev-weu-data");
        expect(composeName("wafPolicy", base)).to.equal("wafahdsdevweu");
    });
    it("builds globally unique names from the stack suffix, without hyphens where Azure forbids them", () => {
        expect(composeName("storageAccount", base, "imp", "k3x9a")).to.equal("stahdsdevimpk3x9a");
        expect(composeName("keyVault", base, undefined, "k3x9a")).to.equal("kvahdsdevk3x9a");
        expect(composeName("apiManagement", base, undefined, "k3x9a")).to.equal("apim-ahds-dev-k3x9a");
        expect(composeName("gatewayDnsLabel", base, undefined, "k3x9a")).to.equal("agw-ahds-dev-k3x9a");
        expect(() => composeName("storageAccount", base)).to.throw(/needs the stack suffix/);
    });
    for (const kind of Object.keys(NAME_RULES) as NameKind[]) {
        it(`${kind}: the longest name any stack can generate satisfies Azure's rule`, () => {
            for (const location of REGIONS) {
                for (const w of worstCaseNames("abcdef", "prod", location).filter((x) => x.kind === kind)) {
                    expect(w.problems, `${w.name}`).to.deep.equal([]);
                }
            }
        });
    }
    it("rejects names that break the rule", () => {
        expect(nameProblems("storageAccount", "st-ahds-dev")).to.have.length.greaterThan(0);
        expect(nameProblems("storageAccount", "x".repeat(25))).to.have.length.greaterThan(0);
        expect(nameProblems("keyVault", "kv--double")).to.include("contains consecutive hyphens");
        expect(nameProblems("keyVault", "1kvstartsdigit")).to.have.length.greaterThan(0);
        expect(nameProblems("logAnalyticsWorkspace", "log-ends-with-")).to.have.length.greaterThan(0);
        expect(nameProblems("resourceGroup", "rg-ends-with.")).to.have.length.greaterThan(0);
        expect(nameProblems("containerRegistry", "cr-hyphen")).to.have.length.greaterThan(0);
        // ARM's domainNameLabel rule ^[a-z][a-z0-9-]{1,61}[a-z0-9]$: lowercase, starts with a letter, 3-63 characters.
        expect(nameProblems("gatewayDnsLabel", "agw-ahds-dev-k3x9a")).to.deep.equal([]);
        expect(nameProblems("gatewayDnsLabel", "Agw-ahds")).to.have.length.greaterThan(0);
        expect(nameProblems("gatewayDnsLabel", "1agw")).to.have.length.greaterThan(0);
        expect(nameProblems("gatewayDnsLabel", "agw-")).to.have.length.greaterThan(0);
        expect(nameProblems("gatewayDnsLabel", `a${"b".repeat(63)}`)).to.have.length.greaterThan(0);
    });
    it("fails early on bad parts instead of producing a bad name", () => {
        expect(() => composeName("subnet", { ...base, workload: "Bad_Prefix" })).to.throw(/workload/);
        expect(() => composeName("subnet", { ...base, environment: "qa" })).to.throw(/environment/);
        expect(() => composeName("subnet", base, "toolong")).to.throw(/instance/);
        expect(() => composeName("subnet", { ...base, location: "moon" })).to.throw(/unknown location/);
    });
});

/**
 * Names Azure requires to be unique beyond the resource group: DNS names under a shared zone (vault.azure.net,
 * blob.core.windows.net, azurecr.io, azurehealthcareapis.com, servicebus.windows.net, azure-api.net,
 * azurewebsites.net, azuresynapse.net) are global; public IP DNS labels (<label>.<region>.cloudapp.azure.com) are
 * unique per region. Where each type keeps that name. Log Analytics workspaces, gateways, VNets and the like are only
 * unique in their resource group and are not listed.
 */
const UNIQUE_NAMES: Record<string, (inputs: Record<string, Json>) => Json | undefined> = {
    "keyvault:Vault": (i) => i["vaultName"],
    "storage:StorageAccount": (i) => i["accountName"],
    "containerregistry:Registry": (i) => i["registryName"],
    "healthcareapis:Workspace": (i) => i["workspaceName"],
    "eventhub:Namespace": (i) => i["namespaceName"],
    "apimanagement:ApiManagementService": (i) => i["serviceName"],
    "web:WebApp": (i) => i["name"],
    "synapse:Workspace": (i) => i["workspaceName"],
    "cognitiveservices:Account": (i) => i["accountName"],
    "network:PublicIPAddress": (i) => (i["dnsSettings"] as Record<string, Json> | undefined)?.["domainNameLabel"],
};

function uniqueNames(g: Graph): string[] {
    return g.custom.flatMap((r) => {
        const read = UNIQUE_NAMES[azureTypeKey(r.type) ?? ""];
        const name = read?.(g.plainInputs(r));
        return read === undefined || name === undefined ? [] : [`${azureTypeKey(r.type) ?? ""} ${String(name)}`];
    }).sort();
}

describe("globally and regionally unique names carry the stack's suffix", () => {
    it("the name kinds with a global or regional-DNS scope are exactly these", () => {
        const kinds = (Object.keys(NAME_RULES) as NameKind[]).filter((k) => NAME_RULES[k].style === "global" || NAME_RULES[k].style === "globalHyphen");
        expect(kinds).to.deep.equal(["keyVault", "storageAccount", "containerRegistry", "apiManagement", "functionApp", "healthWorkspace", "eventHubNamespace", "languageAccount", "synapseWorkspace", "gatewayDnsLabel"]);
    });

    it("dev: every unique name in the graph, literally (suffix a1b7c)", async () => {
        const run = await sharedProgramRun("dev");
        expect(run.error).to.equal(undefined);
        expect(run.graph.one("random:index/randomString:RandomString", "suffix").outputs["result"]).to.equal("a1b7c");
        expect(uniqueNames(run.graph)).to.deep.equal([
            "apimanagement:ApiManagementService apim-ahds-dev-a1b7c",
            "containerregistry:Registry crahdsdeva1b7c",
            "healthcareapis:Workspace hwahdsdeva1b7c",
            "keyvault:Vault kvahdsdevhuba1b7c",
            "network:PublicIPAddress agw-ahds-dev-a1b7c",
            "network:PublicIPAddress apim-ahds-dev-a1b7c",
            "storage:StorageAccount stahdsdevblka1b7c",
            "storage:StorageAccount stahdsdevimpa1b7c",
            "storage:StorageAccount stahdsdevlakea1b7c",
            "web:WebApp func-ahds-dev-blk-a1b7c",
        ]);
        for (const n of uniqueNames(run.graph)) expect(n, n).to.include("a1b7c");
    });

    it("prod: every unique name in the graph, literally (suffix a1b7c)", async () => {
        const run = await sharedProgramRun("prod");
        expect(run.error).to.equal(undefined);
        expect(uniqueNames(run.graph)).to.deep.equal([
            "apimanagement:ApiManagementService apim-ahds-prod-a1b7c",
            "cognitiveservices:Account lang-ahds-prod-a1b7c",
            "containerregistry:Registry crahdsproda1b7c",
            "healthcareapis:Workspace hwahdsproda1b7c",
            "keyvault:Vault kvahdsprodhuba1b7c",
            "network:PublicIPAddress agw-ahds-prod-a1b7c",
            "network:PublicIPAddress apim-ahds-prod-a1b7c",
            "storage:StorageAccount stahdsprodblka1b7c",
            "storage:StorageAccount stahdsprodflowa1b7c",
            "storage:StorageAccount stahdsprodimpa1b7c",
            "storage:StorageAccount stahdsprodlakea1b7c",
            "synapse:Workspace synw-ahds-prod-a1b7c",
            "web:WebApp func-ahds-prod-blk-a1b7c",
        ]);
        for (const n of uniqueNames(run.graph)) expect(n, n).to.include("a1b7c");
    });
});
