import * as pulumi from "@pulumi/pulumi";
import * as cognitiveservices from "@pulumi/azure-native/cognitiveservices";
import * as inputs from "@pulumi/azure-native/types/input";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { keepInputShape } from "../shared/inputShape";
import { createLock } from "../shared/lock";
import { createPrivateEndpoints } from "../shared/privateEndpoint";
import { createRoleAssignments } from "../shared/roleAssignment";
import { ACCOUNT_KIND } from "./constants";
import { IntelligenceSettings } from "./defaults";

/** What the outputs need of the account block. */
export interface LanguageAccount {
    account: cognitiveservices.Account;
    /** `https://<custom subdomain>.cognitiveservices.azure.com/`, the data-plane endpoint callers use with an Entra token. */
    endpoint: pulumi.Output<string>;
    /** Object ID of the system-assigned identity; empty without one. */
    principalId: pulumi.Output<string>;
}

/**
 * The Language account (kind TextAnalytics) and its private endpoint, diagnostics, role assignments and lock.
 *
 * - `customSubDomainName` is the account name: Microsoft Entra ID tokens and private endpoints work only on the custom
 *   subdomain endpoint, never on the regional one (learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains,
 *   learn.microsoft.com/azure/ai-services/authentication#authenticate-with-microsoft-entra-id).
 * - `disableLocalAuth`: no API keys, only Entra ID (learn.microsoft.com/azure/ai-services/disable-local-auth).
 * - `publicNetworkAccess` Disabled and the firewall denying with no IP or VNet rule: only the private endpoint reaches it
 *   (learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks).
 * - `restrictOutboundNetworkAccess` with `allowedFqdnList`: the account calls out only to the listed hosts, none by
 *   default (learn.microsoft.com/azure/ai-services/cognitive-services-data-loss-prevention).
 */
export function createLanguageAccount(parent: pulumi.ComponentResource, name: string, s: IntelligenceSettings): LanguageAccount {
    const child: pulumi.CustomResourceOptions = { parent };
    // Every field the provider's defaults would fill in is absent (only `encryption` has defaults), so `properties` goes to
    // the engine as written (shared/inputShape.ts): at a first preview only the subdomain (from the stack suffix) is
    // unknown, and the policy pack still sees disableLocalAuth and publicNetworkAccess.
    const properties: inputs.cognitiveservices.AccountPropertiesArgs = {
        customSubDomainName: s.accountName,
        disableLocalAuth: true,
        publicNetworkAccess: "Disabled",
        networkAcls: { defaultAction: "Deny", ipRules: [], virtualNetworkRules: [] },
        restrictOutboundNetworkAccess: true,
        allowedFqdnList: s.allowedFqdns,
    };
    const identity: inputs.cognitiveservices.IdentityArgs | undefined = s.systemAssigned ? { type: "SystemAssigned" } : undefined;
    const account = new cognitiveservices.Account(`${name}-lang`, {
        accountName: s.accountName,
        resourceGroupName: s.rg,
        location: s.location,
        kind: ACCOUNT_KIND,
        sku: { name: s.sku },
        ...(identity !== undefined ? { identity } : {}),
        properties,
        tags: s.tags,
    }, { parent, transformations: [keepInputShape("properties", properties)] });

    createPrivateEndpoints(`${name}-lang`, { id: account.id, name: account.name, resourceGroupName: s.rg, location: s.location, tags: s.tags }, s.privateEndpoints, child);
    createDiagnosticSettings(`${name}-lang`, account.id, s.diagnostics, child);
    createRoleAssignments(`${name}-lang`, account.id, s.roleAssignments, child);
    createLock(`${name}-lang`, account.id, s.lock, child);

    return {
        account,
        endpoint: pulumi.interpolate`https://${account.name}.cognitiveservices.azure.com/`,
        principalId: account.identity.apply((i) => i?.principalId ?? ""),
    };
}
