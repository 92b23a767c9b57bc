import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { resourceName } from "../shared/naming";
import { IngressContext, diag } from "./context";

/** A Standard, static IPv4 public IP with an Azure DNS label, zonal when asked, with diagnostics. */
export function createPublicIp(parent: pulumi.ComponentResource, name: string, ctx: IngressContext, key: string, label: pulumi.Input<string>, zones: string[] | undefined): network.PublicIPAddress {
    const ip = new network.PublicIPAddress(`${name}-pip-${key}`, {
        publicIpAddressName: resourceName("publicIpAddress", ctx.naming, key),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        sku: { name: "Standard", tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
        dnsSettings: { domainNameLabel: label },
        ...(zones !== undefined ? { zones } : {}),
        tags: ctx.tags,
    }, { parent });
    diag(parent, name, ctx, `pip-${key}`, ip.id);
    return ip;
}
