/**
 * `node -r ./scripts/register.js scripts/planSummary.ts <plan.json>...`
 *
 * A Markdown summary of offline plans (the `--json` files of `npm run plan`) for a CI job summary: per plan the
 * outcome, resource count, mandatory and advisory violations, checks deferred to `pulumi up`, then the violations (with
 * the rule's severity, and for each mandatory rule violated its remediation), the deferred checks and the resource
 * counts by type. A file that is missing or unreadable (the plan stopped before writing it: invalid config, exit 2, or
 * an error, exit 3) is listed as such, so the summary never hides a plan.
 */
import * as fs from "fs";
import * as path from "path";
import { deferredAtPreview } from "../lib/offline/policyHost";
import type { PlanJson } from "./plan/json";

export interface PlanInput {
    /** The JSON file, as named on the command line (shown when there is no plan). */
    file: string;
    plan?: PlanJson;
}

/** Markdown table cell: one line, pipes escaped. */
function cell(s: string): string {
    return s.replace(/\r?\n+/g, " ").replace(/\|/g, "\\|").trim();
}

export function planSummaryMarkdown(inputs: readonly PlanInput[]): string {
    const out: string[] = ["## Offline plans", "", "Each plan runs the program under Pulumi mocks and the policy pack over the analyzer protocol, without cloud credentials.", ""];
    out.push("| Plan | Result | Resources | Mandatory | Advisory | Deferred to `pulumi up` | Pack |", "|---|---|---:|---:|---:|---:|---|");
    for (const { file, plan } of inputs) {
        if (plan === undefined) {
            out.push(`| \`${cell(file)}\` | :x: no plan written (invalid config or error: see the job log and the artifact) | | | | | |`);
            continue;
        }
        const vs = plan.policy.violations;
        const deferred = vs.filter((v) => deferredAtPreview(v) !== undefined);
        const mandatory = vs.filter((v) => v.enforcementLevel === "mandatory");
        const advisory = vs.filter((v) => v.enforcementLevel === "advisory" && !deferred.includes(v));
        const result = mandatory.length > 0 ? `:x: ${mandatory.length} mandatory violation${mandatory.length === 1 ? "" : "s"}` : ":white_check_mark: no mandatory violations";
        out.push(`| ${cell(`${plan.project}/${plan.stack}`)} (${plan.mode}) | ${result} | ${plan.resources.length} | ${mandatory.length} | ${advisory.length} | ${deferred.length} | ${cell(plan.policy.pack)}@${cell(plan.policy.version)} (${plan.policy.policies} policies) |`);
    }
    for (const { plan } of inputs) {
        if (plan === undefined) continue;
        const name = `${plan.project}/${plan.stack}`;
        const deferred = plan.policy.violations.filter((v) => deferredAtPreview(v) !== undefined);
        const reported = plan.policy.violations.filter((v) => !deferred.includes(v));
        if (reported.length > 0) {
            out.push("", `### ${name}: violations`, "", "| Level | Severity | Policy | Resource | Message |", "|---|---|---|---|---|");
            for (const level of ["mandatory", "advisory", "remediate", "disabled"] as const) {
                // `severity` is absent from plans written before the contract carried it.
                for (const v of reported.filter((x) => x.enforcementLevel === level)) out.push(`| ${level} | ${cell(v.severity ?? "")} | \`${cell(v.policy)}\` | ${v.urn === null ? "(stack)" : `\`${cell(v.urn.split("::").pop() ?? v.urn)}\``} | ${cell(v.message)} |`);
            }
            const fixes = new Map(reported.filter((v) => v.enforcementLevel === "mandatory" && typeof v.remediation === "string").map((v) => [v.policy, v]));
            if (fixes.size > 0) {
                out.push("", "How to fix the mandatory ones:", "");
                for (const [policy, v] of fixes) out.push(`- \`${cell(policy)}\`${v.severity !== null && v.severity !== undefined ? ` (${v.severity})` : ""}: ${cell(v.remediation ?? "")}`);
            }
        }
        if (deferred.length > 0) {
            out.push("", `### ${name}: checks deferred to \`pulumi up\``, "", "A value the rule reads is unknown until the resource it comes from exists; the engine runs the rule before creating the resource.", "", "| Policy | Resource | Unknown |", "|---|---|---|");
            for (const v of deferred) out.push(`| \`${cell(v.policy)}\` | ${v.urn === null ? "(stack)" : `\`${cell(v.urn.split("::").pop() ?? v.urn)}\``} | ${cell(deferredAtPreview(v) ?? "")} |`);
        }
        const counts = new Map<string, number>();
        for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        out.push("", `<details><summary>${name}: ${plan.resources.length} resources by type</summary>`, "", "| Count | Type |", "|---:|---|");
        for (const [type, n] of [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) out.push(`| ${n} | \`${cell(type)}\` |`);
        out.push("", "</details>");
    }
    return out.join("\n") + "\n";
}

/** Reads a plan file; undefined when it is missing or not a plan (the plan stopped before writing it). */
export function readPlan(file: string): PlanInput {
    try {
        const plan = JSON.parse(fs.readFileSync(file, "utf8")) as PlanJson;
        return Array.isArray(plan.resources) && typeof plan.policy === "object" ? { file, plan } : { file };
    } catch {
        return { file };
    }
}

if (require.main === module) {
    const files = process.argv.slice(2);
    if (files.length === 0) {
        console.error(`usage: ${path.basename(__filename)} <plan.json>...`);
        process.exit(2);
    }
    process.stdout.write(planSummaryMarkdown(files.map(readPlan)));
}
