/**
 * The data-flow picture: the program's top-level units (programWiring, the same units and edges as the Mermaid
 * diagram) as an inline SVG drawn here, without a renderer or CDN. Units are placed in layers by dependency depth (a
 * unit sits below everything it depends on), an edge is drawn where no longer path implies it, and units holding PHI
 * stores are marked; the full list of direct dependencies follows the picture as a table.
 */
import { azureTypeKey } from "../../policy/rules/common";
import { Wiring } from "../plan/wiring";
import { Graph } from "../../lib/offline/graph";
import type { ReportData } from "./data";
import { dataClassification, isPhiStore } from "./facts";
import { esc, section, table } from "./html";

const W = 210, H = 58, COL_GAP = 36, ROW_GAP = 56, PAD = 20, LEGEND = 40, LANE = 24;

export interface DiagramLayout {
    width: number;
    height: number;
    nodes: Array<{ urn: string; x: number; y: number; layer: number }>;
    /** The edges drawn: the wiring's edges less those implied by a longer path (transitive reduction). */
    edges: Array<{ from: string; to: string }>;
}

/** Edges of the unit DAG that no longer path implies. */
export function transitiveReduction(edges: ReadonlyArray<{ from: string; to: string }>): Array<{ from: string; to: string }> {
    const out = new Map<string, string[]>();
    for (const e of edges) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
    const reach = new Map<string, Set<string>>();
    const reachable = (u: string, seen = new Set<string>()): Set<string> => {
        const known = reach.get(u);
        if (known !== undefined) return known;
        if (seen.has(u)) return new Set();
        seen.add(u);
        const r = new Set<string>();
        for (const v of out.get(u) ?? []) { r.add(v); for (const w of reachable(v, seen)) r.add(w); }
        reach.set(u, r);
        return r;
    };
    return edges.filter((e) => !(out.get(e.from) ?? []).some((m) => m !== e.to && reachable(m).has(e.to)));
}

/**
 * Top to bottom: a unit's layer is the longest dependency chain leading to it (it sits below everything it depends
 * on); within a layer, units are ordered by the mean position of what they depend on, then registration order.
 */
export function layoutWiring(w: Wiring): DiagramLayout {
    const incoming = new Map<string, string[]>();
    for (const e of w.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e.from]);
    const layerOf = new Map<string, number>();
    const visiting = new Set<string>();
    const layer = (urn: string): number => {
        const c = layerOf.get(urn);
        if (c !== undefined) return c;
        if (visiting.has(urn)) return 0; // a cycle between units cannot happen in a Pulumi graph; stay finite anyway
        visiting.add(urn);
        const v = Math.max(-1, ...(incoming.get(urn) ?? []).map(layer)) + 1;
        visiting.delete(urn);
        layerOf.set(urn, v);
        return v;
    };
    const layers: string[][] = [];
    w.units.forEach((u) => { const l = layer(u.urn); (layers[l] ??= []).push(u.urn); });
    const widest = Math.max(1, ...layers.map((l) => l.length));
    const width = Math.max(900, PAD * 2 + LANE * 2 + widest * W + (widest - 1) * COL_GAP);
    const x = new Map<string, number>();
    const nodes: DiagramLayout["nodes"] = [];
    layers.forEach((urns, l) => {
        const order = new Map(urns.map((u, i) => [u, i]));
        const key = (u: string): number => {
            const xs = (incoming.get(u) ?? []).map((p) => x.get(p)).filter((v): v is number => v !== undefined);
            return xs.length === 0 ? (order.get(u) ?? 0) * (W + COL_GAP) : xs.reduce((a, b) => a + b, 0) / xs.length;
        };
        const sorted = [...urns].sort((a, b) => key(a) - key(b) || (order.get(a) ?? 0) - (order.get(b) ?? 0));
        const rowWidth = sorted.length * W + (sorted.length - 1) * COL_GAP;
        sorted.forEach((u, i) => {
            const nx = (width - rowWidth) / 2 + i * (W + COL_GAP);
            x.set(u, nx);
            nodes.push({ urn: u, layer: l, x: nx, y: PAD + LEGEND + l * (H + ROW_GAP) });
        });
    });
    return { width, height: PAD * 2 + LEGEND + layers.length * H + Math.max(0, layers.length - 1) * ROW_GAP, nodes, edges: transitiveReduction(w.edges) };
}

/** The SVG markup (no script, no external reference). */
export function wiringSvg(graph: Graph, w: Wiring): string {
    const layout = layoutWiring(w);
    const at = new Map(layout.nodes.map((n) => [n.urn, n]));
    const members = new Map<string, number>();
    const phi = new Map<string, string[]>();
    for (const r of graph.resources) {
        const o = w.ownerOf(r);
        if (o === undefined) continue;
        if (r.custom) members.set(o, (members.get(o) ?? 0) + 1);
        if (isPhiStore(r)) phi.set(o, [...(phi.get(o) ?? []), r.name]);
    }
    const edges = layout.edges.map((e) => {
        const a = at.get(e.from), b = at.get(e.to);
        if (a === undefined || b === undefined) return "";
        const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y, my = (y1 + y2) / 2;
        if (b.layer - a.layer <= 1) return `<path class="edge" d="M${x1},${y1} C${x1},${my} ${x2},${my} ${x2},${y2 - 2}" marker-end="url(#arrow)"/>`;
        // Across several layers: down into the gap below A, out to a lane beside every box, down, and in above B.
        const lane = x2 < layout.width / 2 ? LANE / 2 : layout.width - LANE / 2;
        const gapBelowA = y1 + ROW_GAP / 3, gapAboveB = y2 - ROW_GAP / 3;
        return `<path class="edge" d="M${x1},${y1} L${x1},${gapBelowA} L${lane},${gapBelowA} L${lane},${gapAboveB} L${x2},${gapAboveB} L${x2},${y2 - 2}" marker-end="url(#arrow)"/>`;
    });
    const nodes = w.units.map((u) => {
        const n = at.get(u.urn);
        if (n === undefined) return "";
        const stores = phi.get(u.urn) ?? [];
        const kind = u.custom ? azureTypeKey(u.type) ?? u.type.replace(/^random:index\/\w+:/, "random:") : `${u.type.replace(/^ahds:index:/, "")} · ${members.get(u.urn) ?? 0} resources`;
        const cls = `unit${u.custom ? "" : " component"}${stores.length > 0 ? " phi" : ""}`;
        const tip = `${u.name} (${u.type})${stores.length > 0 ? `\nPHI stores: ${stores.join(", ")}` : ""}`;
        return [
            `<g class="${cls}"><title>${esc(tip)}</title>`,
            `<rect class="outer" x="${n.x}" y="${n.y}" width="${W}" height="${H}" rx="6"/>`,
            u.custom ? "" : `<rect x="${n.x + 4}" y="${n.y + 4}" width="${W - 8}" height="${H - 8}" rx="4" fill="none"/>`,
            `<text x="${n.x + 12}" y="${n.y + 24}" font-weight="600">${esc(u.name)}</text>`,
            `<text x="${n.x + 12}" y="${n.y + 42}" fill="#57606a">${esc(kind.length > 30 ? `${kind.slice(0, 29)}…` : kind)}</text>`,
            stores.length > 0 ? `<rect x="${n.x + W - 58}" y="${n.y + 10}" width="48" height="18" rx="3" fill="#8250df"/><text x="${n.x + W - 34}" y="${n.y + 23}" fill="#fff" font-weight="700" text-anchor="middle">PHI ${stores.length}</text>` : "",
            `</g>`,
        ].join("");
    });
    const legend = [
        `<g class="legend"><rect x="${PAD}" y="${PAD}" width="16" height="12" fill="#fff" stroke="#57606a" stroke-width="2"/><text x="${PAD + 22}" y="${PAD + 11}">component</text>`,
        `<rect x="${PAD + 110}" y="${PAD}" width="16" height="12" fill="#fff" stroke="#57606a"/><text x="${PAD + 132}" y="${PAD + 11}">resource created by index.ts</text>`,
        `<rect x="${PAD + 330}" y="${PAD}" width="16" height="12" fill="#fff" stroke="#8250df" stroke-width="3"/><text x="${PAD + 352}" y="${PAD + 11}">holds PHI stores (count)</text>`,
        `<text x="${PAD + 520}" y="${PAD + 11}">A → B: B's resources depend on A's (A is created first)</text></g>`,
    ].join("");
    return [
        `<svg viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-label="Components and their wiring">`,
        `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8c959f"/></marker></defs>`,
        legend, ...edges, ...nodes, `</svg>`,
    ].join("\n");
}

export function renderDiagram(d: ReportData): string {
    const phiStores = d.ctx.graph.resources.filter(isPhiStore);
    const classes = new Set(d.ctx.graph.custom.map(dataClassification).filter((c): c is string => c !== undefined));
    const oneClass = classes.size === 1 ? ` Every tagged resource carries the same <code>data-classification</code> (${esc([...classes][0])}: the stack's one value), so every data store counts, including any the pack config says holds no PHI.` : "";
    const body = [
        `<p class="lead">The program's components and the resources it creates directly, wired by the planned dependencies: A → B means B's resources use something of A's (an ID, an address, a host name), so A is created first. The arrows are that wiring, not the direction of requests: a client's FHIR call enters at the gateway (Ingress) and reaches the FHIR service that Ingress depends on. ${phiStores.length} PHI stores (data stores tagged <code>data-classification: PHI</code>): ${phiStores.map((r) => `<a href="#${d.resourceId(r)}">${esc(r.name)}</a>`).join(", ") || "none"}.${oneClass}</p>`,
        wiringSvg(d.ctx.graph, d.wiring),
        `<p class="small muted">An arrow is drawn only where no longer chain of arrows already connects the two units; every direct dependency is listed here:</p>`,
        table(["Unit", "Depends on (directly)"], d.wiring.units.map((u) => [
            `${esc(u.name)} <span class="muted small">${esc(u.custom ? azureTypeKey(u.type) ?? u.type : u.type)}</span>`,
            d.wiring.edges.filter((e) => e.to === u.urn).map((e) => esc(d.ctx.graph.byUrn(e.from)?.name ?? e.from)).join(", ") || '<span class="muted">nothing</span>',
        ])),
    ];
    return section("diagram", "Data flow", body.join("\n"));
}
