import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import { blobUploadScript } from "../shared/blobUpload";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount } from "../shared/storageAccount";
import { parseResourceId } from "../shared/workspace";
import { AnonymizationUploaderArgs } from "./args";
import { ANONYMIZATION_CONTAINER } from "./constants";
import { FhirWorkspaceContext } from "./context";

/**
 * Anonymization configs, written in-network by the uploader VM's identity: Storage Blob Data Contributor on the
 * `anonymization` container only, and a managed Run Command on the VM that uploads the configs during `pulumi up`.
 */
export function uploadAnonymizationConfigs(
    parent: pulumi.ComponentResource,
    name: string,
    ctx: FhirWorkspaceContext,
    exportStore: SecureStorageAccount,
    uploader: AnonymizationUploaderArgs,
    configs: Record<string, string>,
    configNames: string[],
): void {
    const anonymizationContainer = exportStore.containers[ANONYMIZATION_CONTAINER];
    if (anonymizationContainer === undefined) return;
    const [writer] = Object.values(createRoleAssignments(`${name}-anonymization`, anonymizationContainer.id, {
        uploader: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: uploader.principalId, description: "Writes the $export anonymization configs (this container only)" },
    }, { parent }));
    const vm = pulumi.output(uploader.virtualMachineResourceId).apply(parseResourceId);
    const script = exportStore.account.name.apply((account) => blobUploadScript(account, ANONYMIZATION_CONTAINER,
        configNames.map((n) => ({ name: n, contentType: "application/json", content: configs[n] ?? "" }))));
    // Wait for the blob endpoint's DNS records too, or the VM would resolve the account's public address.
    const endpoint = exportStore.blobEndpoint;
    new compute.VirtualMachineRunCommandByVirtualMachine(`${name}-anonymization-upload`, {
        vmName: vm.name,
        resourceGroupName: vm.resourceGroupName,
        location: ctx.location,
        runCommandName: "upload-anonymization-configs",
        source: { script },
        asyncExecution: false,
        timeoutInSeconds: 900,
        // A failed upload fails `pulumi up` instead of hiding in the run command's instance view.
        treatFailureAsDeploymentFailure: true,
        tags: ctx.tags,
    }, { parent, dependsOn: [anonymizationContainer, ...(writer !== undefined ? [writer] : []), endpoint.endpoint, ...(endpoint.dnsZoneGroup !== undefined ? [endpoint.dnsZoneGroup] : [])] });
}
