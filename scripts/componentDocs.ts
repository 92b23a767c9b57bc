/**
 * The generated parts of each component folder's README (components/<component>/README.md): the args tables, from
 * the interfaces in `args.ts` with their JSDoc and `@default`s, and the outputs table, from the public readonly
 * properties of the class in `index.ts`. `npm run docs` rewrites them; tests/docs.spec.ts fails when one is stale.
 * Parsing is enough (no type checker): the tables show the types as declared.
 */
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

export const COMPONENTS_DIR = path.join(PROJECT_DIR, "components");
/** The component folders, by class name. */
export const COMPONENT_FOLDERS: Record<string, string> = { HubSecurity: "hubSecurity", SpokeNetwork: "spokeNetwork", FhirWorkspace: "fhirWorkspace", Ingress: "ingress", BulkLoader: "bulkLoader", AnalyticsSync: "analyticsSync", Intelligence: "intelligence" };

interface Documented { name: string; type: string; optional: boolean; doc: string; defaultValue: string | undefined }

/** The JSDoc block before a node: its text (tags stripped) and its `@default`. */
function jsDoc(sf: ts.SourceFile, node: ts.Node): { doc: string; defaultValue: string | undefined } {
    const raw = (ts.getLeadingCommentRanges(sf.text, node.getFullStart()) ?? []).map((c) => sf.text.slice(c.pos, c.end)).filter((c) => c.startsWith("/**")).pop() ?? "";
    const lines = raw.replace(/^\/\*\*/, "").replace(/\*\/$/, "").split("\n").map((l) => l.replace(/^\s*\* ?/, "").trim());
    const text = lines.join(" ").replace(/\s+/g, " ").trim();
    const at = text.indexOf("@default");
    const doc = (at >= 0 ? text.slice(0, at) : text).trim();
    const defaultValue = at >= 0 ? text.slice(at + "@default".length).trim() : undefined;
    return { doc, defaultValue };
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The exported interfaces of `<folder>/args.ts`, in declaration order, with their documented properties. */
export function argInterfaces(folder: string): Array<{ name: string; doc: string; props: Documented[] }> {
    const file = path.join(COMPONENTS_DIR, folder, "args.ts");
    const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const out: Array<{ name: string; doc: string; props: Documented[] }> = [];
    sf.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
        const props = node.members.filter(ts.isPropertySignature).map((m) => ({
            name: m.name.getText(sf), type: m.type?.getText(sf) ?? "", optional: m.questionToken !== undefined, ...jsDoc(sf, m),
        }));
        out.push({ name: node.name.text, doc: jsDoc(sf, node).doc, props });
    });
    return out;
}

/** The class's public readonly outputs in `<folder>/index.ts`. */
export function outputs(folder: string): Documented[] {
    const file = path.join(COMPONENTS_DIR, folder, "index.ts");
    const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const out: Documented[] = [];
    sf.forEachChild((node) => {
        if (!ts.isClassDeclaration(node)) return;
        for (const m of node.members) {
            if (!ts.isPropertyDeclaration(m) || !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.PublicKeyword)) continue;
            out.push({ name: m.name.getText(sf), type: (m.type?.getText(sf) ?? "").replace(/^pulumi\.Output<(.*)>$/, "$1"), optional: false, ...jsDoc(sf, m) });
        }
    });
    return out;
}

/** Markdown for the args section: one table per interface (the component's own args first). */
export function argsSection(component: string): string {
    const folder = COMPONENT_FOLDERS[component] ?? "";
    const interfaces = argInterfaces(folder);
    const main = interfaces.filter((i) => i.name === `${component}Args`);
    const rest = interfaces.filter((i) => i.name !== `${component}Args`);
    return [...main, ...rest].map((i) => [
        `#### \`${i.name}\`${i.doc !== "" ? `\n\n${i.doc}` : ""}`,
        "",
        "| Property | Type | Required | Default | Description |",
        "|---|---|---|---|---|",
        ...i.props.map((p) => `| \`${p.name}\` | \`${cell(p.type)}\` | ${p.optional ? "no" : "yes"} | ${p.defaultValue !== undefined ? cell(p.defaultValue) : ""} | ${cell(p.doc)} |`),
    ].join("\n")).join("\n\n") + "\n";
}

/** Markdown for the outputs section. */
export function outputsSection(component: string): string {
    const rows = outputs(COMPONENT_FOLDERS[component] ?? "").map((o) => `| \`${o.name}\` | \`${cell(o.type)}\` | ${cell(o.doc)} |`);
    return ["| Output | Type | Description |", "|---|---|---|", ...rows].join("\n") + "\n";
}

export const componentReadme = (component: string): string => path.join(COMPONENTS_DIR, COMPONENT_FOLDERS[component] ?? "", "README.md");
