import * as pulumi from "@pulumi/pulumi";
import { Placement, placement } from "../shared/placement";
import { NsgRuleSpec } from "../shared/nsgRules";
import { WorkspaceReferenceArgs } from "../shared/workspace";
import { SpokeNetworkArgs } from "./args";
import { SpokeSubnetKey, spokeNsgRules } from "./nsgRules";

/** What every step of the spoke needs to create its children: names, placement, tags, the central workspace. */
export interface SpokeContext extends Placement {
    workspace: WorkspaceReferenceArgs;
}

/** The spoke's settings with their defaults applied. */
export interface SpokeSettings {
    /** NSG rules per subnet, for the configured App Gateway inbound sources and Event Hubs switch. */
    nsgRules: Record<SpokeSubnetKey, Record<string, NsgRuleSpec>>;
    /** Hub private DNS zones to link to the spoke VNet, by zone name. */
    privateDnsZoneIds: Record<string, pulumi.Input<string>>;
}

export function spokeContext(args: SpokeNetworkArgs): SpokeContext {
    return { ...placement(args), workspace: args.workspace };
}

/** The args' defaults, applied in one place (here). */
export function spokeSettings(args: SpokeNetworkArgs): SpokeSettings {
    const inbound = args.appGatewayInboundSources ?? ["Internet"];
    return {
        nsgRules: spokeNsgRules(args.subnets, inbound, args.eventHubsOverPrivateEndpoint === true, args.sqlOverPrivateEndpoint === true),
        privateDnsZoneIds: args.privateDnsZoneIds ?? {},
    };
}
