import { expect } from "chai";
import { PolicyResource, unknownCheckingProxy } from "@pulumi/policy";
import { wafAdmitsRoutedPaths } from "../policy/rules/gateway";
import { SAMPLE_METHODS, samplesFor, wafCustomRuleVerdict } from "../policy/rules/wafEval";
import { checkStack, policyResources, policyResourcesWith } from "./harness/policyArgs";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";
import { UNKNOWN } from "../lib/offline/values";

/**
 * waf-admits-routed-paths: the defect it generalises (issue 13.5) was a WAF custom rule admitting only "/fhir/..."
 * while the published FHIR base is "/fhir": FHIR R4 posts bundles to [base] and searches with GET [base]?...
 */
type Props = Record<string, unknown>;
/** One resource of the run's graph rewritten (tests/harness/policyArgs.ts). */
const withProps = (run: ProgramRun, name: string, change: (p: Props) => Props): PolicyResource[] => policyResourcesWith(run.graph, name, change);
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
        const expected = (pool: string) => ["/fhir", "/fhir?_count=1"].map((uri) =>
            `application gateway "ingress-agw" routes ${uri} (path rule "fhir", pattern "/fhir") to pool "${pool}", but WAF custom rule "BlockUnpublishedPaths" of "ingress-waf" blocks it for every method`);
        expect(checkStack(wafAdmitsRoutedPaths, withProps(dev, "ingress-waf", withOldRule))).to.deep.equal(expected("apim"));
        // The gateway's name carries no random suffix, so its sub-resource IDs are known at a first preview.
        expect(checkStack(wafAdmitsRoutedPaths, withProps(preview, "ingress-waf", withOldRule))).to.deep.equal(expected("apim"));
        // A pool reference still unknown (a gateway named from computed values) is taken as serving.
        const unknownPool = withProps(preview, "ingress-waf", withOldRule).map((r) => (r.name !== "ingress-agw" ? r : withProps(preview, "ingress-agw", (p) => ({
            ...p, urlPathMaps: (p["urlPathMaps"] as Props[]).map((m) => ({ ...m, pathRules: (m["pathRules"] as Props[]).map((x) => ({ ...x, backendAddressPool: { id: UNKNOWN } })) })),
        })).find((x) => x.name === "ingress-agw") as PolicyResource));
        expect(checkStack(wafAdmitsRoutedPaths, unknownPool)).to.deep.equal(expected("(unknown at preview)"));
    });

    it("judges the FHIR $-operations below /fhir/* as admitted by the dev gateway's WAF (DELETE $purge-history, POST $member-match, POST $reindex)", () => {
        const waf = policyResources(dev.graph).find((r) => r.name === "ingress-waf");
        const verdict = (method: string, uri: string) => wafCustomRuleVerdict(waf?.props["customRules"], { method, uri });
        expect(verdict("DELETE", "/fhir/Patient/123/$purge-history")).to.deep.equal({ action: "pass" });
        expect(verdict("POST", "/fhir/Patient/$member-match")).to.deep.equal({ action: "pass" });
        expect(verdict("POST", "/fhir/Patient/123/$reindex")).to.deep.equal({ action: "pass" });
        expect(verdict("DELETE", "/fhirx/Patient/123/$purge-history")).to.deep.equal({ action: "Block", rule: "BlockUnpublishedPaths" });
    });

    it("fails for a WAF that blocks everything below a published /* pattern", () => {
        const blockAll = (p: Props) => ({ ...p, customRules: [{ name: "NoFhir", priority: 5, ruleType: "MatchRule", action: "Block", matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator: "Contains", matchValues: ["/fhir/"] }] }] });
        expect(checkStack(wafAdmitsRoutedPaths, withProps(dev, "ingress-waf", blockAll))).to.deep.equal([
            `application gateway "ingress-agw" routes /fhir/sample (path rule "fhir", pattern "/fhir/*") to pool "apim", but WAF custom rule "NoFhir" of "ingress-waf" blocks it for every method`]);
    });

    it("counts a path as published when some method gets through (an upload API that takes PUT only), and fails it when none does", () => {
        const putOnly = (p: Props) => ({ ...p, customRules: [...(p["customRules"] as Props[]), { name: "PutOnly", priority: 90, ruleType: "MatchRule", action: "Block",
            matchConditions: [{ matchVariables: [{ variableName: "RequestMethod" }], operator: "Equal", negationConditon: true, matchValues: ["PUT"] }] }] });
        expect(checkStack(wafAdmitsRoutedPaths, withProps(dev, "ingress-waf", putOnly))).to.deep.equal([]);
        const noMethod = (p: Props) => ({ ...p, customRules: [...(p["customRules"] as Props[]), { name: "NoMethod", priority: 90, ruleType: "MatchRule", action: "Block",
            matchConditions: [{ matchVariables: [{ variableName: "RequestMethod" }], operator: "Equal", matchValues: ["GET", "POST", "PUT", "PATCH", "DELETE"] }] }] });
        expect(checkStack(wafAdmitsRoutedPaths, withProps(dev, "ingress-waf", noMethod))).to.have.length(3);
    });

    it("ignores paths routed to an empty pool, and rules it cannot decide from a method and a URI", () => {
        const toEmptyPool = (p: Props) => ({ ...p, urlPathMaps: (p["urlPathMaps"] as Props[]).map((m) => ({ ...m, pathRules: (m["pathRules"] as Props[]).map((r) => ({ ...r, backendAddressPool: m["defaultBackendAddressPool"] })) })) });
        const rs = withProps(dev, "ingress-waf", withOldRule).map((r) => (r.name === "ingress-agw" ? withProps(dev, "ingress-agw", toEmptyPool).find((x) => x.name === "ingress-agw") as PolicyResource : r));
        expect(checkStack(wafAdmitsRoutedPaths, rs)).to.deep.equal([]);
    });
});

/**
 * A path rule with its own WAF policy (the bulk upload API's /bulk/* rule, issue 15): Application Gateway applies that
 * policy, not the gateway's, to what the rule routes ("the policy associated with the path rule overrides the policy
 * associated with the listener and the gateway"; learn.microsoft.com/azure/web-application-firewall/ag/per-site-policies).
 */
describe("waf-admits-routed-paths: path rules with their own WAF policy", () => {
    const BULK_WAF_ID = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-spoke/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/waf-bulk";
    const blockOutside = (name: string, prefixes: string[]) => ({ name, priority: 10, ruleType: "MatchRule", action: "Block", state: "Enabled",
        matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: prefixes, transforms: ["Lowercase"] }] });
    /** The dev (or preview) graph plus a /bulk/* path rule whose own WAF policy has the given custom rules. */
    function withBulkRule(run: ProgramRun, bulkRules: Props[], opts: { idKnown?: boolean; gatewayRules?: Props[]; policyInStack?: boolean } = {}): PolicyResource[] {
        const { idKnown = true, policyInStack = true } = opts;
        // The stacks' own /bulk rule and its policy make way for the synthetic one (same names).
        const base = policyResources(run.graph).filter((r) => r.name !== "ingress-waf-bulk");
        const gw = base.find((r) => r.name === "ingress-agw") as PolicyResource;
        const bulkWaf: PolicyResource = {
            ...(base.find((r) => r.name === "ingress-waf") as PolicyResource), name: "ingress-waf-bulk", urn: "urn:pulumi:dev::ahds::azure-native:network:WebApplicationFirewallPolicy::ingress-waf-bulk",
            props: unknownCheckingProxy({ id: idKnown ? BULK_WAF_ID : UNKNOWN, policySettings: { state: "Enabled", mode: "Prevention" }, customRules: bulkRules }) as Props,
        };
        const gwProps = JSON.parse(JSON.stringify({ ...(run.graph.resources.find((r) => r.name === "ingress-agw")?.inputs ?? {}), ...(run.graph.resources.find((r) => r.name === "ingress-agw")?.outputs ?? {}) })) as Props;
        const maps = (gwProps["urlPathMaps"] as Props[]).map((m) => ({ ...m, pathRules: [...(m["pathRules"] as Props[]).filter((r) => r["name"] !== "bulk"),
            { name: "bulk", paths: ["/bulk/*"], backendAddressPool: (m["pathRules"] as Props[])[0]?.["backendAddressPool"], backendHttpSettings: (m["pathRules"] as Props[])[0]?.["backendHttpSettings"], firewallPolicy: { id: idKnown ? BULK_WAF_ID : UNKNOWN } }] }));
        const waf = base.find((r) => r.name === "ingress-waf") as PolicyResource;
        const gwWaf = opts.gatewayRules === undefined ? waf : { ...waf, props: unknownCheckingProxy({ ...JSON.parse(JSON.stringify(run.graph.resources.find((r) => r.name === "ingress-waf")?.inputs ?? {})), id: waf.props["id"], customRules: opts.gatewayRules }) as Props };
        const newGw: PolicyResource = { ...gw, props: unknownCheckingProxy({ ...gwProps, urlPathMaps: maps }) as Props,
            propertyDependencies: { ...gw.propertyDependencies, urlPathMaps: [...(gw.propertyDependencies["urlPathMaps"] ?? []), ...(policyInStack ? [bulkWaf] : [])] } };
        return [...base.filter((r) => r !== gw && r !== waf), newGw, gwWaf, ...(policyInStack ? [bulkWaf] : [])];
    }
    let dev: ProgramRun;
    let preview: ProgramRun;
    before(async () => {
        dev = await sharedProgramRun("dev");
        preview = await sharedProgramRun("prod", true);
    });

    it("judges the path rule by its own policy: passes when that admits /bulk/..., even if the gateway's would block it", () => {
        // The gateway-level rule admits only the FHIR base: it would block /bulk/sample, but does not apply to the bulk rule.
        const fhirOnly = [{ ...OLD_RULE, matchConditions: [...OLD_RULE.matchConditions.map((c) => ({ ...c, matchValues: ["/fhir/", "/fhir?"] })),
            { matchVariables: [{ variableName: "RequestUri" }], operator: "Equal", negationConditon: true, matchValues: ["/fhir"], transforms: ["Lowercase"] }] }];
        expect(wafCustomRuleVerdict(fhirOnly, { method: "GET", uri: "/bulk/sample" }).action).to.equal("Block");
        expect(checkStack(wafAdmitsRoutedPaths, withBulkRule(dev, [], { gatewayRules: fhirOnly }))).to.deep.equal([]);
        expect(checkStack(wafAdmitsRoutedPaths, withBulkRule(dev, [blockOutside("BlockOutsideBulk", ["/bulk/"])], { gatewayRules: fhirOnly }))).to.deep.equal([]);
    });
    it("fails when the path rule's own policy blocks what it routes (by ID, and at a first preview by the map's dependency)", () => {
        const expected = [`application gateway "ingress-agw" routes /bulk/sample (path rule "bulk", pattern "/bulk/*") to pool "apim", but WAF custom rule "FhirOnly" of "ingress-waf-bulk" (its own WAF policy) blocks it for every method`];
        expect(checkStack(wafAdmitsRoutedPaths, withBulkRule(dev, [blockOutside("FhirOnly", ["/fhir/"])]))).to.deep.equal(expected);
        expect(checkStack(wafAdmitsRoutedPaths, withBulkRule(preview, [blockOutside("FhirOnly", ["/fhir/"])], { idKnown: false }))).to.deep.equal(expected);
        // The gateway's own policy still judges the FHIR rule next to it.
        const both = withBulkRule(dev, [blockOutside("FhirOnly", ["/fhir/"])], { gatewayRules: [blockOutside("BulkOnly", ["/bulk/"])] });
        expect(checkStack(wafAdmitsRoutedPaths, both).filter((m) => m.includes("path rule \"fhir\""))).to.have.length.greaterThan(0);
    });
    it("leaves a path rule alone whose own policy is outside the stack", () => {
        expect(checkStack(wafAdmitsRoutedPaths, withBulkRule(dev, [blockOutside("FhirOnly", ["/fhir/"])], { policyInStack: false }))).to.deep.equal([]);
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

    it("samples what a path pattern routes: the exact path with and without a query, or a path below /*, with every method", () => {
        expect(SAMPLE_METHODS).to.deep.equal(["GET", "POST", "PUT", "PATCH", "DELETE"]);
        expect(samplesFor("/fhir")).to.deep.equal(["/fhir", "/fhir?_count=1"]);
        expect(samplesFor("/fhir/*")).to.deep.equal(["/fhir/sample"]);
        expect(samplesFor("/a*b")).to.deep.equal([]);
    });
});
