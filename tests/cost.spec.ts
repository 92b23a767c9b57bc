import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { azureTypeKey } from "../policy/rules/common";
import { CostProfile, FixedCostLine, PriceTable, costByKind, costProfile, topCostItems } from "../scripts/plan/cost";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

const PRICES = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "scripts", "plan", "prices.json"), "utf8")) as PriceTable;

/** The repo's table with test figures: each key gets a distinct price, so a wrong key or a wrong multiplier shows. */
function testTable(): PriceTable {
    const prices = Object.fromEntries(Object.entries(PRICES.prices).map(([k, p], i) => [k, { ...p, unitPriceUsd: i + 1 }]));
    return { ...PRICES, hoursPerMonth: 100, prices };
}

const fixed = (p: CostProfile): FixedCostLine[] => p.lines.filter((l): l is FixedCostLine => l.billing === "fixed");
const near = (a: number, b: number) => expect(Math.abs(a - b), `${a} vs ${b}`).to.be.lessThan(1e-6);

describe("cost profile (scripts/plan/cost.ts)", () => {
    const runs: Record<string, ProgramRun> = {};
    const profiles: Record<string, CostProfile> = {};
    const table = testTable();

    before(async () => {
        runs["dev"] = await sharedProgramRun("dev", false);
        runs["prod"] = await sharedProgramRun("prod", true);
        for (const s of ["dev", "prod"]) profiles[s] = costProfile(runs[s]!.graph, table);
    });

    it("keeps every price with its billing, unit, source and the Retail Prices API query, for the stacks' region", () => {
        expect(PRICES.currency).to.equal("USD");
        expect(PRICES.priceDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
        for (const s of ["dev", "prod"]) expect(runs[s]!.stackConfig.config["ahds:location"], s).to.equal(PRICES.region);
        for (const [k, p] of Object.entries(PRICES.prices)) {
            expect(["hourly", "daily", "monthly", "usage"], k).to.include(p.billing);
            expect(p.unit, k).to.match(/\w/);
            expect(p.basis, k).to.match(/\w/);
            expect(p.retailPricesApi, k).to.match(/^https:\/\/prices\.azure\.com\/api\/retail\/prices\?\$filter=/);
            expect(p.page, k).to.match(/^https:\/\/azure\.microsoft\.com\/pricing\//);
            if (p.billing !== "usage") expect(p.unitPriceUsd, `${k}: a fixed price must be known`).to.be.a("number");
        }
    });

    for (const s of ["dev", "prod"]) {
        describe(`--stack ${s}`, () => {
            it("prices or declares free every Azure resource type of the graph (nothing silently left out)", () => {
                const real = costProfile(runs[s]!.graph, PRICES);
                expect(real.unpriced, "types with no price entry for their SKU").to.deep.equal([]);
                expect(real.unclassified, "types neither priced nor free").to.deep.equal([]);
                expect(real.warnings).to.deep.equal([]);
                expect(real).to.include({ currency: "USD", region: "westeurope", priceDate: PRICES.priceDate });
            });

            it("total = sum of the fixed lines; each line = quantity × unit price × hours (or days) per month; usage lines carry no amount", () => {
                const p = profiles[s]!;
                near(p.monthlyUsd, fixed(p).reduce((a, l) => a + l.monthlyUsd, 0));
                for (const l of fixed(p)) {
                    near(l.monthlyUsd, l.quantity * l.unitMonthlyUsd);
                    const entry = table.prices[l.priceKey]!;
                    const perUnit = entry.billing === "hourly" ? entry.unitPriceUsd! * 100 : entry.billing === "daily" ? entry.unitPriceUsd! * 100 / 24 : entry.unitPriceUsd!;
                    near(l.unitMonthlyUsd, perUnit * (l.priceKey.startsWith("appgw-cu/") ? 10 : 1));
                }
                for (const l of p.lines.filter((x) => x.billing === "usage")) {
                    expect(l).to.not.have.any.keys("quantity", "monthlyUsd");
                    expect(l.unitPriceUsd).to.equal(table.prices[l.priceKey]!.unitPriceUsd);
                }
                near(costByKind(p).reduce((a, k) => a + k.monthlyUsd, 0), p.monthlyUsd);
                const top = topCostItems(p, 3);
                expect(top.map((l) => l.monthlyUsd)).to.deep.equal([...top.map((l) => l.monthlyUsd)].sort((a, b) => b - a));
            });

            it("one endpoint-hour line and one data-processed usage line per private endpoint in the graph", () => {
                const g = runs[s]!.graph;
                const pes = g.byType("azure-native:network:PrivateEndpoint").map((r) => r.urn).sort();
                const lines = profiles[s]!.lines.filter((l) => l.kind === "Private endpoint");
                expect(lines.filter((l) => l.billing === "fixed").map((l) => l.resource.urn).sort()).to.deep.equal(pes);
                expect(lines.filter((l) => l.billing === "usage").map((l) => l.resource.urn).sort()).to.deep.equal(pes);
                expect(fixed(profiles[s]!).filter((l) => l.kind === "Private DNS zone")).to.have.length(g.byType("azure-native:privatedns:PrivateZone").length);
            });

            it("reads SKUs and quantities from the graph and the stack config: firewall tier, APIM units, App Gateway minimum instances, plan instances", () => {
                const g = runs[s]!.graph;
                const cfg = runs[s]!.stackConfig.config;
                const lines = fixed(profiles[s]!);
                const fw = g.one("azure-native:network:AzureFirewall");
                const fwTier = (fw.inputs["sku"] as { tier: string }).tier;
                expect(fwTier).to.equal(cfg["ahds:firewall.sku"]);
                expect(lines.filter((l) => l.kind === "Azure Firewall").map((l) => [l.priceKey, l.quantity])).to.deep.equal([[`firewall/${fwTier}`, 1]]);
                const apim = lines.filter((l) => l.kind === "API Management");
                expect(apim.map((l) => [l.sku, l.quantity])).to.deep.equal([[cfg["ahds:apim.sku"], Number(cfg["ahds:apim.capacity"])]]);
                const agw = lines.filter((l) => l.kind === "Application Gateway");
                expect(agw.map((l) => [l.priceKey, l.quantity])).to.deep.equal([["appgw/WAF_v2", 1], ["appgw-cu/WAF_v2", Number(cfg["ahds:appGateway.minCapacity"])]]);
                const plan = g.one("azure-native:web:AppServicePlan");
                expect(lines.filter((l) => l.kind === "App Service plan").map((l) => l.quantity)).to.deep.equal([(plan.inputs["sku"] as { capacity: number }).capacity]);
                expect(lines.filter((l) => l.kind === "Public IP address")).to.have.length(g.byType("azure-native:network:PublicIPAddress").length);
                expect(lines.filter((l) => l.kind === "VPN gateway")).to.have.length(g.byType("azure-native:network:VirtualNetworkGateway").length);
                expect(lines.filter((l) => l.kind === "Azure Bastion").map((l) => l.sku)).to.deep.equal([cfg["ahds:bastion.sku"]]);
            });

            it("lists usage-based kinds with their unit price only (Log Analytics, storage, FHIR, Key Vault, Synapse, Container Apps, Language)", () => {
                const g = runs[s]!.graph;
                const usage = profiles[s]!.lines.filter((l) => l.billing === "usage");
                const kinds = new Set(usage.map((l) => azureTypeKey(l.resource.type)));
                for (const k of ["operationalinsights:Workspace", "storage:StorageAccount", "healthcareapis:FhirService", "keyvault:Vault", "app:Job"]) expect([...kinds], k).to.include(k);
                for (const k of ["synapse:Workspace", "cognitiveservices:Account"]) expect(kinds.has(k), k).to.equal(g.byType(`azure-native:${k}`).length > 0);
                expect(usage.filter((l) => l.resource.type === "azure-native:storage:StorageAccount")).to.have.length(g.byType("azure-native:storage:StorageAccount").length);
            });
        });
    }

    it("reports a resource whose SKU has no price as unpriced, a type the table does not know as unclassified, and another region as a warning", () => {
        const g = runs["dev"]!.graph;
        const { ["firewall/Standard"]: _dropped, ...rest } = table.prices;
        const p = costProfile(g, { ...table, prices: rest, free: { types: table.free.types.filter((t) => t !== "network:RouteTable") }, region: "northeurope" });
        expect(p.unpriced).to.deep.equal([{ type: "azure-native:network:AzureFirewall", priceKey: "firewall/Standard", count: 1 }]);
        expect(p.unclassified).to.deep.equal([{ type: "azure-native:network:RouteTable", count: g.byType("azure-native:network:RouteTable").length }]);
        expect(p.warnings.length).to.be.greaterThan(0);
        expect(p.warnings[0]).to.include("is in westeurope, the price table is for northeurope");
    });
});
