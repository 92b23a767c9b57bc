import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { resourceName } from "../shared/naming";
import { BulkContainer, bulkContainerPrefixes } from "./bulkApi";
import { IngressContext } from "./context";

/**
 * The FHIR base path the gateway publishes (`[base]` = `https://<host>/fhir`). FHIR R4 (hl7.org/fhir/R4/http.html)
 * sends batch/transaction bundles as `POST [base]` and system search as `GET [base]?...`, so `/fhir`, `/fhir?...` and
 * `/fhir/...` are published; everything else (`/fhirx`, `/fhir-admin`, `/`) is blocked by the WAF and has no backend.
 */
export const PUBLISHED_BASE_PATH = "/fhir";

/**
 * Content types FHIR clients send (hl7.org/fhir/R4/http.html#mime-type): FHIR JSON, plain JSON, JSON Patch, and form
 * posts for `_search`. Replaces DRS rule 920420, whose built-in allow-list lacks the FHIR and JSON Patch types.
 */
export const ALLOWED_CONTENT_TYPES = ["application/fhir+json", "application/json", "application/json-patch+json", "application/x-www-form-urlencoded"];

const DRS = { ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1" };

/**
 * DRS 2.1 XSS rules a FHIR narrative (`text.div`, XHTML) matches, excluded for JSON fields named `div` only (see the
 * exclusion in fhirManagedRules for the rule each one is and why a narrative trips it).
 */
const NARRATIVE_XSS_RULES = ["941100", "941130", "941150", "941160", "941320"];

/** WAF logs go to Log Analytics; request values there could be PHI, so every matched value is masked. */
function logScrubbing() {
    return {
        state: "Enabled",
        scrubbingRules: [
            ...["RequestArgNames", "RequestPostArgNames", "RequestJSONArgNames", "RequestCookieNames"].map((matchVariable) => ({ matchVariable, selectorMatchOperator: "EqualsAny", state: "Enabled" })),
            { matchVariable: "RequestHeaderNames", selectorMatchOperator: "Equals", selector: "Authorization", state: "Enabled" },
        ],
    };
}

/**
 * The WAF policy: Prevention mode, Microsoft Default Rule Set 2.1 + Bot Manager 1.1, and the FHIR tuning, each item
 * with the rule it touches and why. Pure, so tests read exactly what Azure receives. `bulkPrefixes` are the upload
 * API's `/bulk/<container>/` prefixes, which `BlockUnpublishedPaths` admits when the API is configured, and only then,
 * in a condition of their own (a condition takes at most 10 match values). This policy never judges what the bulk path
 * rule routes (that rule's own policy replaces it), so the prefixes change nothing for uploads as deployed; they keep
 * `BlockUnpublishedPaths` a true list of what the gateway publishes, for any check that reads the gateway-level rules
 * against every routed path and in case the per-URI association is dropped. Any other `/bulk...` URI stays blocked.
 */
export function wafPolicyProperties(bulkPrefixes: string[] = []) {
    return {
        policySettings: {
            state: "Enabled",
            mode: "Prevention",
            requestBodyCheck: true,
            requestBodyEnforcement: true,
            // Transaction bundles carry many resources: 2 MB is the DRS 2.1 maximum for inspected bodies; larger
            // loads belong in $import or the bulk loader, not in one API call.
            maxRequestBodySizeInKb: 2000,
            requestBodyInspectLimitInKB: 2000,
            fileUploadLimitInMb: 100,
            logScrubbing: logScrubbing(),
        },
        customRules: [
            {
                // Nothing but the FHIR base is published: the RI exposed the whole storage blob endpoint on /* (defect 5).
                // RequestUri is path plus query string. Conditions are ANDed and each condition's values ORed
                // (learn.microsoft.com/azure/web-application-firewall/ag/custom-waf-rules-overview), so this blocks a
                // URI that neither begins with "/fhir/" or "/fhir?" nor is exactly "/fhir": [base], [base]?search and
                // [base]/... pass, "/fhirx", "/fhir-admin" and "/fhir.." do not. No UrlDecode: an encoded "/" or "?"
                // after "/fhir" (which the path map would not route either) stays blocked.
                name: "BlockUnpublishedPaths", priority: 10, ruleType: "MatchRule", action: "Block", state: "Enabled",
                matchConditions: [
                    { matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: [`${PUBLISHED_BASE_PATH}/`, `${PUBLISHED_BASE_PATH}?`], transforms: ["Lowercase"] },
                    { matchVariables: [{ variableName: "RequestUri" }], operator: "Equal", negationConditon: true, matchValues: [PUBLISHED_BASE_PATH], transforms: ["Lowercase"] },
                    ...(bulkPrefixes.length > 0 ? [{ matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: bulkPrefixes, transforms: ["Lowercase"] }] : []),
                ],
            },
            {
                // Bodies must be a FHIR content type (replaces DRS 920420, disabled below).
                name: "AllowOnlyFhirContentTypes", priority: 20, ruleType: "MatchRule", action: "Block", state: "Enabled",
                matchConditions: [
                    { matchVariables: [{ variableName: "RequestMethod" }], operator: "Equal", negationConditon: false, matchValues: ["POST", "PUT", "PATCH"] },
                    { matchVariables: [{ variableName: "RequestHeaders", selector: "Content-Type" }], operator: "BeginsWith", negationConditon: true, matchValues: ALLOWED_CONTENT_TYPES, transforms: ["Lowercase"] },
                ],
            },
        ],
        managedRules: fhirManagedRules(),
    };
}

/**
 * Microsoft Default Rule Set 2.1 and Bot Manager 1.1 with the FHIR tuning: one override and two exclusions, each with
 * the rule it touches and why. The bulk upload policy uses the same, because bundles and NDJSON carry the same FHIR JSON.
 */
function fhirManagedRules() {
    return {
        managedRuleSets: [
            {
                ...DRS,
                ruleGroupOverrides: [{
                    // 920420 "Request content type is not allowed by policy": its list has application/json but not
                    // application/fhir+json or application/json-patch+json, so every FHIR write would be blocked.
                    // The custom rule AllowOnlyFhirContentTypes enforces the FHIR list instead.
                    ruleGroupName: "PROTOCOL-ENFORCEMENT", rules: [{ ruleId: "920420", state: "Disabled" }],
                }],
            },
            { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.1" },
        ],
        exclusions: [
            {
                // Bearer tokens are base64url JWTs; "--" and long hex-like runs trip 942440 (SQL comment sequence)
                // and 942450 (SQL hex encoding). Excluded for the Authorization header only, for those two rules only;
                // APIM validates the token's signature right behind the gateway.
                matchVariable: "RequestHeaderNames", selectorMatchOperator: "Equals", selector: "Authorization",
                exclusionManagedRuleSets: [{ ...DRS, ruleGroups: [{ ruleGroupName: "SQLI", rules: [{ ruleId: "942440" }, { ruleId: "942450" }] }] }],
            },
            {
                // FHIR Narrative `text.div` is XHTML by definition, always `<div xmlns="http://www.w3.org/1999/xhtml">…</div>`
                // (hl7.org/fhir/R4/narrative.html). DRS 2.1 is baselined on CRS 3.3.2 and runs paranoia levels 1 and 2 by
                // default, every XSS rule at Critical (5, enough to block alone)
                // (learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-crs-rulegroups-rules, DRS 2.1).
                // The rules of CRS 3.3.2 rules/REQUEST-941-APPLICATION-ATTACK-XSS.conf a narrative matches:
                //  - 941100 (PL1, libinjection XSS) and 941130 (PL1, "Attribute Vector": `x(?:link:href|html|mlns)`):
                //    the `xmlns` attribute and the `xhtml` namespace of every narrative;
                //  - 941320 (PL2, "HTML Tag Handler": `<(?:…|div|…|p|…|table|…)\W`): the `<div ` every narrative opens with;
                //  - 941150 (PL2, "Disallowed HTML Attributes": `\b(?:s(?:tyle|rc)|href)\b…=`) and 941160 (PL1, HTML
                //    injection): narratives with links, images or styles (`<a href=`, as in every Synthea Patient).
                // 941170 (javascript:/data: URIs) and 941180 (document.cookie, `<!--` …) match no such narrative and stay on.
                // Only JSON fields named `div`, only these XSS rules; the FHIR service itself rejects active content in
                // narratives (script, event attributes) per the specification's XHTML rules.
                matchVariable: "RequestArgNames", selectorMatchOperator: "EndsWith", selector: "div",
                exclusionManagedRuleSets: [{ ...DRS, ruleGroups: [{ ruleGroupName: "XSS", rules: NARRATIVE_XSS_RULES.map((ruleId) => ({ ruleId })) }] }],
            },
        ],
    };
}

/** The WAF policy resource (wafPolicyProperties) the gateway links as its `firewallPolicy`. */
export function createWafPolicy(parent: pulumi.ComponentResource, name: string, ctx: IngressContext, bulkPrefixes: string[]): network.WebApplicationFirewallPolicy {
    return new network.WebApplicationFirewallPolicy(`${name}-waf`, {
        policyName: resourceName("wafPolicy", ctx.naming),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        ...wafPolicyProperties(bulkPrefixes),
        tags: ctx.tags,
    }, { parent });
}

/** A WAF custom rule name from a container name (`my-files` → `MyFiles`); names are letters and digits. */
export function containerRuleSuffix(container: string): string {
    return container.split("-").map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");
}

/**
 * The bulk upload path rule's own WAF policy (a per-URI policy: on the requests that path rule routes, `/bulk/<container>/*`,
 * it replaces the gateway's policy entirely, learn.microsoft.com/azure/web-application-firewall/ag/policy-overview). Prevention mode,
 * the same managed rules, override and exclusions as the FHIR policy, and:
 *  - Request bodies inspected to DRS 2.1's 2 MB maximum, but not refused for being larger (`requestBodyEnforcement`
 *    off): an NDJSON file or zip is far bigger, and with enforcement off "Application Gateway's limits determine the
 *    maximum size allowable" (4 GB on v2); API Management enforces the real limit with a 413
 *    (learn.microsoft.com/azure/web-application-firewall/ag/application-gateway-waf-request-size-limits). The file-upload
 *    limit only applies to multipart/form-data with a filename (same page), which the API does not accept, so it stays
 *    at the FHIR policy's value.
 *  - Inspection stays on for every container: the platform's pack and Azure Policy ca85ef9a require it on every WAF
 *    policy. A per-URI policy cannot switch it by media type, and a zip's compressed bytes or the first 2 MB of a
 *    multi-gigabyte NDJSON file are what it can see; the FHIR service validates every resource the loader posts.
 *  - Custom rules, by priority: only PUT; no query string, percent-encoding, `..` or backslash in the URI (file names
 *    never need them); per container, only its media types. The path rule routes only `/bulk/<container>/...` here.
 *    API Management repeats each check exactly (these are prefix matches) and adds the token, size and file-name checks.
 */
export function bulkWafPolicyProperties(containers: BulkContainer[]) {
    const prefix = (c: BulkContainer) => bulkContainerPrefixes([c])[0] ?? "";
    return {
        policySettings: {
            state: "Enabled",
            mode: "Prevention",
            requestBodyCheck: true,
            requestBodyInspectLimitInKB: 2000,
            requestBodyEnforcement: false,
            maxRequestBodySizeInKb: 2000,
            fileUploadEnforcement: true,
            fileUploadLimitInMb: 100,
            logScrubbing: logScrubbing(),
        },
        customRules: [
            {
                name: "BulkOnlyPut", priority: 10, ruleType: "MatchRule", action: "Block", state: "Enabled",
                matchConditions: [{ matchVariables: [{ variableName: "RequestMethod" }], operator: "Equal", negationConditon: true, matchValues: ["PUT"] }],
            },
            {
                name: "BulkOnlyPlainPaths", priority: 20, ruleType: "MatchRule", action: "Block", state: "Enabled",
                matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator: "Contains", negationConditon: false, matchValues: ["?", "%", "..", "\\"] }],
            },
            ...containers.map((c, i) => ({
                name: `BulkContentTypes${containerRuleSuffix(c.name)}`, priority: 30 + i, ruleType: "MatchRule", action: "Block", state: "Enabled",
                matchConditions: [
                    { matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: false, matchValues: [prefix(c)], transforms: ["Lowercase"] },
                    { matchVariables: [{ variableName: "RequestHeaders", selector: "Content-Type" }], operator: "BeginsWith", negationConditon: true, matchValues: c.contentTypes, transforms: ["Lowercase"] },
                ],
            })),
        ],
        managedRules: fhirManagedRules(),
    };
}

/** The bulk upload path rule's WAF policy resource (bulkWafPolicyProperties), `<waf policy name>bulk`. */
export function createBulkWafPolicy(parent: pulumi.ComponentResource, name: string, ctx: IngressContext, containers: BulkContainer[]): network.WebApplicationFirewallPolicy {
    return new network.WebApplicationFirewallPolicy(`${name}-waf-bulk`, {
        policyName: resourceName("wafPolicy", ctx.naming, "bulk"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        ...bulkWafPolicyProperties(containers),
        tags: ctx.tags,
    }, { parent });
}
