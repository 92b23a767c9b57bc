import { EnforcementLevel, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { azureTypeKey } from "./common";

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

export interface ResourceRuleSpec<C extends object = Record<string, never>> {
    name: string;
    /** Area (one file per area): docs group rules by it. */
    area: string;
    description: string;
    severity: "low" | "medium" | "high" | "critical";
    enforcementLevel: EnforcementLevel;
    controls: RuleControls;
    /** Type keys (`<module>:<Type>`); versioned tokens match too. */
    types: string[];
    remediation: string;
    /** JSON-schema properties of the rule's own settings (defaults are filled in by the engine). */
    config?: Record<string, object>;
    check: (r: RuleResource, config: C, report: (message: string) => void) => void;
}

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

/** Rule metadata for docs and tests, by rule name. */
export const RULE_METADATA = new Map<string, { area: string; controls: RuleControls; types: string[] }>();

/**
 * A ResourceValidationPolicy with the pack's conventions: type matching that accepts versioned tokens, HITRUST
 * framework metadata, tags naming the Azure Policy and Checkov IDs it mirrors, and an `exemptions` setting in the
 * spirit of Pulumi's compliance-policies: each exemption names the resources (pattern) and must give a justification
 * of at least 20 characters, which the engine validates against this schema when the pack is configured.
 */
export function resourceRule<C extends object = Record<string, never>>(spec: ResourceRuleSpec<C>): ResourceValidationPolicy {
    RULE_METADATA.set(spec.name, { area: spec.area, controls: spec.controls, types: spec.types });
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel,
        severity: spec.severity,
        framework: { name: "HITRUST CSF", version: "v11.3", reference: spec.controls.hitrust.join(", "), specification: spec.area },
        tags: ["hitrust", "hipaa", spec.area, ...spec.controls.azurePolicy.map((id) => `azure-policy:${id}`), ...spec.controls.checkov.map((id) => `checkov:${id}`)],
        remediationSteps: spec.remediation,
        configSchema: {
            properties: {
                ...(spec.config ?? {}),
                exemptions: EXEMPTIONS_SCHEMA,
            },
        },
        validateResource: (args, reportViolation) => {
            const typeKey = azureTypeKey(args.type);
            if (typeKey === undefined || !spec.types.includes(typeKey)) return;
            const config = args.getConfig<C & { exemptions: Exemption[] }>();
            if (isExempt(args.name, config.exemptions)) return;
            spec.check({ typeKey, name: args.name, props: args.props, args }, config, reportViolation);
        },
    };
}
