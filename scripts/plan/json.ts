import { PolicySummary } from "../../tests/harness/policyHost";
import { Json } from "../../tests/harness/values";
import { PlanContext } from "./context";

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

/** The `--json` contract (other tooling reads it: keep these fields stable, add freely). */
export interface PlanJson {
    project: string;
    stack: string;
    mode: "preview" | "update";
    resources: PlanResource[];
    policy: PolicySummary;
}

export function toPlanJson(ctx: PlanContext): PlanJson {
    const { graph, policy } = ctx;
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
        policy: { pack: policy.pack, version: policy.version, policies: policy.policies, violations: policy.violations },
    };
}
