import * as pulumi from "@pulumi/pulumi";

/** The central Log Analytics workspace that receives diagnostics and traffic analytics. */
export interface WorkspaceReferenceArgs {
    /** Workspace resource ID. */
    resourceId: pulumi.Input<string>;
    /** Workspace (customer) ID, the GUID traffic analytics needs besides the resource ID. */
    customerId: pulumi.Input<string>;
}

/** Resource group and name from an ARM resource ID (`/subscriptions/…/resourceGroups/<rg>/providers/<ns>/<type>/<name>`). */
export function parseResourceId(id: string): { resourceGroupName: string; name: string } {
    const m = /\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)$/i.exec(id);
    if (m === null || m[1] === undefined || m[2] === undefined) throw new Error(`"${id}" is not a resource ID of the form /subscriptions/<sub>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>`);
    return { resourceGroupName: m[1], name: m[2] };
}
