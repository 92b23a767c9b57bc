import { BLOB_FILE_NAME } from "../shared/blobUpload";
import { CORS_HEADER, CORS_HTTP_METHODS, CORS_ORIGIN } from "../shared/cors";
import { diagnosticSettingProblems } from "../shared/diagnostics";
import { lockProblems } from "../shared/lock";
import { roleAssignmentProblems } from "../shared/roleAssignment";
import { intRangeProblems } from "../shared/validation";
import { FhirWorkspaceArgs } from "./args";
import { ACR_ZONE, BLOB_ZONE, EVENTHUB_ZONE, WORKSPACE_ZONES } from "./constants";

/** Workspace child service names (FHIR, DICOM, MedTech): 3-24 lowercase letters and digits (Azure portal rule for Health Data Services). */
const SERVICE_NAME = /^[a-z0-9]{3,24}$/;
const VERSION_POLICIES = ["versioned", "versioned-update"];
const RESOLUTION_TYPES = ["Create", "Lookup"];

function jsonProblems(label: string, text: string, check: (v: Record<string, unknown>) => string | undefined): string[] {
    let v: unknown;
    try { v = JSON.parse(text); } catch (e) { return [`${label} is not valid JSON: ${(e as Error).message}`]; }
    if (typeof v !== "object" || v === null || Array.isArray(v)) return [`${label} must be a JSON object`];
    const problem = check(v as Record<string, unknown>);
    return problem === undefined ? [] : [`${label} ${problem}`];
}

/** Plain-value validation of the whole component, before any child is created. */
export function fhirWorkspaceProblems(args: FhirWorkspaceArgs): string[] {
    const p: string[] = [];
    const fhir = args.fhir ?? {};
    const zones = args.network.privateDnsZoneResourceIds;
    const needZone = (zone: string, why: string) => { if (zones[zone] === undefined) p.push(`network.privateDnsZoneResourceIds must include ${zone} (${why})`); };
    for (const z of WORKSPACE_ZONES) needZone(z, "the workspace endpoint");
    if (args.importSettings?.enabled !== false || args.exportSettings?.enabled !== false) needZone(BLOB_ZONE, "import/export storage endpoints");
    if (args.containerRegistry?.enabled !== false) needZone(ACR_ZONE, "the template registry endpoint");
    if (args.medtech?.enabled === true) needZone(EVENTHUB_ZONE, "the MedTech Event Hubs endpoint");

    for (const [k, n] of [["fhir.name", fhir.name], ["dicom.name", args.dicom?.name], ["medtech.name", args.medtech?.name]] as const) {
        if (n !== undefined && !SERVICE_NAME.test(n)) p.push(`${k} "${n}" must be 3-24 lowercase letters and digits`);
    }
    const names = [fhir.name ?? "fhir", ...(args.dicom?.enabled === true ? [args.dicom.name ?? "dicom"] : []), ...(args.medtech?.enabled === true ? [args.medtech.name ?? "medtech"] : [])];
    if (new Set(names).size !== names.length) p.push(`fhir.name, dicom.name and medtech.name must differ (${names.join(", ")})`);

    for (const o of fhir.corsOrigins ?? []) {
        // A wildcard origin lets any web page read PHI with a user's token (Azure Policy fe1c9040: FHIR CORS must not allow every domain).
        if (o.includes("*")) p.push(`fhir.corsOrigins: "${o}" is a wildcard; list each origin`);
        else if (!CORS_ORIGIN.test(o)) p.push(`fhir.corsOrigins: "${o}" must be https://host[:port] (lowercase, no path or trailing slash)`);
    }
    for (const m of fhir.corsMethods ?? []) if (!CORS_HTTP_METHODS.includes(m)) p.push(`fhir.corsMethods: "${m}" is not one of ${CORS_HTTP_METHODS.join(", ")}`);
    for (const h of fhir.corsHeaders ?? []) if (!CORS_HEADER.test(h)) p.push(`fhir.corsHeaders: "${h}" is not a header name (wildcards are not allowed)`);
    p.push(...intRangeProblems("fhir.corsMaxAgeSeconds", fhir.corsMaxAgeSeconds, 0, 99999));
    if (fhir.resourceVersionPolicy !== undefined && !VERSION_POLICIES.includes(fhir.resourceVersionPolicy)) {
        p.push(`fhir.resourceVersionPolicy "${fhir.resourceVersionPolicy}" must be one of ${VERSION_POLICIES.join(", ")} (no-version would drop the history HIPAA integrity controls rely on)`);
    }

    if (args.importSettings?.enabled === false && args.importSettings.initialImportMode === true) p.push("importSettings.initialImportMode needs importSettings.enabled");
    const exp = args.exportSettings ?? {};
    for (const [file, text] of Object.entries(exp.anonymizationConfigs ?? {})) {
        if (!BLOB_FILE_NAME.test(file) || !file.endsWith(".json")) p.push(`exportSettings.anonymizationConfigs: "${file}" must be a plain file name ending in .json`);
        p.push(...jsonProblems(`exportSettings.anonymizationConfigs["${file}"]`, text, (v) =>
            v["fhirVersion"] !== "R4" ? "must declare \"fhirVersion\": \"R4\"" : Array.isArray(v["fhirPathRules"]) ? undefined : "must have a fhirPathRules array"));
    }
    if (exp.enabled === false && (exp.anonymizationUploader !== undefined || exp.anonymizationConfigs !== undefined)) p.push("exportSettings.anonymizationConfigs/anonymizationUploader need exportSettings.enabled");
    if (exp.enabled === false && exp.storageAccountName !== undefined) p.push("exportSettings.storageAccountName needs exportSettings.enabled");
    // The uploader writes to the component's own export account; an external account's owner uploads the configs.
    if (exp.storageAccountName !== undefined && exp.anonymizationUploader !== undefined) p.push("exportSettings.anonymizationUploader uploads to the component's own export account: with exportSettings.storageAccountName, upload the configs where that account is owned (AnalyticsSync deidentification)");
    if (typeof exp.storageAccountName === "string" && !/^[a-z0-9]{3,24}$/.test(exp.storageAccountName)) p.push(`exportSettings.storageAccountName "${exp.storageAccountName}" must be 3-24 lowercase letters and digits`);

    p.push(...intRangeProblems("storage.softDeleteRetentionDays", args.storage?.softDeleteRetentionDays, 1, 365));
    p.push(...intRangeProblems("containerRegistry.untaggedRetentionDays", args.containerRegistry?.untaggedRetentionDays, 0, 365));

    const mt = args.medtech ?? {};
    if (mt.resourceIdentityResolutionType !== undefined && !RESOLUTION_TYPES.includes(mt.resourceIdentityResolutionType)) p.push(`medtech.resourceIdentityResolutionType "${mt.resourceIdentityResolutionType}" must be Create or Lookup`);
    p.push(...intRangeProblems("medtech.eventHubPartitionCount", mt.eventHubPartitionCount, 1, 32));
    p.push(...intRangeProblems("medtech.eventHubRetentionDays", mt.eventHubRetentionDays, 1, 7, " (Event Hubs Standard)"));
    if (mt.deviceMapping !== undefined) p.push(...jsonProblems("medtech.deviceMapping", mt.deviceMapping, (v) => v["templateType"] === "CollectionContent" ? undefined : "must have templateType CollectionContent"));
    if (mt.fhirMapping !== undefined) p.push(...jsonProblems("medtech.fhirMapping", mt.fhirMapping, (v) => v["templateType"] === "CollectionFhir" ? undefined : "must have templateType CollectionFhir"));

    const endpoints = args.privateEndpoints;
    if (endpoints !== undefined && !Object.values(endpoints).some((e) => e.service === "healthcareworkspace")) {
        // Azure disables the workspace's public access once a private link exists; without one it stays public.
        p.push("privateEndpoints must include an endpoint with service \"healthcareworkspace\" (it is what makes the workspace private)");
    }
    const diags = args.diagnosticSettings;
    if (diags !== undefined && Object.keys(diags).length === 0) p.push("diagnosticSettings must not be empty: FHIR AuditLogs are the PHI access trail");
    for (const [k, s] of Object.entries(diags ?? {})) p.push(...diagnosticSettingProblems(k, s));
    for (const [k, a] of Object.entries(args.roleAssignments ?? {})) p.push(...roleAssignmentProblems(k, a));
    p.push(...lockProblems(args.lock));
    return p;
}
