import * as pulumi from "@pulumi/pulumi";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as resources from "@pulumi/azure-native/resources";
import * as random from "@pulumi/random";
import { AnalyticsSync } from "./components/analyticsSync";
import { BulkLoader, packageSourceFqdns } from "./components/bulkLoader";
import { DEFAULT_PRIVATE_DNS_ZONES, HubSecurity } from "./components/hubSecurity";
import { DEFAULT_ANONYMIZATION_CONFIGS, FhirWorkspace } from "./components/fhirWorkspace";
import { Ingress } from "./components/ingress";
import { Intelligence } from "./components/intelligence";
import { SpokeNetwork } from "./components/spokeNetwork";
import { createDiagnosticSettings } from "./components/shared/diagnostics";
import { createLock } from "./components/shared/lock";
import { NamingArgs, UNIQUE_SUFFIX_LENGTH, resourceName } from "./components/shared/naming";
import { RoleAssignmentArgs } from "./components/shared/roleAssignment";
import { standardTags } from "./components/shared/tags";
import { StackConfig, StackSecrets, loadConfig, loadSecrets } from "./lib/config";

/**
 * The ahds program: reads and validates the stack's config, then wires the platform's components.
 * Exported as a function so the Pulumi Node runtime (and the offline harness) runs it inside the stack.
 */
async function main() {
    // Validate everything first: an invalid config throws here, before any resource is registered.
    const cfg = loadConfig();
    // Secret keys (the VPN's pre-shared key), read as Pulumi secrets; loadConfig has checked them by key.
    const secrets = loadSecrets();

    // Stateful resources follow the stack's protection settings (both on in prod, enforced by config validation).
    const stateful: pulumi.CustomResourceOptions = { protect: cfg.protect, retainOnDelete: cfg.retainOnDelete };

    // Suffix for globally unique names. It lives in state, so redeploys never rename anything (defect 1 of the
    // reference implementation seeded names with utcNow()).
    const suffix = new random.RandomString("suffix", {
        length: UNIQUE_SUFFIX_LENGTH,
        lower: true,
        upper: false,
        numeric: true,
        special: false,
    });

    const naming: NamingArgs = {
        workload: cfg.workload,
        environment: cfg.environment,
        location: cfg.location,
        uniqueSuffix: suffix.result,
    };
    const tags = standardTags({
        environment: cfg.environment,
        workload: cfg.workload,
        dataClassification: cfg.dataClassification,
        owner: cfg.owner,
        costCenter: cfg.costCenter,
    });

    // Resource groups: the hub (shared network security and monitoring), the spoke network, and the PHI workload.
    // Separate groups keep RBAC on PHI stores apart from network administration.
    const rg = {
        hub: new resources.ResourceGroup("rg-hub", { resourceGroupName: resourceName("resourceGroup", naming, "hub"), location: cfg.location, tags }, stateful),
        spoke: new resources.ResourceGroup("rg-spoke", { resourceGroupName: resourceName("resourceGroup", naming, "spk"), location: cfg.location, tags }, stateful),
        data: new resources.ResourceGroup("rg-data", { resourceGroupName: resourceName("resourceGroup", naming, "data"), location: cfg.location, tags }, stateful),
    };

    // Central Log Analytics workspace: every diagnostic setting in the platform points here.
    const workspace = new operationalinsights.Workspace("law", {
        workspaceName: resourceName("logAnalyticsWorkspace", naming),
        resourceGroupName: rg.hub.name,
        location: cfg.location,
        sku: { name: "PerGB2018" },
        retentionInDays: cfg.logAnalytics.retentionInDays,
        workspaceCapping: { dailyQuotaGb: cfg.logAnalytics.dailyQuotaGb },
        features: {
            // Entra ID only: no shared workspace keys that could be leaked to send or read PHI-bearing logs.
            disableLocalAuth: true,
            enableLogAccessUsingOnlyResourcePermissions: true,
        },
        // Public ingestion and query stay enabled until the platform adds an Azure Monitor Private Link Scope;
        // diagnostic settings use the Azure backbone either way.
        publicNetworkAccessForIngestion: "Enabled",
        publicNetworkAccessForQuery: "Enabled",
        tags,
    }, stateful);

    // The workspace audits its own queries and access.
    createDiagnosticSettings("law", workspace.id, {
        audit: { workspaceResourceId: workspace.id, logCategoryGroups: ["audit"] },
    }, {});

    // In protected stacks a CanNotDelete lock backs up Pulumi's `protect` against deletion outside Pulumi.
    createLock("law", workspace.id, { kind: cfg.protect ? "CanNotDelete" : "None" }, {});

    // The bulk loader's storage account name, computed once: the loader creates the account, and the gateway's `/bulk`
    // API writes to its blob host, so Ingress needs the name before the loader (which takes APIM's identity) exists.
    const bulkStorageAccountName = resourceName("storageAccount", naming, "blk");

    // Hub: firewall (only way out), Bastion + jumpbox (only way in), Key Vault, private DNS, flow logs, governance.
    const spokeSubnets = cfg.spoke;
    // The Health Data Services workspace's name, computed once here like the bulk account's: with hybrid connectivity the
    // hub's firewall admits on-premises callers to exactly its FHIR and DICOM hosts, and the hub is built before it.
    const healthWorkspaceName = resourceName("healthWorkspace", naming);
    const hub = new HubSecurity("hub", {
        naming,
        resourceGroupName: rg.hub.name,
        tags,
        workspace: { resourceId: workspace.id, customerId: workspace.customerId },
        network: {
            addressSpace: cfg.hub.addressSpace,
            firewallSubnet: cfg.hub.firewallSubnet,
            ...(cfg.hub.firewallManagementSubnet !== "" ? { firewallManagementSubnet: cfg.hub.firewallManagementSubnet } : {}),
            bastionSubnet: cfg.hub.bastionSubnet,
            jumpboxSubnet: cfg.hub.jumpboxSubnet,
            privateEndpointSubnet: cfg.hub.privateEndpointSubnet,
            ...(cfg.hub.gatewaySubnet !== "" ? { gatewaySubnet: cfg.hub.gatewaySubnet } : {}),
            ...(cfg.hub.dnsResolverInboundSubnet !== "" ? { dnsResolverInboundSubnet: cfg.hub.dnsResolverInboundSubnet } : {}),
        },
        // ahds:hybrid.type vpn or expressroute: the gateway, its routing through the firewall and the DNS resolver.
        ...(cfg.hybrid.type !== "none" ? { hybrid: hybridSettings(cfg, secrets, healthWorkspaceName) } : {}),
        firewall: { sku: cfg.firewall.sku },
        egress: {
            workloadAddressPrefixes: [spokeSubnets.apimSubnet, spokeSubnets.functionIntegrationSubnet, spokeSubnets.containerAppsSubnet],
            apimAddressPrefixes: [spokeSubnets.apimSubnet],
            containerAppsAddressPrefixes: [spokeSubnets.containerAppsSubnet],
            // The jumpbox downloads the bulk loader's pinned package from its host (and nothing else of it); the function
            // subnet reaches no internet host: the app runs from the package in its private storage account.
            packageSourceFqdns: cfg.bulkLoader.enabled ? packageSourceFqdns(cfg.bulkLoader.packageUrl) : [],
        },
        bastion: { sku: cfg.bastion.sku },
        jumpbox: {
            enabled: cfg.jumpbox.enabled,
            vmSize: cfg.jumpbox.vmSize,
            adminUsername: cfg.jumpbox.adminUsername,
            ...(cfg.jumpbox.sshPublicKey !== "" ? { sshPublicKey: cfg.jumpbox.sshPublicKey } : {}),
            loginGroupObjectIds: cfg.jumpbox.loginGroupObjectId !== "" ? [cfg.jumpbox.loginGroupObjectId] : [],
        },
        privateDnsZones: DEFAULT_PRIVATE_DNS_ZONES,
        governance: {
            defenderPlansEnabled: cfg.governance.defenderPlans,
            hitrustPolicyAssignmentEnabled: cfg.governance.hitrustPolicyAssignment,
            // The narrowest scopes that hold the whole platform: its three resource groups.
            policyAssignmentScopes: { hub: rg.hub.id, spoke: rg.spoke.id, data: rg.data.id },
            requiredRetentionDays: 365,
            networkWatcherResourceGroupName: cfg.flowLogs.networkWatcherResourceGroup,
        },
        flowLogs: flowLogSettings(cfg),
        zoneRedundant: cfg.zoneRedundant,
        lock: { kind: cfg.protect ? "CanNotDelete" : "None" },
        protectStatefulResources: cfg.protect,
        retainStatefulResourcesOnDelete: cfg.retainOnDelete,
    });

    // The hub's private DNS zone IDs by zone name, which every private endpoint's zone group names.
    const zoneIds = Object.fromEntries(DEFAULT_PRIVATE_DNS_ZONES.map((z) => [z, hub.privateDnsZoneIds.apply((ids) => ids[z] ?? "")]));

    // Spoke: one subnet per service, each with NSG and (except App Gateway) a default route to the firewall.
    const spoke = new SpokeNetwork("spoke", {
        naming,
        resourceGroupName: rg.spoke.name,
        tags,
        addressSpace: cfg.spoke.addressSpace,
        subnets: {
            appGateway: spokeSubnets.appGatewaySubnet,
            apim: spokeSubnets.apimSubnet,
            privateEndpoints: spokeSubnets.privateEndpointSubnet,
            functionIntegration: spokeSubnets.functionIntegrationSubnet,
            containerApps: spokeSubnets.containerAppsSubnet,
        },
        firewallPrivateIp: hub.firewallPrivateIp,
        hubVirtualNetworkId: hub.hubVirtualNetworkId,
        // With a hub gateway the spoke reaches on-premises through it (peering transit), inspected by the firewall.
        ...(cfg.hybrid.type !== "none" ? { hubGatewayResourceId: hub.gatewayId } : {}),
        privateDnsZoneIds: zoneIds,
        workspace: { resourceId: workspace.id, customerId: workspace.customerId },
        flowLogs: flowLogSettings(cfg),
        flowLogStorageAccountResourceId: hub.flowLogStorageAccountId,
        flowLogIdentityResourceId: hub.flowLogIdentityId,
        // In-network MedTech senders reach the Event Hubs namespace's private endpoint over AMQP or Kafka, not only HTTPS.
        eventHubsOverPrivateEndpoint: cfg.fhir.medtech,
        // In-network SQL clients (the jumpbox, analysts' tools) reach Synapse serverless SQL on TDS 1433.
        sqlOverPrivateEndpoint: cfg.analytics.enabled && cfg.analytics.synapse,
    });

    // A spoke subnet's resource ID by key (appGateway, apim, privateEndpoints, functionIntegration, containerApps).
    const spokeSubnet = (key: string) => spoke.subnetIds.apply((ids) => ids[key] ?? "");

    // Persist: private Health Data Services workspace, FHIR R4 with $convert-data/$import/$export, optional DICOM/MedTech.
    const fhirRoles: Record<string, RoleAssignmentArgs> = {};
    if (cfg.fhir.dataContributorGroupObjectId !== "") {
        fhirRoles["contributors"] = { roleDefinitionIdOrName: "FHIR Data Contributor", principalId: cfg.fhir.dataContributorGroupObjectId, principalType: "Group", description: "Read and write FHIR data (stack config fhir.dataContributorGroupObjectId)" };
    }
    if (cfg.fhir.dataReaderGroupObjectId !== "") {
        fhirRoles["readers"] = { roleDefinitionIdOrName: "FHIR Data Reader", principalId: cfg.fhir.dataReaderGroupObjectId, principalType: "Group", description: "Read FHIR data (stack config fhir.dataReaderGroupObjectId)" };
    }
    // With analytics on, the FHIR service's one `$export` destination is the analytics lake (ADLS Gen2), which
    // AnalyticsSync creates below with the FHIR service's outputs: its name is computed once here, so FhirWorkspace can
    // name it first. (An output of the lake itself would deadlock: Pulumi registers a component with its resolved args,
    // and each component would wait for the other's children.) The FHIR service accepts the name before the account
    // exists and resolves it when an export runs; the export job waits for the lake (docs/after-deploy-checks.md).
    const lakeAccountName = cfg.analytics.enabled ? resourceName("storageAccount", naming, "lake") : undefined;
    const anonymizationUploader = cfg.fhir.uploadAnonymizationConfig ? { virtualMachineResourceId: hub.jumpboxId, principalId: hub.jumpboxPrincipalId } : undefined;
    const persist = new FhirWorkspace("fhir", {
        naming,
        resourceGroupName: rg.data.name,
        tags,
        logAnalyticsWorkspaceResourceId: workspace.id,
        network: {
            privateEndpointSubnetResourceId: spokeSubnet("privateEndpoints"),
            privateDnsZoneResourceIds: zoneIds,
        },
        ...(cfg.fhir.tenantId !== "" ? { tenantId: cfg.fhir.tenantId } : {}),
        fhir: { corsOrigins: [...cfg.fhir.corsOrigins] },
        importSettings: { enabled: true, initialImportMode: cfg.fhir.importMode === "initial" },
        exportSettings: {
            enabled: true,
            ...(lakeAccountName !== undefined ? { storageAccountName: lakeAccountName } : anonymizationUploader !== undefined ? { anonymizationUploader } : {}),
        },
        // Soft delete as long as the audit retention: a deleted import or export blob stays recoverable for review.
        storage: { softDeleteRetentionDays: cfg.environment === "prod" ? 365 : 30, versioning: true },
        // The analytics jobs pull their images from this registry with a managed identity, which Container Apps does with
        // an ARM-audience token (learn.microsoft.com/azure/container-apps/managed-identity-image-pull).
        containerRegistry: { armAudienceTokens: cfg.analytics.enabled },
        dicom: { enabled: cfg.fhir.dicom },
        medtech: { enabled: cfg.fhir.medtech },
        roleAssignments: fhirRoles,
        lock: { kind: cfg.protect ? "CanNotDelete" : "None" },
        zoneRedundant: cfg.zoneRedundant,
        protectStatefulResources: cfg.protect,
        retainStatefulResourcesOnDelete: cfg.retainOnDelete,
    });

    // Ingress: Application Gateway WAF_v2 → internal stv2 API Management → FHIR over its private endpoint.
    const ingress = new Ingress("ingress", {
        naming,
        resourceGroupName: rg.spoke.name,
        tags,
        logAnalyticsWorkspaceResourceId: workspace.id,
        network: {
            appGatewaySubnetResourceId: spokeSubnet("appGateway"),
            apimSubnetResourceId: spokeSubnet("apim"),
            // The spoke resolves through the firewall's DNS proxy in the hub, so the hub link is the one that matters.
            dnsLinkedVirtualNetworkIds: { hub: hub.hubVirtualNetworkId, spoke: spoke.spokeVirtualNetworkId },
        },
        fhirUrl: persist.fhirUrl,
        ...(cfg.fhir.tenantId !== "" ? { tenantId: cfg.fhir.tenantId } : {}),
        apim: { sku: cfg.apim.sku, capacity: cfg.apim.capacity, publisherEmail: cfg.apim.publisherEmail, publisherName: cfg.apim.publisherName, callsPerMinute: cfg.apim.callsPerMinute },
        appGateway: { minCapacity: cfg.appGateway.minCapacity, maxCapacity: cfg.appGateway.maxCapacity, hostName: cfg.appGateway.hostName },
        certificate: cfg.appGateway.certificateSecretId !== ""
            ? { keyVaultSecretId: cfg.appGateway.certificateSecretId, keyVaultResourceId: cfg.appGateway.certificateKeyVaultId }
            : { keyVaultResourceId: hub.keyVaultId, keyVaultUri: hub.keyVaultUri },
        zoneRedundant: cfg.zoneRedundant,
        // Browsers reach FHIR only through the gateway, so APIM answers CORS (preflight included) for the same origins.
        cors: { allowedOrigins: [...cfg.fhir.corsOrigins] },
        // The /bulk upload API: JWT-checked in APIM, written by APIM's identity into the loader's private blob endpoint.
        ...(cfg.bulkLoader.enabled && cfg.bulkLoader.uploadAudience !== "" ? {
            bulkUpload: {
                blobEndpoint: pulumi.interpolate`https://${bulkStorageAccountName}.blob.core.windows.net`,
                audiences: [cfg.bulkLoader.uploadAudience],
            },
        } : {}),
    });

    // Bulk path: the FHIR Loader function app, private and identity-only, fed by blobs in its own storage account.
    const bulk = cfg.bulkLoader.enabled ? new BulkLoader("bulk", {
        naming,
        resourceGroupName: rg.data.name,
        tags,
        logAnalyticsWorkspaceResourceId: workspace.id,
        network: {
            functionSubnetResourceId: spokeSubnet("functionIntegration"),
            privateEndpointSubnetResourceId: spokeSubnet("privateEndpoints"),
            privateDnsZoneResourceIds: zoneIds,
        },
        fhirUrl: persist.fhirUrl,
        fhirAudience: persist.fhirAudience,
        fhirServiceResourceId: persist.fhirServiceId,
        storageAccountName: bulkStorageAccountName,
        plan: { sku: cfg.bulkLoader.planSku },
        codePackage: cfg.bulkLoader.packageUrl !== ""
            ? { sourceUrl: cfg.bulkLoader.packageUrl, sha256: cfg.bulkLoader.packageSha256, uploader: { virtualMachineResourceId: hub.jumpboxId, principalId: hub.jumpboxPrincipalId } }
            : {},
        loader: {
            maxBundleSize: cfg.bulkLoader.maxBundleSize,
            maxResourcesPerBundle: cfg.bulkLoader.maxResourcesPerBundle,
            transformBundles: cfg.bulkLoader.transformBundles,
            maxRetries: cfg.bulkLoader.maxRetries,
        },
        // API Management's identity writes uploads through the gateway's /bulk API: Blob Data Contributor on the
        // bundles, ndjson and zip containers only.
        uploadPrincipals: { apim: ingress.apimPrincipalId },
        // Soft delete as long as the audit retention, as for the other PHI stores.
        storage: { softDeleteRetentionDays: cfg.environment === "prod" ? 365 : 30, versioning: true },
        lock: { kind: cfg.protect ? "CanNotDelete" : "None" },
        zoneRedundant: cfg.zoneRedundant,
        protectStatefulResources: cfg.protect,
        retainStatefulResourcesOnDelete: cfg.retainOnDelete,
    }) : undefined;

    // Analytics: the private lake FHIR exports into, a scheduled incremental `$export` (or the sync agent), Synapse serverless.
    const analytics = cfg.analytics.enabled ? new AnalyticsSync("analytics", {
        naming,
        resourceGroupName: rg.data.name,
        tags,
        logAnalyticsWorkspaceResourceId: workspace.id,
        network: {
            containerAppsSubnetResourceId: spokeSubnet("containerApps"),
            privateEndpointSubnetResourceId: spokeSubnet("privateEndpoints"),
            privateDnsZoneResourceIds: zoneIds,
        },
        fhir: {
            url: persist.fhirUrl,
            audience: persist.fhirAudience,
            workspaceResourceId: persist.workspaceId,
            serviceResourceId: persist.fhirServiceId,
            principalId: persist.fhirPrincipalId,
        },
        containerRegistry: { resourceId: persist.containerRegistryId, loginServer: persist.containerRegistryLoginServer },
        mode: cfg.analytics.mode,
        ...(cfg.analytics.mode === "agent" ? { agent: { image: cfg.analytics.agentImage } } : {}),
        ...(cfg.analytics.mode === "export" ? {
            exportJob: {
                schedule: cfg.analytics.schedule,
                scope: cfg.analytics.exportScope,
                ...(cfg.analytics.exportGroupId !== "" ? { groupId: cfg.analytics.exportGroupId } : {}),
                resourceTypes: [...cfg.analytics.exportTypes],
            },
        } : {}),
        // Soft delete as long as the audit retention, as for the other PHI stores.
        lake: { ...(lakeAccountName !== undefined ? { accountName: lakeAccountName } : {}), softDeleteRetentionDays: cfg.environment === "prod" ? 365 : 30 },
        ...(cfg.analytics.synapse ? { synapse: { enabled: true, adminGroupObjectId: cfg.analytics.synapseAdminGroupObjectId } } : {}),
        // The lake is the export destination, so de-identified exports read their configs from its anonymization container.
        deidentification: { configs: DEFAULT_ANONYMIZATION_CONFIGS, ...(anonymizationUploader !== undefined ? { uploader: anonymizationUploader } : {}) },
        roleAssignments: cfg.analytics.readerGroupObjectId !== "" ? {
            readers: { roleDefinitionIdOrName: "Storage Blob Data Reader", principalId: cfg.analytics.readerGroupObjectId, principalType: "Group", description: "Read the analytics lake (stack config analytics.readerGroupObjectId)" },
        } : {},
        lock: { kind: cfg.protect ? "CanNotDelete" : "None" },
        zoneRedundant: cfg.zoneRedundant,
        protectStatefulResources: cfg.protect,
        retainStatefulResourcesOnDelete: cfg.retainOnDelete,
    }) : undefined;

    // Intelligence: Text Analytics for Health on a private, key-less Language account.
    const intelligence = cfg.intelligence.enabled ? new Intelligence("intelligence", {
        naming,
        resourceGroupName: rg.data.name,
        tags,
        logAnalyticsWorkspaceResourceId: workspace.id,
        network: {
            privateEndpointSubnetResourceId: spokeSubnet("privateEndpoints"),
            privateDnsZoneResourceIds: zoneIds,
        },
        roleAssignments: cfg.intelligence.userGroupObjectId !== "" ? {
            callers: { roleDefinitionIdOrName: "Cognitive Services User", principalId: cfg.intelligence.userGroupObjectId, principalType: "Group", description: "Run Text Analytics for Health jobs (stack config intelligence.userGroupObjectId)" },
        } : {},
        lock: { kind: cfg.protect ? "CanNotDelete" : "None" },
    }) : undefined;

    return {
        resourceGroups: { hub: rg.hub.name, spoke: rg.spoke.name, data: rg.data.name },
        logAnalyticsWorkspaceId: workspace.id,
        logAnalyticsCustomerId: workspace.customerId,
        firewallPrivateIp: hub.firewallPrivateIp,
        hubVirtualNetworkId: hub.hubVirtualNetworkId,
        spokeVirtualNetworkId: spoke.spokeVirtualNetworkId,
        spokeSubnetIds: spoke.subnetIds,
        privateDnsZoneIds: hub.privateDnsZoneIds,
        keyVaultId: hub.keyVaultId,
        keyVaultUri: hub.keyVaultUri,
        jumpboxId: hub.jumpboxId,
        fhirUrl: persist.fhirUrl,
        fhirAudience: persist.fhirAudience,
        fhirServiceId: persist.fhirServiceId,
        healthWorkspaceId: persist.workspaceId,
        fhirPrincipalId: persist.fhirPrincipalId,
        containerRegistryLoginServer: persist.containerRegistryLoginServer,
        importStorageAccountName: persist.importStorageAccountName,
        exportStorageAccountName: persist.exportStorageAccountName,
        anonymizationConfigNames: persist.anonymizationConfigNames,
        dicomUrl: persist.dicomUrl,
        medtechEventHubNamespace: persist.medtechEventHubNamespace,
        gatewayPublicIp: ingress.publicIpAddress,
        gatewayFqdn: ingress.publicFqdn,
        fhirBaseUrl: ingress.fhirBaseUrl,
        apimGatewayUrl: ingress.apimGatewayUrl,
        bulkLoaderFunctionAppName: bulk?.functionAppName ?? "",
        bulkStorageAccountName: bulk?.storageAccountName ?? "",
        bulkBlobEndpoint: bulk?.blobEndpoint ?? "",
        bulkUploadUrl: ingress.bulkUploadBaseUrl,
        analyticsLakeAccountName: analytics?.lakeAccountName ?? "",
        analyticsLakeDfsEndpoint: analytics?.lakeDfsEndpoint ?? "",
        analyticsExportJobName: analytics?.exportJobName ?? "",
        analyticsAgentAppName: analytics?.agentAppName ?? "",
        synapseWorkspaceName: analytics?.synapseWorkspaceName ?? "",
        synapseServerlessEndpoint: analytics?.synapseServerlessEndpoint ?? "",
        languageEndpoint: intelligence?.endpoint ?? "",
        gatewayPublicIps: hub.gatewayPublicIps,
        gatewayBgpPeeringAddress: hub.gatewayBgpPeeringAddress,
        gatewayConnectionId: hub.gatewayConnectionId,
        dnsResolverInboundIp: hub.dnsResolverInboundIp,
        onPremisesDnsForwarders: hub.onPremisesDnsForwarders,
    };
}

/**
 * The hub's hybrid settings from the stack config: the gateway, the spoke it routes through the firewall, the FHIR (and
 * DICOM) hosts on-premises callers may reach, and the on-premises side: a VPN site (its connection once the secret
 * ahds:hybrid.sharedKey is set) or an ExpressRoute circuit. The hosts are those of FhirWorkspace's default service names
 * (`fhir`, `dicom`) in the workspace named above; tests/hybridBaseline.spec.ts checks them against the services' URLs.
 */
function hybridSettings(cfg: StackConfig, secrets: StackSecrets, healthWorkspaceName: pulumi.Output<string>) {
    const h = cfg.hybrid;
    const vpn = h.type === "vpn";
    return {
        type: h.type,
        ...(h.sku !== "" ? { sku: h.sku } : {}),
        ...(vpn ? { activeActive: h.activeActive, bgpAsn: h.bgpAsn } : {}),
        onPremisesAddressPrefixes: [...h.onPremisesPrefixes],
        spokeAddressSpaces: { spoke: cfg.spoke.addressSpace },
        onPremisesHttpsFqdns: {
            fhir: pulumi.interpolate`${healthWorkspaceName}-fhir.fhir.azurehealthcareapis.com`,
            ...(cfg.fhir.dicom ? { dicom: pulumi.interpolate`${healthWorkspaceName}-dicom.dicom.azurehealthcareapis.com` } : {}),
        },
        ...(vpn && h.vpnPeerIpAddress !== "" ? {
            vpnSite: {
                gatewayIpAddress: h.vpnPeerIpAddress,
                ...(h.onPremisesBgpAsn !== 0 ? { bgpAsn: h.onPremisesBgpAsn, bgpPeeringAddress: h.onPremisesBgpPeeringAddress } : {}),
                ...(secrets.vpnSharedKey !== undefined ? { sharedKey: secrets.vpnSharedKey } : {}),
            },
        } : {}),
        ...(h.type === "expressroute" && h.expressRouteCircuitId !== "" ? {
            expressRoute: {
                circuitResourceId: h.expressRouteCircuitId,
                ...(secrets.expressRouteAuthorizationKey !== undefined ? { authorizationKey: secrets.expressRouteAuthorizationKey } : {}),
            },
        } : {}),
    };
}

/** Flow-log settings shared by hub and spoke (Network Watcher defaults when the config leaves them empty). */
function flowLogSettings(cfg: StackConfig) {
    return {
        enabled: cfg.flowLogs.enabled,
        retentionInDays: cfg.flowLogs.retentionInDays,
        ...(cfg.flowLogs.networkWatcherName !== "" ? { networkWatcherName: cfg.flowLogs.networkWatcherName } : {}),
        networkWatcherResourceGroupName: cfg.flowLogs.networkWatcherResourceGroup,
    };
}

export = main;
