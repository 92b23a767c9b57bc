import { ResourceValidationPolicy } from "@pulumi/policy";
import { isAzureType, prop } from "./common";

export const logAnalyticsRetention: ResourceValidationPolicy = {
    name: "law-retention-and-local-auth",
    description: "Log Analytics workspaces keep audit data at least the configured number of days (HITRUST/HIPAA: 365) and accept Entra ID authentication only.",
    enforcementLevel: "mandatory",
    severity: "medium",
    framework: { name: "HITRUST CSF", version: "9.2", reference: "1211.09aa3System.4-09.aa", specification: "Audit Logging: retention of audit records" },
    tags: ["hitrust", "hipaa", "logging"],
    configSchema: {
        properties: {
            minRetentionDays: { type: "integer", minimum: 30, maximum: 730, default: 365 },
        },
    },
    validateResource: (args, reportViolation) => {
        if (!isAzureType(args.type, "operationalinsights", "Workspace")) return;
        const { minRetentionDays } = args.getConfig<{ minRetentionDays: number }>();
        const days = args.props["retentionInDays"];
        // Omitted means Azure's default of 30 days.
        const effective = typeof days === "number" ? days : 30;
        if (effective < minRetentionDays) reportViolation(`workspace "${args.name}" retains logs ${effective} days; at least ${minRetentionDays} are required`);
        if (prop(args.props, "features.disableLocalAuth") !== true) reportViolation(`workspace "${args.name}" allows shared-key (local) authentication; set features.disableLocalAuth: true`);
    },
};
