import { PolicyResource } from "@pulumi/policy";
import { azureTypeKey, enumEquals, objects as arr, present, prop } from "./common";
import { resourceRule, stackRule } from "./define";
import { samplesFor, wafCustomRuleVerdict } from "./wafEval";

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
        if (!present(r.props, "firewallPolicy.id")) report(`application gateway "${r.name}" has no WAF policy`);
    },
});

/**
 * Managed rule sets whose Java group carries rule 944240 (Log4j JNDI lookups, CVE-2021-44228): OWASP CRS 3.1 and later,
 * and Microsoft's Default Rule Set 2.1 and later (learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-crs-rulegroups-rules).
 * OWASP 3.0 and 2.2.9 predate it. A rule set without a type is not guessed.
 */
const LOG4J_RULE_SETS: Record<string, number> = { owasp: 3.1, microsoft_defaultruleset: 2.1 };
const LOG4J_RULE = "944240";

/** True when the rule set detects Log4Shell: a covering type and version, and rule 944240 not switched off in an override. */
function detectsLog4Shell(set: Record<string, unknown>): boolean {
    const type = set["ruleSetType"];
    const min = typeof type === "string" ? LOG4J_RULE_SETS[type.toLowerCase()] : undefined;
    const version = Number.parseFloat(String(set["ruleSetVersion"]));
    if (min === undefined || Number.isNaN(version) || version < min) return false;
    // A rule listed in an override without a state is disabled (the API's default for overridden rules).
    const disabled = arr(set["ruleGroupOverrides"]).flatMap((g) => arr(g["rules"]))
        .some((rule) => String(rule["ruleId"]) === LOG4J_RULE && !enumEquals(rule["state"], "Enabled"));
    return !disabled;
}

export const wafPreventionMode = resourceRule({
    name: "waf-prevention-mode",
    area: AREA,
    description: "WAF policies are enabled in Prevention mode with request body inspection and a managed rule set that detects Log4Shell (OWASP 3.1+ or Microsoft DRS 2.1+, rule 944240 not disabled).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.l", "01.m", "01.n", "09.ab", "09.h", "09.j", "09.m", "09.w", "10.m"], azurePolicy: ["12430be1", "ca85ef9a"], checkov: ["CKV_AZURE_122", "CKV_AZURE_135"] },
    types: ["network:WebApplicationFirewallPolicy"],
    remediation: "Set policySettings { state: Enabled, mode: Prevention, requestBodyCheck: true } and a managed rule set (Microsoft_DefaultRuleSet 2.1); never override rule 944240 to Disabled.",
    check: (r, _c, report) => {
        if (!enumEquals(prop(r.props, "policySettings.state"), "Enabled")) report(`WAF policy "${r.name}" is not enabled`);
        if (!enumEquals(prop(r.props, "policySettings.mode"), "Prevention")) report(`WAF policy "${r.name}" is in ${JSON.stringify(prop(r.props, "policySettings.mode") ?? "Detection (default)")} mode, not Prevention`);
        if (prop(r.props, "policySettings.requestBodyCheck") === false) report(`WAF policy "${r.name}" does not inspect request bodies`);
        const sets = arr(prop(r.props, "managedRules.managedRuleSets"));
        if (sets.length === 0) report(`WAF policy "${r.name}" has no managed rule set`);
        else if (!sets.some(detectsLog4Shell)) report(`WAF policy "${r.name}" has no managed rule set that detects Log4Shell (CVE-2021-44228): use OWASP 3.1+ or Microsoft_DefaultRuleSet 2.1+ and keep rule ${LOG4J_RULE} enabled`);
    },
});

const TLS12_POLICIES = ["AppGwSslPolicy20220101", "AppGwSslPolicy20220101S"];
/**
 * Cipher suites a Custom/CustomV2 policy may list: those of the accepted predefined policy AppGwSslPolicy20220101 (TLS 1.3
 * AEAD suites and ECDHE suites: forward secrecy, no 3DES/RC4, no static-RSA or DHE key exchange, no SHA-1 MACs), so a custom
 * policy is never weaker than a predefined one (learn.microsoft.com/azure/application-gateway/application-gateway-ssl-policy-overview).
 */
const TLS12_CIPHERS = [
    "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
];

export const appGatewayTls12 = resourceRule({
    name: "appgw-tls-min-1-2",
    area: AREA,
    description: "Application Gateway listeners negotiate TLS 1.2 or later only, with cipher suites no weaker than the predefined TLS 1.2 policies.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.y", "01.n"], azurePolicy: [], checkov: ["CKV_AZURE_218"] },
    types: ["network:ApplicationGateway"],
    remediation: "Use sslPolicy { policyType: Predefined, policyName: AppGwSslPolicy20220101S } or a Custom/CustomV2 policy with minProtocolVersion TLSv1_2 and only ECDHE or TLS 1.3 cipher suites.",
    check: (r, _c, report) => {
        const type = prop(r.props, "sslPolicy.policyType");
        const custom = enumEquals(type, "Custom") || enumEquals(type, "CustomV2");
        const ok = (enumEquals(type, "Predefined") && TLS12_POLICIES.some((p) => enumEquals(prop(r.props, "sslPolicy.policyName"), p)))
            || (custom && ["TLSv1_2", "TLSv1_3"].some((v) => enumEquals(prop(r.props, "sslPolicy.minProtocolVersion"), v)));
        if (!ok) report(`application gateway "${r.name}" allows TLS below 1.2 (sslPolicy ${JSON.stringify(r.props["sslPolicy"] ?? "default")})`);
        const ciphers = prop(r.props, "sslPolicy.cipherSuites");
        const weak = custom && Array.isArray(ciphers) ? ciphers.filter((c) => !TLS12_CIPHERS.some((x) => enumEquals(c, x))) : [];
        if (weak.length > 0) report(`application gateway "${r.name}" allows weak cipher suites: ${weak.map(String).join(", ")}`);
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

const gwKey = (r: PolicyResource) => azureTypeKey(r.type) ?? "";
/** The last segment of a sub-resource reference (`{ id: ".../backendAddressPools/apim" }` → "apim"). */
const refName = (v: unknown) => { const id = prop(v as Record<string, unknown>, "id"); return typeof id === "string" ? id.split("/").pop() ?? "" : undefined; };

export const wafAdmitsRoutedPaths = stackRule({
    name: "waf-admits-routed-paths",
    area: AREA,
    description: "An Application Gateway's WAF custom rules do not block the paths its URL path maps publish to a backend (a path rule's exact path, with and without a query string, and a path below a `/*` pattern): a published API whose base URL the WAF refuses deploys cleanly and then fails every call to it.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.h", "10.c"], azurePolicy: [], checkov: [] },
    types: ["network:ApplicationGateway", "network:WebApplicationFirewallPolicy"],
    remediation: "Make the WAF custom rule that blocks unpublished paths admit every published path (for a FHIR base /fhir: /fhir, /fhir?... and /fhir/...), or route only what the WAF admits.",
    check: (resources, _c, report, exempt) => {
        const policies = resources.filter((r) => gwKey(r) === "network:WebApplicationFirewallPolicy");
        for (const gw of resources.filter((r) => gwKey(r) === "network:ApplicationGateway")) {
            if (exempt(gw)) continue;
            // The gateway's own WAF policy, by dependency (known at preview) or by ID.
            const policyId = prop(gw.props, "firewallPolicy.id");
            const waf = policies.find((p) => (gw.propertyDependencies["firewallPolicy"] ?? []).some((d) => d.urn === p.urn) || (typeof policyId === "string" && enumEquals(p.props["id"], policyId)));
            if (waf === undefined) continue;
            const servingPools = new Set(arr(gw.props["backendAddressPools"]).filter((p) => arr(p["backendAddresses"]).length > 0).map((p) => String(p["name"])));
            for (const map of arr(gw.props["urlPathMaps"])) {
                for (const rule of arr(map["pathRules"])) {
                    // A path rule to an empty pool or a redirect publishes nothing; one with its own WAF policy is judged by that.
                    // At a first preview the pool reference (built from the gateway's ID) may be unknown: taken as serving.
                    if (rule["backendAddressPool"] === undefined || rule["firewallPolicy"] !== undefined) continue;
                    const pool = refName(rule["backendAddressPool"]) ?? "(unknown at preview)";
                    if (pool !== "(unknown at preview)" && !servingPools.has(pool)) continue;
                    for (const pattern of Array.isArray(rule["paths"]) ? rule["paths"].map(String) : []) {
                        for (const req of samplesFor(pattern)) {
                            const verdict = wafCustomRuleVerdict(waf.props["customRules"], req);
                            if (verdict.action === "Block") report(`application gateway "${gw.name}" routes ${req.method} ${req.uri} (path rule "${String(rule["name"])}", pattern "${pattern}") to pool "${pool}", but WAF custom rule "${verdict.rule}" of "${waf.name}" blocks it`, gw.urn);
                        }
                    }
                }
            }
        }
    },
});
