/** The summary view: what was planned, with which pack and config, and the headline counts. */
import { deferredAtPreview } from "../../lib/offline/policyHost";
import { shownPath } from "../../lib/offline/stackConfig";
import { formatUsd } from "../plan/cost";
import type { ReportData } from "./data";
import { badge, esc, section, table } from "./html";
import { findingMessage } from "./model";

const card = (n: string | number, label: string): string => `<div class="card"><div class="n">${esc(n)}</div><div class="l">${esc(label)}</div></div>`;

export function renderSummary(d: ReportData): string {
    const { ctx, counts, extras } = d;
    const date = (extras.generatedAt ?? new Date()).toISOString().replace(/\.\d+Z$/, "Z");
    const notEvaluated = d.controls.filter((c) => c.result === "not-evaluated").length;
    const evaluated = d.controls.length - notEvaluated;
    const facts: string[][] = [
        ["Project / stack", `${esc(ctx.project)} / <strong>${esc(ctx.stack)}</strong>`],
        ["Mode", ctx.mode === "preview" ? "preview of a new stack (IDs and computed values unknown, as at a first <code>pulumi preview</code>)" : "update (every value known, as after a deploy)"],
        ["Commit", extras.commit !== undefined && extras.commit !== "" ? `<code>${esc(extras.commit)}</code>` : `<span class="warn">not recorded (not a git checkout, or git unavailable)</span>`],
        ["Generated", esc(date)],
        ["Policy pack", `${esc(ctx.policy.pack)} <code>${esc(ctx.policy.version)}</code>, ${esc(ctx.policy.policies)} rules`],
        ["Pack config", ctx.policyConfig !== undefined ? `<code>${esc(shownPath(ctx.policyConfig))}</code>${extras.policyConfig === undefined ? ` <span class="warn">(not read: exemptions and downgrades are not shown)</span>` : ""}` : "none (every rule at its default level)"],
    ];
    const cards = [
        card(counts.resources, `resources (+${counts.components} components)`),
        card(`${counts.rulesEvaluated}/${counts.rules}`, `rules evaluated (${counts.rulesApplied} applied to a resource)`),
        card(counts.mandatory, "mandatory violations"),
        card(counts.advisory, "advisory violations"),
        card(counts.deferred, "checks deferred to pulumi up"),
        card(`${evaluated}/${d.controls.length}`, "HITRUST controls with a rule"),
        ...(extras.cost !== undefined ? [card(formatUsd(extras.cost.monthlyUsd), `fixed list price a month (${extras.cost.priceDate}, + usage)`)] : []),
        ...(extras.criticalPath !== undefined ? [card(`≈ ${extras.criticalPath.totalMinutes} min`, "deploy critical path")] : []),
    ];
    const verdict = counts.mandatory > 0
        ? `<p>${badge("violated")} <strong>${counts.mandatory} mandatory violation(s)</strong>: the engine would stop this deployment.</p>`
        : `<p>${badge("pass")} No mandatory violation: the engine would let this deployment proceed${counts.deferred > 0 ? `, after re-running ${counts.deferred} deferred check(s)` : ""}.</p>`;

    const exemptions = d.evaluations.flatMap((e) => e.config.exemptions.map((x) => [`<a href="#rule-${esc(e.rule.name)}">${esc(e.rule.name)}</a>`, `<code>${esc(x.resourceName)}</code>`, esc(x.justification)]));
    const downgrades = d.evaluations.filter((e) => e.config.downgraded).map((e) => [
        `<a href="#rule-${esc(e.rule.name)}">${esc(e.rule.name)}</a>`, esc(e.config.level), badge(e.result),
        e.config.downgradeReason !== undefined ? esc(e.config.downgradeReason) : `<span class="warn">no downgradeReason given</span>`,
    ]);
    const violations = ctx.policy.violations.filter((v) => deferredAtPreview(v) === undefined);
    const description = new Map(d.evaluations.map((e) => [e.rule.name, e.rule.description]));
    const body = [
        table(["", ""], facts, "facts"),
        verdict,
        `<div class="cards">${cards.join("")}</div>`,
        `<h3>Violations (${violations.length})</h3>`,
        violations.length === 0 ? "<p>None.</p>" : table(["Rule", "Level", "Resource", "Message"], violations.map((v) => [
            `<a href="#rule-${esc(v.policy)}">${esc(v.policy)}</a>`, badge(v.enforcementLevel === "mandatory" ? "violated" : "advisory"), esc(v.urn?.split("::").pop() ?? "(stack)"), esc(findingMessage(v.message, description.get(v.policy))),
        ])),
        `<h3>Exemptions (${exemptions.length})</h3>`,
        exemptions.length === 0 ? "<p>None.</p>" : `<p>Resources (or named parts such as <code>vnet/subnet</code>) a rule skips, by name pattern, with the justification the pack config must give.</p>${table(["Rule", "Resource pattern", "Justification"], exemptions)}`,
        `<h3>Downgrades (${downgrades.length})</h3>`,
        downgrades.length === 0 ? "<p>None: every rule runs at its default level.</p>" : `<p>Rules the stack's config runs below the level they would otherwise have; a violation is then reported, not enforced.</p>${table(["Rule", "Level", "Result", "Reason"], downgrades)}`,
    ];
    return section("summary", "Summary", body.join("\n"));
}
