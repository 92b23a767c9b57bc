import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as healthcareapis from "@pulumi/azure-native/healthcareapis";
import { DiagnosticSettingArgs, createDiagnosticSettings } from "../shared/diagnostics";
import { createLock } from "../shared/lock";
import { resourceName } from "../shared/naming";
import { createRoleAssignments } from "../shared/roleAssignment";
import { FhirWorkspaceContext, statefulOptions } from "./context";
import { FhirWorkspaceSettings } from "./defaults";
import { FhirStores } from "./storage";

/** The Health Data Services workspace and its lock (its private endpoint follows the services, privateLink.ts). */
export function createWorkspace(parent: pulumi.ComponentResource, name: string, ctx: FhirWorkspaceContext): healthcareapis.Workspace {
    const workspace = new healthcareapis.Workspace(`${name}-ws`, {
        workspaceName: resourceName("healthWorkspace", ctx.naming),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        tags: ctx.tags,
    }, statefulOptions(parent, ctx));
    createLock(`${name}-ws`, workspace.id, ctx.lock, { parent });
    return workspace;
}

/** The FHIR service and what later steps and the outputs need of it. */
export interface FhirServiceResources {
    service: healthcareapis.FhirService;
    /** FHIR base URL, also the token audience. */
    url: pulumi.Output<string>;
    /** Object ID of the service's system-assigned identity. */
    principalId: pulumi.Output<string>;
}

/**
 * The FHIR R4 service with `$convert-data`/`$import`/`$export` wired to the registry and stores, its diagnostics, the
 * caller's role assignments on it, and the FHIR identity's data-plane grants.
 */
export function createFhirService(
    parent: pulumi.ComponentResource,
    name: string,
    ctx: FhirWorkspaceContext,
    workspace: healthcareapis.Workspace,
    stores: FhirStores,
    registry: containerregistry.Registry | undefined,
    s: FhirWorkspaceSettings,
): FhirServiceResources {
    const child: pulumi.CustomResourceOptions = { parent };
    const { importStore, exportStore } = stores;
    const fhirSettings = s.fhir;
    const url = pulumi.interpolate`https://${workspace.name}-${fhirSettings.name}.fhir.azurehealthcareapis.com`;
    const fhir = new healthcareapis.FhirService(`${name}-fhir`, {
        fhirServiceName: fhirSettings.name,
        workspaceName: workspace.name,
        resourceGroupName: ctx.rg,
        location: ctx.location,
        kind: "fhir-R4",
        identity: { type: "SystemAssigned" },
        authenticationConfiguration: {
            authority: pulumi.interpolate`https://login.microsoftonline.com/${s.tenantId}`,
            audience: url,
            smartProxyEnabled: false,
        },
        ...(fhirSettings.corsOrigins.length > 0 ? {
            corsConfiguration: {
                origins: fhirSettings.corsOrigins,
                methods: fhirSettings.corsMethods,
                headers: fhirSettings.corsHeaders,
                maxAge: fhirSettings.corsMaxAgeSeconds,
                allowCredentials: fhirSettings.corsAllowCredentials,
            },
        } : {}),
        resourceVersionPolicyConfiguration: { default: fhirSettings.resourceVersionPolicy },
        ...(registry !== undefined ? { acrConfiguration: { loginServers: [registry.loginServer] } } : {}),
        ...(importStore !== undefined ? { importConfiguration: { enabled: true, initialImportMode: s.importSettings.initialImportMode, integrationDataStore: importStore.account.name } } : {}),
        ...(exportStore !== undefined ? { exportConfiguration: { storageAccountName: exportStore.account.name } } : {}),
        // An export account owned elsewhere (an analytics lake): its owner grants this identity and trusts this instance.
        ...(s.exportSettings.externalAccountName !== undefined ? { exportConfiguration: { storageAccountName: s.exportSettings.externalAccountName } } : {}),
        tags: ctx.tags,
    }, statefulOptions(parent, ctx));
    const principalId = fhir.identity.apply((i) => i?.principalId ?? "");
    createDiagnosticSettings(`${name}-fhir`, fhir.id, s.serviceDiagnostics, child);
    createRoleAssignments(`${name}-fhir`, fhir.id, s.roleAssignments, child);

    // The FHIR identity's data-plane access, each on exactly one resource.
    const fhirGrant = (key: string, scope: pulumi.Input<string>, role: string, description: string) => createRoleAssignments(`${name}-fhir-${key}`, scope, {
        fhir: { roleDefinitionIdOrName: role, principalId, description },
    }, child);
    if (importStore !== undefined) fhirGrant("import", importStore.account.id, "Storage Blob Data Contributor", "FHIR $import reads NDJSON from the import account");
    if (exportStore !== undefined) fhirGrant("export", exportStore.account.id, "Storage Blob Data Contributor", "FHIR $export writes to the export account and reads anonymization configs");
    if (registry !== undefined) fhirGrant("acr", registry.id, "AcrPull", "FHIR $convert-data pulls Liquid templates");
    return { service: fhir, url, principalId };
}

/** The DICOM service (imaging) and its diagnostics; returns the service and its DICOMweb base URL. */
export function createDicomService(
    parent: pulumi.ComponentResource,
    name: string,
    ctx: FhirWorkspaceContext,
    workspace: healthcareapis.Workspace,
    dicomName: string,
    serviceDiagnostics: Record<string, DiagnosticSettingArgs>,
): { service: healthcareapis.DicomService; url: pulumi.Output<string> } {
    const svc = new healthcareapis.DicomService(`${name}-dicom`, {
        dicomServiceName: dicomName,
        workspaceName: workspace.name,
        resourceGroupName: ctx.rg,
        location: ctx.location,
        identity: { type: "SystemAssigned" },
        enableDataPartitions: false,
        tags: ctx.tags,
    }, statefulOptions(parent, ctx));
    createDiagnosticSettings(`${name}-dicom`, svc.id, serviceDiagnostics, { parent });
    return { service: svc, url: pulumi.interpolate`https://${workspace.name}-${dicomName}.dicom.azurehealthcareapis.com` };
}
