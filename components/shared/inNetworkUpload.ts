import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import { UPLOAD_DEADLINE_SECONDS } from "./blobUpload";
import { createRoleAssignments } from "./roleAssignment";
import { SecureStorageAccount } from "./storageAccount";
import { parseResourceId } from "./workspace";

/**
 * The in-network identity that writes blobs into a private container: a Linux VM (bash, curl, sha256sum) with a
 * system-assigned identity that resolves the platform's private DNS zones and reaches the private-endpoint subnet
 * (the hub jumpbox does).
 */
export interface InNetworkUploader {
    /** Resource ID of the VM. */
    virtualMachineResourceId: pulumi.Input<string>;
    /** Object ID of the VM's system-assigned identity; gets Storage Blob Data Contributor on the target container only. */
    principalId: pulumi.Input<string>;
}

/** One upload: the container, the script (from the account's name), and how the Run Command is named and bounded. */
export interface InNetworkUploadSettings {
    store: SecureStorageAccount;
    containerName: string;
    uploader: InNetworkUploader;
    /** The bash script for the account (shared/blobUpload.ts writes them). */
    script: (accountName: string) => string;
    /** Run Command name on the VM (one per upload, so uploads of different components never replace each other). */
    runCommandName: string;
    /**
     * The Run Command's timeout: UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS (the scripts' deadline plus a margin); anything
     * shorter than the deadline plus two minutes is refused, so Azure never stops a script that is still in its budget.
     */
    timeoutInSeconds: number;
    /** Why the VM's identity may write this container (the role assignment's description). */
    description: string;
    location: string;
    tags: Record<string, pulumi.Input<string>>;
}

/**
 * Writes blobs into a private container during `pulumi up`: the accounts have no shared keys and no public path for
 * the Pulumi engine (azure-native's `storage.Blob` signs with account keys, pulumi/pulumi-azure-native#2015), so a
 * managed Run Command on a VM inside the network runs the script with the VM's identity, which holds Storage Blob
 * Data Contributor on that container only. The command waits for the container, the grant and the blob endpoint's
 * DNS records (or the VM would resolve the account's public address), and a failure fails `pulumi up` instead of
 * hiding in the command's instance view. Returns the Run Command (what consumers of the blobs wait for), or
 * undefined when the container does not exist.
 */
export function uploadInNetwork(parent: pulumi.ComponentResource, prefix: string, u: InNetworkUploadSettings): compute.VirtualMachineRunCommandByVirtualMachine | undefined {
    if (!Number.isInteger(u.timeoutInSeconds) || u.timeoutInSeconds < UPLOAD_DEADLINE_SECONDS + 120) {
        throw new Error(`${prefix}: timeoutInSeconds ${u.timeoutInSeconds} is shorter than the upload script's deadline (${UPLOAD_DEADLINE_SECONDS} s) plus 120 s`);
    }
    const container = u.store.containers[u.containerName];
    if (container === undefined) return undefined;
    const [writer] = Object.values(createRoleAssignments(prefix, container.id, {
        uploader: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: u.uploader.principalId, description: u.description },
    }, { parent }));
    const vm = pulumi.output(u.uploader.virtualMachineResourceId).apply(parseResourceId);
    const endpoint = u.store.blobEndpoint;
    return new compute.VirtualMachineRunCommandByVirtualMachine(`${prefix}-upload`, {
        vmName: vm.name,
        resourceGroupName: vm.resourceGroupName,
        location: u.location,
        runCommandName: u.runCommandName,
        source: { script: u.store.account.name.apply(u.script) },
        asyncExecution: false,
        timeoutInSeconds: u.timeoutInSeconds,
        treatFailureAsDeploymentFailure: true,
        tags: u.tags,
    }, { parent, dependsOn: [container, ...(writer !== undefined ? [writer] : []), endpoint.endpoint, ...(endpoint.dnsZoneGroup !== undefined ? [endpoint.dnsZoneGroup] : [])] });
}
