import {
    APPLICATION_GATEWAY_SUBNET_NAMES, NO_NSG_SUBNETS, PLATFORM_SUBNETS, enumEquals, isDefaultRoutePrefix, isFirewallSubnetInternetTable, objects as arr, present, prop,
} from "./common";
import { resourceRule } from "./define";

const AREA = "network";
/** Sources that mean "anyone on the internet". */
const INTERNET = ["*", "internet", "any", "0.0.0.0/0", "::/0"];

type Obj = Record<string, unknown>;
const strs = (...vs: unknown[]): string[] => vs.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((x): x is string => typeof x === "string");

/** The subnets of a VNet (inline) or a standalone Subnet, as { name, props } (standalone subnet properties are flat). */
function subnetsOf(typeKey: string, name: string, props: Obj): Array<{ name: string; props: Obj }> {
    if (typeKey === "network:Subnet") return [{ name: String(props["subnetName"] ?? props["name"] ?? name), props }];
    return arr(props["subnets"]).map((s) => ({ name: String(s["name"] ?? ""), props: s }));
}

export const subnetHasNsg = resourceRule<{ exemptSubnetNames: string[] }>({
    name: "subnet-has-nsg",
    area: AREA,
    description: "Every subnet (inline in a VNet or standalone) has a network security group, except those where Azure forbids one.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "01.l", "01.m", "01.n", "09.j", "09.m", "10.m"], azurePolicy: ["e71308d3"], checkov: ["CKV2_AZURE_31"] },
    types: ["network:VirtualNetwork", "network:Subnet"],
    remediation: "Attach a networkSecurityGroup to the subnet.",
    config: { exemptSubnetNames: { type: "array", items: { type: "string" }, default: NO_NSG_SUBNETS } },
    check: (r, c, report, exempt) => {
        for (const s of subnetsOf(r.typeKey, r.name, r.props)) {
            if (c.exemptSubnetNames.includes(s.name) || exempt(`${r.name}/${s.name}`)) continue;
            if (!present(s.props, "networkSecurityGroup.id")) report(`subnet "${s.name}" of "${r.name}" has no network security group`);
        }
    },
});

/** True when a port range list covers the port (`*`, `22`, `20-30`). */
function covers(ranges: string[], port: number): boolean {
    return ranges.some((range) => {
        if (range === "*") return true;
        const [lo, hi] = range.split("-").map(Number);
        return lo !== undefined && !Number.isNaN(lo) && port >= lo && port <= (hi ?? lo);
    });
}

export const nsgNoInternetManagementPorts = resourceRule<{ ports: number[] }>({
    name: "nsg-no-internet-mgmt-ports",
    area: AREA,
    description: "No NSG rule lets SSH, RDP (or other configured management ports) in from the internet.",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "01.j", "01.l", "09.m"], azurePolicy: ["22730e10", "b0f33259", "9daedab3"], checkov: ["CKV_AZURE_9", "CKV_AZURE_10"] },
    types: ["network:NetworkSecurityGroup", "network:SecurityRule"],
    remediation: "Reach machines through Bastion; remove inbound Allow rules from Internet/*/0.0.0.0/0 to management ports.",
    config: { ports: { type: "array", items: { type: "integer" }, default: [22, 3389] } },
    check: (r, c, report) => {
        const rules = r.typeKey === "network:SecurityRule" ? [r.props] : arr(r.props["securityRules"]);
        for (const rule of rules) {
            if (!enumEquals(rule["direction"], "Inbound") || !enumEquals(rule["access"], "Allow")) continue;
            const sources = strs(rule["sourceAddressPrefix"], rule["sourceAddressPrefixes"]).map((s) => s.toLowerCase());
            if (!sources.some((s) => INTERNET.includes(s) || s.endsWith("/0"))) continue;
            const ports = strs(rule["destinationPortRange"], rule["destinationPortRanges"]);
            for (const port of c.ports) if (covers(ports, port)) report(`NSG rule "${String(rule["name"] ?? r.name)}" allows port ${port} from the internet`);
        }
    },
});

export const nicNoPublicIp = resourceRule({
    name: "nic-no-public-ip",
    area: AREA,
    description: "Network interfaces, VMs and VM scale sets carry no public IP: workloads are reached through the gateway or Bastion only.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n"], azurePolicy: ["83a86a26"], checkov: ["CKV_AZURE_119", "CKV2_AZURE_39"] },
    types: ["network:NetworkInterface", "compute:VirtualMachine", "compute:VirtualMachineScaleSet"],
    remediation: "Remove publicIPAddress from NIC IP configurations (and publicIPAddressConfiguration from VM and scale-set NIC configurations).",
    check: (r, _c, report) => {
        // A VM declares NICs inline under networkProfile; a scale set under virtualMachineProfile.networkProfile.
        const nicConfigs = r.typeKey === "compute:VirtualMachineScaleSet" ? "virtualMachineProfile.networkProfile.networkInterfaceConfigurations" : "networkProfile.networkInterfaceConfigurations";
        const configs = r.typeKey === "network:NetworkInterface"
            ? arr(r.props["ipConfigurations"]).filter((ip) => ip["publicIPAddress"] !== undefined)
            : arr(prop(r.props, nicConfigs)).flatMap((n) => arr(n["ipConfigurations"])).filter((ip) => ip["publicIPAddressConfiguration"] !== undefined);
        if (configs.length > 0) report(`${r.typeKey} "${r.name}" has a public IP`);
    },
});

export const routeDefaultViaFirewall = resourceRule({
    name: "route-default-via-firewall",
    area: AREA,
    description: "A default route (0.0.0.0/0 or IPv6 ::/0, or either half of a split default: 0.0.0.0/1 and 128.0.0.0/1, ::/1 and 8000::/1) goes to a virtual appliance (the firewall) or is dropped (next hop None), never straight to the internet, and BGP cannot override it. One exception, Learn's override for the firewall's own subnet in a hybrid hub: a route table whose only route is 0.0.0.0/0 → Internet, BGP propagation on, is left to subnet-egress-via-firewall, which admits it on AzureFirewallSubnet only.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "01.o", "09.m"], azurePolicy: ["fc5e4038"], checkov: [] },
    types: ["network:RouteTable", "network:Route"],
    remediation: "Route 0.0.0.0/0 (and, in a dual-stack VNet, ::/0) with nextHopType VirtualAppliance to the firewall's private IP and set disableBgpRoutePropagation: true. Only AzureFirewallSubnet's table may instead hold exactly one route, 0.0.0.0/0 → Internet, with BGP propagation on (learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy).",
    check: (r, _c, report) => {
        // AzureFirewallSubnet's override of a BGP-learned default route (isFirewallSubnetInternetTable, common.ts): this
        // rule sees the table alone, not the subnet using it, so the table is judged by its association in
        // subnet-egress-via-firewall, which fails it on any subnet but AzureFirewallSubnet and when no AzureFirewallSubnet
        // of the stack uses it.
        if (r.typeKey === "network:RouteTable" && isFirewallSubnetInternetTable(r.props)) return;
        const routes = r.typeKey === "network:Route" ? [r.props] : arr(r.props["routes"]);
        // A split default (0.0.0.0/1 + 128.0.0.0/1, ::/1 + 8000::/1) beats the /0 by longest-prefix match, so it counts
        // as one; an IPv6 default (::/0) is a default route too: in a dual-stack VNet it carries the internet-bound IPv6
        // traffic (isDefaultRoutePrefix, common.ts).
        const defaults = routes.filter((x) => isDefaultRoutePrefix(x["addressPrefix"]));
        // Next hop None drops the traffic (learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview#next-hop-types-across-azure-tools):
        // stricter than the firewall, so a dropped default (an IPv6 ::/0 the firewall cannot carry, say) complies.
        for (const d of defaults) if (!enumEquals(d["nextHopType"], "VirtualAppliance") && !enumEquals(d["nextHopType"], "None")) report(`route "${String(d["name"] ?? r.name)}" sends ${String(d["addressPrefix"])} to ${String(d["nextHopType"])} instead of the firewall`);
        if (r.typeKey === "network:RouteTable" && defaults.length > 0 && r.props["disableBgpRoutePropagation"] !== true) report(`route table "${r.name}" lets BGP propagate routes over its default route`);
    },
});

export const gatewaySubnetNoNsg = resourceRule({
    name: "gateway-subnet-no-nsg",
    area: AREA,
    description: "GatewaySubnet carries no NSG: Azure does not support one there and VPN/ExpressRoute gateways stop working.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "09.m"], azurePolicy: ["35f9c03a"], checkov: [] },
    types: ["network:VirtualNetwork", "network:Subnet"],
    remediation: "Remove networkSecurityGroup from GatewaySubnet.",
    check: (r, _c, report) => {
        for (const s of subnetsOf(r.typeKey, r.name, r.props)) if (s.name === "GatewaySubnet" && s.props["networkSecurityGroup"] !== undefined) report(`GatewaySubnet of "${r.name}" has a network security group`);
    },
});

export const subnetNoDefaultOutbound = resourceRule<{ exemptSubnetNames: string[]; applicationGatewaySubnetNames: string[] }>({
    name: "subnet-no-default-outbound",
    area: AREA,
    description: "Subnets are private (defaultOutboundAccess: false): nothing reaches the internet through Azure's implicit outbound IP, only through the firewall. Azure's platform subnets and Application Gateway v2 subnets (by name, setting applicationGatewaySubnetNames) keep it.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.m"], azurePolicy: ["7bca8353"], checkov: [] },
    types: ["network:VirtualNetwork", "network:Subnet"],
    remediation: "Set defaultOutboundAccess: false on the subnet (explicit outbound: route 0.0.0.0/0 to the firewall). Platform subnets (GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet, AzureBastionSubnet) and Application Gateway v2 subnets named in applicationGatewaySubnetNames (default [\"snet-appgw\"]: the gateway's control plane needs Azure's default path, learn.microsoft.com/azure/application-gateway/application-gateway-private-deployment) are exempt; another subnet whose service needs it is exempted as \"<vnet>/<subnet>\" with a justification.",
    config: {
        exemptSubnetNames: { type: "array", items: { type: "string" }, default: PLATFORM_SUBNETS },
        // A resource rule sees the VNet alone, not the gateway that uses a subnet, so the gateway's subnet is known here
        // by name only (APPLICATION_GATEWAY_SUBNET_NAMES in common.ts says why it keeps default outbound access). The
        // stack rule subnet-egress-via-firewall recognises it by the gateway's reference instead. [] checks them too
        // (a gateway deployed with network isolation needs no default outbound access).
        applicationGatewaySubnetNames: { type: "array", items: { type: "string" }, default: APPLICATION_GATEWAY_SUBNET_NAMES },
    },
    check: (r, c, report, exempt) => {
        for (const s of subnetsOf(r.typeKey, r.name, r.props)) {
            if (c.exemptSubnetNames.includes(s.name) || c.applicationGatewaySubnetNames.includes(s.name) || exempt(`${r.name}/${s.name}`)) continue;
            if (s.props["defaultOutboundAccess"] !== false) report(`subnet "${s.name}" of "${r.name}" keeps default outbound access`);
        }
    },
});

/**
 * IPsec/IKE algorithms a gateway connection may use: Azure's supported set (learn.microsoft.com/azure/vpn-gateway/
 * ipsec-ike-policy-howto) without DES/3DES, MD5/SHA-1, the 768/1024-bit groups (DHGroup1/2, PFS1/2), PFSMM, the 2048-bit
 * MODP groups with 224/256-bit prime-order subgroups (DHGroup24, PFS24: "SHOULD NOT", RFC 8247 §2.4) and None (no
 * encryption or no forward secrecy).
 */
export const STRONG_IPSEC: Record<string, string[]> = {
    ikeEncryption: ["GCMAES256", "GCMAES128", "AES256", "AES192", "AES128"],
    ikeIntegrity: ["SHA384", "SHA256"],
    dhGroup: ["ECP384", "ECP256", "DHGroup14", "DHGroup2048"],
    ipsecEncryption: ["GCMAES256", "GCMAES192", "GCMAES128", "AES256", "AES192", "AES128"],
    ipsecIntegrity: ["GCMAES256", "GCMAES192", "GCMAES128", "SHA256"],
    pfsGroup: ["ECP384", "ECP256", "PFS2048", "PFS14"],
};

/** Connection types that run IPsec (site-to-site and VNet-to-VNet); ExpressRoute connections do not. */
const IPSEC_CONNECTIONS = ["IPsec", "Vnet2Vnet"];

export const vpnIkev2StrongCrypto = resourceRule({
    name: "vpn-ikev2-strong-crypto",
    area: AREA,
    description: "Site-to-site and VNet-to-VNet gateway connections use IKEv2 with a custom IPsec/IKE policy of strong algorithms only (no DES/3DES, MD5/SHA-1, DH groups 1/2/24, PFS None); Azure's default proposals include weak ones for interoperability.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.m", "09.s", "10.f"], azurePolicy: [], checkov: [] },
    types: ["network:VirtualNetworkGatewayConnection"],
    remediation: "Set connectionProtocol \"IKEv2\" and ipsecPolicies: [{ ikeEncryption: \"GCMAES256\", ikeIntegrity: \"SHA384\", dhGroup: \"ECP384\", ipsecEncryption: \"GCMAES256\", ipsecIntegrity: \"GCMAES256\", pfsGroup: \"ECP384\", saLifeTimeSeconds: 27000, saDataSizeKilobytes: 102400000 }] (HubSecurity's default).",
    check: (r, _c, report) => {
        if (!IPSEC_CONNECTIONS.some((t) => enumEquals(r.props["connectionType"], t))) return;
        // Azure's default protocol is IKEv2 (omitted counts as IKEv2); IKEv1 is refused.
        const protocol = r.props["connectionProtocol"];
        if (protocol !== undefined && !enumEquals(protocol, "IKEv2")) report(`connection "${r.name}" uses ${String(protocol)}, not IKEv2`);
        const policies = arr(r.props["ipsecPolicies"]);
        if (policies.length === 0) report(`connection "${r.name}" has no custom IPsec/IKE policy (ipsecPolicies): Azure's default proposals include DH group 2 and SHA-1`);
        for (const [i, p] of policies.entries()) {
            for (const [k, allowed] of Object.entries(STRONG_IPSEC)) {
                const v = p[k];
                if (!allowed.some((a) => enumEquals(v, a))) report(`connection "${r.name}" IPsec/IKE policy #${i + 1} has ${k} ${JSON.stringify(v ?? null)}, not one of ${allowed.join(", ")}`);
            }
        }
    },
});

/** Keys a gateway connection may carry: the IPsec pre-shared key and an ExpressRoute circuit's authorization key. */
const CONNECTION_KEYS = ["sharedKey", "authorizationKey"];

export const gatewayConnectionKeysSecret = resourceRule({
    name: "gateway-connection-keys-secret",
    area: AREA,
    description: "A gateway connection's pre-shared key and ExpressRoute authorization key are Pulumi secrets: each key given is listed in additionalSecretOutputs, so state never holds it in plain text (azure-native does not mark them secret itself).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["10.g", "01.d", "06.d"], azurePolicy: [], checkov: [] },
    types: ["network:VirtualNetworkGatewayConnection"],
    remediation: "Read the key with pulumi.Config#requireSecret (pulumi config set --secret), pass it as pulumi.secret(...), and add { additionalSecretOutputs: [\"sharedKey\"] } (or \"authorizationKey\") to the connection's options.",
    check: (r, _c, report) => {
        // Policies see secret inputs unwrapped (@pulumi/policy), so a literal cannot be told from a secret here; the
        // resource options can, and tests/hybrid*.spec.ts check that the captured input is a secret.
        for (const k of CONNECTION_KEYS) {
            if (present(r.props, k) && !r.args.opts.additionalSecretOutputs.includes(k)) report(`connection "${r.name}" passes ${k} without marking it a secret output (additionalSecretOutputs)`);
        }
    },
});
