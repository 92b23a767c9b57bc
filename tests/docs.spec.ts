import * as fs from "fs";
import { expect } from "chai";
import { README, configTable, forwardersTable, section, wiringDiagram } from "../scripts/docs";
import { COMPONENT_FOLDERS, argsSection, componentReadme, outputsSection } from "../scripts/componentDocs";
import { parseConfig } from "../lib/config";
import { loadStackConfig, readProject } from "../lib/offline/stackConfig";
import { sharedProgramRun } from "../lib/offline/run";
import { POLICY_DOC, policyDoc } from "../scripts/policyDocs";

describe("documentation and schema stay in sync", () => {
    const readme = fs.readFileSync(README, "utf8");

    it("README's config reference matches Pulumi.yaml (run `npm run docs`)", () => {
        expect(section(readme, "config")).to.equal(configTable());
    });
    it("README's on-premises conditional forwarders list every privatelink zone the stack creates (run `npm run docs`)", () => {
        expect(section(readme, "forwarders")).to.equal(forwardersTable());
        // Literally: the 16 zones HubSecurity creates (tests/hubSecurity.spec.ts lists them), each with its public zone.
        const rows = (section(readme, "forwarders") ?? "").split("\n").slice(2).filter((r) => r !== "");
        expect(rows).to.have.length(16);
        expect(rows).to.include("| `privatelink.fhir.azurehealthcareapis.com` | `fhir.azurehealthcareapis.com` |");
        expect(rows).to.include("| `privatelink.vaultcore.azure.net` | `vault.azure.net`, `vaultcore.azure.net` |");
    });
    it("README's wiring diagram matches the dev graph (run `npm run docs`)", async () => {
        expect(section(readme, "wiring")).to.equal(await wiringDiagram((o) => sharedProgramRun(o.stack, o.preview)));
    });
    it("docs/policies.md matches the pack's metadata (run `npm run policy:docs`), and the README links it", () => {
        expect(fs.readFileSync(POLICY_DOC, "utf8")).to.equal(policyDoc());
        expect(readme).to.include("docs/policies.md");
    });
    for (const component of Object.keys(COMPONENT_FOLDERS)) {
        it(`components/${COMPONENT_FOLDERS[component]}/README.md's args and outputs tables match the code (run \`npm run docs\`)`, () => {
            const doc = fs.readFileSync(componentReadme(component), "utf8");
            expect(section(doc, "args")).to.equal(argsSection(component));
            expect(section(doc, "outputs")).to.equal(outputsSection(component));
            expect(argsSection(component)).to.include(`#### \`${component}Args\``);
            // Every output says what it is.
            for (const row of outputsSection(component).split("\n").slice(2).filter((r) => r !== "")) expect(row, component).to.not.match(/\|\s*\|$/);
        });
    }
    it("LICENSE is MIT like every package.json, ships with the component package, and CHANGELOG.md has each package's current version", () => {
        const license = fs.readFileSync("LICENSE", "utf8");
        expect(license).to.match(/^MIT License/);
        expect(fs.readFileSync("components/LICENSE", "utf8")).to.equal(license);
        const changelog = fs.readFileSync("CHANGELOG.md", "utf8");
        for (const [file, heading] of [["components/package.json", "Components"], ["policy/package.json", "Policy pack"]] as const) {
            const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { version: string; license: string };
            expect(pkg.license, file).to.equal("MIT");
            expect(changelog, file).to.match(new RegExp(`^## ${heading} ${pkg.version.replace(/\./g, "\\.")} - \\d{4}-\\d{2}-\\d{2}$`, "m"));
        }
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
