import * as pulumi from "@pulumi/pulumi";
import { NamingArgs } from "../shared/naming";

/** Where the gateway and API Management live. */
export interface IngressNetworkArgs {
    /** The spoke's Application Gateway subnet (SpokeNetwork.subnetIds.appGateway). */
    appGatewaySubnetResourceId: pulumi.Input<string>;
    /** The spoke's API Management subnet (SpokeNetwork.subnetIds.apim). */
    apimSubnetResourceId: pulumi.Input<string>;
    /** VNets that resolve APIM's private hostnames (the hub, whose DNS proxy serves the spoke, and the spoke), by key. */
    dnsLinkedVirtualNetworkIds: Record<string, pulumi.Input<string>>;
}

/** API Management, internal VNet mode on the stv2 platform. */
export interface IngressApimArgs {
    /** `Developer` (no SLA, dev only) or `Premium` (zones, SLA). @default "Developer" */
    sku?: string;
    /** Units: exactly 1 for Developer; for Premium with zones, a multiple of the zone count. @default 1 */
    capacity?: number;
    /** Publisher e-mail (APIM notifications). */
    publisherEmail: string;
    /** Publisher name. @default "Health Data Platform" */
    publisherName?: string;
    /** Calls per caller (token `oid`) per minute before the gateway answers 429. @default 600 */
    callsPerMinute?: number;
}

/** The gateway's TLS certificate: an existing Key Vault secret, or a generated self-signed one (dev). */
export interface IngressCertificateArgs {
    /** Versionless Key Vault secret ID of an existing certificate (`https://<vault>.vault.azure.net/secrets/<name>`), so renewals roll out without a deploy. @default none (a self-signed certificate is generated into `keyVaultResourceId`) */
    keyVaultSecretId?: string;
    /** Resource ID of the Key Vault that holds (or receives) the certificate; the gateway identity gets Key Vault Secrets User on the secret only. */
    keyVaultResourceId: pulumi.Input<string>;
    /** Vault URI (`https://<vault>.vault.azure.net/`) for the generated certificate's secret ID. @default none (required without keyVaultSecretId) */
    keyVaultUri?: pulumi.Input<string>;
}

/** Application Gateway WAF_v2. */
export interface IngressAppGatewayArgs {
    /** Autoscale minimum instances (0-125). @default 0 */
    minCapacity?: number;
    /** Autoscale maximum instances (1-125). @default 2 */
    maxCapacity?: number;
    /** Public host name clients use (the certificate's name). @default "" (the public IP's Azure DNS name) */
    hostName?: string;
}

/**
 * CORS answered by API Management for browser clients, preflight included; the same settings as the FHIR service's
 * CORS (FhirWorkspace `fhir.cors*`), because browsers only ever reach the FHIR service through the gateway.
 */
export interface IngressCorsArgs {
    /** Browser origins allowed, each `https://host[:port]`; never `*`. Empty: no `cors` policy, so no preflight is answered. @default [] */
    allowedOrigins?: string[];
    /** HTTP methods allowed. @default ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] */
    allowedMethods?: string[];
    /** Request headers allowed; never `*`. @default ["Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Match", "If-None-Exist", "If-Modified-Since"] */
    allowedHeaders?: string[];
    /** Response headers browser code may read (created resource, version, async status URL). @default ["Location", "Content-Location", "ETag", "Last-Modified"] */
    exposedHeaders?: string[];
    /** How long browsers cache a preflight answer, in seconds (0-99999). @default 600 */
    maxAgeSeconds?: number;
    /** Allow credentials (cookies) in CORS requests; bearer tokens do not need it. @default false */
    allowCredentials?: boolean;
}

/**
 * One upload container of the BulkLoader's storage account, as the `/bulk` API publishes it: callers `PUT
 * /bulk/<name>/<file>` and the blob lands at `<name>/<caller's object ID>/<file>`.
 */
export interface IngressBulkUploadContainerArgs {
    /** Container name in the loader's account (3-63 lowercase letters, digits and single hyphens); also the URL segment after `/bulk/`. */
    name: string;
    /** Media types a caller may send, lowercase, without parameters (`; charset=...` is allowed on the request); 1-10 (the WAF's match values per condition). */
    contentTypes: string[];
    /** Extension every file name must end with, lowercase, without the dot (`json`, `ndjson`, `zip`): the loader's Event Grid filters and blob trigger select blobs by suffix. */
    extension: string;
}

/**
 * The `/bulk` upload API: callers holding an app role of their own API app registration `PUT` files through the
 * gateway; API Management writes them to the BulkLoader's storage account over its private endpoint with its own
 * managed identity (grant `Ingress.apimPrincipalId` Storage Blob Data Contributor on the upload containers only).
 * Callers never see the storage account.
 */
export interface IngressBulkUploadArgs {
    /** Blob endpoint of the loader's storage account (`https://<account>.blob.core.windows.net`, a trailing slash is ignored), resolved privately from the APIM subnet. */
    blobEndpoint: pulumi.Input<string>;
    /** Token audiences of the upload API's own app registration (its Application ID URI for v1 tokens, its client ID for v2 tokens); never the FHIR URL: a FHIR token must not also write to storage. */
    audiences: string[];
    /** App role (`roles` claim) the caller's service principal must hold on that app registration. @default "Bulk.Upload" */
    requiredRole?: string;
    /** Upload containers, 1-10. @default bundles (application/fhir+json, application/json; .json), ndjson (application/fhir+ndjson, application/x-ndjson, application/ndjson; .ndjson), zip (application/zip; .zip) */
    containers?: IngressBulkUploadContainerArgs[];
    /**
     * Largest file accepted, in MiB (1-4000: the gateway's 4 GB request limit and Put Blob's 5000 MiB are above it; at
     * most 2047 while a `.zip` container is published, because the loader unpacks a zip in one .NET MemoryStream of at
     * most 2 GiB). API Management answers 413 above each container's limit: this value for NDJSON (which the loader
     * streams line by line) and zips, but at most 256 MiB for `.json` bundle containers, because the loader reads a
     * bundle into one string and parses it whole (components/ingress/bulkApi.ts, MAX_BUNDLE_UPLOAD_MB). @default 256
     */
    maxUploadSizeMb?: number;
    /** Seconds the gateway and API Management wait for Blob storage's answer to one upload (30-3600). @default 600 */
    requestTimeoutSeconds?: number;
}

export interface IngressArgs {
    /** Naming parts (workload, environment, location, stack suffix). */
    naming: NamingArgs;
    /** Resource group for the gateway, API Management and their DNS zone. */
    resourceGroupName: pulumi.Input<string>;
    /** Tags for every taggable child. @default {} */
    tags?: Record<string, pulumi.Input<string>>;
    /** Central Log Analytics workspace. */
    logAnalyticsWorkspaceResourceId: pulumi.Input<string>;
    /** Subnets and DNS links. */
    network: IngressNetworkArgs;
    /** FHIR service URL (FhirWorkspace.fhirUrl): the APIM backend and the token audience. */
    fhirUrl: pulumi.Input<string>;
    /** Entra ID tenant that issues client tokens. @default the deploying identity's tenant (getClientConfig) */
    tenantId?: pulumi.Input<string>;
    /** API Management settings. */
    apim: IngressApimArgs;
    /** Application Gateway settings. @default 0-2 instances, no host name */
    appGateway?: IngressAppGatewayArgs;
    /** TLS certificate. */
    certificate: IngressCertificateArgs;
    /** Zone-redundant gateway, public IPs and (Premium) API Management. @default false */
    zoneRedundant?: boolean;
    /** Browser CORS answered by API Management. @default no origins: no CORS policy */
    cors?: IngressCorsArgs;
    /** The `/bulk` file upload API to the BulkLoader's storage (its own gateway path rule and WAF policy). @default none: only /fhir is published */
    bulkUpload?: IngressBulkUploadArgs;
}
