import { dependsOn, enumEquals, escapeRegExp as escape, instanceRefusals, leaf, prop, UNKNOWN, peek, publicAccessOpen, resourceKey as key } from "./common";
import { resourceRule, stackRule } from "./define";

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

/** Where a FHIR service names the accounts it reads and writes. */
const FHIR_STORES = { importConfiguration: "integrationDataStore", exportConfiguration: "storageAccountName" } as const;

export const fhirStorageTrustedInstance = stackRule({
    name: "fhir-storage-trusted-instance",
    area: AREA,
    description: "A storage account a FHIR service imports from or exports to admits that FHIR service: public network access is not Disabled (the service is outside every VNet and comes in through the trusted-services exception, which Disabled refuses), the firewall bypasses AzureServices, and a resource-instance rule names the FHIR service instance (…/workspaces/<ws>/fhirservices/<fhir>), whose identity signs the requests.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab"], azurePolicy: [], checkov: [] },
    types: ["healthcareapis:FhirService", "storage:StorageAccount"],
    remediation: "On the account: publicNetworkAccess \"Enabled\" with networkRuleSet { defaultAction: \"Deny\", bypass: \"AzureServices\", ipRules: [], virtualNetworkRules: [], resourceAccessRules: [{ resourceId: \"<workspace id>/fhirservices/<fhir name>\", tenantId }] } (learn.microsoft.com/azure/healthcare-apis/fhir/configure-export-data, configure-import-data).",
    check: (resources, _c, report, exempt) => {
        const accounts = resources.filter((r) => key(r) === "storage:StorageAccount");
        const workspaces = resources.filter((r) => key(r) === "healthcareapis:Workspace");
        for (const f of resources.filter((r) => key(r) === "healthcareapis:FhirService")) {
            const fhirName = leaf(f.props["fhirServiceName"] ?? f.props["name"]);
            const ws = workspaces.find((w) => dependsOn(f, w, "workspaceName"));
            const wsName = leaf(f.props["workspaceName"] ?? ws?.props["workspaceName"] ?? ws?.props["name"]);
            // The instance ID the firewall must name; a segment still unknown at a first preview matches any name.
            const instance = new RegExp(`/providers/Microsoft\\.HealthcareApis/workspaces/${typeof wsName === "string" && wsName !== "" ? escape(wsName) : "[^/]+"}/fhirservices/${typeof fhirName === "string" && fhirName !== "" ? escape(fhirName) : "[^/]+"}$`, "i");
            for (const [config, field] of Object.entries(FHIR_STORES)) {
                const named = prop(f.props, `${config}.${field}`);
                const stores = accounts.filter((a) => dependsOn(f, a, config) || (typeof named === "string" && named !== "" && leaf(a.props["accountName"] ?? a.props["name"]) === named));
                for (const a of stores) {
                    if (exempt(a)) continue;
                    const what = `${config === "importConfiguration" ? "$import" : "$export"} account "${a.name}" of FHIR service "${f.name}"`;
                    // An ID (or a rule set) still unknown at a first preview is taken as the instance when the account's
                    // firewall is built from the workspace the FHIR service lives in (azure-native resolves the rule set as
                    // one value when any ID in it is unknown); every later preview and update sees, and checks, the real ID.
                    const derived = ws !== undefined && dependsOn(a, ws, "networkRuleSet");
                    for (const refusal of instanceRefusals(a.props, (id) => instance.test(id), derived)) {
                        if (refusal.kind === "disabled") report(`${what} has public network access Disabled, which refuses the trusted-services exception the FHIR service comes through`, a.urn);
                        else if (refusal.kind === "not-derived") report(`${what} has a firewall not derived from the FHIR service's workspace`, a.urn);
                        else if (refusal.kind === "no-bypass") report(`${what} does not bypass the firewall for trusted Azure services (bypass ${refusal.bypass})`, a.urn);
                        else report(`${what} has no resource-instance rule for the FHIR service (…/workspaces/${wsName ?? "<ws>"}/fhirservices/${fhirName ?? "<fhir>"}); the storage firewall refuses its requests`, a.urn);
                    }
                }
            }
        }
    },
});
