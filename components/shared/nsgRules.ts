import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as inputs from "@pulumi/azure-native/types/input";
import { createDiagnosticSettings } from "./diagnostics";
import { throwIfProblems } from "./validation";

/** One NSG rule in a compact, reviewable form; `ports` and `sources` become the singular or plural ARM fields. */
export interface NsgRuleSpec {
    /** Why the rule exists and which document requires it (shown in the portal as the rule description). */
    description: string;
    priority: number;
    direction: "Inbound" | "Outbound";
    access: "Allow" | "Deny";
    protocol: "Tcp" | "Udp" | "Icmp" | "*";
    /** Address prefixes or service tags (`GatewayManager`, `AzureLoadBalancer`, `VirtualNetwork`, `Internet`, CIDRs). */
    sources: string[];
    destinations: string[];
    /** Destination ports or ranges (`443`, `65200-65535`, `*`). */
    ports: string[];
}

/** The last inbound rule of every subnet NSG: Azure's defaults allow all VNet and load-balancer traffic, this turns the posture into deny-by-default. */
export const DENY_ALL_INBOUND: NsgRuleSpec = {
    description: "Deny everything not allowed above (overrides Azure's default AllowVnetInBound and AllowAzureLoadBalancerInBound)",
    priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["*"], ports: ["*"],
};

function one<K extends string, KS extends string>(single: K, plural: KS, values: string[]): Record<string, string | string[]> {
    return values.length === 1 ? { [single]: values[0] ?? "*" } : { [plural]: values };
}

/** NSG rule specs (keyed by rule name) → the inline `securityRules` of `network.NetworkSecurityGroup`. */
export function toSecurityRules(rules: Record<string, NsgRuleSpec>): inputs.network.SecurityRuleArgs[] {
    return Object.entries(rules).map(([name, r]) => ({
        name,
        description: r.description,
        priority: r.priority,
        direction: r.direction,
        access: r.access,
        protocol: r.protocol,
        sourcePortRange: "*",
        ...one("sourceAddressPrefix", "sourceAddressPrefixes", r.sources),
        ...one("destinationAddressPrefix", "destinationAddressPrefixes", r.destinations),
        ...one("destinationPortRange", "destinationPortRanges", r.ports),
    }));
}

/** Problems of a rule set: Azure's priority range 100-4096, unique priorities per direction, descriptions within 140 chars. */
export function nsgRuleProblems(label: string, rules: Record<string, NsgRuleSpec>): string[] {
    const p: string[] = [];
    const seen = new Map<string, string>();
    for (const [name, r] of Object.entries(rules)) {
        if (!Number.isInteger(r.priority) || r.priority < 100 || r.priority > 4096) p.push(`${label}.${name}: priority ${r.priority} outside 100-4096`);
        const key = `${r.direction}/${r.priority}`;
        const other = seen.get(key);
        if (other !== undefined) p.push(`${label}.${name}: priority ${r.priority} (${r.direction}) already used by ${other}`);
        seen.set(key, name);
        if (r.description.length > 140) p.push(`${label}.${name}: description longer than 140 chars`);
    }
    return p;
}

/** What a subnet NSG needs besides its rules. */
export interface SubnetNsgArgs {
    /** Azure name of the NSG. */
    name: pulumi.Input<string>;
    /** Resource group of the NSG. */
    resourceGroupName: pulumi.Input<string>;
    /** Region of the NSG (the subnet's VNet region). */
    location: string;
    /** Tags on the NSG. */
    tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Workspace for the NSG's diagnostic logs (NSGs have no metrics). */
    workspaceResourceId: pulumi.Input<string>;
}

/** Creates `<prefix>` (an NSG with the given rules, validated first) and its diagnostic setting `<prefix>-diag-law`. */
export function createSubnetNsg(prefix: string, rules: Record<string, NsgRuleSpec>, a: SubnetNsgArgs, opts: pulumi.CustomResourceOptions): network.NetworkSecurityGroup {
    throwIfProblems(prefix, "NSG rules", nsgRuleProblems(prefix, rules));
    const nsg = new network.NetworkSecurityGroup(prefix, {
        networkSecurityGroupName: a.name,
        resourceGroupName: a.resourceGroupName,
        location: a.location,
        securityRules: toSecurityRules(rules),
        tags: a.tags,
    }, opts);
    createDiagnosticSettings(prefix, nsg.id, { law: { workspaceResourceId: a.workspaceResourceId, metricCategories: [] } }, opts);
    return nsg;
}
