/** The "what the plan cannot prove" view: deferred checks, the documented post-deploy checks, controls not evaluated. */
import type { ReportData } from "./data";
import { badge, esc, inline, section, table } from "./html";

export interface AfterDeployCheck {
    id: string;
    component: string;
    doubt: string;
    check: string;
    ifItFails: string;
}

/** Splits a Markdown table row on unescaped `|` (`\|` inside a cell stays a literal bar). */
function cells(line: string): string[] {
    const parts: string[] = [];
    let cur = "";
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === "\\" && line[i + 1] === "|") { cur += "|"; i++; continue; }
        if (c === "|") { parts.push(cur.trim()); cur = ""; continue; }
        cur += c;
    }
    parts.push(cur.trim());
    return parts.slice(1, -1);
}

/** The checks table of docs/after-deploy-checks.md (`| # | Component | Doubt | Check after pulumi up | If it fails |`). */
export function parseAfterDeployChecks(markdown: string): AfterDeployCheck[] {
    return markdown.split("\n")
        .filter((l) => /^\|\s*\d+\s*\|/.test(l))
        .map(cells)
        .filter((c) => c.length >= 5)
        .map(([id = "", component = "", doubt = "", check = "", ifItFails = ""]) => ({ id, component, doubt, check, ifItFails }));
}

/** What no plan can show, whatever the graph (the offline harness's own limits; README "Quick start"). */
export const PLAN_LIMITS = [
    "The plan shows what Azure will be asked for (the resources' planned inputs), not what Azure does with it: defaults the azure-native provider's Check adds, values Azure computes at deploy time, and anything changed outside Pulumi afterwards (drift) are not in the graph.",
    "Rules read one resource's inputs (or the stack's resources and their dependencies); they cannot see the data plane: who holds Entra ID roles on the FHIR service, what clients send through the gateway, whether PHI lands only where it is expected.",
    "A rule that passes says the planned setting is compliant. It says nothing about operating procedures (access reviews, incident response, backups restored) that HITRUST also requires: see the controls marked not evaluated.",
    "Subscription-wide settings the program does not own (Defender plans in dev, the HITRUST initiative assignment's findings, Network Watcher) are only as the stack configures them.",
];

export function renderLimits(d: ReportData): string {
    const deferred = d.evaluations.flatMap((e) => e.deferred.map((x) => [`<a href="#rule-${esc(e.rule.name)}">${esc(e.rule.name)}</a>`, esc(x.violation.urn?.split("::").pop() ?? "(stack)"), esc(x.unknown)]));
    const checks = d.extras.afterDeployChecks;
    const notEvaluated = d.controls.filter((c) => c.result === "not-evaluated");
    const body = [
        `<p class="lead">The report never claims more than the plan can show. These are the checks that remain after it.</p>`,
        `<h3>General limits of a plan</h3><ul>${PLAN_LIMITS.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>`,
        `<h3>Checks deferred to <code>pulumi up</code> (${deferred.length})</h3>`,
        deferred.length === 0
            ? `<p>None: every rule decided on the planned inputs. (A deferred check read a value unknown until the resource it comes from exists; the engine runs it again before creating the resource.)</p>`
            : `<p>These rules read a value unknown at preview; the engine runs them again, with known inputs, before it creates the resource.</p>${table(["Rule", "Resource", "Unknown at preview"], deferred)}`,
        `<h3>Documented post-deploy checks${checks !== undefined ? ` (${checks.length})` : ""}</h3>`,
        checks === undefined
            ? `<p class="warn">The post-deploy checks (docs/after-deploy-checks.md) were not provided to the report.</p>`
            : `<p>From docs/after-deploy-checks.md: assumptions only a real deployment settles; run each after the first <code>pulumi up</code> of the stack.</p>${table(["#", "Component", "Doubt", "Check after pulumi up", "If it fails"], checks.map((c) => [esc(c.id), inline(c.component), inline(c.doubt), inline(c.check), inline(c.ifItFails)]))}`,
        `<h3>HITRUST controls not evaluated (${notEvaluated.length})</h3>`,
        `<p>The pack has no rule for these controls; the plan provides no evidence for them.</p>`,
        table(["Control", "Result", "Why a plan cannot show it"], notEvaluated.map((c) => [`<a href="#ctl-${esc(c.id)}">${esc(c.id)}</a> ${esc(c.title ?? "")}`, badge("not-evaluated"), esc(c.notEvaluatedBecause ?? "")])),
    ];
    return section("limits", "What the plan cannot prove", body.join("\n"));
}
