import { PolicyResource } from "@pulumi/policy";
import { UNKNOWN, azureTypeKey, enumEquals, objects as arr, present, prop } from "./common";
import { resourceRule, stackRule } from "./define";
import { SAMPLE_METHODS, samplesFor, wafCustomRuleVerdict } from "./wafEval";

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

/**
 * The Java attack group that holds rule 944240: `REQUEST-944-APPLICATION-ATTACK-JAVA` in OWASP CRS 3.x, `JAVA` in
 * Microsoft DRS 2.x (Learn lists its display name as APPLICATION-ATTACK-SESSION-JAVA; both spellings are matched).
 */
const isJavaGroup = (name: unknown) => typeof name === "string" && /^(?:java|request-944-.*|.*-java)$/i.test(name);

/**
 * Override actions that still block a Log4Shell request in Prevention mode. DRS 2.1 and CRS 3.2+ score matches by
 * default (AnomalyScoring: 944240 is Critical, 5 points, and a score of 5 blocks in Prevention mode), CRS 3.1 and
 * earlier block a match by default; Block blocks at once. Log only records the match, Allow lets the request through,
 * and anything else (JSChallenge, None, a value the API may add) is not taken as blocking
 * (learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-crs-rulegroups-rules: "The DRS/CRS supports
 * block, log and anomaly score actions"; "By default, DRS version 2.1 / CRS version 3.2 and above will leverage anomaly
 * scoring ..., CRS 3.1 and below will block matching requests by default").
 */
const BLOCKING_ACTIONS = ["AnomalyScoring", "Block"];

/**
 * Why rule 944240 does not block in this rule set's overrides, or undefined when it does. A rule listed in an override
 * without a state is disabled (ARM ManagedRuleOverride.state: "Defaults to Disabled if not specified"); a Java group
 * override that lists no rules disables the whole group, 944240 included (ARM ManagedRuleGroupOverride.rules: "If none
 * specified, all rules in the group will be disabled"). Checkov's CKV_AZURE_135 reads the latter as disabling nothing.
 */
function log4ShellOverride(set: Record<string, unknown>): string | undefined {
    const groups = arr(set["ruleGroupOverrides"]);
    const whole = groups.find((g) => isJavaGroup(g["ruleGroupName"]) && arr(g["rules"]).length === 0);
    if (whole !== undefined) return `its override of rule group ${String(whole["ruleGroupName"])} lists no rules, which disables the whole group`;
    for (const rule of groups.flatMap((g) => arr(g["rules"])).filter((x) => String(x["ruleId"]) === LOG4J_RULE)) {
        if (!enumEquals(rule["state"], "Enabled")) return `its override ${rule["state"] === undefined ? "lists rule 944240 without a state (disabled)" : `sets rule 944240 ${String(rule["state"])}`}`;
        // No action: the rule set's default, which blocks (see BLOCKING_ACTIONS).
        const action = rule["action"];
        if (action !== undefined && !BLOCKING_ACTIONS.some((a) => enumEquals(action, a))) return `its override sets rule 944240 to action ${String(action)}, which does not block`;
    }
    return undefined;
}

/** Why the rule set does not detect and block Log4Shell, or undefined when it does: a covering type and version, rule 944240 not overridden away. */
function log4ShellGap(set: Record<string, unknown>): string | undefined {
    const type = set["ruleSetType"];
    const min = typeof type === "string" ? LOG4J_RULE_SETS[type.toLowerCase()] : undefined;
    const version = Number.parseFloat(String(set["ruleSetVersion"]));
    const label = `${String(type ?? "(no type)")} ${String(set["ruleSetVersion"] ?? "(no version)")}`;
    if (min === undefined || Number.isNaN(version) || version < min) return `${label} has no rule ${LOG4J_RULE}`;
    const override = log4ShellOverride(set);
    return override === undefined ? undefined : `${label}: ${override}`;
}

export const wafPreventionMode = resourceRule({
    name: "waf-prevention-mode",
    area: AREA,
    description: "WAF policies are enabled in Prevention mode with request body inspection and a managed rule set that detects and blocks Log4Shell (OWASP 3.1+ or Microsoft DRS 2.1+; rule 944240 and its Java rule group not disabled, and 944240 not overridden to a non-blocking action such as Log).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.l", "01.m", "01.n", "09.ab", "09.h", "09.j", "09.m", "09.w", "10.m"], azurePolicy: ["12430be1", "ca85ef9a"], checkov: ["CKV_AZURE_122", "CKV_AZURE_135"] },
    types: ["network:WebApplicationFirewallPolicy"],
    remediation: "Set policySettings { state: Enabled, mode: Prevention, requestBodyCheck: true } and a managed rule set (Microsoft_DefaultRuleSet 2.1); never override rule 944240 to Disabled or to a non-blocking action (Log, Allow), and never override its Java rule group without listing rules (that disables the whole group).",
    check: (r, _c, report) => {
        if (!enumEquals(prop(r.props, "policySettings.state"), "Enabled")) report(`WAF policy "${r.name}" is not enabled`);
        if (!enumEquals(prop(r.props, "policySettings.mode"), "Prevention")) report(`WAF policy "${r.name}" is in ${JSON.stringify(prop(r.props, "policySettings.mode") ?? "Detection (default)")} mode, not Prevention`);
        if (prop(r.props, "policySettings.requestBodyCheck") === false) report(`WAF policy "${r.name}" does not inspect request bodies`);
        const sets = arr(prop(r.props, "managedRules.managedRuleSets"));
        if (sets.length === 0) report(`WAF policy "${r.name}" has no managed rule set`);
        else {
            const gaps = sets.map(log4ShellGap);
            if (gaps.every((g) => g !== undefined)) report(`WAF policy "${r.name}" has no managed rule set that detects Log4Shell (CVE-2021-44228): ${gaps.join("; ")}; use OWASP 3.1+ or Microsoft_DefaultRuleSet 2.1+ and keep rule ${LOG4J_RULE} enabled, with a blocking action (AnomalyScoring or Block)`);
        }
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

/**
 * Reports what lets an SSL policy (the gateway's `sslPolicy`, or an SSL profile's) negotiate below TLS 1.2 or with weak
 * cipher suites; `label` names whose policy it is.
 */
function checkSslPolicy(policy: unknown, label: string, report: (message: string) => void): void {
    const p = (typeof policy === "object" && policy !== null ? policy : {}) as Record<string, unknown>;
    const type = prop(p, "policyType");
    const custom = enumEquals(type, "Custom") || enumEquals(type, "CustomV2");
    const ok = (enumEquals(type, "Predefined") && TLS12_POLICIES.some((n) => enumEquals(prop(p, "policyName"), n)))
        || (custom && ["TLSv1_2", "TLSv1_3"].some((v) => enumEquals(prop(p, "minProtocolVersion"), v)));
    if (!ok) report(`${label} allows TLS below 1.2 (sslPolicy ${JSON.stringify(policy ?? "default")})`);
    const ciphers = prop(p, "cipherSuites");
    const weak = custom && Array.isArray(ciphers) ? ciphers.filter((c) => !TLS12_CIPHERS.some((x) => enumEquals(c, x))) : [];
    if (weak.length > 0) report(`${label} allows weak cipher suites: ${weak.map(String).join(", ")}`);
}

export const appGatewayTls12 = resourceRule({
    name: "appgw-tls-min-1-2",
    area: AREA,
    description: "Application Gateway listeners negotiate TLS 1.2 or later only, with cipher suites no weaker than the predefined TLS 1.2 policies: the gateway's SSL policy and every SSL profile's (listener-specific) policy.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.y", "01.n"], azurePolicy: [], checkov: ["CKV_AZURE_218"] },
    types: ["network:ApplicationGateway"],
    remediation: "Use sslPolicy { policyType: Predefined, policyName: AppGwSslPolicy20220101S } or a Custom/CustomV2 policy with minProtocolVersion TLSv1_2 and only ECDHE or TLS 1.3 cipher suites, on the gateway and in every sslProfiles[].sslPolicy.",
    check: (r, _c, report) => {
        checkSslPolicy(r.props["sslPolicy"], `application gateway "${r.name}"`, report);
        // A listener with an SSL profile negotiates with the profile's policy instead of the gateway's ("a default SSL
        // policy that all listeners will use unless overwritten by the listener-specific SSL policy",
        // learn.microsoft.com/azure/application-gateway/application-gateway-configure-listener-specific-ssl-policy), so a
        // profile can bring TLS 1.0 back for its listeners. A profile without an sslPolicy (client authentication only)
        // keeps the gateway's, which is judged above.
        for (const profile of arr(r.props["sslProfiles"]).filter((x) => x["sslPolicy"] !== undefined)) {
            checkSslPolicy(profile["sslPolicy"], `application gateway "${r.name}" SSL profile "${String(profile["name"] ?? "")}"`, report);
        }
    },
});

export const appGatewayHttpsEndToEnd = resourceRule({
    name: "appgw-https-end-to-end",
    area: AREA,
    description: "Only HTTPS listeners reach a backend (an HTTP listener may only redirect to HTTPS: an HTTPS target listener or an https:// target URL), and backends are called over HTTPS.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.y"], azurePolicy: [], checkov: ["CKV_AZURE_217"] },
    types: ["network:ApplicationGateway"],
    remediation: "Route HTTP listeners only to a redirectConfiguration whose targetListener is an HTTPS listener (or whose targetUrl starts with https://); set backendHttpSettings protocol Https.",
    check: (r, _c, report) => {
        const listeners = arr(r.props["httpListeners"]);
        /** The element of a sub-resource collection a reference's ID names (`.../<collection>/<name>`). */
        const named = (items: Array<Record<string, unknown>>, collection: string, id: unknown) =>
            items.find((x) => typeof id === "string" && id.endsWith(`/${collection}/${String(x["name"])}`));
        const isHttp = (id: unknown) => enumEquals(named(listeners, "httpListeners", id)?.["protocol"], "Http");
        const redirects = arr(r.props["redirectConfigurations"]);
        /**
         * Why a redirect configuration does not send clients to HTTPS, or undefined when it does. Only a target listener
         * that is HTTPS, or a target URL starting with https://, is a redirect to HTTPS (ARM
         * ApplicationGatewayRedirectConfiguration: targetListener "a listener to redirect the request to", targetUrl "Url
         * to redirect the request to"; learn.microsoft.com/azure/application-gateway/redirect-overview): a target URL on
         * http:// or an HTTP target listener keeps the client on plain HTTP.
         */
        const notToHttps = (id: unknown): string | undefined => {
            const last = (v: unknown) => String(v).split("/").pop() ?? "";
            const c = named(redirects, "redirectConfigurations", id);
            if (c === undefined) return `redirect configuration "${last(id)}" is not defined on the gateway`;
            const label = `redirect configuration "${String(c["name"])}"`;
            const listenerId = prop(c, "targetListener.id");
            const url = c["targetUrl"];
            if (listenerId === undefined && url === undefined) return `${label} names no target`;
            if (listenerId !== undefined && !enumEquals(named(listeners, "httpListeners", listenerId)?.["protocol"], "Https")) return `${label} targets listener "${last(listenerId)}", which is not an HTTPS listener`;
            if (url !== undefined && !(typeof url === "string" && url.toLowerCase().startsWith("https://"))) return `${label} targets ${String(url)}, not an https:// URL`;
            return undefined;
        };
        for (const rule of arr(r.props["requestRoutingRules"])) {
            if (!isHttp(prop(rule, "httpListener.id"))) continue;
            if (rule["redirectConfiguration"] === undefined || rule["backendAddressPool"] !== undefined || rule["urlPathMap"] !== undefined) { report(`routing rule "${String(rule["name"])}" sends plain HTTP to a backend`); continue; }
            const why = notToHttps(prop(rule, "redirectConfiguration.id"));
            if (why !== undefined) report(`routing rule "${String(rule["name"])}" does not redirect plain HTTP to HTTPS: ${why}`);
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
    description: "An Application Gateway's WAF custom rules do not block, for every method, the paths its URL path maps publish to a backend (a path rule's exact path, with and without a query string, and a path below a `/*` pattern), each path judged by the WAF policy that applies to it (the path rule's own, else the gateway's): a published API whose base URL the WAF refuses deploys cleanly and then fails every call to it.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.h", "10.c"], azurePolicy: [], checkov: [] },
    types: ["network:ApplicationGateway", "network:WebApplicationFirewallPolicy"],
    remediation: "Make the WAF custom rule that blocks unpublished paths admit every published path (for a FHIR base /fhir: /fhir, /fhir?... and /fhir/...), in the gateway's policy and in the policy of every path rule that has its own, or route only what the WAF admits.",
    check: (resources, _c, report, exempt) => {
        const policies = resources.filter((r) => gwKey(r) === "network:WebApplicationFirewallPolicy");
        const byId = (id: unknown) => (typeof id === "string" ? policies.find((p) => enumEquals(p.props["id"], id)) : undefined);
        for (const gw of resources.filter((r) => gwKey(r) === "network:ApplicationGateway")) {
            if (exempt(gw)) continue;
            // The gateway's own WAF policy, by dependency (known at preview) or by ID.
            const gatewayPolicy = policies.find((p) => (gw.propertyDependencies["firewallPolicy"] ?? []).some((d) => d.urn === p.urn)) ?? byId(prop(gw.props, "firewallPolicy.id"));
            // Policies the path maps reference (a path rule's own firewallPolicy): by ID where known; at a first preview the
            // IDs are unknown and only the dependency says which policies the maps use, so a path rule is then judged by
            // each of them and a block is reported only when every one blocks (never a block the WAF might not make).
            const mapPolicies = policies.filter((p) => (gw.propertyDependencies["urlPathMaps"] ?? []).some((d) => d.urn === p.urn));
            const policiesFor = (rule: Record<string, unknown>): PolicyResource[] => {
                if (rule["firewallPolicy"] === undefined) return gatewayPolicy === undefined ? [] : [gatewayPolicy];
                const own = byId(prop(rule, "firewallPolicy.id"));
                if (own !== undefined) return [own];
                return prop(rule, "firewallPolicy.id") === UNKNOWN ? mapPolicies : []; // a policy outside this stack is judged where it is deployed
            };
            const servingPools = new Set(arr(gw.props["backendAddressPools"]).filter((p) => arr(p["backendAddresses"]).length > 0).map((p) => String(p["name"])));
            for (const map of arr(gw.props["urlPathMaps"])) {
                for (const rule of arr(map["pathRules"])) {
                    // A path rule to an empty pool or a redirect publishes nothing.
                    // At a first preview the pool reference (built from the gateway's ID) may be unknown: taken as serving.
                    if (rule["backendAddressPool"] === undefined) continue;
                    const pool = refName(rule["backendAddressPool"]) ?? "(unknown at preview)";
                    if (pool !== "(unknown at preview)" && !servingPools.has(pool)) continue;
                    const wafs = policiesFor(rule);
                    if (wafs.length === 0) continue;
                    for (const pattern of Array.isArray(rule["paths"]) ? rule["paths"].map(String) : []) {
                        for (const uri of samplesFor(pattern)) {
                            // A path is published when some method gets through (an upload API may take PUT only); it is
                            // refused when every method is blocked, by every policy that may apply.
                            const blocks = wafs.flatMap((w) => SAMPLE_METHODS.map((method) => ({ waf: w, verdict: wafCustomRuleVerdict(w.props["customRules"], { method, uri }) })));
                            if (!blocks.every((b) => b.verdict.action === "Block")) continue;
                            const blocking = [...new Set(blocks.map((b) => `WAF custom rule "${b.verdict.action === "Block" ? b.verdict.rule : ""}" of "${b.waf.name}"`))].join(" and ");
                            const whose = rule["firewallPolicy"] !== undefined ? " (its own WAF policy)" : "";
                            report(`application gateway "${gw.name}" routes ${uri} (path rule "${String(rule["name"])}", pattern "${pattern}") to pool "${pool}", but ${blocking}${whose} blocks it for every method`, gw.urn);
                        }
                    }
                }
            }
        }
    },
});
