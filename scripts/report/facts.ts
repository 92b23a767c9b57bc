/**
 * Security-relevant facts about one resource, read from the captured graph: the settings a reviewer checks first, its
 * private endpoints, where its diagnostics go, and whether it is a PHI store.
 */
import { Graph } from "../../lib/offline/graph";
import { RecordedResource } from "../../lib/offline/mocks";
import { UNKNOWN, sanitize } from "../../lib/offline/values";
import { azureTypeKey } from "../../policy/rules/common";

/** Input keys that decide exposure, transport security, authentication and data protection (matched at any depth ≤ 4). */
const SETTING_KEYS = new Set([
    "publicNetworkAccess", "minimumTlsVersion", "minTlsVersion", "minimalTlsVersion", "minProtocolVersion", "httpsOnly", "supportsHttpsTrafficOnly",
    "enableHttpsTrafficOnly", "allowBlobPublicAccess", "allowSharedKeyAccess", "allowCrossTenantReplication", "disableLocalAuth", "adminUserEnabled",
    "anonymousPullEnabled", "defaultAction", "virtualNetworkType", "internal", "external", "allowInsecure", "azureADOnlyAuthentication",
    "enablePurgeProtection", "enableRbacAuthorization", "ftpsState", "remoteDebuggingEnabled", "threatIntelMode", "requireInfrastructureEncryption",
    "keySource", "defaultOutboundAccess", "enableEncryptionAtHost", "encryptionAtHost", "disablePasswordAuthentication", "authority", "audience",
]);
/** Keys only meaningful under a given parent (`mode` alone is too generic). */
const SCOPED_KEYS: Record<string, string[]> = { policySettings: ["mode", "state"], intrusionDetection: ["mode"], sslPolicy: ["policyName", "policyType"] };

export interface Setting { path: string; value: string }

const show = (v: unknown): string => {
    const s = sanitize(v);
    return typeof s === "string" ? s : JSON.stringify(s);
};

/** The security-relevant inputs of a resource, as `path = value` (secrets as "[secret]", unknowns as "[unknown]"). */
export function securitySettings(r: RecordedResource): Setting[] {
    const out: Setting[] = [];
    const walk = (v: unknown, path: string, parentKey: string, depth: number): void => {
        if (depth > 4 || typeof v !== "object" || v === null || Array.isArray(v)) return;
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
            if (k === "tags") continue;
            const p = path === "" ? k : `${path}.${k}`;
            const scalar = x === null || typeof x !== "object";
            if (scalar && (SETTING_KEYS.has(k) || (SCOPED_KEYS[parentKey] ?? []).includes(k))) out.push({ path: p, value: show(x) });
            else if (!scalar) walk(x, p, k, depth + 1);
        }
    };
    walk(r.inputs, "", "", 0);
    const identity = r.inputs["identity"];
    if (typeof identity === "object" && identity !== null && "type" in identity) out.unshift({ path: "identity.type", value: show((identity as Record<string, unknown>)["type"]) });
    return out;
}

/** The ID a resource will have, when known (update mode), for matching by ID. */
const idOf = (r: RecordedResource): string | undefined => {
    const id = r.outputs["id"] ?? r.id;
    return typeof id === "string" && id !== "" && id !== UNKNOWN ? id : undefined;
};

/**
 * Private endpoints whose privateLinkServiceConnections target the resource: by property dependency (known at preview),
 * else by the target's ID (known in update mode).
 */
export function privateEndpointsOf(graph: Graph, r: RecordedResource): Array<{ endpoint: RecordedResource; groupIds: string[] }> {
    const id = idOf(r);
    return graph.byType("azure-native:network:PrivateEndpoint").flatMap((pe) => {
        const conns = Array.isArray(pe.inputs["privateLinkServiceConnections"]) ? pe.inputs["privateLinkServiceConnections"] as Array<Record<string, unknown>> : [];
        const byDep = (pe.propertyDependencies["privateLinkServiceConnections"] ?? []).includes(r.urn);
        const byId = id !== undefined && conns.some((c) => c["privateLinkServiceId"] === id);
        if (!byDep && !byId) return [];
        const groupIds = conns.flatMap((c) => Array.isArray(c["groupIds"]) ? (c["groupIds"] as unknown[]).filter((g): g is string => typeof g === "string") : []);
        return [{ endpoint: pe, groupIds }];
    });
}

export interface DiagnosticsTarget { setting: RecordedResource; destinations: string[]; categories: string[] }

/** Diagnostic settings on the resource (resourceUri depends on it, or names its ID or a sub-resource of it), and where they send. */
export function diagnosticsOf(graph: Graph, r: RecordedResource): DiagnosticsTarget[] {
    const id = idOf(r);
    const name = (urns: string[] | undefined): string[] => (urns ?? []).map((u) => graph.byUrn(u)?.name ?? u);
    return graph.byType("azure-native:monitor:DiagnosticSetting").flatMap((d) => {
        const uri = d.inputs["resourceUri"];
        const byDep = (d.propertyDependencies["resourceUri"] ?? []).includes(r.urn);
        const byId = id !== undefined && typeof uri === "string" && (uri === id || uri.startsWith(`${id}/`));
        if (!byDep && !byId) return [];
        const destinations = [
            ...name(d.propertyDependencies["workspaceId"]).map((n) => `Log Analytics ${n}`),
            ...name(d.propertyDependencies["storageAccountId"]).map((n) => `storage ${n}`),
            ...name(d.propertyDependencies["eventHubAuthorizationRuleId"]).map((n) => `Event Hubs ${n}`),
        ];
        if (destinations.length === 0 && typeof d.inputs["workspaceId"] === "string") destinations.push(`Log Analytics ${show(d.inputs["workspaceId"])}`);
        const logs = Array.isArray(d.inputs["logs"]) ? d.inputs["logs"] as Array<Record<string, unknown>> : [];
        const categories = logs.filter((l) => l["enabled"] !== false).map((l) => String(l["categoryGroup"] ?? l["category"] ?? "?"));
        return [{ setting: d, destinations, categories }];
    });
}

/** Data stores: resources that hold (or retain) data the platform receives. */
export const DATA_STORE_TYPES = new Set(["storage:StorageAccount", "healthcareapis:FhirService", "healthcareapis:DicomService", "synapse:Workspace", "eventhub:Namespace"]);

/** The resource's `data-classification` tag (components/shared/tags.ts), if known. */
export function dataClassification(r: RecordedResource): string | undefined {
    const tags = r.inputs["tags"];
    const v = typeof tags === "object" && tags !== null ? (tags as Record<string, unknown>)["data-classification"] : undefined;
    return typeof v === "string" ? v : undefined;
}

/** A data store the program tags as holding PHI. */
export function isPhiStore(r: RecordedResource): boolean {
    const key = azureTypeKey(r.type);
    return r.custom && key !== undefined && DATA_STORE_TYPES.has(key) && dataClassification(r)?.toLowerCase() === "phi";
}
