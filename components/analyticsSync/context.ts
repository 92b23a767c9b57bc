import * as pulumi from "@pulumi/pulumi";
import { LockArgs } from "../shared/lock";
import { Placement } from "../shared/placement";

/** What every block of the component needs: placement, network, the deploying identity's IDs, lock and stateful options. */
export interface AnalyticsSyncContext extends Placement {
    /** Central Log Analytics workspace for diagnostics. */
    law: pulumi.Input<string>;
    /** Subnet of every private endpoint. */
    peSubnet: pulumi.Input<string>;
    /** Subnet of the Container Apps environment. */
    containerAppsSubnet: pulumi.Input<string>;
    /** Private DNS zone IDs by zone name. */
    zones: Record<string, pulumi.Input<string>>;
    /** The deploying identity's tenant and subscription (resource-instance rules, IDs of resources not yet created). */
    tenantId: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
    zoneRedundant: boolean;
    lock: LockArgs | undefined;
    stateful: { protect: boolean; retainOnDelete: boolean };
}

/** The ID of a private DNS zone by name (validation guarantees the zones the component needs). */
export function zoneId(ctx: AnalyticsSyncContext, zone: string): pulumi.Input<string> {
    return ctx.zones[zone] ?? "";
}

/** Options of a stateful child: parented, protected/retained as configured. */
export function statefulOptions(parent: pulumi.ComponentResource, ctx: AnalyticsSyncContext): pulumi.CustomResourceOptions {
    return { parent, ...ctx.stateful };
}
