import * as pulumi from "@pulumi/pulumi";
import * as compute from "@pulumi/azure-native/compute";
import { packageUploadScript } from "../shared/blobUpload";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount } from "../shared/storageAccount";
import { parseResourceId } from "../shared/workspace";
import { PACKAGE_CONTAINER } from "./constants";
import { BulkLoaderContext } from "./context";
import { BulkLoaderSettings } from "./defaults";

/** GitHub release downloads redirect from github.com to these hosts (both are in use). */
const GITHUB_RELEASE_HOSTS = ["github.com", "objects.githubusercontent.com", "release-assets.githubusercontent.com"];

/**
 * The host names the uploader VM must reach to download a package from `url`, for the hub firewall's allow-list:
 * none without a URL; a GitHub URL's download redirects too; otherwise the URL's own host.
 */
export function packageSourceFqdns(url: string): string[] {
    if (url === "") return [];
    const host = new URL(url).hostname.toLowerCase();
    return host === "github.com" ? [...GITHUB_RELEASE_HOSTS] : [host];
}

/**
 * The code package, copied in-network: the account has no shared keys and no public path for the Pulumi engine
 * (azure-native's `storage.Blob` signs with account keys, pulumi/pulumi-azure-native#2015), so a managed Run Command
 * on the uploader VM downloads the zip, checks its SHA-256 and writes it to the private package container with the
 * VM's identity, which holds Storage Blob Data Contributor on that container only. Returns what the function app
 * waits for (the package), or nothing when the package is uploaded by hand.
 */
export function uploadCodePackage(parent: pulumi.ComponentResource, name: string, ctx: BulkLoaderContext, s: BulkLoaderSettings, store: SecureStorageAccount): pulumi.Resource[] {
    const upload = s.codePackage.upload;
    const container = store.containers[PACKAGE_CONTAINER];
    if (upload === undefined || container === undefined) return [];
    const [writer] = Object.values(createRoleAssignments(`${name}-package`, container.id, {
        uploader: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: upload.uploader.principalId, description: "Writes the FHIR Loader code package (this container only)" },
    }, { parent }));
    const vm = pulumi.output(upload.uploader.virtualMachineResourceId).apply(parseResourceId);
    const script = store.account.name.apply((account) => packageUploadScript(account, PACKAGE_CONTAINER,
        { sourceUrl: upload.sourceUrl, sha256: upload.sha256, name: s.codePackage.blobName, contentType: "application/zip" }, "BulkLoader"));
    // Wait for the blob endpoint's DNS records too, or the VM would resolve the account's public address.
    const endpoint = store.blobEndpoint;
    const command = new compute.VirtualMachineRunCommandByVirtualMachine(`${name}-package-upload`, {
        vmName: vm.name,
        resourceGroupName: vm.resourceGroupName,
        location: ctx.location,
        runCommandName: "upload-fhir-loader-package",
        source: { script },
        asyncExecution: false,
        timeoutInSeconds: 1800,
        // A failed download, digest check or upload fails `pulumi up` instead of hiding in the instance view.
        treatFailureAsDeploymentFailure: true,
        tags: ctx.tags,
    }, { parent, dependsOn: [container, ...(writer !== undefined ? [writer] : []), endpoint.endpoint, ...(endpoint.dnsZoneGroup !== undefined ? [endpoint.dnsZoneGroup] : [])] });
    return [command];
}
