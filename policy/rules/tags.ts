import { ResourceValidationPolicy } from "@pulumi/policy";
import { azureTypeKey } from "./common";

/**
 * azure-native resource types that have no `tags` input (extension and child resources). Every other azure-native
 * resource is treated as taggable. Keep in sync with what the program creates; the repo's tests check the graph
 * against this list.
 */
export const NON_TAGGABLE_TYPES = new Set([
    "apimanagement:Api",
    "apimanagement:ApiDiagnostic",
    "apimanagement:ApiOperation",
    "apimanagement:ApiPolicy",
    "apimanagement:Logger",
    "authorization:ManagementLockByScope",
    "authorization:PolicyAssignment",
    "authorization:RoleAssignment",
    "eventhub:ConsumerGroup",
    "eventhub:EventHub",
    "eventhub:NamespaceNetworkRuleSet",
    "healthcareapis:IotConnectorFhirDestination",
    "monitor:DiagnosticSetting",
    "network:FirewallPolicyRuleCollectionGroup",
    "network:PrivateDnsZoneGroup",
    "network:Route",
    "network:SecurityRule",
    "network:Subnet",
    "network:VirtualNetworkPeering",
    "privatedns:PrivateRecordSet",
    "security:Pricing",
    "storage:BlobContainer",
    "storage:BlobServiceProperties",
]);

/** Tag keys every taggable resource carries (components/shared/tags.ts REQUIRED_TAG_KEYS). */
export const DEFAULT_REQUIRED_TAGS = ["environment", "workload", "data-classification", "owner", "cost-center", "managed-by"];

export const requiredTags: ResourceValidationPolicy = {
    name: "required-tags",
    description: "Every taggable Azure resource carries the ownership, environment and data-classification tags (accountability and PHI inventory).",
    enforcementLevel: "mandatory",
    severity: "medium",
    framework: { name: "HITRUST CSF", version: "v11.3", reference: "07.a", specification: "Inventory of Assets: assets are identified, owned and classified" },
    tags: ["hitrust", "hipaa", "governance"],
    configSchema: {
        properties: {
            requiredTags: { type: "array", items: { type: "string" }, default: DEFAULT_REQUIRED_TAGS },
        },
    },
    validateResource: (args, reportViolation) => {
        const key = azureTypeKey(args.type);
        if (key === undefined || NON_TAGGABLE_TYPES.has(key)) return;
        const { requiredTags: required } = args.getConfig<{ requiredTags: string[] }>();
        const tags = args.props["tags"];
        const present = typeof tags === "object" && tags !== null ? Object.keys(tags) : [];
        const missing = required.filter((t) => !present.includes(t));
        if (missing.length > 0) reportViolation(`${args.type} "${args.name}" is missing tags: ${missing.join(", ")}`);
    },
};
