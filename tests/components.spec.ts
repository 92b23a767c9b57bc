import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import { ChildAnalysis, analyzeComponentsInChild } from "./harness/componentSchema";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

const COMPONENTS_DIR = path.join(PROJECT_DIR, "components");
const FIXTURE_DIR = path.join(PROJECT_DIR, "tests", "fixtures", "components");

/** Exported ComponentResource classes of components/index.ts. */
function exportedComponents(): Array<[string, Function]> {
    // The sources, never a build that may be stale: a directory require would follow package.json "main" to dist/.
    const mod = require(path.join(COMPONENTS_DIR, "index.ts")) as Record<string, unknown>;
    return Object.entries(mod).filter((e): e is [string, Function] => typeof e[1] === "function" && (e[1] as Function).prototype instanceof pulumi.ComponentResource);
}

/** Every TypeScript source of the package (component folders and shared building blocks), without build output. */
function componentSources(dir = COMPONENTS_DIR): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return ["node_modules", "dist", "assets"].includes(e.name) ? [] : componentSources(p);
        return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
    });
}

/** Every property of every exported `*Args` interface in the given files, with its JSDoc text. */
function argProperties(files: string[]): Array<{ where: string; optional: boolean; doc: string }> {
    // Parsing is enough to read declarations and their comments; no type information (or imports) needed.
    const out: Array<{ where: string; optional: boolean; doc: string }> = [];
    for (const f of files) {
        const sf = ts.createSourceFile(f, fs.readFileSync(f, "utf8"), ts.ScriptTarget.Latest, true);
        sf.forEachChild((node) => {
            if (!ts.isInterfaceDeclaration(node) || !node.name.text.endsWith("Args")) return;
            if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
            for (const m of node.members) {
                if (!ts.isPropertySignature(m)) continue;
                const doc = (ts.getLeadingCommentRanges(sf.text, m.getFullStart()) ?? []).map((c) => sf.text.slice(c.pos, c.end)).join("\n");
                out.push({ where: `${path.relative(COMPONENTS_DIR, f).split(path.sep).join("/")} ${node.name.text}.${m.name.getText(sf)}`, optional: m.questionToken !== undefined, doc });
            }
        });
    }
    return out;
}

// The SDK's analyzer builds a TypeScript program of each package (seconds of CPU): the analyses run in child processes
// started when this file loads, beside the other suites, and the tests await them.
const ANALYSES = {
    good: analyzeComponentsInChild(FIXTURE_DIR, ["Good"]),
    bad: analyzeComponentsInChild(FIXTURE_DIR, ["Bad"]),
    components: analyzeComponentsInChild(COMPONENTS_DIR, exportedComponents().map(([n]) => n)),
};
const schemaOf = async (a: Promise<ChildAnalysis>) => { const r = await a; if (r.schema === undefined) throw new Error(r.error); return r.schema; };

describe("component package (multi-language schema)", () => {
    it("is its own package named ahds with a nodejs PulumiPlugin.yaml", () => {
        expect(JSON.parse(fs.readFileSync(path.join(COMPONENTS_DIR, "package.json"), "utf8"))).to.include({ name: "ahds" });
        expect(fs.readFileSync(path.join(COMPONENTS_DIR, "PulumiPlugin.yaml"), "utf8")).to.match(/^runtime: nodejs$/m);
    });

    it("packs the sources of every component folder (the source maps in dist/ point at them)", () => {
        const files = (JSON.parse(fs.readFileSync(path.join(COMPONENTS_DIR, "package.json"), "utf8")) as { files: string[] }).files;
        const folders = fs.readdirSync(COMPONENTS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory() && fs.existsSync(path.join(COMPONENTS_DIR, d.name, "index.ts"))).map((d) => `${d.name}/`);
        expect(folders).to.include.members(["hubSecurity/", "analyticsSync/", "intelligence/"]);
        expect(files).to.include.members([...folders, "shared/", "assets/", "dist/"]);
    });

    it("the SDK's component analyzer accepts well-formed args and rejects unions (self-test of this check)", async () => {
        const schema = await schemaOf(ANALYSES.good);
        expect(schema.components["Good"]?.inputs).to.have.keys("label", "items");
        expect(schema.typeDefinitions).to.have.key("GoodItem");
        expect((await ANALYSES.bad).error).to.match(/Union types are not supported/);
    });

    it("every exported component has token ahds:index:<ClassName> and yields a schema", async () => {
        const comps = exportedComponents();
        const source = fs.readFileSync(path.join(COMPONENTS_DIR, "index.ts"), "utf8");
        // The list of exports must match what the source declares, so a component cannot slip past this test.
        const declared = [...source.matchAll(/^export \{ (\w+) \} from "\.\/(?!shared\/)\w+";$/gm)].map((m) => m[1]);
        expect(comps.map(([n]) => n).sort()).to.deep.equal(declared.sort());
        if (comps.length === 0) return;
        const schema = await schemaOf(ANALYSES.components);
        // The package README shows the generated schema's component list, exactly.
        const listed = [...fs.readFileSync(path.join(COMPONENTS_DIR, "README.md"), "utf8").matchAll(/`ahds:index:(\w+)`/g)].map((m) => m[1]);
        expect([...new Set(listed)].sort()).to.deep.equal(Object.keys(schema.components).sort());
        // Every args type keeps its description in the schema (the SDK's analyzer drops it for interfaces in files it
        // reads after the class, so components/index.ts exports the args types first).
        for (const [type, def] of Object.entries(schema.typeDefinitions)) expect((def as { description?: string }).description, type).to.be.a("string").and.not.equal("");
        for (const [name] of comps) {
            expect(schema.components[name], name).to.not.equal(undefined);
            // One folder per component: components/<component>/index.ts holds the class and its type token.
            expect(fs.readFileSync(path.join(COMPONENTS_DIR, `${name.charAt(0).toLowerCase()}${name.slice(1)}`, "index.ts"), "utf8")).to.include(`"ahds:index:${name}"`);
        }
    });

    it("every arg of the components and shared building blocks is documented, optional ones with @default", () => {
        const files = componentSources();
        const props = argProperties(files);
        expect(props.length).to.be.greaterThan(80);
        expect(props.map((p) => p.where)).to.include.members(["hubSecurity/args.ts HubSecurityArgs.governance", "spokeNetwork/args.ts SpokeNetworkArgs.subnets"]);
        for (const p of props) {
            expect(p.doc, `${p.where} has no JSDoc`).to.match(/\/\*\*/);
            if (p.optional) expect(p.doc, `${p.where} has no @default`).to.include("@default");
        }
    });
});
