import { ANY_TYPE, resourceRule } from "./define";

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
    // Cache rules are registry sub-resources without tags (azure-native 3.28 CacheRuleArgs has no `tags`).
    "containerregistry:CacheRule",
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
    // ARM has no tags on queues, event subscriptions or basic publishing credential policies (azure-native has no
    // `tags` input on them either).
    "storage:Queue",
    "eventgrid:SystemTopicEventSubscription",
    "web:WebAppFtpAllowed",
    "web:WebAppScmAllowed",
    // Further types the pack's rules read that have no `tags` input in azure-native 3.28 either (the other event
    // subscription kinds, slot publishing policies, standalone app settings, APIM policy scopes, storage services).
    "eventgrid:DomainEventSubscription",
    "eventgrid:DomainTopicEventSubscription",
    "eventgrid:EventSubscription",
    "eventgrid:NamespaceTopicEventSubscription",
    "eventgrid:PartnerTopicEventSubscription",
    "eventgrid:TopicEventSubscription",
    "web:WebAppFtpAllowedSlot",
    "web:WebAppScmAllowedSlot",
    "web:WebAppApplicationSettings",
    "web:WebAppApplicationSettingsSlot",
    "web:WebAppConnectionStrings",
    "web:WebAppConnectionStringsSlot",
    "apimanagement:ApiOperationPolicy",
    "apimanagement:Policy",
    "storage:QueueServiceProperties",
    "storage:Table",
    "storage:TableServiceProperties",
]);

/** Tag keys every taggable resource carries (components/shared/tags.ts REQUIRED_TAG_KEYS). */
export const DEFAULT_REQUIRED_TAGS = ["environment", "workload", "data-classification", "owner", "cost-center", "managed-by"];

export const requiredTags = resourceRule<{ requiredTags: string[] }>({
    name: "required-tags",
    area: "governance",
    description: "Every taggable Azure resource carries the ownership, environment and data-classification tags (accountability and PHI inventory).",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["07.a"], azurePolicy: ["871b6d14"], checkov: [] },
    types: [ANY_TYPE],
    remediation: "Apply the program's default tags (components/shared/tags.ts) or set every key in requiredTags.",
    config: { requiredTags: { type: "array", items: { type: "string" }, default: DEFAULT_REQUIRED_TAGS } },
    check: (r, c, report) => {
        if (NON_TAGGABLE_TYPES.has(r.typeKey)) return;
        const tags = r.props["tags"];
        const present = typeof tags === "object" && tags !== null ? Object.keys(tags) : [];
        const missing = c.requiredTags.filter((t) => !present.includes(t));
        if (missing.length > 0) report(`${r.args.type} "${r.name}" is missing tags: ${missing.join(", ")}`);
    },
});
