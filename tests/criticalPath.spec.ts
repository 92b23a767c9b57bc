import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { Graph } from "../lib/offline/graph";
import { RecordedResource } from "../lib/offline/mocks";
import { CreateTimesTable, criticalPath, formatCriticalPath, minutesByTypeKey } from "../scripts/plan/criticalPath";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

const TIMES = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "scripts", "plan", "create-times.json"), "utf8")) as CreateTimesTable;

function res(name: string, type: string, deps: string[] = [], parent: string | null = "urn:stack", custom = true): RecordedResource {
    return { urn: `urn:${name}`, type, name, custom, parent, inputs: {}, outputs: {}, id: null, protect: false, retainOnDelete: false, dependencies: deps.map((d) => `urn:${d}`), propertyDependencies: {} };
}

describe("deploy critical path (scripts/plan/criticalPath.ts)", () => {
    it("takes the longest weighted chain through dependencies and property dependencies; a child does not wait for its component", () => {
        const stack = { ...res("stack", "pulumi:pulumi:Stack", [], null, false), urn: "urn:stack" };
        const comp = res("comp", "ahds:index:Comp", [], "urn:stack", false);
        const fw = res("fw", "azure-native:network:AzureFirewall", ["rg"], "urn:comp");
        const rt = { ...res("rt", "azure-native:network:RouteTable", [], "urn:comp"), propertyDependencies: { routes: ["urn:fw"] } };
        const graph = new Graph([
            stack, comp,
            res("rg", "azure-native:resources:ResourceGroup"),
            res("key", "tls:index/privateKey:PrivateKey"),
            fw, rt,
            res("bas", "azure-native:network:BastionHost", ["rg", "key"], "urn:comp"),
            // Depends on the component: waits for everything in it (fw, rt, bas).
            res("after", "azure-native:keyvault:Vault", ["comp"]),
        ]);
        const p = criticalPath(graph, { "network:AzureFirewall": 25, "network:BastionHost": 10 }, 1);
        expect(p.chain.map((s) => [s.name, s.minutes, s.startsAt])).to.deep.equal([["rg", 1, 0], ["fw", 25, 1], ["rt", 1, 26], ["after", 1, 27]]);
        expect(p.totalMinutes).to.equal(28);
        expect(criticalPath(new Graph([stack]), {}, 1)).to.deep.equal({ totalMinutes: 0, chain: [] });
    });

    for (const [stack, preview] of [["dev", false], ["prod", true]] as const) {
        describe(`--stack ${stack}`, () => {
            let run: ProgramRun;
            before(async () => { run = await sharedProgramRun(stack, preview); });

            it("is a dependency chain whose steps start when the previous one is created, totalling its minutes", () => {
                const p = criticalPath(run.graph, minutesByTypeKey(TIMES), TIMES.defaultMinutes);
                expect(p.chain.length).to.be.greaterThan(1);
                expect(p.chain[0]?.startsAt).to.equal(0);
                expect(run.graph.allDependencies(run.graph.byUrn(p.chain[0]!.urn)!).size, "the chain starts at a resource that waits for nothing").to.equal(0);
                for (let i = 1; i < p.chain.length; i++) {
                    const prev = p.chain[i - 1]!, cur = p.chain[i]!;
                    expect([...run.graph.allDependencies(run.graph.byUrn(cur.urn)!)], `${cur.name} depends on ${prev.name}`).to.include(prev.urn);
                    expect(cur.startsAt).to.equal(prev.startsAt + prev.minutes);
                }
                expect(p.totalMinutes).to.equal(p.chain.reduce((a, s) => a + s.minutes, 0));
                // No resource takes longer on its own than the whole chain.
                for (const [key, minutes] of Object.entries(minutesByTypeKey(TIMES))) {
                    if (run.graph.byType(`azure-native:${key}`).length > 0) expect(p.totalMinutes, key).to.be.at.least(minutes);
                }
                expect(formatCriticalPath(p).split("\n")).to.have.length(p.chain.length + 1);
            });

            // APIM waits for the spoke to be connected (its peering, the firewall its routes name); with a hub gateway
            // (prod) the spoke's peering waits for the gateway (useRemoteGateways), which then leads the chain.
            const upstream = stack === "prod" ? ["hub-vgw", "spoke-peer-spoke-to-hub"] : ["hub-afw", "spoke-vnet", "spoke-peer-spoke-to-hub"];
            it(`runs through ${upstream.join(", ")} and then API Management`, () => {
                const names = criticalPath(run.graph, minutesByTypeKey(TIMES), TIMES.defaultMinutes).chain.map((s) => s.name);
                expect(names).to.include.members([...upstream, "ingress-apim"]);
                for (const n of upstream) expect(names.indexOf(n), n).to.be.lessThan(names.indexOf("ingress-apim"));
            });
        });
    }

    it("cites a source for every create time", () => {
        for (const [k, v] of Object.entries(TIMES.types)) {
            expect(k).to.match(/^[a-z]+:[A-Za-z]+$/);
            expect(v.minutes, k).to.be.a("number").and.greaterThan(0);
            expect(v.source, k).to.match(/\w.{20,}/);
        }
    });
});
