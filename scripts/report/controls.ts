/**
 * The controls view: per HITRUST CSF control, the rules implementing it and their result, then every rule once with
 * the resources it looked at and its verdict on each, so an assessor follows control → rule → resource → setting.
 */
import { azureTypeKey } from "../../policy/rules/common";
import type { ReportData } from "./data";
import { badge, esc, section, table } from "./html";
import { RuleEvaluation, findingMessage } from "./model";

function ruleLink(e: RuleEvaluation): string {
    return `<a href="#rule-${esc(e.rule.name)}">${esc(e.rule.name)}</a>`;
}

export function renderControls(d: ReportData): string {
    const rows = d.controls;
    const evaluated = rows.filter((c) => c.result !== "not-evaluated");
    const index = table(["Control", "Title", "Result", "Rules"], rows.map((c) => [
        `<a href="#ctl-${esc(c.id)}">${esc(c.id)}</a>`,
        `${esc(c.title ?? "(not in the control list)")}${c.titleSource?.startsWith("[unverified]") === true || c.titleSource?.includes("[unverified]") === true ? ' <span class="muted small">[title unverified]</span>' : ""}`,
        badge(c.result),
        c.rules.length === 0 ? '<span class="muted">none</span>' : String(c.rules.length),
    ]));
    const blocks = rows.map((c) => {
        const head = `<h3 id="ctl-${esc(c.id)}">${esc(c.id)} ${esc(c.title ?? "")} ${badge(c.result)}</h3>`;
        if (c.rules.length === 0) {
            return `<div class="control">${head}<p>No rule of the pack maps this control: the plan provides <strong>no evidence</strong> for it.${c.notEvaluatedBecause !== undefined ? ` ${esc(c.notEvaluatedBecause)}` : ""}</p></div>`;
        }
        const list = table(["Rule", "Severity", "Level", "Result", "What it checks", "Resources looked at"], c.rules.map((e) => [
            ruleLink(e), esc(e.rule.severity ?? ""), esc(e.config.level), badge(e.result), esc(e.rule.description), verdictSummary(e),
        ]));
        return `<div class="control">${head}${c.uncatalogued ? '<p class="warn small">This control id is named by a rule but is not in scripts/report/hitrust-controls.json.</p>' : ""}${list}</div>`;
    });
    const body = [
        `<p class="lead">HITRUST CSF v11.3 controls relevant to the platform (scripts/report/hitrust-controls.json). ${evaluated.length} of ${rows.length} are mapped by at least one rule; the others are <strong>not evaluated</strong>. A control's result is its worst rule result (violated &gt; deferred &gt; downgraded &gt; advisory &gt; pass &gt; not applicable). "Pass" means the rule read the planned inputs of every resource listed and reported nothing; "not applicable" means the plan has no resource of the types it reads. The pack records no HIPAA mapping for its rules, so none is shown.</p>`,
        index,
        ...blocks,
        `<h2 id="rules">Rules and the resources they looked at</h2>`,
        `<p class="lead">A rule looked at a resource when the resource's type is one the rule reads (its <code>types</code>; <code>*</code> = every azure-native type). Follow a resource to its security-relevant settings in the resources view.</p>`,
        ...d.evaluations.map((e) => renderRule(d, e)),
    ];
    return section("controls", "Controls", body.join("\n"));
}

function verdictSummary(e: RuleEvaluation): string {
    if (e.resources.length === 0) return e.stackFindings.length > 0 ? `${e.stackFindings.length} stack finding(s)` : '<span class="muted">none in this plan</span>';
    const by = new Map<string, number>();
    for (const r of e.resources) by.set(r.verdict, (by.get(r.verdict) ?? 0) + 1);
    return [...by.entries()].map(([v, n]) => `${n} ${esc(v)}`).join(", ");
}

function renderRule(d: ReportData, e: RuleEvaluation): string {
    const r = e.rule;
    const facts = [
        ["Result", badge(e.result)],
        ["Description", esc(r.description)],
        ["Severity", esc(r.severity ?? "unspecified")],
        ["Level", `${esc(e.config.level)}${e.config.level !== r.enforcementLevel ? ` <span class="muted">(pack default ${esc(r.enforcementLevel)})</span>` : ""}${e.config.downgraded ? ` — downgraded: ${esc(e.config.downgradeReason ?? "no reason given")}` : ""}`],
        ["HITRUST CSF", r.controls.hitrust.map((id) => `<a href="#ctl-${esc(id)}">${esc(id)}</a>`).join(", ") || '<span class="muted">none</span>'],
        ["Azure Policy / Checkov", `${r.controls.azurePolicy.map((x) => `<code>${esc(x)}</code>`).join(" ") || "—"} / ${r.controls.checkov.map((x) => `<code>${esc(x)}</code>`).join(" ") || "—"}`],
        ["Reads types", r.types.map((t) => `<code>${esc(t)}</code>`).join(" ") || '<span class="warn">unknown (no types in the rule metadata)</span>'],
        ...(e.config.exemptions.length > 0 ? [["Exemptions", e.config.exemptions.map((x) => `<code>${esc(x.resourceName)}</code>: ${esc(x.justification)}`).join("<br>")]] : []),
        ...(r.remediation !== undefined ? [["Remediation", esc(r.remediation)]] : []),
    ];
    const flagged = e.resources.filter((v) => v.verdict !== "pass");
    const passed = e.resources.filter((v) => v.verdict === "pass");
    const res = (v: (typeof e.resources)[number]) => `<a href="#${d.resourceId(v.resource)}">${esc(v.resource.name)}</a>`;
    const parts = [
        `<div class="control"><h3 id="rule-${esc(r.name)}">${esc(r.name)} ${badge(e.result)}</h3>`,
        table(["", ""], facts),
        flagged.length > 0 ? table(["Resource", "Type", "Verdict", "Finding"], flagged.map((v) => [res(v), `<code>${esc(azureTypeKey(v.resource.type) ?? v.resource.type)}</code>`, badge(v.verdict), esc(v.exemption !== undefined ? `exempt: ${v.exemption.justification}` : v.messages.join(" / "))])) : "",
        passed.length > 0 ? `<p class="small"><strong>Pass (${passed.length}):</strong> ${passed.map(res).join(", ")}</p>` : "",
        e.stackFindings.length > 0 ? table(["Stack-wide finding", "Level"], e.stackFindings.map((v) => [esc(findingMessage(v.message, r.description)), esc(v.enforcementLevel)])) : "",
        e.resources.length === 0 && e.stackFindings.length === 0 ? '<p class="muted small">No resource of the types this rule reads is in the plan.</p>' : "",
        `</div>`,
    ];
    return parts.join("");
}
