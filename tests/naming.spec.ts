import { expect } from "chai";
import { NAME_RULES, NameKind, REGIONS, composeName, nameProblems, worstCaseNames } from "../components/shared/naming";

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
    });
    it("fails early on bad parts instead of producing a bad name", () => {
        expect(() => composeName("subnet", { ...base, workload: "Bad_Prefix" })).to.throw(/workload/);
        expect(() => composeName("subnet", { ...base, environment: "qa" })).to.throw(/environment/);
        expect(() => composeName("subnet", base, "toolong")).to.throw(/instance/);
        expect(() => composeName("subnet", { ...base, location: "moon" })).to.throw(/unknown location/);
    });
});
