import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { createDiagnosticSettings } from "./diagnostics";

/** A public IP of an edge service (firewall, Bastion, gateway, API Management's management endpoint). */
export interface PublicIpSettings {
    /** Azure name of the address. */
    name: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    location: string;
    tags: Record<string, pulumi.Input<string>>;
    /** Availability zones; zone-redundant is all three ("1", "2", "3"). Omitted: no zones. */
    zones?: string[];
    /** Azure DNS label (`<label>.<region>.cloudapp.azure.com`, unique per region across Azure). Omitted: no label. */
    domainNameLabel?: pulumi.Input<string>;
    /** Central Log Analytics workspace for the address's DDoS and metric logs. */
    workspaceResourceId: pulumi.Input<string>;
}

/**
 * Creates `<prefix>`: a Standard, static, IPv4 public IP (Basic SKU public IPs retired on 2025-09-30 and never
 * supported zones), and its diagnostic setting `<prefix>-diag-law`.
 */
export function createPublicIp(prefix: string, s: PublicIpSettings, opts: pulumi.CustomResourceOptions): network.PublicIPAddress {
    const ip = new network.PublicIPAddress(prefix, {
        publicIpAddressName: s.name,
        resourceGroupName: s.resourceGroupName,
        location: s.location,
        sku: { name: "Standard", tier: "Regional" },
        publicIPAllocationMethod: "Static",
        publicIPAddressVersion: "IPv4",
        ...(s.domainNameLabel !== undefined ? { dnsSettings: { domainNameLabel: s.domainNameLabel } } : {}),
        ...(s.zones !== undefined ? { zones: s.zones } : {}),
        tags: s.tags,
    }, opts);
    createDiagnosticSettings(prefix, ip.id, { law: { workspaceResourceId: s.workspaceResourceId } }, opts);
    return ip;
}
