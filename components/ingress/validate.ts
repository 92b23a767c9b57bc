import { CORS_HEADER, CORS_HTTP_METHODS, CORS_ORIGIN } from "../shared/cors";
import { intRangeProblems } from "../shared/validation";
import { IngressArgs, IngressBulkUploadArgs } from "./args";
import { BLOB_ENDPOINT, DEFAULT_BULK_CONTAINERS, MAX_ZIP_UPLOAD_MB } from "./bulkApi";
import { containerRuleSuffix } from "./waf";

const APIM_SKUS = ["Developer", "Premium"];
const VERSIONLESS_SECRET = /^https:\/\/[a-z0-9-]{3,24}\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]{1,127}$/;
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Plain-value validation of the whole component, before any child is created. */
export function ingressProblems(args: IngressArgs): string[] {
    const p: string[] = [];
    const sku = args.apim.sku ?? "Developer";
    const capacity = args.apim.capacity ?? 1;
    if (!APIM_SKUS.includes(sku)) p.push(`apim.sku "${sku}" must be Developer or Premium (the tiers with internal VNet injection on stv2)`);
    p.push(...intRangeProblems("apim.capacity", capacity, 1, 12));
    if (sku === "Developer" && capacity !== 1) p.push("apim.capacity must be 1 on the Developer tier");
    if (args.zoneRedundant === true && sku === "Premium" && capacity % 2 !== 0 && capacity % 3 !== 0) p.push(`apim.capacity ${capacity} cannot be spread evenly over 2 or 3 availability zones`);
    if (!EMAIL.test(args.apim.publisherEmail)) p.push(`apim.publisherEmail "${args.apim.publisherEmail}" is not an e-mail address`);
    p.push(...intRangeProblems("apim.callsPerMinute", args.apim.callsPerMinute, 1, 100000));
    const gw = args.appGateway ?? {};
    const min = gw.minCapacity ?? 0;
    const max = gw.maxCapacity ?? 2;
    p.push(...intRangeProblems("appGateway.minCapacity", min, 0, 125), ...intRangeProblems("appGateway.maxCapacity", max, 1, 125));
    if (min > max) p.push(`appGateway.minCapacity ${min} is greater than maxCapacity ${max}`);
    if (gw.hostName !== undefined && gw.hostName !== "" && !HOST_NAME.test(gw.hostName)) p.push(`appGateway.hostName "${gw.hostName}" is not a lowercase DNS name`);
    const id = args.certificate.keyVaultSecretId;
    // A versioned secret ID pins one certificate version: renewals would need a deploy (reference defect 5).
    if (id !== undefined && !VERSIONLESS_SECRET.test(id)) p.push(`certificate.keyVaultSecretId "${id}" must be a versionless secret ID https://<vault>.vault.azure.net/secrets/<name>`);
    if (id === undefined && args.certificate.keyVaultUri === undefined) p.push("certificate.keyVaultUri is required to store a generated certificate when no keyVaultSecretId is given");
    if (Object.keys(args.network.dnsLinkedVirtualNetworkIds).length === 0) p.push("network.dnsLinkedVirtualNetworkIds must link at least the VNet whose DNS the gateway uses");
    const cors = args.cors ?? {};
    for (const o of cors.allowedOrigins ?? []) {
        // A wildcard origin lets any web page read PHI with a signed-in user's token (Azure Policy fe1c9040).
        if (o.includes("*")) p.push(`cors.allowedOrigins: "${o}" is a wildcard; list each origin`);
        else if (!CORS_ORIGIN.test(o)) p.push(`cors.allowedOrigins: "${o}" must be https://host[:port] (lowercase, no path or trailing slash)`);
    }
    for (const m of cors.allowedMethods ?? []) if (!CORS_HTTP_METHODS.includes(m)) p.push(`cors.allowedMethods: "${m}" is not one of ${CORS_HTTP_METHODS.join(", ")}`);
    for (const [key, headers] of [["allowedHeaders", cors.allowedHeaders], ["exposedHeaders", cors.exposedHeaders]] as const) {
        for (const h of headers ?? []) if (!CORS_HEADER.test(h)) p.push(`cors.${key}: "${h}" is not a header name (wildcards are not allowed)`);
    }
    if (cors.allowedMethods !== undefined && cors.allowedMethods.length === 0) p.push("cors.allowedMethods must list at least one method");
    if (cors.allowedHeaders !== undefined && cors.allowedHeaders.length === 0) p.push("cors.allowedHeaders must list at least one header (APIM requires the element)");
    p.push(...intRangeProblems("cors.maxAgeSeconds", cors.maxAgeSeconds, 0, 99999));
    if (args.bulkUpload !== undefined) p.push(...bulkUploadProblems(args.bulkUpload, args.fhirUrl));
    return p;
}

/** Blob container names (learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata). */
const CONTAINER_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;
/** A media type without parameters, lowercase; never a wildcard. */
const MEDIA_TYPE = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*$/;
const EXTENSION = /^[a-z0-9]{1,10}$/;
/** An app role value: no spaces (Entra ID), and nothing that would need escaping in the policy. */
const APP_ROLE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$/;
/** A token audience: an Application ID URI or a client ID, nothing that would need escaping in the policy. */
const AUDIENCE = /^[A-Za-z0-9][A-Za-z0-9:/._~-]{0,254}$/;
/**
 * At most 10: every container is a match value of one WAF condition, and a condition takes 10
 * (learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits, Application Gateway:
 * "WAF string match values per match condition").
 */
const MAX_WAF_MATCH_VALUES = 10;

function bulkUploadProblems(b: IngressBulkUploadArgs, fhirUrl: unknown): string[] {
    const p: string[] = [];
    if (typeof b.blobEndpoint === "string" && !BLOB_ENDPOINT.test(b.blobEndpoint.replace(/\/+$/, ""))) p.push(`bulkUpload.blobEndpoint "${b.blobEndpoint}" is not a storage blob endpoint https://<account>.blob.core.windows.net`);
    if (b.audiences.length === 0) p.push("bulkUpload.audiences must list the upload API's Application ID URI and/or client ID");
    for (const a of b.audiences) {
        if (!AUDIENCE.test(a)) p.push(`bulkUpload.audiences: "${a}" is not an Application ID URI or client ID`);
        // A FHIR token must not also write to storage: the upload API has its own app registration and role.
        else if (typeof fhirUrl === "string" && a.replace(/\/+$/, "").toLowerCase() === fhirUrl.replace(/\/+$/, "").toLowerCase()) p.push(`bulkUpload.audiences: "${a}" is the FHIR service's audience; the upload API needs its own app registration`);
    }
    if (b.requiredRole !== undefined && !APP_ROLE.test(b.requiredRole)) p.push(`bulkUpload.requiredRole "${b.requiredRole}" is not an app role value (letters, digits, '.', '_', ':', '-'; no spaces)`);
    p.push(...intRangeProblems("bulkUpload.maxUploadSizeMb", b.maxUploadSizeMb, 1, 4000, " (Application Gateway v2 takes requests up to 4 GB)"));
    p.push(...intRangeProblems("bulkUpload.requestTimeoutSeconds", b.requestTimeoutSeconds, 30, 3600));
    const containers = b.containers ?? DEFAULT_BULK_CONTAINERS;
    // The loader unpacks a zip in one MemoryStream (at most 2 GiB, fhir-loader ImportCompressedFiles.cs): a zip the
    // gateway accepted above that would sit in zip/ unprocessed.
    const zips = containers.filter((c) => c.extension === "zip").map((c) => c.name);
    if (b.maxUploadSizeMb !== undefined && b.maxUploadSizeMb > MAX_ZIP_UPLOAD_MB && zips.length > 0) {
        p.push(`bulkUpload.maxUploadSizeMb ${b.maxUploadSizeMb} is above ${MAX_ZIP_UPLOAD_MB} MiB, the largest zip the FHIR Loader can unpack (ImportCompressedFiles copies the whole zip into one .NET MemoryStream, at most 2 GiB), and ${zips.join(", ")} takes .zip files; lower it, or publish no .zip container to accept larger NDJSON files`);
    }
    if (containers.length === 0 || containers.length > MAX_WAF_MATCH_VALUES) p.push(`bulkUpload.containers must list 1-${MAX_WAF_MATCH_VALUES} containers (one WAF condition lists them all)`);
    const seen = new Set<string>();
    for (const c of containers) {
        if (!CONTAINER_NAME.test(c.name)) p.push(`bulkUpload.containers: "${c.name}" is not a blob container name (3-63 lowercase letters, digits and single hyphens)`);
        // The container names the WAF rule of its media types (BulkContentTypes<Name>), so names must stay distinct there too.
        const key = containerRuleSuffix(c.name).toLowerCase();
        if (seen.has(key)) p.push(`bulkUpload.containers: "${c.name}" is listed twice (or differs from another only by hyphens)`);
        seen.add(key);
        if (c.contentTypes.length === 0 || c.contentTypes.length > MAX_WAF_MATCH_VALUES) p.push(`bulkUpload.containers "${c.name}": contentTypes must list 1-${MAX_WAF_MATCH_VALUES} media types`);
        for (const t of c.contentTypes) {
            if (!MEDIA_TYPE.test(t)) p.push(`bulkUpload.containers "${c.name}": "${t}" is not a lowercase media type without parameters`);
            // multipart/form-data is a WAF "file upload" with its own limits, and Put Blob would store the form, not the file.
            else if (t.startsWith("multipart/")) p.push(`bulkUpload.containers "${c.name}": "${t}" is a multipart type; upload the file itself`);
        }
        if (!EXTENSION.test(c.extension)) p.push(`bulkUpload.containers "${c.name}": extension "${c.extension}" must be 1-10 lowercase letters or digits, without the dot`);
    }
    return p;
}
