/** Everything the report's views render, computed once from the plan context, the rules and the extras. */
import { PlanContext } from "../plan/context";
import { CostProfile } from "../plan/cost";
import { CriticalPath } from "../plan/criticalPath";
import { Wiring, programWiring } from "../plan/wiring";
import { AfterDeployCheck } from "./limits";
import {
    ControlRow, HitrustControl, PolicyConfigFile, ReportCounts, ReportRule, RuleEvaluation, controlRows, evaluateRules, reportCounts,
} from "./model";
import HITRUST from "./hitrust-controls.json";

/** What the caller adds to the plan context (the CLI reads these; see load.ts). */
export interface ReportExtras {
    /** `git rev-parse HEAD` of the planned tree, if any. */
    commit?: string;
    /** When the plan ran. @default now */
    generatedAt?: Date;
    /** The parsed policy pack config file (ctx.policyConfig): exemptions, downgrades and their reasons. */
    policyConfig?: PolicyConfigFile;
    /** The documented post-deploy checks (docs/after-deploy-checks.md, parseAfterDeployChecks). */
    afterDeployChecks?: AfterDeployCheck[];
    /** The HITRUST controls relevant to the platform. @default scripts/report/hitrust-controls.json */
    controls?: HitrustControl[];
    cost?: CostProfile;
    criticalPath?: CriticalPath;
}

export interface ReportData {
    ctx: PlanContext;
    extras: ReportExtras;
    evaluations: RuleEvaluation[];
    controls: ControlRow[];
    counts: ReportCounts;
    wiring: Wiring;
    /** In-page anchor of each custom resource in the resources view. */
    resourceId(r: { urn: string }): string;
}

export const DEFAULT_CONTROLS: HitrustControl[] = HITRUST.controls;

export function buildReportData(ctx: PlanContext, rules: readonly ReportRule[], extras: ReportExtras): ReportData {
    const evaluations = evaluateRules(ctx.graph, ctx.policy.violations, rules, extras.policyConfig);
    const index = new Map(ctx.graph.resources.map((r, i) => [r.urn, i]));
    return {
        ctx, extras, evaluations,
        controls: controlRows(evaluations, extras.controls ?? DEFAULT_CONTROLS),
        counts: reportCounts(ctx.graph, ctx.policy.violations, evaluations),
        wiring: programWiring(ctx.graph),
        resourceId: (r) => `res-${index.get(r.urn) ?? "x"}`,
    };
}
