import { enumEquals, present, prop } from "./common";
import { resourceRule } from "./define";

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
