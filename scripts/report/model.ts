/**
 * What the report shows, computed from the plan (graph + pack results) and the rules' metadata: per rule, the
 * resources it looked at and its verdict on each; per HITRUST control, the rules mapping it and their result.
 * Pure functions; the rules' metadata comes in as a parameter (the plan gets it from GetAnalyzerInfo).
 */
import { Graph } from "../../lib/offline/graph";
import { RecordedResource } from "../../lib/offline/mocks";
import { EnforcementLevel, Violation, deferredAtPreview } from "../../lib/offline/policyHost";
import { azureTypeKey } from "../../policy/rules/common";

/** A rule of the pack as the report needs it (GetAnalyzerInfo's fields plus the type keys it reads). */
export interface ReportRule {
    name: string;
    description: string;
    severity?: string;
    remediation?: string;
    /** The pack's default level (the config file may change it; see effectiveLevel). */
    enforcementLevel: EnforcementLevel;
    controls: { hitrust: string[]; azurePolicy: string[]; checkov: string[] };
    /** Type keys (`<module>:<Type>`) the rule reads; `*` = every azure-native type. */
    types: string[];
}

export { typesFromTags } from "../../lib/offline/policyHost";

export interface Exemption { resourceName: string; justification: string }

/** A `--policy-pack-config` file: `{ all?, "<rule>": level | { enforcementLevel?, downgradeReason?, exemptions?, ... } }`. */
export type PolicyConfigFile = Record<string, unknown>;

export interface RuleConfig {
    level: EnforcementLevel;
    /** The config lowered the rule below the level it would have had (the pack's default or `all`). */
    downgraded: boolean;
    downgradeReason?: string;
    exemptions: Exemption[];
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const isLevel = (v: unknown): v is EnforcementLevel => typeof v === "string" && (LEVELS as string[]).includes(v);
const RANK: Record<EnforcementLevel, number> = { disabled: 0, advisory: 1, mandatory: 2, remediate: 2 };

/** The level and settings the engine configures a rule with, from the config file (as PolicyHost.configure does). */
export function ruleConfig(rule: ReportRule, file: PolicyConfigFile | undefined): RuleConfig {
    const all = file?.["all"];
    const base: EnforcementLevel = isLevel(all) ? all : rule.enforcementLevel;
    const entry = file?.[rule.name];
    let level = base;
    let downgradeReason: string | undefined;
    let exemptions: Exemption[] = [];
    if (isLevel(entry)) level = entry;
    else if (typeof entry === "object" && entry !== null) {
        const e = entry as Record<string, unknown>;
        if (isLevel(e["enforcementLevel"])) level = e["enforcementLevel"];
        if (typeof e["downgradeReason"] === "string") downgradeReason = e["downgradeReason"];
        if (Array.isArray(e["exemptions"])) {
            exemptions = e["exemptions"].filter((x): x is Exemption => typeof x === "object" && x !== null && typeof (x as Exemption).resourceName === "string")
                .map((x) => ({ resourceName: x.resourceName, justification: typeof x.justification === "string" ? x.justification : "" }));
        }
    }
    return { level, downgraded: RANK[level] < RANK[base], ...(downgradeReason !== undefined ? { downgradeReason } : {}), exemptions };
}

/** True when the name matches one of the exemptions' patterns in full (policy/rules/define.ts isExempt). */
export function exemptedBy(name: string, exemptions: readonly Exemption[]): Exemption | undefined {
    return exemptions.find((e) => {
        try { return new RegExp(`^(?:${e.resourceName})$`).test(name); } catch { return false; }
    });
}

export type Verdict = "pass" | "violated" | "advisory" | "deferred" | "exempt";
export type RuleResult = "violated" | "deferred" | "downgraded" | "advisory" | "pass" | "not-applicable" | "disabled";

export interface ResourceVerdict {
    resource: RecordedResource;
    verdict: Verdict;
    messages: string[];
    exemption?: Exemption;
}

export interface RuleEvaluation {
    rule: ReportRule;
    config: RuleConfig;
    result: RuleResult;
    /** The resources whose type the rule reads (it looked at them), plus any other resource it reported on. */
    resources: ResourceVerdict[];
    /** Findings not attributed to a resource of the graph (a stack rule's stack-wide message). */
    stackFindings: Violation[];
    /** Deferred findings: what was unknown at preview. */
    deferred: Array<{ violation: Violation; unknown: string }>;
}

/** Does the rule read resources of this type? */
export function ruleReads(rule: ReportRule, type: string): boolean {
    const key = azureTypeKey(type);
    return key !== undefined && (rule.types.includes("*") || rule.types.includes(key));
}

/** Per rule: what it looked at and what it found, in the rules' order. Violations of rules not in `rules` get a stub rule. */
export function evaluateRules(graph: Graph, violations: readonly Violation[], rules: readonly ReportRule[], config: PolicyConfigFile | undefined): RuleEvaluation[] {
    const known = new Set(rules.map((r) => r.name));
    const stubs: ReportRule[] = [...new Set(violations.map((v) => v.policy).filter((p) => !known.has(p)))]
        .map((name) => ({ name, description: "(not described by the pack)", enforcementLevel: "mandatory", controls: { hitrust: [], azurePolicy: [], checkov: [] }, types: [] }));
    const byRule = new Map<string, Violation[]>();
    for (const v of violations) byRule.set(v.policy, [...(byRule.get(v.policy) ?? []), v]);
    const byUrn = new Map(graph.resources.map((r) => [r.urn, r]));
    return [...rules, ...stubs].map((rule) => {
        const cfg = ruleConfig(rule, config);
        const found = byRule.get(rule.name) ?? [];
        const verdicts = new Map<string, ResourceVerdict>();
        for (const r of graph.resources) {
            if (!r.custom || !ruleReads(rule, r.type)) continue;
            const exemption = exemptedBy(r.name, cfg.exemptions);
            verdicts.set(r.urn, { resource: r, verdict: exemption !== undefined ? "exempt" : "pass", messages: [], ...(exemption !== undefined ? { exemption } : {}) });
        }
        const stackFindings: Violation[] = [];
        const deferred: RuleEvaluation["deferred"] = [];
        for (const v of found) {
            const unknown = deferredAtPreview(v);
            if (unknown !== undefined) deferred.push({ violation: v, unknown });
            const r = v.urn === null ? undefined : byUrn.get(v.urn);
            if (r === undefined) { stackFindings.push(v); continue; }
            const rv = verdicts.get(r.urn) ?? { resource: r, verdict: "pass" as Verdict, messages: [] };
            const verdict: Verdict = unknown !== undefined ? "deferred" : v.enforcementLevel === "mandatory" ? "violated" : "advisory";
            rv.verdict = worse(rv.verdict, verdict);
            rv.messages.push(unknown !== undefined ? `deferred to pulumi up: ${unknown}` : findingMessage(v.message, rule.description));
            verdicts.set(r.urn, rv);
        }
        const decided = found.filter((v) => deferredAtPreview(v) === undefined);
        const result: RuleResult =
            cfg.level === "disabled" ? "disabled"
            : decided.some((v) => v.enforcementLevel === "mandatory") ? "violated"
            : deferred.length > 0 ? "deferred"
            : decided.length > 0 ? (cfg.downgraded ? "downgraded" : "advisory")
            : verdicts.size === 0 ? "not-applicable"
            : "pass";
        return { rule, config: cfg, result, resources: [...verdicts.values()], stackFindings, deferred };
    });
}

const VERDICT_RANK: Record<Verdict, number> = { pass: 0, exempt: 1, advisory: 2, deferred: 3, violated: 4 };
const worse = (a: Verdict, b: Verdict): Verdict => (VERDICT_RANK[b] > VERDICT_RANK[a] ? b : a);

export interface HitrustControl { id: string; title: string; titleSource?: string; notEvaluatedBecause?: string }

export type ControlResult = RuleResult | "not-evaluated";

export interface ControlRow {
    id: string;
    title?: string;
    titleSource?: string;
    /** Rules that name the control (empty: the pack has no rule for it). */
    rules: RuleEvaluation[];
    result: ControlResult;
    notEvaluatedBecause?: string;
    /** The control is named by a rule but missing from the catalogue. */
    uncatalogued: boolean;
}

const RESULT_ORDER: RuleResult[] = ["violated", "deferred", "downgraded", "advisory", "pass", "not-applicable", "disabled"];

/** The control's result: its worst rule result (violated > deferred > downgraded > advisory > pass > n/a > disabled). */
export function controlResult(rules: readonly RuleEvaluation[]): ControlResult {
    if (rules.length === 0) return "not-evaluated";
    return RESULT_ORDER.find((r) => rules.some((e) => e.result === r)) ?? "not-evaluated";
}

/** Every catalogued control (with or without rules) plus any control a rule names that the catalogue lacks, by id. */
export function controlRows(evaluations: readonly RuleEvaluation[], catalogue: readonly HitrustControl[]): ControlRow[] {
    const byId = new Map<string, RuleEvaluation[]>();
    for (const e of evaluations) for (const id of e.rule.controls.hitrust) byId.set(id, [...(byId.get(id) ?? []), e]);
    const ids = [...new Set([...catalogue.map((c) => c.id), ...byId.keys()])].sort(compareControlIds);
    const cat = new Map(catalogue.map((c) => [c.id, c]));
    return ids.map((id) => {
        const c = cat.get(id);
        const rules = byId.get(id) ?? [];
        return {
            id, rules, result: controlResult(rules), uncatalogued: c === undefined,
            ...(c !== undefined ? { title: c.title } : {}),
            ...(c?.titleSource !== undefined ? { titleSource: c.titleSource } : {}),
            ...(c?.notEvaluatedBecause !== undefined && rules.length === 0 ? { notEvaluatedBecause: c.notEvaluatedBecause } : {}),
        };
    });
}

/** `01.m` < `01.n` < `09.aa` < `09.ab` < `10.c`: by family number, then letters (shorter first). */
export function compareControlIds(a: string, b: string): number {
    const [fa = "", la = ""] = a.split(".");
    const [fb = "", lb = ""] = b.split(".");
    return Number(fa) - Number(fb) || la.length - lb.length || la.localeCompare(lb);
}

/** Counts for the summary. */
export interface ReportCounts {
    resources: number;
    components: number;
    rules: number;
    rulesEvaluated: number;
    rulesApplied: number;
    mandatory: number;
    advisory: number;
    deferred: number;
}

export function reportCounts(graph: Graph, violations: readonly Violation[], evaluations: readonly RuleEvaluation[]): ReportCounts {
    const deferred = violations.filter((v) => deferredAtPreview(v) !== undefined).length;
    return {
        resources: graph.custom.length,
        components: graph.components.length,
        rules: evaluations.length,
        rulesEvaluated: evaluations.filter((e) => e.config.level !== "disabled").length,
        rulesApplied: evaluations.filter((e) => e.config.level !== "disabled" && (e.resources.length > 0 || e.stackFindings.length > 0)).length,
        mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
        advisory: violations.filter((v) => v.enforcementLevel === "advisory" && deferredAtPreview(v) === undefined).length,
        deferred,
    };
}

/** A violation's own text: @pulumi/policy prefixes the rule's description and a newline, which the report shows once. */
export function findingMessage(message: string, description: string | undefined): string {
    return description !== undefined && message.startsWith(`${description}\n`) ? message.slice(description.length + 1) : message;
}
