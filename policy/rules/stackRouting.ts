import { PolicyResource } from "@pulumi/policy";
import {
    APPLICATION_GATEWAY_SUBNET_NAMES, DELEGATED_PLATFORM_SUBNETS, FIREWALL_SUBNET, PLATFORM_SUBNETS, defaultRouteCover, delegationsOf, dependsOn, enumEquals as same, ipv4Contains,
    isDefaultRoutePrefix, isFirewallSubnetInternetTable, objects as objs, prop as at, resourceKey as key,
} from "./common";
import { stackRule } from "./define";

/**
 * Stack-level rules on routing: every subnet's egress goes through the firewall (Application Gateway and platform
 * subnets excepted), the GatewaySubnet routes each peered spoke to the firewall, and VPN/ExpressRoute gateways are
 * zone-redundant. Like the other stack rules (stack.ts) they follow dependencies, known at preview.
 */

/** The subnets Application Gateways are deployed in: by VNet URN, the subnet names; standalone network:Subnet URNs. */
interface GatewaySubnets { inVnet: Map<string, Set<string>>; standalone: Set<string> }

/**
 * The subnets the stack's Application Gateways sit in, from each gateway's gatewayIPConfigurations[].subnet.id: by ID
 * where it is known (`<VNet ID>/subnets/<name>`, against the VNet's ID or, for a VNet the configuration is built from,
 * its name; a standalone Subnet's ID), and, where it is unknown (a first preview), the subnets named in `names` of the
 * VNets the configuration is built from (a standalone Subnet it is built from is the subnet itself).
 */
function applicationGatewaySubnets(resources: PolicyResource[], names: string[]): GatewaySubnets {
    const out: GatewaySubnets = { inVnet: new Map(), standalone: new Set() };
    const add = (vnet: PolicyResource, subnet: string) => out.inVnet.set(vnet.urn, new Set([...(out.inVnet.get(vnet.urn) ?? []), subnet]));
    const vnets = resources.filter((r) => key(r) === "network:VirtualNetwork");
    const subnets = resources.filter((r) => key(r) === "network:Subnet");
    for (const gw of resources.filter((r) => key(r) === "network:ApplicationGateway")) {
        const deps = gw.propertyDependencies["gatewayIPConfigurations"] ?? [];
        for (const s of subnets.filter((x) => deps.some((d) => d.urn === x.urn))) out.standalone.add(s.urn);
        const depVnets = vnets.filter((v) => deps.some((d) => d.urn === v.urn));
        const refs = objs(gw.props["gatewayIPConfigurations"]).map((ip) => at(ip, "subnet.id"));
        for (const ref of refs.filter((x): x is string => typeof x === "string")) {
            const m = /^(.*\/virtualNetworks\/([^/]+))\/subnets\/([^/]+)$/i.exec(ref);
            for (const s of subnets.filter((x) => same(x.props["id"], ref))) out.standalone.add(s.urn);
            const [vnetId, vnetName, subnetName] = [m?.[1], m?.[2], m?.[3]];
            if (vnetId === undefined || vnetName === undefined || subnetName === undefined) continue;
            for (const v of vnets) {
                const byId = same(v.props["id"], vnetId);
                const byName = depVnets.includes(v) && typeof v.props["id"] !== "string" && (typeof v.props["virtualNetworkName"] !== "string" || same(v.props["virtualNetworkName"], vnetName));
                if (byId || byName) add(v, subnetName);
            }
        }
        // A configuration whose subnet ID is unknown (or that has none to read): its VNet is known by the dependency,
        // the subnet by its name.
        if (refs.length === 0 || refs.some((x) => typeof x !== "string")) for (const v of depVnets) for (const n of names) add(v, n);
    }
    return out;
}

export const subnetEgressViaFirewall = stackRule<{ exemptSubnetNames: string[]; exemptDelegations: string[]; exemptApplicationGatewaySubnets: boolean; applicationGatewaySubnetNames: string[] }>({
    name: "subnet-egress-via-firewall",
    area: "network",
    description: "Every subnet of every VNet (hub included; inline or standalone network:Subnet) except Azure's platform subnets, subnets delegated to DNS Private Resolver endpoints and the subnets Application Gateways are deployed in has a route table with BGP propagation off whose default routes (0.0.0.0/0 and IPv6 ::/0, and either half of a split default) go to a virtual appliance, and, where the firewall's private IP is known, to that IP. A route table whose only route is 0.0.0.0/0 → Internet (AzureFirewallSubnet's override in a hybrid hub, which route-default-via-firewall leaves to this rule) is used by an AzureFirewallSubnet of the stack and by no other subnet.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "01.o", "09.m"], azurePolicy: ["fc5e4038"], checkov: [] },
    types: ["network:VirtualNetwork", "network:Subnet", "network:RouteTable", "network:Route", "network:AzureFirewall", "network:ApplicationGateway"],
    remediation: "Associate a route table with 0.0.0.0/0 (and in a dual-stack VNet ::/0) → VirtualAppliance → the firewall's private IP and disableBgpRoutePropagation: true to the subnet. Platform subnets (GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet, AzureBastionSubnet) are exempt by name, subnets delegated to Microsoft.Network/dnsResolvers by delegation, and the subnet an Application Gateway's gatewayIPConfigurations name (by its ID; while that is unknown, a subnet named in applicationGatewaySubnetNames, default [\"snet-appgw\"], of the VNet the configuration is built from): Application Gateway v2 does not support a 0.0.0.0/0 route to a virtual appliance without the network-isolation feature (learn.microsoft.com/azure/application-gateway/application-gateway-private-deployment; exemptApplicationGatewaySubnets false checks them too). Another subnet that cannot take one is exempted as \"<vnet>/<subnet>\" with a justification. A table of exactly one route, 0.0.0.0/0 → Internet, belongs on AzureFirewallSubnet alone (learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy): associate it there, or route the other subnet to the firewall.",
    config: {
        exemptSubnetNames: { type: "array", items: { type: "string" }, default: PLATFORM_SUBNETS },
        exemptDelegations: { type: "array", items: { type: "string" }, default: DELEGATED_PLATFORM_SUBNETS },
        // Application Gateway v2 subnets (APPLICATION_GATEWAY_SUBNET_NAMES in common.ts says why they are exempt): false once the subscription has
        // registered EnableApplicationGatewayNetworkIsolation and the gateway's subnet routes through the firewall.
        exemptApplicationGatewaySubnets: { type: "boolean", default: true },
        applicationGatewaySubnetNames: { type: "array", items: { type: "string" }, default: APPLICATION_GATEWAY_SUBNET_NAMES },
    },
    check: (resources, c, report, exempt) => {
        const tables = resources.filter((r) => key(r) === "network:RouteTable");
        const routes = resources.filter((r) => key(r) === "network:Route");
        // The firewall's private IPs are outputs: known after the first deploy (and in the offline plan), unknown at a first preview.
        const firewallIps = resources.filter((r) => key(r) === "network:AzureFirewall")
            .flatMap((f) => objs(f.props["ipConfigurations"]).map((ip) => ip["privateIPAddress"])).filter((ip): ip is string => typeof ip === "string");
        const defaultRoutes = (t: PolicyResource) => [
            ...objs(t.props["routes"]),
            ...routes.filter((r) => dependsOn(r, t, "routeTableName")).map((r) => r.props),
        ].filter((r) => isDefaultRoutePrefix(r["addressPrefix"]));
        // The default prefixes a table sends elsewhere than the firewall: IPv4 and IPv6 alike (defaultRouteCover), so a
        // table whose 0.0.0.0/0 goes to the firewall but whose ::/0 goes to the Internet still lets the subnet's IPv6
        // traffic around it. The IPv4 space must be covered too: where the table has neither 0.0.0.0/0 nor both halves of
        // a split default, Azure's 0.0.0.0/0 → Internet system route carries the rest. (A ::/0 is not required: whether a
        // subnet is dual-stack is not known here; one that is routes IPv6 through a ::/0 it is judged by when present.)
        const strays = (t: PolicyResource): string[] => {
            const d = defaultRoutes(t);
            const v4 = new Set(d.flatMap((r) => { const c = defaultRouteCover(r["addressPrefix"]); return c?.family === 4 ? c.halves : []; }));
            const uncovered = v4.has(0) ? (v4.has(1) ? [] : ["128.0.0.0/1"]) : (v4.has(1) ? ["0.0.0.0/1"] : ["0.0.0.0/0"]);
            // A default dropped (next hop None) leaves nothing to bypass the firewall with.
            return [...uncovered, ...d.filter((r) => !same(r["nextHopType"], "None") && !(same(r["nextHopType"], "VirtualAppliance") && (firewallIps.length === 0 || firewallIps.includes(String(r["nextHopIpAddress"])))))
                .map((r) => String(r["addressPrefix"]))];
        };
        const viaFirewall = (t: PolicyResource) => strays(t).length === 0;
        // The subnets Application Gateways sit in: identified by the gateways' references, not by their names.
        const gateways = c.exemptApplicationGatewaySubnets ? applicationGatewaySubnets(resources, c.applicationGatewaySubnetNames) : { inVnet: new Map<string, Set<string>>(), standalone: new Set<string>() };
        // AzureFirewallSubnet's 0.0.0.0/0 → Internet override (isFirewallSubnetInternetTable, common.ts), by ID where known.
        const firewallSubnetTables = tables.filter((t) => isFirewallSubnetInternetTable(t.props));
        const firewallSubnetTableOf = (ref: unknown) => (typeof ref === "string" ? firewallSubnetTables.find((t) => same(t.props["id"], ref)) : undefined);
        const delegatedExempt = (subnet: Record<string, unknown>) => delegationsOf(subnet).some((d) => c.exemptDelegations.some((e) => same(d, e)));
        /** How many tables of a VNet's exempt subnets a preview may set aside: default-less ones, and the firewall subnet's override. */
        interface ExemptTables { defaultless: number; firewallSubnet: number }
        const checkSubnet = (vnetName: string, subnetName: string, subnet: Record<string, unknown>, deps: PolicyResource[], urn: string, exemptTables: ExemptTables = { defaultless: 0, firewallSubnet: 0 }) => {
            if (exempt(`${vnetName}/${subnetName}`)) return;
            // An exempt subnet other than AzureFirewallSubnet (App Gateway, resolver, another platform subnet) may not use
            // the firewall subnet's Internet table either; a subnet that is not exempt fails below on its strays.
            const misused = subnetName !== FIREWALL_SUBNET ? firewallSubnetTableOf(at(subnet, "routeTable.id")) : undefined;
            const misuse = () => { if (misused !== undefined) report(`subnet "${subnetName}" of "${vnetName}" uses route table "${misused.name}", which sends 0.0.0.0/0 to the Internet: only AzureFirewallSubnet may`, urn); };
            if (c.exemptSubnetNames.includes(subnetName)) { misuse(); return; }
            if (gateways.standalone.has(urn) || gateways.inVnet.get(urn)?.has(subnetName) === true) { misuse(); return; }
            if (delegatedExempt(subnet)) { misuse(); return; }
            const ref = at(subnet, "routeTable.id");
            if (subnet["routeTable"] === undefined) { report(`subnet "${subnetName}" of "${vnetName}" has no route table: its traffic bypasses the firewall`, urn); return; }
            // Match the table by ID when known; at preview the ID is unknown, so use the tables the subnets depend on. Those
            // include the tables of exempt subnets: GatewaySubnet's carries spoke routes and the App Gateway subnet's none
            // (no default route), AzureFirewallSubnet's sends 0.0.0.0/0 to the Internet. When there are no more default-less
            // tables than exempt subnets (AzureFirewallSubnet aside) with a table, they are taken as theirs, and likewise
            // firewall-subnet override tables when AzureFirewallSubnet has a table. (A workload subnet given such a table
            // while the exempt subnet had another one would pass this preview check only; the run after the deployment,
            // with IDs known, matches by ID.)
            const byId = typeof ref === "string" ? tables.filter((t) => same(t.props["id"], ref)) : [];
            const depTables = deps.filter((d) => key(d) === "network:RouteTable");
            const defaultless = depTables.filter((t) => defaultRoutes(t).length === 0);
            const overrides = depTables.filter((t) => isFirewallSubnetInternetTable(t.props));
            const setAside = [
                ...(defaultless.length > 0 && defaultless.length <= exemptTables.defaultless ? defaultless : []),
                ...(overrides.length > 0 && overrides.length <= exemptTables.firewallSubnet ? overrides : []),
            ];
            const candidates = byId.length > 0 ? byId : depTables.filter((t) => !setAside.includes(t));
            if (candidates.length > 0 && !candidates.every(viaFirewall)) {
                report(`subnet "${subnetName}" of "${vnetName}" routes ${[...new Set(candidates.flatMap(strays))].join(", ")} elsewhere than the firewall${firewallIps.length > 0 ? ` (${firewallIps.join(", ")})` : ""}`, urn);
                return;
            }
            // Gateway-learned (BGP) prefixes more specific than 0.0.0.0/0 would win over it. route-default-via-firewall
            // checks this only for tables with inline default routes; here it holds for tables whose routes are standalone.
            for (const t of candidates) if (t.props["disableBgpRoutePropagation"] !== true) report(`subnet "${subnetName}" of "${vnetName}" uses route table "${t.name}", which lets BGP-learned routes override its default route`, urn);
        };
        const vnets = resources.filter((r) => key(r) === "network:VirtualNetwork");
        // Every VNet, the hub included: the hub's own workload subnets (jumpbox, endpoints) must not bypass the firewall
        // that sits next to them. Only the platform subnets (by name), resolver subnets (by delegation) and the subnets
        // Application Gateways sit in (by the gateway's reference) are exempt.
        for (const vnet of vnets) {
            if (exempt(vnet)) continue;
            const subnets = objs(vnet.props["subnets"]);
            const withTable = subnets.filter((s) => s["routeTable"] !== undefined);
            const isExempt = (s: Record<string, unknown>) => c.exemptSubnetNames.includes(String(s["name"])) || gateways.inVnet.get(vnet.urn)?.has(String(s["name"])) === true || delegatedExempt(s);
            const exemptTables: ExemptTables = {
                defaultless: withTable.filter((s) => isExempt(s) && s["name"] !== FIREWALL_SUBNET).length,
                firewallSubnet: withTable.some((s) => s["name"] === FIREWALL_SUBNET && isExempt(s)) ? 1 : 0,
            };
            for (const s of subnets) checkSubnet(vnet.name, String(s["name"]), s, vnet.propertyDependencies["subnets"] ?? [], vnet.urn, exemptTables);
        }
        // Every standalone subnet, whether its VNet is declared in this stack or only named (an existing VNet).
        for (const s of resources.filter((r) => key(r) === "network:Subnet")) {
            const parent = vnets.find((v) => dependsOn(s, v, "virtualNetworkName"));
            if (parent !== undefined && exempt(parent)) continue;
            const vnetName = parent?.name ?? String(s.props["virtualNetworkName"] ?? "(unknown VNet)");
            checkSubnet(vnetName, String(s.props["subnetName"] ?? s.props["name"] ?? s.name), s.props, s.propertyDependencies["routeTable"] ?? [], s.urn);
        }
        // route-default-via-firewall admits a firewall-subnet override table without seeing what uses it; here it must be
        // AzureFirewallSubnet's: by ID where both are known, else by the dependency of the VNet (or standalone Subnet)
        // whose AzureFirewallSubnet has a table. A table no AzureFirewallSubnet of the stack uses (an orphan, or one meant
        // for a subnet elsewhere) fails.
        const standaloneSubnets = resources.filter((r) => key(r) === "network:Subnet");
        for (const t of firewallSubnetTables) {
            if (exempt(t)) continue;
            const uses = (subnet: Record<string, unknown>, holder: PolicyResource, prop: string) => {
                if (subnet["routeTable"] === undefined) return false;
                const ref = at(subnet, "routeTable.id");
                return typeof ref === "string" && typeof t.props["id"] === "string" ? same(ref, t.props["id"]) : dependsOn(holder, t, prop);
            };
            const used = vnets.some((v) => objs(v.props["subnets"]).some((s) => s["name"] === FIREWALL_SUBNET && uses(s, v, "subnets")))
                || standaloneSubnets.some((s) => String(s.props["subnetName"] ?? s.props["name"] ?? s.name) === FIREWALL_SUBNET && uses(s.props, s, "routeTable"));
            if (!used) report(`route table "${t.name}" sends 0.0.0.0/0 to the Internet, which only AzureFirewallSubnet's table may, and no AzureFirewallSubnet of the stack uses it`, t.urn);
        }
    },
});

/** The VNets peered with `vnet`, in either direction (a peering names its own VNet and its remote one). */
function peeredVnets(resources: PolicyResource[], vnet: PolicyResource): PolicyResource[] {
    const vnets = resources.filter((r) => key(r) === "network:VirtualNetwork" && r.urn !== vnet.urn);
    const peerings = resources.filter((r) => key(r) === "network:VirtualNetworkPeering");
    return vnets.filter((other) => peerings.some((p) => (dependsOn(p, vnet, "virtualNetworkName") && dependsOn(p, other, "remoteVirtualNetwork"))
        || (dependsOn(p, other, "virtualNetworkName") && dependsOn(p, vnet, "remoteVirtualNetwork"))));
}

export const gatewaySubnetViaFirewall = stackRule({
    name: "gateway-subnet-via-firewall",
    area: "network",
    description: "A GatewaySubnet in a VNet with peered spokes has a route table that sends each spoke's address space (or a wider prefix) to a virtual appliance (the firewall, where its IP is known), keeps BGP propagation on, and has no 0.0.0.0/0 route: on-premises traffic to spokes is inspected.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "01.o", "09.m"], azurePolicy: [], checkov: [] },
    types: ["network:VirtualNetwork", "network:VirtualNetworkPeering", "network:RouteTable", "network:AzureFirewall"],
    remediation: "Associate a route table with GatewaySubnet holding, per peered spoke, a route <spoke address space> → VirtualAppliance → the firewall's private IP, with disableBgpRoutePropagation false (learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy) and no 0.0.0.0/0 route (not supported on GatewaySubnet).",
    check: (resources, _c, report, exempt) => {
        const tables = resources.filter((r) => key(r) === "network:RouteTable");
        const firewallIps = resources.filter((r) => key(r) === "network:AzureFirewall")
            .flatMap((f) => objs(f.props["ipConfigurations"]).map((ip) => ip["privateIPAddress"])).filter((ip): ip is string => typeof ip === "string");
        for (const vnet of resources.filter((r) => key(r) === "network:VirtualNetwork")) {
            if (exempt(vnet)) continue;
            const gw = objs(vnet.props["subnets"]).find((s) => s["name"] === "GatewaySubnet");
            if (gw === undefined) continue;
            const spokePrefixes = peeredVnets(resources, vnet).flatMap((v) => (Array.isArray(at(v.props, "addressSpace.addressPrefixes")) ? at(v.props, "addressSpace.addressPrefixes") as unknown[] : []))
                .filter((p): p is string => typeof p === "string");
            if (spokePrefixes.length === 0) continue;
            if (gw["routeTable"] === undefined) { report(`GatewaySubnet of "${vnet.name}" has no route table: on-premises traffic to ${spokePrefixes.join(", ")} bypasses the firewall`, vnet.urn); continue; }
            // Match the table by ID when known; at preview, among the tables the VNet's subnets depend on, the one that
            // routes spoke prefixes (the other subnets' tables route 0.0.0.0/0).
            const ref = at(gw, "routeTable.id");
            const byId = typeof ref === "string" ? tables.filter((t) => same(t.props["id"], ref)) : [];
            const deps = (vnet.propertyDependencies["subnets"] ?? []).filter((d) => key(d) === "network:RouteTable");
            const candidates = byId.length > 0 ? byId : deps;
            const viaFirewall = (r: Record<string, unknown>) => same(r["nextHopType"], "VirtualAppliance") && (firewallIps.length === 0 || firewallIps.includes(String(r["nextHopIpAddress"])));
            const routes = (t: PolicyResource) => objs(t.props["routes"]);
            // A route for the spoke: its address space or a wider prefix, never a default route (not allowed here).
            const covers = (r: Record<string, unknown>, p: string) => !isDefaultRoutePrefix(r["addressPrefix"]) && ipv4Contains(r["addressPrefix"], p);
            const gwTables = byId.length > 0 ? byId : candidates.filter((t) => routes(t).some((r) => spokePrefixes.some((p) => covers(r, p))));
            for (const p of spokePrefixes) {
                if (!gwTables.some((t) => routes(t).some((r) => covers(r, p) && viaFirewall(r)))) {
                    report(`GatewaySubnet of "${vnet.name}" does not route spoke prefix ${p} to the firewall${firewallIps.length > 0 ? ` (${firewallIps.join(", ")})` : ""}: on-premises traffic to it bypasses inspection`, vnet.urn);
                }
            }
            for (const t of gwTables) {
                // "Don't disable BGP route propagation on the GatewaySubnet, because the gateway won't function"
                // (learn.microsoft.com/azure/architecture/networking/guide/ipv6/ipv6-hub-spoke).
                if (t.props["disableBgpRoutePropagation"] === true) report(`GatewaySubnet of "${vnet.name}" uses route table "${t.name}", which disables BGP route propagation (the gateway stops working)`, vnet.urn);
                for (const r of routes(t).filter((x) => isDefaultRoutePrefix(x["addressPrefix"]))) report(`GatewaySubnet of "${vnet.name}" has default route "${String(r["name"] ?? "")}" (${String(r["addressPrefix"])}), which Azure does not support on GatewaySubnet`, vnet.urn);
            }
        }
    },
});

/** Zone-redundant gateway SKUs (learn.microsoft.com/azure/vpn-gateway/about-zone-redundant-vnet-gateways, expressroute-about-virtual-network-gateways). */
const ZONE_REDUNDANT_GATEWAY_SKUS = ["VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ", "ErGw1AZ", "ErGw2AZ", "ErGw3AZ", "ErGwScale"];

export const gatewayZoneRedundant = stackRule({
    name: "gateway-zone-redundant",
    area: "network",
    description: "VPN and ExpressRoute gateways run a zone-redundant SKU (VpnGw1AZ-5AZ, ErGw1AZ-3AZ, ErGwScale) on Standard public IPs spread over zones 1, 2 and 3, so on-premises connectivity survives a zone failure.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["12.c", "09.h"], azurePolicy: [], checkov: [] },
    types: ["network:VirtualNetworkGateway", "network:PublicIPAddress"],
    remediation: "Use an *AZ gateway SKU (non-AZ VpnGw1-5 can no longer be created, learn.microsoft.com/azure/vpn-gateway/gateway-sku-consolidation) and give its ipConfigurations public IPs with sku Standard and zones [\"1\", \"2\", \"3\"].",
    check: (resources, _c, report, exempt) => {
        const pips = resources.filter((r) => key(r) === "network:PublicIPAddress");
        for (const gw of resources.filter((r) => key(r) === "network:VirtualNetworkGateway")) {
            if (exempt(gw)) continue;
            const sku = at(gw.props, "sku.name");
            if (!ZONE_REDUNDANT_GATEWAY_SKUS.some((z) => same(sku, z))) report(`gateway "${gw.name}" runs SKU ${JSON.stringify(sku ?? null)}, which is not zone-redundant`, gw.urn);
            for (const pip of pips.filter((p) => dependsOn(gw, p, "ipConfigurations"))) {
                const zones = Array.isArray(pip.props["zones"]) ? (pip.props["zones"] as unknown[]).map(String) : [];
                if (!same(at(pip.props, "sku.name"), "Standard") || !["1", "2", "3"].every((z) => zones.includes(z))) {
                    report(`gateway "${gw.name}" uses public IP "${pip.name}", which is not a zone-redundant Standard address (zones ${JSON.stringify(zones)})`, gw.urn);
                }
            }
        }
    },
});
