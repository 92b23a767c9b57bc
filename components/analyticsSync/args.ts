import * as pulumi from "@pulumi/pulumi";
import { DiagnosticSettingArgs } from "../shared/diagnostics";
import { InNetworkUploader } from "../shared/inNetworkUpload";
import { LockArgs } from "../shared/lock";
import { NamingArgs } from "../shared/naming";
import { RoleAssignmentArgs } from "../shared/roleAssignment";

/** Where the jobs run and where the component's private endpoints go. */
export interface AnalyticsSyncNetworkArgs {
    /** Subnet of the Container Apps environment: delegated to Microsoft.App/environments, /27 or larger, routed through the firewall (the spoke's Container Apps subnet). */
    containerAppsSubnetResourceId: pulumi.Input<string>;
    /** Subnet for every private endpoint of the component (the spoke's private-endpoint subnet). */
    privateEndpointSubnetResourceId: pulumi.Input<string>;
    /** Private DNS zone IDs by zone name (HubSecurity.privateDnsZoneIds). Needs blob and dfs; queue and table in mode `agent`; the three Synapse zones with Synapse. */
    privateDnsZoneResourceIds: Record<string, pulumi.Input<string>>;
}

/** The FHIR service the lake is filled from. */
export interface AnalyticsFhirArgs {
    /** FHIR base URL the job (or agent) calls, through its private endpoint. */
    url: pulumi.Input<string>;
    /** Token audience of the FHIR service. @default url */
    audience?: pulumi.Input<string>;
    /** Resource ID of the Health Data Services workspace (the lake's firewall admits it as a resource instance). */
    workspaceResourceId: pulumi.Input<string>;
    /** Azure name of the FHIR service inside the workspace; with the workspace it names the instance `$export` writes as, known before the service exists. @default "fhir" */
    serviceName?: string;
    /** Resource ID of the FHIR service: the job's identity gets FHIR Data Exporter there (the agent's, FHIR Data Reader). */
    serviceResourceId: pulumi.Input<string>;
    /** Object ID of the FHIR service's system identity: Storage Blob Data Contributor on the lake, which it writes `$export` output to. */
    principalId: pulumi.Input<string>;
}

/** The private registry the jobs pull from (FhirWorkspace's Premium registry): its artifact cache mirrors the pinned public images. */
export interface AnalyticsRegistryArgs {
    /** Resource ID of the registry: AcrPull for the job's identity, and the parent of the cache rules. */
    resourceId: pulumi.Input<string>;
    /** Login server (`<name>.azurecr.io`). */
    loginServer: pulumi.Input<string>;
}

/** The ADLS Gen2 lake. */
export interface AnalyticsLakeArgs {
    /** Azure name of the account (3-24 lowercase letters and digits); pass it when another component needs it first (FhirWorkspace's export destination). @default "st<workload><env>lake<suffix>" */
    accountName?: pulumi.Input<string>;
    /** Blob and container soft delete, in days (1-365). Versioning and change feed are not available with a hierarchical namespace. @default 30 */
    softDeleteRetentionDays?: number;
}

/** Mode `export`: a scheduled Container Apps job that runs an incremental FHIR `$export` into the raw container. */
export interface AnalyticsExportArgs {
    /** Cron schedule (five fields, UTC) of the job, as Container Apps reads it. @default "0 2 * * *" (daily at 02:00 UTC) */
    schedule?: string;
    /** `$export` level: `system` (`/$export`), `patient` (`/Patient/$export`) or `group` (`/Group/<groupId>/$export`). @default "system" */
    scope?: string;
    /** FHIR Group ID for scope `group`. @default none */
    groupId?: string;
    /** Resource types to export (`_type`); empty exports every type. @default [] */
    resourceTypes?: string[];
    /** Longest run of one export in seconds (the job's replica timeout; polling stops before it). @default 14400 (4 hours) */
    timeoutSeconds?: number;
    /** Seconds between status polls. @default 30 */
    pollSeconds?: number;
}

/** Mode `agent`: the FHIR-to-DataLake sync agent as a Container App writing Parquet. */
export interface AnalyticsAgentArgs {
    /** `job__schedulerCronExpression` (six fields, seconds first). @default "0 0 * * * *" (hourly) */
    schedule?: string;
    /** `job__startTime`: the earliest `_lastUpdated` the agent reads. @default "1970-01-01 00:00:00 +00:00" */
    startTime?: string;
    /** Replicas at most (1-30). @default 3 */
    maxReplicas?: number;
    /**
     * The agent's image in the private registry, `<loginServer>/<repository>:<tag>`; required in mode agent. Upstream
     * publishes it in another Azure Container Registry (healthplatformregistry.azurecr.io/healthdatatodatalaketool),
     * which artifact cache does not list as an upstream and can mirror ACR-to-ACR only with a managed identity holding
     * pull rights there (learn.microsoft.com/azure/container-registry/artifact-cache-overview, artifact-cache-acr-to-acr-cli),
     * so it is imported once (`az acr import`, README) before mode agent is deployed. @default none
     */
    image?: string;
}

/** Synapse serverless over the lake (no dedicated pool). */
export interface AnalyticsSynapseArgs {
    /** Create the workspace. @default false */
    enabled?: boolean;
    /** Object ID of the Entra ID group that becomes the workspace's initial Synapse Administrator (required with enabled). @default none */
    adminGroupObjectId?: string;
    /** Entra ID tenants the managed VNet may link to besides the workspace's own (data exfiltration protection). @default [] */
    allowedTenantIdsForLinking?: string[];
    /** Grant the workspace identity Storage Blob Data Contributor on the parquet container (CETAS writes there) instead of Reader. @default false */
    writeParquet?: boolean;
}

/** The `anonymization` container's configs, for de-identified exports (`$export?_anonymizationConfig=<name>`). */
export interface AnalyticsDeidentificationArgs {
    /** De-identification configs by blob file name (JSON text in the FHIR anonymization format). @default {} */
    configs?: Record<string, string>;
    /** VM that uploads them through a managed Run Command during `pulumi up`. @default none (upload them by hand) */
    uploader?: InNetworkUploader;
}

export interface AnalyticsSyncArgs {
    /** Naming parts (workload, environment, location, stack suffix). */
    naming: NamingArgs;
    /** Resource group for the lake, the environment, the jobs and Synapse (the PHI workload's). */
    resourceGroupName: pulumi.Input<string>;
    /** Tags for every taggable child. @default {} */
    tags?: Record<string, pulumi.Input<string>>;
    /** Central Log Analytics workspace: every diagnostic setting. */
    logAnalyticsWorkspaceResourceId: pulumi.Input<string>;
    /** Container Apps subnet, private-endpoint subnet and DNS zones. */
    network: AnalyticsSyncNetworkArgs;
    /** The FHIR service. */
    fhir: AnalyticsFhirArgs;
    /** The private registry. */
    containerRegistry: AnalyticsRegistryArgs;
    /** How the lake is filled: `export` (first-party `$export`, scheduled) or `agent` (the FHIR-to-DataLake sync agent). @default "export" */
    mode?: string;
    /** The lake. @default the generated name, 30-day soft delete */
    lake?: AnalyticsLakeArgs;
    /** The export job (mode `export`). @default daily system-level export of every type */
    exportJob?: AnalyticsExportArgs;
    /** The sync agent (mode `agent`). @default hourly, from 1970, up to 3 replicas */
    agent?: AnalyticsAgentArgs;
    /** Synapse serverless. @default off */
    synapse?: AnalyticsSynapseArgs;
    /** De-identification configs in the lake's anonymization container. @default none */
    deidentification?: AnalyticsDeidentificationArgs;
    /** Diagnostic settings of the Container Apps environment (and of Synapse). @default { law: allLogs + AllMetrics to logAnalyticsWorkspaceResourceId } */
    diagnosticSettings?: Record<string, DiagnosticSettingArgs>;
    /** Role assignments on the lake (analysts' groups, for example Storage Blob Data Reader). @default {} */
    roleAssignments?: Record<string, RoleAssignmentArgs>;
    /** Lock on the lake and the Synapse workspace. @default none */
    lock?: LockArgs;
    /** Zone-redundant lake (ZRS) and Container Apps environment. @default false */
    zoneRedundant?: boolean;
    /** Pulumi `protect` on the lake and the Synapse workspace. @default false */
    protectStatefulResources?: boolean;
    /** Pulumi `retainOnDelete` on the lake and the Synapse workspace. @default false */
    retainStatefulResourcesOnDelete?: boolean;
}
