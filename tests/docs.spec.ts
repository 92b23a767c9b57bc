import * as fs from "fs";
import { expect } from "chai";
import { README, configTable, section, wiringDiagram } from "../scripts/docs";
import { parseConfig } from "../lib/config";
import { loadStackConfig, readProject } from "./harness/stackConfig";
import { sharedProgramRun } from "./harness/run";
import { POLICY_DOC, policyDoc } from "../scripts/policyDocs";

describe("documentation and schema stay in sync", () => {
    const readme = fs.readFileSync(README, "utf8");

    it("README's config reference matches Pulumi.yaml (run `npm run docs`)", () => {
        expect(section(readme, "config")).to.equal(configTable());
    });
    it("README's wiring diagram matches the dev graph (run `npm run docs`)", async () => {
        expect(section(readme, "wiring")).to.equal(await wiringDiagram((o) => sharedProgramRun(o.stack, o.preview)));
    });
    it("docs/policies.md matches the pack's metadata (run `npm run policy:docs`), and the README links it", () => {
        expect(fs.readFileSync(POLICY_DOC, "utf8")).to.equal(policyDoc());
        expect(readme).to.include("docs/policies.md");
    });
    it("README shows the two quick-start commands and the real deploy path", () => {
        expect(readme).to.include("npm ci && npm run plan").and.include("npm test");
        expect(readme).to.include("pulumi preview --policy-pack policy --policy-pack-config policy/config.dev.json");
        expect(readme).to.include("pulumi login");
    });
    it("every Pulumi.yaml key is read by the config schema, and every schema key is declared", () => {
        const project = readProject();
        // Drop one declared key at a time: the schema must complain about exactly that key (it is read and required).
        const full = loadStackConfig("dev").config;
        for (const decl of project.config) {
            const cfg = { ...full };
            delete cfg[`ahds:${decl.key}`];
            let keys: string[] = [];
            try { parseConfig(cfg); } catch (e) { keys = (e as { problems: Array<{ key: string }> }).problems.map((p) => p.key); }
            expect(keys, decl.key).to.include(`ahds:${decl.key}`);
        }
        // An undeclared key is rejected, so the schema has no keys beyond Pulumi.yaml's.
        expect(() => parseConfig({ ...full, "ahds:undeclared": "x" })).to.throw(/ahds:undeclared: is not a known config key/);
    });
    it("neither stack file needs a secure value", () => {
        for (const s of ["dev", "prod"]) expect(fs.readFileSync(`Pulumi.${s}.yaml`, "utf8")).not.to.match(/secure:/);
    });
});
