import { prop } from "./common";
import { resourceRule } from "./define";

export const logAnalyticsRetention = resourceRule<{ minRetentionDays: number }>({
    name: "law-retention-and-local-auth",
    area: "monitoring",
    description: "Log Analytics workspaces keep audit data at least the configured number of days (HITRUST/HIPAA: 365) and accept Entra ID authentication only.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.aa", "09.h"], azurePolicy: ["cf820ca0", "e15effd4"], checkov: [] },
    types: ["operationalinsights:Workspace"],
    remediation: "Set retentionInDays to at least minRetentionDays and features.disableLocalAuth: true.",
    config: { minRetentionDays: { type: "integer", minimum: 30, maximum: 730, default: 365 } },
    check: (r, c, report) => {
        const days = r.props["retentionInDays"];
        // Omitted means Azure's default of 30 days.
        const effective = typeof days === "number" ? days : 30;
        if (effective < c.minRetentionDays) report(`workspace "${r.name}" retains logs ${effective} days; at least ${c.minRetentionDays} are required`);
        if (prop(r.props, "features.disableLocalAuth") !== true) report(`workspace "${r.name}" allows shared-key (local) authentication; set features.disableLocalAuth: true`);
    },
});
