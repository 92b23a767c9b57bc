import { ResourceValidationPolicy } from "@pulumi/policy";
import { enumEquals, isAzureType } from "./common";

export const storageNoPublicNetworkAccess: ResourceValidationPolicy = {
    name: "storage-no-public-network-access",
    description: "Storage accounts disable public network access and are reached through private endpoints only (PHI must not be exposed to the internet).",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: { name: "HITRUST CSF", version: "v11.3", reference: "01.m", specification: "Segregation in Networks" },
    tags: ["hitrust", "hipaa", "network", "data-protection"],
    remediationSteps: "Set publicNetworkAccess: \"Disabled\" and add a private endpoint for each storage sub-resource in use.",
    validateResource: (args, reportViolation) => {
        if (!isAzureType(args.type, "storage", "StorageAccount")) return;
        const v = args.props["publicNetworkAccess"];
        // Omitted means Azure's default, which is Enabled.
        if (!enumEquals(v, "Disabled")) {
            reportViolation(`storage account "${args.name}" has publicNetworkAccess ${v === undefined ? "unset (Azure default: Enabled)" : `"${String(v)}"`}; set it to "Disabled"`);
        }
    },
};
