import { Graph } from "../../tests/harness/graph";
import { RecordedResource } from "../../tests/harness/mocks";
import { Violation, deferredAtPreview } from "../../tests/harness/policyHost";

export function printTree(graph: Graph, out: string[]): void {
    const walk = (r: RecordedResource, depth: number) => {
        out.push(`${"  ".repeat(depth)}${r.custom ? "-" : "+"} ${r.type} ${r.name}${r.protect ? " [protected]" : ""}`);
        for (const c of graph.children(r.urn)) walk(c, depth + 1);
    };
    for (const root of graph.resources.filter((r) => r.parent === null)) walk(root, 0);
}

export function printViolations(violations: Violation[], out: string[]): void {
    const deferred = violations.filter((v) => deferredAtPreview(v) !== undefined);
    for (const level of ["mandatory", "advisory"] as const) {
        const vs = violations.filter((v) => v.enforcementLevel === level && !deferred.includes(v));
        out.push(`${level} violations: ${vs.length}`);
        for (const v of vs) out.push(`  [${v.policy}] ${v.urn ?? "(stack)"}\n      ${v.message}`);
    }
    out.push(`checks deferred to \`pulumi up\` (a value they read is unknown until the resources it comes from exist; the engine runs them before creating the resource): ${deferred.length}`);
    for (const v of deferred) out.push(`  [${v.policy}] ${v.urn ?? "(stack)"}\n      ${deferredAtPreview(v) ?? ""}`);
}
