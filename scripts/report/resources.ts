/**
 * The resources view: every resource, grouped by the top-level component that contains it, with the rules that
 * evaluated it and their verdicts, and its security-relevant inputs (public access, TLS, identity, private endpoint,
 * diagnostics target).
 */
import { RecordedResource } from "../../lib/offline/mocks";
import { azureTypeKey } from "../../policy/rules/common";
import type { ReportData } from "./data";
import { diagnosticsOf, isPhiStore, privateEndpointsOf, securitySettings } from "./facts";
import { badge, esc, section, table } from "./html";
import { Verdict } from "./model";

/** Types the private-endpoint column applies to (Private Link targets in this platform). */
const PRIVATE_LINK_TARGETS = new Set([
    "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "healthcareapis:Workspace", "eventhub:Namespace", "synapse:Workspace",
    "synapse:PrivateLinkHub", "web:WebApp", "cognitiveservices:Account", "apimanagement:ApiManagementService",
]);

export function renderResources(d: ReportData): string {
    const { graph } = d.ctx;
    const verdicts = new Map<string, Array<{ rule: string; verdict: Verdict }>>();
    for (const e of d.evaluations) {
        for (const v of e.resources) verdicts.set(v.resource.urn, [...(verdicts.get(v.resource.urn) ?? []), { rule: e.rule.name, verdict: v.verdict }]);
    }
    const groups = new Map<string, RecordedResource[]>();
    for (const r of graph.resources) {
        if (!r.custom) continue;
        const owner = d.wiring.ownerOf(r) ?? "";
        groups.set(owner, [...(groups.get(owner) ?? []), r]);
    }
    const blocks = d.wiring.units.filter((u) => groups.has(u.urn)).map((u) => {
        const members = groups.get(u.urn) ?? [];
        const phi = members.filter(isPhiStore).length;
        const title = `${esc(u.name)} <span class="muted small">(${u.custom ? `${esc(azureTypeKey(u.type) ?? u.type)}, created by the program directly` : `${esc(u.type)}, ${members.length} resources`})</span>`;
        const rows = members.map((r) => {
            const key = azureTypeKey(r.type);
            const settings = securitySettings(r);
            const pes = key !== undefined && PRIVATE_LINK_TARGETS.has(key) ? privateEndpointsOf(graph, r) : [];
            const diags = diagnosticsOf(graph, r);
            const rv = verdicts.get(r.urn) ?? [];
            const passed = rv.filter((v) => v.verdict === "pass");
            const other = rv.filter((v) => v.verdict !== "pass");
            return [
                `<span id="${d.resourceId(r)}"><strong>${esc(r.name)}</strong></span>${isPhiStore(r) ? ' <span class="phi">PHI</span>' : ""}${r.protect ? ' <span class="muted small">protected</span>' : ""}<br><code>${esc(key ?? r.type)}</code>`,
                settings.length === 0 ? '<span class="muted">—</span>' : settings.map((s) => `<code>${esc(s.path)}</code> = ${esc(s.value)}`).join("<br>"),
                key === undefined || !PRIVATE_LINK_TARGETS.has(key) ? '<span class="muted">n/a</span>'
                    : pes.length === 0 && typeof r.inputs["virtualNetworkType"] === "string" && r.inputs["virtualNetworkType"] !== "None" ? `VNet-injected (${esc(r.inputs["virtualNetworkType"])})`
                    : pes.length === 0 ? '<span class="warn">none</span>'
                    : pes.map((p) => `${esc(p.endpoint.name)}${p.groupIds.length > 0 ? ` <span class="muted">(${esc(p.groupIds.join(", "))})</span>` : ""}`).join("<br>"),
                diags.length === 0 ? '<span class="muted">—</span>' : diags.map((x) => `${esc(x.destinations.join(", ") || "(destination unknown)")}${x.categories.length > 0 ? ` <span class="muted">(${esc(x.categories.join(", "))})</span>` : ""}`).join("<br>"),
                [
                    ...other.map((v) => `${badge(v.verdict)} <a href="#rule-${esc(v.rule)}">${esc(v.rule)}</a>`),
                    passed.length > 0 ? `<span class="small">pass: ${passed.map((v) => `<a href="#rule-${esc(v.rule)}">${esc(v.rule)}</a>`).join(", ")}</span>` : "",
                ].filter((s) => s !== "").join("<br>") || '<span class="muted">no rule reads this type</span>',
            ];
        });
        return `<h3>${title}${phi > 0 ? ` <span class="phi">PHI ×${phi}</span>` : ""}</h3>${table(["Resource", "Security-relevant inputs", "Private endpoint", "Diagnostics to", "Rules and verdicts"], rows, "resources")}`;
    });
    const body = [
        `<p class="lead">${graph.custom.length} resources in ${d.wiring.units.length} top-level units (components, and resources the program creates directly). <span class="phi">PHI</span> marks a data store (storage, FHIR, DICOM, Synapse, Event Hubs) whose <code>data-classification</code> tag says PHI. Inputs are as planned: <code>[unknown]</code> is a value Azure computes at deploy time, <code>[secret]</code> a secret. Private endpoints and diagnostic settings are matched by dependency (known at preview) or by ID (known in update mode).</p>`,
        ...blocks,
    ];
    return section("resources", "Resources", body.join("\n"));
}
