/** HTML building blocks for the report: escaping, badges, anchors and the page's inline stylesheet. */
import { RuleResult, Verdict, ControlResult } from "./model";

export const esc = (s: unknown): string => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Markdown-ish inline text: `code` → <code>, everything else escaped; URLs stay text (the page links nothing outside itself). */
export const inline = (s: string): string => s.split(/(`[^`]*`)/).map((part) => (part.startsWith("`") && part.endsWith("`") && part.length > 1 ? `<code>${esc(part.slice(1, -1))}</code>` : esc(part))).join("");

/** A stable in-page id from any text (`rule-storage-min-tls-1-2`, `ctl-09.aa`). */
export const anchor = (prefix: string, s: string): string => `${prefix}-${s.replace(/[^A-Za-z0-9_.-]+/g, "_")}`;

const LABELS: Record<ControlResult | Verdict, string> = {
    "violated": "violated", "deferred": "deferred", "downgraded": "downgraded", "advisory": "advisory", "pass": "pass",
    "not-applicable": "not applicable", "disabled": "disabled", "not-evaluated": "not evaluated", "exempt": "exempt",
};

export const badge = (r: ControlResult | Verdict | RuleResult): string => `<span class="badge b-${r}">${esc(LABELS[r])}</span>`;

/** A table; a head of empty cells only (a key/value list) is left out. */
export const table = (head: string[], rows: string[][], cls = ""): string =>
    `<table${cls !== "" ? ` class="${cls}"` : ""}>${head.some((h) => h !== "") ? `<thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead>` : ""}<tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("")}</tbody></table>`;

export const section = (id: string, title: string, body: string): string => `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;

export const STYLE = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg-alt: #f6f8fa; --bad: #b42318; --warn: #9a6700; --ok: #1a7f37; --info: #0550ae; --phi: #8250df; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); margin: 0 auto; max-width: 1200px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 20px 0 6px; } p.lead { color: var(--muted); margin-top: 0; }
nav ol { columns: 3; margin: 8px 0 16px; padding-left: 20px; } nav a, a { color: var(--info); text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: var(--bg-alt); font-weight: 600; } tbody tr:nth-child(even) td { background: #fbfcfd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg-alt); padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.b-violated { color: var(--bad); } .b-deferred, .b-downgraded, .b-advisory { color: var(--warn); } .b-pass { color: var(--ok); }
.b-not-applicable, .b-disabled, .b-exempt { color: var(--muted); } .b-not-evaluated { color: #fff; background: var(--muted); border-color: var(--muted); }
.phi { color: #fff; background: var(--phi); border-radius: 3px; padding: 0 4px; font-size: 11px; font-weight: 700; }
.muted { color: var(--muted); } .small { font-size: 12px; } .warn { color: var(--warn); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 8px; margin: 10px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; } .card .n { font-size: 22px; font-weight: 700; } .card .l { color: var(--muted); font-size: 12px; }
.control { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; margin: 10px 0; break-inside: avoid; }
.control h3 { margin: 4px 0; } ul.res { margin: 2px 0; padding-left: 18px; } ul.res li { margin: 0; }
svg { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
svg text { font: 12px system-ui, sans-serif; } svg .unit rect { fill: #fff; stroke: #57606a; } svg .unit.component rect.outer { stroke-width: 2; }
svg .unit.phi rect.outer { stroke: var(--phi); stroke-width: 3; } svg .edge { fill: none; stroke: #8c959f; stroke-width: 1.2; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; } nav { display: none; }
  section { break-before: page; } section#summary { break-before: auto; }
  table { font-size: 10px; } tr, .control, .card { break-inside: avoid; } thead { display: table-header-group; }
  a { color: inherit; } svg { border: none; }
  @page { size: A4; margin: 14mm 12mm; }
}
`;
