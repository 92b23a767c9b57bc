import * as pulumi from "@pulumi/pulumi";
import * as healthcareapis from "@pulumi/azure-native/healthcareapis";
import { PrivateEndpointArgs, createPrivateEndpoints } from "../shared/privateEndpoint";
import { FhirWorkspaceContext } from "./context";

/** The workspace's private endpoint (group `healthcareworkspace`), its only network control. */
export function createWorkspaceEndpoint(
    parent: pulumi.ComponentResource,
    name: string,
    ctx: FhirWorkspaceContext,
    workspace: healthcareapis.Workspace,
    endpoints: Record<string, PrivateEndpointArgs>,
    workspaceServices: pulumi.Resource[],
): void {
    // ---- the workspace's private endpoint, after every service with a data-plane host name ----
    // A service in a Private Link workspace gets its A record (`<ws>-<svc>.fhir|dicom.azurehealthcareapis.com`)
    // from the endpoint's DNS zone group only when it is provisioned before the endpoint, or with an endpoint
    // refresh; otherwise its traffic does not use Private Link and, with public access closed, fails
    // (learn.microsoft.com/azure/healthcare-apis/healthcare-apis-configure-private-link). MedTech has no
    // data-plane host name, so it does not hold the endpoint back.
    createPrivateEndpoints(`${name}-ws`, { id: workspace.id, name: workspace.name, resourceGroupName: ctx.rg, location: ctx.location, tags: ctx.tags }, endpoints,
        { parent, dependsOn: workspaceServices });
}
