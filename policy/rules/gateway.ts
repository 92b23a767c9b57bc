import { enumEquals, objects as arr, prop } from "./common";
import { resourceRule } from "./define";

const AREA = "application-gateway";

export const appGatewayWafAttached = resourceRule({
    name: "appgw-waf-policy-attached",
    area: AREA,
    description: "Application Gateways run the WAF_v2 tier with a WAF policy attached.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.l", "01.m", "01.n", "09.ab", "09.h", "09.j", "09.m", "09.w", "10.c", "10.m"], azurePolicy: ["564feb30"], checkov: ["CKV_AZURE_120"] },
    types: ["network:ApplicationGateway"],
    remediation: "Use sku { name: WAF_v2, tier: WAF_v2 } and set firewallPolicy.id.",
    check: (r, _c, report) => {
        if (!enumEquals(prop(r.props, "sku.tier"), "WAF_v2")) report(`application gateway "${r.name}" is not on the WAF_v2 tier`);
        if (prop(r.props, "firewallPolicy.id") === undefined) report(`application gateway "${r.name}" has no WAF policy`);
    },
});

export const wafPreventionMode = resourceRule({
    name: "waf-prevention-mode",
    area: AREA,
    description: "WAF policies are enabled in Prevention mode with request body inspection and at least one managed rule set.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.l", "01.m", "01.n", "09.ab", "09.h", "09.j", "09.m", "09.w", "10.m"], azurePolicy: ["12430be1", "ca85ef9a"], checkov: ["CKV_AZURE_122", "CKV_AZURE_135"] },
    types: ["network:WebApplicationFirewallPolicy"],
    remediation: "Set policySettings { state: Enabled, mode: Prevention, requestBodyCheck: true } and a managed rule set (Microsoft_DefaultRuleSet 2.1).",
    check: (r, _c, report) => {
        if (!enumEquals(prop(r.props, "policySettings.state"), "Enabled")) report(`WAF policy "${r.name}" is not enabled`);
        if (!enumEquals(prop(r.props, "policySettings.mode"), "Prevention")) report(`WAF policy "${r.name}" is in ${JSON.stringify(prop(r.props, "policySettings.mode") ?? "Detection (default)")} mode, not Prevention`);
        if (prop(r.props, "policySettings.requestBodyCheck") === false) report(`WAF policy "${r.name}" does not inspect request bodies`);
        if (arr(prop(r.props, "managedRules.managedRuleSets")).length === 0) report(`WAF policy "${r.name}" has no managed rule set`);
    },
});

const TLS12_POLICIES = ["AppGwSslPolicy20220101", "AppGwSslPolicy20220101S"];

export const appGatewayTls12 = resourceRule({
    name: "appgw-tls-min-1-2",
    area: AREA,
    description: "Application Gateway listeners negotiate TLS 1.2 or later only.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.y", "01.n"], azurePolicy: [], checkov: ["CKV_AZURE_218"] },
    types: ["network:ApplicationGateway"],
    remediation: "Use sslPolicy { policyType: Predefined, policyName: AppGwSslPolicy20220101S } or a Custom/CustomV2 policy with minProtocolVersion TLSv1_2.",
    check: (r, _c, report) => {
        const type = prop(r.props, "sslPolicy.policyType");
        const ok = (enumEquals(type, "Predefined") && TLS12_POLICIES.some((p) => enumEquals(prop(r.props, "sslPolicy.policyName"), p)))
            || ((enumEquals(type, "Custom") || enumEquals(type, "CustomV2")) && ["TLSv1_2", "TLSv1_3"].some((v) => enumEquals(prop(r.props, "sslPolicy.minProtocolVersion"), v)));
        if (!ok) report(`application gateway "${r.name}" allows TLS below 1.2 (sslPolicy ${JSON.stringify(r.props["sslPolicy"] ?? "default")})`);
    },
});

export const appGatewayHttpsEndToEnd = resourceRule({
    name: "appgw-https-end-to-end",
    area: AREA,
    description: "Only HTTPS listeners reach a backend (an HTTP listener may only redirect to HTTPS), and backends are called over HTTPS.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.y"], azurePolicy: [], checkov: ["CKV_AZURE_217"] },
    types: ["network:ApplicationGateway"],
    remediation: "Route HTTP listeners only to a redirectConfiguration targeting an HTTPS listener; set backendHttpSettings protocol Https.",
    check: (r, _c, report) => {
        const listeners = arr(r.props["httpListeners"]);
        const isHttp = (id: unknown) => listeners.some((l) => enumEquals(l["protocol"], "Http") && typeof id === "string" && id.endsWith(`/httpListeners/${String(l["name"])}`));
        for (const rule of arr(r.props["requestRoutingRules"])) {
            if (!isHttp(prop(rule, "httpListener.id"))) continue;
            if (rule["redirectConfiguration"] === undefined || rule["backendAddressPool"] !== undefined || rule["urlPathMap"] !== undefined) report(`routing rule "${String(rule["name"])}" sends plain HTTP to a backend`);
        }
        for (const s of arr(r.props["backendHttpSettingsCollection"])) if (!enumEquals(s["protocol"], "Https")) report(`backend settings "${String(s["name"])}" call the backend over ${String(s["protocol"] ?? "Http")}`);
    },
});
