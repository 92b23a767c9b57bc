import { UNKNOWN, enumEquals, peek, prop, publicAccessOpen } from "./common";
import { resourceRule } from "./define";

/** Azure AI (Cognitive Services) accounts, e.g. text analytics for health or de-identification. Settings nest under `properties`. */
const AREA = "cognitive-services";

export const cognitiveNoLocalAuth = resourceRule({
    name: "cognitive-no-local-auth",
    area: AREA,
    description: "Azure AI services accounts refuse API keys: callers authenticate with Entra ID.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.c"], azurePolicy: ["71ef260a"], checkov: ["CKV_AZURE_236"] },
    types: ["cognitiveservices:Account"],
    remediation: "Set properties.disableLocalAuth: true.",
    check: (r, _c, report) => { if (prop(r.props, "properties.disableLocalAuth") !== true) report(`AI services account "${r.name}" allows key (local) authentication`); },
});

export const cognitivePrivateOnly = resourceRule({
    name: "cognitive-private-only",
    area: AREA,
    description: "Azure AI services accounts refuse public network access (PHI sent for analysis stays on private endpoints).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab"], azurePolicy: ["0725b4dd", "037eea7a"], checkov: ["CKV_AZURE_134"] },
    types: ["cognitiveservices:Account"],
    remediation: "Set properties.publicNetworkAccess: \"Disabled\" and add a private endpoint (group account).",
    check: (r, _c, report) => {
        const open = publicAccessOpen(r.props, "properties.publicNetworkAccess");
        if (open !== undefined) report(`AI services account "${r.name}" has publicNetworkAccess ${open}`);
    },
});

/**
 * The network settings that keep an Azure AI services account (the Language service reading PHI) to its private
 * endpoint and stop it sending data elsewhere:
 * - a custom subdomain (`<name>.cognitiveservices.azure.com`): without it the account answers on the shared regional
 *   endpoint, which supports neither Entra ID authentication (cognitive-no-local-auth turns keys off) nor private
 *   endpoints or network rules (learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains); it can
 *   only be set once;
 * - a firewall that denies by default (networkAcls.defaultAction "Deny"; no ACL means every network is allowed) when it
 *   decides anything: whenever public network access is not "Disabled" (omitted means Enabled), and whenever networkAcls
 *   is given, so turning public access back on never opens the account to every network. An account with
 *   publicNetworkAccess "Disabled" and no networkAcls is reachable through private endpoints only and complies
 *   (learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks);
 * - outbound access restricted (restrictOutboundNetworkAccess: true, with allowedFqdnList naming what it may call):
 *   Microsoft's data loss prevention control for AI services, which otherwise may fetch from or send to any URL
 *   (learn.microsoft.com/azure/ai-services/cognitive-services-data-loss-prevention).
 */
export const cognitiveNetworkLocked = resourceRule({
    name: "cognitive-network-locked",
    area: AREA,
    description: "Azure AI services accounts have a custom subdomain (required for Entra ID and private endpoints), a firewall that denies by default whenever public access is not Disabled or networkAcls is given, and restricted outbound network access (data loss prevention).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab", "09.m"], azurePolicy: ["037eea7a"], checkov: [] },
    types: ["cognitiveservices:Account"],
    remediation: "Set properties.customSubDomainName (globally unique, fixed at creation), properties.networkAcls: { defaultAction: \"Deny\" } (or publicNetworkAccess \"Disabled\" without networkAcls), and properties.restrictOutboundNetworkAccess: true with allowedFqdnList listing only the hosts the account must reach.",
    check: (r, _c, report) => {
        // A subdomain computed from other outputs (unknown at preview) is still set.
        const subdomain = peek(r.props, "properties.customSubDomainName");
        if (subdomain !== UNKNOWN && (typeof subdomain !== "string" || subdomain.trim() === "")) report(`AI services account "${r.name}" has no custom subdomain (properties.customSubDomainName): no Entra ID authentication or private endpoint on the shared regional endpoint`);
        const acls = prop(r.props, "properties.networkAcls");
        const open = publicAccessOpen(r.props, "properties.publicNetworkAccess");
        if (acls !== undefined || open !== undefined) {
            const action = prop(r.props, "properties.networkAcls.defaultAction");
            if (!enumEquals(action, "Deny")) report(`AI services account "${r.name}" firewall does not deny by default (networkAcls.defaultAction ${acls === undefined ? "unset: every network allowed" : String(action ?? "unset")}${open !== undefined ? `, publicNetworkAccess ${open}` : ""})`);
        }
        if (prop(r.props, "properties.restrictOutboundNetworkAccess") !== true) report(`AI services account "${r.name}" does not restrict outbound network access (properties.restrictOutboundNetworkAccess is not true)`);
    },
});
