/** The cost and deploy-time view: the monthly cost profile's breakdown and the deploy's critical path. */
import { azureTypeKey } from "../../policy/rules/common";
import { FixedCostLine, UsageCostLine, costByKind, formatUsd } from "../plan/cost";
import type { ReportData } from "./data";
import { esc, section, table } from "./html";

export function renderDeploy(d: ReportData): string {
    const { cost, criticalPath } = d.extras;
    const body: string[] = [];
    body.push("<h3>Monthly cost profile</h3>");
    if (cost === undefined) body.push('<p class="muted">Not computed for this report.</p>');
    else {
        const fixed = cost.lines.filter((l): l is FixedCostLine => l.billing === "fixed").sort((a, b) => b.monthlyUsd - a.monthlyUsd);
        const usage = cost.lines.filter((l): l is UsageCostLine => l.billing === "usage");
        body.push(
            `<p class="lead"><strong>${esc(formatUsd(cost.monthlyUsd))} a month</strong> in fixed charges at ${esc(cost.currency)} list prices for ${esc(cost.region)} as of ${esc(cost.priceDate)} (scripts/plan/prices.json: every price cites its source; most were compiled offline and must be refreshed from the Azure Retail Prices API before they are quoted), plus the usage-based charges below, whose quantities the plan cannot know. Not a quote: agreements, reservations and currency change it.</p>`,
            table(["Kind", "Lines", "Fixed a month"], costByKind(cost).map((k) => [esc(k.kind), String(k.lines), `<span class="num">${esc(formatUsd(k.monthlyUsd))}</span>`])),
            table(["Resource", "Kind / SKU", "Quantity", "Unit a month", "A month", "Note"], fixed.map((l) => [
                `<a href="#${d.resourceId(l.resource)}">${esc(l.resource.name)}</a>`, `${esc(l.kind)} <code>${esc(l.sku)}</code>`,
                `${esc(l.quantity)} ${esc(l.unit)}`, esc(formatUsd(l.unitMonthlyUsd)), `<strong>${esc(formatUsd(l.monthlyUsd))}</strong>`, esc(l.note ?? ""),
            ])),
            `<h3>Usage-based charges (${usage.length})</h3><p>Billed by use; only the unit price is known before deploy.</p>`,
            table(["Resource", "Kind / SKU", "Unit price", "Note"], usage.map((l) => [
                esc(l.resource.name), `${esc(l.kind)} <code>${esc(l.sku)}</code>`,
                l.unitPriceUsd === null ? `<span class="warn">not available offline</span> per ${esc(l.unit)}` : `${esc(`$${l.unitPriceUsd}`)} per ${esc(l.unit)}`, esc(l.note ?? ""),
            ])),
            cost.unpriced.length + cost.unclassified.length > 0
                ? `<p class="warn">Not priced: ${[...cost.unpriced.map((u) => `${u.count} × ${u.type} (no entry ${u.priceKey})`), ...cost.unclassified.map((u) => `${u.count} × ${u.type}`)].map(esc).join("; ")}.</p>` : "",
            cost.warnings.length > 0 ? `<p class="warn">${cost.warnings.map(esc).join("<br>")}</p>` : "",
        );
    }
    body.push("<h3>Deploy critical path</h3>");
    if (criticalPath === undefined) body.push('<p class="muted">Not computed for this report.</p>');
    else {
        body.push(
            `<p class="lead">A first <code>pulumi up</code> takes at least <strong>≈ ${esc(criticalPath.totalMinutes)} minutes</strong>: the longest chain of resources that wait for each other (dependencies and property dependencies), weighted by documented create times (scripts/plan/create-times.json; other Azure resources count one minute). Resources off this chain are created in parallel with it.</p>`,
            table(["Starts at (min)", "Minutes", "Resource", "Type"], criticalPath.chain.map((s) => [
                `<span class="num">${esc(s.startsAt)}</span>`, `<span class="num">${esc(s.minutes)}</span>`, `<a href="#${d.resourceId(s)}">${esc(s.name)}</a>`, `<code>${esc(azureTypeKey(s.type) ?? s.type)}</code>`,
            ])),
        );
    }
    return section("deploy", "Cost and deploy time", body.join("\n"));
}
