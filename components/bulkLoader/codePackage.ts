import * as pulumi from "@pulumi/pulumi";
import { UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS, packageUploadScript } from "../shared/blobUpload";
import { uploadInNetwork } from "../shared/inNetworkUpload";
import { SecureStorageAccount } from "../shared/storageAccount";
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
    if (upload === undefined) return [];
    const command = uploadInNetwork(parent, `${name}-package`, {
        store,
        containerName: PACKAGE_CONTAINER,
        uploader: upload.uploader,
        script: (account) => packageUploadScript(account, PACKAGE_CONTAINER,
            { sourceUrl: upload.sourceUrl, sha256: upload.sha256, name: s.codePackage.blobName, contentType: "application/zip" }, "BulkLoader"),
        runCommandName: "upload-fhir-loader-package",
        timeoutInSeconds: UPLOAD_RUN_COMMAND_TIMEOUT_SECONDS,
        description: "Writes the FHIR Loader code package (this container only)",
        location: ctx.location,
        tags: ctx.tags,
    });
    return command !== undefined ? [command] : [];
}
