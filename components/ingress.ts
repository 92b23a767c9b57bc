import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as tls from "@pulumi/tls";
import { FHIR_OPERATIONS, fhirApiPolicy, templateParameters } from "./fhirApi";
import { CORS_HEADER, CORS_HTTP_METHODS, CORS_ORIGIN, DEFAULT_CORS_HEADERS, DEFAULT_CORS_METHODS } from "./shared/cors";
import { createDiagnosticSettings } from "./shared/diagnostics";
import { NamingArgs, resourceName } from "./shared/naming";
import { createRoleAssignments } from "./shared/roleAssignment";
import { pfxBase64 } from "./shared/selfSignedPfx";
import { intRangeProblems, validatedArgs } from "./shared/validation";
import { parseResourceId } from "./shared/workspace";

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
}

const APIM_SKUS = ["Developer", "Premium"];
const VERSIONLESS_SECRET = /^https:\/\/[a-z0-9-]{3,24}\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]{1,127}$/;
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * The FHIR base path the gateway publishes (`[base]` = `https://<host>/fhir`). FHIR R4 (hl7.org/fhir/R4/http.html)
 * sends batch/transaction bundles as `POST [base]` and system search as `GET [base]?...`, so `/fhir`, `/fhir?...` and
 * `/fhir/...` are published; everything else (`/fhirx`, `/fhir-admin`, `/`) is blocked by the WAF and has no backend.
 */
export const PUBLISHED_BASE_PATH = "/fhir";
/** Response headers a browser FHIR client reads: the created resource, async status URL, version and date. */
const DEFAULT_CORS_EXPOSED_HEADERS = ["Location", "Content-Location", "ETag", "Last-Modified"];

/**
 * Content types FHIR clients send (hl7.org/fhir/R4/http.html#mime-type): FHIR JSON, plain JSON, JSON Patch, and form
 * posts for `_search`. Replaces DRS rule 920420, whose built-in allow-list lacks the FHIR and JSON Patch types.
 */
export const ALLOWED_CONTENT_TYPES = ["application/fhir+json", "application/json", "application/json-patch+json", "application/x-www-form-urlencoded"];

/** Legacy TLS/SSL and weak ciphers off on the APIM gateway (client side) and towards backends (learn.microsoft.com/azure/api-management/api-management-howto-manage-protocols-ciphers). */
export const APIM_PROTOCOL_SETTINGS: Record<string, string> = {
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_256_GCM_SHA384": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2": "True",
};

/**
 * APIM's host names in internal mode, `<apim>.<suffix>`, that need private A records
 * (learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet#dns-configuration).
 */
export const APIM_HOST_SUFFIXES: Record<string, string> = {
    gateway: "azure-api.net",
    portal: "portal.azure-api.net",
    developer: "developer.azure-api.net",
    management: "management.azure-api.net",
    scm: "scm.azure-api.net",
};

const DRS = { ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1" };

/**
 * The WAF policy: Prevention mode, Microsoft Default Rule Set 2.1 + Bot Manager 1.1, and the FHIR tuning, each item
 * with the rule it touches and why. Pure, so tests read exactly what Azure receives.
 */
export function wafPolicyProperties() {
    return {
        policySettings: {
            state: "Enabled",
            mode: "Prevention",
            requestBodyCheck: true,
            requestBodyEnforcement: true,
            // Transaction bundles carry many resources: 2 MB is the DRS 2.1 maximum for inspected bodies; larger
            // loads belong in $import or the bulk loader, not in one API call.
            maxRequestBodySizeInKb: 2000,
            requestBodyInspectLimitInKB: 2000,
            fileUploadLimitInMb: 100,
            // WAF logs go to Log Analytics; request values there could be PHI, so every matched value is masked.
            logScrubbing: {
                state: "Enabled",
                scrubbingRules: [
                    ...["RequestArgNames", "RequestPostArgNames", "RequestJSONArgNames", "RequestCookieNames"].map((matchVariable) => ({ matchVariable, selectorMatchOperator: "EqualsAny", state: "Enabled" })),
                    { matchVariable: "RequestHeaderNames", selectorMatchOperator: "Equals", selector: "Authorization", state: "Enabled" },
                ],
            },
        },
        customRules: [
            {
                // Nothing but the FHIR base is published: the RI exposed the whole storage blob endpoint on /* (defect 5).
                // RequestUri is path plus query string. Conditions are ANDed and each condition's values ORed
                // (learn.microsoft.com/azure/web-application-firewall/ag/custom-waf-rules-overview), so this blocks a
                // URI that neither begins with "/fhir/" or "/fhir?" nor is exactly "/fhir": [base], [base]?search and
                // [base]/... pass, "/fhirx", "/fhir-admin" and "/fhir.." do not. No UrlDecode: an encoded "/" or "?"
                // after "/fhir" (which the path map would not route either) stays blocked.
                name: "BlockUnpublishedPaths", priority: 10, ruleType: "MatchRule", action: "Block", state: "Enabled",
                matchConditions: [
                    { matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: [`${PUBLISHED_BASE_PATH}/`, `${PUBLISHED_BASE_PATH}?`], transforms: ["Lowercase"] },
                    { matchVariables: [{ variableName: "RequestUri" }], operator: "Equal", negationConditon: true, matchValues: [PUBLISHED_BASE_PATH], transforms: ["Lowercase"] },
                ],
            },
            {
                // Bodies must be a FHIR content type (replaces DRS 920420, disabled below).
                name: "AllowOnlyFhirContentTypes", priority: 20, ruleType: "MatchRule", action: "Block", state: "Enabled",
                matchConditions: [
                    { matchVariables: [{ variableName: "RequestMethod" }], operator: "Equal", negationConditon: false, matchValues: ["POST", "PUT", "PATCH"] },
                    { matchVariables: [{ variableName: "RequestHeaders", selector: "Content-Type" }], operator: "BeginsWith", negationConditon: true, matchValues: ALLOWED_CONTENT_TYPES, transforms: ["Lowercase"] },
                ],
            },
        ],
        managedRules: {
            managedRuleSets: [
                {
                    ...DRS,
                    ruleGroupOverrides: [{
                        // 920420 "Request content type is not allowed by policy": its list has application/json but not
                        // application/fhir+json or application/json-patch+json, so every FHIR write would be blocked.
                        // The custom rule AllowOnlyFhirContentTypes enforces the FHIR list instead.
                        ruleGroupName: "PROTOCOL-ENFORCEMENT", rules: [{ ruleId: "920420", state: "Disabled" }],
                    }],
                },
                { ruleSetType: "Microsoft_BotManagerRuleSet", ruleSetVersion: "1.1" },
            ],
            exclusions: [
                {
                    // Bearer tokens are base64url JWTs; "--" and long hex-like runs trip 942440 (SQL comment sequence)
                    // and 942450 (SQL hex encoding). Excluded for the Authorization header only, for those two rules only;
                    // APIM validates the token's signature right behind the gateway.
                    matchVariable: "RequestHeaderNames", selectorMatchOperator: "Equals", selector: "Authorization",
                    exclusionManagedRuleSets: [{ ...DRS, ruleGroups: [{ ruleGroupName: "SQLI", rules: [{ ruleId: "942440" }, { ruleId: "942450" }] }] }],
                },
                {
                    // FHIR Narrative `text.div` is XHTML by definition (hl7.org/fhir/R4/narrative.html), which 941100
                    // (libinjection XSS) and 941160 (HTML injection) flag on every resource with a narrative. Only JSON
                    // fields named `div`, only those two rules; the FHIR service itself rejects active content in
                    // narratives (script, event attributes) per the specification's XHTML rules.
                    matchVariable: "RequestArgNames", selectorMatchOperator: "EndsWith", selector: "div",
                    exclusionManagedRuleSets: [{ ...DRS, ruleGroups: [{ ruleGroupName: "XSS", rules: [{ ruleId: "941100" }, { ruleId: "941160" }] }] }],
                },
            ],
        },
    };
}

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

/**
 * Ingress: Application Gateway WAF_v2 (Prevention, FHIR-tuned) in front of an internal stv2 API Management that
 * exposes the whole FHIR REST surface with JWT validation and per-caller throttling, forwarding the caller's token to
 * the FHIR service over its private endpoint.
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
    public readonly apimName: pulumi.Output<string>;
    public readonly appGatewayId: pulumi.Output<string>;
    public readonly wafPolicyId: pulumi.Output<string>;

    constructor(name: string, args: IngressArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:Ingress", name, validatedArgs("Ingress", name, args, ingressProblems), opts);

        // ---- defaults, applied in one place ----
        const naming = args.naming;
        const location = naming.location;
        const rg = args.resourceGroupName;
        const tags = args.tags ?? {};
        const law = args.logAnalyticsWorkspaceResourceId;
        const zoneRedundant = args.zoneRedundant === true;
        const apimSku = args.apim.sku ?? "Developer";
        const apimCapacity = args.apim.capacity ?? 1;
        const apimZones = zoneRedundant && apimSku === "Premium" ? (apimCapacity % 3 === 0 ? ["1", "2", "3"] : ["1", "2"]) : undefined;
        // Public IPs are zone-redundant (all three zones) whenever the stack is: a zonal public IP would fail with its
        // zone, and APIM's own IP must be zone-redundant even when its units sit in two zones
        // (learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet, prerequisites).
        const publicZones = zoneRedundant ? ["1", "2", "3"] : undefined;
        const callsPerMinute = args.apim.callsPerMinute ?? 600;
        const cors = {
            allowedOrigins: args.cors?.allowedOrigins ?? [],
            allowedMethods: args.cors?.allowedMethods ?? DEFAULT_CORS_METHODS,
            allowedHeaders: args.cors?.allowedHeaders ?? DEFAULT_CORS_HEADERS,
            exposedHeaders: args.cors?.exposedHeaders ?? DEFAULT_CORS_EXPOSED_HEADERS,
            maxAgeSeconds: args.cors?.maxAgeSeconds ?? 600,
            allowCredentials: args.cors?.allowCredentials ?? false,
        };
        const gw = { minCapacity: args.appGateway?.minCapacity ?? 0, maxCapacity: args.appGateway?.maxCapacity ?? 2, hostName: args.appGateway?.hostName ?? "" };
        const child: pulumi.CustomResourceOptions = { parent: this };
        const client = authorization.getClientConfigOutput({ parent: this });
        const tenantId = args.tenantId ?? client.tenantId;
        const diag = (key: string, uri: pulumi.Input<string>) => createDiagnosticSettings(`${name}-${key}`, uri, { law: { workspaceResourceId: law } }, child);
        /** A Standard, static IPv4 public IP with an Azure DNS label, zonal when asked, with diagnostics. */
        const publicIp = (key: string, label: pulumi.Input<string>, zones: string[] | undefined) => {
            const ip = new network.PublicIPAddress(`${name}-pip-${key}`, {
                publicIpAddressName: resourceName("publicIpAddress", naming, key),
                resourceGroupName: rg,
                location,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                publicIPAddressVersion: "IPv4",
                dnsSettings: { domainNameLabel: label },
                ...(zones !== undefined ? { zones } : {}),
                tags,
            }, child);
            diag(`pip-${key}`, ip.id);
            return ip;
        };

        // ---- API Management: internal VNet mode on stv2 ----
        const apimName = resourceName("apiManagement", naming);
        const apimHost = pulumi.interpolate`${apimName}.azure-api.net`;
        // stv2 in a VNet takes a Standard, static public IP with a DNS label for its management endpoint (port 3443);
        // Learn recommends the instance's own name as the label, which carries the stack suffix and so is unique in
        // the region, and a zone-redundant IP where the instance is zone-redundant
        // (learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet, prerequisites).
        const apimPip = publicIp("apim", apimName, publicZones);
        const apim = new apimanagement.ApiManagementService(`${name}-apim`, {
            serviceName: apimName,
            resourceGroupName: rg,
            location,
            sku: { name: apimSku, capacity: apimCapacity },
            ...(apimZones !== undefined ? { zones: apimZones } : {}),
            publisherEmail: args.apim.publisherEmail,
            publisherName: args.apim.publisherName ?? "Health Data Platform",
            identity: { type: "SystemAssigned" },
            virtualNetworkType: "Internal",
            virtualNetworkConfiguration: { subnetResourceId: args.network.apimSubnetResourceId },
            publicIpAddressId: apimPip.id,
            // Must be Enabled when the service is created; in internal mode the gateway has no public endpoint anyway.
            publicNetworkAccess: "Enabled",
            // Management API calls older than 2021-08-01 (which could read secrets without RBAC) are refused.
            apiVersionConstraint: { minApiVersion: "2021-08-01" },
            customProperties: APIM_PROTOCOL_SETTINGS,
            developerPortalStatus: "Disabled",
            legacyPortalStatus: "Disabled",
            tags,
        }, child);
        diag("apim", apim.id);

        // Private DNS for APIM's host names: one zone per host name (`<apim>.azure-api.net`,
        // `<apim>.management.azure-api.net`, ...) with an apex record, so the rest of azure-api.net still resolves
        // publicly (the RI's zone for all of azure-api.net shadowed every other APIM instance).
        const apimIp = apim.privateIPAddresses.apply((ips) => ips?.[0] ?? "");
        for (const [key, suffix] of Object.entries(APIM_HOST_SUFFIXES)) {
            const zone = new privatedns.PrivateZone(`${name}-dns-apim-${key}`, {
                privateZoneName: pulumi.interpolate`${apimName}.${suffix}`,
                resourceGroupName: rg,
                location: "global",
                tags,
            }, child);
            for (const [vnetKey, vnetId] of Object.entries(args.network.dnsLinkedVirtualNetworkIds)) {
                new privatedns.VirtualNetworkLink(`${name}-dns-apim-${key}-${vnetKey}`, {
                    privateZoneName: zone.name,
                    resourceGroupName: rg,
                    virtualNetworkLinkName: `link-${vnetKey}`,
                    location: "global",
                    registrationEnabled: false,
                    virtualNetwork: { id: vnetId },
                    tags,
                }, child);
            }
            new privatedns.PrivateRecordSet(`${name}-dns-apim-${key}-a`, {
                privateZoneName: zone.name,
                resourceGroupName: rg,
                recordType: "A",
                relativeRecordSetName: "@",
                ttl: 300,
                aRecords: [{ ipv4Address: apimIp }],
            }, child);
        }

        // ---- the FHIR API ----
        const api = new apimanagement.Api(`${name}-api-fhir`, {
            apiId: "fhir",
            serviceName: apim.name,
            resourceGroupName: rg,
            displayName: "FHIR R4",
            description: "The FHIR service's REST API: Entra ID token validated here, authorised by FHIR RBAC.",
            path: "fhir",
            protocols: ["https"],
            apiType: "http",
            serviceUrl: args.fhirUrl,
            // Callers authenticate with Entra ID tokens (validate-jwt), not APIM subscription keys.
            subscriptionRequired: false,
        }, child);
        for (const op of FHIR_OPERATIONS) {
            new apimanagement.ApiOperation(`${name}-op-${op.id}`, {
                operationId: op.id,
                apiId: api.name,
                serviceName: apim.name,
                resourceGroupName: rg,
                displayName: op.displayName,
                method: op.method,
                urlTemplate: op.urlTemplate,
                templateParameters: templateParameters(op.urlTemplate).map((p) => ({ name: p, type: "string", required: true })),
            }, child);
        }
        new apimanagement.ApiPolicy(`${name}-api-fhir-policy`, {
            apiId: api.name,
            serviceName: apim.name,
            resourceGroupName: rg,
            policyId: "policy",
            format: "rawxml",
            value: pulumi.all([tenantId, args.fhirUrl]).apply(([t, audience]) => fhirApiPolicy({ tenantId: t, audience, callsPerMinute, cors })),
        }, child);

        // Request logs to Log Analytics (ApiManagementGatewayLogs) without headers or bodies: FHIR payloads are PHI.
        const logger = new apimanagement.Logger(`${name}-apim-logger`, {
            loggerId: "azuremonitor",
            loggerType: "azureMonitor",
            serviceName: apim.name,
            resourceGroupName: rg,
            isBuffered: true,
        }, child);
        const noPayload = { headers: [], body: { bytes: 0 } };
        new apimanagement.ApiDiagnostic(`${name}-api-fhir-diagnostic`, {
            diagnosticId: "azuremonitor",
            apiId: api.name,
            serviceName: apim.name,
            resourceGroupName: rg,
            loggerId: logger.id,
            alwaysLog: "allErrors",
            sampling: { samplingType: "fixed", percentage: 100 },
            frontend: { request: noPayload, response: noPayload },
            backend: { request: noPayload, response: noPayload },
            logClientIp: true,
            verbosity: "information",
        }, child);

        // The gateway's Azure DNS label: `<label>.<region>.cloudapp.azure.com` is unique per region across Azure, so the
        // label carries the stack suffix (a label of the gateway's name alone collides with every other deployment of
        // the defaults). The dev certificate's common name is the same FQDN.
        const agwDnsLabel = resourceName("gatewayDnsLabel", naming);

        // ---- the gateway's certificate: Key Vault, versionless, read by a user-assigned identity ----
        const identity = new managedidentity.UserAssignedIdentity(`${name}-id-agw`, {
            resourceName: resourceName("userAssignedIdentity", naming, "agw"),
            resourceGroupName: rg,
            location,
            tags,
        }, child);
        const vaultId = args.certificate.keyVaultResourceId;
        let secretId: pulumi.Output<string>;
        const certDependencies: pulumi.Resource[] = [];
        if (args.certificate.keyVaultSecretId !== undefined) {
            secretId = pulumi.output(args.certificate.keyVaultSecretId);
        } else {
            // Dev: a self-signed certificate. @pulumi/tls keeps key and certificate in state (renewed in the last 30 days
            // of its year), and the PFX built from them is byte-identical on every run, so there is no perpetual diff.
            const commonName = gw.hostName !== "" ? pulumi.output(gw.hostName) : pulumi.interpolate`${agwDnsLabel}.${location}.cloudapp.azure.com`;
            const key = new tls.PrivateKey(`${name}-tls-key`, { algorithm: "RSA", rsaBits: 2048 }, child);
            const cert = new tls.SelfSignedCert(`${name}-tls-cert`, {
                privateKeyPem: key.privateKeyPem,
                subject: { commonName, organization: "ahds self-signed (dev)" },
                dnsNames: [commonName],
                validityPeriodHours: 24 * 365,
                earlyRenewalHours: 24 * 30,
                allowedUses: ["key_encipherment", "digital_signature", "server_auth"],
            }, child);
            const vault = pulumi.output(vaultId).apply(parseResourceId);
            const secret = new keyvault.Secret(`${name}-tls-secret`, {
                secretName: "gateway-tls",
                vaultName: vault.name,
                resourceGroupName: vault.resourceGroupName,
                properties: {
                    value: pulumi.secret(pulumi.all([key.privateKeyPem, cert.certPem]).apply(([k, c]) => pfxBase64(k, c, "gateway-tls"))),
                    contentType: "application/x-pkcs12",
                },
                tags,
            }, { parent: this, additionalSecretOutputs: ["properties"] });
            certDependencies.push(secret);
            secretId = pulumi.interpolate`${args.certificate.keyVaultUri ?? ""}secrets/gateway-tls`;
        }
        const secretName = secretId.apply((s) => s.split("/").pop() ?? "");
        const [reader] = Object.values(createRoleAssignments(`${name}-agw-kv`, pulumi.interpolate`${vaultId}/secrets/${secretName}`, {
            gateway: { roleDefinitionIdOrName: "Key Vault Secrets User", principalId: identity.principalId, description: "Application Gateway reads its TLS certificate (this secret only)" },
        }, child));
        if (reader !== undefined) certDependencies.push(reader);

        // ---- WAF policy ----
        const waf = new network.WebApplicationFirewallPolicy(`${name}-waf`, {
            policyName: resourceName("wafPolicy", naming),
            resourceGroupName: rg,
            location,
            ...wafPolicyProperties(),
            tags,
        }, child);

        // ---- Application Gateway WAF_v2 ----
        const agwName = resourceName("applicationGateway", naming);
        const agwPip = publicIp("agw", agwDnsLabel, publicZones);
        // Sub-resource IDs are built from the gateway's own (deterministic) ID: ARM needs them inside the same request.
        const agwId = pulumi.interpolate`/subscriptions/${client.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/applicationGateways/${agwName}`;
        const sub = (collection: string, item: string) => ({ id: pulumi.interpolate`${agwId}/${collection}/${item}` });
        const agw = new network.ApplicationGateway(`${name}-agw`, {
            applicationGatewayName: agwName,
            resourceGroupName: rg,
            location,
            sku: { name: "WAF_v2", tier: "WAF_v2" },
            autoscaleConfiguration: { minCapacity: gw.minCapacity, maxCapacity: gw.maxCapacity },
            ...(publicZones !== undefined ? { zones: publicZones } : {}),
            identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
            firewallPolicy: { id: waf.id },
            enableHttp2: true,
            gatewayIPConfigurations: [{ name: "gateway", subnet: { id: args.network.appGatewaySubnetResourceId } }],
            frontendIPConfigurations: [{ name: "public", publicIPAddress: { id: agwPip.id } }],
            frontendPorts: [{ name: "https", port: 443 }, { name: "http", port: 80 }],
            sslCertificates: [{ name: "gateway-tls", keyVaultSecretId: secretId }],
            // TLS 1.2+ with forward-secret AEAD suites only (learn.microsoft.com/azure/application-gateway/application-gateway-ssl-policy-overview).
            sslPolicy: { policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" },
            httpListeners: [
                {
                    name: "https",
                    frontendIPConfiguration: sub("frontendIPConfigurations", "public"),
                    frontendPort: sub("frontendPorts", "https"),
                    protocol: "Https",
                    sslCertificate: sub("sslCertificates", "gateway-tls"),
                    ...(gw.hostName !== "" ? { hostName: gw.hostName, requireServerNameIndication: true } : {}),
                },
                // Port 80 only redirects to HTTPS; it never reaches a backend.
                { name: "http", frontendIPConfiguration: sub("frontendIPConfigurations", "public"), frontendPort: sub("frontendPorts", "http"), protocol: "Http" },
            ],
            redirectConfigurations: [{ name: "http-to-https", redirectType: "Permanent", targetListener: sub("httpListeners", "https"), includePath: true, includeQueryString: true }],
            backendAddressPools: [
                { name: "apim", backendAddresses: [{ fqdn: apimHost }] },
                // Default target of the path map: no members, so nothing outside /fhir and /fhir/* is served.
                { name: "unpublished", backendAddresses: [] },
            ],
            backendHttpSettingsCollection: [{
                name: "apim-https",
                port: 443,
                protocol: "Https",
                hostName: apimHost,
                pickHostNameFromBackendAddress: false,
                cookieBasedAffinity: "Disabled",
                requestTimeout: 180,
                probe: sub("probes", "apim-status"),
            }],
            probes: [{
                name: "apim-status",
                protocol: "Https",
                host: apimHost,
                // APIM's built-in health endpoint (no authentication, no backend call).
                path: "/status-0123456789abcdef",
                interval: 30,
                timeout: 30,
                unhealthyThreshold: 3,
                pickHostNameFromBackendHttpSettings: false,
                match: { statusCodes: ["200-399"] },
            }],
            urlPathMaps: [{
                name: "fhir-only",
                defaultBackendAddressPool: sub("backendAddressPools", "unpublished"),
                defaultBackendHttpSettings: sub("backendHttpSettingsCollection", "apim-https"),
                // Path patterns match the path without the query string, case-insensitively; "/fhir/*" does not match the
                // bare "/fhir" (learn.microsoft.com/azure/application-gateway/url-route-overview#pathpattern), so the
                // base is listed too: POST [base] (bundles) and GET [base]?... (system search) reach APIM.
                pathRules: [{ name: "fhir", paths: [PUBLISHED_BASE_PATH, `${PUBLISHED_BASE_PATH}/*`], backendAddressPool: sub("backendAddressPools", "apim"), backendHttpSettings: sub("backendHttpSettingsCollection", "apim-https") }],
            }],
            requestRoutingRules: [
                { name: "https-fhir", ruleType: "PathBasedRouting", priority: 100, httpListener: sub("httpListeners", "https"), urlPathMap: sub("urlPathMaps", "fhir-only") },
                { name: "http-redirect", ruleType: "Basic", priority: 200, httpListener: sub("httpListeners", "http"), redirectConfiguration: sub("redirectConfigurations", "http-to-https") },
            ],
            tags,
        }, { parent: this, dependsOn: certDependencies });
        diag("agw", agw.id);

        const host = gw.hostName !== "" ? pulumi.output(gw.hostName) : agwPip.dnsSettings.apply((d) => d?.fqdn ?? "");
        this.publicIpAddress = agwPip.ipAddress.apply((ip) => ip ?? "");
        this.publicFqdn = agwPip.dnsSettings.apply((d) => d?.fqdn ?? "");
        this.fhirBaseUrl = pulumi.interpolate`https://${host}/fhir`;
        this.apimGatewayUrl = pulumi.interpolate`https://${apimHost}`;
        this.apimName = apim.name;
        this.appGatewayId = agw.id;
        this.wafPolicyId = waf.id;
        this.registerOutputs({
            publicIpAddress: this.publicIpAddress,
            publicFqdn: this.publicFqdn,
            fhirBaseUrl: this.fhirBaseUrl,
            apimGatewayUrl: this.apimGatewayUrl,
            apimName: this.apimName,
            appGatewayId: this.appGatewayId,
            wafPolicyId: this.wafPolicyId,
        });
    }
}
