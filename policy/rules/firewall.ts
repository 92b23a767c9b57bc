import { enumEquals, objects, peek, present, prop } from "./common";
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
        if (!present(r.props, "firewallPolicy.id")) report(`firewall "${r.name}" has no Firewall Policy`);
        for (const k of ["networkRuleCollections", "applicationRuleCollections", "natRuleCollections"]) {
            const v = r.props[k];
            if (Array.isArray(v) && v.length > 0) report(`firewall "${r.name}" uses classic ${k}`);
        }
    },
});

export const firewallThreatIntelDeny = resourceRule({
    name: "firewall-threat-intel-deny",
    area: AREA,
    description: "Threat-intelligence filtering denies traffic to and from known-malicious addresses (not alert only), on the Firewall Policy and on any classic setting of the firewall itself.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.m", "10.m"], azurePolicy: ["da79a7e2", "7c591a93"], checkov: ["CKV_AZURE_216"] },
    types: ["network:FirewallPolicy", "network:AzureFirewall"],
    remediation: "Set threatIntelMode: \"Deny\" on the Firewall Policy; leave the firewall's own (classic) threatIntelMode unset or \"Deny\".",
    check: (r, _c, report) => {
        const mode = r.props["threatIntelMode"];
        if (r.typeKey === "network:FirewallPolicy") {
            if (!enumEquals(mode, "Deny")) report(`firewall policy "${r.name}" has threatIntelMode ${JSON.stringify(mode ?? "Alert (default)")}`);
            return;
        }
        // On a policy-managed firewall the policy's mode governs; a classic firewall without one defaults to Alert.
        if (mode !== undefined ? !enumEquals(mode, "Deny") : !present(r.props, "firewallPolicy.id")) report(`firewall "${r.name}" has threatIntelMode ${JSON.stringify(mode ?? "Alert (classic default)")}`);
    },
});

/**
 * True when one side of an IDPS bypass entry means every address: a wildcard or the whole IPv4 space, or no address
 * and no IP group at all. IP groups (IDs, possibly unknown at preview) count as a named set.
 */
function anyAddress(entry: Record<string, unknown>, addresses: string, groups: string): boolean {
    const a = entry[addresses];
    const list = Array.isArray(a) ? a.map((x) => String(x).trim()) : [];
    if (list.some((x) => x === "*" || x === "0.0.0.0/0")) return true;
    const g = peek(entry, groups);
    return list.length === 0 && (g === undefined || (Array.isArray(g) && g.length === 0));
}

export const firewallPremiumIdps = resourceRule<{ allowAlert: boolean }>({
    name: "firewall-premium-idps",
    area: AREA,
    description: "Azure Firewall runs the Premium tier with intrusion detection and prevention (IDPS) denying matched traffic.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.m", "10.m", "09.ab"], azurePolicy: ["8c19196d"], checkov: ["CKV_AZURE_220"] },
    types: ["network:AzureFirewall", "network:FirewallPolicy"],
    remediation: "Use sku.tier Premium on the firewall and its policy, with intrusionDetection.mode \"Deny\".",
    config: { allowAlert: { type: "boolean", default: false } },
    check: (r, c, report) => {
        if (!enumEquals(prop(r.props, "sku.tier"), "Premium")) report(`${r.typeKey === "network:AzureFirewall" ? "firewall" : "firewall policy"} "${r.name}" is not Premium (no IDPS)`);
        if (r.typeKey !== "network:FirewallPolicy") return;
        const mode = prop(r.props, "intrusionDetection.mode");
        if (!enumEquals(mode, "Deny") && !(c.allowAlert && enumEquals(mode, "Alert"))) report(`firewall policy "${r.name}" IDPS mode is ${mode === undefined ? "Off (unset)" : String(mode)}`);
        // The IDPS bypass list exempts matching traffic from inspection (learn.microsoft.com/azure/firewall/premium-features#idps):
        // an entry from any source to any destination turns IDPS off whatever the mode says. Narrow entries (a
        // named backup target, an IP group) are tuning and stay allowed.
        for (const b of objects(prop(r.props, "intrusionDetection.configuration.bypassTrafficSettings"))) {
            if (anyAddress(b, "sourceAddresses", "sourceIpGroups") && anyAddress(b, "destinationAddresses", "destinationIpGroups")) {
                report(`firewall policy "${r.name}" IDPS bypass rule "${String(b["name"] ?? "")}" exempts traffic from any source to any destination from inspection`);
            }
        }
    },
});
