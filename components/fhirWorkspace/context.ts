import * as pulumi from "@pulumi/pulumi";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { LockArgs } from "../shared/lock";
import { Placement } from "../shared/placement";

/** What every block of the component needs: naming, placement, tags, network, lock and the stateful options. */
export interface FhirWorkspaceContext extends Placement {
    /** Central Log Analytics workspace for diagnostics. */
    law: pulumi.Input<string>;
    /** Subnet of every private endpoint. */
    peSubnet: pulumi.Input<string>;
    /** Private DNS zone IDs by zone name. */
    zones: Record<string, pulumi.Input<string>>;
    /** Zone-redundant storage, registry and Event Hubs. */
    zoneRedundant: boolean;
    /** Lock on the workspace, storage accounts and registry (none when undefined). */
    lock: LockArgs | undefined;
    /** Pulumi `protect`/`retainOnDelete` of stateful children. */
    stateful: { protect: boolean; retainOnDelete: boolean };
}

/** The ID of a private DNS zone by name (validation guarantees the zones the enabled blocks need). */
export function zoneId(ctx: FhirWorkspaceContext, zone: string): pulumi.Input<string> {
    return ctx.zones[zone] ?? "";
}

/** Options of a stateful child: parented, protected/retained as configured. */
export function statefulOptions(parent: pulumi.ComponentResource, ctx: FhirWorkspaceContext): pulumi.CustomResourceOptions {
    return { parent, ...ctx.stateful };
}

/** `<name>-<key>-diag-law`: allLogs + AllMetrics of `resourceUri` to the central Log Analytics workspace. */
export function lawDiagnostics(parent: pulumi.ComponentResource, name: string, ctx: FhirWorkspaceContext, key: string, resourceUri: pulumi.Input<string>): void {
    createDiagnosticSettings(`${name}-${key}`, resourceUri, { law: { workspaceResourceId: ctx.law } }, { parent });
}
