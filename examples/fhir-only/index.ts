import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as random from "@pulumi/random";
import { FhirWorkspace, Ingress, NamingArgs, SpokeNetwork, UNIQUE_SUFFIX_LENGTH, resourceName, standardTags } from "ahds";

/**
 * A consumer of the ahds component package, composed differently from the platform's own program: the hub (firewall,
 * private DNS zones, Log Analytics, flow-log storage, PKI vault) already exists and is run by a platform team, so this
 * program deploys only a spoke, a private FHIR workspace and the WAF + API Management ingress, and attaches them to it.
 * The hub must be in the subscription this program deploys to: the spoke peers both ways, and the hub-side peering is
 * created in the hub VNet's resource group.
 */
async function main() {
    const cfg = new pulumi.Config();
    const location = cfg.get("location") ?? "westeurope";
    const environment = cfg.get("environment") ?? "prod";
    const dnsZoneGroup = cfg.require("privateDnsZoneResourceGroupId");
    const workspace = { resourceId: cfg.require("logAnalyticsWorkspaceId"), customerId: cfg.require("logAnalyticsCustomerId") };
    const prod = environment === "prod";

    // Globally unique names need a suffix that lives in state (never a timestamp).
    const suffix = new random.RandomString("suffix", { length: UNIQUE_SUFFIX_LENGTH, lower: true, upper: false, numeric: true, special: false });
    const naming: NamingArgs = { workload: "fhir", environment, location, uniqueSuffix: suffix.result };
    const tags = standardTags({ environment, workload: "fhir", dataClassification: "phi", owner: cfg.require("owner"), costCenter: cfg.require("costCenter") });
    const protect: pulumi.CustomResourceOptions = { protect: prod, retainOnDelete: prod };
    const spokeRg = new resources.ResourceGroup("rg-spoke", { resourceGroupName: resourceName("resourceGroup", naming, "spk"), location, tags }, protect);
    const dataRg = new resources.ResourceGroup("rg-data", { resourceGroupName: resourceName("resourceGroup", naming, "data"), location, tags }, protect);

    // The hub's privatelink zones this program registers endpoints in, by zone name.
    const zones = Object.fromEntries([
        "privatelink.workspace.azurehealthcareapis.com", "privatelink.fhir.azurehealthcareapis.com", "privatelink.dicom.azurehealthcareapis.com",
        "privatelink.blob.core.windows.net", "privatelink.azurecr.io",
    ].map((z) => [z, `${dnsZoneGroup}/providers/Microsoft.Network/privateDnsZones/${z}`]));

    const spoke = new SpokeNetwork("spoke", {
        naming,
        resourceGroupName: spokeRg.name,
        tags,
        addressSpace: "10.31.0.0/20",
        subnets: { appGateway: "10.31.0.0/24", apim: "10.31.1.0/27", privateEndpoints: "10.31.2.0/24", functionIntegration: "10.31.3.0/26", containerApps: "10.31.4.0/26" },
        firewallPrivateIp: cfg.require("firewallPrivateIp"),
        hubVirtualNetworkId: cfg.require("hubVirtualNetworkId"),
        privateDnsZoneIds: zones,
        workspace,
        flowLogs: { enabled: true, retentionInDays: 365 },
        flowLogStorageAccountResourceId: cfg.require("flowLogStorageAccountId"),
        flowLogIdentityResourceId: cfg.require("flowLogIdentityId"),
    });
    const subnet = (key: string) => spoke.subnetIds.apply((ids) => ids[key] ?? "");

    const fhir = new FhirWorkspace("fhir", {
        naming,
        resourceGroupName: dataRg.name,
        tags,
        logAnalyticsWorkspaceResourceId: workspace.resourceId,
        network: { privateEndpointSubnetResourceId: subnet("privateEndpoints"), privateDnsZoneResourceIds: zones },
        // No in-network uploader here: the platform team uploads anonymization configs from its own jumpbox.
        exportSettings: { enabled: true },
        lock: { kind: prod ? "CanNotDelete" : "None" },
        zoneRedundant: prod,
        protectStatefulResources: prod,
        retainStatefulResourcesOnDelete: prod,
    });

    const ingress = new Ingress("ingress", {
        naming,
        resourceGroupName: spokeRg.name,
        tags,
        logAnalyticsWorkspaceResourceId: workspace.resourceId,
        network: {
            appGatewaySubnetResourceId: subnet("appGateway"),
            apimSubnetResourceId: subnet("apim"),
            dnsLinkedVirtualNetworkIds: { hub: cfg.require("hubVirtualNetworkId"), spoke: spoke.spokeVirtualNetworkId },
        },
        fhirUrl: fhir.fhirUrl,
        apim: { sku: prod ? "Premium" : "Developer", capacity: prod ? 2 : 1, publisherEmail: cfg.require("publisherEmail") },
        appGateway: { minCapacity: prod ? 2 : 0, maxCapacity: 10, hostName: cfg.require("gatewayHostName") },
        certificate: { keyVaultSecretId: cfg.require("certificateSecretId"), keyVaultResourceId: cfg.require("certificateKeyVaultId") },
        zoneRedundant: prod,
    });

    return { fhirBaseUrl: ingress.fhirBaseUrl, fhirAudience: fhir.fhirAudience, spokeVirtualNetworkId: spoke.spokeVirtualNetworkId };
}

export = main;
