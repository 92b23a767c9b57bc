import { expect } from "chai";
import { PolicyResource, unknownCheckingProxy } from "@pulumi/policy";
import { wafAdmitsRoutedPaths } from "../policy/rules/gateway";
import { samplesFor, wafCustomRuleVerdict } from "../policy/rules/wafEval";
import { checkStack, policyResources } from "./harness/policyArgs";
import { ProgramRun, sharedProgramRun } from "./harness/run";
import { UNKNOWN } from "./harness/values";

/**
 * waf-admits-routed-paths: the defect it generalises (issue 13.5) was a WAF custom rule admitting only "/fhir/..."
 * while the published FHIR base is "/fhir": FHIR R4 posts bundles to [base] and searches with GET [base]?...
 */
type Props = Record<string, unknown>;
function withProps(run: ProgramRun, name: string, change: (p: Props) => Props): PolicyResource[] {
    const r = run.graph.resources.find((x) => x.name === name);
    if (r === undefined) throw new Error(`no ${name}`);
    const props = change(JSON.parse(JSON.stringify({ ...r.inputs, ...r.outputs, ...(r.id !== null ? { id: r.id } : {}) })) as Props);
    return policyResources(run.graph).map((p) => (p.name === name ? { ...p, props: unknownCheckingProxy(props) as Props } : p));
}
/** The pre-fix rule: only URIs beginning with "/fhir/" pass. */
const OLD_RULE = { name: "BlockUnpublishedPaths", priority: 10, ruleType: "MatchRule", action: "Block", state: "Enabled",
    matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: ["/fhir/"], transforms: ["Lowercase"] }] };
const withOldRule = (p: Props) => ({ ...p, customRules: [OLD_RULE, ...(p["customRules"] as Props[]).filter((r) => r["name"] !== "BlockUnpublishedPaths")] });

describe("waf-admits-routed-paths", () => {
    let dev: ProgramRun;
    let preview: ProgramRun;
    before(async () => {
        dev = await sharedProgramRun("dev");
        preview = await sharedProgramRun("prod", true);
    });

    it("passes on the dev graph and on a first prod preview", () => {
        expect(checkStack(wafAdmitsRoutedPaths, policyResources(dev.graph))).to.deep.equal([]);
        expect(checkStack(wafAdmitsRoutedPaths, policyResources(preview.graph))).to.deep.equal([]);
    });

    it("fails for a WAF that blocks the FHIR base the path map publishes (the issue 13 defect), also at a first preview", () => {
        const expected = (pool: string) => ["GET /fhir", "POST /fhir", "GET /fhir?_count=1"].map((req) =>
            `application gateway "ingress-agw" routes ${req} (path rule "fhir", pattern "/fhir") to pool "${pool}", but WAF custom rule "BlockUnpublishedPaths" of "ingress-waf" blocks it`);
        expect(checkStack(wafAdmitsRoutedPaths, withProps(dev, "ingress-waf", withOldRule))).to.deep.equal(expected("apim"));
        // The gateway's name carries no random suffix, so its sub-resource IDs are known at a first preview.
        expect(checkStack(wafAdmitsRoutedPaths, withProps(preview, "ingress-waf", withOldRule))).to.deep.equal(expected("apim"));
        // A pool reference still unknown (a gateway named from computed values) is taken as serving.
        const unknownPool = withProps(preview, "ingress-waf", withOldRule).map((r) => (r.name !== "ingress-agw" ? r : withProps(preview, "ingress-agw", (p) => ({
            ...p, urlPathMaps: (p["urlPathMaps"] as Props[]).map((m) => ({ ...m, pathRules: (m["pathRules"] as Props[]).map((x) => ({ ...x, backendAddressPool: { id: UNKNOWN } })) })),
        })).find((x) => x.name === "ingress-agw") as PolicyResource));
        expect(checkStack(wafAdmitsRoutedPaths, unknownPool)).to.deep.equal(expected("(unknown at preview)"));
    });

    it("fails for a WAF that blocks everything below a published /* pattern", () => {
        const blockAll = (p: Props) => ({ ...p, customRules: [{ name: "NoFhir", priority: 5, ruleType: "MatchRule", action: "Block", matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator: "Contains", matchValues: ["/fhir/"] }] }] });
        expect(checkStack(wafAdmitsRoutedPaths, withProps(dev, "ingress-waf", blockAll))).to.deep.equal(["GET", "POST"].map((m) =>
            `application gateway "ingress-agw" routes ${m} /fhir/sample (path rule "fhir", pattern "/fhir/*") to pool "apim", but WAF custom rule "NoFhir" of "ingress-waf" blocks it`));
    });

    it("ignores paths routed to an empty pool, and rules it cannot decide from a method and a URI", () => {
        const toEmptyPool = (p: Props) => ({ ...p, urlPathMaps: (p["urlPathMaps"] as Props[]).map((m) => ({ ...m, pathRules: (m["pathRules"] as Props[]).map((r) => ({ ...r, backendAddressPool: m["defaultBackendAddressPool"] })) })) });
        const rs = withProps(dev, "ingress-waf", withOldRule).map((r) => (r.name === "ingress-agw" ? withProps(dev, "ingress-agw", toEmptyPool).find((x) => x.name === "ingress-agw") as PolicyResource : r));
        expect(checkStack(wafAdmitsRoutedPaths, rs)).to.deep.equal([]);
    });
});

describe("WAF custom-rule evaluator (what the rule decides on)", () => {
    const uriRule = (name: string, priority: number, action: string, operator: string, values: string[], negate = false) =>
        ({ name, priority, ruleType: "MatchRule", action, matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator, negationConditon: negate, matchValues: values, transforms: ["Lowercase"] }] });

    it("applies rules by priority; the first Block or Allow ends the evaluation", () => {
        const rules = [uriRule("deny-admin", 20, "Block", "BeginsWith", ["/admin"]), uriRule("allow-admin-health", 10, "Allow", "Equal", ["/admin/health"])];
        expect(wafCustomRuleVerdict(rules, { method: "GET", uri: "/admin/health" })).to.deep.equal({ action: "Allow", rule: "allow-admin-health" });
        expect(wafCustomRuleVerdict(rules, { method: "GET", uri: "/ADMIN/x" })).to.deep.equal({ action: "Block", rule: "deny-admin" });
        expect(wafCustomRuleVerdict(rules, { method: "GET", uri: "/fhir" })).to.deep.equal({ action: "pass" });
    });

    it("ANDs conditions, ORs match values, honours negation and skips disabled or Log rules", () => {
        const rule = { name: "post-only-fhir", priority: 1, ruleType: "MatchRule", action: "Block", matchConditions: [
            { matchVariables: [{ variableName: "RequestMethod" }], operator: "Equal", matchValues: ["POST", "PUT"] },
            { matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: ["/fhir/", "/fhir?"] },
        ] };
        expect(wafCustomRuleVerdict([rule], { method: "POST", uri: "/other" })).to.deep.equal({ action: "Block", rule: "post-only-fhir" });
        expect(wafCustomRuleVerdict([rule], { method: "PUT", uri: "/fhir?x=1" })).to.deep.equal({ action: "pass" });
        expect(wafCustomRuleVerdict([rule], { method: "GET", uri: "/other" })).to.deep.equal({ action: "pass" });
        expect(wafCustomRuleVerdict([{ ...rule, state: "Disabled" }], { method: "POST", uri: "/other" })).to.deep.equal({ action: "pass" });
        expect(wafCustomRuleVerdict([{ ...rule, action: "Log" }], { method: "POST", uri: "/other" })).to.deep.equal({ action: "pass" });
    });

    it("never reports a block that depends on headers, the body or the client address", () => {
        const byHeader = { name: "ct", priority: 1, ruleType: "MatchRule", action: "Block", matchConditions: [{ matchVariables: [{ variableName: "RequestHeaders", selector: "Content-Type" }], operator: "Contains", matchValues: ["xml"] }] };
        const byGeo = { name: "geo", priority: 2, ruleType: "MatchRule", action: "Block", matchConditions: [{ matchVariables: [{ variableName: "RemoteAddr" }], operator: "GeoMatch", matchValues: ["XX"] }] };
        expect(wafCustomRuleVerdict([byHeader, byGeo], { method: "POST", uri: "/fhir" })).to.deep.equal({ action: "pass" });
    });

    it("samples what a path pattern routes: the exact path with and without a query, or a path below /*", () => {
        expect(samplesFor("/fhir")).to.deep.equal([{ method: "GET", uri: "/fhir" }, { method: "POST", uri: "/fhir" }, { method: "GET", uri: "/fhir?_count=1" }]);
        expect(samplesFor("/fhir/*")).to.deep.equal([{ method: "GET", uri: "/fhir/sample" }, { method: "POST", uri: "/fhir/sample" }]);
        expect(samplesFor("/a*b")).to.deep.equal([]);
    });
});
