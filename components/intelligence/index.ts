import * as pulumi from "@pulumi/pulumi";
import { validatedArgs } from "../shared/validation";
import { createLanguageAccount } from "./account";
import { IntelligenceArgs } from "./args";
import { intelligenceSettings } from "./defaults";
import { intelligenceProblems } from "./validate";

export * from "./args";
export { ACCOUNT_GROUP, ACCOUNT_ZONE, LANGUAGE_SKUS } from "./constants";
export { defaultLanguageAccountName } from "./defaults";
export { intelligenceProblems } from "./validate";

/**
 * An Azure AI Language account for Text Analytics for health (clinical entity, relation and assertion extraction from
 * notes), private and identity-only.
 *
 * - Account: kind TextAnalytics, SKU S, the account name as its custom subdomain (Entra ID tokens and private endpoints
 *   need it), local (key) authentication off, public network access Disabled with the firewall denying, outbound
 *   calls restricted to an allow-list (empty by default), a system-assigned identity.
 * - Network: an `account` private endpoint in the spoke's private-endpoint subnet, registered in
 *   privatelink.cognitiveservices.azure.com.
 * - Audit: allLogs and AllMetrics to the central workspace; callers get data roles on this account only.
 *
 * What cannot be private: the Text Analytics for health container needs an API key and a billing endpoint, so it does
 * not run against this account (README).
 */
export class Intelligence extends pulumi.ComponentResource {
    /** Azure name of the Language account (also its custom subdomain). */
    public readonly accountName: pulumi.Output<string>;
    /** Resource ID of the Language account. */
    public readonly accountId: pulumi.Output<string>;
    /** Data-plane endpoint (`https://<subdomain>.cognitiveservices.azure.com/`), reached through the private endpoint with an Entra ID token. */
    public readonly endpoint: pulumi.Output<string>;
    /** Object ID of the account's system-assigned identity; empty when managedIdentities.systemAssigned is false. */
    public readonly principalId: pulumi.Output<string>;

    constructor(name: string, args: IntelligenceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:Intelligence", name, validatedArgs("Intelligence", name, args, intelligenceProblems), opts);

        // ---- defaults, applied in one place ----
        const s = intelligenceSettings(args);

        // ---- the blocks ----
        const lang = createLanguageAccount(this, name, s);

        // ---- outputs ----
        this.accountName = lang.account.name;
        this.accountId = lang.account.id;
        this.endpoint = lang.endpoint;
        this.principalId = lang.principalId;
        this.registerOutputs({
            accountName: this.accountName,
            accountId: this.accountId,
            endpoint: this.endpoint,
            principalId: this.principalId,
        });
    }
}
