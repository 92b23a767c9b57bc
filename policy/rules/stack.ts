import { PolicyResource } from "@pulumi/policy";
import {
    APPLICATION_GATEWAY_SUBNET_NAMES, DELEGATED_PLATFORM_SUBNETS, PLATFORM_SUBNETS, defaultRouteCover, delegationsOf, denyAllRuleSet, dependsOn, enumEquals as same, ipv4Contains,
    isDefaultRoutePrefix, objects as objs, privateLinksTo, prop as at, resourceKey as key,
} from "./common";
import { resourceRule, stackRule } from "./define";

/**
 * Stack-level rules: relations between resources (endpoint → store, diagnostic setting → resource, public IP →
 * consumer, subnet → route table). They follow dependencies (`propertyDependencies`), which are known at preview,
 * and fall back to IDs only where those are known.
 */

/** A number, or NaN for anything else (an unknown value is a symbol, which Number() would throw on). */
const num = (v: unknown) => (typeof v === "number" ? v : typeof v === "string" ? Number(v) : NaN);

/**
 * Stores that must be reachable only through a private endpoint. Azure AI services accounts (the Language service's
 * text analytics for health reads PHI) take one in group `account`
 * (learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks#use-private-endpoints).
 */
const PE_TARGETS = ["healthcareapis:Workspace", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "eventhub:Namespace", "synapse:Workspace", "web:WebApp", "cognitiveservices:Account"];

/**
 * What may reference a VNet flow-log account without making it more than a flow-log sink: the flow logs writing to it,
 * its own settings and logs, locks, endpoints to it, and role assignments to the identity the flow logs write with.
 * Anything else (a diagnostic setting archiving another resource's logs into it, a container, an app or a role
 * assignment for another principal) may put other data there, PHI included, so the account is a store like any other.
 */
function flowLogSinkOnly(account: PolicyResource, resources: PolicyResource[]): boolean {
    const id = account.props["id"];
    const writesTo = (l: PolicyResource) => dependsOn(l, account, "storageId") || (typeof id === "string" && same(l.props["storageId"], id));
    const flowLogs = resources.filter((r) => key(r) === "network:FlowLog" && writesTo(r));
    if (flowLogs.length === 0) return false;
    // The identities the flow logs write with (none when Network Watcher writes as a trusted Azure service).
    const writers = new Set(flowLogs.flatMap((l) => l.propertyDependencies["identity"] ?? []).filter((d) => key(d) === "managedidentity:UserAssignedIdentity").map((d) => d.urn));
    const only = (r: PolicyResource, props: string[]) => Object.entries(r.propertyDependencies).every(([p, deps]) => props.includes(p) || !deps.some((d) => d.urn === account.urn));
    return resources.filter((r) => key(r) !== "" && r.urn !== account.urn && dependsOn(r, account)).every((r) => {
        switch (key(r)) {
            case "network:FlowLog": return writesTo(r);
            case "network:PrivateEndpoint": return true;
            // The account's own logs and metrics, never another resource's logs archived into it.
            case "monitor:DiagnosticSetting": return only(r, ["resourceUri"]);
            case "storage:BlobServiceProperties": case "storage:ManagementPolicy": return only(r, ["accountName", "resourceGroupName"]);
            case "authorization:ManagementLock": case "authorization:ManagementLockByScope": case "authorization:ManagementLockAtResourceLevel": return true;
            case "authorization:RoleAssignment": {
                const principals = r.propertyDependencies["principalId"] ?? [];
                return principals.length > 0 && principals.every((p) => writers.has(p.urn));
            }
            default: return false;
        }
    });
}

export const phiPrivateEndpointRequired = stackRule<{ exemptFlowLogStorage: boolean }>({
    name: "phi-private-endpoint-required",
    area: "network",
    description: "Every PHI store (Health Data Services workspace, storage account, Key Vault, registry, Event Hubs namespace, Synapse workspace, web app, Azure AI services account) has a private endpoint pointing at it; a storage account that only receives VNet flow logs is not a PHI store.",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n"], azurePolicy: ["64528841", "a6abeaec", "6edd7eda", "e8eef0a8"], checkov: ["CKV2_AZURE_32", "CKV2_AZURE_33"] },
    types: PE_TARGETS,
    remediation: "Add a network:PrivateEndpoint whose privateLinkServiceConnections[] (or manualPrivateLinkServiceConnections[]) privateLinkServiceId is the store's id (and a DNS zone group). A VNet flow-log account (the storageId of a network:FlowLog, used by nothing but flow logs, its own settings and logs, locks and grants to the flow logs' identity) needs none: Network Watcher writes as a trusted Azure service, which has no private-endpoint path, and the account holds flow metadata, not PHI (setting exemptFlowLogStorage, default true).",
    config: { exemptFlowLogStorage: { type: "boolean", default: true } },
    check: (resources, c, report, exempt) => {
        const endpoints = resources.filter((r) => key(r) === "network:PrivateEndpoint");
        const targets = resources.filter((r) => PE_TARGETS.includes(key(r)));
        for (const t of targets) {
            if (exempt(t)) continue;
            // VNet flow logs: Network Watcher writes them as a trusted Azure service, through the public endpoint's
            // trusted-services exception (learn.microsoft.com/azure/storage/common/storage-network-security), which has no
            // private-endpoint path; the account holds flow metadata (5-tuples, byte counts, NSG verdicts;
            // learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview), not PHI, as long as nothing else writes
            // to it (flowLogSinkOnly). storage-no-public-network-access still requires its firewall to deny by default.
            if (c.exemptFlowLogStorage && key(t) === "storage:StorageAccount" && flowLogSinkOnly(t, resources)) continue;
            // Auto-approved or manual-approval connections both put the store behind the endpoint.
            if (privateLinksTo(endpoints, t).length === 0) report(`${key(t)} "${t.name}" has no private endpoint`, t.urn);
        }
    },
});

/**
 * Resources whose audit logs must reach Log Analytics. Besides the stores and the edge: Synapse workspaces (SQL
 * requests, RBAC operations, pipeline and Spark runs), Azure AI services accounts (requests carrying PHI for analysis)
 * and Container Apps environments, whose console and system logs leave only through a diagnostic setting when
 * appLogsConfiguration.destination is "azure-monitor" (learn.microsoft.com/azure/container-apps/log-options,
 * learn.microsoft.com/azure/synapse-analytics/monitor-synapse-analytics, learn.microsoft.com/azure/ai-services/diagnostic-logging).
 */
const AUDITED = [
    "healthcareapis:FhirService", "healthcareapis:DicomService", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "apimanagement:ApiManagementService",
    "network:AzureFirewall", "network:ApplicationGateway", "synapse:Workspace", "cognitiveservices:Account", "app:ManagedEnvironment",
    // VPN and ExpressRoute gateways: tunnel, IKE, route and gateway diagnostic logs (learn.microsoft.com/azure/vpn-gateway/monitor-vpn-gateway).
    "network:VirtualNetworkGateway",
];

export const phiDiagnosticsToLaw = stackRule<Record<string, never>>({
    name: "phi-diagnostics-to-law",
    area: "monitoring",
    description: "Every PHI store, edge service (VPN and ExpressRoute gateways included) and analytics service (Synapse workspace, Azure AI services account, Container Apps environment) sends its logs (allLogs or audit category group) to a Log Analytics workspace; for storage, the blob service's logs.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.aa", "09.ab"], azurePolicy: ["7f89b1eb", "cf820ca0", "91a78b24", "eb2fea88"], checkov: [] },
    types: AUDITED,
    remediation: "Add a monitor:DiagnosticSetting on the resource (storage: on <account>/blobServices/default) with logs [{ categoryGroup: allLogs or audit, enabled: true }] and workspaceId set.",
    check: (resources, _c, report, exempt) => {
        const settings = resources.filter((r) => key(r) === "monitor:DiagnosticSetting").filter((d) => {
            const logs = Array.isArray(d.props["logs"]) ? (d.props["logs"] as Array<Record<string, unknown>>) : [];
            const auditing = logs.some((l) => l["enabled"] === true && ["allLogs", "audit"].includes(String(l["categoryGroup"])));
            return auditing && (d.propertyDependencies["workspaceId"] !== undefined || typeof d.props["workspaceId"] === "string");
        });
        const blobServices = resources.filter((r) => key(r) === "storage:BlobServiceProperties");
        for (const t of resources.filter((r) => AUDITED.includes(key(r)))) {
            if (exempt(t)) continue;
            const covered = settings.some((d) => dependsOn(d, t, "resourceUri"))
                || (key(t) === "storage:StorageAccount" && blobServices.some((b) => dependsOn(b, t, "accountName") && settings.some((d) => dependsOn(d, b, "resourceUri"))));
            if (!covered) report(`${key(t)} "${t.name}" sends no audit logs to Log Analytics`, t.urn);
        }
    },
});

export const publicIpOnlyAtEdge = stackRule<{ allowedConsumers: string[] }>({
    name: "no-public-ip-except-edge",
    area: "network",
    description: "Public IPs exist only on the edge: Application Gateway, Azure Firewall, Bastion, API Management's stv2 management endpoint, and VPN/ExpressRoute gateways; none is orphaned.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n"], azurePolicy: ["83a86a26"], checkov: ["CKV_AZURE_119", "CKV2_AZURE_39"] },
    types: ["network:PublicIPAddress"],
    remediation: "Remove the public IP; reach the resource through the gateway or Bastion.",
    config: { allowedConsumers: { type: "array", items: { type: "string" }, default: ["network:ApplicationGateway", "network:AzureFirewall", "network:BastionHost", "apimanagement:ApiManagementService", "network:VirtualNetworkGateway"] } },
    check: (resources, c, report, exempt) => {
        for (const pip of resources.filter((r) => key(r) === "network:PublicIPAddress")) {
            if (exempt(pip)) continue;
            // Only Azure resources consume an IP; the stack and components merely pass outputs along.
            const consumers = resources.filter((r) => key(r) !== "" && key(r) !== "monitor:DiagnosticSetting" && dependsOn(r, pip));
            if (consumers.length === 0) report(`public IP "${pip.name}" is attached to nothing`, pip.urn);
            for (const cons of consumers.filter((x) => !c.allowedConsumers.includes(key(x)))) report(`public IP "${pip.name}" is used by ${key(cons)} "${cons.name}", which is not an edge service`, pip.urn);
        }
    },
});

/** Stateful resources whose deletion loses PHI or its keys and audit trail. */
const STATEFUL = ["healthcareapis:Workspace", "healthcareapis:FhirService", "healthcareapis:DicomService", "storage:StorageAccount", "keyvault:Vault", "containerregistry:Registry", "operationalinsights:Workspace", "synapse:Workspace", "compute:Disk"];

export const statefulProtected = resourceRule<{ requireProtect: boolean }>({
    name: "prod-stateful-protected",
    area: "data-protection",
    description: "In protected stacks (prod), every stateful PHI resource has Pulumi `protect`, so a stray `pulumi destroy` or refactor cannot delete it.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["12.b", "09.l"], azurePolicy: [], checkov: [] },
    types: STATEFUL,
    remediation: "Pass { protect: true } (and retainOnDelete) to stateful resources; the program does so when ahds:protect is true.",
    config: { requireProtect: { type: "boolean", default: true } },
    check: (r, c, report) => { if (c.requireProtect && r.args.opts.protect !== true) report(`${r.typeKey} "${r.name}" is not protected`); },
});

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
    description: "Every subnet of every VNet (hub included; inline or standalone network:Subnet) except Azure's platform subnets, subnets delegated to DNS Private Resolver endpoints and the subnets Application Gateways are deployed in has a route table with BGP propagation off whose default routes (0.0.0.0/0 and IPv6 ::/0, and either half of a split default) go to a virtual appliance, and, where the firewall's private IP is known, to that IP.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "01.o", "09.m"], azurePolicy: ["fc5e4038"], checkov: [] },
    types: ["network:VirtualNetwork", "network:Subnet", "network:RouteTable", "network:Route", "network:AzureFirewall", "network:ApplicationGateway"],
    remediation: "Associate a route table with 0.0.0.0/0 (and in a dual-stack VNet ::/0) → VirtualAppliance → the firewall's private IP and disableBgpRoutePropagation: true to the subnet. Platform subnets (GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet, AzureBastionSubnet) are exempt by name, subnets delegated to Microsoft.Network/dnsResolvers by delegation, and the subnet an Application Gateway's gatewayIPConfigurations name (by its ID; while that is unknown, a subnet named in applicationGatewaySubnetNames, default [\"snet-appgw\"], of the VNet the configuration is built from): Application Gateway v2 does not support a 0.0.0.0/0 route to a virtual appliance without the network-isolation feature (learn.microsoft.com/azure/application-gateway/application-gateway-private-deployment; exemptApplicationGatewaySubnets false checks them too). Another subnet that cannot take one is exempted as \"<vnet>/<subnet>\" with a justification.",
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
        const checkSubnet = (vnetName: string, subnetName: string, subnet: Record<string, unknown>, deps: PolicyResource[], urn: string, platformTables = 0) => {
            if (c.exemptSubnetNames.includes(subnetName) || exempt(`${vnetName}/${subnetName}`)) return;
            if (gateways.standalone.has(urn) || gateways.inVnet.get(urn)?.has(subnetName) === true) return;
            if (delegationsOf(subnet).some((d) => c.exemptDelegations.some((e) => same(d, e)))) return;
            const ref = at(subnet, "routeTable.id");
            if (subnet["routeTable"] === undefined) { report(`subnet "${subnetName}" of "${vnetName}" has no route table: its traffic bypasses the firewall`, urn); return; }
            // Match the table by ID when known; at preview the ID is unknown, so use the tables the subnets depend on. Those
            // include the tables of platform subnets (GatewaySubnet's carries spoke routes, no default route): when there
            // are no more default-less tables than platform subnets with a table, they are taken as theirs. (A workload
            // subnet given such a table while GatewaySubnet had a default one would pass this preview check only; the run
            // after the deployment, with IDs known, matches by ID.)
            const byId = typeof ref === "string" ? tables.filter((t) => same(t.props["id"], ref)) : [];
            const depTables = deps.filter((d) => key(d) === "network:RouteTable");
            const defaultless = depTables.filter((t) => defaultRoutes(t).length === 0);
            const candidates = byId.length > 0 ? byId : (defaultless.length > 0 && defaultless.length <= platformTables ? depTables.filter((t) => !defaultless.includes(t)) : depTables);
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
            const platformTables = subnets.filter((s) => c.exemptSubnetNames.includes(String(s["name"])) && s["routeTable"] !== undefined).length;
            for (const s of subnets) checkSubnet(vnet.name, String(s["name"]), s, vnet.propertyDependencies["subnets"] ?? [], vnet.urn, platformTables);
        }
        // Every standalone subnet, whether its VNet is declared in this stack or only named (an existing VNet).
        for (const s of resources.filter((r) => key(r) === "network:Subnet")) {
            const parent = vnets.find((v) => dependsOn(s, v, "virtualNetworkName"));
            if (parent !== undefined && exempt(parent)) continue;
            const vnetName = parent?.name ?? String(s.props["virtualNetworkName"] ?? "(unknown VNet)");
            checkSubnet(vnetName, String(s.props["subnetName"] ?? s.props["name"] ?? s.name), s.props, s.propertyDependencies["routeTable"] ?? [], s.urn);
        }
    },
});

export const eventHubNetworkRestricted = stackRule({
    name: "eventhub-network-restricted",
    area: "event-hubs",
    description: "Event Hubs namespaces disable public network access, or pair it with a network rule set that denies by default and opens no IP or VNet rule (trusted Azure services and private endpoints only).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab"], azurePolicy: ["0602787f", "b8564268"], checkov: [] },
    types: ["eventhub:Namespace", "eventhub:NamespaceNetworkRuleSet"],
    remediation: "Set publicNetworkAccess: \"Disabled\", or add an eventhub:NamespaceNetworkRuleSet { defaultAction: \"Deny\", ipRules: [], virtualNetworkRules: [], trustedServiceAccessEnabled: true } and a private endpoint.",
    check: (resources, _c, report, exempt) => {
        const ruleSets = resources.filter((r) => key(r) === "eventhub:NamespaceNetworkRuleSet");
        for (const ns of resources.filter((r) => key(r) === "eventhub:Namespace")) {
            if (exempt(ns) || same(ns.props["publicNetworkAccess"], "Disabled")) continue;
            const own = ruleSets.filter((s) => dependsOn(s, ns, "namespaceName") || dependsOn(s, ns));
            const closed = own.length > 0 && own.every((s) => same(s.props["publicNetworkAccess"], "Disabled") || denyAllRuleSet(s.props));
            if (!closed) report(`Event Hubs namespace "${ns.name}" is open to public networks (no Disabled public access and no deny-by-default rule set without IP/VNet rules)`, ns.urn);
        }
    },
});

const DEFENDER_PLANS = ["VirtualMachines", "StorageAccounts", "KeyVaults", "AppServices", "Containers", "Arm", "Api", "CloudPosture"];

export const defenderPlansEnabled = stackRule<{ requiredPlans: string[]; platformManaged: boolean }>({
    name: "defender-plans-enabled",
    area: "monitoring",
    description: "The stack enables the Microsoft Defender for Cloud plans that watch its resources (Standard tier; Defender for Storage on the V2 plan with malware scanning), unless the subscription's plans are managed by the platform team.",
    severity: "medium",
    enforcementLevel: "advisory",
    controls: { hitrust: ["09.j", "10.m", "09.ab"], azurePolicy: ["4da35fc9", "640d2586", "0e6763cc", "2913021d", "1c988dd6", "c3d20c29", "7926a6d1", "1f90fc71", "a1181c5f"], checkov: ["CKV_AZURE_19", "CKV_AZURE_55", "CKV_AZURE_61", "CKV_AZURE_84", "CKV_AZURE_85", "CKV_AZURE_86", "CKV_AZURE_87", "CKV_AZURE_234"] },
    types: ["security:Pricing"],
    remediation: "Set ahds:governance.defenderPlans (HubSecurity creates security:Pricing { pricingTier: Standard } per plan), or set platformManaged: true when a landing zone enables them.",
    config: {
        requiredPlans: { type: "array", items: { type: "string" }, default: DEFENDER_PLANS },
        platformManaged: { type: "boolean", default: false },
    },
    check: (resources, c, report) => {
        if (c.platformManaged) return;
        const pricings = resources.filter((r) => key(r) === "security:Pricing" && same(r.props["pricingTier"], "Standard"));
        for (const plan of c.requiredPlans) {
            const p = pricings.find((r) => same(r.props["pricingName"], plan));
            if (p === undefined) report(`Defender plan ${plan} is not enabled (Standard) by this stack`);
            else if (plan === "StorageAccounts" && !same(p.props["subPlan"], "DefenderForStorageV2")) report(`Defender for Storage is not on the DefenderForStorageV2 plan (per-account malware scanning and sensitive-data discovery)`, p.urn);
        }
    },
});

export const vnetFlowLogsCoverage = stackRule<{ minRetentionDays: number }>({
    name: "vnet-flow-logs-coverage",
    area: "monitoring",
    description: "Every VNet has an enabled VNet flow log, kept at least the configured days, with traffic analytics into Log Analytics.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.aa", "09.ab", "09.w", "10.k"], azurePolicy: ["4c3c6c5f", "c251913d", "2f080164"], checkov: ["CKV_AZURE_12"] },
    types: ["network:VirtualNetwork", "network:FlowLog"],
    remediation: "Set ahds:flowLogs.enabled (a network:FlowLog per VNet with retentionPolicy { enabled: true, days } and flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration { enabled: true, workspaceResourceId }).",
    config: { minRetentionDays: { type: "integer", minimum: 1, maximum: 365, default: 90 } },
    check: (resources, c, report, exempt) => {
        const logs = resources.filter((r) => key(r) === "network:FlowLog");
        for (const vnet of resources.filter((r) => key(r) === "network:VirtualNetwork")) {
            if (exempt(vnet)) continue;
            const own = logs.filter((l) => dependsOn(l, vnet, "targetResourceId") || (typeof vnet.props["id"] === "string" && same(l.props["targetResourceId"], vnet.props["id"])));
            if (own.length === 0) { report(`VNet "${vnet.name}" has no flow log`, vnet.urn); continue; }
            const good = own.some((l) => l.props["enabled"] !== false
                && at(l.props, "retentionPolicy.enabled") === true && num(at(l.props, "retentionPolicy.days")) >= c.minRetentionDays
                && at(l.props, "flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration.enabled") === true);
            if (!good) report(`VNet "${vnet.name}" flow log is disabled, kept under ${c.minRetentionDays} days, or has no traffic analytics`, vnet.urn);
        }
    },
});

/** Where each CMK-capable resource names its key (a Key Vault key URL). */
const CMK_PATHS: Record<string, string> = {
    "healthcareapis:FhirService": "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl",
    "healthcareapis:DicomService": "encryption.customerManagedKeyEncryption.keyEncryptionKeyUrl",
    "storage:StorageAccount": "encryption.keyVaultProperties.keyVaultUri",
    "containerregistry:Registry": "encryption.keyVaultProperties.keyIdentifier",
    "synapse:Workspace": "encryption.cmk.key.keyVaultUrl",
    "eventhub:Namespace": "encryption.keyVaultProperties",
};
/** Key Vault Crypto Service Encryption User: wrap/unwrap only (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6";

export const cmkKeyInProtectedVault = stackRule({
    name: "cmk-key-in-protected-vault",
    area: "key-vault",
    description: "A customer-managed key encrypting PHI lives in a Key Vault of this stack with purge protection and RBAC, and the encrypting service holds Key Vault Crypto Service Encryption User on it (losing the key loses the data).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["10.g", "12.b", "06.c"], azurePolicy: ["d8cf8476"], checkov: [] },
    types: [...Object.keys(CMK_PATHS), "keyvault:Vault", "keyvault:Key", "authorization:RoleAssignment"],
    remediation: "Create the key in a vault with enablePurgeProtection and enableRbacAuthorization, and grant the service's identity Key Vault Crypto Service Encryption User on the vault or key.",
    check: (resources, _c, report, exempt) => {
        const vaults = resources.filter((r) => key(r) === "keyvault:Vault");
        const keys = resources.filter((r) => key(r) === "keyvault:Key");
        const grants = resources.filter((r) => key(r) === "authorization:RoleAssignment" && String(r.props["roleDefinitionId"] ?? "").toLowerCase().endsWith(CRYPTO_SERVICE_ENCRYPTION_USER));
        for (const r of resources) {
            const path = CMK_PATHS[key(r)];
            if (path === undefined || exempt(r)) continue;
            const deps = r.propertyDependencies["encryption"] ?? [];
            const url = at(r.props, path);
            if (url === undefined && deps.length === 0) continue;
            const host = (JSON.stringify(url ?? "") ?? "").match(/https:\/\/([a-z0-9-]+)\.vault\.azure\.net/i)?.[1];
            const vaultOf = (k: PolicyResource) => vaults.filter((v) => dependsOn(k, v, "vaultName"));
            const used = [
                ...deps.filter((d) => key(d) === "keyvault:Vault"),
                ...deps.filter((d) => key(d) === "keyvault:Key").flatMap(vaultOf),
                ...(host === undefined ? [] : vaults.filter((v) => same(v.props["vaultName"], host) || same(v.props["name"], host))),
            ];
            if (used.length === 0) continue; // a key outside this stack: its vault is governed where it is deployed
            for (const v of new Set(used)) {
                if (at(v.props, "properties.enablePurgeProtection") !== true || at(v.props, "properties.enableRbacAuthorization") !== true) report(`${key(r)} "${r.name}" encrypts with a key in Key Vault "${v.name}", which lacks purge protection or RBAC`, r.urn);
                const scoped = [v, ...keys.filter((k) => dependsOn(k, v, "vaultName"))];
                // The grant's principal is the service itself (system identity) or a user-assigned identity it uses.
                const principals = [r, ...(r.propertyDependencies["identity"] ?? [])];
                if (!grants.some((g) => scoped.some((s) => dependsOn(g, s, "scope")) && principals.some((p) => dependsOn(g, p, "principalId")))) report(`${key(r)} "${r.name}" has no Key Vault Crypto Service Encryption User grant on "${v.name}"`, r.urn);
            }
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
