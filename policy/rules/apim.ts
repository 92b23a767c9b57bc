import { PolicyResource } from "@pulumi/policy";
import { UNKNOWN, azureTypeKey, enumEquals, present, prop } from "./common";
import { resourceRule, stackRule } from "./define";
import { PolicyElement, containsElement, policySections } from "./apimPolicyXml";

const AREA = "api-management";

export const apimVnetInternal = resourceRule({
    name: "apim-vnet-internal",
    area: AREA,
    description: "API Management is injected into a VNet in internal mode: its gateway has no public endpoint.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.m"], azurePolicy: ["ef619a2c", "73ef9241"], checkov: ["CKV_AZURE_107"] },
    types: ["apimanagement:ApiManagementService"],
    remediation: "Set virtualNetworkType: Internal and virtualNetworkConfiguration.subnetResourceId (Developer or Premium tier).",
    check: (r, _c, report) => {
        if (!enumEquals(r.props["virtualNetworkType"], "Internal")) report(`API Management "${r.name}" is not in internal VNet mode`);
        if (!present(r.props, "virtualNetworkConfiguration.subnetResourceId")) report(`API Management "${r.name}" has no subnet`);
        if (!["Developer", "Premium"].some((s) => enumEquals(prop(r.props, "sku.name"), s))) report(`API Management "${r.name}" SKU ${JSON.stringify(prop(r.props, "sku.name"))} cannot be VNet-injected in internal mode`);
    },
});

const LEGACY = ["Protocols.Tls10", "Protocols.Tls11", "Protocols.Ssl30", "Backend.Protocols.Tls10", "Backend.Protocols.Tls11", "Backend.Protocols.Ssl30"];

export const apimTls12 = resourceRule({
    name: "apim-tls-1-2",
    area: AREA,
    description: "API Management disables TLS 1.0, TLS 1.1 and SSL 3.0 towards clients and backends (they are on unless set to \"False\").",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.y", "01.n"], azurePolicy: [], checkov: ["CKV_AZURE_173"] },
    types: ["apimanagement:ApiManagementService"],
    remediation: "Set customProperties[\"Microsoft.WindowsAzure.ApiManagement.Gateway.Security.{Protocols,Backend.Protocols}.{Tls10,Tls11,Ssl30}\"] = \"False\".",
    check: (r, _c, report) => {
        const custom = (r.props["customProperties"] ?? {}) as Record<string, unknown>;
        for (const k of LEGACY) {
            const v = custom[`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.${k}`];
            if (!(typeof v === "string" && v.toLowerCase() === "false")) report(`API Management "${r.name}" leaves ${k} on`);
        }
    },
});

export const apimApiHttpsOnly = resourceRule({
    name: "apim-api-https-only",
    area: AREA,
    description: "APIs in API Management accept HTTPS (or WSS) only.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.y"], azurePolicy: ["ee7495e7"], checkov: [] },
    types: ["apimanagement:Api"],
    remediation: "Set protocols: [\"https\"].",
    check: (r, _c, report) => {
        const protocols = r.props["protocols"];
        if (!Array.isArray(protocols) || protocols.length === 0 || protocols.some((p) => !["https", "wss"].includes(String(p).toLowerCase()))) report(`API "${r.name}" accepts ${JSON.stringify(protocols ?? "http and https (default)")}`);
    },
});

export const apimMinApiVersion = resourceRule({
    name: "apim-min-api-version",
    area: AREA,
    description: "API Management refuses control-plane API versions older than 2019-12-01, which expose secrets (subscription keys, named values) in list responses to read-only roles.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "09.ab"], azurePolicy: ["549814b6"], checkov: [] },
    types: ["apimanagement:ApiManagementService"],
    remediation: "Set apiVersionConstraint.minApiVersion to \"2019-12-01\" or later.",
    check: (r, _c, report) => {
        const v = prop(r.props, "apiVersionConstraint.minApiVersion");
        // ISO dates (with an optional -preview suffix) compare correctly as strings.
        if (typeof v !== "string" || v.slice(0, 10) < "2019-12-01") report(`API Management "${r.name}" minApiVersion is ${v === undefined ? "unset" : String(v)}; require 2019-12-01 or later`);
    },
});

/** The policy scopes whose documents the rule reads, and what each one's `<base />` inherits from. */
const GLOBAL_POLICY = "apimanagement:Policy";
const API_POLICY = "apimanagement:ApiPolicy";
const OPERATION_POLICY = "apimanagement:ApiOperationPolicy";
const MANAGED_IDENTITY = ["authentication-managed-identity"];
/** Token validation that rejects a request without a valid token (validate-jwt; validate-azure-ad-token for Entra ID). */
const TOKEN_VALIDATION = ["validate-jwt", "validate-azure-ad-token"];

const apimKey = (r: PolicyResource) => azureTypeKey(r.type) ?? "";
/** Two resources name the same thing in `key`: through a shared dependency (known at preview) or an equal known string. */
function sameRef(a: PolicyResource, b: PolicyResource, key: string): boolean {
    const deps = new Set((a.propertyDependencies[key] ?? []).map((d) => d.urn));
    if ((b.propertyDependencies[key] ?? []).some((d) => deps.has(d.urn))) return true;
    const x = a.props[key];
    const y = b.props[key];
    return typeof x === "string" && typeof y === "string" && x.toLowerCase() === y.toLowerCase();
}

/** A policy document's sections, or undefined when its XML is not known (unknown at preview, or a link to an external document). */
function documentOf(r: PolicyResource): Map<string, PolicyElement[]> | undefined {
    const value = r.props["value"];
    const format = r.props["format"];
    if (value === UNKNOWN || typeof value !== "string") return undefined;
    if (typeof format === "string" && format.toLowerCase().endsWith("-link")) return undefined;
    return policySections(value);
}
const indexOf = (elements: PolicyElement[], names: readonly string[]) => elements.findIndex((e) => names.includes(e.name));

export const apimManagedIdentityRequiresJwt = stackRule({
    name: "apim-managed-identity-requires-jwt",
    area: AREA,
    description: "An API Management policy that calls a backend with APIM's own managed identity (`authentication-managed-identity`) first validates the caller's token (`validate-jwt` or `validate-azure-ad-token` at the top level of `<inbound>`, before it, or inherited through `<base />` from the API or global policy); otherwise any anonymous caller acts with APIM's identity. Never in `<on-error>`, which also runs for requests rejected before or by token validation.",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "01.q", "09.ab"], azurePolicy: ["8ac833bd"], checkov: [] },
    types: [GLOBAL_POLICY, API_POLICY, OPERATION_POLICY],
    remediation: "Put <validate-jwt> (or <validate-azure-ad-token>) in <inbound> before <authentication-managed-identity>, at the top level of the section (not inside <choose>), or before the <base /> that inherits it from the API or global policy; never use the managed identity in <on-error>.",
    check: (resources, _c, report, exempt) => {
        const byType = (t: string) => resources.filter((r) => apimKey(r) === t);
        const services = byType("apimanagement:ApiManagementService");
        const globals = byType(GLOBAL_POLICY);
        const apiPolicies = byType(API_POLICY);
        /**
         * Whether a scope's inbound, run at a child's <base />, validates the token: true, false, or undefined when it
         * cannot be told (a document unknown at preview, a service outside the stack whose global policy is not seen).
         */
        const inboundGuards = (doc: Map<string, PolicyElement[]> | undefined, parent: () => boolean | undefined): boolean | undefined => {
            if (doc === undefined) return undefined;
            const inbound = doc.get("inbound") ?? [];
            if (indexOf(inbound, TOKEN_VALIDATION) !== -1) return true;
            return indexOf(inbound, ["base"]) !== -1 ? parent() : false;
        };
        const globalGuards = (r: PolicyResource): boolean | undefined => {
            const g = globals.find((p) => sameRef(r, p, "serviceName"));
            if (g !== undefined) return inboundGuards(documentOf(g), () => false);
            // No global policy declared: Azure's default has no token validation, when the service is this stack's.
            const own = services.some((s) => (r.propertyDependencies["serviceName"] ?? []).some((d) => d.urn === s.urn)
                || (typeof r.props["serviceName"] === "string" && [s.props["serviceName"], s.props["name"]].some((n) => typeof n === "string" && enumEquals(n, String(r.props["serviceName"])))));
            return own ? false : undefined;
        };
        /** What a document's <base /> inherits: for an operation, its API's policy (or, without one, the global); for an API, the global. */
        const parentGuards = (r: PolicyResource): boolean | undefined => {
            const t = apimKey(r);
            if (t === GLOBAL_POLICY) return false;
            if (t === API_POLICY) return globalGuards(r);
            const api = apiPolicies.find((p) => sameRef(r, p, "apiId") && sameRef(r, p, "serviceName"));
            return api === undefined ? globalGuards(r) : inboundGuards(documentOf(api), () => globalGuards(api));
        };
        for (const r of [...globals, ...apiPolicies, ...byType(OPERATION_POLICY)]) {
            if (exempt(r)) continue;
            const doc = documentOf(r);
            if (doc === undefined) continue;
            const inbound = doc.get("inbound") ?? [];
            const jwt = indexOf(inbound, TOKEN_VALIDATION);
            const base = indexOf(inbound, ["base"]);
            const label = `${apimKey(r)} "${r.name}"`;
            for (const [section, elements] of doc) {
                elements.forEach((e, i) => {
                    if (!containsElement(e, MANAGED_IDENTITY)) return;
                    if (section === "on-error") {
                        report(`${label} uses APIM's managed identity in <on-error>, which also runs for requests rejected before or by token validation`, r.urn);
                        return;
                    }
                    // In <inbound>, only what runs before the element guards it; <backend> and <outbound> run after all of <inbound>.
                    const before = section === "inbound" ? i : inbound.length;
                    if (jwt !== -1 && jwt < before) return;
                    const inherited = base !== -1 && base < before ? parentGuards(r) : false;
                    if (inherited === true || inherited === undefined) return;
                    report(`${label} calls a backend with APIM's managed identity (authentication-managed-identity in <${section}>) without validating the caller's token first (no validate-jwt or validate-azure-ad-token before it in <inbound>, nor through <base />): any anonymous caller acts with APIM's identity`, r.urn);
                });
            }
        }
    },
});
