import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as eventhub from "@pulumi/azure-native/eventhub";
import * as healthcareapis from "@pulumi/azure-native/healthcareapis";
import { BLOB_FILE_NAME, blobUploadScript } from "./shared/blobUpload";
import { CORS_HEADER, CORS_HTTP_METHODS, CORS_ORIGIN, DEFAULT_CORS_HEADERS, DEFAULT_CORS_METHODS } from "./shared/cors";
import { DiagnosticSettingArgs, createDiagnosticSettings, diagnosticSettingProblems } from "./shared/diagnostics";
import { LockArgs, createLock, lockProblems } from "./shared/lock";
import { NamingArgs, resourceName } from "./shared/naming";
import { PrivateEndpointArgs, createPrivateEndpoints } from "./shared/privateEndpoint";
import { RoleAssignmentArgs, createRoleAssignments, roleAssignmentProblems } from "./shared/roleAssignment";
import { createSecureStorageAccount, fhirTrustedInstances } from "./shared/storageAccount";
import { intRangeProblems, validatedArgs } from "./shared/validation";
import { parseResourceId } from "./shared/workspace";

/** Where the component's private endpoints go and which private DNS zones they register in. */
export interface FhirWorkspaceNetworkArgs {
    /** Subnet for every private endpoint of the component (the spoke's private-endpoint subnet). */
    privateEndpointSubnetResourceId: pulumi.Input<string>;
    /** Private DNS zone IDs by zone name (HubSecurity.privateDnsZoneIds). Needs the workspace, fhir, dicom, blob and azurecr zones, plus servicebus when MedTech is on. */
    privateDnsZoneResourceIds: Record<string, pulumi.Input<string>>;
}

/** The FHIR R4 service. */
export interface FhirServiceSettingsArgs {
    /** Service name (3-24 lowercase letters and digits); the FHIR URL is `https://<workspace>-<name>.fhir.azurehealthcareapis.com`. @default "fhir" */
    name?: string;
    /** Browser origins allowed by CORS, each `https://host[:port]`; never `*`. @default [] (no CORS) */
    corsOrigins?: string[];
    /** HTTP methods allowed by CORS. @default ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] */
    corsMethods?: string[];
    /** Request headers allowed by CORS; never `*`. @default ["Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Match", "If-None-Exist", "If-Modified-Since"] */
    corsHeaders?: string[];
    /** CORS preflight cache, in seconds (0-99999). @default 600 */
    corsMaxAgeSeconds?: number;
    /** Allow credentials (cookies) in CORS requests; bearer tokens do not need it. @default false */
    corsAllowCredentials?: boolean;
    /** Resource version policy: `versioned` (history kept on every update) or `versioned-update` (updates must name the version, If-Match). `no-version` is refused: HIPAA §164.312(c)(1) integrity. @default "versioned" */
    resourceVersionPolicy?: string;
}

/** `$import` (bulk load from the import storage account). */
export interface FhirImportArgs {
    /** Configure `$import` and the import storage account. @default true */
    enabled?: boolean;
    /** Initial import mode: only for an EMPTY server, it blocks every API write while on. Turn it off after the initial load. @default false (incremental mode) */
    initialImportMode?: boolean;
}

/**
 * The in-network identity that writes the anonymization configs: a Linux VM (curl, python3) with a system-assigned
 * identity, in the component's region, that resolves the platform's private DNS zones and reaches the private-endpoint
 * subnet (the hub jumpbox does: firewall DNS proxy, peering).
 */
export interface AnonymizationUploaderArgs {
    /** Resource ID of the VM (HubSecurity.jumpboxId). */
    virtualMachineResourceId: pulumi.Input<string>;
    /** Object ID of the VM's system-assigned identity (HubSecurity.jumpboxPrincipalId); gets Storage Blob Data Contributor on the `anonymization` container only. */
    principalId: pulumi.Input<string>;
}

/** `$export` (to the export storage account, optionally de-identified). */
export interface FhirExportArgs {
    /** Configure `$export`, the export storage account and its `anonymization` container. @default true */
    enabled?: boolean;
    /** De-identification configs by blob file name (JSON text in the FHIR anonymization format). @default { "safe-harbor.json": components/assets/anonymization/safe-harbor.json } */
    anonymizationConfigs?: Record<string, string>;
    /** VM that uploads the configs through a managed Run Command during `pulumi up`. @default none (upload them from the jumpbox as the README shows) */
    anonymizationUploader?: AnonymizationUploaderArgs;
}

/** Import and export storage accounts. */
export interface FhirStorageArgs {
    /** Blob and container soft delete, in days (1-365). @default 30 */
    softDeleteRetentionDays?: number;
    /** Blob versioning. @default true */
    versioning?: boolean;
}

/** Private Premium registry for `$convert-data` Liquid templates. */
export interface FhirContainerRegistryArgs {
    /** Create the registry and wire it into the FHIR service's `acrConfiguration`. @default true */
    enabled?: boolean;
    /** Days untagged manifests are kept before the retention policy deletes them (0-365). @default 7 */
    untaggedRetentionDays?: number;
}

/** DICOM service (imaging), private through the workspace's endpoint. */
export interface DicomArgs {
    /** Deploy the DICOM service. @default false */
    enabled?: boolean;
    /** Service name (3-24 lowercase letters and digits). @default "dicom" */
    name?: string;
}

/** MedTech service (device data → FHIR Observations) with a private Event Hubs namespace. */
export interface MedTechArgs {
    /** Deploy the MedTech service and its Event Hubs namespace. @default false */
    enabled?: boolean;
    /** Service name (3-24 lowercase letters and digits). @default "medtech" */
    name?: string;
    /** Device mapping (JSON text, `CollectionContent`). @default components/assets/medtech/device-mapping.json */
    deviceMapping?: string;
    /** FHIR destination mapping (JSON text, `CollectionFhir`). @default components/assets/medtech/fhir-mapping.json */
    fhirMapping?: string;
    /** `Create` (Patient/Device created when missing) or `Lookup` (must exist). @default "Create" */
    resourceIdentityResolutionType?: string;
    /** Partitions of the device event hub (1-32). @default 2 */
    eventHubPartitionCount?: number;
    /** Days device events stay in the event hub (1-7 on Standard). @default 1 */
    eventHubRetentionDays?: number;
}

export interface FhirWorkspaceArgs {
    /** Naming parts (workload, environment, location, stack suffix). */
    naming: NamingArgs;
    /** Resource group for the PHI workload. */
    resourceGroupName: pulumi.Input<string>;
    /** Tags for every taggable child. @default {} */
    tags?: Record<string, pulumi.Input<string>>;
    /** Central Log Analytics workspace for the stores' and registry's diagnostics (and the FHIR default). */
    logAnalyticsWorkspaceResourceId: pulumi.Input<string>;
    /** Private endpoint subnet and DNS zones. */
    network: FhirWorkspaceNetworkArgs;
    /** Entra ID tenant of the FHIR authority. @default the deploying identity's tenant (getClientConfig) */
    tenantId?: pulumi.Input<string>;
    /** FHIR service settings. @default "fhir", versioned, no CORS */
    fhir?: FhirServiceSettingsArgs;
    /** `$import` settings. @default enabled, incremental mode */
    importSettings?: FhirImportArgs;
    /** `$export` settings. @default enabled, Safe Harbor config, no automatic upload */
    exportSettings?: FhirExportArgs;
    /** Import/export storage account settings. @default 30-day soft delete, versioning */
    storage?: FhirStorageArgs;
    /** `$convert-data` template registry. @default enabled */
    containerRegistry?: FhirContainerRegistryArgs;
    /** DICOM service. @default off */
    dicom?: DicomArgs;
    /** MedTech service. @default off */
    medtech?: MedTechArgs;
    /** Private endpoints of the workspace (group `healthcareworkspace`); the endpoint is the workspace's only network control. @default { spoke: network subnet, workspace/fhir/dicom zones } */
    privateEndpoints?: Record<string, PrivateEndpointArgs>;
    /** Diagnostic settings of the FHIR and DICOM services (AuditLogs are the PHI access trail). @default { law: allLogs + AllMetrics to logAnalyticsWorkspaceResourceId } */
    diagnosticSettings?: Record<string, DiagnosticSettingArgs>;
    /** Role assignments on the FHIR service (FHIR Data Contributor/Reader/Importer/Exporter/Converter to principals). @default {} */
    roleAssignments?: Record<string, RoleAssignmentArgs>;
    /** Lock on the workspace, storage accounts and registry. @default none */
    lock?: LockArgs;
    /** Zone-redundant storage (ZRS), registry and Event Hubs. @default false */
    zoneRedundant?: boolean;
    /** Pulumi `protect` on stateful children (workspace, services, storage, registry). @default false */
    protectStatefulResources?: boolean;
    /** Pulumi `retainOnDelete` on stateful children. @default false */
    retainStatefulResourcesOnDelete?: boolean;
}

const ASSETS = path.join(__dirname, "assets");
const asset = (rel: string) => fs.readFileSync(path.join(ASSETS, rel), "utf8");

/** The repository's default de-identification configs (HIPAA Safe Harbor), by blob name. */
export const DEFAULT_ANONYMIZATION_CONFIGS: Record<string, string> = { "safe-harbor.json": asset("anonymization/safe-harbor.json") };
export const DEFAULT_DEVICE_MAPPING = asset("medtech/device-mapping.json");
export const DEFAULT_FHIR_MAPPING = asset("medtech/fhir-mapping.json");

/** Zones of the `healthcareworkspace` private endpoint (learn.microsoft.com/azure/private-link/private-endpoint-dns, Health Data Services). */
export const WORKSPACE_ZONES = [
    "privatelink.workspace.azurehealthcareapis.com",
    "privatelink.fhir.azurehealthcareapis.com",
    "privatelink.dicom.azurehealthcareapis.com",
];
const BLOB_ZONE = "privatelink.blob.core.windows.net";
const ACR_ZONE = "privatelink.azurecr.io";
const EVENTHUB_ZONE = "privatelink.servicebus.windows.net";

/** Container names the FHIR service uses: `$export?_container=export`; anonymization configs must be in `anonymization`. */
export const IMPORT_CONTAINER = "import";
export const EXPORT_CONTAINER = "export";
export const ANONYMIZATION_CONTAINER = "anonymization";

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
    public readonly workspaceId: pulumi.Output<string>;
    public readonly workspaceName: pulumi.Output<string>;
    public readonly fhirServiceId: pulumi.Output<string>;
    public readonly fhirServiceName: pulumi.Output<string>;
    /** Object ID of the FHIR service's system-assigned identity. */
    public readonly fhirPrincipalId: pulumi.Output<string>;
    /** Login server of the `$convert-data` registry (empty when disabled). */
    public readonly containerRegistryLoginServer: pulumi.Output<string>;
    public readonly containerRegistryId: pulumi.Output<string>;
    /** Import storage account name (empty when `$import` is disabled). */
    public readonly importStorageAccountName: pulumi.Output<string>;
    /** Export storage account name (empty when `$export` is disabled). */
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
        const naming = args.naming;
        const location = naming.location;
        const rg = args.resourceGroupName;
        const tags = args.tags ?? {};
        const law = args.logAnalyticsWorkspaceResourceId;
        const zones = args.network.privateDnsZoneResourceIds;
        const zone = (z: string): pulumi.Input<string> => zones[z] ?? "";
        const peSubnet = args.network.privateEndpointSubnetResourceId;
        const zoneRedundant = args.zoneRedundant === true;
        const fhirSettings = {
            name: args.fhir?.name ?? "fhir",
            corsOrigins: args.fhir?.corsOrigins ?? [],
            corsMethods: args.fhir?.corsMethods ?? DEFAULT_CORS_METHODS,
            corsHeaders: args.fhir?.corsHeaders ?? DEFAULT_CORS_HEADERS,
            corsMaxAgeSeconds: args.fhir?.corsMaxAgeSeconds ?? 600,
            corsAllowCredentials: args.fhir?.corsAllowCredentials ?? false,
            resourceVersionPolicy: args.fhir?.resourceVersionPolicy ?? "versioned",
        };
        const importOn = args.importSettings?.enabled !== false;
        const initialImportMode = args.importSettings?.initialImportMode === true;
        const exportOn = args.exportSettings?.enabled !== false;
        const anonymizationConfigs = args.exportSettings?.anonymizationConfigs ?? DEFAULT_ANONYMIZATION_CONFIGS;
        const uploader = args.exportSettings?.anonymizationUploader;
        const storageSettings = { softDeleteRetentionDays: args.storage?.softDeleteRetentionDays ?? 30, versioning: args.storage?.versioning ?? true };
        const registryOn = args.containerRegistry?.enabled !== false;
        const untaggedRetentionDays = args.containerRegistry?.untaggedRetentionDays ?? 7;
        const dicom = { enabled: args.dicom?.enabled === true, name: args.dicom?.name ?? "dicom" };
        const medtech = {
            enabled: args.medtech?.enabled === true,
            name: args.medtech?.name ?? "medtech",
            deviceMapping: args.medtech?.deviceMapping ?? DEFAULT_DEVICE_MAPPING,
            fhirMapping: args.medtech?.fhirMapping ?? DEFAULT_FHIR_MAPPING,
            resolution: args.medtech?.resourceIdentityResolutionType ?? "Create",
            partitions: args.medtech?.eventHubPartitionCount ?? 2,
            retentionDays: args.medtech?.eventHubRetentionDays ?? 1,
        };
        const workspaceEndpoints = args.privateEndpoints ?? {
            spoke: { subnetResourceId: peSubnet, service: "healthcareworkspace", privateDnsZoneResourceIds: WORKSPACE_ZONES.map(zone) },
        };
        const serviceDiagnostics = args.diagnosticSettings ?? { law: { workspaceResourceId: law } };
        const child: pulumi.CustomResourceOptions = { parent: this };
        const stateful: pulumi.CustomResourceOptions = { parent: this, protect: args.protectStatefulResources === true, retainOnDelete: args.retainStatefulResourcesOnDelete === true };
        const client = authorization.getClientConfigOutput({ parent: this });
        const tenantId = args.tenantId ?? client.tenantId;
        const lawDiag = (key: string, uri: pulumi.Input<string>) => createDiagnosticSettings(`${name}-${key}`, uri, { law: { workspaceResourceId: law } }, child);

        // ---- workspace (its private endpoint follows the services, below) ----
        const workspace = new healthcareapis.Workspace(`${name}-ws`, {
            workspaceName: resourceName("healthWorkspace", naming),
            resourceGroupName: rg,
            location,
            tags,
        }, stateful);
        createLock(`${name}-ws`, workspace.id, args.lock, child);
        const fhirUrl = pulumi.interpolate`https://${workspace.name}-${fhirSettings.name}.fhir.azurehealthcareapis.com`;

        // ---- import/export storage: reached by FHIR as a trusted service scoped to this workspace and FHIR service ----
        // The resource-instance rule's tenant is the workspace's (the deploying subscription's), which may differ from
        // the FHIR token authority's tenant (ahds:fhir.tenantId).
        const storageFor = (instance: string, containers: string[]) => {
            const s = createSecureStorageAccount(`${name}-st-${instance}`, {
                accountName: resourceName("storageAccount", naming, instance),
                resourceGroupName: rg,
                location,
                tags,
                zoneRedundant,
                trustedResourceInstances: fhirTrustedInstances(workspace.id, fhirSettings.name, client.tenantId),
                softDeleteRetentionDays: storageSettings.softDeleteRetentionDays,
                versioning: storageSettings.versioning,
                containers,
                workspaceResourceId: law,
                blobPrivateEndpoint: { subnetResourceId: peSubnet, privateDnsZoneResourceId: zone(BLOB_ZONE) },
            }, stateful, child);
            createLock(`${name}-st-${instance}`, s.account.id, args.lock, child);
            return s;
        };
        const importStore = importOn ? storageFor("imp", [IMPORT_CONTAINER]) : undefined;
        const exportStore = exportOn ? storageFor("exp", [EXPORT_CONTAINER, ANONYMIZATION_CONTAINER]) : undefined;

        // ---- $convert-data template registry ----
        let registry: containerregistry.Registry | undefined;
        if (registryOn) {
            registry = new containerregistry.Registry(`${name}-acr`, {
                registryName: resourceName("containerRegistry", naming),
                resourceGroupName: rg,
                location,
                sku: { name: "Premium" },
                adminUserEnabled: false,
                anonymousPullEnabled: false,
                publicNetworkAccess: "Disabled",
                // The FHIR service is not in the VNet: it pulls templates as a trusted Azure service
                // (learn.microsoft.com/azure/container-registry/allow-access-trusted-services, Health Data Services).
                networkRuleBypassOptions: "AzureServices",
                networkRuleSet: { defaultAction: "Deny" },
                dataEndpointEnabled: false,
                zoneRedundancy: zoneRedundant ? "Enabled" : "Disabled",
                policies: {
                    // No `az acr import/export` of PHI-adjacent artifacts to other registries (needs public access off).
                    exportPolicy: { status: "disabled" },
                    retentionPolicy: { status: "enabled", days: untaggedRetentionDays },
                    // Entra ID tokens for the registry audience only; ARM-audience tokens are refused.
                    azureADAuthenticationAsArmPolicy: { status: "disabled" },
                },
                tags,
            }, stateful);
            lawDiag("acr", registry.id);
            createPrivateEndpoints(`${name}-acr`, { id: registry.id, name: registry.name, resourceGroupName: rg, location, tags }, {
                registry: { subnetResourceId: peSubnet, service: "registry", privateDnsZoneResourceIds: [zone(ACR_ZONE)] },
            }, child);
            createLock(`${name}-acr`, registry.id, args.lock, child);
        }

        // ---- FHIR R4 service ----
        const fhir = new healthcareapis.FhirService(`${name}-fhir`, {
            fhirServiceName: fhirSettings.name,
            workspaceName: workspace.name,
            resourceGroupName: rg,
            location,
            kind: "fhir-R4",
            identity: { type: "SystemAssigned" },
            authenticationConfiguration: {
                authority: pulumi.interpolate`https://login.microsoftonline.com/${tenantId}`,
                audience: fhirUrl,
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
            ...(importStore !== undefined ? { importConfiguration: { enabled: true, initialImportMode, integrationDataStore: importStore.account.name } } : {}),
            ...(exportStore !== undefined ? { exportConfiguration: { storageAccountName: exportStore.account.name } } : {}),
            tags,
        }, stateful);
        const fhirPrincipalId = fhir.identity.apply((i) => i?.principalId ?? "");
        createDiagnosticSettings(`${name}-fhir`, fhir.id, serviceDiagnostics, child);
        createRoleAssignments(`${name}-fhir`, fhir.id, args.roleAssignments ?? {}, child);

        // The FHIR identity's data-plane access, each on exactly one resource.
        const fhirGrant = (key: string, scope: pulumi.Input<string>, role: string, description: string) => createRoleAssignments(`${name}-fhir-${key}`, scope, {
            fhir: { roleDefinitionIdOrName: role, principalId: fhirPrincipalId, description },
        }, child);
        if (importStore !== undefined) fhirGrant("import", importStore.account.id, "Storage Blob Data Contributor", "FHIR $import reads NDJSON from the import account");
        if (exportStore !== undefined) fhirGrant("export", exportStore.account.id, "Storage Blob Data Contributor", "FHIR $export writes to the export account and reads anonymization configs");
        if (registry !== undefined) fhirGrant("acr", registry.id, "AcrPull", "FHIR $convert-data pulls Liquid templates");

        // ---- anonymization configs: written in-network by the uploader VM's identity ----
        const configNames = exportOn ? Object.keys(anonymizationConfigs) : [];
        const anonymizationContainer = exportStore?.containers[ANONYMIZATION_CONTAINER];
        if (exportStore !== undefined && anonymizationContainer !== undefined && uploader !== undefined) {
            const [writer] = Object.values(createRoleAssignments(`${name}-anonymization`, anonymizationContainer.id, {
                uploader: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: uploader.principalId, description: "Writes the $export anonymization configs (this container only)" },
            }, child));
            const vm = pulumi.output(uploader.virtualMachineResourceId).apply(parseResourceId);
            const script = exportStore.account.name.apply((account) => blobUploadScript(account, ANONYMIZATION_CONTAINER,
                configNames.map((n) => ({ name: n, contentType: "application/json", content: anonymizationConfigs[n] ?? "" }))));
            // Wait for the blob endpoint's DNS records too, or the VM would resolve the account's public address.
            const endpoint = exportStore.blobEndpoint;
            new compute.VirtualMachineRunCommandByVirtualMachine(`${name}-anonymization-upload`, {
                vmName: vm.name,
                resourceGroupName: vm.resourceGroupName,
                location,
                runCommandName: "upload-anonymization-configs",
                source: { script },
                asyncExecution: false,
                timeoutInSeconds: 900,
                // A failed upload fails `pulumi up` instead of hiding in the run command's instance view.
                treatFailureAsDeploymentFailure: true,
                tags,
            }, { parent: this, dependsOn: [anonymizationContainer, ...(writer !== undefined ? [writer] : []), endpoint.endpoint, ...(endpoint.dnsZoneGroup !== undefined ? [endpoint.dnsZoneGroup] : [])] });
        }

        // ---- DICOM ----
        const workspaceServices: pulumi.Resource[] = [fhir];
        let dicomUrl: pulumi.Output<string> = pulumi.output("");
        if (dicom.enabled) {
            const svc = new healthcareapis.DicomService(`${name}-dicom`, {
                dicomServiceName: dicom.name,
                workspaceName: workspace.name,
                resourceGroupName: rg,
                location,
                identity: { type: "SystemAssigned" },
                enableDataPartitions: false,
                tags,
            }, stateful);
            createDiagnosticSettings(`${name}-dicom`, svc.id, serviceDiagnostics, child);
            workspaceServices.push(svc);
            dicomUrl = pulumi.interpolate`https://${workspace.name}-${dicom.name}.dicom.azurehealthcareapis.com`;
        }

        // ---- the workspace's private endpoint, after every service with a data-plane host name ----
        // A service in a Private Link workspace gets its A record (`<ws>-<svc>.fhir|dicom.azurehealthcareapis.com`)
        // from the endpoint's DNS zone group only when it is provisioned before the endpoint, or with an endpoint
        // refresh; otherwise its traffic does not use Private Link and, with public access closed, fails
        // (learn.microsoft.com/azure/healthcare-apis/healthcare-apis-configure-private-link). MedTech has no
        // data-plane host name, so it does not hold the endpoint back.
        createPrivateEndpoints(`${name}-ws`, { id: workspace.id, name: workspace.name, resourceGroupName: rg, location, tags }, workspaceEndpoints,
            { parent: this, dependsOn: workspaceServices });

        // ---- MedTech: private Event Hubs → IoT connector → this FHIR service ----
        let medtechNamespace: pulumi.Output<string> = pulumi.output("");
        if (medtech.enabled) {
            const ns = new eventhub.Namespace(`${name}-evhns`, {
                namespaceName: resourceName("eventHubNamespace", naming, "mt"),
                resourceGroupName: rg,
                location,
                sku: { name: "Standard", tier: "Standard", capacity: 1 },
                // Entra ID only: no SAS keys for device data (Azure Policy 5d4e3c65, local auth disabled).
                disableLocalAuth: true,
                minimumTlsVersion: "1.2",
                zoneRedundant,
                // MedTech is outside the VNet and reads as a trusted Azure service; nothing else gets past the firewall.
                publicNetworkAccess: "Enabled",
                tags,
            }, child);
            new eventhub.NamespaceNetworkRuleSet(`${name}-evhns-network`, {
                namespaceName: ns.name,
                resourceGroupName: rg,
                defaultAction: "Deny",
                publicNetworkAccess: "Enabled",
                trustedServiceAccessEnabled: true,
                ipRules: [],
                virtualNetworkRules: [],
            }, child);
            lawDiag("evhns", ns.id);
            createPrivateEndpoints(`${name}-evhns`, { id: ns.id, name: ns.name, resourceGroupName: rg, location, tags }, {
                namespace: { subnetResourceId: peSubnet, service: "namespace", privateDnsZoneResourceIds: [zone(EVENTHUB_ZONE)] },
            }, child);
            const hub = new eventhub.EventHub(`${name}-evh-devicedata`, {
                eventHubName: "devicedata",
                namespaceName: ns.name,
                resourceGroupName: rg,
                partitionCount: medtech.partitions,
                messageRetentionInDays: medtech.retentionDays,
            }, child);
            const consumerGroup = new eventhub.ConsumerGroup(`${name}-evh-medtech`, {
                consumerGroupName: "medtech",
                eventHubName: hub.name,
                namespaceName: ns.name,
                resourceGroupName: rg,
            }, child);
            medtechNamespace = pulumi.interpolate`${ns.name}.servicebus.windows.net`;
            const connector = new healthcareapis.IotConnector(`${name}-medtech`, {
                iotConnectorName: medtech.name,
                workspaceName: workspace.name,
                resourceGroupName: rg,
                location,
                identity: { type: "SystemAssigned" },
                ingestionEndpointConfiguration: { eventHubName: hub.name, consumerGroup: consumerGroup.name, fullyQualifiedEventHubNamespace: medtechNamespace },
                deviceMapping: { content: JSON.parse(medtech.deviceMapping) as unknown },
                tags,
            }, stateful);
            new healthcareapis.IotConnectorFhirDestination(`${name}-medtech-fhir`, {
                fhirDestinationName: "fhir",
                iotConnectorName: connector.name,
                workspaceName: workspace.name,
                resourceGroupName: rg,
                location,
                fhirServiceResourceId: fhir.id,
                resourceIdentityResolutionType: medtech.resolution,
                fhirMapping: { content: JSON.parse(medtech.fhirMapping) as unknown },
            }, child);
            const connectorPrincipal = connector.identity.apply((i) => i?.principalId ?? "");
            createRoleAssignments(`${name}-medtech-evh`, hub.id, {
                medtech: { roleDefinitionIdOrName: "Azure Event Hubs Data Receiver", principalId: connectorPrincipal, description: "MedTech reads device events" },
            }, child);
            createRoleAssignments(`${name}-medtech-fhir`, fhir.id, {
                medtech: { roleDefinitionIdOrName: "FHIR Data Writer", principalId: connectorPrincipal, description: "MedTech writes Observations, Devices and Patients" },
            }, child);
            createDiagnosticSettings(`${name}-medtech`, connector.id, { law: { workspaceResourceId: law } }, child);
        }

        this.fhirUrl = fhirUrl;
        this.fhirAudience = fhirUrl;
        this.workspaceId = workspace.id;
        this.workspaceName = workspace.name;
        this.fhirServiceId = fhir.id;
        this.fhirServiceName = fhir.name;
        this.fhirPrincipalId = fhirPrincipalId;
        this.containerRegistryLoginServer = registry?.loginServer ?? pulumi.output("");
        this.containerRegistryId = registry?.id ?? pulumi.output("");
        this.importStorageAccountName = importStore?.account.name ?? pulumi.output("");
        this.exportStorageAccountName = exportStore?.account.name ?? pulumi.output("");
        this.anonymizationConfigNames = pulumi.output(configNames);
        this.dicomUrl = dicomUrl;
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

