import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { resourceName } from "../shared/naming";
import { createPublicIp } from "../shared/publicIp";
import { IngressArgs } from "./args";
import { IngressContext, diag } from "./context";

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

/** What the API and the outputs need from API Management. */
export interface Apim {
    service: apimanagement.ApiManagementService;
    /** The Azure Monitor logger every API's diagnostic writes to. */
    logger: apimanagement.Logger;
}

/**
 * API Management in internal VNet mode on stv2: its management public IP, the service, private DNS for its host names
 * (linked to `dnsLinkedVirtualNetworkIds`) and the Azure Monitor logger.
 */
export function createApim(parent: pulumi.ComponentResource, name: string, ctx: IngressContext, args: IngressArgs): Apim {
    const { rg, location, tags, settings: s } = ctx;
    const { apimName } = ctx.names;
    const child = { parent };
    // stv2 in a VNet takes a Standard, static public IP with a DNS label for its management endpoint (port 3443);
    // Learn recommends the instance's own name as the label, which carries the stack suffix and so is unique in
    // the region, and a zone-redundant IP where the instance is zone-redundant
    // (learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet, prerequisites).
    const apimPip = createPublicIp(`${name}-pip-apim`, { name: resourceName("publicIpAddress", ctx.naming, "apim"), resourceGroupName: rg, location, tags, domainNameLabel: apimName, zones: s.publicZones, workspaceResourceId: ctx.law }, { parent });
    const service = new apimanagement.ApiManagementService(`${name}-apim`, {
        serviceName: apimName,
        resourceGroupName: rg,
        location,
        sku: { name: s.apimSku, capacity: s.apimCapacity },
        ...(s.apimZones !== undefined ? { zones: s.apimZones } : {}),
        publisherEmail: args.apim.publisherEmail,
        publisherName: s.publisherName,
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
    diag(parent, name, ctx, "apim", service.id);

    // Private DNS for APIM's host names: one zone per host name (`<apim>.azure-api.net`,
    // `<apim>.management.azure-api.net`, ...) with an apex record, so the rest of azure-api.net still resolves
    // publicly (the RI's zone for all of azure-api.net shadowed every other APIM instance).
    const apimIp = service.privateIPAddresses.apply((ips) => ips?.[0] ?? "");
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

    // Request logs to Log Analytics (ApiManagementGatewayLogs); the FHIR API's diagnostic (api.ts) logs no headers or
    // bodies: FHIR payloads are PHI.
    const logger = new apimanagement.Logger(`${name}-apim-logger`, {
        loggerId: "azuremonitor",
        loggerType: "azureMonitor",
        serviceName: service.name,
        resourceGroupName: rg,
        isBuffered: true,
    }, child);
    return { service, logger };
}

/**
 * An API's request logs to Log Analytics (ApiManagementGatewayLogs) through the service's logger, without headers or
 * bodies: FHIR resources and uploaded files are PHI. Every error is logged; the client IP is kept for the audit trail.
 */
export function createApiDiagnostic(prefix: string, api: apimanagement.Api, apim: Apim, resourceGroupName: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): apimanagement.ApiDiagnostic {
    const noPayload = { headers: [], body: { bytes: 0 } };
    return new apimanagement.ApiDiagnostic(prefix, {
        diagnosticId: "azuremonitor",
        apiId: api.name,
        serviceName: apim.service.name,
        resourceGroupName,
        loggerId: apim.logger.id,
        alwaysLog: "allErrors",
        sampling: { samplingType: "fixed", percentage: 100 },
        frontend: { request: noPayload, response: noPayload },
        backend: { request: noPayload, response: noPayload },
        logClientIp: true,
        verbosity: "information",
    }, opts);
}
