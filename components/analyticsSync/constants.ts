/** Names and pinned values of the analytics block, in one place. */

/** Where FHIR `$export` writes (`_container=raw`): one folder of NDJSON files per export run. */
export const RAW_CONTAINER = "raw";
/** Parquet written by the sync agent (mode `agent`) or by Synapse CETAS. */
export const PARQUET_CONTAINER = "parquet";
/** The Synapse workspace's default file system (its own scratch and metadata). */
export const SYNAPSE_CONTAINER = "synapse";
/** De-identification configs a `$export?_anonymizationConfig=` reads from the export account (the lake). */
export const ANONYMIZATION_CONTAINER = "anonymization";
/** Every container of the lake, by layer. */
export const LAKE_CONTAINERS = [RAW_CONTAINER, PARQUET_CONTAINER, SYNAPSE_CONTAINER, ANONYMIZATION_CONTAINER] as const;
/** The export job's bookmark inside the raw container: the `transactionTime` of the last complete export. */
export const EXPORT_STATE_BLOB = "_ahds/last-export.json";

export const BLOB_ZONE = "privatelink.blob.core.windows.net";
export const DFS_ZONE = "privatelink.dfs.core.windows.net";
export const QUEUE_ZONE = "privatelink.queue.core.windows.net";
export const TABLE_ZONE = "privatelink.table.core.windows.net";
/** Synapse SQL (dedicated and serverless) endpoints (learn.microsoft.com/azure/private-link/private-endpoint-dns, Analytics). */
export const SYNAPSE_SQL_ZONE = "privatelink.sql.azuresynapse.net";
/** Synapse development endpoint (pipelines, notebooks, Studio's API calls). */
export const SYNAPSE_DEV_ZONE = "privatelink.dev.azuresynapse.net";
/** Synapse Studio through a private link hub (group `web`). */
export const SYNAPSE_WEB_ZONE = "privatelink.azuresynapse.net";

/** How the lake is filled. */
export const MODES = ["export", "agent"] as const;
/** Which FHIR `$export` level the job calls (learn.microsoft.com/azure/healthcare-apis/fhir/export-data). */
export const EXPORT_SCOPES = ["system", "patient", "group"] as const;

/**
 * The export job's image: Microsoft's Azure CLI image, pinned to a release, for its bash, curl and jq (the job calls
 * no `az` command: tokens come from the Container Apps identity endpoint). The registry's artifact cache pulls it
 * from MCR into the private registry; the job pulls it from there by identity.
 */
export const EXPORT_IMAGE = { sourceRepository: "mcr.microsoft.com/azure-cli", targetRepository: "mirror/azure-cli", tag: "2.67.0" } as const;

/**
 * The FHIR-to-DataLake sync agent's published image (microsoft/FHIR-Analytics-Pipelines v0.6.2, the last release:
 * unmaintained since 2023, .NET 6 base). It lives in another Azure Container Registry, which the artifact cache cannot
 * mirror without an identity holding pull rights there, so the operator imports it (`az acr import`) and names the
 * copy in agent.image.
 */
export const AGENT_SOURCE_IMAGE = "healthplatformregistry.azurecr.io/healthdatatodatalaketool:v0.6.2.1";

/**
 * An image reference in an Azure Container Registry (public, China or US Government cloud): `<registry>.azurecr.<io|cn|us>/
 * <repository>` with a tag or a digest (`@sha256:<64 hex>`), the repository's path components as the OCI distribution
 * spec writes them (`[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`).
 */
export const REGISTRY_IMAGE = /^[a-z0-9]{5,50}\.azurecr\.(?:io|cn|us)(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/;

/** The Container Apps workload profile every environment has; jobs and apps run on it (serverless billing). */
export const CONSUMPTION_PROFILE = "Consumption";
