import { Graph, STACK_TYPE } from "../../lib/offline/graph";
import { RecordedResource } from "../../lib/offline/mocks";

/**
 * The program's wiring as data: its top-level units (components, plus resources index.ts creates directly), the unit
 * that owns each resource, and the unit-to-unit dependencies. The same units and edges as toMermaid (mermaid.ts;
 * tests/report.spec.ts holds the two equal), for renderers that need them as data (the report's SVG diagram).
 */
export interface Wiring {
    units: RecordedResource[];
    /** URN of the top-level unit that contains the resource (itself for a unit); undefined for the stack. */
    ownerOf(r: RecordedResource): string | undefined;
    /** `from` must exist before `to`: a resource of `to` depends on one of `from`. Sorted, unique, no self-edges. */
    edges: Array<{ from: string; to: string }>;
}

export function programWiring(graph: Graph): Wiring {
    const stack = graph.resources.find((r) => r.type === STACK_TYPE);
    const units = graph.resources.filter((r) => r.type !== STACK_TYPE && (r.parent === (stack?.urn ?? null) || !r.custom));
    const isUnit = new Set(units.map((u) => u.urn));
    const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
    const owners = new Map<string, string | undefined>();
    const ownerOf = (r: RecordedResource): string | undefined => {
        if (owners.has(r.urn)) return owners.get(r.urn);
        let cur: RecordedResource | undefined = r;
        while (cur !== undefined && !isUnit.has(cur.urn)) cur = cur.parent === null ? undefined : byUrn.get(cur.parent);
        owners.set(r.urn, cur?.urn);
        return cur?.urn;
    };
    const seen = new Set<string>();
    const edges: Array<{ from: string; to: string }> = [];
    for (const r of graph.resources) {
        const to = ownerOf(r);
        if (to === undefined) continue;
        for (const dep of graph.allDependencies(r)) {
            const d = byUrn.get(dep);
            const from = d === undefined ? undefined : ownerOf(d);
            if (from === undefined || from === to || seen.has(`${from}\n${to}`)) continue;
            seen.add(`${from}\n${to}`);
            edges.push({ from, to });
        }
    }
    const order = new Map(units.map((u, i) => [u.urn, i]));
    edges.sort((a, b) => (order.get(a.from) ?? 0) - (order.get(b.from) ?? 0) || (order.get(a.to) ?? 0) - (order.get(b.to) ?? 0));
    return { units, ownerOf, edges };
}
