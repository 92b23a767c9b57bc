import { enumEquals, objects } from "./common";

/**
 * What an Application Gateway WAF policy's custom rules do with a request that carries only a method and a URI
 * (learn.microsoft.com/azure/web-application-firewall/ag/custom-waf-rules-overview): rules by ascending priority,
 * a rule's conditions ANDed, a condition's variables and match values ORed, transforms applied before matching, a
 * negated condition matching when its operator does not; the first Block or Allow ends the evaluation.
 *
 * A condition on anything else (headers, cookies, body, client address, geography) cannot be decided from a method and
 * a URI; such a rule is taken as not matching, so the verdict errs towards "pass" and a rule built on it never reports
 * a block the WAF might not make.
 */
export interface SampleRequest {
    method: string;
    /** Path and query string, as the WAF's RequestUri variable sees it. */
    uri: string;
}

export type WafVerdict = { action: "Block" | "Allow"; rule: string } | { action: "pass" };

function variable(name: string, req: SampleRequest): string | undefined {
    if (enumEquals(name, "RequestUri")) return req.uri;
    if (enumEquals(name, "RequestMethod")) return req.method;
    if (enumEquals(name, "QueryString")) return req.uri.includes("?") ? req.uri.slice(req.uri.indexOf("?") + 1) : "";
    return undefined;
}

function transformed(value: string, transforms: unknown): string | undefined {
    let v: string | undefined = value;
    for (const t of Array.isArray(transforms) ? transforms : []) {
        if (v === undefined) return undefined;
        if (enumEquals(t, "Lowercase")) v = v.toLowerCase();
        else if (enumEquals(t, "Uppercase")) v = v.toUpperCase();
        else if (enumEquals(t, "Trim")) v = v.trim();
        else if (enumEquals(t, "UrlDecode") || enumEquals(t, "UrlEncode") || enumEquals(t, "RemoveNulls") || enumEquals(t, "HtmlEntityDecode")) {
            // A sample URI of plain ASCII path characters is unchanged by these.
            if (!/^[A-Za-z0-9/?=&_.-]*$/.test(v)) return undefined;
        } else return undefined;
    }
    return v;
}

function operatorMatches(op: unknown, value: string, matchValue: string): boolean | undefined {
    if (enumEquals(op, "Equal")) return value === matchValue;
    if (enumEquals(op, "BeginsWith")) return value.startsWith(matchValue);
    if (enumEquals(op, "EndsWith")) return value.endsWith(matchValue);
    if (enumEquals(op, "Contains")) return value.includes(matchValue);
    if (enumEquals(op, "Any")) return true;
    if (enumEquals(op, "Regex")) { try { return new RegExp(matchValue).test(value); } catch { return undefined; } }
    return undefined;
}

/** True, false, or undefined when the condition reads something a method and a URI cannot tell. */
function conditionMatches(c: Record<string, unknown>, req: SampleRequest): boolean | undefined {
    const values = objects(c["matchVariables"]).map((v) => variable(String(v["variableName"]), req));
    if (values.length === 0 || values.some((v) => v === undefined)) return undefined;
    const inputs = (values as string[]).map((v) => transformed(v, c["transforms"]));
    if (inputs.some((v) => v === undefined)) return undefined;
    const matchValues = Array.isArray(c["matchValues"]) ? c["matchValues"].map(String) : [];
    const results = (inputs as string[]).flatMap((v) => (enumEquals(c["operator"], "Any") ? [true] : matchValues.map((mv) => operatorMatches(c["operator"], v, mv))));
    if (results.some((r) => r === undefined)) return undefined;
    const hit = results.some((r) => r === true);
    return c["negationConditon"] === true ? !hit : hit;
}

export function wafCustomRuleVerdict(customRules: unknown, req: SampleRequest): WafVerdict {
    const rules = objects(customRules).filter((r) => !enumEquals(r["state"], "Disabled") && enumEquals(r["ruleType"] ?? "MatchRule", "MatchRule"))
        .sort((a, b) => Number(a["priority"]) - Number(b["priority"]));
    for (const rule of rules) {
        const conditions = objects(rule["matchConditions"]).map((c) => conditionMatches(c, req));
        if (conditions.length === 0 || !conditions.every((m) => m === true)) continue;
        if (enumEquals(rule["action"], "Block")) return { action: "Block", rule: String(rule["name"]) };
        if (enumEquals(rule["action"], "Allow")) return { action: "Allow", rule: String(rule["name"]) };
    }
    return { action: "pass" };
}

/** The methods a routed path is tried with: a path is published when the WAF lets at least one of them through. */
export const SAMPLE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Request URIs a URL path map's path pattern routes (learn.microsoft.com/azure/application-gateway/url-route-overview):
 * patterns match the path without its query string, `/x/*` anything below `/x/`, a pattern without `*` exactly that
 * path, so a query string on it is routed too. Patterns with a `*` elsewhere are not sampled.
 */
export function samplesFor(pattern: string): string[] {
    if (pattern.endsWith("/*")) return [`${pattern.slice(0, -1)}sample`];
    if (pattern.includes("*")) return [];
    return [pattern, `${pattern}?_count=1`];
}
