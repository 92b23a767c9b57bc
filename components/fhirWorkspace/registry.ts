import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { createLock } from "../shared/lock";
import { resourceName } from "../shared/naming";
import { createPrivateEndpoints } from "../shared/privateEndpoint";
import { ACR_ZONE } from "./constants";
import { FhirWorkspaceContext, lawDiagnostics, statefulOptions, zoneId } from "./context";
import { FhirWorkspaceSettings } from "./defaults";

/** The `$convert-data` template registry: private Premium registry, its diagnostics, private endpoint and lock. */
export function createTemplateRegistry(parent: pulumi.ComponentResource, name: string, ctx: FhirWorkspaceContext, settings: FhirWorkspaceSettings["containerRegistry"]): containerregistry.Registry {
    const child: pulumi.CustomResourceOptions = { parent };
    const { rg, location, tags } = ctx;
    const registry = new containerregistry.Registry(`${name}-acr`, {
        registryName: resourceName("containerRegistry", ctx.naming),
        resourceGroupName: rg,
        location,
        sku: { name: "Premium" },
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        publicNetworkAccess: "Disabled",
        // The FHIR service is not in the VNet: it pulls templates as a trusted Azure service
        // (learn.microsoft.com/azure/container-registry/allow-access-trusted-services, Health Data Services).
        networkRuleBypassOptions: "AzureServices",
        networkRuleSet: { defaultAction: "Deny" },
        dataEndpointEnabled: false,
        zoneRedundancy: ctx.zoneRedundant ? "Enabled" : "Disabled",
        policies: {
            // No `az acr import/export` of PHI-adjacent artifacts to other registries (needs public access off).
            exportPolicy: { status: "disabled" },
            retentionPolicy: { status: "enabled", days: settings.untaggedRetentionDays },
            // Entra ID tokens for the registry audience only, unless a Container Apps workload pulls from it with a
            // managed identity, which needs ARM-audience tokens (learn.microsoft.com/azure/container-apps/managed-identity-image-pull).
            azureADAuthenticationAsArmPolicy: { status: settings.armAudienceTokens ? "enabled" : "disabled" },
        },
        tags,
    }, statefulOptions(parent, ctx));
    lawDiagnostics(parent, name, ctx, "acr", registry.id);
    createPrivateEndpoints(`${name}-acr`, { id: registry.id, name: registry.name, resourceGroupName: rg, location, tags }, {
        registry: { subnetResourceId: ctx.peSubnet, service: "registry", privateDnsZoneResourceIds: [zoneId(ctx, ACR_ZONE)] },
    }, child);
    createLock(`${name}-acr`, registry.id, ctx.lock, child);
    return registry;
}
