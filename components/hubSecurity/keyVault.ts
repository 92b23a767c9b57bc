import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import { createLock } from "../shared/lock";
import { resourceName } from "../shared/naming";
import { privateLinkResolutionPolicy } from "../shared/privateDns";
import { createPrivateEndpoints } from "../shared/privateEndpoint";
import { HubContext, HubSettings, hubDiagnostics } from "./context";
import { HubNetwork } from "./network";

/**
 * Private DNS zones, linked to the hub VNet (the spoke links itself) with fallback to internet for privatelink zones.
 * Returns the zones by name.
 */
export function createPrivateDnsZones(parent: pulumi.ComponentResource, name: string, ctx: HubContext, zones: string[], vnet: network.VirtualNetwork): Record<string, privatedns.PrivateZone> {
    const { rg, tags } = ctx;
    const zoneResources: Record<string, privatedns.PrivateZone> = {};
    for (const zone of zones) {
        const z = new privatedns.PrivateZone(`${name}-pdns-${zone}`, { privateZoneName: zone, resourceGroupName: rg, location: "global", tags }, { parent });
        new privatedns.VirtualNetworkLink(`${name}-pdns-${zone}-link-hub`, {
            virtualNetworkLinkName: pulumi.interpolate`link-${vnet.name}`,
            privateZoneName: z.name,
            resourceGroupName: rg,
            location: "global",
            registrationEnabled: false,
            // Names without a record here (a resource whose endpoint is registered in another zone) resolve publicly
            // instead of NXDOMAIN (shared/privateDns.ts).
            ...privateLinkResolutionPolicy(zone),
            virtualNetwork: { id: vnet.id },
            tags,
        }, { parent });
        zoneResources[zone] = z;
    }
    return zoneResources;
}

/** Key Vault: RBAC, purge protection, 90-day soft delete, private only (endpoint in the hub's endpoint subnet). */
export function createKeyVault(parent: pulumi.ComponentResource, name: string, ctx: HubContext, s: HubSettings, hub: HubNetwork, zones: Record<string, privatedns.PrivateZone>): keyvault.Vault {
    const { naming, rg, location, tags } = ctx;
    const vault = new keyvault.Vault(`${name}-kv`, {
        vaultName: resourceName("keyVault", naming, "hub"),
        resourceGroupName: rg,
        location,
        properties: {
            tenantId: s.tenantId,
            sku: { family: "A", name: "standard" },
            enableRbacAuthorization: true,
            enablePurgeProtection: true,
            enableSoftDelete: true,
            softDeleteRetentionInDays: 90,
            publicNetworkAccess: "Disabled",
            networkAcls: { defaultAction: "Deny", bypass: "None" },
            enabledForDeployment: false,
            enabledForDiskEncryption: false,
            enabledForTemplateDeployment: false,
        },
        tags,
    }, { parent, ...ctx.stateful });
    hubDiagnostics(parent, name, ctx, "kv", vault.id);
    const vaultZone = zones["privatelink.vaultcore.azure.net"];
    createPrivateEndpoints(`${name}-kv`, { id: vault.id, name: vault.name, resourceGroupName: rg, location, tags }, {
        vault: { subnetResourceId: hub.subnetId("snet-private-endpoints"), service: "vault", privateDnsZoneResourceIds: vaultZone !== undefined ? [vaultZone.id] : [] },
    }, { parent });
    createLock(`${name}-kv`, vault.id, s.lock, { parent });
    return vault;
}
