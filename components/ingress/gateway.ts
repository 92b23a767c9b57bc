import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { resourceName } from "../shared/naming";
import { createPublicIp } from "../shared/publicIp";
import { GatewayCertificate } from "./certificate";
import { IngressContext, diag } from "./context";
import { PUBLISHED_BASE_PATH } from "./waf";

/** The gateway and its public IP (the outputs read both). */
export interface Gateway {
    agw: network.ApplicationGateway;
    pip: network.PublicIPAddress;
}

/** The bulk upload API's gateway part: the `/bulk/<container>/*` path rule's own (per-URI) WAF policy, timeout and prefixes. */
export interface GatewayBulkRoute {
    waf: network.WebApplicationFirewallPolicy;
    /** Seconds the gateway waits for APIM's answer to one upload. */
    requestTimeoutSeconds: number;
    /** `/bulk/<container>/` of every upload container (bulkContainerPrefixes). */
    containerPrefixes: string[];
}

/**
 * Application Gateway WAF_v2 and its public IP: HTTPS listener (HTTP only redirects), the WAF policy, and a path map
 * that sends only the FHIR base (and, with `bulk`, `/bulk/<container>/...` under its own WAF policy) to APIM. The backend is APIM's
 * host name from ctx.names, never an APIM output.
 */
export function createGateway(
    parent: pulumi.ComponentResource,
    name: string,
    ctx: IngressContext,
    subnetResourceId: pulumi.Input<string>,
    cert: GatewayCertificate,
    waf: network.WebApplicationFirewallPolicy,
    subscriptionId: pulumi.Input<string>,
    bulk: GatewayBulkRoute | undefined,
): Gateway {
    const { naming, rg, location, tags } = ctx;
    const { gw, publicZones } = ctx.settings;
    const { apimHost, agwDnsLabel } = ctx.names;
    const agwName = resourceName("applicationGateway", naming);
    const agwPip = createPublicIp(`${name}-pip-agw`, { name: resourceName("publicIpAddress", naming, "agw"), resourceGroupName: rg, location, tags, domainNameLabel: agwDnsLabel, zones: publicZones, workspaceResourceId: ctx.law }, { parent });
    // Sub-resource IDs are built from the gateway's own (deterministic) ID: ARM needs them inside the same request.
    const agwId = pulumi.interpolate`/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Network/applicationGateways/${agwName}`;
    const sub = (collection: string, item: string) => ({ id: pulumi.interpolate`${agwId}/${collection}/${item}` });
    const apimSettings = (settingsName: string, requestTimeout: number) => ({
        name: settingsName,
        port: 443,
        protocol: "Https",
        hostName: apimHost,
        pickHostNameFromBackendAddress: false,
        cookieBasedAffinity: "Disabled",
        requestTimeout,
        probe: sub("probes", "apim-status"),
    });
    const agw = new network.ApplicationGateway(`${name}-agw`, {
        applicationGatewayName: agwName,
        resourceGroupName: rg,
        location,
        sku: { name: "WAF_v2", tier: "WAF_v2" },
        autoscaleConfiguration: { minCapacity: gw.minCapacity, maxCapacity: gw.maxCapacity },
        ...(publicZones !== undefined ? { zones: publicZones } : {}),
        identity: { type: "UserAssigned", userAssignedIdentities: [cert.identity.id] },
        firewallPolicy: { id: waf.id },
        enableHttp2: true,
        gatewayIPConfigurations: [{ name: "gateway", subnet: { id: subnetResourceId } }],
        frontendIPConfigurations: [{ name: "public", publicIPAddress: { id: agwPip.id } }],
        frontendPorts: [{ name: "https", port: 443 }, { name: "http", port: 80 }],
        sslCertificates: [{ name: "gateway-tls", keyVaultSecretId: cert.secretId }],
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
            // Default target of the path map: no members, so nothing outside /fhir, /fhir/* (and /bulk/<container>/*
            // when the upload API is configured) is served.
            { name: "unpublished", backendAddresses: [] },
        ],
        backendHttpSettingsCollection: [
            apimSettings("apim-https", 180),
            // Uploads stream through the gateway and APIM to Blob storage, which answers once the last byte is stored:
            // a timeout of their own (up to 24 hours to a private backend, Application Gateway limits).
            ...(bulk !== undefined ? [apimSettings("apim-https-bulk", bulk.requestTimeoutSeconds)] : []),
        ],
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
            pathRules: [
                { name: "fhir", paths: [PUBLISHED_BASE_PATH, `${PUBLISHED_BASE_PATH}/*`], backendAddressPool: sub("backendAddressPools", "apim"), backendHttpSettings: sub("backendHttpSettingsCollection", "apim-https") },
                // Uploads are `PUT /bulk/<container>/<file>`: only the upload containers are routed, nothing else below
                // "/bulk" (nor "/bulk" itself). The path rule's own WAF policy replaces the gateway's for what it routes
                // (a per-URI policy).
                ...(bulk !== undefined ? [{
                    name: "bulk", paths: bulk.containerPrefixes.map((p) => `${p}*`), backendAddressPool: sub("backendAddressPools", "apim"), backendHttpSettings: sub("backendHttpSettingsCollection", "apim-https-bulk"),
                    firewallPolicy: { id: bulk.waf.id },
                }] : []),
            ],
        }],
        requestRoutingRules: [
            { name: "https-fhir", ruleType: "PathBasedRouting", priority: 100, httpListener: sub("httpListeners", "https"), urlPathMap: sub("urlPathMaps", "fhir-only") },
            { name: "http-redirect", ruleType: "Basic", priority: 200, httpListener: sub("httpListeners", "http"), redirectConfiguration: sub("redirectConfigurations", "http-to-https") },
        ],
        tags,
    }, { parent, dependsOn: cert.dependencies });
    diag(parent, name, ctx, "agw", agw.id);
    return { agw, pip: agwPip };
}
