import { enumEquals, prop } from "./common";
import { resourceRule } from "./define";

const AREA = "firewall";

export const firewallUsesPolicy = resourceRule({
    name: "firewall-uses-policy",
    area: AREA,
    description: "Azure Firewall is managed by a Firewall Policy, not classic inline rule collections.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.m"], azurePolicy: ["794d77cc"], checkov: ["CKV_AZURE_219"] },
    types: ["network:AzureFirewall"],
    remediation: "Set firewallPolicy.id and move rules to FirewallPolicyRuleCollectionGroups.",
    check: (r, _c, report) => {
        if (prop(r.props, "firewallPolicy.id") === undefined) report(`firewall "${r.name}" has no Firewall Policy`);
        for (const k of ["networkRuleCollections", "applicationRuleCollections", "natRuleCollections"]) {
            const v = r.props[k];
            if (Array.isArray(v) && v.length > 0) report(`firewall "${r.name}" uses classic ${k}`);
        }
    },
});

export const firewallThreatIntelDeny = resourceRule({
    name: "firewall-threat-intel-deny",
    area: AREA,
    description: "Threat-intelligence filtering denies traffic to and from known-malicious addresses (not alert only).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.m", "10.m"], azurePolicy: ["da79a7e2", "7c591a93"], checkov: ["CKV_AZURE_216"] },
    types: ["network:FirewallPolicy"],
    remediation: "Set threatIntelMode: \"Deny\".",
    check: (r, _c, report) => { if (!enumEquals(r.props["threatIntelMode"], "Deny")) report(`firewall policy "${r.name}" has threatIntelMode ${JSON.stringify(r.props["threatIntelMode"] ?? "Alert (default)")}`); },
});
