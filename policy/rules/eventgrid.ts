import { PolicyResource } from "@pulumi/policy";
import { UNKNOWN, azureTypeKey, enumEquals, peek } from "./common";
import { resourceRule, stackRule } from "./define";

/**
 * Event Grid (the bulk loader's blob-created events to its storage queue). Event Grid cannot deliver through private
 * endpoints (learn.microsoft.com/azure/event-grid/consume-private-endpoints): it reaches a firewalled destination only
 * through the trusted-services exception, with the managed identity of the topic (system topic, custom topic, domain)
 * and an RBAC role on the destination (learn.microsoft.com/azure/event-grid/managed-service-identity). That is the narrow
 * exception the platform makes, and these rules keep it narrow: identity delivery, identity dead-lettering, no keys.
 */
const AREA = "event-grid";

/** Subscriptions with the classic shape (destination / deliveryWithResourceIdentity / deadLetter*), by their parent. */
const SUBSCRIPTION_PARENT: Readonly<Record<string, { parentType: string; key: string } | undefined>> = {
    "eventgrid:SystemTopicEventSubscription": { parentType: "eventgrid:SystemTopic", key: "systemTopicName" },
    "eventgrid:TopicEventSubscription": { parentType: "eventgrid:Topic", key: "topicName" },
    "eventgrid:DomainEventSubscription": { parentType: "eventgrid:Domain", key: "domainName" },
    "eventgrid:DomainTopicEventSubscription": { parentType: "eventgrid:Domain", key: "domainName" },
    "eventgrid:PartnerTopicEventSubscription": { parentType: "eventgrid:PartnerTopic", key: "partnerTopicName" },
    // Scoped to any resource: a topic, a domain, or an event source such as a storage account (then on its system topic).
    "eventgrid:EventSubscription": undefined,
};
const CLASSIC_SUBSCRIPTIONS = Object.keys(SUBSCRIPTION_PARENT);
/** A namespace topic's subscription: push delivery under deliveryConfiguration.push, dead-lettering with identity only. */
const NAMESPACE_SUBSCRIPTION = "eventgrid:NamespaceTopicEventSubscription";

/**
 * Destination types Event Grid can reach with the topic's managed identity ("Service Bus queues and topics, event hubs,
 * and storage accounts", learn.microsoft.com/azure/event-grid/managed-service-identity): delivered through `destination`
 * instead, Event Grid uses its own identity, which a firewalled destination does not admit as a trusted service.
 */
const IDENTITY_DESTINATIONS = ["StorageQueue", "ServiceBusQueue", "ServiceBusTopic", "EventHub"];

/** Query parameters that carry a credential in a webhook URL (an Azure Functions key, a SAS signature, an API key, a token). */
const URL_CREDENTIALS = ["code", "sig", "key", "apikey", "api-key", "api_key", "access_token", "token", "secret", "password"];

/** A subscription's delivery settings, at the paths its type uses. */
interface DeliveryPaths {
    destination: string;
    identityDelivery: string;
    deadLetter?: string;
    identityDeadLetter: string[];
}
const CLASSIC_PATHS: DeliveryPaths = { destination: "destination", identityDelivery: "deliveryWithResourceIdentity", deadLetter: "deadLetterDestination", identityDeadLetter: ["deadLetterWithResourceIdentity"] };
const NAMESPACE_PATHS: DeliveryPaths = {
    destination: "deliveryConfiguration.push.destination",
    identityDelivery: "deliveryConfiguration.push.deliveryWithResourceIdentity",
    identityDeadLetter: ["deliveryConfiguration.push.deadLetterDestinationWithResourceIdentity", "deliveryConfiguration.queue.deadLetterDestinationWithResourceIdentity"],
};

/** Why a webhook destination is not acceptable (plain HTTP, a credential in its URL, TLS below 1.2), or none. Reads past unknowns. */
function webhookProblems(dest: unknown): string[] {
    if (!enumEquals(peek(dest, "endpointType"), "WebHook")) return [];
    const problems: string[] = [];
    const url = peek(dest, "endpointUrl");
    if (url !== UNKNOWN) {
        if (typeof url !== "string" || !url.toLowerCase().startsWith("https://")) problems.push(`its webhook endpoint is not an https:// URL`);
        else {
            const query = url.includes("?") ? url.slice(url.indexOf("?") + 1).split("#")[0] ?? "" : "";
            const names = query.split("&").map((p) => decodeURIComponent(p.split("=")[0] ?? "").toLowerCase()).filter((n) => URL_CREDENTIALS.includes(n));
            if (names.length > 0) problems.push(`its webhook URL carries a credential in its query string (${[...new Set(names)].join(", ")})`);
        }
    }
    const tls = peek(dest, "minimumTlsVersionAllowed");
    if (typeof tls === "string" && !["1.2", "1.3"].includes(tls)) problems.push(`its webhook delivery allows TLS ${tls}`);
    return problems;
}

const IDENTITY_TYPES = ["SystemAssigned", "UserAssigned"];
/** Why an identity block (deliveryWithResourceIdentity.identity, deadLetterWithResourceIdentity.identity) names no identity, or undefined. */
function identityProblem(block: unknown): string | undefined {
    const type = peek(block, "identity.type");
    if (type === UNKNOWN) return undefined;
    if (!IDENTITY_TYPES.some((t) => enumEquals(type, t))) return `identity.type is ${type === undefined ? "unset" : JSON.stringify(type)}`;
    if (enumEquals(type, "UserAssigned") && peek(block, "identity.userAssignedIdentity") === undefined) return "identity.type is UserAssigned but no userAssignedIdentity is named";
    return undefined;
}

export const eventGridIdentityDelivery = resourceRule({
    name: "eventgrid-identity-delivery",
    area: AREA,
    description: "Event Grid subscriptions deliver to Storage queues, Service Bus and Event Hubs with the topic's managed identity (deliveryWithResourceIdentity, not destination), dead-letter with it (deadLetterWithResourceIdentity, not deadLetterDestination), and send webhooks only to https:// URLs without a credential in the query string, at TLS 1.2 or later.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.n", "09.s"], azurePolicy: [], checkov: [] },
    types: [...CLASSIC_SUBSCRIPTIONS, NAMESPACE_SUBSCRIPTION],
    remediation: "Give the topic a managed identity with a data role on the destination (e.g. Storage Queue Data Message Sender), set deliveryWithResourceIdentity { identity: { type: SystemAssigned }, destination } and deadLetterWithResourceIdentity { identity, deadLetterDestination } instead of destination and deadLetterDestination; webhooks: https:// only, Entra ID authentication (azureActiveDirectoryApplicationIdOrUri) rather than a key in the URL.",
    check: (r, _c, report) => {
        const paths = r.typeKey === NAMESPACE_SUBSCRIPTION ? NAMESPACE_PATHS : CLASSIC_PATHS;
        const label = `event subscription "${r.name}"`;
        const plain = peek(r.props, paths.destination);
        const withIdentity = peek(r.props, paths.identityDelivery);
        const namespacePull = r.typeKey === NAMESPACE_SUBSCRIPTION && !enumEquals(peek(r.props, "deliveryConfiguration.deliveryMode"), "Push");
        if (plain === undefined && withIdentity === undefined && !namespacePull) report(`${label} has no destination`);
        if (plain !== undefined && plain !== UNKNOWN) {
            const type = peek(plain, "endpointType");
            if (IDENTITY_DESTINATIONS.some((t) => enumEquals(type, t))) report(`${label} delivers to its ${String(type)} destination with Event Grid's own identity (destination), not the topic's managed identity (deliveryWithResourceIdentity)`);
            for (const p of webhookProblems(plain)) report(`${label}: ${p}`);
        }
        if (withIdentity !== undefined && withIdentity !== UNKNOWN) {
            const why = identityProblem(withIdentity);
            if (why !== undefined) report(`${label} delivers with resource identity, but ${why}`);
            const dest = peek(withIdentity, "destination");
            if (dest === undefined) report(`${label} delivers with resource identity to no destination`);
            for (const p of webhookProblems(dest)) report(`${label}: ${p}`);
        }
        if (paths.deadLetter !== undefined && peek(r.props, paths.deadLetter) !== undefined) report(`${label} dead-letters with Event Grid's own identity (deadLetterDestination), not the topic's managed identity (deadLetterWithResourceIdentity)`);
        for (const path of paths.identityDeadLetter) {
            const dl = peek(r.props, path);
            if (dl === undefined || dl === UNKNOWN) continue;
            const why = identityProblem(dl);
            if (why !== undefined) report(`${label} dead-letters with resource identity, but ${why}`);
            if (peek(dl, "deadLetterDestination") === undefined) report(`${label} dead-letters with resource identity to no destination`);
        }
    },
});

const egKey = (r: PolicyResource) => azureTypeKey(r.type) ?? "";
const depsOn = (r: PolicyResource, key: string) => new Set((r.propertyDependencies[key] ?? []).map((d) => d.urn));
/** The identity types a topic has (`SystemAssigned`, `UserAssigned`), from `identity.type` such as "SystemAssigned, UserAssigned". */
const identityTypes = (topic: PolicyResource): string[] => {
    const t = peek(topic.props, "identity.type");
    return typeof t === "string" ? t.split(/[\s,]+/).filter((x) => x !== "" && x.toLowerCase() !== "none").map((x) => x.toLowerCase()) : t === UNKNOWN ? ["unknown"] : [];
};
/** The user-assigned identity IDs a topic holds (keys of identity.userAssignedIdentities), lower-cased. */
const userIdentityIds = (topic: PolicyResource): string[] => {
    const ids = peek(topic.props, "identity.userAssignedIdentities");
    return typeof ids === "object" && ids !== null ? Object.keys(ids).map((k) => k.toLowerCase()) : [];
};

export const eventGridTopicIdentity = stackRule({
    name: "eventgrid-topic-identity",
    area: AREA,
    description: "An Event Grid system topic, custom topic, domain, partner topic or namespace whose subscriptions deliver or dead-letter with a resource identity has that identity (system-assigned, or the user-assigned identity the subscription names); a subscription on an event source (e.g. a storage account) without a declared system topic gets Azure's implicit one, which has none.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.n"], azurePolicy: [], checkov: ["CKV_AZURE_191", "CKV_AZURE_194"] },
    types: [...CLASSIC_SUBSCRIPTIONS, NAMESPACE_SUBSCRIPTION, "eventgrid:SystemTopic", "eventgrid:Topic", "eventgrid:Domain", "eventgrid:PartnerTopic", "eventgrid:Namespace"],
    remediation: "Set identity { type: SystemAssigned } (or UserAssigned with the identity in userAssignedIdentities) on the topic the subscription belongs to; for an eventgrid:EventSubscription on a storage account, declare an eventgrid:SystemTopic for the account with an identity and subscribe to it (SystemTopicEventSubscription).",
    check: (resources, _c, report, exempt) => {
        const topics = resources.filter((r) => ["eventgrid:SystemTopic", "eventgrid:Topic", "eventgrid:Domain", "eventgrid:PartnerTopic", "eventgrid:Namespace"].includes(egKey(r)));
        const systemTopics = topics.filter((t) => egKey(t) === "eventgrid:SystemTopic");
        const named = (t: PolicyResource, value: unknown) => typeof value === "string" && [t.name, ...["systemTopicName", "topicName", "domainName", "partnerTopicName", "namespaceName", "name", "id"].map((k) => t.props[k])]
            .some((n) => typeof n === "string" && (enumEquals(n, value) || n.toLowerCase().endsWith(`/${value.toLowerCase()}`)));
        for (const s of resources) {
            const type = egKey(s);
            const isClassic = CLASSIC_SUBSCRIPTIONS.includes(type);
            if (!isClassic && type !== NAMESPACE_SUBSCRIPTION) continue;
            if (exempt(s)) continue;
            const blocks = (isClassic ? [CLASSIC_PATHS.identityDelivery, ...CLASSIC_PATHS.identityDeadLetter] : [NAMESPACE_PATHS.identityDelivery, ...NAMESPACE_PATHS.identityDeadLetter])
                .map((p) => ({ path: p, block: peek(s.props, p) })).filter((b) => b.block !== undefined && b.block !== UNKNOWN);
            if (blocks.length === 0) continue;
            // The topic the subscription belongs to: by dependency (known at preview) or by name/ID.
            let topic: PolicyResource | undefined;
            let implicit = false;
            const parent = type === NAMESPACE_SUBSCRIPTION ? { parentType: "eventgrid:Namespace", key: "namespaceName" } : SUBSCRIPTION_PARENT[type];
            if (parent !== undefined) {
                const deps = depsOn(s, parent.key);
                topic = topics.find((t) => egKey(t) === parent.parentType && (deps.has(t.urn) || named(t, s.props[parent.key])));
            } else {
                const deps = depsOn(s, "scope");
                const scope = s.props["scope"];
                topic = topics.find((t) => deps.has(t.urn) || named(t, scope))
                    ?? systemTopics.find((t) => [...depsOn(t, "source")].some((u) => deps.has(u)) || (typeof scope === "string" && enumEquals(t.props["source"], scope)));
                // A source in this stack with no declared system topic: Azure creates one without an identity.
                implicit = topic === undefined && resources.some((r) => deps.has(r.urn) && egKey(r) !== "" && !egKey(r).startsWith("eventgrid:"));
            }
            if (topic === undefined) {
                if (implicit) report(`event subscription "${s.name}" delivers with a resource identity from an event source that has no eventgrid:SystemTopic in this stack: the system topic Azure creates for it has no managed identity`, s.urn);
                continue; // a topic outside this stack is governed where it is deployed
            }
            const has = identityTypes(topic);
            if (has.includes("unknown")) continue;
            for (const { path, block } of blocks) {
                const want = peek(block, "identity.type");
                if (typeof want !== "string") continue; // eventgrid-identity-delivery reports a missing identity type
                if (enumEquals(want, "SystemAssigned") && !has.includes("systemassigned")) {
                    report(`event subscription "${s.name}" uses the system-assigned identity of ${egKey(topic)} "${topic.name}" (${path}), which has none`, s.urn);
                } else if (enumEquals(want, "UserAssigned")) {
                    if (!has.includes("userassigned")) { report(`event subscription "${s.name}" uses a user-assigned identity of ${egKey(topic)} "${topic.name}" (${path}), which has none`, s.urn); continue; }
                    const id = peek(block, "identity.userAssignedIdentity");
                    const held = userIdentityIds(topic);
                    const byDep = [...depsOn(s, path.split(".")[0] ?? path)].some((u) => depsOn(topic as PolicyResource, "identity").has(u));
                    if (typeof id === "string" && held.length > 0 && !held.includes(id.toLowerCase()) && !byDep) report(`event subscription "${s.name}" uses a user-assigned identity that ${egKey(topic)} "${topic.name}" does not hold (${path})`, s.urn);
                }
            }
        }
    },
});
