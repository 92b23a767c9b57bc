import { PolicyControls, PolicyInfo, PolicySeverity, Violation, deferredAtPreview } from "../../lib/offline/policyHost";
import { Json, sanitize } from "../../lib/offline/values";
import { PlanContext } from "./context";
import { CostProfile } from "./cost";
import { CriticalPath } from "./criticalPath";

export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string | null;
    inputs: Record<string, Json>;
    protect: boolean;
    retainOnDelete: boolean;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

/**
 * One policy diagnostic: the engine's four fields (policy, enforcementLevel, urn, message: the rule's description,
 * a newline, then what it found), plus what the pack declares for the rule in GetAnalyzerInfo.
 */
export interface PlanViolation extends Violation {
    /** The rule's severity; null when the pack declares none for it. */
    severity: PolicySeverity | null;
    /** The rule's remediation steps (what to change); null when the pack gives none. */
    remediation: string | null;
    /**
     * `false` for a decided violation. For a check deferred to `pulumi up` (an advisory "can't run policy ... during
     * preview": a value the rule reads is unknown until the resources it comes from exist), the reason: what was
     * unknown, e.g. `"string value at .networkRuleSet can't be known during preview"`. Not a violation: the engine
     * runs the rule again before creating the resource.
     */
    deferred: false | string;
    /** The external controls the rule mirrors: HITRUST CSF ids, Azure Policy definition ids, Checkov check ids. */
    controls: PolicyControls;
}

/**
 * The `--json` contract (other tooling reads it: keep these fields stable, add freely).
 *
 * - `resources`: every registered resource; inputs with secrets as `"[secret]"` and values unknown at preview as
 *   `"[unknown]"`.
 * - `policy`: the pack (`pack`, `version`, `policies`: how many it serves) and `violations` (PlanViolation: the
 *   engine's `policy`, `enforcementLevel`, `urn`, `message`, plus the rule's `severity`, `remediation`, `controls`
 *   and `deferred`).
 * - `outputs`: the stack outputs, with the same markers as inputs: a secret (or an output holding one) as
 *   `"[secret]"`, a value unknown at preview as `"[unknown]"`, a resource reference as its URN.
 * - `cost`: `{ monthlyUsd, currency, priceDate, region, lines, unpriced, unclassified, warnings }`; `criticalPath`:
 *   `{ totalMinutes, chain }` (scripts/plan/estimates.ts).
 */
export interface PlanJson {
    project: string;
    stack: string;
    mode: "preview" | "update";
    resources: PlanResource[];
    policy: {
        pack: string;
        version: string;
        policies: number;
        violations: PlanViolation[];
    };
    outputs: Record<string, Json>;
    /** Monthly cost profile (scripts/plan/cost.ts): fixed list prices per resource, usage-based items with their unit price. */
    cost?: CostProfile;
    /** The deploy's estimated critical path (scripts/plan/criticalPath.ts). */
    criticalPath?: CriticalPath;
}

const NO_CONTROLS: PolicyControls = { hitrust: [], azurePolicy: [], checkov: [] };

/** A violation with its rule's metadata (rules: the pack's GetAnalyzerInfo policies). */
export function planViolation(v: Violation, rules: ReadonlyMap<string, PolicyInfo>): PlanViolation {
    const rule = rules.get(v.policy);
    return {
        ...v,
        severity: rule?.severity ?? null,
        remediation: rule?.remediation ?? null,
        deferred: deferredAtPreview(v) ?? false,
        controls: rule?.controls ?? NO_CONTROLS,
    };
}

export function toPlanJson(ctx: PlanContext): PlanJson {
    const { graph, policy } = ctx;
    const rules = new Map(policy.rules.map((r) => [r.name, r]));
    return {
        project: ctx.project,
        stack: ctx.stack,
        mode: ctx.mode,
        resources: graph.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            custom: r.custom,
            parent: r.parent,
            inputs: graph.plainInputs(r),
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            dependencies: r.dependencies,
            propertyDependencies: r.propertyDependencies,
        })),
        policy: { pack: policy.pack, version: policy.version, policies: policy.policies, violations: policy.violations.map((v) => planViolation(v, rules)) },
        outputs: sanitize(ctx.outputs) as Record<string, Json>,
        ...(ctx.estimates !== undefined ? { cost: ctx.estimates.cost, criticalPath: ctx.estimates.criticalPath } : {}),
    };
}
