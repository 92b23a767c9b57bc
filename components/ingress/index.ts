import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { DEFAULT_CORS_HEADERS, DEFAULT_CORS_METHODS } from "../shared/cors";
import { placement } from "../shared/placement";
import { validatedArgs } from "../shared/validation";
import { createFhirApi } from "./api";
import { createApim } from "./apim";
import { IngressArgs } from "./args";
import { BULK_BASE_PATH, DEFAULT_BULK_CONTAINERS, DEFAULT_BULK_ROLE, bulkContainerPrefixes } from "./bulkApi";
import { createBulkApi } from "./bulkUpload";
import { createGatewayCertificate } from "./certificate";
import { IngressContext, IngressSettings, ingressNames } from "./context";
import { createGateway } from "./gateway";
import { ingressProblems } from "./validate";
import { createBulkWafPolicy, createWafPolicy } from "./waf";

export * from "./args";
export { ingressProblems } from "./validate";
export { ALLOWED_CONTENT_TYPES, PUBLISHED_BASE_PATH, wafPolicyProperties } from "./waf";
export { APIM_HOST_SUFFIXES, APIM_PROTOCOL_SETTINGS } from "./apim";
export { BULK_BASE_PATH, DEFAULT_BULK_CONTAINERS, STORAGE_API_VERSION, blobNamePattern, bulkApiPolicy } from "./bulkApi";
export { bulkWafPolicyProperties } from "./waf";

/** Response headers a browser FHIR client reads: the created resource, async status URL, version and date. */
const DEFAULT_CORS_EXPOSED_HEADERS = ["Location", "Content-Location", "ETag", "Last-Modified"];

/** Every default of IngressArgs, applied in one place. */
function ingressSettings(args: IngressArgs): IngressSettings {
    const zoneRedundant = args.zoneRedundant === true;
    const apimSku = args.apim.sku ?? "Developer";
    const apimCapacity = args.apim.capacity ?? 1;
    return {
        apimSku,
        apimCapacity,
        apimZones: zoneRedundant && apimSku === "Premium" ? (apimCapacity % 3 === 0 ? ["1", "2", "3"] : ["1", "2"]) : undefined,
        // Public IPs are zone-redundant (all three zones) whenever the stack is: a zonal public IP would fail with its
        // zone, and APIM's own IP must be zone-redundant even when its units sit in two zones
        // (learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet, prerequisites).
        publicZones: zoneRedundant ? ["1", "2", "3"] : undefined,
        publisherName: args.apim.publisherName ?? "Health Data Platform",
        callsPerMinute: args.apim.callsPerMinute ?? 600,
        cors: {
            allowedOrigins: args.cors?.allowedOrigins ?? [],
            allowedMethods: args.cors?.allowedMethods ?? DEFAULT_CORS_METHODS,
            allowedHeaders: args.cors?.allowedHeaders ?? DEFAULT_CORS_HEADERS,
            exposedHeaders: args.cors?.exposedHeaders ?? DEFAULT_CORS_EXPOSED_HEADERS,
            maxAgeSeconds: args.cors?.maxAgeSeconds ?? 600,
            allowCredentials: args.cors?.allowCredentials ?? false,
        },
        gw: { minCapacity: args.appGateway?.minCapacity ?? 0, maxCapacity: args.appGateway?.maxCapacity ?? 2, hostName: args.appGateway?.hostName ?? "" },
        bulk: args.bulkUpload === undefined ? undefined : {
            audiences: args.bulkUpload.audiences,
            requiredRole: args.bulkUpload.requiredRole ?? DEFAULT_BULK_ROLE,
            containers: (args.bulkUpload.containers ?? DEFAULT_BULK_CONTAINERS).map((c) => ({ name: c.name, contentTypes: [...c.contentTypes], extension: c.extension })),
            maxUploadSizeMb: args.bulkUpload.maxUploadSizeMb ?? 256,
            requestTimeoutSeconds: args.bulkUpload.requestTimeoutSeconds ?? 600,
        },
    };
}

/**
 * Ingress: Application Gateway WAF_v2 (Prevention, FHIR-tuned) in front of an internal stv2 API Management that
 * exposes the whole FHIR REST surface with JWT validation and per-caller throttling, forwarding the caller's token to
 * the FHIR service over its private endpoint.
 *
 * With `bulkUpload`, also the `/bulk` upload API: a `PUT /bulk/<container>/<file>` with a token carrying the upload app
 * role is checked by the gateway's own WAF policy for that path and by API Management, which writes the file to the
 * BulkLoader's storage account with its own managed identity (`apimPrincipalId`).
 *
 * Deploy critical path: the gateway's backend is APIM's private host name (computed from its name), never an APIM
 * output, so the gateway deploys in parallel with the 30-40 minutes APIM takes to create.
 */
export class Ingress extends pulumi.ComponentResource {
    /** Public IP address of the gateway. */
    public readonly publicIpAddress: pulumi.Output<string>;
    /** Azure DNS name of the gateway's public IP (`<label>.<region>.cloudapp.azure.com`). */
    public readonly publicFqdn: pulumi.Output<string>;
    /** FHIR base URL clients use (`https://<host>/fhir`). */
    public readonly fhirBaseUrl: pulumi.Output<string>;
    /** APIM gateway URL (private, `https://<apim>.azure-api.net`). */
    public readonly apimGatewayUrl: pulumi.Output<string>;
    /** Azure name of the API Management service. */
    public readonly apimName: pulumi.Output<string>;
    /** Resource ID of the Application Gateway. */
    public readonly appGatewayId: pulumi.Output<string>;
    /** Resource ID of the WAF policy attached to the gateway. */
    public readonly wafPolicyId: pulumi.Output<string>;
    /** Principal ID of API Management's system-assigned identity (the bulk upload API writes blobs with it: grant it Storage Blob Data Contributor on the upload containers only). */
    public readonly apimPrincipalId: pulumi.Output<string>;
    /** Upload base URL (`https://<host>/bulk`), or "" when `bulkUpload` is not configured. */
    public readonly bulkUploadBaseUrl: pulumi.Output<string>;

    constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:Ingress", name, validatedArgs("Ingress", name, args, ingressProblems), opts);

        // ---- defaults, applied in one place; names every block shares ----
        const ctx: IngressContext = {
            ...placement(args),
            law: args.logAnalyticsWorkspaceResourceId,
            settings: ingressSettings(args),
            names: ingressNames(args.naming),
        };
        const client = authorization.getClientConfigOutput({ parent: this });
        const tenantId = args.tenantId ?? client.tenantId;

        // ---- API Management (internal, stv2) and the FHIR API on it ----
        const apim = createApim(this, name, ctx, args);
        createFhirApi(this, name, ctx, apim, args.fhirUrl, tenantId);
        if (args.bulkUpload !== undefined) createBulkApi(this, name, ctx, apim, { blobEndpoint: args.bulkUpload.blobEndpoint, tenantId });

        // ---- the gateway: certificate, WAF policy, Application Gateway (independent of every APIM output) ----
        const cert = createGatewayCertificate(this, name, ctx, args.certificate);
        const bulk = ctx.settings.bulk;
        const bulkPrefixes = bulk !== undefined ? bulkContainerPrefixes(bulk.containers) : [];
        const waf = createWafPolicy(this, name, ctx, bulkPrefixes);
        const bulkRoute = bulk !== undefined ? { waf: createBulkWafPolicy(this, name, ctx, bulk.containers), requestTimeoutSeconds: bulk.requestTimeoutSeconds, containerPrefixes: bulkPrefixes } : undefined;
        const gateway = createGateway(this, name, ctx, args.network.appGatewaySubnetResourceId, cert, waf, client.subscriptionId, bulkRoute);

        // ---- outputs ----
        const pip = gateway.pip;
        const host = ctx.settings.gw.hostName !== "" ? pulumi.output(ctx.settings.gw.hostName) : pip.dnsSettings.apply((d) => d?.fqdn ?? "");
        this.publicIpAddress = pip.ipAddress.apply((ip) => ip ?? "");
        this.publicFqdn = pip.dnsSettings.apply((d) => d?.fqdn ?? "");
        this.fhirBaseUrl = pulumi.interpolate`https://${host}/fhir`;
        this.apimGatewayUrl = pulumi.interpolate`https://${ctx.names.apimHost}`;
        this.apimName = apim.service.name;
        this.appGatewayId = gateway.agw.id;
        this.wafPolicyId = waf.id;
        this.apimPrincipalId = apim.service.identity.apply((i) => i?.principalId ?? "");
        this.bulkUploadBaseUrl = bulk !== undefined ? pulumi.interpolate`https://${host}${BULK_BASE_PATH}` : pulumi.output("");
        this.registerOutputs({
            publicIpAddress: this.publicIpAddress,
            publicFqdn: this.publicFqdn,
            fhirBaseUrl: this.fhirBaseUrl,
            apimGatewayUrl: this.apimGatewayUrl,
            apimName: this.apimName,
            appGatewayId: this.appGatewayId,
            wafPolicyId: this.wafPolicyId,
            apimPrincipalId: this.apimPrincipalId,
            bulkUploadBaseUrl: this.bulkUploadBaseUrl,
        });
    }
}
