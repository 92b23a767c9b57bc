import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import { Apim, createApiDiagnostic } from "./apim";
import { IngressContext } from "./context";
import { FHIR_OPERATIONS, fhirApiPolicy, templateParameters } from "./fhirApi";

/**
 * The FHIR API on API Management: the API (backend = the FHIR service URL), one operation per FHIR_OPERATIONS entry,
 * the policy (fhirApiPolicy: CORS, validate-jwt, per-caller throttling) and the request-log diagnostic.
 */
export function createFhirApi(parent: pulumi.ComponentResource, name: string, ctx: IngressContext, apim: Apim, fhirUrl: pulumi.Input<string>, tenantId: pulumi.Input<string>): void {
    const rg = ctx.rg;
    const { callsPerMinute, cors } = ctx.settings;
    const service = apim.service;
    const child = { parent };
    const api = new apimanagement.Api(`${name}-api-fhir`, {
        apiId: "fhir",
        serviceName: service.name,
        resourceGroupName: rg,
        displayName: "FHIR R4",
        description: "The FHIR service's REST API: Entra ID token validated here, authorised by FHIR RBAC.",
        path: "fhir",
        protocols: ["https"],
        apiType: "http",
        serviceUrl: fhirUrl,
        // Callers authenticate with Entra ID tokens (validate-jwt), not APIM subscription keys.
        subscriptionRequired: false,
    }, child);
    for (const op of FHIR_OPERATIONS) {
        new apimanagement.ApiOperation(`${name}-op-${op.id}`, {
            operationId: op.id,
            apiId: api.name,
            serviceName: service.name,
            resourceGroupName: rg,
            displayName: op.displayName,
            method: op.method,
            urlTemplate: op.urlTemplate,
            templateParameters: templateParameters(op.urlTemplate).map((p) => ({ name: p, type: "string", required: true })),
        }, child);
    }
    new apimanagement.ApiPolicy(`${name}-api-fhir-policy`, {
        apiId: api.name,
        serviceName: service.name,
        resourceGroupName: rg,
        policyId: "policy",
        format: "rawxml",
        value: pulumi.all([tenantId, fhirUrl]).apply(([t, audience]) => fhirApiPolicy({ tenantId: t, audience, callsPerMinute, cors })),
    }, child);

    // Request logs without headers or bodies: FHIR payloads are PHI.
    createApiDiagnostic(`${name}-api-fhir-diagnostic`, api, apim, rg, child);
}
