import { enumEquals, prop, UNKNOWN, peek, publicAccessOpen } from "./common";
import { resourceRule } from "./define";

/** Health Data Services (FHIR, DICOM) and the retiring Azure API for FHIR. */
const AREA = "health-data-services";

export const fhirCorsNoWildcard = resourceRule({
    name: "fhir-cors-no-wildcard",
    area: AREA,
    description: "FHIR and DICOM services never allow every origin by CORS: a wildcard lets any web page read PHI with a signed-in user's token.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "01.m", "01.n", "09.ab", "09.w"], azurePolicy: ["fe1c9040", "0fea8f8a"], checkov: [] },
    types: ["healthcareapis:FhirService", "healthcareapis:DicomService", "healthcareapis:Service"],
    remediation: "List each allowed origin (https://host[:port]) in corsConfiguration.origins, or omit corsConfiguration.",
    check: (r, _c, report) => {
        const origins = prop(r.props, r.typeKey === "healthcareapis:Service" ? "properties.corsConfiguration.origins" : "corsConfiguration.origins");
        if (Array.isArray(origins) && origins.some((o) => typeof o === "string" && o.includes("*"))) report(`${r.typeKey} "${r.name}" allows CORS from "*"`);
    },
});

export const fhirAuthorityEntraTenant = resourceRule({
    name: "fhir-authority-entra-tenant",
    area: AREA,
    description: "The FHIR service accepts tokens only from an Entra ID tenant authority (https://login.microsoftonline.com/<tenant>) and names its audience.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.c"], azurePolicy: [], checkov: [] },
    types: ["healthcareapis:FhirService"],
    remediation: "Set authenticationConfiguration.authority to https://login.microsoftonline.com/<tenant id> and audience to the service URL.",
    check: (r, _c, report) => {
        const authority = prop(r.props, "authenticationConfiguration.authority");
        // The audience is usually the service URL, computed from names that may be unknown at preview; unknown is still set.
        const audience = peek(r.props, "authenticationConfiguration.audience");
        if (typeof authority !== "string" || !/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]{36}\/?$/i.test(authority)) report(`FHIR service "${r.name}" has authority ${JSON.stringify(authority)}; expected https://login.microsoftonline.com/<tenant id>`);
        if (audience !== UNKNOWN && (typeof audience !== "string" || audience === "")) report(`FHIR service "${r.name}" sets no token audience`);
    },
});

export const noLegacyApiForFhir = resourceRule({
    name: "no-legacy-api-for-fhir",
    area: AREA,
    description: "No new Azure API for FHIR (Microsoft.HealthcareApis/services): it retires on 2026-09-30; use a Health Data Services workspace.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["10.k"], azurePolicy: ["1ee56206"], checkov: [] },
    types: ["healthcareapis:Service"],
    remediation: "Deploy healthcareapis:Workspace + healthcareapis:FhirService instead.",
    check: (r, _c, report) => {
        report(`"${r.name}" is an Azure API for FHIR service, which is retired; use a Health Data Services FHIR service`);
        if (publicAccessOpen(r.props, "properties.publicNetworkAccess") !== undefined) report(`"${r.name}" also leaves public network access on`);
    },
});

export const fhirVersioning = resourceRule({
    name: "fhir-resource-versioning",
    area: AREA,
    description: "FHIR services keep resource history (versioned or versioned-update), so an overwritten clinical record can be recovered and audited.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.l", "12.b", "09.aa"], azurePolicy: [], checkov: [] },
    types: ["healthcareapis:FhirService"],
    remediation: "Set resourceVersionPolicyConfiguration.default to \"versioned\" (or \"versioned-update\") and no per-resource \"no-version\" override.",
    check: (r, _c, report) => {
        const def = prop(r.props, "resourceVersionPolicyConfiguration.default");
        if (def === undefined || enumEquals(def, "no-version")) report(`FHIR service "${r.name}" keeps no resource history (versioning ${def === undefined ? "unset" : String(def)})`);
        const overrides = prop(r.props, "resourceVersionPolicyConfiguration.resourceTypeOverrides");
        for (const [t, v] of Object.entries(typeof overrides === "object" && overrides !== null ? overrides : {})) if (enumEquals(v, "no-version")) report(`FHIR service "${r.name}" keeps no history for ${t}`);
    },
});
