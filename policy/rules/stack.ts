import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { azureTypeKey } from "./common";
import { EXEMPTIONS_SCHEMA, Exemption, RULE_METADATA, RuleControls, isExempt, resourceRule } from "./define";

/**
 * Stack-level rules: relations between resources (endpoint → store, diagnostic setting → resource, public IP →
 * consumer). They follow dependencies (`propertyDependencies`), which are known at preview, not output IDs.
 */

interface StackRuleSpec<C extends object> {
    name: string;
    area: string;
    description: string;
    severity: "low" | "medium" | "high" | "critical";
    controls: RuleControls;
    types: string[];
    remediation: string;
    config?: Record<string, object>;
    check: (resources: PolicyResource[], config: C, report: (message: string, urn?: string) => void, exempt: (r: PolicyResource) => boolean) => void;
}

function stackRule<C extends object>(spec: StackRuleSpec<C>): StackValidationPolicy {
    RULE_METADATA.set(spec.name, { area: spec.area, controls: spec.controls, types: spec.types });
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: "mandatory",
        severity: spec.severity,
        framework: { name: "HITRUST CSF", version: "v11.3", reference: spec.controls.hitrust.join(", "), specification: spec.area },
        tags: ["hitrust", "hipaa", spec.area, ...spec.controls.azurePolicy.map((id) => `azure-policy:${id}`), ...spec.controls.checkov.map((id) => `checkov:${id}`)],
        remediationSteps: spec.remediation,
        configSchema: { properties: { ...(spec.config ?? {}), exemptions: EXEMPTIONS_SCHEMA } },
        validateStack: (args, reportViolation) => {
            const config = args.getConfig<C & { exemptions: Exemption[] }>();
            const exempt = (r: PolicyResource) => isExempt(r.name, config.exemptions);
            spec.check(args.resources, config, reportViolation, exempt);
        },
    };
}

const key = (r: PolicyResource) => azureTypeKey(r.type) ?? "";
const dependsOn = (r: PolicyResource, target: PolicyResource, prop?: string) =>
    (prop === undefined ? [...r.dependencies, ...Object.values(r.propertyDependencies).flat()] : (r.propertyDependencies[prop] ?? [])).some((d) => d.urn === target.urn);

/** Stores that must be reachable only through a private endpoint. */
const PE_TARGETS = ["healthcareapis:Workspace", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "eventhub:Namespace", "synapse:Workspace", "web:WebApp"];

export const phiPrivateEndpointRequired = stackRule<Record<string, never>>({
    name: "phi-private-endpoint-required",
    area: "network",
    description: "Every PHI store (Health Data Services workspace, storage account, Key Vault, registry, Event Hubs namespace, Synapse workspace, web app) has a private endpoint pointing at it.",
    severity: "critical",
    controls: { hitrust: ["01.m", "01.n"], azurePolicy: ["64528841", "a6abeaec", "6edd7eda", "e8eef0a8"], checkov: ["CKV2_AZURE_32", "CKV2_AZURE_33"] },
    types: PE_TARGETS,
    remediation: "Add a network:PrivateEndpoint whose privateLinkServiceConnections[].privateLinkServiceId is the store's id (and a DNS zone group).",
    check: (resources, _c, report, exempt) => {
        const endpoints = resources.filter((r) => key(r) === "network:PrivateEndpoint");
        const targets = resources.filter((r) => PE_TARGETS.includes(key(r)));
        for (const t of targets) {
            if (exempt(t)) continue;
            const linked = endpoints.some((pe) => dependsOn(pe, t, "privateLinkServiceConnections") || JSON.stringify(pe.props["privateLinkServiceConnections"] ?? []).includes(`"${String(t.props["id"] ?? "\u0000")}"`));
            if (!linked) report(`${key(t)} "${t.name}" has no private endpoint`, t.urn);
        }
    },
});

/** Resources whose audit logs must reach Log Analytics. */
const AUDITED = ["healthcareapis:FhirService", "healthcareapis:DicomService", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "apimanagement:ApiManagementService", "network:AzureFirewall", "network:ApplicationGateway"];

export const phiDiagnosticsToLaw = stackRule<Record<string, never>>({
    name: "phi-diagnostics-to-law",
    area: "monitoring",
    description: "Every PHI store and edge service sends its logs (allLogs or audit category group) to a Log Analytics workspace; for storage, the blob service's logs.",
    severity: "high",
    controls: { hitrust: ["09.aa", "09.ab"], azurePolicy: ["7f89b1eb", "cf820ca0", "91a78b24", "eb2fea88"], checkov: [] },
    types: AUDITED,
    remediation: "Add a monitor:DiagnosticSetting on the resource (storage: on <account>/blobServices/default) with logs [{ categoryGroup: allLogs or audit, enabled: true }] and workspaceId set.",
    check: (resources, _c, report, exempt) => {
        const settings = resources.filter((r) => key(r) === "monitor:DiagnosticSetting").filter((d) => {
            const logs = Array.isArray(d.props["logs"]) ? (d.props["logs"] as Array<Record<string, unknown>>) : [];
            const auditing = logs.some((l) => l["enabled"] === true && ["allLogs", "audit"].includes(String(l["categoryGroup"])));
            return auditing && (d.propertyDependencies["workspaceId"] !== undefined || typeof d.props["workspaceId"] === "string");
        });
        const blobServices = resources.filter((r) => key(r) === "storage:BlobServiceProperties");
        for (const t of resources.filter((r) => AUDITED.includes(key(r)))) {
            if (exempt(t)) continue;
            const covered = settings.some((d) => dependsOn(d, t, "resourceUri"))
                || (key(t) === "storage:StorageAccount" && blobServices.some((b) => dependsOn(b, t, "accountName") && settings.some((d) => dependsOn(d, b, "resourceUri"))));
            if (!covered) report(`${key(t)} "${t.name}" sends no audit logs to Log Analytics`, t.urn);
        }
    },
});

export const publicIpOnlyAtEdge = stackRule<{ allowedConsumers: string[] }>({
    name: "no-public-ip-except-edge",
    area: "network",
    description: "Public IPs exist only on the edge: Application Gateway, Azure Firewall, Bastion, and API Management's stv2 management endpoint; none is orphaned.",
    severity: "high",
    controls: { hitrust: ["01.m", "01.n"], azurePolicy: ["83a86a26"], checkov: ["CKV_AZURE_119", "CKV2_AZURE_39"] },
    types: ["network:PublicIPAddress"],
    remediation: "Remove the public IP; reach the resource through the gateway or Bastion.",
    config: { allowedConsumers: { type: "array", items: { type: "string" }, default: ["network:ApplicationGateway", "network:AzureFirewall", "network:BastionHost", "apimanagement:ApiManagementService"] } },
    check: (resources, c, report, exempt) => {
        for (const pip of resources.filter((r) => key(r) === "network:PublicIPAddress")) {
            if (exempt(pip)) continue;
            // Only Azure resources consume an IP; the stack and components merely pass outputs along.
            const consumers = resources.filter((r) => key(r) !== "" && key(r) !== "monitor:DiagnosticSetting" && dependsOn(r, pip));
            if (consumers.length === 0) report(`public IP "${pip.name}" is attached to nothing`, pip.urn);
            for (const cons of consumers.filter((x) => !c.allowedConsumers.includes(key(x)))) report(`public IP "${pip.name}" is used by ${key(cons)} "${cons.name}", which is not an edge service`, pip.urn);
        }
    },
});

/** Stateful resources whose deletion loses PHI or its keys and audit trail. */
const STATEFUL = ["healthcareapis:Workspace", "healthcareapis:FhirService", "healthcareapis:DicomService", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "operationalinsights:Workspace", "synapse:Workspace", "compute:Disk"];

export const statefulProtected = resourceRule<{ requireProtect: boolean }>({
    name: "prod-stateful-protected",
    area: "data-protection",
    description: "In protected stacks (prod), every stateful PHI resource has Pulumi `protect`, so a stray `pulumi destroy` or refactor cannot delete it.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["12.b", "09.l"], azurePolicy: [], checkov: [] },
    types: STATEFUL,
    remediation: "Pass { protect: true } (and retainOnDelete) to stateful resources; the program does so when ahds:protect is true.",
    config: { requireProtect: { type: "boolean", default: true } },
    check: (r, c, report) => { if (c.requireProtect && r.args.opts.protect !== true) report(`${r.typeKey} "${r.name}" is not protected`); },
});
