import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DiagnosticSettingArgs } from "../shared/diagnostics";
import { LockArgs } from "../shared/lock";
import { NamingArgs } from "../shared/naming";
import { PrivateEndpointArgs } from "../shared/privateEndpoint";
import { RoleAssignmentArgs } from "../shared/roleAssignment";

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
 * The in-network identity that writes the anonymization configs: a Linux VM (bash, curl) with a system-assigned
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
    /** VM that uploads the configs through a managed Run Command during `pulumi up` (only to the component's own export account). @default none (upload them from the jumpbox as the README shows) */
    anonymizationUploader?: AnonymizationUploaderArgs;
    /**
     * Export into an account another component owns (AnalyticsSync's ADLS Gen2 lake) instead of creating one: a FHIR
     * service has exactly one `$export` destination (`exportConfiguration.storageAccountName`), and Microsoft's export
     * page asks for an ADLS Gen2 account (learn.microsoft.com/azure/healthcare-apis/fhir/configure-export-data). That
     * account's owner grants this service's identity Storage Blob Data Contributor, admits the FHIR service instance in
     * its firewall and holds the `anonymization` container. The name may be known before the account exists (compute it
     * once and give it to both components): the service resolves it when an export runs. @default none (the component creates its own export account)
     */
    storageAccountName?: pulumi.Input<string>;
}

/** Import and export storage accounts. */
export interface FhirStorageArgs {
    /** Blob and container soft delete, in days (1-365). @default 30 */
    softDeleteRetentionDays?: number;
    /** Blob versioning. @default true */
    versioning?: boolean;
}

/** Private Premium registry for `$convert-data` Liquid templates (and the images other components mirror into it). */
export interface FhirContainerRegistryArgs {
    /** Create the registry and wire it into the FHIR service's `acrConfiguration`. @default true */
    enabled?: boolean;
    /** Days untagged manifests are kept before the retention policy deletes them (0-365). @default 7 */
    untaggedRetentionDays?: number;
    /**
     * Accept Entra ID tokens with the ARM audience (`policies.azureADAuthenticationAsArmPolicy` enabled); still Entra ID
     * only. Container Apps jobs and apps pulling from the registry with a managed identity need it: "Your Azure
     * Container Registry must allow ARM audience tokens for authentication in order to use managed identity to pull
     * images" (learn.microsoft.com/azure/container-apps/managed-identity-image-pull). Off, only registry-audience
     * tokens are accepted. @default false
     */
    armAudienceTokens?: boolean;
}

/** DICOM service (imaging), private through the workspace's endpoint. */
export interface DicomArgs {
    /** Deploy the DICOM service. @default false */
    enabled?: boolean;
    /** Service name (3-24 lowercase letters and digits). @default "dicom" */
    name?: string;
}

/**
 * MedTech service (device data → FHIR Observations) with a private Event Hubs namespace. Deprecated by Microsoft: no
 * new instances since 2025-05-03, existing ones supported until 2028-05-03
 * (learn.microsoft.com/azure/healthcare-apis/iot/get-started). For a program that adopts an instance created before
 * then (`pulumi import`); a new deployment fails at the IoT connector.
 */
export interface MedTechArgs {
    /** Deploy the MedTech service and its Event Hubs namespace (an existing instance only: see MedTechArgs). @default false */
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

// The assets stay in components/assets. `..` resolves from this folder's TypeScript source (components/fhirWorkspace/)
// and from a build into components/dist/fhirWorkspace/ alike: the package build copies the assets to components/dist/assets.
const ASSETS = path.join(__dirname, "..", "assets");
const asset = (rel: string) => fs.readFileSync(path.join(ASSETS, rel), "utf8");

/** The repository's default de-identification configs (HIPAA Safe Harbor), by blob name. */
export const DEFAULT_ANONYMIZATION_CONFIGS: Record<string, string> = { "safe-harbor.json": asset("anonymization/safe-harbor.json") };
export const DEFAULT_DEVICE_MAPPING = asset("medtech/device-mapping.json");
export const DEFAULT_FHIR_MAPPING = asset("medtech/fhir-mapping.json");
