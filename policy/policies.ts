import { Policies } from "@pulumi/policy";
import { logAnalyticsRetention } from "./rules/monitoring";
import { storageNoPublicNetworkAccess } from "./rules/storage";
import { requiredTags } from "./rules/tags";

/** Every policy in the pack, importable by tests without starting the analyzer server. */
export const policies: Policies = [
    requiredTags,
    storageNoPublicNetworkAccess,
    logAnalyticsRetention,
];
