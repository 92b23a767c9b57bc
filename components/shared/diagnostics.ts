import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import { throwIfProblems } from "./validation";

/** One diagnostic setting (AVM `diagnosticSettingFullType`, restricted to the Log Analytics destination). */
export interface DiagnosticSettingArgs {
    /** Name of the diagnostic setting (1-260 chars, none of `<>*%&:\?+/`). @default "diag-to-law" */
    name?: string;
    /** Resource ID of the Log Analytics workspace that receives the logs. */
    workspaceResourceId: pulumi.Input<string>;
    /** Log category groups to send (`allLogs`, `audit`). Mutually exclusive with `logCategories`. @default ["allLogs"] when `logCategories` is empty */
    logCategoryGroups?: string[];
    /** Individual log categories to send. Mutually exclusive with `logCategoryGroups`. @default [] */
    logCategories?: string[];
    /** Metric categories to send; `[]` for resources without metrics (NSGs, Bastion). @default ["AllMetrics"] */
    metricCategories?: string[];
    /** `Dedicated` writes to resource-specific tables (recommended where supported), `AzureDiagnostics` to the legacy table. @default "Dedicated" */
    logAnalyticsDestinationType?: string;
}

const SETTING_NAME = /^[^<>*%&:\\?+/]{1,260}$/;
const DESTINATION_TYPES = ["Dedicated", "AzureDiagnostics"];
const CATEGORY_GROUPS = ["allLogs", "audit"];

/** Plain-value validation for one setting; returns the problems (empty when valid). */
export function diagnosticSettingProblems(key: string, s: DiagnosticSettingArgs): string[] {
    const p: string[] = [];
    if (s.name !== undefined && !SETTING_NAME.test(s.name)) p.push(`diagnosticSettings.${key}.name "${s.name}" must be 1-260 chars without <>*%&:\\?+/`);
    if ((s.logCategoryGroups?.length ?? 0) > 0 && (s.logCategories?.length ?? 0) > 0) {
        p.push(`diagnosticSettings.${key}: logCategoryGroups and logCategories are mutually exclusive`);
    }
    for (const g of s.logCategoryGroups ?? []) {
        if (!CATEGORY_GROUPS.includes(g)) p.push(`diagnosticSettings.${key}.logCategoryGroups: "${g}" is not one of ${CATEGORY_GROUPS.join(", ")}`);
    }
    if (s.logAnalyticsDestinationType !== undefined && !DESTINATION_TYPES.includes(s.logAnalyticsDestinationType)) {
        p.push(`diagnosticSettings.${key}.logAnalyticsDestinationType "${s.logAnalyticsDestinationType}" is not one of ${DESTINATION_TYPES.join(", ")}`);
    }
    return p;
}

/**
 * Creates one `monitor.DiagnosticSetting` per Record entry on `resourceUri`, named `<prefix>-diag-<key>` so that
 * reordering or adding entries never replaces existing settings.
 */
export function createDiagnosticSettings(
    prefix: string,
    resourceUri: pulumi.Input<string>,
    settings: Record<string, DiagnosticSettingArgs>,
    opts: pulumi.CustomResourceOptions,
): Record<string, monitor.DiagnosticSetting> {
    const problems = Object.entries(settings).flatMap(([k, s]) => diagnosticSettingProblems(k, s));
    throwIfProblems(prefix, "diagnostic settings", problems);
    const out: Record<string, monitor.DiagnosticSetting> = {};
    for (const [key, s] of Object.entries(settings)) {
        const categories = s.logCategories ?? [];
        const groups = s.logCategoryGroups ?? (categories.length === 0 ? ["allLogs"] : []);
        out[key] = new monitor.DiagnosticSetting(`${prefix}-diag-${key}`, {
            name: s.name ?? "diag-to-law",
            resourceUri,
            workspaceId: s.workspaceResourceId,
            logAnalyticsDestinationType: s.logAnalyticsDestinationType ?? "Dedicated",
            logs: [
                ...groups.map((categoryGroup) => ({ categoryGroup, enabled: true })),
                ...categories.map((category) => ({ category, enabled: true })),
            ],
            metrics: (s.metricCategories ?? ["AllMetrics"]).map((category) => ({ category, enabled: true })),
        }, opts);
    }
    return out;
}
