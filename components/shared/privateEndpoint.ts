import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import { throwIfProblems } from "./validation";

/** A private endpoint for a resource (AVM `privateEndpointSingleServiceType`, subset). */
export interface PrivateEndpointArgs {
    /** Resource ID of the subnet that hosts the endpoint's NIC (the spoke's private-endpoint subnet). */
    subnetResourceId: pulumi.Input<string>;
    /** Private Link group ID (sub-resource), for example `vault`, `blob`, `registry`, `healthcareworkspace`. */
    service: string;
    /** Private DNS zones to register the endpoint's records in (one zone-group config each). @default [] (no DNS registration: resolution must be handled elsewhere) */
    privateDnsZoneResourceIds?: pulumi.Input<string>[];
    /** Azure name of the endpoint (2-64 chars). @default "pep-<resource name>-<service>" */
    name?: string;
    /** Azure name of the endpoint's network interface. @default "<endpoint name>-nic" */
    customNetworkInterfaceName?: string;
    /** Tags on the endpoint. @default the owning component's tags */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** What the endpoints connect to. */
export interface PrivateLinkTarget {
    /** Resource ID of the target (the Private Link service). */
    id: pulumi.Input<string>;
    /** Azure name of the target, used in the default endpoint name. */
    name: pulumi.Input<string>;
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface PrivateEndpointResources {
    endpoint: network.PrivateEndpoint;
    dnsZoneGroup?: network.PrivateDnsZoneGroup;
}

const GROUP_ID = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Creates, per Record entry, a `network.PrivateEndpoint` to `target` plus (when zones are given) a
 * `network.PrivateDnsZoneGroup` so the endpoint's A records land in the private DNS zones.
 * azure-native's PrivateEndpoint has no inline zone-group input, hence the second resource.
 */
export function createPrivateEndpoints(
    prefix: string,
    target: PrivateLinkTarget,
    endpoints: Record<string, PrivateEndpointArgs>,
    opts: pulumi.CustomResourceOptions,
): Record<string, PrivateEndpointResources> {
    const problems = Object.entries(endpoints)
        .filter(([, e]) => !GROUP_ID.test(e.service))
        .map(([k, e]) => `privateEndpoints.${k}.service "${e.service}" is not a Private Link group ID`);
    throwIfProblems(prefix, "private endpoints", problems);

    const out: Record<string, PrivateEndpointResources> = {};
    for (const [key, e] of Object.entries(endpoints)) {
        const peName = e.name !== undefined ? pulumi.output(e.name) : pulumi.interpolate`pep-${target.name}-${e.service}`;
        const endpoint = new network.PrivateEndpoint(`${prefix}-pep-${key}`, {
            privateEndpointName: peName,
            resourceGroupName: target.resourceGroupName,
            location: target.location,
            subnet: { id: e.subnetResourceId },
            customNetworkInterfaceName: e.customNetworkInterfaceName ?? pulumi.interpolate`${peName}-nic`,
            privateLinkServiceConnections: [{
                name: peName,
                privateLinkServiceId: target.id,
                groupIds: [e.service],
            }],
            tags: e.tags ?? target.tags,
        }, opts);
        const zones = e.privateDnsZoneResourceIds ?? [];
        const dnsZoneGroup = zones.length === 0 ? undefined : new network.PrivateDnsZoneGroup(`${prefix}-pep-${key}-dns`, {
            privateDnsZoneGroupName: "default",
            privateEndpointName: endpoint.name,
            resourceGroupName: target.resourceGroupName,
            privateDnsZoneConfigs: zones.map((privateDnsZoneId, i) => ({ name: `zone${i}`, privateDnsZoneId })),
        }, opts);
        out[key] = dnsZoneGroup === undefined ? { endpoint } : { endpoint, dnsZoneGroup };
    }
    return out;
}
