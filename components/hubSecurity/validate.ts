import { lockProblems } from "../shared/lock";
import { nsgRuleProblems } from "../shared/nsgRules";
import { addressPlanProblems } from "../shared/subnets";
import { parseCidr } from "../shared/cidr";
import { DEFAULT_PRIVATE_DNS_ZONES, HubSecurityArgs } from "./args";
import { hubNsgRules } from "./network";

const FIREWALL_SKUS = ["Standard", "Premium"];
const BASTION_SKUS = ["Basic", "Standard", "Premium"];
const PRIVATE_ZONE = /^privatelink\.[a-z0-9.-]+[a-z]$/;

/** Plain-value validation of the whole component, before any child is created. */
export function hubSecurityProblems(args: HubSecurityArgs): string[] {
    const n = args.network;
    const p = addressPlanProblems("network.addressSpace", n.addressSpace, [
        { label: "network.firewallSubnet", cidr: n.firewallSubnet, purpose: "firewall" },
        ...(n.firewallManagementSubnet !== undefined ? [{ label: "network.firewallManagementSubnet", cidr: n.firewallManagementSubnet, purpose: "firewallManagement" as const }] : []),
        { label: "network.bastionSubnet", cidr: n.bastionSubnet, purpose: "bastion" },
        { label: "network.jumpboxSubnet", cidr: n.jumpboxSubnet, purpose: "generic" },
        { label: "network.privateEndpointSubnet", cidr: n.privateEndpointSubnet, purpose: "generic" },
    ]).map((x) => `${x.label}: ${x.message}`);
    const fwSku = args.firewall?.sku ?? "Standard";
    if (!FIREWALL_SKUS.includes(fwSku)) p.push(`firewall.sku "${fwSku}" is not one of ${FIREWALL_SKUS.join(", ")} (Basic has no DNS proxy and cannot deny on threat intelligence)`);
    const basSku = args.bastion?.sku ?? "Basic";
    if (!BASTION_SKUS.includes(basSku)) p.push(`bastion.sku "${basSku}" is not one of ${BASTION_SKUS.join(", ")}`);
    const e = args.egress ?? {};
    for (const [k, v] of Object.entries({ workloadAddressPrefixes: e.workloadAddressPrefixes, apimAddressPrefixes: e.apimAddressPrefixes, containerAppsAddressPrefixes: e.containerAppsAddressPrefixes })) {
        for (const c of v ?? []) if (typeof parseCidr(c) === "string") p.push(`egress.${k}: "${c}" is not a CIDR`);
    }
    for (const z of args.privateDnsZones ?? []) if (!PRIVATE_ZONE.test(z)) p.push(`privateDnsZones: "${z}" is not a privatelink zone name`);
    if (!(args.privateDnsZones ?? DEFAULT_PRIVATE_DNS_ZONES).includes("privatelink.vaultcore.azure.net")) p.push("privateDnsZones must include privatelink.vaultcore.azure.net (the hub Key Vault's endpoint)");
    const g = args.governance ?? {};
    if (g.hitrustPolicyAssignmentEnabled === true && Object.keys(g.policyAssignmentScopes ?? {}).length === 0) p.push("governance.policyAssignmentScopes must name at least one scope when the initiative is enabled");
    for (const k of Object.keys(g.policyAssignmentScopes ?? {})) if (!/^[a-z0-9-]{1,20}$/.test(k)) p.push(`governance.policyAssignmentScopes key "${k}" must be 1-20 lowercase letters, digits or hyphens`);
    const j = args.jumpbox ?? {};
    if (j.adminUsername !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(j.adminUsername)) p.push(`jumpbox.adminUsername "${j.adminUsername}" must be 1-32 lowercase letters, digits, _ or -`);
    for (const id of j.loginGroupObjectIds ?? []) if (!/^[0-9a-f-]{36}$/i.test(id)) p.push(`jumpbox.loginGroupObjectIds: "${id}" is not an object ID`);
    const rules = hubNsgRules(n);
    for (const k of ["bastion", "jumpbox", "pe"] as const) p.push(...nsgRuleProblems(`nsg.${k}`, rules[k]));
    p.push(...lockProblems(args.lock));
    return p;
}
