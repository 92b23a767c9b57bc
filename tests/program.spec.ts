import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { NameKind, nameProblems } from "../components/shared/naming";
import { NON_TAGGABLE_TYPES } from "../policy/rules/tags";
import { azureTypeKey } from "../policy/rules/common";
import { Graph, STACK_TYPE } from "../lib/offline/graph";
import { ProgramRun, runProgram, sharedProgramRun } from "../lib/offline/run";
import { UNKNOWN } from "../lib/offline/values";

/** Where each Azure-named resource type keeps its name, and which Azure rule applies. */
const NAMED: Record<string, { kind: NameKind; key: string }> = {
    "resources:ResourceGroup": { kind: "resourceGroup", key: "resourceGroupName" },
    "operationalinsights:Workspace": { kind: "logAnalyticsWorkspace", key: "workspaceName" },
    "network:VirtualNetwork": { kind: "virtualNetwork", key: "virtualNetworkName" },
    "network:NetworkSecurityGroup": { kind: "networkSecurityGroup", key: "networkSecurityGroupName" },
    "network:RouteTable": { kind: "routeTable", key: "routeTableName" },
    "network:PublicIPAddress": { kind: "publicIpAddress", key: "publicIpAddressName" },
    "network:AzureFirewall": { kind: "firewall", key: "azureFirewallName" },
    "network:FirewallPolicy": { kind: "firewallPolicy", key: "firewallPolicyName" },
    "network:BastionHost": { kind: "bastion", key: "bastionHostName" },
    "network:NetworkInterface": { kind: "networkInterface", key: "networkInterfaceName" },
    "network:PrivateEndpoint": { kind: "privateEndpoint", key: "privateEndpointName" },
    "compute:VirtualMachine": { kind: "virtualMachine", key: "vmName" },
    "keyvault:Vault": { kind: "keyVault", key: "vaultName" },
    "storage:StorageAccount": { kind: "storageAccount", key: "accountName" },
    "managedidentity:UserAssignedIdentity": { kind: "userAssignedIdentity", key: "resourceName" },
    "healthcareapis:Workspace": { kind: "healthWorkspace", key: "workspaceName" },
    "containerregistry:Registry": { kind: "containerRegistry", key: "registryName" },
    "eventhub:Namespace": { kind: "eventHubNamespace", key: "namespaceName" },
    "network:WebApplicationFirewallPolicy": { kind: "wafPolicy", key: "policyName" },
    "network:ApplicationGateway": { kind: "applicationGateway", key: "applicationGatewayName" },
    "apimanagement:ApiManagementService": { kind: "apiManagement", key: "serviceName" },
    "web:AppServicePlan": { kind: "appServicePlan", key: "name" },
    "web:WebApp": { kind: "functionApp", key: "name" },
    "applicationinsights:Component": { kind: "applicationInsights", key: "resourceName" },
    "eventgrid:SystemTopic": { kind: "eventGridSystemTopic", key: "systemTopicName" },
    "app:ManagedEnvironment": { kind: "containerAppsEnvironment", key: "environmentName" },
    "app:Job": { kind: "containerAppJob", key: "jobName" },
    "app:ContainerApp": { kind: "containerApp", key: "containerAppName" },
    "synapse:Workspace": { kind: "synapseWorkspace", key: "workspaceName" },
    "synapse:PrivateLinkHub": { kind: "synapsePrivateLinkHub", key: "privateLinkHubName" },
    "cognitiveservices:Account": { kind: "languageAccount", key: "accountName" },
    "network:VirtualNetworkGateway": { kind: "virtualNetworkGateway", key: "virtualNetworkGatewayName" },
    "network:LocalNetworkGateway": { kind: "localNetworkGateway", key: "localNetworkGatewayName" },
    "network:VirtualNetworkGatewayConnection": { kind: "gatewayConnection", key: "virtualNetworkGatewayConnectionName" },
    "dnsresolver:DnsResolver": { kind: "dnsResolver", key: "dnsResolverName" },
    "dnsresolver:InboundEndpoint": { kind: "dnsResolverInboundEndpoint", key: "inboundEndpointName" },
};
/**
 * Health Data Services workspace children: 3-24 lowercase letters and digits, and `<workspace>-<service>` must stay
 * one DNS label (at most 63 characters) because it is the host of the service URL.
 */
const HEALTH_SERVICE_NAME_KEYS: Record<string, string> = {
    "healthcareapis:FhirService": "fhirServiceName", "healthcareapis:DicomService": "dicomServiceName", "healthcareapis:IotConnector": "iotConnectorName",
};
/**
 * Types whose names follow their own rules, checked below, or are fixed by Azure: private DNS zones are named after
 * the service's zone, Defender plans after the plan, extensions after the extension type; rule collection groups,
 * zone groups, peerings, links, flow logs and secrets are checked by pattern.
 */
const OTHER_NAMES = new Set(["monitor:DiagnosticSetting", "authorization:ManagementLockByScope", "authorization:RoleAssignment",
    "privatedns:PrivateZone", "security:Pricing", "compute:VirtualMachineExtension", "network:FirewallPolicyRuleCollectionGroup",
    "network:PrivateDnsZoneGroup", "network:VirtualNetworkPeering", "privatedns:VirtualNetworkLink", "network:FlowLog",
    "keyvault:Secret", "authorization:PolicyAssignment", "eventhub:NamespaceNetworkRuleSet",
    // APIM children are named by fixed IDs checked in tests/ingress.spec.ts; the APIM zone is named after the service.
    "apimanagement:Api", "apimanagement:ApiOperation", "apimanagement:ApiPolicy", "apimanagement:Logger", "apimanagement:ApiDiagnostic"]);
/** Child-resource names: 1-80 chars of letters, digits, `_.-`, starting alphanumeric (ARM child name rule for network). */
const CHILD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
const CHILD_NAME_KEYS: Record<string, string> = {
    "network:FirewallPolicyRuleCollectionGroup": "ruleCollectionGroupName", "network:PrivateDnsZoneGroup": "privateDnsZoneGroupName",
    "network:VirtualNetworkPeering": "virtualNetworkPeeringName", "privatedns:VirtualNetworkLink": "virtualNetworkLinkName",
    "network:FlowLog": "flowLogName", "keyvault:Secret": "secretName", "compute:VirtualMachineExtension": "vmExtensionName",
    "eventhub:EventHub": "eventHubName", "eventhub:ConsumerGroup": "consumerGroupName", "healthcareapis:IotConnectorFhirDestination": "fhirDestinationName",
    "compute:VirtualMachineRunCommandByVirtualMachine": "runCommandName", "storage:BlobServiceProperties": "blobServicesName",
};

function checkNames(graph: Graph): void {
    for (const r of graph.custom.filter((x) => x.type.startsWith("azure-native:"))) {
        const key = azureTypeKey(r.type) ?? "";
        const inputs = graph.plainInputs(r);
        const rule = NAMED[key];
        if (rule !== undefined) {
            const name = inputs[rule.key];
            expect(name, `${r.urn} has no ${rule.key}`).to.be.a("string");
            expect(nameProblems(rule.kind, name as string), `${r.urn} name ${String(name)}`).to.deep.equal([]);
        } else if (HEALTH_SERVICE_NAME_KEYS[key] !== undefined) {
            const name = String(inputs[HEALTH_SERVICE_NAME_KEYS[key] ?? ""]);
            expect(name, r.urn).to.match(/^[a-z0-9]{3,24}$/);
            const workspace = String(inputs["workspaceName"]);
            expect(`${workspace}-${name}`.length, `${r.urn} URL host label`).to.be.at.most(63);
        } else if (key === "privatedns:PrivateRecordSet") {
            // Relative record names: "@" (zone apex) or DNS labels.
            expect(inputs["relativeRecordSetName"], r.urn).to.match(/^(@|[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$/);
        } else if (key === "storage:Queue") {
            // Queue names: 3-63 lowercase letters, digits and single hyphens, starting and ending alphanumeric
            // (learn.microsoft.com/rest/api/storageservices/naming-queues-and-metadata).
            expect(inputs["queueName"], r.urn).to.match(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/);
        } else if (key === "eventgrid:SystemTopicEventSubscription") {
            // Event subscription names: 3-64 letters, digits and hyphens.
            expect(inputs["eventSubscriptionName"], r.urn).to.match(/^[A-Za-z0-9-]{3,64}$/);
        } else if (key === "web:WebAppFtpAllowed" || key === "web:WebAppScmAllowed") {
            // Basic publishing credential policies are named ftp/scm by Azure; `name` is the site's.
            expect(inputs["name"], r.urn).to.be.a("string");
        } else if (key === "storage:BlobContainer") {
            // Container names: 3-63 lowercase letters, digits and single hyphens, starting and ending alphanumeric.
            expect(inputs["containerName"], r.urn).to.match(/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/);
        } else if (key === "containerregistry:CacheRule") {
            // ACR cache rules: 5-50 letters, digits and hyphens (Microsoft.ContainerRegistry REST spec, cacheRules/{cacheRuleName}).
            expect(inputs["cacheRuleName"], r.urn).to.match(/^[A-Za-z0-9-]{5,50}$/);
        } else if (key === "monitor:DiagnosticSetting") {
            expect(inputs["name"]).to.match(/^[^<>*%&:\\?+/]{1,260}$/);
        } else if (key === "authorization:ManagementLockByScope") {
            expect(String(inputs["lockName"]).length).to.be.within(1, 90);
        } else if (CHILD_NAME_KEYS[key] !== undefined) {
            expect(inputs[CHILD_NAME_KEYS[key] ?? ""], `${r.urn} ${CHILD_NAME_KEYS[key]}`).to.match(key === "keyvault:Secret" ? /^[0-9A-Za-z-]{1,127}$/ : CHILD_NAME);
        } else if (key === "authorization:PolicyAssignment") {
            // Resource-group-scope assignment names: at most 64 characters, none of %&?\/:<>*+# (Azure Policy assignment structure).
            expect(inputs["policyAssignmentName"]).to.match(/^[^%&?\\/:<>*+#]{1,64}$/);
        } else {
            expect(OTHER_NAMES.has(key), `${r.type} has no naming rule in tests/program.spec.ts`).to.equal(true);
        }
    }
}

function checkTags(graph: Graph, environment: string): void {
    for (const r of graph.custom.filter((x) => x.type.startsWith("azure-native:"))) {
        const key = azureTypeKey(r.type) ?? "";
        const tags = graph.plainInputs(r)["tags"];
        if (NON_TAGGABLE_TYPES.has(key)) {
            expect(tags, `${r.type} is listed as non-taggable but has tags`).to.equal(undefined);
            continue;
        }
        expect(tags, `${r.urn} has no tags`).to.be.an("object");
        expect(Object.keys(tags as object)).to.include.members(["environment", "workload", "data-classification", "owner", "cost-center", "managed-by"]);
        expect(tags).to.deep.include({ environment, "data-classification": "PHI", "managed-by": "pulumi" });
    }
}

describe("program (index.ts) on the captured graph", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;
    let prodPreview: ProgramRun;
    before(async () => {
        dev = await sharedProgramRun("dev");
        prod = await sharedProgramRun("prod");
        prodPreview = await sharedProgramRun("prod", true);
    });

    it("runs both stacks without errors", () => {
        expect(dev.error).to.equal(undefined);
        expect(prod.error).to.equal(undefined);
        expect(prodPreview.error).to.equal(undefined);
    });

    describe("harness", () => {
        it("records every resource under the root stack with unique URNs and (type, name) pairs", () => {
            for (const run of [dev, prod]) {
                const urns = run.graph.resources.map((r) => r.urn);
                expect(new Set(urns).size).to.equal(urns.length);
                expect(new Set(run.graph.resources.map((r) => `${r.type}::${r.name}`)).size).to.equal(urns.length);
                const stack = run.graph.one(STACK_TYPE);
                expect(stack.urn).to.equal(`urn:pulumi:${run.stackConfig.stack}::ahds::pulumi:pulumi:Stack::ahds-${run.stackConfig.stack}`);
                expect(run.graph.resources.filter((r) => r.parent === null)).to.deep.equal([stack]);
            }
        });
        it("records property dependencies between resources", () => {
            const g = dev.graph;
            const diag = g.one("azure-native:monitor:DiagnosticSetting", "law-diag-audit");
            const law = g.one("azure-native:operationalinsights:Workspace");
            expect(diag.propertyDependencies["resourceUri"]).to.deep.equal([law.urn]);
            expect(diag.propertyDependencies["workspaceId"]).to.deep.equal([law.urn]);
            expect(g.allDependencies(law)).to.include(g.one("azure-native:resources:ResourceGroup", "rg-hub").urn);
        });
        it("gives ARM-shaped ids and echoes names in outputs", () => {
            expect(dev.outputs?.["logAnalyticsWorkspaceId"]).to.match(/^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/rg-ahds-dev-weu-hub\/providers\/Microsoft.OperationalInsights\/workspaces\/log-ahds-dev-weu$/);
            expect(dev.outputs?.["resourceGroups"]).to.deep.equal({ hub: "rg-ahds-dev-weu-hub", spoke: "rg-ahds-dev-weu-spk", data: "rg-ahds-dev-weu-data" });
        });
        it("in preview (a new stack), IDs and values computed from them are unknown; literal inputs and names are known", () => {
            const diag = prodPreview.graph.one("azure-native:monitor:DiagnosticSetting", "law-diag-audit");
            const law = prodPreview.graph.one("azure-native:operationalinsights:Workspace");
            expect(law.id).to.equal(null);
            expect(diag.inputs["resourceUri"]).to.equal(UNKNOWN);
            expect(diag.propertyDependencies["resourceUri"]).to.deep.equal([law.urn]);
            expect(law.inputs["retentionInDays"]).to.equal(365);
            // azure-native previews name and location from the inputs (pulumi-azure-native#282): a resource group's name is known.
            expect(prodPreview.graph.one("azure-native:keyvault:Vault").inputs["resourceGroupName"]).to.equal("rg-ahds-prod-weu-hub");
            // Names carrying the random suffix are not: the suffix does not exist before the first `pulumi up`.
            expect(prodPreview.graph.one("azure-native:healthcareapis:Workspace").inputs["workspaceName"]).to.equal(UNKNOWN);
        });
    });

    describe("defaults (dev)", () => {
        it("creates the hub, spoke and data resource groups in the configured region", () => {
            const rgs = dev.graph.byType("azure-native:resources:ResourceGroup").map((r) => dev.graph.plainInputs(r));
            expect(rgs.map((r) => r["resourceGroupName"])).to.deep.equal(["rg-ahds-dev-weu-hub", "rg-ahds-dev-weu-spk", "rg-ahds-dev-weu-data"]);
            expect(rgs.every((r) => r["location"] === "westeurope")).to.equal(true);
        });
        it("creates the central workspace with Entra-only auth, dev retention and a dev ingestion cap", () => {
            expect(dev.graph.plainInputs(dev.graph.one("azure-native:operationalinsights:Workspace"))).to.deep.include({
                sku: { name: "PerGB2018" }, retentionInDays: 90, workspaceCapping: { dailyQuotaGb: 5 },
                features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
            });
        });
        it("sends the workspace's own audit logs to itself", () => {
            const d = dev.graph.plainInputs(dev.graph.one("azure-native:monitor:DiagnosticSetting", "law-diag-audit"));
            expect(d["logs"]).to.deep.equal([{ categoryGroup: "audit", enabled: true }]);
            expect(d["workspaceId"]).to.equal(d["resourceUri"]);
        });
        it("protects nothing and locks nothing", () => {
            expect(dev.graph.custom.filter((r) => r.protect || r.retainOnDelete)).to.deep.equal([]);
            expect(dev.graph.byType("azure-native:authorization:ManagementLockByScope")).to.deep.equal([]);
        });
        it("tags every taggable resource", () => checkTags(dev.graph, "dev"));
        it("gives every resource a name valid for Azure", () => checkNames(dev.graph));
        it("keeps the random suffix in state (a RandomString, not a timestamp)", () => {
            expect(dev.graph.plainInputs(dev.graph.one("random:index/randomString:RandomString", "suffix"))).to.include({ length: 5, special: false, upper: false });
        });
    });

    describe("waf-aligned (prod)", () => {
        it("protects and retains every stateful resource", () => {
            for (const t of ["azure-native:resources:ResourceGroup", "azure-native:operationalinsights:Workspace", "azure-native:keyvault:Vault", "azure-native:storage:StorageAccount"]) {
                for (const r of prod.graph.byType(t)) expect({ urn: r.urn, protect: r.protect, retainOnDelete: r.retainOnDelete }).to.deep.equal({ urn: r.urn, protect: true, retainOnDelete: true });
            }
        });
        it("protects and retains exactly the stateful resources (a new store must be added here deliberately)", () => {
            // Deleting any of these loses PHI, its audit trail or its keys; everything else can be re-created.
            expect(prod.graph.custom.filter((r) => r.protect || r.retainOnDelete).map((r) => `${r.name} ${r.protect} ${r.retainOnDelete}`)).to.have.members([
                "rg-hub true true", "rg-spoke true true", "rg-data true true", "law true true", "hub-kv true true", "hub-st-flowlogs true true",
                "fhir-ws true true", "fhir-fhir true true", "fhir-dicom true true", "fhir-acr true true",
                "fhir-st-imp true true", "bulk-st true true",
                // The analytics lake is the FHIR service's export account; the Synapse workspace holds its SQL metadata.
                "analytics-lake true true", "analytics-synapse true true",
            ]);
        });
        it("keeps audit logs 365 days without an ingestion cap", () => {
            expect(prod.graph.plainInputs(prod.graph.one("azure-native:operationalinsights:Workspace"))).to.deep.include({ retentionInDays: 365, workspaceCapping: { dailyQuotaGb: -1 } });
        });
        it("locks the workspace against deletion outside Pulumi", () => {
            const lock = prod.graph.one("azure-native:authorization:ManagementLockByScope", "law-lock");
            expect(lock.inputs["level"]).to.equal("CanNotDelete");
            expect(lock.propertyDependencies["scope"]).to.deep.equal([prod.graph.one("azure-native:operationalinsights:Workspace").urn]);
        });
        it("tags every taggable resource", () => checkTags(prod.graph, "prod"));
        it("gives every resource a name valid for Azure", () => checkNames(prod.graph));
    });

    describe("invalid config", () => {
        it("fails before any resource is registered, listing every problem by key", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-"));
            const file = path.join(dir, "Pulumi.broken.yaml");
            fs.writeFileSync(file, "config:\n  ahds:owner: me\n  ahds:costCenter: cc\n  ahds:spoke.addressSpace: 10.1.0.0/33\n  ahds:firewall.sku: Basic\n");
            const run = await runProgram({ stack: "broken", stackFile: file });
            expect(String(run.error)).to.include('ahds:spoke.addressSpace: "10.1.0.0/33" is not a valid CIDR').and.include("ahds:firewall.sku");
            expect(run.graph.resources.map((r) => r.type)).to.deep.equal([STACK_TYPE]);
        });
    });
});
