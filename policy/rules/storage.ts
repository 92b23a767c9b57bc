import { ResourceValidationPolicy } from "@pulumi/policy";
import { enumEquals, isAzureType, prop } from "./common";

/**
 * A resource instance rule names one Azure resource (`/subscriptions/<sub>/resourceGroups/<rg>/providers/...`).
 * Wildcards (a `*` for the subscription or name) would admit every instance of a service type, in any tenant's subscription.
 * A value still unknown at preview is accepted here; the rule runs again at `pulumi up` with the real ID.
 */
function scopedToInstance(rule: unknown): boolean {
    const id = typeof rule === "object" && rule !== null ? (rule as Record<string, unknown>)["resourceId"] : undefined;
    if (typeof id !== "string") return id !== undefined;
    return !id.includes("*") && /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/.+/i.test(id);
}

/**
 * True when the account's firewall denies by default and opens no IP or VNet rule: only trusted Azure services get
 * through, optionally narrowed to named resource instances (how Health Data Services reaches $import/$export storage).
 */
function trustedServicesOnly(props: Record<string, unknown>): boolean {
    const rules = prop(props, "networkRuleSet");
    const empty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);
    const instances = prop(props, "networkRuleSet.resourceAccessRules");
    return enumEquals(prop(props, "networkRuleSet.defaultAction"), "Deny")
        && empty(prop(props, "networkRuleSet.ipRules"))
        && empty(prop(props, "networkRuleSet.virtualNetworkRules"))
        && (empty(instances) || (Array.isArray(instances) && instances.every(scopedToInstance)))
        && typeof rules === "object";
}

export const storageNoPublicNetworkAccess: ResourceValidationPolicy = {
    name: "storage-no-public-network-access",
    description: "Storage accounts disable public network access and are reached through private endpoints; the only exception is an account whose firewall denies everything except trusted Azure services, optionally narrowed to named resource instances (Network Watcher flow logs, Health Data Services $import/$export).",
    enforcementLevel: "mandatory",
    severity: "high",
    framework: { name: "HITRUST CSF", version: "v11.3", reference: "01.m", specification: "Segregation in Networks" },
    tags: ["hitrust", "hipaa", "network", "data-protection"],
    remediationSteps: "Set publicNetworkAccess: \"Disabled\" and add a private endpoint for each storage sub-resource in use. For accounts only Azure platform services reach, keep networkRuleSet.defaultAction \"Deny\" with no IP or VNet rules, and resource-instance rules only for specific resource IDs (no wildcards).",
    validateResource: (args, reportViolation) => {
        if (!isAzureType(args.type, "storage", "StorageAccount")) return;
        const v = args.props["publicNetworkAccess"];
        if (enumEquals(v, "Disabled")) return;
        // Enabled (or omitted, Azure's default) is acceptable only when the firewall leaves nothing but the
        // trusted-services exception open (learn.microsoft.com/azure/storage/common/storage-network-security#trusted-access).
        if (trustedServicesOnly(args.props)) return;
        reportViolation(`storage account "${args.name}" has publicNetworkAccess ${v === undefined ? "unset (Azure default: Enabled)" : `"${String(v)}"`} and its firewall is not limited to trusted services (default Deny, no IP/VNet rules, resource-instance rules without wildcards); set publicNetworkAccess to "Disabled"`);
    },
};
