import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as inputs from "@pulumi/azure-native/types/input";
import * as web from "@pulumi/azure-native/web";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { keepInputShape } from "../shared/inputShape";
import { resourceName } from "../shared/naming";
import { createPrivateEndpoints } from "../shared/privateEndpoint";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount } from "../shared/storageAccount";
import { BulkLoaderContext } from "./context";
import { BulkLoaderSettings } from "./defaults";
import { loaderAppSettings } from "./settings";

/** What later steps and the outputs need of the hosting block. */
export interface LoaderHosting {
    app: web.WebApp;
    /** Object ID of the app's system-assigned identity. */
    principalId: pulumi.Output<string>;
}

/**
 * Application Insights on the central workspace with local authentication off: only Entra ID-authenticated
 * telemetry is ingested (learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication).
 */
function createInsights(parent: pulumi.ComponentResource, name: string, ctx: BulkLoaderContext): applicationinsights.Component {
    return new applicationinsights.Component(`${name}-appi`, {
        resourceName: resourceName("applicationInsights", ctx.naming, "blk"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        kind: "web",
        applicationType: "web",
        // Workspace-based: telemetry lands in the central Log Analytics workspace, under its retention and RBAC.
        workspaceResourceId: ctx.law,
        ingestionMode: "LogAnalytics",
        disableLocalAuth: true,
        // Like the central workspace: public ingestion until an Azure Monitor Private Link Scope exists (the app
        // reaches AzureMonitor through the firewall).
        publicNetworkAccessForIngestion: "Enabled",
        publicNetworkAccessForQuery: "Enabled",
        tags: ctx.tags,
    }, { parent });
}

/**
 * The Windows Dedicated plan, Application Insights and the function app: system identity, HTTPS only, TLS 1.2 on the
 * site and its SCM endpoint, FTP and basic-auth publishing off, no public network access (a `sites` private
 * endpoint), regional VNet integration routing all outbound traffic through the spoke (so through the firewall),
 * diagnostics, and its identity's roles: Storage Blob Data Owner, Queue and Table Data Contributor on its account
 * (host storage, triggers, Durable Functions; the loader moves blobs and creates its output containers), Storage
 * Account Contributor on its account (the `zip/{name}` blob trigger's log listener), FHIR Data Contributor on the FHIR
 * service, Monitoring Metrics Publisher on the Application Insights resource.
 */
export function createLoaderHosting(
    parent: pulumi.ComponentResource,
    name: string,
    ctx: BulkLoaderContext,
    s: BulkLoaderSettings,
    store: SecureStorageAccount,
    codeReady: pulumi.Resource[],
): LoaderHosting {
    const child: pulumi.CustomResourceOptions = { parent };
    const plan = new web.AppServicePlan(`${name}-asp`, {
        name: resourceName("appServicePlan", ctx.naming, "blk"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        // Windows: the in-process .NET 8 worker runs on Windows only (reserved: true would make a Linux plan).
        kind: "app",
        reserved: false,
        sku: { name: s.plan.sku, tier: s.plan.tier, capacity: s.plan.capacity },
        zoneRedundant: s.plan.zoneRedundant,
        perSiteScaling: false,
        tags: ctx.tags,
    }, child);
    const insights = createInsights(parent, name, ctx);

    // Every field azure-native's siteConfig defaults would fill in (http20Enabled, localMySqlEnabled,
    // netFrameworkVersion) is set, so siteConfig goes to the engine as written (shared/inputShape.ts): at a first
    // preview only the values derived from not-yet-created resources (account name, connection string) are unknown,
    // and the pack decides on TLS, FTP and the rest.
    const siteConfig: inputs.web.SiteConfigArgs = {
        alwaysOn: true,
        http20Enabled: true,
        localMySqlEnabled: false,
        netFrameworkVersion: s.runtime.netFrameworkVersion,
        use32BitWorkerProcess: false,
        minTlsVersion: "1.2",
        scmMinTlsVersion: "1.2",
        ftpsState: "Disabled",
        remoteDebuggingEnabled: false,
        appSettings: loaderAppSettings(s, insights.connectionString),
    };
    const app = new web.WebApp(`${name}-func`, {
        name: resourceName("functionApp", ctx.naming, "blk"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        kind: "functionapp",
        reserved: false,
        serverFarmId: plan.id,
        identity: { type: "SystemAssigned" },
        httpsOnly: true,
        clientAffinityEnabled: false,
        publicNetworkAccess: "Disabled",
        virtualNetworkSubnetId: ctx.functionSubnet,
        // Every outbound flow (application traffic, content, image pulls, backups) through the VNet and its UDR to
        // the firewall (learn.microsoft.com/azure/app-service/configure-vnet-integration-routing).
        outboundVnetRouting: { allTraffic: true },
        siteConfig,
        tags: ctx.tags,
    }, { parent, dependsOn: codeReady, transformations: [keepInputShape("siteConfig", siteConfig)] });
    const principalId = app.identity.apply((i) => i?.principalId ?? "");

    // Basic-auth publishing (FTP and SCM/Kudu with publishing credentials) off: deployment only with Entra ID
    // (learn.microsoft.com/azure/app-service/configure-basic-auth-disable).
    new web.WebAppFtpAllowed(`${name}-func-ftp`, { name: app.name, resourceGroupName: ctx.rg, allow: false }, child);
    new web.WebAppScmAllowed(`${name}-func-scm`, { name: app.name, resourceGroupName: ctx.rg, allow: false }, child);
    createPrivateEndpoints(`${name}-func`, { id: app.id, name: app.name, resourceGroupName: ctx.rg, location: ctx.location, tags: ctx.tags }, s.siteEndpoints, child);
    createDiagnosticSettings(`${name}-func`, app.id, s.diagnostics, child);
    createRoleAssignments(`${name}-func`, app.id, s.roleAssignments, child);

    // The app identity's data-plane access, each on exactly one resource.
    const grant = (key: string, scope: pulumi.Input<string>, role: string, description: string) => createRoleAssignments(`${name}-func-${key}`, scope, {
        app: { roleDefinitionIdOrName: role, principalId, description },
    }, child);
    grant("blob", store.account.id, "Storage Blob Data Owner", "FHIR Loader: host storage, blob triggers, moves and creates its containers' blobs, reads its code package");
    grant("queue", store.account.id, "Storage Queue Data Contributor", "FHIR Loader: host storage, queue triggers, poison-queue retries");
    grant("table", store.account.id, "Storage Table Data Contributor", "FHIR Loader: Durable Functions task hub");
    // `ImportCompressedFiles` is a polling blob trigger (`[BlobTrigger("zip/{name}", Connection =
    // "FBI-STORAGEACCT-IDENTITY")]`, fhir-loader ImportCompressedFiles.cs). Its listener starts by turning on classic
    // analytics write logging (Azure/azure-sdk-for-net, Microsoft.Azure.WebJobs.Extensions.Storage.Blobs
    // BlobLogListener.EnableLoggingAsync: Get, then Set Blob Service Properties), which is authorized by
    // `Microsoft.Storage/storageAccounts/blobServices/read` and `.../blobServices/write`, control-plane actions that no
    // Blob Data role holds (learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory,
    // "Permissions for calling data operations"). Without it the listener fails with 403 and zips are never unpacked.
    // Learn names the role for "Azure Blobs (trigger only)": Storage Account Contributor, with Blob Data Owner and
    // Queue Data Contributor (learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity),
    // and upstream grants it too (fhir-loader scripts/roleAssignment.bicep, 17d1049b-9a84-46fb-8f53-869881c3d3ab).
    // Scoped to the loader's own account only. The role can also change the account's settings (shared keys, network
    // rules); a custom role with only blobServices/read and blobServices/write (assignable at the resource group,
    // assigned at this account) would be narrower, and is not used yet: the deploying identity would need
    // roleDefinitions/write, and Learn documents only the built-in role for the trigger. (The pack's mandatory rules
    // keep the account's shared keys off and its firewall closed at every preview and update.)
    grant("account", store.account.id, "Storage Account Contributor", "FHIR Loader: the zip blob trigger enables the account's blob analytics logging (Set Blob Service Properties)");
    grant("fhir", s.fhirServiceResourceId, "FHIR Data Contributor", "FHIR Loader posts bundles and NDJSON as batches");
    grant("appi", insights.id, "Monitoring Metrics Publisher", "FHIR Loader sends telemetry with Entra ID (local authentication is off)");
    return { app, principalId };
}
