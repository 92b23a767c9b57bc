import { Graph } from "../../tests/harness/graph";
import { RecordedResource } from "../../tests/harness/mocks";
import * as path from "path";
import { Violation, deferredAtPreview } from "../../tests/harness/policyHost";
import { PlanContext } from "./context";

function printTree(graph: Graph, out: string[]): void {
    const walk = (r: RecordedResource, depth: number) => {
        out.push(`${"  ".repeat(depth)}${r.custom ? "-" : "+"} ${r.type} ${r.name}${r.protect ? " [protected]" : ""}`);
        for (const c of graph.children(r.urn)) walk(c, depth + 1);
    };
    for (const root of graph.resources.filter((r) => r.parent === null)) walk(root, 0);
}

function printViolations(violations: Violation[], out: string[]): void {
    const deferred = violations.filter((v) => deferredAtPreview(v) !== undefined);
    for (const level of ["mandatory", "advisory"] as const) {
        const vs = violations.filter((v) => v.enforcementLevel === level && !deferred.includes(v));
        out.push(`${level} violations: ${vs.length}`);
        for (const v of vs) out.push(`  [${v.policy}] ${v.urn ?? "(stack)"}\n      ${v.message}`);
    }
    out.push(`checks deferred to \`pulumi up\` (a value they read is unknown until the resources it comes from exist; the engine runs them before creating the resource): ${deferred.length}`);
    for (const v of deferred) out.push(`  [${v.policy}] ${v.urn ?? "(stack)"}\n      ${deferredAtPreview(v) ?? ""}`);
}

/** The human-readable plan report. */
export function renderText(ctx: PlanContext): string {
    const { graph, policy } = ctx;
    const out: string[] = [`Plan for ${ctx.project}/${ctx.stack} (${ctx.mode}, offline)`, "", "Resources:"];
    printTree(graph, out);
    out.push("", "Counts by type:");
    for (const [type, n] of graph.countsByType()) out.push(`  ${String(n).padStart(4)}  ${type}`);
    out.push("", `Policy pack ${policy.pack}@${policy.version}: ${policy.policies} policies` +
        (ctx.policyConfig !== undefined ? ` (config ${path.relative(process.cwd(), ctx.policyConfig)})` : ""));
    printViolations(policy.violations, out);
    for (const l of policy.engineLog) out.push(`  pack log: ${l}`);
    const mandatory = policy.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    out.push("", `${graph.resources.length} resources; program ${ctx.timings.program} ms, total ${ctx.timings.total} ms; ` +
        (mandatory > 0 ? `FAILED: ${mandatory} mandatory violation(s)` : "no mandatory violations"));
    return out.join("\n");
}
