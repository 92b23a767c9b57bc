import * as pulumi from "@pulumi/pulumi";
import { createLock } from "../shared/lock";
import { resourceName } from "../shared/naming";
import { SecureStorageAccount, createSecureStorageAccount, fhirTrustedInstances } from "../shared/storageAccount";
import { ANONYMIZATION_CONTAINER, BLOB_ZONE, EXPORT_CONTAINER, IMPORT_CONTAINER } from "./constants";
import { FhirWorkspaceContext, statefulOptions, zoneId } from "./context";
import { FhirWorkspaceSettings } from "./defaults";

/** The `$import` and `$export` accounts (undefined when the operation is off). */
export interface FhirStores {
    importStore: SecureStorageAccount | undefined;
    exportStore: SecureStorageAccount | undefined;
}

/** Who the accounts trust: the workspace and its FHIR service instance, in the deploying subscription's tenant. */
export interface FhirStorageTrust {
    workspaceId: pulumi.Input<string>;
    fhirServiceName: string;
    tenantId: pulumi.Input<string>;
}

/** Import/export storage through the shared secure storage block, each account with its lock and containers. */
export function createFhirStorage(parent: pulumi.ComponentResource, name: string, ctx: FhirWorkspaceContext, trust: FhirStorageTrust, s: FhirWorkspaceSettings): FhirStores {
    const child: pulumi.CustomResourceOptions = { parent };
    // ---- import/export storage: reached by FHIR as a trusted service scoped to this workspace and FHIR service ----
    // The resource-instance rule's tenant is the workspace's (the deploying subscription's), which may differ from
    // the FHIR token authority's tenant (ahds:fhir.tenantId).
    const storageFor = (instance: string, containers: string[]) => {
        const st = createSecureStorageAccount(`${name}-st-${instance}`, {
            accountName: resourceName("storageAccount", ctx.naming, instance),
            resourceGroupName: ctx.rg,
            location: ctx.location,
            tags: ctx.tags,
            zoneRedundant: ctx.zoneRedundant,
            trustedResourceInstances: fhirTrustedInstances(trust.workspaceId, trust.fhirServiceName, trust.tenantId),
            softDeleteRetentionDays: s.storage.softDeleteRetentionDays,
            versioning: s.storage.versioning,
            containers,
            workspaceResourceId: ctx.law,
            blobPrivateEndpoint: { subnetResourceId: ctx.peSubnet, privateDnsZoneResourceId: zoneId(ctx, BLOB_ZONE) },
        }, statefulOptions(parent, ctx), child);
        createLock(`${name}-st-${instance}`, st.account.id, ctx.lock, child);
        return st;
    };
    const importStore = s.importSettings.enabled ? storageFor("imp", [IMPORT_CONTAINER]) : undefined;
    const exportStore = s.exportSettings.enabled && s.exportSettings.externalAccountName === undefined ? storageFor("exp", [EXPORT_CONTAINER, ANONYMIZATION_CONTAINER]) : undefined;
    return { importStore, exportStore };
}
