import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { Apim, createApiDiagnostic } from "./apim";
import { BULK_BASE_PATH, bulkApiPolicy, bulkOperations, normalizedBlobEndpoint } from "./bulkApi";
import { IngressContext } from "./context";

/** The bulk upload settings that are known only at deploy time (the loader's endpoint, the tenant). */
export interface BulkUploadInputs {
    blobEndpoint: pulumi.Input<string>;
    tenantId: pulumi.Input<string>;
}

/**
 * The bulk upload API on API Management: the API (`/bulk`, HTTPS, no subscription key, backend = the loader's blob
 * endpoint), one `PUT /<container>/{name}` operation per container, the policy (bulkApiPolicy) and a request-log
 * diagnostic without headers or bodies.
 */
export function createBulkApi(parent: pulumi.ComponentResource, name: string, ctx: IngressContext, apim: Apim, inputs: BulkUploadInputs): void {
    const settings = ctx.settings.bulk;
    if (settings === undefined) return;
    const rg = ctx.rg;
    const service = apim.service;
    const child = { parent };
    const endpoint = pulumi.output(inputs.blobEndpoint).apply(normalizedBlobEndpoint);
    const api = new apimanagement.Api(`${name}-api-bulk`, {
        apiId: "bulk",
        serviceName: service.name,
        resourceGroupName: rg,
        displayName: "FHIR bulk upload",
        description: "Upload FHIR bundles, NDJSON and zip files for the FHIR Loader: Entra ID token with the upload app role validated here; API Management writes the blob with its own identity.",
        path: BULK_BASE_PATH.slice(1),
        protocols: ["https"],
        apiType: "http",
        serviceUrl: endpoint,
        // Callers authenticate with Entra ID tokens (validate-jwt), not APIM subscription keys.
        subscriptionRequired: false,
    }, child);
    for (const op of bulkOperations(settings.containers)) {
        new apimanagement.ApiOperation(`${name}-op-bulk-${op.container}`, {
            operationId: op.id,
            apiId: api.name,
            serviceName: service.name,
            resourceGroupName: rg,
            displayName: op.displayName,
            method: op.method,
            urlTemplate: op.urlTemplate,
            templateParameters: [{ name: "name", type: "string", required: true }],
        }, child);
    }
    new apimanagement.ApiPolicy(`${name}-api-bulk-policy`, {
        apiId: api.name,
        serviceName: service.name,
        resourceGroupName: rg,
        policyId: "policy",
        format: "rawxml",
        value: pulumi.all([endpoint, inputs.tenantId]).apply(([blobEndpoint, tenantId]) => bulkApiPolicy(settings, { blobEndpoint, tenantId })),
    }, child);

    // Request logs without headers or bodies: the files are PHI.
    createApiDiagnostic(`${name}-api-bulk-diagnostic`, api, apim, rg, child);
}
