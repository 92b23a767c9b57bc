import * as pulumi from "@pulumi/pulumi";
import { validatedArgs } from "../shared/validation";
import { SpokeNetworkArgs } from "./args";
import { spokeContext, spokeSettings } from "./context";
import { createSpokeNetwork, spokeSubnetIds } from "./network";
import { createSpokeFlowLog, linkPrivateDnsZones, peerWithHub } from "./links";
import { spokeNetworkProblems } from "./validate";

export * from "./args";
export { ROUTE_EXCEPTIONS, spokeNsgRules } from "./nsgRules";
export type { SpokeSubnetKey } from "./nsgRules";
export { spokeNetworkProblems } from "./validate";

/**
 * The spoke VNet: one subnet per service, each with its own NSG (deny-by-default, the service's documented rules)
 * and a route table with BGP propagation off that sends 0.0.0.0/0 to the hub firewall (reference defect 2: the RI left
 * the workload subnets without routes), except for documented exceptions (the App Gateway's), whose table has no
 * routes. DNS goes to the firewall's DNS proxy; the VNet is peered with the hub both ways and linked to the hub's
 * private DNS zones (fallback to internet for privatelink zones); flow logs are optional.
 */
export class SpokeNetwork extends pulumi.ComponentResource {
    /** Resource ID of the spoke VNet. */
    public readonly spokeVirtualNetworkId: pulumi.Output<string>;
    /** Azure name of the spoke VNet. */
    public readonly spokeVirtualNetworkName: pulumi.Output<string>;
    /**
     * Subnet resource IDs by key: appGateway, apim, privateEndpoints, functionIntegration, containerApps. They resolve
     * only once both peerings and the DNS links exist, so a resource placed in a subnet waits for the spoke's DNS and
     * routes (the hub firewall's address) to work.
     */
    public readonly subnetIds: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: SpokeNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:SpokeNetwork", name, validatedArgs("SpokeNetwork", name, args, spokeNetworkProblems), opts);

        // Defaults, applied in one place (context.ts).
        const ctx = spokeContext(args);
        const settings = spokeSettings(args);

        const vnet = createSpokeNetwork(this, name, ctx, settings, args);
        const peerings = peerWithHub(this, name, ctx, vnet, args.hubVirtualNetworkId, args.hubGatewayResourceId);
        const links = linkPrivateDnsZones(this, name, ctx, vnet, settings.privateDnsZoneIds);
        createSpokeFlowLog(this, name, ctx, vnet, args);

        this.spokeVirtualNetworkId = vnet.id;
        this.spokeVirtualNetworkName = vnet.name;
        // Resolved only once the spoke is connected (peerings, DNS links), so its services wait for that.
        this.subnetIds = spokeSubnetIds(vnet, [...peerings, ...links]);
        this.registerOutputs({
            spokeVirtualNetworkId: this.spokeVirtualNetworkId,
            spokeVirtualNetworkName: this.spokeVirtualNetworkName,
            subnetIds: this.subnetIds,
        });
    }
}
