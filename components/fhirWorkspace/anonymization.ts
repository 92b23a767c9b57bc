import * as pulumi from "@pulumi/pulumi";
import { UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS, blobUploadScript } from "../shared/blobUpload";
import { uploadInNetwork } from "../shared/inNetworkUpload";
import { SecureStorageAccount } from "../shared/storageAccount";
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
    uploadInNetwork(parent, `${name}-anonymization`, {
        store: exportStore,
        containerName: ANONYMIZATION_CONTAINER,
        uploader,
        script: (account) => blobUploadScript(account, ANONYMIZATION_CONTAINER, configNames.map((n) => ({ name: n, contentType: "application/json", content: configs[n] ?? "" }))),
        runCommandName: "upload-anonymization-configs",
        timeoutInSeconds: UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS,
        description: "Writes the $export anonymization configs (this container only)",
        location: ctx.location,
        tags: ctx.tags,
    });
}
