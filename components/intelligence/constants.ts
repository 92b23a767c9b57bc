/**
 * What Azure expects of a Language account's private endpoint and SKU. The component's blocks and its validation
 * share these names.
 */

/**
 * Private Link group (sub-resource) and private DNS zone of an Azure AI services account, `Microsoft.CognitiveServices/accounts`
 * (learn.microsoft.com/azure/private-link/private-endpoint-dns: group `account`, zone `privatelink.cognitiveservices.azure.com`).
 */
export const ACCOUNT_GROUP = "account";
export const ACCOUNT_ZONE = "privatelink.cognitiveservices.azure.com";

/** The account kind of Azure AI Language, which hosts Text Analytics for health (`az cognitiveservices account create --kind TextAnalytics`). */
export const ACCOUNT_KIND = "TextAnalytics";

/**
 * Language pricing tiers: Free `F0` (to try the service) and Standard `S` (production)
 * (learn.microsoft.com/azure/ai-services/language-service/text-analytics-for-health/quickstart, prerequisites).
 */
export const LANGUAGE_SKUS = ["F0", "S"];
