import { Graph, STACK_TYPE } from "../../lib/offline/graph";
import { RecordedResource } from "../../lib/offline/mocks";

/** Components, plus resources created directly by index.ts: the units the program wires together. */
function topLevelUnits(graph: Graph): RecordedResource[] {
    const stack = graph.resources.find((r) => r.type === STACK_TYPE);
    return graph.resources.filter((r) => r.type !== STACK_TYPE && (r.parent === (stack?.urn ?? null) || !r.custom));
}

/** Mermaid flowchart of the program's units and the dependencies between them (README embeds it). */
export function toMermaid(graph: Graph): string {
    const units = topLevelUnits(graph);
    const id = new Map(units.map((u, i) => [u.urn, `n${i}`]));
    // Map every resource to the top-level unit that contains it.
    const owner = (r: RecordedResource | undefined): string | undefined => {
        let cur = r;
        while (cur !== undefined && !id.has(cur.urn)) cur = cur.parent === null ? undefined : graph.byUrn(cur.parent);
        return cur?.urn;
    };
    const lines = ["flowchart LR"];
    for (const u of units) {
        const short = u.type.replace(/^azure-native:/, "").replace(/^random:index\/\w+:/, "random:");
        const label = u.custom ? `${u.name}<br/><small>${short}</small>` : `${u.name}<br/><small>${u.type} (${graph.resources.filter((r) => owner(r) === u.urn).length - 1} children)</small>`;
        lines.push(`    ${id.get(u.urn)}${u.custom ? `["${label}"]` : `[["${label}"]]`}`);
    }
    const edges = new Set<string>();
    for (const r of graph.resources) {
        const from = owner(r);
        if (from === undefined) continue;
        for (const dep of graph.allDependencies(r)) {
            const to = owner(graph.byUrn(dep));
            if (to !== undefined && to !== from) edges.add(`    ${id.get(to)} --> ${id.get(from)}`);
        }
    }
    return [...lines, ...[...edges].sort()].join("\n") + "\n";
}
