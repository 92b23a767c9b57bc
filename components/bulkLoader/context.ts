import * as pulumi from "@pulumi/pulumi";
import { LockArgs } from "../shared/lock";
import { Placement } from "../shared/placement";

/** What every block of the component needs: naming, placement, tags, network, lock and the stateful options. */
export interface BulkLoaderContext extends Placement {
    /** Central Log Analytics workspace for diagnostics and Application Insights. */
    law: pulumi.Input<string>;
    /** Subnet of every private endpoint. */
    peSubnet: pulumi.Input<string>;
    /** Subnet of the function app's VNet integration. */
    functionSubnet: pulumi.Input<string>;
    /** Private DNS zone IDs by zone name. */
    zones: Record<string, pulumi.Input<string>>;
    /** Zone-redundant plan and storage. */
    zoneRedundant: boolean;
    /** Lock on the storage account (none when undefined). */
    lock: LockArgs | undefined;
    /** Pulumi `protect`/`retainOnDelete` of stateful children. */
    stateful: { protect: boolean; retainOnDelete: boolean };
}

/** The ID of a private DNS zone by name (validation guarantees the zones the component needs). */
export function zoneId(ctx: BulkLoaderContext, zone: string): pulumi.Input<string> {
    return ctx.zones[zone] ?? "";
}

/** Options of a stateful child: parented, protected/retained as configured. */
export function statefulOptions(parent: pulumi.ComponentResource, ctx: BulkLoaderContext): pulumi.CustomResourceOptions {
    return { parent, ...ctx.stateful };
}
