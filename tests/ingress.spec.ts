import * as crypto from "crypto";
import * as forge from "node-forge";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { FHIR_OPERATIONS, fhirApiPolicy, templateParameters } from "../components/fhirApi";
import { ALLOWED_CONTENT_TYPES, APIM_HOST_SUFFIXES, APIM_PROTOCOL_SETTINGS, Ingress, IngressArgs } from "../components/ingress";
import { BUILT_IN_ROLES } from "../components/shared/builtInRoles";
import { pfxBase64 } from "../components/shared/selfSignedPfx";
import { Graph } from "./harness/graph";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, RecordedResource, selfSignedPem } from "./harness/mocks";
import { promiseOf } from "./harness/outputs";
import { runInStack } from "./harness/run";
import { Json } from "./harness/values";

type Obj = Record<string, Json>;
const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const LAW = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const SPOKE = `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
const HUB = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const VAULT = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.KeyVault/vaults/kvahdsdevhubabc12`;
const FHIR_URL = "https://hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com";
const BASE: IngressArgs = {
    naming: { workload: "ahds", environment: "dev", location: "westeurope", uniqueSuffix: "abc12" },
    resourceGroupName: "rg-spoke",
    tags: { environment: "dev" },
    logAnalyticsWorkspaceResourceId: LAW,
    network: { appGatewaySubnetResourceId: `${SPOKE}/subnets/snet-appgw`, apimSubnetResourceId: `${SPOKE}/subnets/snet-apim`, dnsLinkedVirtualNetworkIds: { hub: HUB, spoke: SPOKE } },
    fhirUrl: FHIR_URL,
    apim: { publisherEmail: "platform-team@example.org" },
    certificate: { keyVaultResourceId: VAULT, keyVaultUri: "https://kvahdsdevhubabc12.vault.azure.net/" },
};
const PKI_VAULT = `${SUB}/resourceGroups/rg-pki/providers/Microsoft.KeyVault/vaults/kv-pki-prod`;
const WAF: IngressArgs = {
    ...BASE,
    naming: { ...BASE.naming, environment: "prod" },
    apim: { sku: "Premium", capacity: 2, publisherEmail: "platform-team@example.org" },
    appGateway: { minCapacity: 2, maxCapacity: 10, hostName: "fhir.example.org" },
    certificate: { keyVaultSecretId: "https://kv-pki-prod.vault.azure.net/secrets/fhir-gateway-tls", keyVaultResourceId: PKI_VAULT },
    zoneRedundant: true,
};

async function run(args: IngressArgs) {
    let outputs: Record<string, unknown> = {};
    const result = await runInStack(async () => {
        const c = new Ingress("ingress", args);
        outputs = await promiseOf(pulumi.output({ fhirBaseUrl: c.fhirBaseUrl, apimGatewayUrl: c.apimGatewayUrl, publicFqdn: c.publicFqdn, publicIpAddress: c.publicIpAddress }));
    });
    return { ...result, outputs };
}
const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(`azure-native:${type}`, name));
const agw = (g: Graph) => inputs(g, "network:ApplicationGateway");
const byName = (items: Json, name: string) => (items as Obj[]).find((x) => x["name"] === name) as Obj;
const idOf = (ref: Json) => String((ref as Obj)["id"]);
const isVersionless = (id: string) => /^https:\/\/[a-z0-9-]+\.vault\.azure\.net\/secrets\/[A-Za-z0-9-]+$/.test(id);

/** The transitive dependencies of a resource (through dependsOn, properties and parents' inputs). */
function dependencyClosure(g: Graph, r: RecordedResource): Set<string> {
    const seen = new Set<string>();
    const stack = [...g.allDependencies(r)];
    while (stack.length > 0) {
        const urn = stack.pop() as string;
        if (seen.has(urn)) continue;
        seen.add(urn);
        const dep = g.byUrn(urn);
        if (dep !== undefined) stack.push(...g.allDependencies(dep));
    }
    return seen;
}

function assertGatewayShape(g: Graph): void {
    const gw = agw(g);
    const waf = g.one("azure-native:network:WebApplicationFirewallPolicy");
    expect(gw["sku"]).to.deep.equal({ name: "WAF_v2", tier: "WAF_v2" });
    expect(gw["firewallPolicy"]).to.deep.equal({ id: waf.id });
    expect(gw["sslPolicy"]).to.deep.equal({ policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" });
    // Only the HTTPS listener reaches a backend; the HTTP listener's rule only redirects.
    const listeners = gw["httpListeners"] as Obj[];
    for (const rule of gw["requestRoutingRules"] as Obj[]) {
        const listener = listeners.find((l) => idOf(rule["httpListener"]).endsWith(`/httpListeners/${String(l["name"])}`)) as Obj;
        if (listener["protocol"] === "Http") {
            expect(rule, String(rule["name"])).to.not.have.any.keys("backendAddressPool", "urlPathMap", "backendHttpSettings");
            expect(idOf(rule["redirectConfiguration"])).to.match(/redirectConfigurations\/http-to-https$/);
        } else {
            expect(listener["protocol"]).to.equal("Https");
        }
    }
    expect(byName(gw["redirectConfigurations"] as Json, "http-to-https")).to.deep.include({ redirectType: "Permanent", includePath: true, includeQueryString: true });
    // Nothing but /fhir/* has a backend with members.
    const map = byName(gw["urlPathMaps"] as Json, "fhir-only");
    expect(idOf(map["defaultBackendAddressPool"])).to.match(/backendAddressPools\/unpublished$/);
    expect(byName(gw["backendAddressPools"] as Json, "unpublished")["backendAddresses"]).to.deep.equal([]);
    expect((map["pathRules"] as Obj[]).map((r) => r["paths"])).to.deep.equal([["/fhir/*"]]);
    for (const c of gw["sslCertificates"] as Obj[]) expect(isVersionless(String(c["keyVaultSecretId"])), String(c["keyVaultSecretId"])).to.equal(true);
}

describe("Ingress component", () => {
    describe("defaults (dev)", () => {
        let g: Graph;
        let out: Record<string, unknown>;
        before(async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("runs API Management internal in the APIM subnet on stv2, with a Standard static management IP and legacy TLS off", () => {
            const apim = inputs(g, "apimanagement:ApiManagementService");
            expect(apim).to.deep.include({ serviceName: "apim-ahds-dev-abc12", virtualNetworkType: "Internal", sku: { name: "Developer", capacity: 1 }, identity: { type: "SystemAssigned" } });
            expect(apim["virtualNetworkConfiguration"]).to.deep.equal({ subnetResourceId: `${SPOKE}/subnets/snet-apim` });
            const pip = g.one("azure-native:network:PublicIPAddress", "ingress-pip-apim");
            expect(apim["publicIpAddressId"]).to.equal(pip.id);
            expect(g.plainInputs(pip)).to.deep.include({ sku: { name: "Standard", tier: "Regional" }, publicIPAllocationMethod: "Static", dnsSettings: { domainNameLabel: "apim-ahds-dev-abc12" } });
            expect(apim["customProperties"]).to.deep.equal(APIM_PROTOCOL_SETTINGS);
            for (const p of ["Tls10", "Tls11", "Ssl30"]) {
                expect(APIM_PROTOCOL_SETTINGS[`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.${p}`]).to.equal("False");
                expect(APIM_PROTOCOL_SETTINGS[`Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.${p}`]).to.equal("False");
            }
            expect(apim["apiVersionConstraint"]).to.deep.equal({ minApiVersion: "2021-08-01" });
        });

        it("resolves each APIM host name privately in a zone of its own, linked to hub and spoke", () => {
            const zones = g.byType("azure-native:privatedns:PrivateZone").map((z) => String(g.plainInputs(z)["privateZoneName"]));
            expect(zones).to.have.members(Object.values(APIM_HOST_SUFFIXES).map((s) => `apim-ahds-dev-abc12.${s}`));
            expect(zones).to.include.members(["apim-ahds-dev-abc12.azure-api.net", "apim-ahds-dev-abc12.management.azure-api.net"]);
            expect(zones, "never the whole azure-api.net namespace").to.not.include("azure-api.net");
            const links = g.byType("azure-native:privatedns:VirtualNetworkLink").map((l) => (g.plainInputs(l)["virtualNetwork"] as Obj)["id"]);
            expect(links.filter((id) => id === HUB)).to.have.length(zones.length);
            expect(links.filter((id) => id === SPOKE)).to.have.length(zones.length);
            const records = g.byType("azure-native:privatedns:PrivateRecordSet").map((r) => g.plainInputs(r));
            expect(records).to.have.length(zones.length);
            for (const r of records) expect(r).to.deep.include({ relativeRecordSetName: "@", aRecords: [{ ipv4Address: "10.1.1.4" }] });
        });

        it("defines the FHIR API over the whole REST surface: bundles, CRUD, PATCH, _search, history and $-operations", () => {
            expect(inputs(g, "apimanagement:Api")).to.deep.include({ path: "fhir", protocols: ["https"], serviceUrl: FHIR_URL, subscriptionRequired: false });
            const ops = g.byType("azure-native:apimanagement:ApiOperation").map((r) => g.plainInputs(r));
            const has = (method: string, url: string) => expect(ops.some((o) => o["method"] === method && o["urlTemplate"] === url), `${method} ${url}`).to.equal(true);
            has("POST", "/");
            has("PATCH", "/{type}/{id}");
            has("POST", "/{type}/_search");
            has("GET", "/{type}/{id}/_history/{vid}");
            for (const op of ["/$export", "/$import", "/$convert-data", "/{type}/$validate", "/{type}/{id}/$everything", "/{type}/{id}/$export"]) expect(ops.some((o) => o["urlTemplate"] === op), op).to.equal(true);
            expect(ops).to.have.length(FHIR_OPERATIONS.length);
            for (const o of ops) expect((o["templateParameters"] as Obj[]).map((p) => p["name"])).to.deep.equal(templateParameters(String(o["urlTemplate"])));
        });

        it("validates the Entra ID token for the FHIR audience, throttles per caller and forwards the caller's token", () => {
            const xml = String(inputs(g, "apimanagement:ApiPolicy")["value"]);
            expect(xml).to.include(`<openid-config url="https://login.microsoftonline.com/${MOCK_TENANT_ID}/v2.0/.well-known/openid-configuration" />`);
            expect(xml).to.include(`<audience>${FHIR_URL}</audience>`);
            expect(xml).to.include(`<issuer>https://sts.windows.net/${MOCK_TENANT_ID}/</issuer>`);
            expect(xml).to.match(/<rate-limit-by-key calls="600" renewal-period="60" counter-key="[^"]*oid/);
            expect(xml).to.not.match(/set-header name="Authorization"[^>]*exists-action="delete"/i);
            expect(xml).to.equal(fhirApiPolicy({ tenantId: MOCK_TENANT_ID, audience: FHIR_URL, callsPerMinute: 600 }));
        });

        it("logs requests to Log Analytics without headers or bodies (PHI)", () => {
            const d = inputs(g, "apimanagement:ApiDiagnostic");
            for (const side of ["frontend", "backend"]) for (const dir of ["request", "response"]) {
                expect(((d[side] as Obj)[dir] as Obj), `${side}.${dir}`).to.deep.equal({ headers: [], body: { bytes: 0 } });
            }
            expect(inputs(g, "apimanagement:Logger")).to.deep.include({ loggerType: "azureMonitor" });
            const apim = g.one("azure-native:apimanagement:ApiManagementService");
            const agwRes = g.one("azure-native:network:ApplicationGateway");
            const diags = g.byType("azure-native:monitor:DiagnosticSetting").map((r) => g.plainInputs(r));
            for (const target of [apim, agwRes]) expect(diags.filter((x) => x["resourceUri"] === target.id && x["workspaceId"] === LAW), target.name).to.have.length(1);
        });

        it("puts the gateway behind a Prevention-mode WAF tuned for FHIR content types and bodies", () => {
            assertGatewayShape(g);
            const waf = inputs(g, "network:WebApplicationFirewallPolicy");
            const settings = waf["policySettings"] as Obj;
            expect(settings).to.deep.include({ state: "Enabled", mode: "Prevention", requestBodyCheck: true, maxRequestBodySizeInKb: 2000 });
            expect((settings["logScrubbing"] as Obj)["state"]).to.equal("Enabled");
            const sets = (waf["managedRules"] as Obj)["managedRuleSets"] as Obj[];
            expect(sets.map((s) => `${String(s["ruleSetType"])} ${String(s["ruleSetVersion"])}`)).to.deep.equal(["Microsoft_DefaultRuleSet 2.1", "Microsoft_BotManagerRuleSet 1.1"]);
            expect((sets[0] as Obj)["ruleGroupOverrides"]).to.deep.equal([{ ruleGroupName: "PROTOCOL-ENFORCEMENT", rules: [{ ruleId: "920420", state: "Disabled" }] }]);
            const contentRule = (waf["customRules"] as Obj[]).find((r) => r["name"] === "AllowOnlyFhirContentTypes") as Obj;
            const contentCondition = (contentRule["matchConditions"] as Obj[])[1] as Obj;
            expect(contentCondition).to.deep.include({ negationConditon: true, matchValues: ALLOWED_CONTENT_TYPES });
            expect(ALLOWED_CONTENT_TYPES).to.include.members(["application/fhir+json", "application/json-patch+json"]);
            const paths = (waf["customRules"] as Obj[]).find((r) => r["name"] === "BlockUnpublishedPaths") as Obj;
            expect((paths["matchConditions"] as Obj[])[0]).to.deep.include({ operator: "BeginsWith", negationConditon: true, matchValues: ["/fhir/"] });
            for (const e of (waf["managedRules"] as Obj)["exclusions"] as Obj[]) expect(e["selectorMatchOperator"], "exclusions are narrow").to.not.equal("EqualsAny");
        });

        it("targets APIM by its private host name and does not wait for any APIM output", () => {
            const gwRes = g.one("azure-native:network:ApplicationGateway");
            const gw = g.plainInputs(gwRes);
            expect(byName(gw["backendAddressPools"] as Json, "apim")["backendAddresses"]).to.deep.equal([{ fqdn: "apim-ahds-dev-abc12.azure-api.net" }]);
            expect(byName(gw["backendHttpSettingsCollection"] as Json, "apim-https")).to.deep.include({ protocol: "Https", port: 443, hostName: "apim-ahds-dev-abc12.azure-api.net" });
            expect(byName(gw["probes"] as Json, "apim-status")).to.deep.include({ protocol: "Https", path: "/status-0123456789abcdef" });
            const apimUrns = new Set([g.one("azure-native:apimanagement:ApiManagementService").urn, ...g.custom.filter((r) => g.allDependencies(r).has(g.one("azure-native:apimanagement:ApiManagementService").urn)).map((r) => r.urn)]);
            const closure = dependencyClosure(g, gwRes);
            expect([...closure].filter((u) => apimUrns.has(u))).to.deep.equal([]);
        });

        it("generates a self-signed certificate into Key Vault and lets the gateway identity read that secret only", () => {
            const secret = g.one("azure-native:keyvault:Secret");
            const si = g.plainInputs(secret);
            expect(si).to.deep.include({ secretName: "gateway-tls", vaultName: "kvahdsdevhubabc12", resourceGroupName: "rg-hub" });
            expect((si["properties"] as Obj)["contentType"]).to.equal("application/x-pkcs12");
            expect(((agw(g)["sslCertificates"] as Obj[])[0] as Obj)["keyVaultSecretId"]).to.equal("https://kvahdsdevhubabc12.vault.azure.net/secrets/gateway-tls");
            const identity = g.one("azure-native:managedidentity:UserAssignedIdentity");
            expect(agw(g)["identity"]).to.deep.equal({ type: "UserAssigned", userAssignedIdentities: [identity.id] });
            const grants = g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r));
            expect(grants).to.have.length(1);
            expect(grants[0]).to.deep.include({ scope: `${VAULT}/secrets/gateway-tls` });
            expect(String(grants[0]?.["roleDefinitionId"])).to.match(new RegExp(`${BUILT_IN_ROLES["Key Vault Secrets User"]}$`));
            expect(dependencyClosure(g, g.one("azure-native:network:ApplicationGateway")).has(secret.urn)).to.equal(true);
        });

        it("reports the FHIR base URL on the gateway's DNS name", () => {
            expect(out["publicFqdn"]).to.equal("agw-ahds-dev-weu.westeurope.cloudapp.azure.com");
            expect(out["fhirBaseUrl"]).to.equal("https://agw-ahds-dev-weu.westeurope.cloudapp.azure.com/fhir");
            expect(out["apimGatewayUrl"]).to.equal("https://apim-ahds-dev-abc12.azure-api.net");
        });
    });

    describe("waf-aligned (prod)", () => {
        let g: Graph;
        let out: Record<string, unknown>;
        before(async () => {
            const r = await run(WAF);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("spreads Premium APIM, the gateway and both public IPs over availability zones", () => {
            expect(inputs(g, "apimanagement:ApiManagementService")).to.deep.include({ sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"] });
            expect(agw(g)).to.deep.include({ zones: ["1", "2", "3"], autoscaleConfiguration: { minCapacity: 2, maxCapacity: 10 } });
            expect(g.plainInputs(g.one("azure-native:network:PublicIPAddress", "ingress-pip-agw"))["zones"]).to.deep.equal(["1", "2", "3"]);
        });

        it("serves the organisation's certificate by versionless secret ID, with SNI on the public host name", () => {
            assertGatewayShape(g);
            expect(g.byType("azure-native:keyvault:Secret")).to.have.length(0);
            expect(g.byType("tls:index/selfSignedCert:SelfSignedCert")).to.have.length(0);
            expect(((agw(g)["sslCertificates"] as Obj[])[0] as Obj)["keyVaultSecretId"]).to.equal("https://kv-pki-prod.vault.azure.net/secrets/fhir-gateway-tls");
            expect(byName(agw(g)["httpListeners"] as Json, "https")).to.deep.include({ hostName: "fhir.example.org", requireServerNameIndication: true });
            const grant = g.plainInputs(g.one("azure-native:authorization:RoleAssignment"));
            expect(grant["scope"]).to.equal(`${PKI_VAULT}/secrets/fhir-gateway-tls`);
            expect(out["fhirBaseUrl"]).to.equal("https://fhir.example.org/fhir");
        });
    });

    describe("max", () => {
        it("applies a custom per-caller rate limit and publisher", async () => {
            const r = await run({ ...WAF, apim: { ...WAF.apim, capacity: 3, callsPerMinute: 120, publisherName: "Contoso Health" }, tenantId: "77777777-7777-4777-8777-777777777777" });
            expect(r.error).to.equal(undefined);
            const xml = String(inputs(r.graph, "apimanagement:ApiPolicy")["value"]);
            expect(xml).to.include("calls=\"120\"").and.include("login.microsoftonline.com/77777777-7777-4777-8777-777777777777/");
            expect(inputs(r.graph, "apimanagement:ApiManagementService")).to.deep.include({ publisherName: "Contoso Health", zones: ["1", "2", "3"] });
        });
    });

    describe("invalid args", () => {
        it("lists every problem and registers nothing", async () => {
            const r = await run({
                ...BASE,
                apim: { sku: "Standard", capacity: 2, publisherEmail: "nobody", callsPerMinute: 0 },
                appGateway: { minCapacity: 5, maxCapacity: 3, hostName: "Not A Host" },
                certificate: { keyVaultSecretId: "https://kv-pki.vault.azure.net/secrets/tls/0123456789abcdef", keyVaultResourceId: PKI_VAULT },
                network: { ...BASE.network, dnsLinkedVirtualNetworkIds: {} },
            });
            expect(r.error).to.be.instanceOf(Error);
            const msg = String((r.error as Error).message);
            for (const needle of ["apim.sku \"Standard\"", "apim.publisherEmail \"nobody\"", "apim.callsPerMinute", "minCapacity 5 is greater than maxCapacity 3", "appGateway.hostName \"Not A Host\"", "must be a versionless secret ID", "dnsLinkedVirtualNetworkIds"]) expect(msg, needle).to.include(needle);
            expect(r.graph.custom).to.have.length(0);
        });
    });

    describe("self-signed PFX", () => {
        it("is byte-identical for the same key and certificate (no perpetual diff) and carries both", () => {
            const keys = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
            const keyPem = keys.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
            const certPem = selfSignedPem(keyPem, "gw.example.org");
            const a = pfxBase64(keyPem, certPem, "gateway-tls");
            expect(pfxBase64(keyPem, certPem, "gateway-tls")).to.equal(a);
            const p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(a)), false);
            const certs = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
            expect(certs[0]?.cert?.subject.getField("CN").value).to.equal("gw.example.org");
            expect(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag]).to.have.length(1);
        });
    });
});
