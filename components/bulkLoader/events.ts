import * as pulumi from "@pulumi/pulumi";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import { resourceName } from "../shared/naming";
import { createRoleAssignments } from "../shared/roleAssignment";
import { SecureStorageAccount } from "../shared/storageAccount";
import { BUNDLES_CONTAINER, BUNDLE_QUEUE, DEAD_LETTER_CONTAINER, NDJSON_CONTAINER, NDJSON_QUEUE } from "./constants";
import { BulkLoaderContext } from "./context";
import { BulkLoaderSettings } from "./defaults";

/** One blob-created route: files ending in `suffix` in `container` become messages on `queue`. */
interface BlobRoute { subscription: string; container: string; suffix: string; queue: string }

/**
 * The loader's two Event Grid routes, as upstream's template wires them (scripts/fhirBulkImport.bicep: `bundlecreated`,
 * `ndjsoncreated`). Zip files need none: `ImportCompressedFiles` is a blob trigger on `zip/{name}` that polls the
 * container itself and writes the entries into bundles and ndjson, whose events then take these routes.
 */
export const BLOB_ROUTES: Record<string, BlobRoute> = {
    bundles: { subscription: "bundlecreated", container: BUNDLES_CONTAINER, suffix: ".json", queue: BUNDLE_QUEUE },
    ndjson: { subscription: "ndjsoncreated", container: NDJSON_CONTAINER, suffix: ".ndjson", queue: NDJSON_QUEUE },
};

/**
 * Blob-created events of the loader's account delivered to its queues by a system topic with a system-assigned
 * identity. Event Grid cannot deliver through a private endpoint; it writes to the firewalled account as a trusted
 * service, and with a storage firewall only the topic's system-assigned identity works
 * (learn.microsoft.com/azure/event-grid/handler-storage-queues). The identity gets Storage Queue Data Message Sender
 * on each destination queue and Storage Blob Data Contributor on the dead-letter container, and each subscription
 * waits for those grants, so Event Grid never delivers before it may.
 */
export function createBlobEvents(parent: pulumi.ComponentResource, name: string, ctx: BulkLoaderContext, s: BulkLoaderSettings, store: SecureStorageAccount): eventgrid.SystemTopic {
    const child: pulumi.CustomResourceOptions = { parent };
    const topic = new eventgrid.SystemTopic(`${name}-egst`, {
        systemTopicName: resourceName("eventGridSystemTopic", ctx.naming, "blk"),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        source: store.account.id,
        topicType: "Microsoft.Storage.StorageAccounts",
        identity: { type: "SystemAssigned" },
        tags: ctx.tags,
    }, child);
    const topicPrincipal = topic.identity.apply((i) => i?.principalId ?? "");
    const deadLetter = store.containers[DEAD_LETTER_CONTAINER];
    if (deadLetter === undefined) throw new Error(`${name}: the dead-letter container was not created`);
    const [deadLetterWriter] = Object.values(createRoleAssignments(`${name}-egst-deadletter`, deadLetter.id, {
        topic: { roleDefinitionIdOrName: "Storage Blob Data Contributor", principalId: topicPrincipal, description: "Event Grid writes undeliverable blob events (this container only)" },
    }, child));

    for (const [key, route] of Object.entries(BLOB_ROUTES)) {
        const queue = store.queues[route.queue];
        if (queue === undefined) throw new Error(`${name}: queue ${route.queue} was not created`);
        const [sender] = Object.values(createRoleAssignments(`${name}-egst-${key}`, queue.id, {
            topic: { roleDefinitionIdOrName: "Storage Queue Data Message Sender", principalId: topicPrincipal, description: `Event Grid delivers ${route.container} blob events (this queue only)` },
        }, child));
        new eventgrid.SystemTopicEventSubscription(`${name}-egst-${key}`, {
            eventSubscriptionName: route.subscription,
            systemTopicName: topic.name,
            resourceGroupName: ctx.rg,
            eventDeliverySchema: "EventGridSchema",
            deliveryWithResourceIdentity: {
                identity: { type: "SystemAssigned" },
                destination: { endpointType: "StorageQueue", resourceId: store.account.id, queueName: route.queue },
            },
            deadLetterWithResourceIdentity: {
                identity: { type: "SystemAssigned" },
                deadLetterDestination: { endpointType: "StorageBlob", resourceId: store.account.id, blobContainerName: DEAD_LETTER_CONTAINER },
            },
            filter: {
                includedEventTypes: ["Microsoft.Storage.BlobCreated"],
                // Blob event subjects are `/blobServices/default/containers/<container>/blobs/<path>`
                // (learn.microsoft.com/azure/storage/blobs/storage-blob-event-overview#filtering-events); ending the
                // prefix at `/blobs/` keeps `bundlesprocessed` and `ndjsonerr` out, which upstream's prefix lets in.
                subjectBeginsWith: `/blobServices/default/containers/${route.container}/blobs/`,
                subjectEndsWith: route.suffix,
                isSubjectCaseSensitive: false,
                // Upstream's filter: only completed writes (a block blob committed, a copy, an ADLS flush).
                advancedFilters: [{ operatorType: "StringIn", key: "data.api", values: ["CopyBlob", "PutBlob", "PutBlockList", "FlushWithClose"] }],
            },
            retryPolicy: { maxDeliveryAttempts: s.events.maxDeliveryAttempts, eventTimeToLiveInMinutes: s.events.eventTimeToLiveInMinutes },
        }, { parent, dependsOn: [queue, deadLetter, ...(sender !== undefined ? [sender] : []), ...(deadLetterWriter !== undefined ? [deadLetterWriter] : [])] });
    }
    return topic;
}
