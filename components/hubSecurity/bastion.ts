import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { resourceName } from "../shared/naming";
import { HubContext, hubDiagnostics } from "./context";
import { createHubPublicIp } from "./firewall";
import { HubNetwork } from "./network";

/** Azure Bastion, the only administrative entry point, with its public IP. */
export function createBastion(parent: pulumi.ComponentResource, name: string, ctx: HubContext, sku: string, hub: HubNetwork): network.BastionHost {
    const bastionPip = createHubPublicIp(parent, name, ctx, "bas", "bas");
    const tunnelling = sku !== "Basic";
    const bastion = new network.BastionHost(`${name}-bas`, {
        bastionHostName: resourceName("bastion", ctx.naming, "hub"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        sku: { name: sku },
        ipConfigurations: [{ name: "ipconfig", subnet: { id: hub.subnetId("AzureBastionSubnet") }, publicIPAddress: { id: bastionPip.id } }],
        // Native-client tunnelling (az network bastion ssh --auth-type AAD) needs Standard or above.
        ...(tunnelling ? { enableTunneling: true, enableShareableLink: false, enableIpConnect: false } : {}),
        tags: ctx.tags,
    }, { parent });
    hubDiagnostics(parent, name, ctx, "bas", bastion.id);
    return bastion;
}
