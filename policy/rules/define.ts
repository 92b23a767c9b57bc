import { EnforcementLevel, Policy, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { azureTypeKey, plain } from "./common";

/** The external controls a rule mirrors (policy-catalogue.md §5), kept on the rule so docs and tests read them. */
export interface RuleControls {
    /** HITRUST CSF v11.3 (or 9.2 where that is the anchor) control references. */
    hitrust: string[];
    /** Azure Policy definition IDs (GUID prefixes) in the HITRUST/HIPAA initiatives. */
    azurePolicy: string[];
    /** Checkov check IDs. */
    checkov: string[];
}

/** A resource as a rule sees it: its type key (`storage:StorageAccount`), name and input properties. */
export interface RuleResource {
    typeKey: string;
    name: string;
    props: Record<string, unknown>;
    args: ResourceValidationArgs;
}

/** What every rule declares: identity, area, severity, default enforcement, the controls it mirrors, its types. */
export interface RuleSpec {
    name: string;
    /** Area (one file per area): docs group rules by it. */
    area: string;
    description: string;
    severity: "low" | "medium" | "high" | "critical";
    enforcementLevel: EnforcementLevel;
    controls: RuleControls;
    /** Type keys (`<module>:<Type>`) the rule reads; versioned tokens match too. */
    types: string[];
    remediation: string;
    /** JSON-schema properties of the rule's own settings (defaults are filled in by the engine). */
    config?: Record<string, object>;
}

export interface ResourceRuleSpec<C extends object = Record<string, never>> extends RuleSpec {
    /** `exempt` tells whether a named part of the resource (e.g. `<vnet>/<subnet>`) is exempted by config. */
    check: (r: RuleResource, config: C, report: (message: string) => void, exempt: (name: string) => boolean) => void;
}

export interface StackRuleSpec<C extends object = Record<string, never>> extends RuleSpec {
    /** `exempt` tells whether a resource (or a named part such as `<vnet>/<subnet>`) is exempted by config. */
    check: (resources: PolicyResource[], config: C, report: (message: string, urn?: string) => void, exempt: (nameOrResource: PolicyResource | string) => boolean) => void;
}

/** In `types`: the rule reads every azure-native resource type (it narrows further itself). */
export const ANY_TYPE = "*";

/** One exemption: resources whose name matches `resourceName` (a regular expression) skip the rule, for the stated reason. */
export interface Exemption {
    resourceName: string;
    justification: string;
}

/** The `exemptions` setting every rule accepts; the engine validates it (a justification is required) at Configure. */
export const EXEMPTIONS_SCHEMA: PolicyConfigJSONSchema = {
    type: "array",
    default: [],
    items: {
        type: "object",
        required: ["resourceName", "justification"],
        properties: { resourceName: { type: "string", minLength: 1 }, justification: { type: "string", minLength: 20 } },
        additionalProperties: false,
    },
};

/** True when the resource name matches one of the exemptions' patterns in full. */
export function isExempt(name: string, exemptions: Exemption[] | undefined): boolean {
    return (exemptions ?? []).some((e) => new RegExp(`^(?:${e.resourceName})$`).test(name));
}

/**
 * The `downgradeReason` setting every rule accepts: a stack config that lowers a rule below mandatory says why in
 * the file itself (tests/policyConfig.spec.ts requires it), so the reason travels with the setting.
 */
export const DOWNGRADE_REASON_SCHEMA: PolicyConfigJSONSchema = { type: "string", minLength: 20 };

/** Rule metadata for docs and tests, by rule name. */
export const RULE_METADATA = new Map<string, { area: string; controls: RuleControls; types: string[] }>();

/**
 * The fields every policy of the pack shares: HITRUST framework metadata, tags naming the Azure Policy and Checkov
 * IDs it mirrors, and a config schema with the rule's own settings plus `exemptions` (in the spirit of Pulumi's
 * compliance-policies: each names the resources by pattern and must give a justification of at least 20 characters,
 * which the engine validates against this schema when the pack is configured) and `downgradeReason`.
 */
function common(spec: RuleSpec): Omit<Policy, "enforcementLevel"> & { enforcementLevel: EnforcementLevel } {
    if (RULE_METADATA.has(spec.name)) throw new Error(`policy rule "${spec.name}" is defined twice`);
    RULE_METADATA.set(spec.name, { area: spec.area, controls: spec.controls, types: spec.types });
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel,
        severity: spec.severity,
        framework: { name: "HITRUST CSF", version: "v11.3", reference: spec.controls.hitrust.join(", "), specification: spec.area },
        // `type:<module>:<Type>` (or `type:*`) per type key the rule reads, so an analyzer client (the plan's report) knows
        // which resources a rule looked at without loading the pack's code.
        tags: ["hitrust", "hipaa", spec.area, ...spec.controls.azurePolicy.map((id) => `azure-policy:${id}`), ...spec.controls.checkov.map((id) => `checkov:${id}`), ...spec.types.map((t) => `type:${t}`)],
        remediationSteps: spec.remediation,
        configSchema: { properties: { ...(spec.config ?? {}), exemptions: EXEMPTIONS_SCHEMA, downgradeReason: DOWNGRADE_REASON_SCHEMA } },
    };
}

/** A resource-level rule: matches its types (versioned tokens too), skips exempted resources, then runs `check` on the inputs. */
export function resourceRule<C extends object = Record<string, never>>(spec: ResourceRuleSpec<C>): ResourceValidationPolicy {
    return {
        ...common(spec),
        validateResource: (args, reportViolation) => {
            const typeKey = azureTypeKey(args.type);
            if (typeKey === undefined || !(spec.types.includes(typeKey) || spec.types.includes(ANY_TYPE))) return;
            const config = args.getConfig<C & { exemptions: Exemption[] }>();
            if (isExempt(args.name, config.exemptions)) return;
            spec.check({ typeKey, name: args.name, props: args.props, args }, config, reportViolation, (name) => isExempt(name, config.exemptions));
        },
    };
}

/**
 * The stack's resources with plain properties (unknown values as UNKNOWN, see `plain`), their parents and dependencies
 * pointing at the plain copies too, so no read in a stack rule can trip the unknown-checking proxy.
 */
function plainResources(resources: PolicyResource[]): PolicyResource[] {
    const copies = new Map(resources.map((r) => [r.urn, { ...r, props: plain(r.props) as Record<string, unknown> }]));
    const mapped = (r: PolicyResource) => copies.get(r.urn) ?? r;
    for (const c of copies.values()) {
        c.dependencies = c.dependencies.map(mapped);
        c.propertyDependencies = Object.fromEntries(Object.entries(c.propertyDependencies).map(([k, deps]) => [k, deps.map(mapped)]));
        if (c.parent !== undefined) c.parent = mapped(c.parent);
    }
    return [...copies.values()];
}

/**
 * A stack-level rule: relations between resources (endpoint → store, diagnostic setting → resource, subnet → route
 * table). Checks follow dependencies (`propertyDependencies`), which are known at preview, rather than output IDs.
 */
export function stackRule<C extends object = Record<string, never>>(spec: StackRuleSpec<C>): StackValidationPolicy {
    return {
        ...common(spec),
        validateStack: (args, reportViolation) => {
            const config = args.getConfig<C & { exemptions: Exemption[] }>();
            spec.check(plainResources(args.resources), config, reportViolation, (x) => isExempt(typeof x === "string" ? x : x.name, config.exemptions));
        },
    };
}
