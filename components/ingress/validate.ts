import { CORS_HEADER, CORS_HTTP_METHODS, CORS_ORIGIN } from "../shared/cors";
import { intRangeProblems } from "../shared/validation";
import { IngressArgs } from "./args";

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
    return p;
}
