import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { resourceName } from "../shared/naming";
import { createSubnetNsg } from "../shared/nsgRules";
import { SpokeNetworkArgs } from "./args";
import { SpokeContext, SpokeSettings } from "./context";
import { ROUTE_EXCEPTIONS, SUBNETS, SpokeSubnetKey } from "./nsgRules";

const KEYS = Object.keys(SUBNETS) as SpokeSubnetKey[];

/**
 * One NSG and one route table (BGP propagation off) per subnet, each table sending 0.0.0.0/0 to the hub firewall except
 * for ROUTE_EXCEPTIONS, whose table has no routes; then the spoke VNet with its subnets inline, so a subnet never exists
 * without its NSG and route table.
 */
export function createSpokeNetwork(parent: pulumi.ComponentResource, name: string, ctx: SpokeContext, s: SpokeSettings, args: SpokeNetworkArgs): network.VirtualNetwork {
    const { naming, rg, location, tags } = ctx;
    const nsgs = new Map<SpokeSubnetKey, network.NetworkSecurityGroup>();
    const routeTables = new Map<SpokeSubnetKey, network.RouteTable>();
    for (const k of KEYS) {
        const g = createSubnetNsg(`${name}-nsg-${k}`, s.nsgRules[k], {
            name: resourceName("networkSecurityGroup", naming, SUBNETS[k].instance), resourceGroupName: rg, location, tags, workspaceResourceId: ctx.workspace.resourceId,
        }, { parent });
        nsgs.set(k, g);
        // A ROUTE_EXCEPTIONS subnet (the App Gateway's) gets a table without routes. Learn, "Supported user-defined
        // routes", Scenario 1 (learn.microsoft.com/azure/application-gateway/configuration-infrastructure#supported-user-defined-routes):
        // a 0.0.0.0/0 advertised by the ExpressRoute or VPN gateway "breaks management plane traffic, which requires a
        // direct path to the Internet", and "a UDR can be used to disable BGP route propagation". With propagation off and
        // no routes, the subnet keeps Azure's system routes only (0.0.0.0/0 → Internet, the VNet, the peered hub), so
        // nothing on-premises advertises can reach it. No 0.0.0.0/0 → Internet route either (Scenario 2): the system route
        // is already that once BGP is off, and route-default-via-firewall admits no default to the Internet. Created
        // always, not only with gateway transit: an empty table changes no effective route while the hub has no gateway
        // (there is nothing to propagate), costs nothing, and is in place before a gateway is ever added, so turning on
        // hybrid connectivity later never changes this subnet. The gateway has only a public frontend, so no on-premises
        // client needs a learned route back from it (docs/after-deploy-checks.md, check 28).
        const exception = ROUTE_EXCEPTIONS[k] !== undefined;
        routeTables.set(k, new network.RouteTable(`${name}-rt-${k}`, {
            routeTableName: resourceName("routeTable", naming, SUBNETS[k].instance),
            resourceGroupName: rg,
            location,
            // Routes learned from gateways must not bypass the firewall (or, on the App Gateway subnet, replace the
            // internet path its control plane needs).
            disableBgpRoutePropagation: true,
            routes: exception ? [] : [
                { name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: args.firewallPrivateIp },
                // APIM stv2 with forced tunnelling: control-plane responses to the ApiManagement service tag must
                // go straight to the internet (api-management/virtual-network-reference, force tunnelling).
                ...(k === "apim" ? [{ name: "apim-control-plane", addressPrefix: "ApiManagement", nextHopType: "Internet" }] : []),
            ],
            tags,
        }, { parent }));
    }

    const subnet = (k: SpokeSubnetKey) => {
        const g = nsgs.get(k);
        if (g === undefined) throw new Error(`SpokeNetwork ${name}: no NSG for ${k}`);
        const rt = routeTables.get(k);
        return {
            name: SUBNETS[k].azureName,
            addressPrefix: args.subnets[k],
            networkSecurityGroup: { id: g.id },
            ...(rt !== undefined ? { routeTable: { id: rt.id } } : {}),
        };
    };
    const vnet = new network.VirtualNetwork(`${name}-vnet`, {
        virtualNetworkName: resourceName("virtualNetwork", naming, "spk"),
        resourceGroupName: rg,
        location,
        addressSpace: { addressPrefixes: [args.addressSpace] },
        // Every lookup goes through the firewall's DNS proxy, which resolves the hub-linked privatelink zones and logs queries.
        dhcpOptions: { dnsServers: [args.firewallPrivateIp] },
        // Subnets inline: a subnet never exists without its NSG and route table, and no later VNet update drops them.
        subnets: [
            // App Gateway v2 keeps default outbound access: its control plane needs the internet (see ROUTE_EXCEPTIONS); its
            // route table only turns BGP propagation off.
            subnet("appGateway"),
            {
                ...subnet("apim"),
                // Forced tunnelling for APIM stv2 requires service endpoints for its Azure dependencies.
                serviceEndpoints: ["Microsoft.Storage", "Microsoft.Sql", "Microsoft.EventHub", "Microsoft.KeyVault"].map((service) => ({ service })),
                defaultOutboundAccess: false,
            },
            // NSG applies to private endpoints. Route policies stay off so endpoint /32 routes remain direct, unless the hub
            // has a gateway: then they are on, so the hub GatewaySubnet's route for this VNet's address space (to the
            // firewall) overrides the endpoints' /32 routes and on-premises traffic to them is inspected; 0.0.0.0/0 routes
            // never override them (learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy).
            { ...subnet("privateEndpoints"), privateEndpointNetworkPolicies: args.hubGatewayResourceId !== undefined ? "Enabled" : "NetworkSecurityGroupEnabled", defaultOutboundAccess: false },
            // Regional VNet integration requires delegation to Microsoft.Web/serverFarms (app-service/overview-vnet-integration).
            { ...subnet("functionIntegration"), delegations: [{ name: "web-serverfarms", serviceName: "Microsoft.Web/serverFarms" }], defaultOutboundAccess: false },
            // Workload-profiles environments require delegation to Microsoft.App/environments (container-apps/custom-virtual-networks).
            { ...subnet("containerApps"), delegations: [{ name: "app-environments", serviceName: "Microsoft.App/environments" }], defaultOutboundAccess: false },
        ],
        tags,
    }, { parent });
    createDiagnosticSettings(`${name}-vnet`, vnet.id, { law: { workspaceResourceId: ctx.workspace.resourceId } }, { parent });
    return vnet;
}

/** Subnet resource IDs by key (appGateway, apim, privateEndpoints, functionIntegration, containerApps). */
export function spokeSubnetIds(vnet: network.VirtualNetwork, connectivity: pulumi.CustomResource[]): pulumi.Output<Record<string, string>> {
    // Each ID carries the peerings and DNS links as dependencies (it resolves only after them), so every resource
    // placed in a spoke subnet waits until the subnet has the DNS and the routes it is configured with: the VNet's DNS
    // server and every default route are the hub firewall's address, reachable only over the peering, and private
    // names resolve only once the zones are linked. API Management needs both while it deploys ("set it up before
    // deploying an API Management service into it", learn.microsoft.com/azure/api-management/virtual-network-concepts#dns;
    // outbound Storage, SQL, Key Vault and Azure Monitor are "required for successful deployment",
    // virtual-network-reference), and the jumpbox reaches the spoke's private endpoints only over the peering. With a
    // hub gateway the peering waits for it (peerWithHub), so this puts the gateway before the spoke's services.
    const ready = pulumi.all(connectivity.map((r) => r.id));
    return pulumi.all(Object.fromEntries(KEYS.map((k) => [k, pulumi.all([vnet.id, ready]).apply(([id]) => `${id}/subnets/${SUBNETS[k].azureName}`)])));
}
