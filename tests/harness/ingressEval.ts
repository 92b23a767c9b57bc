/**
 * Readers of what Ingress emits, shared by the Ingress suites: a minimal XML reader for API Management policy documents,
 * and evaluators of what the gateway does with a request (WAF custom rules, URL path map, per-URI WAF policies).
 */
import { Json } from "../../lib/offline/values";

type Obj = Record<string, Json>;
const idOf = (ref: Json) => String((ref as Obj)["id"]);

// ---------------------------------------------------------------------------------------------------------------
// A minimal XML reader for APIM policy documents (elements, double-quoted attributes, text, the five predefined
// entities; no DTD or CDATA, which policies do not use), so tests read the emitted policy as APIM parses it.
// ---------------------------------------------------------------------------------------------------------------
export interface XmlElement { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }
const ENTITIES: Record<string, string> = { quot: "\"", amp: "&", lt: "<", gt: ">", apos: "'" };
const decode = (s: string) => s.replace(/&(quot|amp|lt|gt|apos);/g, (_m, e: string) => ENTITIES[e] ?? "");

export function parseXml(xml: string): XmlElement {
    const root: XmlElement = { name: "#document", attrs: {}, children: [], text: "" };
    const open: XmlElement[] = [root];
    for (const token of xml.match(/<!--[\s\S]*?-->|<[^>]+>|[^<]+/g) ?? []) {
        const top = open[open.length - 1] as XmlElement;
        if (token.startsWith("<!--")) continue;
        if (!token.startsWith("<")) { top.text += decode(token).trim(); continue; }
        if (token.startsWith("</")) {
            const name = token.slice(2, -1).trim();
            if (top.name !== name) throw new Error(`XML: </${name}> closes <${top.name}>`);
            open.pop();
            continue;
        }
        const m = /^<([A-Za-z_][-\w.:]*)((?:\s+[A-Za-z_][-\w.:]*="[^"]*")*)\s*(\/?)>$/.exec(token);
        if (m === null) throw new Error(`XML: malformed tag ${token}`);
        const attrs: Record<string, string> = {};
        for (const a of (m[2] ?? "").matchAll(/([A-Za-z_][-\w.:]*)="([^"]*)"/g)) attrs[a[1] ?? ""] = decode(a[2] ?? "");
        const el: XmlElement = { name: m[1] ?? "", attrs, children: [], text: "" };
        top.children.push(el);
        if (m[3] !== "/") open.push(el);
    }
    if (open.length !== 1) throw new Error(`XML: <${(open[open.length - 1] as XmlElement).name}> is not closed`);
    if (root.children.length !== 1) throw new Error("XML: expected one root element");
    return root.children[0] as XmlElement;
}
export const kids = (el: XmlElement | undefined, name?: string) => (el?.children ?? []).filter((c) => name === undefined || c.name === name);
export const kid = (el: XmlElement | undefined, name: string) => { const k = kids(el, name); if (k.length > 1) throw new Error(`several <${name}>`); return k[0]; };
export const textsOf = (el: XmlElement | undefined, name: string) => kids(el, name).map((c) => c.text);

// ---------------------------------------------------------------------------------------------------------------
// Evaluators of what the gateway does with a request, following Learn:
//  - WAF custom rules (learn.microsoft.com/azure/web-application-firewall/ag/custom-waf-rules-overview): rules by
//    ascending priority; conditions of a rule ANDed, a condition's variables and match values ORed; transforms apply
//    to the variable before matching; a negated condition matches when the operator does not; Block/Allow end the
//    evaluation. RequestUri is the path with its query string.
//  - URL path map (learn.microsoft.com/azure/application-gateway/url-route-overview#pathpattern): the matcher sees
//    the path without anything after the first "?" or "#", case-insensitively; "/x/*" matches below "/x/", a
//    pattern without "*" the path exactly; the first matching path rule wins, else the map's default pool.
// Anything these evaluators do not model (another variable, operator or transform, an absent header) throws instead
// of guessing, so a table row can only pass on modelled behaviour.
// ---------------------------------------------------------------------------------------------------------------
export interface GatewayRequest { method: string; uri: string; headers?: Record<string, string> }

function variableValues(v: Obj, req: GatewayRequest): string[] {
    const name = String(v["variableName"]);
    if (name === "RequestUri") return [req.uri];
    if (name === "RequestMethod") return [req.method];
    if (name === "QueryString") return [req.uri.includes("?") ? req.uri.slice(req.uri.indexOf("?") + 1) : ""];
    if (name === "RequestHeaders") {
        const selector = String(v["selector"]).toLowerCase();
        const hit = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === selector);
        if (hit === undefined) throw new Error(`evaluator: header ${selector} absent; Azure's handling of an absent variable is not modelled`);
        return [hit[1]];
    }
    throw new Error(`evaluator: match variable ${name} not modelled`);
}

function transform(value: string, t: string): string {
    switch (t) {
        case "Lowercase": return value.toLowerCase();
        case "Uppercase": return value.toUpperCase();
        case "Trim": return value.trim();
        case "UrlDecode": return decodeURIComponent(value);
        default: throw new Error(`evaluator: transform ${t} not modelled`);
    }
}

function operatorMatches(op: string, value: string, matchValue: string): boolean {
    switch (op) {
        case "Equal": return value === matchValue;
        case "BeginsWith": return value.startsWith(matchValue);
        case "EndsWith": return value.endsWith(matchValue);
        case "Contains": return value.includes(matchValue);
        case "Regex": return new RegExp(matchValue).test(value);
        default: throw new Error(`evaluator: operator ${op} not modelled`);
    }
}

/** The first custom rule that ends the evaluation (`<action>:<rule>`), or "pass" when none does. */
export function wafCustomRuleVerdict(customRules: Json, req: GatewayRequest): string {
    const rules = [...(customRules as Obj[])].sort((a, b) => Number(a["priority"]) - Number(b["priority"]));
    for (const rule of rules) {
        if (rule["state"] === "Disabled") continue;
        if (rule["ruleType"] !== "MatchRule") throw new Error(`evaluator: rule type ${String(rule["ruleType"])} not modelled`);
        const all = (rule["matchConditions"] as Obj[]).every((c) => {
            const values = (c["matchVariables"] as Obj[]).flatMap((v) => variableValues(v, req))
                .map((v) => ((c["transforms"] ?? []) as string[]).reduce(transform, v));
            const hit = values.some((v) => (c["matchValues"] as string[]).some((mv) => operatorMatches(String(c["operator"]), v, mv)));
            return c["negationConditon"] === true ? !hit : hit;
        });
        if (all && (rule["action"] === "Block" || rule["action"] === "Allow")) return `${String(rule["action"])}:${String(rule["name"])}`;
    }
    return "pass";
}

/** The path rule of a URL path map that routes a request URI (the first that matches), or undefined: the map's default. */
export function routedPathRule(urlPathMap: Obj, uri: string): Obj | undefined {
    const p = uri.split(/[?#]/)[0]?.toLowerCase() ?? "";
    for (const rule of urlPathMap["pathRules"] as Obj[]) {
        for (const pattern of (rule["paths"] as string[]).map((x) => x.toLowerCase())) {
            if (pattern.endsWith("*") ? p.startsWith(pattern.slice(0, -1)) : p === pattern) return rule;
        }
    }
    return undefined;
}

/** The backend pool a path-based routing rule's URL path map picks for a request URI. */
export function routedPool(urlPathMap: Obj, uri: string): string {
    const rule = routedPathRule(urlPathMap, uri);
    return idOf((rule ?? urlPathMap)[rule !== undefined ? "backendAddressPool" : "defaultBackendAddressPool"]).split("/").pop() ?? "";
}

/**
 * What the gateway does with a request on a path-based listener: the WAF policy that judges it, that policy's
 * custom-rule verdict, and the pool. The policy is the routing path rule's own when it has one, else the gateway's:
 * "the most specific policy wins", a per-URI policy on a path rule replacing the gateway's
 * (learn.microsoft.com/azure/web-application-firewall/ag/policy-overview). `policies` maps WAF policy resource IDs to
 * their inputs; the result names the policy by its `policyName`.
 */
export function gatewayOutcome(gateway: Obj, urlPathMap: Obj, policies: Record<string, Obj>, req: GatewayRequest): { policy: string; verdict: string; pool: string } {
    const rule = routedPathRule(urlPathMap, req.uri.split(/[?#]/)[0] ?? "");
    const policyId = rule?.["firewallPolicy"] !== undefined ? idOf(rule["firewallPolicy"]) : idOf(gateway["firewallPolicy"]);
    const policy = policies[policyId];
    if (policy === undefined) throw new Error(`evaluator: WAF policy ${policyId} is not in the graph`);
    return { policy: String(policy["policyName"]), verdict: wafCustomRuleVerdict(policy["customRules"] as Json, req), pool: routedPool(urlPathMap, req.uri) };
}

// ---------------------------------------------------------------------------------------------------------------
// Which API Management operations a request reaches. Modelled from the ApiOperation contract
// (learn.microsoft.com/rest/api/apimanagement/api-operation/create-or-update): a URL template is segments below the
// API's path, a `{name}` segment is a template parameter matching one non-empty segment, every other segment is
// literal. A request no operation matches gets 404 OperationNotFound
// (learn.microsoft.com/azure/api-management/api-management-error-handling-policies). The query string is not part of
// the match (only templates naming query parameters, which these tests do not model, would make it one); a trailing
// slash is ignored (api-management-faq). Literals compare exactly: the tables use the case the templates use.
// ---------------------------------------------------------------------------------------------------------------
const segmentsOf = (p: string) => (p.split(/[?#]/)[0] ?? "").split("/").filter((s) => s !== "");

/** The operations (`method urlTemplate`) whose template matches a request path below the API path (`/Patient/1`). */
export function apimMatchingOperations(operations: Obj[], method: string, path: string): string[] {
    const req = segmentsOf(path);
    return operations.filter((o) => {
        if (o["method"] !== method) return false;
        const tpl = segmentsOf(String(o["urlTemplate"]));
        if (String(o["urlTemplate"]).includes("?")) throw new Error(`evaluator: query parameters in template ${String(o["urlTemplate"])} not modelled`);
        return tpl.length === req.length && tpl.every((t, i) => /^\{\w+\}$/.test(t) ? (req[i] ?? "") !== "" : t === req[i]);
    }).map((o) => `${String(o["method"])} ${String(o["urlTemplate"])}`);
}

/** A URL template with its parameter names blanked (`/{type}/{id}` → `/{}/{}`): templates APIM cannot tell apart. */
export const templateShape = (urlTemplate: string) => urlTemplate.replace(/\{\w+\}/g, "{}");
