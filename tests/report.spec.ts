import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { policies } from "../policy/policies";
import { RULE_METADATA } from "../policy/rules/define";
import { PlanContext } from "../scripts/plan/context";
import { costProfile, PriceTable } from "../scripts/plan/cost";
import { criticalPath, CreateTimesTable, minutesByTypeKey } from "../scripts/plan/criticalPath";
import { toMermaid } from "../scripts/plan/mermaid";
import { programWiring } from "../scripts/plan/wiring";
import { REPORT_SECTIONS, ReportExtras, ReportRule, buildReportData, parseAfterDeployChecks, renderReport, typesFromTags } from "../scripts/report";
import { DEFAULT_CONTROLS } from "../scripts/report/data";
import { diagnosticsOf, isPhiStore, privateEndpointsOf, securitySettings } from "../scripts/report/facts";
import { transitiveReduction } from "../scripts/report/diagram";
import { Violation } from "../lib/offline/policyHost";
import { POLICY_DIR, closeSharedPolicySessions, evaluateShared, policyConfigFile, readPolicyConfig } from "../lib/offline/policySessions";
import { ProgramRun, sharedProgramRun } from "../lib/offline/run";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

after(closeSharedPolicySessions);

/** The pack's rule metadata as the plan receives it over the protocol, with the types read back from the `type:` tags. */
const RULES: ReportRule[] = policies.map((p) => ({
    name: p.name,
    description: p.description ?? "",
    ...(p.severity !== undefined ? { severity: p.severity } : {}),
    ...(p.remediationSteps !== undefined ? { remediation: p.remediationSteps } : {}),
    enforcementLevel: p.enforcementLevel ?? "advisory",
    controls: RULE_METADATA.get(p.name)?.controls ?? { hitrust: [], azurePolicy: [], checkov: [] },
    types: typesFromTags(p.tags ?? []),
}));
const CHECKS_MD = fs.readFileSync(path.join(PROJECT_DIR, "docs", "after-deploy-checks.md"), "utf8");
const PRICES = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "scripts", "plan", "prices.json"), "utf8")) as PriceTable;
const TIMES = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "scripts", "plan", "create-times.json"), "utf8")) as CreateTimesTable;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

const VOID = new Set(["meta", "br", "hr", "img", "input", "link", "wbr"]);

/** Well-formedness of the page as written: every element closed in order, attributes quoted, no stray `<`. Returns problems. */
function structureProblems(html: string): string[] {
    const problems: string[] = [];
    const stack: string[] = [];
    const body = html.replace(/^<!DOCTYPE html>\n/, "").replace(/(<style>)[\s\S]*?(<\/style>)/, "$1$2");
    const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<]*")?)*)\s*(\/?)>/g;
    let last = 0;
    for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
        const text = body.slice(last, m.index);
        if (text.includes("<") || text.includes(">")) problems.push(`unescaped < or > in text before ${m[0].slice(0, 40)}: ${text.slice(0, 60)}`);
        last = tag.lastIndex;
        const [, closing, rawName = "", , selfClosing] = m;
        const name = rawName.toLowerCase();
        if (closing === "/") {
            const open = stack.pop();
            if (open !== name) problems.push(`</${name}> closes <${open ?? "nothing"}>`);
        } else if (selfClosing !== "/" && !VOID.has(name)) stack.push(name);
    }
    if (body.slice(last).trim() !== "") problems.push(`text after </html>: ${body.slice(last, last + 60)}`);
    if (stack.length > 0) problems.push(`unclosed: ${stack.join(" > ")}`);
    return problems;
}

const attrs = (html: string, name: string): string[] => [...html.matchAll(new RegExp(`\\s${name}="([^"]*)"`, "g"))].map((m) => m[1] ?? "");

describe("compliance evidence report (scripts/report)", () => {
    const runs: Record<string, ProgramRun> = {};
    const contexts: Record<string, PlanContext> = {};
    const html: Record<string, string> = {};
    const extras: Record<string, ReportExtras> = {};
    const stacks = [["dev", false], ["prod", true]] as const;

    before(async () => {
        for (const [stack, preview] of stacks) runs[stack] = await sharedProgramRun(stack, preview);
        await Promise.all(stacks.map(async ([stack, preview]) => {
            const run = runs[stack]!;
            const policy = await evaluateShared(run.graph, { packDir: POLICY_DIR, configFile: policyConfigFile(stack), project: "ahds", stack, preview });
            contexts[stack] = {
                project: "ahds", stack, mode: preview ? "preview" : "update", graph: run.graph, policy, policyConfig: policyConfigFile(stack), outputs: {},
                timings: { load: 0, program: 0, packStart: 0, analyze: 0, stackRules: 0, total: 0 },
            };
            extras[stack] = {
                commit: COMMIT, generatedAt: new Date("2026-12-01T00:00:00Z"), policyConfig: readPolicyConfig(stack), afterDeployChecks: parseAfterDeployChecks(CHECKS_MD),
                cost: costProfile(run.graph, PRICES), criticalPath: criticalPath(run.graph, minutesByTypeKey(TIMES), TIMES.defaultMinutes),
            };
            html[stack] = renderReport(contexts[stack]!, RULES, extras[stack]);
        }));
    });

    it("reads each rule's types from the pack's `type:` tags (what the plan gets over the protocol), equal to the rule metadata", () => {
        for (const r of RULES) expect(r.types, r.name).to.deep.equal(RULE_METADATA.get(r.name)?.types);
        expect(RULES).to.have.length(RULE_METADATA.size);
    });

    it("lists every HITRUST control a rule names in scripts/report/hitrust-controls.json, once, with a title and its source", () => {
        const ids = DEFAULT_CONTROLS.map((c) => c.id);
        expect(new Set(ids).size).to.equal(ids.length);
        for (const r of RULES) for (const id of r.controls.hitrust) expect(ids, `${r.name} names ${id}`).to.include(id);
        for (const c of DEFAULT_CONTROLS) expect(c.title, c.id).to.match(/\w/) && expect(c.titleSource, c.id).to.match(/\w/);
    });

    it("draws the same units and edges as the Mermaid diagram (programWiring is toMermaid's wiring as data)", () => {
        for (const [stack] of stacks) {
            const g = runs[stack]!.graph;
            const w = programWiring(g);
            const mmd = toMermaid(g);
            const ids = new Map(w.units.map((u, i) => [u.urn, `n${i}`]));
            expect(mmd.split("\n").filter((l) => /^ {4}n\d+[[]/.test(l)).length, stack).to.equal(w.units.length);
            const edges = mmd.split("\n").filter((l) => / --> /.test(l)).map((l) => l.trim()).sort();
            expect(w.edges.map((e) => `${ids.get(e.from)} --> ${ids.get(e.to)}`).sort(), stack).to.deep.equal(edges);
        }
    });

    it("the structure check finds misnested, unclosed and unescaped markup (it is what validates the page without a browser)", () => {
        expect(structureProblems("<!DOCTYPE html>\n<html><body><p>a</b></p></body></html>")).to.have.length.greaterThan(0);
        expect(structureProblems("<!DOCTYPE html>\n<html><body><div></body></html>")).to.have.length.greaterThan(0);
        expect(structureProblems("<!DOCTYPE html>\n<html><body>1 < 2</body></html>")).to.have.length.greaterThan(0);
        expect(structureProblems('<!DOCTYPE html>\n<html><body><p class="a">x<br><svg><path d="M0,0"/></svg></p></body></html>')).to.deep.equal([]);
    });

    it("transitive reduction keeps exactly the edges no longer path implies", () => {
        const e = (from: string, to: string) => ({ from, to });
        expect(transitiveReduction([e("a", "b"), e("b", "c"), e("a", "c"), e("c", "d"), e("a", "d"), e("x", "d")])).to.deep.equal([e("a", "b"), e("b", "c"), e("c", "d"), e("x", "d")]);
    });

    for (const [stack] of stacks) {
        describe(`--stack ${stack}`, () => {
            it("is one well-formed, self-contained page: no script, nothing loaded or linked from elsewhere, every in-page link resolves", () => {
                const h = html[stack]!;
                expect(h.startsWith("<!DOCTYPE html>\n<html lang=\"en\">")).to.equal(true);
                expect(structureProblems(h)).to.deep.equal([]);
                expect(h).to.not.match(/<script|<iframe|<object|<embed|<link\b|<img\b|@import|\bsrc=/i);
                expect(h.replace(/url\(#[\w-]+\)/g, "")).to.not.match(/url\(/);
                const ids = attrs(h, "id");
                expect(new Set(ids).size, "ids are unique").to.equal(ids.length);
                for (const href of attrs(h, "href")) {
                    expect(href, "only in-page links").to.match(/^#/);
                    expect(ids, `link ${href} resolves`).to.include(href.slice(1));
                }
                expect(h).to.include("@media print");
            });

            it("has every section: summary, controls, resources, data flow, cost and deploy time, what the plan cannot prove", () => {
                for (const [id, title] of REPORT_SECTIONS) expect(html[stack]).to.include(`<section id="${id}"><h2>${title}</h2>`);
            });

            it("summarizes stack, commit, date, pack and config, counts, exemptions and downgrades with their justifications", () => {
                const h = html[stack]!;
                const ctx = contexts[stack]!;
                const d = buildReportData(ctx, RULES, extras[stack]!);
                expect(h).to.include(`ahds / <strong>${stack}</strong>`).and.include(COMMIT).and.include("2026-12-01T00:00:00Z")
                    .and.include(`${ctx.policy.pack} <code>${ctx.policy.version}</code>`).and.include(`config.${stack}.json`);
                expect(d.counts.resources).to.equal(ctx.graph.custom.length);
                expect(d.counts.rules).to.equal(policies.length);
                expect(d.counts.mandatory).to.equal(0);
                expect(d.counts.advisory).to.equal(ctx.policy.violations.filter((v) => v.enforcementLevel === "advisory").length);
                expect(d.counts.deferred).to.equal(0);
                const config = readPolicyConfig(stack);
                const downgraded = Object.entries(config).filter(([, v]) => typeof v === "object" && v !== null && "downgradeReason" in v).map(([k]) => k).sort();
                expect(d.evaluations.filter((e) => e.config.downgraded).map((e) => e.rule.name).sort()).to.deep.equal(downgraded);
                expect(downgraded.length > 0).to.equal(stack === "dev");
                for (const [, v] of Object.entries(config)) {
                    if (typeof v !== "object" || v === null) continue;
                    const entry = v as { downgradeReason?: string; exemptions?: Array<{ justification: string }> };
                    if (entry.downgradeReason !== undefined) expect(h).to.include(entry.downgradeReason.replace(/'/g, "&#39;"));
                    for (const x of entry.exemptions ?? []) expect(h).to.include(x.justification.replace(/'/g, "&#39;").replace(/"/g, "&quot;"));
                }
            });

            it("controls view: every rule looked at exactly the resources of its types; not-evaluated controls are the listed ones no rule maps", () => {
                const ctx = contexts[stack]!;
                const d = buildReportData(ctx, RULES, extras[stack]!);
                const mapped = new Set(RULES.flatMap((r) => r.controls.hitrust));
                const azure = ctx.graph.custom.filter((r) => r.type.startsWith("azure-native:"));
                for (const e of d.evaluations) {
                    const expected = e.rule.types.includes("*") ? azure : azure.filter((r) => e.rule.types.includes(r.type.replace(/^azure-native:/, "")));
                    const flagged = new Set(ctx.policy.violations.filter((v) => v.policy === e.rule.name && v.urn !== null).map((v) => v.urn));
                    const looked = e.resources.map((v) => v.resource.urn);
                    expect(looked.filter((u) => !flagged.has(u)), e.rule.name).to.deep.equal(expected.map((r) => r.urn).filter((u) => !flagged.has(u)));
                }
                expect(d.evaluations.find((e) => e.rule.name === "storage-min-tls-1-2")?.resources).to.have.length(ctx.graph.byType("azure-native:storage:StorageAccount").length);
                const notEvaluated = d.controls.filter((c) => c.result === "not-evaluated").map((c) => c.id);
                expect(notEvaluated).to.deep.equal(DEFAULT_CONTROLS.map((c) => c.id).filter((id) => !mapped.has(id)).sort((a, b) => d.controls.findIndex((c) => c.id === a) - d.controls.findIndex((c) => c.id === b)));
                expect(notEvaluated.length).to.be.greaterThan(0);
                for (const id of notEvaluated) expect(html[stack]).to.match(new RegExp(`<h3 id="ctl-${id.replace(".", "\\.")}">[^<]*<span class="badge b-not-evaluated">not evaluated</span>`));
                expect(d.controls.every((c) => !c.uncatalogued)).to.equal(true);
                // Dev runs three rules advisory (cost downgrades) that report findings: their controls show it.
                const results = new Set(d.controls.map((c) => c.result));
                expect(results.has("downgraded")).to.equal(stack === "dev");
                expect(results.has("violated")).to.equal(false);
            });

            it("resources view: private endpoints and diagnostics are attributed to their targets; PHI stores are marked", () => {
                const g = runs[stack]!.graph;
                const pes = g.byType("azure-native:network:PrivateEndpoint");
                const attributed = g.custom.flatMap((r) => privateEndpointsOf(g, r).map((p) => p.endpoint.urn));
                expect(attributed.sort(), "each endpoint has exactly one target").to.deep.equal(pes.map((p) => p.urn).sort());
                const kv = g.one("azure-native:keyvault:Vault");
                expect(diagnosticsOf(g, kv).flatMap((x) => x.destinations)).to.include("Log Analytics law");
                expect(securitySettings(kv).map((s) => s.path)).to.include.members(["properties.enableRbacAuthorization", "properties.enablePurgeProtection", "properties.publicNetworkAccess"]);
                expect(isPhiStore(g.one("azure-native:healthcareapis:FhirService"))).to.equal(true);
                expect(isPhiStore(g.one("azure-native:operationalinsights:Workspace"))).to.equal(false);
                const h = html[stack]!;
                expect(h).to.include(`<span class="phi">PHI</span>`);
                expect(h).to.match(/<g class="unit component phi"><title>fhir \(ahds:index:FhirWorkspace\)/);
                expect(h).to.include("<svg viewBox=").and.include('marker-end="url(#arrow)"');
            });

            it("what the plan cannot prove: deferred checks and every documented post-deploy check, and the controls not evaluated", () => {
                const checks = parseAfterDeployChecks(CHECKS_MD);
                const rows = CHECKS_MD.split("\n").filter((l) => /^\| \d+ \|/.test(l));
                expect(checks.map((c) => c.id)).to.deep.equal(rows.map((_, i) => String(i + 1)));
                for (const c of checks) expect(c.check.length > 0 && c.ifItFails.length > 0, c.id).to.equal(true);
                expect(checks.find((c) => c.id === "9")?.check).to.include("| grep -ci"); // an escaped \| stays inside its cell
                const h = html[stack]!;
                const limits = h.slice(h.indexOf('<section id="limits">'));
                expect(limits).to.include("Checks deferred to <code>pulumi up</code> (0)").and.include(`Documented post-deploy checks (${checks.length})`);
                expect(limits).to.include("az security pricing show");
            });

            it("shows the cost breakdown and the critical path it was given", () => {
                const h = html[stack]!;
                const deploy = h.slice(h.indexOf('<section id="deploy">'), h.indexOf('<section id="limits">'));
                expect(deploy).to.include(PRICES.priceDate).and.include("Usage-based charges");
                for (const s of extras[stack]!.criticalPath!.chain) expect(deploy).to.include(`>${s.name}</a>`);
            });
        });
    }

    it("shows a mandatory violation, a deferred check and a downgrade as such, down to the control", () => {
        const ctx = contexts["prod"]!;
        const lake = ctx.graph.custom.find((r) => r.name === "analytics-lake")!;
        const fhir = ctx.graph.one("azure-native:healthcareapis:FhirService");
        const injected: Violation[] = [
            { policy: "storage-min-tls-1-2", enforcementLevel: "mandatory", urn: lake.urn, message: "storage account \"analytics-lake\" allows TLS 1.0" },
            { policy: "fhir-cors-no-wildcard", enforcementLevel: "advisory", urn: fhir.urn, message: "can't run policy 'fhir-cors-no-wildcard' from policy pack 'ahds-hipaa-hitrust' during preview: string value at .corsConfiguration can't be known during preview" },
        ];
        const config = { ...readPolicyConfig("prod"), "keyvault-rbac-authorization": { enforcementLevel: "advisory", downgradeReason: "test: a downgrade with its reason shows in the summary" } };
        const bad: PlanContext = { ...ctx, policy: { ...ctx.policy, violations: [...ctx.policy.violations, ...injected] } };
        const d = buildReportData(bad, RULES, { policyConfig: config });
        const tls = d.evaluations.find((e) => e.rule.name === "storage-min-tls-1-2")!;
        expect(tls.result).to.equal("violated");
        expect(tls.resources.find((v) => v.resource.urn === lake.urn)).to.include({ verdict: "violated" });
        expect(tls.resources.filter((v) => v.verdict === "pass")).to.have.length(ctx.graph.byType("azure-native:storage:StorageAccount").length - 1);
        for (const id of tls.rule.controls.hitrust) expect(d.controls.find((c) => c.id === id)?.result, id).to.equal("violated");
        const cors = d.evaluations.find((e) => e.rule.name === "fhir-cors-no-wildcard")!;
        expect(cors.result).to.equal("deferred");
        expect(cors.deferred[0]?.unknown).to.equal("string value at .corsConfiguration can't be known during preview");
        expect(d.counts).to.include({ mandatory: 1, deferred: 1 });
        const kv = d.evaluations.find((e) => e.rule.name === "keyvault-rbac-authorization")!;
        expect(kv.config).to.include({ level: "advisory", downgraded: true });
        const h = renderReport(bad, RULES, { policyConfig: config });
        expect(structureProblems(h)).to.deep.equal([]);
        expect(h).to.include("1 mandatory violation(s)").and.include("allows TLS 1.0").and.include("Checks deferred to <code>pulumi up</code> (1)")
            .and.include("test: a downgrade with its reason shows in the summary");
    });

    it("renders without extras: no commit, config or post-deploy checks is said, not hidden", () => {
        const h = renderReport(contexts["dev"]!, RULES);
        expect(structureProblems(h)).to.deep.equal([]);
        expect(h).to.include("not recorded (not a git checkout, or git unavailable)").and.include("(not read: exemptions and downgrades are not shown)")
            .and.include("were not provided to the report").and.include("Not computed for this report.");
    });
});
