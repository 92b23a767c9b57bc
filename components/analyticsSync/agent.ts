import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as inputs from "@pulumi/azure-native/types/input";
import { keepInputShape } from "../shared/inputShape";
import { resourceName } from "../shared/naming";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount } from "../shared/storageAccount";
import { CONSUMPTION_PROFILE, PARQUET_CONTAINER } from "./constants";
import { AnalyticsSyncContext } from "./context";
import { AnalyticsSyncSettings } from "./defaults";

/**
 * Mode `agent`: microsoft/FHIR-Analytics-Pipelines' FHIR-to-DataLake agent (v0.6.2, the last release; unmaintained
 * since 2023 on .NET 6, which is out of support) as seed 001 draws it, with the upstream Container App template's
 * settings (architecture-reference.md §11.1) changed where the template is not private or key-less: VNet-injected
 * environment, image imported into the private registry beforehand and pulled by identity, a user-assigned identity for FHIR
 * and storage (`fhirServer__authentication=ManagedIdentity`; `AZURE_CLIENT_ID` selects the identity for
 * DefaultAzureCredential), no ingress. Roles: FHIR Data Reader (the agent reads through the search API; upstream
 * leaves it to the operator, FHIR-Analytics-Pipelines#199), and Blob, Queue and Table Data Contributor on the lake
 * (Parquet output, job queue, job and metadata tables).
 */
export function createSyncAgent(parent: pulumi.ComponentResource, name: string, ctx: AnalyticsSyncContext, s: AnalyticsSyncSettings, env: app.ManagedEnvironment, lake: SecureStorageAccount): app.ContainerApp {
    const child: pulumi.CustomResourceOptions = { parent };
    const identity = new managedidentity.UserAssignedIdentity(`${name}-agent-id`, {
        resourceName: resourceName("userAssignedIdentity", ctx.naming, "sync"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        tags: ctx.tags,
    }, child);
    const grant = (key: string, scope: pulumi.Input<string>, role: string, description: string) =>
        Object.values(createRoleAssignments(`${name}-agent-${key}`, scope, { agent: { roleDefinitionIdOrName: role, principalId: identity.principalId, description } }, child));
    const grants = [
        ...grant("fhir", s.fhir.serviceResourceId, "FHIR Data Reader", "The sync agent reads FHIR resources through the search API"),
        ...grant("blob", lake.account.id, "Storage Blob Data Contributor", "The sync agent writes Parquet into the analytics lake"),
        ...grant("queue", lake.account.id, "Storage Queue Data Contributor", "The sync agent's job queue"),
        ...grant("table", lake.account.id, "Storage Table Data Contributor", "The sync agent's job and metadata tables"),
        ...grant("acr", s.registry.resourceId, "AcrPull", "Pulls the sync agent's imported image"),
    ];
    const account = lake.account.name;
    const setting = (n: string, value: pulumi.Input<string>) => ({ name: n, value });
    // No ingress: the agent only calls out (to FHIR and the lake, both over private endpoints).
    const configuration: inputs.app.ConfigurationArgs = { activeRevisionsMode: "Single", registries: [{ server: s.registry.loginServer, identity: identity.id }] };
    return new app.ContainerApp(`${name}-agent`, {
        containerAppName: resourceName("containerApp", ctx.naming, "sync"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        environmentId: env.id,
        workloadProfileName: CONSUMPTION_PROFILE,
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        configuration,
        template: {
            containers: [{
                name: "fhir-to-datalake",
                // Imported beforehand (agent.image): artifact cache cannot mirror from another registry without an
                // identity holding pull rights there.
                image: s.agent.image,
                env: [
                    setting("AZURE_CLIENT_ID", identity.clientId),
                    setting("configVersion", "1"),
                    setting("job__jobInfoQueueName", "ahdsjobinfoqueue"),
                    setting("job__jobInfoTableName", "ahdsjobinfotable"),
                    setting("job__metadataTableName", "ahdsmetadatatable"),
                    setting("job__maxRunningJobCount", "3"),
                    setting("job__containerName", PARQUET_CONTAINER),
                    setting("job__startTime", s.agent.startTime),
                    setting("job__endTime", ""),
                    setting("job__tableUrl", pulumi.interpolate`https://${account}.table.core.windows.net`),
                    setting("job__queueUrl", pulumi.interpolate`https://${account}.queue.core.windows.net`),
                    setting("job__schedulerCronExpression", s.agent.schedule),
                    setting("dataLakeStore__storageUrl", pulumi.interpolate`https://${account}.blob.core.windows.net`),
                    setting("filter__filterScope", "System"),
                    setting("filter__enableExternalFilter", "false"),
                    setting("schema__enableCustomizedSchema", "false"),
                    setting("fhirServer__serverUrl", s.fhir.url),
                    setting("fhirServer__version", "R4"),
                    setting("fhirServer__authentication", "ManagedIdentity"),
                ],
                // The upstream template's size: 2 vCPU, 4 GiB.
                resources: { cpu: 2, memory: "4Gi" },
            }],
            scale: { minReplicas: 1, maxReplicas: s.agent.maxReplicas },
        },
        tags: ctx.tags,
    }, {
        parent,
        dependsOn: grants,
        // Every field the provider's defaults fill in (activeRevisionsMode) is set, so the pack sees the registries at preview.
        transformations: [keepInputShape("configuration", configuration)],
    });
}
