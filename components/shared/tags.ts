/**
 * Standard tags. Every taggable resource carries them; the policy pack's `required-tags` rule checks the same keys.
 * Azure: tag names up to 512 chars (128 for storage accounts), values up to 256, and names must not contain
 * `< > % & \ ? /` (learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations).
 */
export const REQUIRED_TAG_KEYS = ["environment", "workload", "data-classification", "owner", "cost-center", "managed-by"] as const;
export const TAG_VALUE_MAX = 256;
export const TAG_NAME_FORBIDDEN = /[<>%&\\?/]/;

export interface StandardTagValues {
    environment: string;
    workload: string;
    dataClassification: string;
    owner: string;
    costCenter: string;
}

/** The tag map applied to every taggable resource. */
export function standardTags(v: StandardTagValues): Record<string, string> {
    return {
        "environment": v.environment,
        "workload": v.workload,
        "data-classification": v.dataClassification,
        "owner": v.owner,
        "cost-center": v.costCenter,
        "managed-by": "pulumi",
    };
}
