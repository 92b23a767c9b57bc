/**
 * The deploy's critical path: the longest chain through the dependency graph, each resource weighted by its type's
 * documented create time (create-times.json). The engine creates a resource once everything it depends on exists
 * (`dependsOn` and every property's dependencies), and runs independent creates in parallel, so the deploy takes at
 * least as long as the heaviest dependent chain. A child of a component does not wait for its parent component, only
 * for its own dependencies; depending on a component means waiting for everything the component contains.
 */
import { Graph } from "../../lib/offline/graph";
import { RecordedResource } from "../../lib/offline/mocks";
import { azureTypeKey } from "../../policy/rules/common";

export interface CreateTimesTable {
    defaultMinutes: number;
    types: Record<string, { minutes: number; range?: string; source?: string }>;
}

export interface CriticalPathStep {
    name: string;
    type: string;
    urn: string;
    /** This resource's own create time. */
    minutes: number;
    /** When it can start (minutes after the deploy starts): when the last thing it waits for is created. */
    startsAt: number;
}

export interface CriticalPath {
    totalMinutes: number;
    /** First to last: each step depends on the one before it. */
    chain: CriticalPathStep[];
}

/** `{ "<module>:<Type>": minutes }` from the create-times table. */
export function minutesByTypeKey(table: CreateTimesTable): Record<string, number> {
    return Object.fromEntries(Object.entries(table.types).map(([k, v]) => [k, v.minutes]));
}

/**
 * `minutesByType` maps azure-native type keys (`network:AzureFirewall`) to minutes; other Azure resources take
 * `defaultMinutes`; custom resources of other providers (random, tls: computed locally) and components take 0.
 */
export function criticalPath(graph: Graph, minutesByType: Record<string, number>, defaultMinutes = 1): CriticalPath {
    const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
    const children = new Map<string, RecordedResource[]>();
    for (const r of graph.resources) if (r.parent !== null) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    const weight = (r: RecordedResource): number => {
        if (!r.custom) return 0;
        const key = azureTypeKey(r.type);
        return key === undefined ? 0 : minutesByType[key] ?? defaultMinutes;
    };
    /** The custom resources a dependency on `urn` waits for: itself, or every custom resource inside a component. */
    const waitsFor = (urn: string): RecordedResource[] => {
        const r = byUrn.get(urn);
        if (r === undefined) return [];
        if (r.custom) return [r];
        return (children.get(urn) ?? []).flatMap((c) => waitsFor(c.urn));
    };
    const finish = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    const visiting = new Set<string>();
    const finishOf = (r: RecordedResource): number => {
        const known = finish.get(r.urn);
        if (known !== undefined) return known;
        if (visiting.has(r.urn)) throw new Error(`dependency cycle through ${r.urn}`);
        visiting.add(r.urn);
        let start = 0;
        let from: string | undefined;
        for (const dep of graph.allDependencies(r)) {
            for (const d of waitsFor(dep)) {
                if (d.urn === r.urn) continue;
                const f = finishOf(d);
                if (f > start) { start = f; from = d.urn; }
            }
        }
        visiting.delete(r.urn);
        const f = start + weight(r);
        finish.set(r.urn, f);
        via.set(r.urn, from);
        return f;
    };
    let last: RecordedResource | undefined;
    for (const r of graph.resources) {
        if (!r.custom) continue;
        if (last === undefined || finishOf(r) > finishOf(last)) last = r;
    }
    const chain: CriticalPathStep[] = [];
    for (let cur = last; cur !== undefined;) {
        const w = weight(cur);
        chain.unshift({ name: cur.name, type: cur.type, urn: cur.urn, minutes: w, startsAt: (finish.get(cur.urn) ?? 0) - w });
        const prev = via.get(cur.urn);
        cur = prev === undefined ? undefined : byUrn.get(prev);
    }
    return { totalMinutes: last === undefined ? 0 : finishOf(last), chain };
}

/** One line per step: `  +45  ingress-apim (apimanagement:ApiManagementService)  at 3 min`. */
export function formatCriticalPath(p: CriticalPath): string {
    const lines = p.chain.map((s) => `  ${`+${s.minutes}`.padStart(4)}  ${s.name} (${azureTypeKey(s.type) ?? s.type})  starts at ${s.startsAt} min`);
    return [`deploy critical path ≈ ${p.totalMinutes} min (documented create times, create-times.json; other Azure resources at its default):`, ...lines].join("\n");
}
