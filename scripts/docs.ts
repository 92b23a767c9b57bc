/**
 * `npm run docs`: regenerates the generated sections of README.md from their sources:
 *  - the config reference table, from Pulumi.yaml's `config:` block;
 *  - the wiring diagram, from the dev stack's captured graph;
 *  - the on-premises DNS conditional forwarders, from the privatelink zones the stack creates (DEFAULT_PRIVATE_DNS_ZONES);
 *  - each component folder's README args and outputs tables, from its args.ts and index.ts (scripts/componentDocs.ts).
 * `npm test` fails when any of them is out of date (tests/docs.spec.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { COMPONENT_FOLDERS, argsSection, componentReadme, outputsSection } from "./componentDocs";
import { DEFAULT_PRIVATE_DNS_ZONES, onPremisesForwarderZones } from "../components/hubSecurity";
import { toMermaid } from "./plan";
import { runProgram } from "../lib/offline/run";
import { PROJECT_DIR, readProject } from "../lib/offline/stackConfig";

export const README = path.join(PROJECT_DIR, "README.md");

export function configTable(): string {
    const project = readProject();
    const rows = project.config.map((c) => {
        const def = c.default === undefined ? "*(required)*" : `\`${String(c.default)}\``;
        return `| \`${project.name}:${c.key}\` | ${c.type} | ${def} | ${c.description.replace(/\|/g, "\\|")} |`;
    });
    return ["| Key | Type | Default | Description |", "|---|---|---|---|", ...rows].join("\n") + "\n";
}

/**
 * The conditional forwarders on-premises DNS servers need, one row per privatelink zone the stack creates (index.ts
 * passes DEFAULT_PRIVATE_DNS_ZONES to HubSecurity): the public zone(s) to forward to the resolver's inbound endpoint.
 */
export function forwardersTable(): string {
    const rows = DEFAULT_PRIVATE_DNS_ZONES.map((z) => `| \`${z}\` | ${onPremisesForwarderZones([z]).map((f) => `\`${f}\``).join(", ")} |`);
    return ["| Private DNS zone (in the hub) | Conditional forwarder(s) on-premises → resolver inbound IP |", "|---|---|", ...rows].join("\n") + "\n";
}

/** The dev stack's wiring as Mermaid; `runner` lets tests reuse a shared run of the program. */
export async function wiringDiagram(runner: typeof runProgram = runProgram): Promise<string> {
    const run = await runner({ stack: "dev" });
    if (run.error !== undefined) throw run.error;
    return "```mermaid\n" + toMermaid(run.graph) + "```\n";
}

/** Replaces the text between `<!-- begin:<name> -->` and `<!-- end:<name> -->`. */
export function replaceSection(doc: string, name: string, body: string): string {
    const re = new RegExp(`(<!-- begin:${name} -->\\n)[\\s\\S]*?(<!-- end:${name} -->)`);
    if (!re.test(doc)) throw new Error(`the document has no ${name} section`);
    return doc.replace(re, `$1${body}$2`);
}

export function section(doc: string, name: string): string | undefined {
    const m = new RegExp(`<!-- begin:${name} -->\\n([\\s\\S]*?)<!-- end:${name} -->`).exec(doc);
    return m?.[1];
}

if (require.main === module) {
    (async () => {
        let doc = fs.readFileSync(README, "utf8");
        doc = replaceSection(doc, "config", configTable());
        doc = replaceSection(doc, "wiring", await wiringDiagram());
        doc = replaceSection(doc, "forwarders", forwardersTable());
        fs.writeFileSync(README, doc);
        for (const component of Object.keys(COMPONENT_FOLDERS)) {
            const file = componentReadme(component);
            fs.writeFileSync(file, replaceSection(replaceSection(fs.readFileSync(file, "utf8"), "args", argsSection(component)), "outputs", outputsSection(component)));
        }
        console.log(`README.md and ${Object.keys(COMPONENT_FOLDERS).length} component READMEs updated`);
    })().catch((e: unknown) => { console.error(e); process.exit(1); });
}
