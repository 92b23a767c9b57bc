import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { resourceName } from "../shared/naming";
import { createPublicIp } from "../shared/publicIp";
import { HubContext, HubSettings, hubDiagnostics } from "./context";
import { egressRuleCollectionGroups } from "./egress";
import { ALWAYS_SNAT, onPremisesRuleCollectionGroup } from "./hybrid";
import { HubNetwork } from "./network";

/** What later steps need of the firewall. */
export interface HubFirewall {
    policy: network.FirewallPolicy;
    /** The firewall's reported private IP, checked against the planned one: next hop and DNS server of the spokes. */
    privateIp: pulumi.Output<string>;
}

/** A public IP of the hub (zonal when the hub is zone redundant) with its diagnostics, `${name}-pip-${key}`. */
export function createHubPublicIp(parent: pulumi.ComponentResource, name: string, ctx: HubContext, key: string, instance: string): network.PublicIPAddress {
    return createPublicIp(`${name}-pip-${key}`, {
        name: resourceName("publicIpAddress", ctx.naming, instance), resourceGroupName: ctx.rg, location: ctx.location, tags: ctx.tags,
        zones: ctx.zones, workspaceResourceId: ctx.workspace.resourceId,
    }, { parent });
}

/** Azure Firewall with a Firewall Policy (no classic rule collections; reference defect 2). */
export function createFirewall(parent: pulumi.ComponentResource, name: string, ctx: HubContext, s: HubSettings, hub: HubNetwork): HubFirewall {
    const { naming, rg, location, tags, zones } = ctx;
    const fwSku = s.firewallSku;
    // On-premises callers to the FHIR/DICOM private endpoints (hybrid.ts); their rules need SNAT for symmetric flows.
    const onPremises = onPremisesRuleCollectionGroup(s.hybrid);
    const policy = new network.FirewallPolicy(`${name}-afwp`, {
        firewallPolicyName: resourceName("firewallPolicy", naming, "hub"),
        resourceGroupName: rg,
        location,
        sku: { tier: fwSku },
        // Known-malicious IPs and domains are blocked, not just alerted (HITRUST 09.j, Azure Policy "Azure Firewall
        // Policy should enable threat intelligence").
        threatIntelMode: "Deny",
        // DNS proxy: the spokes' DNS server, so FQDN network rules work and every lookup is logged (AZFWDnsQuery).
        dnsSettings: { enableProxy: true },
        // IDPS only exists on Premium; Deny drops matching flows (learn.microsoft.com/azure/firewall/premium-features#idps).
        ...(fwSku === "Premium" ? { intrusionDetection: { mode: "Deny" } } : {}),
        // Policy analytics into the central workspace.
        insights: { isEnabled: true, retentionDays: 30, logAnalyticsResources: { defaultWorkspaceId: { id: ctx.workspace.resourceId } } },
        ...(onPremises !== undefined ? { snat: ALWAYS_SNAT } : {}),
        tags,
    }, { parent });

    // Rule collection groups of one policy must be written one at a time (parallel PUTs fail with
    // "AnotherOperationInProgress"), and the firewall is attached after the last one.
    const egress = s.egress;
    const groups = egressRuleCollectionGroups({
        all: egress.workloadAddressPrefixes,
        jumpbox: s.jumpbox.enabled ? [s.network.jumpboxSubnet] : [],
        apim: egress.apimAddressPrefixes,
        containerApps: egress.containerAppsAddressPrefixes,
    }, egress.containerImageFqdns, egress.packageSourceFqdns, { apimSmtpRelay: egress.apimSmtpRelay }).concat(onPremises !== undefined ? [onPremises] : []);
    let previous: pulumi.Resource | undefined;
    for (const g of groups) {
        previous = new network.FirewallPolicyRuleCollectionGroup(`${name}-rcg-${g.name}`, {
            ruleCollectionGroupName: g.name,
            firewallPolicyName: policy.name,
            resourceGroupName: rg,
            priority: g.priority,
            ruleCollections: g.collections,
        }, { parent, ...(previous !== undefined ? { dependsOn: [previous] } : {}) });
    }

    const fwPip = createHubPublicIp(parent, name, ctx, "afw", "afw");
    const mgmtPip = s.network.firewallManagementSubnet !== undefined ? createHubPublicIp(parent, name, ctx, "afw-mgmt", "afwm") : undefined;
    const firewall = new network.AzureFirewall(`${name}-afw`, {
        azureFirewallName: resourceName("firewall", naming, "hub"),
        resourceGroupName: rg,
        location,
        sku: { name: "AZFW_VNet", tier: fwSku },
        firewallPolicy: { id: policy.id },
        ipConfigurations: [{ name: "ipconfig", subnet: { id: hub.subnetId("AzureFirewallSubnet") }, publicIPAddress: { id: fwPip.id } }],
        ...(mgmtPip !== undefined ? { managementIpConfiguration: { name: "mgmt-ipconfig", subnet: { id: hub.subnetId("AzureFirewallManagementSubnet") }, publicIPAddress: { id: mgmtPip.id } } } : {}),
        ...(zones !== undefined ? { zones } : {}),
        tags,
    }, { parent, ...(previous !== undefined ? { dependsOn: [previous] } : {}) });
    hubDiagnostics(parent, name, ctx, "afw", firewall.id);
    const expected = hub.expectedFirewallIp;
    const privateIp = firewall.ipConfigurations.apply((configs) => {
        const ip = configs?.[0]?.privateIPAddress;
        if (ip !== expected) {
            throw new Error(`HubSecurity ${name}: the firewall reports private IP ${ip ?? "(none)"}, but routes and DNS were planned for ${expected} (first usable address of AzureFirewallSubnet); fix the subnet before traffic is blackholed`);
        }
        return ip;
    });
    return { policy, privateIp };
}
