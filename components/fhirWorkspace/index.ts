import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { validatedArgs } from "../shared/validation";
import { FhirWorkspaceArgs } from "./args";
import { uploadAnonymizationConfigs } from "./anonymization";
import { fhirWorkspaceContext, fhirWorkspaceSettings } from "./defaults";
import { createMedTech } from "./medtech";
import { createWorkspaceEndpoint } from "./privateLink";
import { createTemplateRegistry } from "./registry";
import { createDicomService, createFhirService, createWorkspace } from "./services";
import { createFhirStorage } from "./storage";
import { fhirWorkspaceProblems } from "./validate";

export * from "./args";
export { ANONYMIZATION_CONTAINER, EXPORT_CONTAINER, IMPORT_CONTAINER, WORKSPACE_ZONES } from "./constants";
export { fhirWorkspaceProblems } from "./validate";

/**
 * The Persist block: a private Health Data Services workspace with a FHIR R4 service whose `$convert-data`,
 * `$import` and `$export` are wired end to end (reference gap: the RI deployed the service but none of these), plus
 * optional DICOM and MedTech services.
 *
 * - FHIR: Entra ID authority of the tenant, audience = the service URL, system identity, CORS only from an
 *   allow-list, resource versioning on, AuditLogs to Log Analytics.
 * - Network: the workspace's private endpoint (group `healthcareworkspace`, workspace/fhir/dicom zones) is its only
 *   network control: azure-native exposes no public-network switch on the workspace, and Azure closes public access
 *   once a private link exists. Storage, registry and Event Hubs have private endpoints; Health Data Services reaches
 *   them as a trusted Azure service scoped to this workspace and its FHIR service instance.
 * - `$convert-data`: Premium registry (admin user, anonymous pull, public access and export off), AcrPull for FHIR.
 * - `$import`/`$export`: storage accounts without shared keys or public access, Storage Blob Data Contributor for
 *   FHIR, an `anonymization` container with a Safe Harbor config, uploaded in-network by an optional VM identity.
 *
 * Open questions only a real deployment answers (docs/after-deploy-checks.md): absolute FHIR URLs in bundles and
 * `Location` headers name the private host (2), the registry's ARM-audience token policy for `$convert-data` (3), the
 * upload Run Command beside the jumpbox's login extension (4), `$export` to a flat-namespace account (6), DNS records
 * for a service turned on after the endpoint exists (7).
 */
export class FhirWorkspace extends pulumi.ComponentResource {
    /** FHIR base URL (`https://<workspace>-<service>.fhir.azurehealthcareapis.com`). */
    public readonly fhirUrl: pulumi.Output<string>;
    /** Token audience clients request (the FHIR URL). */
    public readonly fhirAudience: pulumi.Output<string>;
    /** Resource ID of the Health Data Services workspace. */
    public readonly workspaceId: pulumi.Output<string>;
    /** Azure name of the workspace (globally unique; the first part of every service host name). */
    public readonly workspaceName: pulumi.Output<string>;
    /** Resource ID of the FHIR service (scope for FHIR data-plane role assignments). */
    public readonly fhirServiceId: pulumi.Output<string>;
    /** Azure name of the FHIR service inside the workspace. */
    public readonly fhirServiceName: pulumi.Output<string>;
    /** Object ID of the FHIR service's system-assigned identity. */
    public readonly fhirPrincipalId: pulumi.Output<string>;
    /** Login server of the `$convert-data` registry (empty when disabled). */
    public readonly containerRegistryLoginServer: pulumi.Output<string>;
    /** Resource ID of the `$convert-data` template registry (empty when disabled). */
    public readonly containerRegistryId: pulumi.Output<string>;
    /** Import storage account name (empty when `$import` is disabled). */
    public readonly importStorageAccountName: pulumi.Output<string>;
    /** Export storage account name: the component's own, or `exportSettings.storageAccountName` (empty when `$export` is disabled). */
    public readonly exportStorageAccountName: pulumi.Output<string>;
    /** Blob names of the de-identification configs in the `anonymization` container. */
    public readonly anonymizationConfigNames: pulumi.Output<string[]>;
    /** DICOMweb base URL (empty when DICOM is off). */
    public readonly dicomUrl: pulumi.Output<string>;
    /** Event Hubs namespace FQDN devices send to (empty when MedTech is off). */
    public readonly medtechEventHubNamespace: pulumi.Output<string>;

    constructor(name: string, args: FhirWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:FhirWorkspace", name, validatedArgs("FhirWorkspace", name, args, fhirWorkspaceProblems), opts);

        // ---- defaults, applied in one place ----
        const ctx = fhirWorkspaceContext(args);
        const client = authorization.getClientConfigOutput({ parent: this });
        const s = fhirWorkspaceSettings(args, ctx, client.tenantId);

        // ---- the blocks, in creation order ----
        const workspace = createWorkspace(this, name, ctx);
        const stores = createFhirStorage(this, name, ctx, { workspaceId: workspace.id, fhirServiceName: s.fhir.name, tenantId: client.tenantId }, s);
        const registry = s.containerRegistry.enabled ? createTemplateRegistry(this, name, ctx, s.containerRegistry) : undefined;
        const fhir = createFhirService(this, name, ctx, workspace, stores, registry, s);
        const { uploader, anonymizationConfigs, configNames } = s.exportSettings;
        if (stores.exportStore !== undefined && uploader !== undefined) uploadAnonymizationConfigs(this, name, ctx, stores.exportStore, uploader, anonymizationConfigs, configNames);
        const dicom = s.dicom.enabled ? createDicomService(this, name, ctx, workspace, s.dicom.name, s.serviceDiagnostics) : undefined;
        createWorkspaceEndpoint(this, name, ctx, workspace, s.workspaceEndpoints, [fhir.service, ...(dicom !== undefined ? [dicom.service] : [])]);
        const medtechNamespace = s.medtech.enabled ? createMedTech(this, name, ctx, workspace, fhir.service, s.medtech) : pulumi.output("");

        // ---- outputs ----
        this.fhirUrl = fhir.url;
        this.fhirAudience = fhir.url;
        this.workspaceId = workspace.id;
        this.workspaceName = workspace.name;
        this.fhirServiceId = fhir.service.id;
        this.fhirServiceName = fhir.service.name;
        this.fhirPrincipalId = fhir.principalId;
        this.containerRegistryLoginServer = registry?.loginServer ?? pulumi.output("");
        this.containerRegistryId = registry?.id ?? pulumi.output("");
        this.importStorageAccountName = stores.importStore?.account.name ?? pulumi.output("");
        this.exportStorageAccountName = stores.exportStore?.account.name ?? pulumi.output(s.exportSettings.externalAccountName ?? "");
        this.anonymizationConfigNames = pulumi.output(configNames);
        this.dicomUrl = dicom?.url ?? pulumi.output("");
        this.medtechEventHubNamespace = medtechNamespace;
        this.registerOutputs({
            fhirUrl: this.fhirUrl,
            fhirAudience: this.fhirAudience,
            workspaceId: this.workspaceId,
            workspaceName: this.workspaceName,
            fhirServiceId: this.fhirServiceId,
            fhirServiceName: this.fhirServiceName,
            fhirPrincipalId: this.fhirPrincipalId,
            containerRegistryLoginServer: this.containerRegistryLoginServer,
            containerRegistryId: this.containerRegistryId,
            importStorageAccountName: this.importStorageAccountName,
            exportStorageAccountName: this.exportStorageAccountName,
            anonymizationConfigNames: this.anonymizationConfigNames,
            dicomUrl: this.dicomUrl,
            medtechEventHubNamespace: this.medtechEventHubNamespace,
        });
    }
}
