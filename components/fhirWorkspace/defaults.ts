import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_CORS_HEADERS, DEFAULT_CORS_METHODS } from "../shared/cors";
import { DiagnosticSettingArgs } from "../shared/diagnostics";
import { placement } from "../shared/placement";
import { PrivateEndpointArgs } from "../shared/privateEndpoint";
import { RoleAssignmentArgs } from "../shared/roleAssignment";
import {
    AnonymizationUploaderArgs, DEFAULT_ANONYMIZATION_CONFIGS, DEFAULT_DEVICE_MAPPING, DEFAULT_FHIR_MAPPING, FhirServiceSettingsArgs, FhirWorkspaceArgs,
} from "./args";
import { WORKSPACE_ZONES } from "./constants";
import { FhirWorkspaceContext, zoneId } from "./context";

/** The MedTech settings with their defaults applied. */
export interface MedTechSettings {
    enabled: boolean;
    name: string;
    deviceMapping: string;
    fhirMapping: string;
    resolution: string;
    partitions: number;
    retentionDays: number;
}

/** The component's settings with every default applied (the `@default`s of args.ts). */
export interface FhirWorkspaceSettings {
    /** FHIR token authority's tenant. */
    tenantId: pulumi.Input<string>;
    fhir: Required<FhirServiceSettingsArgs>;
    importSettings: { enabled: boolean; initialImportMode: boolean };
    exportSettings: { enabled: boolean; anonymizationConfigs: Record<string, string>; configNames: string[]; uploader: AnonymizationUploaderArgs | undefined; externalAccountName: pulumi.Input<string> | undefined };
    storage: { softDeleteRetentionDays: number; versioning: boolean };
    containerRegistry: { enabled: boolean; untaggedRetentionDays: number; armAudienceTokens: boolean };
    dicom: { enabled: boolean; name: string };
    medtech: MedTechSettings;
    workspaceEndpoints: Record<string, PrivateEndpointArgs>;
    serviceDiagnostics: Record<string, DiagnosticSettingArgs>;
    roleAssignments: Record<string, RoleAssignmentArgs>;
}

/** Naming, placement, network, lock and stateful options every block uses. */
export function fhirWorkspaceContext(args: FhirWorkspaceArgs): FhirWorkspaceContext {
    return {
        ...placement(args),
        law: args.logAnalyticsWorkspaceResourceId,
        peSubnet: args.network.privateEndpointSubnetResourceId,
        zones: args.network.privateDnsZoneResourceIds,
        zoneRedundant: args.zoneRedundant === true,
        lock: args.lock,
        stateful: { protect: args.protectStatefulResources === true, retainOnDelete: args.retainStatefulResourcesOnDelete === true },
    };
}

/** Defaults, applied in one place. `clientTenantId` is the deploying identity's tenant (getClientConfig). */
export function fhirWorkspaceSettings(args: FhirWorkspaceArgs, ctx: FhirWorkspaceContext, clientTenantId: pulumi.Input<string>): FhirWorkspaceSettings {
    const exportOn = args.exportSettings?.enabled !== false;
    const anonymizationConfigs = args.exportSettings?.anonymizationConfigs ?? DEFAULT_ANONYMIZATION_CONFIGS;
    return {
        tenantId: args.tenantId ?? clientTenantId,
        fhir: {
            name: args.fhir?.name ?? "fhir",
            corsOrigins: args.fhir?.corsOrigins ?? [],
            corsMethods: args.fhir?.corsMethods ?? DEFAULT_CORS_METHODS,
            corsHeaders: args.fhir?.corsHeaders ?? DEFAULT_CORS_HEADERS,
            corsMaxAgeSeconds: args.fhir?.corsMaxAgeSeconds ?? 600,
            corsAllowCredentials: args.fhir?.corsAllowCredentials ?? false,
            resourceVersionPolicy: args.fhir?.resourceVersionPolicy ?? "versioned",
        },
        importSettings: { enabled: args.importSettings?.enabled !== false, initialImportMode: args.importSettings?.initialImportMode === true },
        exportSettings: {
            enabled: exportOn,
            anonymizationConfigs,
            configNames: exportOn ? Object.keys(anonymizationConfigs) : [],
            uploader: args.exportSettings?.anonymizationUploader,
            externalAccountName: exportOn ? args.exportSettings?.storageAccountName : undefined,
        },
        storage: { softDeleteRetentionDays: args.storage?.softDeleteRetentionDays ?? 30, versioning: args.storage?.versioning ?? true },
        containerRegistry: {
            enabled: args.containerRegistry?.enabled !== false,
            untaggedRetentionDays: args.containerRegistry?.untaggedRetentionDays ?? 7,
            armAudienceTokens: args.containerRegistry?.armAudienceTokens === true,
        },
        dicom: { enabled: args.dicom?.enabled === true, name: args.dicom?.name ?? "dicom" },
        medtech: {
            enabled: args.medtech?.enabled === true,
            name: args.medtech?.name ?? "medtech",
            deviceMapping: args.medtech?.deviceMapping ?? DEFAULT_DEVICE_MAPPING,
            fhirMapping: args.medtech?.fhirMapping ?? DEFAULT_FHIR_MAPPING,
            resolution: args.medtech?.resourceIdentityResolutionType ?? "Create",
            partitions: args.medtech?.eventHubPartitionCount ?? 2,
            retentionDays: args.medtech?.eventHubRetentionDays ?? 1,
        },
        workspaceEndpoints: args.privateEndpoints ?? {
            spoke: { subnetResourceId: ctx.peSubnet, service: "healthcareworkspace", privateDnsZoneResourceIds: WORKSPACE_ZONES.map((z) => zoneId(ctx, z)) },
        },
        serviceDiagnostics: args.diagnosticSettings ?? { law: { workspaceResourceId: ctx.law } },
        roleAssignments: args.roleAssignments ?? {},
    };
}
