import { shownPath } from "../../lib/offline/stackConfig";
import { Graph } from "../../lib/offline/graph";
import { RecordedResource } from "../../lib/offline/mocks";
import { PolicyInfo, PolicySeverity, Violation, deferredAtPreview } from "../../lib/offline/policyHost";
import { OUTPUT_SIG, RESOURCE_SIG, SECRET_SIG, SPECIAL_SIG_KEY, UNKNOWN } from "../../lib/offline/values";
import { PlanContext } from "./context";
import { formatCostSummary } from "./cost";
import { formatCriticalPath } from "./criticalPath";

/** As `pulumi preview` of a new stack: `+ <type> <name>` for every resource (a create), children nested under their parent. */
function printTree(graph: Graph, out: string[]): void {
    const walk = (r: RecordedResource, depth: number) => {
        out.push(`${"  ".repeat(depth)}+ ${r.type} ${r.name}${r.protect ? " [protected]" : ""}`);
        for (const c of graph.children(r.urn)) walk(c, depth + 1);
    };
    for (const root of graph.resources.filter((r) => r.parent === null)) walk(root, 0);
}

/**
 * One output value as `pulumi preview` prints it: strings quoted, objects and arrays over several lines with their
 * keys aligned, `[secret]` for a secret, `[unknown]` for a value unknown at preview (Pulumi prints `output<string>`).
 */
function formatValue(v: unknown, indent: string): string {
    if (v === UNKNOWN) return "[unknown]";
    if (v === null || v === undefined) return "null";
    if (typeof v === "string") return JSON.stringify(v);
    if (typeof v !== "object") return String(v);
    const inner = `${indent}    `;
    if (Array.isArray(v)) {
        if (v.length === 0) return "[]";
        return `[\n${v.map((x, i) => `${inner}[${i}]: ${formatValue(x, inner)}`).join("\n")}\n${indent}]`;
    }
    const o = v as Record<string, unknown>;
    const sig = o[SPECIAL_SIG_KEY];
    if (sig === SECRET_SIG) return "[secret]";
    if (sig === RESOURCE_SIG) return typeof o["urn"] === "string" ? o["urn"] : "[resource]";
    if (sig === OUTPUT_SIG) return o["secret"] === true ? "[secret]" : "value" in o ? formatValue(o["value"], indent) : "[unknown]";
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    if (keys.length === 0) return "{}";
    return `{\n${formatEntries(o, keys, inner)}\n${indent}}`;
}

function formatEntries(o: Record<string, unknown>, keys: string[], indent: string): string {
    const width = Math.max(...keys.map((k) => k.length));
    return keys.map((k) => `${indent}${k.padEnd(width)}: ${formatValue(o[k], indent)}`).join("\n");
}

function printOutputs(outputs: Record<string, unknown>, out: string[]): void {
    const keys = Object.keys(outputs).filter((k) => outputs[k] !== undefined).sort();
    if (keys.length === 0) { out.push("Outputs: none"); return; }
    out.push("Outputs:", formatEntries(outputs, keys, "    "));
}

const SEVERITY_ORDER: Record<PolicySeverity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** `<name> (<type>)` of the resource a violation names, from the graph (else from the URN); `(stack)` for none. */
function resourceLabel(graph: Graph, urn: string | null): string {
    if (urn === null) return "(stack)";
    const r = graph.byUrn(urn);
    if (r !== undefined) return `${r.name} (${r.type})`;
    // urn:pulumi:<stack>::<project>::<parent types$>type::<name>
    const parts = urn.split("::");
    return parts.length >= 4 ? `${parts.slice(3).join("::")} (${parts[2]?.split("$").pop() ?? ""})` : urn;
}

/** What the rule found: the engine's message without the rule's description, which the group header shows once. */
function finding(v: Violation, rule: PolicyInfo | undefined): string {
    const d = rule?.description ?? "";
    return d !== "" && v.message.startsWith(`${d}\n`) ? v.message.slice(d.length + 1) : v.message;
}

/** Violations of one rule, in the order the pack reported them. */
function byRule(violations: Violation[]): Violation[][] {
    const groups = new Map<string, Violation[]>();
    for (const v of violations) groups.set(v.policy, [...(groups.get(v.policy) ?? []), v]);
    return [...groups.values()];
}

function controlsLine(rule: PolicyInfo): string | undefined {
    const parts = [["HITRUST CSF", rule.controls.hitrust], ["Azure Policy", rule.controls.azurePolicy], ["Checkov", rule.controls.checkov]] as const;
    const named = parts.filter(([, ids]) => ids.length > 0).map(([label, ids]) => `${label} ${ids.join(", ")}`);
    return named.length > 0 ? named.join("; ") : undefined;
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/**
 * One block per rule: `[rule] severity <s>, <n> violations`, then indented the rule's description, remediation and
 * controls (when `teach`), then one line per resource (name, type) with what the rule found there. Rules by severity
 * (critical first), then in the order the pack reported them. `detail` gives the per-resource text (the finding, or
 * for a deferred check what was unknown).
 */
function printGroups(graph: Graph, groups: Violation[][], rules: ReadonlyMap<string, PolicyInfo>, out: string[], what: string, detail: (v: Violation, rule: PolicyInfo | undefined) => string, teach: boolean): void {
    const rank = (g: Violation[]) => { const s = rules.get(g[0]?.policy ?? "")?.severity; return s !== undefined ? SEVERITY_ORDER[s] : 4; };
    const sorted = groups.map((g, i) => ({ g, i })).sort((a, b) => rank(a.g) - rank(b.g) || a.i - b.i).map((x) => x.g);
    for (const g of sorted) {
        const name = g[0]?.policy ?? "";
        const rule = rules.get(name);
        out.push(`  [${name}] severity ${rule?.severity ?? "unspecified"}, ${count(g.length, what)}`);
        if (teach && rule !== undefined) {
            if (rule.description !== "") out.push(`      ${rule.description}`);
            if (rule.remediation !== undefined) out.push(`      remediation: ${rule.remediation}`);
            const controls = controlsLine(rule);
            if (controls !== undefined) out.push(`      controls: ${controls}`);
        }
        for (const v of g) out.push(`      - ${resourceLabel(graph, v.urn)}: ${detail(v, rule).split("\n").join("\n          ")}`);
    }
}

function printViolations(graph: Graph, violations: Violation[], rules: ReadonlyMap<string, PolicyInfo>, out: string[]): void {
    const deferred = violations.filter((v) => deferredAtPreview(v) !== undefined);
    for (const level of ["mandatory", "advisory"] as const) {
        const vs = violations.filter((v) => v.enforcementLevel === level && !deferred.includes(v));
        const groups = byRule(vs);
        out.push("", `${level} violations: ${vs.length}${vs.length > 0 ? ` (${count(groups.length, "rule")})` : ""}`);
        printGroups(graph, groups, rules, out, "violation", finding, true);
    }
    out.push("", "-".repeat(40),
        `checks deferred to \`pulumi up\` (a value they read is unknown until the resources it comes from exist; the engine runs them before creating the resource): ${deferred.length}`);
    if (deferred.length > 0) out.push("  Not violations: each line names what the rule could not read yet.");
    printGroups(graph, byRule(deferred), rules, out, "check", (v) => `unknown: ${deferredAtPreview(v) ?? ""}`, false);
}

/** The human-readable plan report. */
export function renderText(ctx: PlanContext): string {
    const { graph, policy } = ctx;
    // What the offline load of the stack config did differently from the CLI (lib/offline/stackConfig.ts), first.
    const out: string[] = [...graph.notices.map((n) => `notice: ${n}`), `Plan for ${ctx.project}/${ctx.stack} (${ctx.mode}, offline)`, "", "Resources: (+ create; a component's resources are nested under it)"];
    printTree(graph, out);
    out.push("");
    printOutputs(ctx.outputs, out);
    out.push("", "Counts by type:");
    for (const [type, n] of graph.countsByType()) out.push(`  ${String(n).padStart(4)}  ${type}`);
    out.push("", `Policy pack ${policy.pack}@${policy.version}: ${policy.policies} policies` +
        (ctx.policyConfig !== undefined ? ` (config ${shownPath(ctx.policyConfig)})` : ""));
    printViolations(graph, policy.violations, new Map(policy.rules.map((r) => [r.name, r])), out);
    for (const l of policy.engineLog) out.push(`  pack log: ${l}`);
    if (ctx.estimates !== undefined) out.push("", formatCostSummary(ctx.estimates.cost), "", formatCriticalPath(ctx.estimates.criticalPath));
    const mandatory = policy.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    out.push("", `${graph.resources.length} resources; program ${ctx.timings.program} ms, total ${ctx.timings.total} ms; ` +
        (mandatory > 0 ? `FAILED: ${mandatory} mandatory violation(s)` : "no mandatory violations"));
    return out.join("\n");
}
