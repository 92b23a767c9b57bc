import * as pulumi from "@pulumi/pulumi";
import { NamingArgs } from "./naming";

/** Where a component's children go and what they carry: the part of every component's context that is the same. */
export interface Placement {
    /** Naming parts of every Azure name. */
    naming: NamingArgs;
    /** Region of every regional child (the naming location). */
    location: string;
    /** Resource group of every child. */
    rg: pulumi.Input<string>;
    /** Tags of every taggable child. */
    tags: Record<string, pulumi.Input<string>>;
}

/** The placement from a component's args (`naming`, `resourceGroupName`, `tags`, which defaults to none). */
export function placement(args: { naming: NamingArgs; resourceGroupName: pulumi.Input<string>; tags?: Record<string, pulumi.Input<string>> }): Placement {
    return { naming: args.naming, location: args.naming.location, rg: args.resourceGroupName, tags: args.tags ?? {} };
}
