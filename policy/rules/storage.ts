import { ResourceValidationPolicy } from "@pulumi/policy";
import { enumEquals, isAzureType, prop } from "./common";

/** True when the account's firewall denies by default and opens no IP or VNet rule: only trusted Azure services get through. */
function trustedServicesOnly(props: Record<string, unknown>): boolean {
    const rules = prop(props, "networkRuleSet");
    const empty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);
    return enumEquals(prop(props, "networkRuleSet.defaultAction"), "Deny")
        && empty(prop(props, "networkRuleSet.ipRules"))
        && empty(prop(props, "networkRuleSet.virtualNetworkRules"))
        && empty(prop(props, "networkRuleSet.resourceAccessRules"))
        && typeof rules === "object";
}

export const storageNoPublicNetworkAccess: ResourceValidationPolicy = {
    name: "storage-no-public-network-access",
    description: "Storage accounts disable public network access and are reached through private endpoints; the only exception is an account whose firewall denies everything except trusted Azure services (platform writers such as Network Watcher flow logs).",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: { name: "HITRUST CSF", version: "v11.3", reference: "01.m", specification: "Segregation in Networks" },
    tags: ["hitrust", "hipaa", "network", "data-protection"],
    remediationSteps: "Set publicNetworkAccess: \"Disabled\" and add a private endpoint for each storage sub-resource in use. For accounts only Azure platform services write to, keep networkRuleSet.defaultAction \"Deny\" with no IP, VNet or resource-instance rules.",
    validateResource: (args, reportViolation) => {
        if (!isAzureType(args.type, "storage", "StorageAccount")) return;
        const v = args.props["publicNetworkAccess"];
        if (enumEquals(v, "Disabled")) return;
        // Enabled (or omitted, Azure's default) is acceptable only when the firewall leaves nothing but the
        // trusted-services exception open (learn.microsoft.com/azure/storage/common/storage-network-security#trusted-access).
        if (trustedServicesOnly(args.props)) return;
        reportViolation(`storage account "${args.name}" has publicNetworkAccess ${v === undefined ? "unset (Azure default: Enabled)" : `"${String(v)}"`} and its firewall does not deny by default; set publicNetworkAccess to "Disabled"`);
    },
};
