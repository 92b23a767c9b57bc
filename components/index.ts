/**
 * ahds: Pulumi components for a HIPAA/HITRUST-aligned Azure Health Data Services platform.
 *
 * This module exports the package's ComponentResources (type tokens `ahds:index:<ClassName>`), their args types, and
 * the building blocks a consumer needs to wire them (naming and tags); the language host discovers the components
 * from here when the folder is consumed as a source-based plugin (PulumiPlugin.yaml, `pulumi package add`).
 * Each component lives in its own folder (`<component>/index.ts`, `args.ts`, `validate.ts`, one file per sub-block);
 * the shared building blocks live in ./shared; components never import each other.
 */
// The args types first: the SDK's component analyzer takes an interface's description only from files it has read
// before the class that uses it, so the schema keeps the nested types' descriptions this way (a test checks).
export type { DiagnosticSettingArgs } from "./shared/diagnostics";
export type { FlowLogSettingsArgs } from "./shared/flowLogs";
export type { LockArgs } from "./shared/lock";
export type { NamingArgs } from "./shared/naming";
export type { PrivateEndpointArgs } from "./shared/privateEndpoint";
export type { RoleAssignmentArgs } from "./shared/roleAssignment";
export type { WorkspaceReferenceArgs } from "./shared/workspace";
export type { StandardTagValues } from "./shared/tags";
export type {
    DefenderPlanArgs, EgressSourcesArgs, ExpressRouteConnectionArgs, GovernanceArgs, HubBastionArgs, HubFirewallArgs, HubNetworkArgs, HubSecurityArgs, HybridConnectivityArgs,
    IpsecPolicySettingsArgs, JumpboxArgs, VpnSiteArgs,
} from "./hubSecurity/args";
export type { SpokeNetworkArgs, SpokeSubnetsArgs } from "./spokeNetwork/args";
export type {
    AnonymizationUploaderArgs, DicomArgs, FhirContainerRegistryArgs, FhirExportArgs, FhirImportArgs, FhirServiceSettingsArgs, FhirStorageArgs, FhirWorkspaceArgs,
    FhirWorkspaceNetworkArgs, MedTechArgs,
} from "./fhirWorkspace/args";
export type {
    IngressApimArgs, IngressAppGatewayArgs, IngressArgs, IngressBulkUploadArgs, IngressBulkUploadContainerArgs, IngressCertificateArgs, IngressCorsArgs, IngressNetworkArgs,
} from "./ingress/args";
export type {
    BulkLoaderArgs, BulkLoaderCodePackageArgs, BulkLoaderEventsArgs, BulkLoaderNetworkArgs, BulkLoaderPlanArgs, BulkLoaderRuntimeArgs, BulkLoaderSettingsArgs,
    BulkLoaderStorageArgs, PackageUploaderArgs,
} from "./bulkLoader/args";
export type {
    AnalyticsAgentArgs, AnalyticsDeidentificationArgs, AnalyticsExportArgs, AnalyticsFhirArgs, AnalyticsLakeArgs, AnalyticsRegistryArgs, AnalyticsSyncArgs,
    AnalyticsSyncNetworkArgs, AnalyticsSynapseArgs,
} from "./analyticsSync/args";
export type { InNetworkUploader } from "./shared/inNetworkUpload";
export type { IntelligenceArgs, IntelligenceManagedIdentitiesArgs, IntelligenceNetworkArgs } from "./intelligence/args";

export { HubSecurity } from "./hubSecurity";
export { SpokeNetwork } from "./spokeNetwork";
export { FhirWorkspace } from "./fhirWorkspace";
export { Ingress } from "./ingress";
export { BulkLoader } from "./bulkLoader";
export { AnalyticsSync } from "./analyticsSync";
export { Intelligence } from "./intelligence";

// Building blocks a consumer names and tags its own resources with, as the components do.
export { UNIQUE_SUFFIX_LENGTH, resourceName } from "./shared/naming";
export { REQUIRED_TAG_KEYS, standardTags } from "./shared/tags";
