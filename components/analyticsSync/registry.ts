import * as pulumi from "@pulumi/pulumi";
import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { parseResourceId } from "../shared/workspace";
import { AnalyticsSyncSettings } from "./defaults";

/** A pinned public image and where the private registry keeps it. */
export interface MirroredImage {
    sourceRepository: string;
    targetRepository: string;
    tag: string;
}

/**
 * Mirrors a public image into the private registry with an artifact-cache rule: the registry pulls the upstream
 * itself on the first request (learn.microsoft.com/azure/container-registry/artifact-cache-overview), so the jobs pull
 * only from the private registry, by identity, over its private endpoint, and no image host is on the firewall's
 * allow-list. Returns the image reference the job uses and the rule it must wait for.
 */
export function mirrorImage(parent: pulumi.ComponentResource, name: string, key: string, s: AnalyticsSyncSettings, image: MirroredImage): { ref: pulumi.Output<string>; rule: containerregistry.CacheRule } {
    const registry = pulumi.output(s.registry.resourceId).apply(parseResourceId);
    const rule = new containerregistry.CacheRule(`${name}-cache-${key}`, {
        registryName: registry.name,
        resourceGroupName: registry.resourceGroupName,
        cacheRuleName: key,
        sourceRepository: image.sourceRepository,
        targetRepository: image.targetRepository,
    }, { parent });
    return { ref: pulumi.interpolate`${s.registry.loginServer}/${image.targetRepository}:${image.tag}`, rule };
}
