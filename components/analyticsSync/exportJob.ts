import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as inputs from "@pulumi/azure-native/types/input";
import { keepInputShape } from "../shared/inputShape";
import { resourceName } from "../shared/naming";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount } from "../shared/storageAccount";
import { CONSUMPTION_PROFILE, EXPORT_IMAGE, EXPORT_STATE_BLOB, RAW_CONTAINER } from "./constants";
import { AnalyticsSyncContext } from "./context";
import { AnalyticsSyncSettings } from "./defaults";
import { EXPORT_SCRIPT } from "./exportScript";
import { mirrorImage } from "./registry";

/** The `$export` path for a scope (learn.microsoft.com/azure/healthcare-apis/fhir/export-data). */
export function exportPath(scope: string, groupId: string): string {
    return scope === "patient" ? "Patient/$export" : scope === "group" ? `Group/${groupId}/$export` : "$export";
}

/**
 * Mode `export`: a scheduled Container Apps job with a user-assigned identity that holds exactly what one export
 * needs: FHIR Data Exporter on the FHIR service (learn.microsoft.com/azure/healthcare-apis/configure-azure-rbac),
 * Storage Blob Data Contributor on the raw container (its bookmark; the FHIR service writes the export itself), and
 * AcrPull on the private registry. No ingress, no secrets; the job waits for its grants and the image mirror.
 */
export function createExportJob(parent: pulumi.ComponentResource, name: string, ctx: AnalyticsSyncContext, s: AnalyticsSyncSettings, env: app.ManagedEnvironment, lake: SecureStorageAccount): app.Job {
    const child: pulumi.CustomResourceOptions = { parent };
    const identity = new managedidentity.UserAssignedIdentity(`${name}-export-id`, {
        resourceName: resourceName("userAssignedIdentity", ctx.naming, "exp"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        tags: ctx.tags,
    }, child);
    const raw = lake.containers[RAW_CONTAINER];
    const grants = [
        ...Object.values(createRoleAssignments(`${name}-export-fhir`, s.fhir.serviceResourceId, {
            job: { roleDefinitionIdOrName: "FHIR Data Exporter", principalId: identity.principalId, description: "Starts the scheduled $export into the analytics lake" },
        }, child)),
        ...(raw !== undefined ? Object.values(createRoleAssignments(`${name}-export-raw`, raw.id, {
            job: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: identity.principalId, description: "Reads and writes the export job's bookmark (raw container only)" },
        }, child)) : []),
        ...Object.values(createRoleAssignments(`${name}-export-acr`, s.registry.resourceId, {
            job: { roleDefinitionIdOrName: "AcrPull", principalId: identity.principalId, description: "Pulls the export job's mirrored image" },
        }, child)),
    ];
    const image = mirrorImage(parent, name, "azure-cli", s, EXPORT_IMAGE);
    const e = s.exportJob;
    const configuration: inputs.app.JobConfigurationArgs = {
        triggerType: "Schedule",
        scheduleTriggerConfig: { cronExpression: e.schedule, parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: e.timeoutSeconds,
        // A failed run is retried by the next schedule from the same bookmark, not re-run at once.
        replicaRetryLimit: 0,
        registries: [{ server: s.registry.loginServer, identity: identity.id }],
    };
    return new app.Job(`${name}-export`, {
        jobName: resourceName("containerAppJob", ctx.naming, "exp"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        environmentId: env.id,
        workloadProfileName: CONSUMPTION_PROFILE,
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        configuration,
        template: {
            containers: [{
                name: "fhir-export",
                image: image.ref,
                command: ["/bin/bash", "-c"],
                args: [EXPORT_SCRIPT],
                env: [
                    { name: "AZURE_CLIENT_ID", value: identity.clientId },
                    { name: "FHIR_URL", value: s.fhir.url },
                    { name: "FHIR_AUDIENCE", value: s.fhir.audience },
                    { name: "EXPORT_PATH", value: exportPath(e.scope, e.groupId) },
                    { name: "EXPORT_TYPES", value: e.resourceTypes.join(",") },
                    { name: "EXPORT_CONTAINER", value: RAW_CONTAINER },
                    { name: "STATE_URL", value: pulumi.interpolate`https://${lake.account.name}.blob.core.windows.net/${RAW_CONTAINER}/${EXPORT_STATE_BLOB}` },
                    { name: "POLL_SECONDS", value: String(e.pollSeconds) },
                    // Stop polling a minute before the replica timeout, so the run ends with its own message.
                    { name: "MAX_WAIT_SECONDS", value: String(Math.max(e.timeoutSeconds - 60, e.pollSeconds)) },
                ],
                resources: { cpu: 0.25, memory: "0.5Gi" },
            }],
        },
        tags: ctx.tags,
    }, {
        parent,
        dependsOn: [...grants, image.rule],
        // Every field the provider's defaults fill in (triggerType) is set, so the pack sees the registry settings at preview.
        transformations: [keepInputShape("configuration", configuration)],
    });
}
