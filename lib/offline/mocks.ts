import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as forge from "node-forge";
import * as pulumi from "@pulumi/pulumi";
import { MockCallArgs, MockCallResult, MockMonitor, MockResourceArgs, MockResourceResult, Mocks } from "@pulumi/pulumi/runtime/mocks";
import type { RegisterResourceOutputsRequest, RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { addressAt, mustParseCidr } from "../../components/shared/cidr";

export const MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-00000000a0d5";
export const MOCK_TENANT_ID = "11111111-1111-1111-1111-11111111a0d5";
export const MOCK_CLIENT_ID = "22222222-2222-2222-2222-22222222a0d5";
export const MOCK_OBJECT_ID = "33333333-3333-3333-3333-33333333a0d5";

/** Everything the engine learns about one resource registration. */
export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    parent: string | null;
    /** Inputs in Pulumi's wire form (secrets and unknowns keep their sentinels; see values.ts). */
    inputs: Record<string, unknown>;
    /** Outputs the mocked provider returned (what stack policies see). */
    outputs: Record<string, unknown>;
    id: string | null;
    protect: boolean;
    retainOnDelete: boolean;
    /** `additionalSecretOutputs`: outputs the engine must keep secret whatever the provider returns. @default [] */
    additionalSecretOutputs?: string[];
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

/**
 * MockMonitor that records each RegisterResourceRequest as the engine would see it (type, name, parent, custom,
 * inputs, protect, retainOnDelete, dependencies, propertyDependencies) before handing it to the SDK's mock logic.
 */
export class RecordingMonitor extends MockMonitor {
    readonly recorded: RecordedResource[] = [];
    readonly errors: Error[] = [];
    /**
     * The root stack's outputs as the engine receives them (RegisterResourceOutputs of `pulumi:pulumi:Stack`), in wire
     * form: secrets and values unknown at preview keep their sentinels (values.ts). Undefined until the program returned.
     */
    stackOutputs: Record<string, unknown> | undefined;

    override registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: (err: unknown, resp: unknown) => void): void {
        if (req.getUrn().split("::")[2] === "pulumi:pulumi:Stack") this.stackOutputs = (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        super.registerResourceOutputs(req, callback);
    }

    override async registerResource(req: RegisterResourceRequest, callback: (err: unknown, resp: RegisterResourceResponse | undefined) => void): Promise<void> {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, prop) => { propertyDependencies[prop] = deps.getUrnsList(); });
        const entry: RecordedResource = {
            urn: "",
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent() === "" ? null : req.getParent(),
            inputs: (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
            outputs: {},
            id: null,
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            dependencies: req.getDependenciesList(),
            propertyDependencies,
        };
        this.recorded.push(entry);
        return super.registerResource(req, (err: unknown, resp: RegisterResourceResponse | undefined) => {
            if (err) {
                this.errors.push(err instanceof Error ? err : new Error(String(err)));
            } else if (resp !== undefined) {
                entry.urn = resp.getUrn();
                entry.id = resp.getId() === "" ? null : resp.getId();
                entry.outputs = (resp.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
            }
            callback(err, resp);
        });
    }
}

/** azure-native module → ARM resource provider namespace. */
const NAMESPACES: Record<string, string> = {
    apimanagement: "Microsoft.ApiManagement", app: "Microsoft.App", applicationinsights: "Microsoft.Insights",
    authorization: "Microsoft.Authorization", cognitiveservices: "Microsoft.CognitiveServices", compute: "Microsoft.Compute", containerregistry: "Microsoft.ContainerRegistry", dnsresolver: "Microsoft.Network", eventgrid: "Microsoft.EventGrid",
    eventhub: "Microsoft.EventHub", healthcareapis: "Microsoft.HealthcareApis", keyvault: "Microsoft.KeyVault",
    managedidentity: "Microsoft.ManagedIdentity", monitor: "Microsoft.Insights", network: "Microsoft.Network",
    operationalinsights: "Microsoft.OperationalInsights", privatedns: "Microsoft.Network", resources: "Microsoft.Resources",
    security: "Microsoft.Security", storage: "Microsoft.Storage", synapse: "Microsoft.Synapse", web: "Microsoft.Web",
};

/** Child resources: ARM path segment of the parent, the input naming the parent, and the child's collection. */
const CHILDREN: Record<string, { parentType: string; parentKey: string; collection: string }> = {
    "network:Subnet": { parentType: "virtualNetworks", parentKey: "virtualNetworkName", collection: "subnets" },
    "network:SecurityRule": { parentType: "networkSecurityGroups", parentKey: "networkSecurityGroupName", collection: "securityRules" },
    "network:Route": { parentType: "routeTables", parentKey: "routeTableName", collection: "routes" },
    "network:VirtualNetworkPeering": { parentType: "virtualNetworks", parentKey: "virtualNetworkName", collection: "virtualNetworkPeerings" },
    "network:PrivateDnsZoneGroup": { parentType: "privateEndpoints", parentKey: "privateEndpointName", collection: "privateDnsZoneGroups" },
    "network:FirewallPolicyRuleCollectionGroup": { parentType: "firewallPolicies", parentKey: "firewallPolicyName", collection: "ruleCollectionGroups" },
    "privatedns:VirtualNetworkLink": { parentType: "privateDnsZones", parentKey: "privateZoneName", collection: "virtualNetworkLinks" },
    "privatedns:PrivateRecordSet": { parentType: "privateDnsZones", parentKey: "privateZoneName", collection: "A" },
    "healthcareapis:FhirService": { parentType: "workspaces", parentKey: "workspaceName", collection: "fhirservices" },
    "healthcareapis:DicomService": { parentType: "workspaces", parentKey: "workspaceName", collection: "dicomservices" },
    "storage:BlobContainer": { parentType: "storageAccounts", parentKey: "accountName", collection: "blobServices/default/containers" },
    "network:FlowLog": { parentType: "networkWatchers", parentKey: "networkWatcherName", collection: "flowLogs" },
    "compute:VirtualMachineExtension": { parentType: "virtualMachines", parentKey: "vmName", collection: "extensions" },
    "keyvault:Secret": { parentType: "vaults", parentKey: "vaultName", collection: "secrets" },
    "healthcareapis:IotConnector": { parentType: "workspaces", parentKey: "workspaceName", collection: "iotconnectors" },
    "containerregistry:CacheRule": { parentType: "registries", parentKey: "registryName", collection: "cacheRules" },
    "storage:BlobServiceProperties": { parentType: "storageAccounts", parentKey: "accountName", collection: "blobServices" },
    "storage:Queue": { parentType: "storageAccounts", parentKey: "accountName", collection: "queueServices/default/queues" },
    "eventgrid:SystemTopicEventSubscription": { parentType: "systemTopics", parentKey: "systemTopicName", collection: "eventSubscriptions" },
    "web:WebAppFtpAllowed": { parentType: "sites", parentKey: "name", collection: "basicPublishingCredentialsPolicies" },
    "web:WebAppScmAllowed": { parentType: "sites", parentKey: "name", collection: "basicPublishingCredentialsPolicies" },
    "eventhub:EventHub": { parentType: "namespaces", parentKey: "namespaceName", collection: "eventhubs" },
    "eventhub:NamespaceNetworkRuleSet": { parentType: "namespaces", parentKey: "namespaceName", collection: "networkRuleSets" },
    "compute:VirtualMachineRunCommandByVirtualMachine": { parentType: "virtualMachines", parentKey: "vmName", collection: "runCommands" },
    "apimanagement:Api": { parentType: "service", parentKey: "serviceName", collection: "apis" },
    "apimanagement:Logger": { parentType: "service", parentKey: "serviceName", collection: "loggers" },
    "dnsresolver:InboundEndpoint": { parentType: "dnsResolvers", parentKey: "dnsResolverName", collection: "inboundEndpoints" },
};

/** Grandchildren: ARM path of parent and grandparent, from the inputs that name them. */
const GRANDCHILDREN: Record<string, { path: Array<{ segment: string; key: string }>; collection: string }> = {
    "eventhub:ConsumerGroup": { path: [{ segment: "namespaces", key: "namespaceName" }, { segment: "eventhubs", key: "eventHubName" }], collection: "consumergroups" },
    "healthcareapis:IotConnectorFhirDestination": { path: [{ segment: "workspaces", key: "workspaceName" }, { segment: "iotconnectors", key: "iotConnectorName" }], collection: "fhirdestinations" },
    "apimanagement:ApiOperation": { path: [{ segment: "service", key: "serviceName" }, { segment: "apis", key: "apiId" }], collection: "operations" },
    "apimanagement:ApiPolicy": { path: [{ segment: "service", key: "serviceName" }, { segment: "apis", key: "apiId" }], collection: "policies" },
    "apimanagement:ApiDiagnostic": { path: [{ segment: "service", key: "serviceName" }, { segment: "apis", key: "apiId" }], collection: "diagnostics" },
};

/** Resources whose ID hangs off another resource's ID (extension resources). */
const SCOPED: Record<string, { scopeKey: string; segment: string }> = {
    "monitor:DiagnosticSetting": { scopeKey: "resourceUri", segment: "providers/Microsoft.Insights/diagnosticSettings" },
    "authorization:RoleAssignment": { scopeKey: "scope", segment: "providers/Microsoft.Authorization/roleAssignments" },
    "authorization:ManagementLockByScope": { scopeKey: "scope", segment: "providers/Microsoft.Authorization/locks" },
    "authorization:PolicyAssignment": { scopeKey: "scope", segment: "providers/Microsoft.Authorization/policyAssignments" },
    "security:Pricing": { scopeKey: "scopeId", segment: "providers/Microsoft.Security/pricings" },
};

/** Inputs azure-native uses for the Azure name when it isn't `<lowerCamel type>Name`. */
const NAME_KEYS = ["name", "containerName", "policyName", "eventSubscriptionName", "blobServicesName", "fhirDestinationName", "runCommandName", "operationId", "policyId", "diagnosticId", "loggerId", "apiId", "vmExtensionName", "ruleCollectionGroupName", "publicIpAddressName", "serviceName", "accountName", "vaultName", "workspaceName", "registryName", "lockName", "roleAssignmentName", "resourceName", "vmName", "environmentName"];

function lowerFirst(s: string): string { return s.charAt(0).toLowerCase() + s.slice(1); }
/** ARM collection names are English plurals (registries, firewallPolicies). */
function plural(s: string): string { return /[^aeiou]y$/.test(s) ? `${s.slice(0, -1)}ies` : `${s}s`; }
/** Top-level collections whose ARM name is not the plural of the azure-native type. */
const COLLECTIONS: Record<string, string> = {
    "privatedns:PrivateZone": "privateDnsZones",
    "network:WebApplicationFirewallPolicy": "ApplicationGatewayWebApplicationFirewallPolicies",
    "apimanagement:ApiManagementService": "service",
    "web:AppServicePlan": "serverfarms",
    "web:WebApp": "sites",
    "network:VirtualNetworkGatewayConnection": "connections",
};

/** Children with a fixed ARM name whose `name` input names their parent (sites/<app>/basicPublishingCredentialsPolicies/ftp|scm). */
const FIXED_CHILD_NAMES: Record<string, string> = { "web:WebAppFtpAllowed": "ftp", "web:WebAppScmAllowed": "scm" };

/** The Azure name a provider would have assigned (under mocks, azure-native autonaming does not run). */
export function azureName(a: MockResourceArgs): string {
    const typeName = a.type.split(":")[2] ?? "";
    const inputs = (a.inputs ?? {}) as Record<string, unknown>;
    const own = inputs[`${lowerFirst(typeName)}Name`];
    if (typeof own === "string") return own;
    for (const k of NAME_KEYS) { const v = inputs[k]; if (typeof v === "string") return v; }
    return a.name;
}

/** The name output at preview: known when the name input is (or absent: autonaming happens at Check), unknown when it is computed. */
function previewName(a: MockResourceArgs): unknown {
    const inputs = (a.inputs ?? {}) as Record<string, unknown>;
    const key = [`${lowerFirst(a.type.split(":")[2] ?? "")}Name`, ...NAME_KEYS].find((k) => inputs[k] !== undefined);
    return key !== undefined && typeof inputs[key] !== "string" ? pulumi.unknown : azureName(a);
}

function armId(a: MockResourceArgs, name: string): string {
    const [, mod = "", typeName = ""] = a.type.split(":");
    const inputs = (a.inputs ?? {}) as Record<string, unknown>;
    const key = `${mod.split("/")[0]}:${typeName}`;
    const sub = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
    if (key === "resources:ResourceGroup") return `${sub}/resourceGroups/${name}`;
    const scoped = SCOPED[key];
    if (scoped !== undefined) return `${String(inputs[scoped.scopeKey] ?? sub)}/${scoped.segment}/${name}`;
    const rg = typeof inputs["resourceGroupName"] === "string" ? inputs["resourceGroupName"] : "rg-unknown";
    const ns = NAMESPACES[mod.split("/")[0] ?? ""] ?? `Mock.${mod}`;
    const grandchild = GRANDCHILDREN[key];
    if (grandchild !== undefined) {
        const parents = grandchild.path.map((p) => `${p.segment}/${String(inputs[p.key] ?? "parent")}`).join("/");
        return `${sub}/resourceGroups/${rg}/providers/${ns}/${parents}/${grandchild.collection}/${name}`;
    }
    const child = CHILDREN[key];
    if (child !== undefined) {
        return `${sub}/resourceGroups/${rg}/providers/${ns}/${child.parentType}/${String(inputs[child.parentKey] ?? "parent")}/${child.collection}/${FIXED_CHILD_NAMES[key] ?? name}`;
    }
    const collection = COLLECTIONS[key] ?? plural(lowerFirst(typeName));
    return `${sub}/resourceGroups/${rg}/providers/${ns}/${collection}/${name}`;
}

/**
 * Pulumi Cloud IDs as the pulumiservice provider forms them: the owning names joined by "/" (org/project/stack for
 * deployment settings, org/project/name for environments), plus a generated schedule ID for schedules.
 */
function pulumiServiceId(a: MockResourceArgs): string {
    const inputs = (a.inputs ?? {}) as Record<string, unknown>;
    const parts = ["organization", "organizationName", "team", "project", "stack", "environment", "name"].map((k) => inputs[k]).filter((v): v is string => typeof v === "string");
    const schedule = /Schedule$/.test(a.type) ? [`${stableHex(a.name, 8)}-0000-4000-8000-${stableHex(`${a.name}s`, 12)}`] : [];
    return [...parts, ...schedule].join("/");
}

/** Deterministic pseudo-random text, so repeated runs produce identical graphs. */
function stableHex(seed: string, length: number): string {
    return crypto.createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * One real RSA key: code under test parses PEMs (the gateway's PFX), so the mock key must be genuine. Generating a
 * 2048-bit key is ~0.3 s of CPU (profiled: a sixth of a prod program run), so it is generated once per checkout and
 * kept in node_modules/.cache (a throwaway key that only ever signs mock certificates), and reused per process.
 */
let realKeyPem: string | undefined;
export function mockRsaKeyPem(): string {
    if (realKeyPem !== undefined) return realKeyPem;
    const file = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "..", "..", ".cache", "ahds-mocks", "rsa-2048.pem");
    try {
        realKeyPem = fs.readFileSync(file, "utf8");
    } catch {
        realKeyPem = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, realKeyPem, { mode: 0o600 });
        fs.renameSync(tmp, file);
    }
    return realKeyPem;
}

/** A genuine self-signed certificate for the given key and common name, fixed validity (what tls:SelfSignedCert returns). */
export function selfSignedPem(privateKeyPem: string, commonName: string): string {
    // Deterministic (fixed serial and validity, PKCS#1 v1.5 signature), so made once per key and name: forge signs in
    // JavaScript, ~0.1 s per certificate (profiled: 1.5 s of the suites' CPU).
    const key = `${commonName}\0${privateKeyPem}`;
    let pem = selfSigned.get(key);
    if (pem === undefined) selfSigned.set(key, pem = makeSelfSignedPem(privateKeyPem, commonName));
    return pem;
}
const selfSigned = new Map<string, string>();

function makeSelfSignedPem(privateKeyPem: string, commonName: string): string {
    const key = forge.pki.privateKeyFromPem(privateKeyPem);
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = "01";
    cert.validity.notBefore = new Date("2026-01-01T00:00:00Z");
    cert.validity.notAfter = new Date("2027-01-01T00:00:00Z");
    cert.setSubject([{ name: "commonName", value: commonName }]);
    cert.setIssuer([{ name: "commonName", value: commonName }]);
    // What cert.sign(key, sha256) does, with the RSA signature made by Node's crypto (forge's own RSA, in JavaScript,
    // took ~0.1 s per certificate): the same PKCS#1 v1.5 SHA-256 signature over the same TBS certificate.
    cert.siginfo.algorithmOid = cert.signatureOid = forge.pki.oids["sha256WithRSAEncryption"] ?? "1.2.840.113549.1.1.11";
    const draft = forge.pki.certificateToAsn1(cert).value;
    const tbsCertificate = Array.isArray(draft) ? draft[0] : undefined;
    if (tbsCertificate === undefined) throw new Error("forge built no TBS certificate");
    cert.tbsCertificate = tbsCertificate;
    cert.signature = crypto.sign("sha256", Buffer.from(forge.asn1.toDer(tbsCertificate).getBytes(), "binary"), privateKeyPem).toString("binary");
    return forge.pki.certificateToPem(cert);
}

/** Extra outputs some resources have that are not inputs (what the real provider would return). */
function extraOutputs(a: MockResourceArgs, name: string, subnets: Map<string, string>, id: string): Record<string, unknown> {
    const guid = (seed: string) => `${stableHex(seed, 8)}-0000-4000-8000-${stableHex(seed + "g", 12)}`;
    switch (a.type) {
        case "tls:index/privateKey:PrivateKey":
            return {
                publicKeyOpenssh: `ssh-rsa AAAAB3NzaC1yc2E${stableHex(a.name, 40)} generated`,
                privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${stableHex(a.name + "k", 64)}\n-----END OPENSSH PRIVATE KEY-----\n`,
                privateKeyPem: mockRsaKeyPem(),
            };
        case "tls:index/selfSignedCert:SelfSignedCert": {
            const subject = (a.inputs["subject"] ?? {}) as Record<string, unknown>;
            const keyPem = typeof a.inputs["privateKeyPem"] === "string" ? a.inputs["privateKeyPem"] : mockRsaKeyPem();
            return { certPem: selfSignedPem(keyPem, String(subject["commonName"] ?? "localhost")) };
        }
        case "azure-native:apimanagement:ApiManagementService":
            return {
                privateIPAddresses: ["10.1.1.4"], gatewayUrl: `https://${name}.azure-api.net`,
                identity: { ...((a.inputs["identity"] ?? {}) as Record<string, unknown>), principalId: guid(`${id}/principal`), tenantId: MOCK_TENANT_ID },
            };
        case "azure-native:network:PublicIPAddress": {
            const dns = (a.inputs["dnsSettings"] ?? undefined) as Record<string, unknown> | undefined;
            const location = String(a.inputs["location"] ?? "westeurope");
            return {
                ipAddress: `20.${parseInt(stableHex(name, 2), 16)}.${parseInt(stableHex(name + "b", 2), 16)}.${parseInt(stableHex(name + "c", 2), 16) % 250 + 1}`,
                ...(dns !== undefined ? { dnsSettings: { ...dns, fqdn: `${String(dns["domainNameLabel"])}.${location}.cloudapp.azure.com` } } : {}),
            };
        }
        case "azure-native:network:AzureFirewall": {
            // Azure gives the firewall the first usable address of AzureFirewallSubnet (.4).
            const configs = Array.isArray(a.inputs["ipConfigurations"]) ? (a.inputs["ipConfigurations"] as Array<Record<string, unknown>>) : [];
            return {
                ipConfigurations: configs.map((c) => {
                    const subnetId = String((c["subnet"] as Record<string, unknown> | undefined)?.["id"] ?? "");
                    const prefix = subnets.get(subnetId.toLowerCase());
                    return { ...c, privateIPAddress: prefix === undefined ? undefined : addressAt(mustParseCidr(subnetId, prefix), 4) };
                }),
            };
        }
        case "azure-native:keyvault:Vault": {
            const props = (a.inputs["properties"] ?? {}) as Record<string, unknown>;
            return { properties: { ...props, vaultUri: `https://${name}.vault.azure.net/` } };
        }
        case "azure-native:containerregistry:Registry":
            return { loginServer: `${name.toLowerCase()}.azurecr.io` };
        case "azure-native:applicationinsights:Component": {
            // A workspace-based component's connection string: instrumentation key (an identifier) and regional endpoints.
            const location = String(a.inputs["location"] ?? "westeurope");
            const ikey = guid(`${id}/ikey`);
            return {
                instrumentationKey: ikey,
                appId: guid(`${id}/app`),
                connectionString: `InstrumentationKey=${ikey};IngestionEndpoint=https://${location}-5.in.applicationinsights.azure.com/;LiveEndpoint=https://${location}.livediagnostics.monitor.azure.com/;ApplicationId=${guid(`${id}/app`)}`,
            };
        }
        case "azure-native:compute:VirtualMachine":
        case "azure-native:healthcareapis:FhirService":
        case "azure-native:healthcareapis:DicomService":
        case "azure-native:healthcareapis:IotConnector":
        case "azure-native:managedidentity:UserAssignedIdentity":
        case "azure-native:web:WebApp":
        case "azure-native:cognitiveservices:Account":
        case "azure-native:synapse:Workspace":
        case "azure-native:eventgrid:SystemTopic": {
            const principal = { principalId: guid(`${id}/principal`), tenantId: MOCK_TENANT_ID };
            if (a.type.endsWith("UserAssignedIdentity")) return { ...principal, clientId: guid(`${id}/client`) };
            // Azure returns an identity only for a resource that asked for one (these two make it optional).
            if (/:(cognitiveservices:Account|synapse:Workspace)$/.test(a.type) && a.inputs["identity"] === undefined) return {};
            return { identity: { ...((a.inputs["identity"] ?? {}) as Record<string, unknown>), ...principal } };
        }
        case "random:index/randomString:RandomString": {
            const length = typeof a.inputs["length"] === "number" ? a.inputs["length"] : 8;
            return { result: stableHex(a.name, length) };
        }
        case "azure-native:operationalinsights:Workspace":
            return { customerId: guid(name) };
        default:
            return {};
    }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * What a provider returns from a preview: it knows only what the inputs say, so every value it would compute (an
 * allocated IP, a principal ID, a URI) is unknown. `computed` holds the outputs of a real create; leaves that merely
 * echo an input stay, the rest become unknown.
 */
function previewOutputs(computed: unknown, input: unknown): unknown {
    if (Array.isArray(computed) && Array.isArray(input)) return computed.map((c, i) => previewOutputs(c, input[i]));
    if (isObj(computed) && isObj(input)) return Object.fromEntries(Object.entries(computed).map(([k, v]) => [k, previewOutputs(v, input[k])]));
    return computed === input ? computed : pulumi.unknown;
}

/**
 * Mocks that behave like azure-native, @pulumi/random and @pulumi/tls; any invoke not listed fails the run.
 * In preview (as in `pulumi preview` of resources not yet created) IDs and provider-computed outputs are unknown,
 * so everything the program derives from them reaches the engine, and the policy pack, as unknown.
 */
export class AzureMocks implements Mocks {
    constructor(private readonly preview = false) {}

    /** Invokes that were called but are not mocked (the SDK loses the thrown message, so the run reports these). */
    readonly unmocked: string[] = [];

    /** Inline subnets seen so far (lower-case subnet ID → address prefix), so dependent outputs can be derived. */
    private readonly subnets = new Map<string, string>();

    newResource(a: MockResourceArgs): MockResourceResult {
        if (!a.custom) return { id: undefined, state: {} };
        const name = azureName(a);
        const id = a.type.startsWith("random:") || a.type.startsWith("tls:") ? `${a.name}-id` : a.type.startsWith("pulumiservice:") ? pulumiServiceId(a) : armId(a, name);
        if (a.type === "azure-native:network:VirtualNetwork" && Array.isArray(a.inputs["subnets"])) {
            for (const sn of a.inputs["subnets"] as Array<Record<string, unknown>>) {
                if (typeof sn["name"] === "string" && typeof sn["addressPrefix"] === "string") this.subnets.set(`${id}/subnets/${sn["name"]}`.toLowerCase(), sn["addressPrefix"]);
            }
        }
        const extra = extraOutputs(a, name, this.subnets, id);
        if (this.preview) return { id: undefined, state: { ...a.inputs, name: previewName(a), ...(previewOutputs(extra, a.inputs) as Obj) } };
        return { id, state: { ...a.inputs, name, ...extra } };
    }

    call(c: MockCallArgs): MockCallResult {
        if (c.token === "azure-native:authorization:getClientConfig") {
            return { clientId: MOCK_CLIENT_ID, objectId: MOCK_OBJECT_ID, subscriptionId: MOCK_SUBSCRIPTION_ID, tenantId: MOCK_TENANT_ID };
        }
        this.unmocked.push(c.token);
        throw new Error(`unmocked invoke ${c.token}`);
    }
}
