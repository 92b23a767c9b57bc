import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as forge from "node-forge";
import { expect } from "chai";
import { Ingress, IngressArgs } from "../components/ingress";
import { EXPECTED_LOG_SCRUBBING, EXPECTED_MANAGED_RULES } from "./fixtures/wafExpectations";
import { pfxBase64 } from "../components/shared/selfSignedPfx";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, mockRsaKeyPem, selfSignedPem } from "../lib/offline/mocks";
import { ProgramRun, runComponent, runProgram, sharedProgramRun } from "../lib/offline/run";
import { PROJECT_DIR } from "../lib/offline/stackConfig";
import { apimMatchingOperations, kid, kids, parseXml, routedPool, templateShape, textsOf, wafCustomRuleVerdict } from "./harness/ingressEval";
import { Json } from "../lib/offline/values";

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

function run(args: IngressArgs) {
    return runComponent(() => {
        const c = new Ingress("ingress", args);
        return { fhirBaseUrl: c.fhirBaseUrl, apimGatewayUrl: c.apimGatewayUrl, publicFqdn: c.publicFqdn, publicIpAddress: c.publicIpAddress };
    });
}
const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(`azure-native:${type}`, name));
const agw = (g: Graph) => inputs(g, "network:ApplicationGateway");
const byName = (items: Json, name: string) => (items as Obj[]).find((x) => x["name"] === name) as Obj;


/**
 * Requests and what must happen to them, stated literally: [method, request URI, headers, WAF custom-rule verdict,
 * backend pool the path map picks]. FHIR R4 http.html: `POST [base]` (batch/transaction), `GET [base]?...` (system
 * search), `[base]/...` everything else; CORS preflights are OPTIONS without a body.
 */
const FHIR_JSON = { "Content-Type": "application/fhir+json" };
const GATEWAY_CASES: Array<[string, string, Record<string, string>, string, string]> = [
    ["POST", "/fhir", FHIR_JSON, "pass", "apim"],
    ["GET", "/fhir", {}, "pass", "apim"],
    ["GET", "/fhir?_type=Patient,Observation&_lastUpdated=gt2024-01-01", {}, "pass", "apim"],
    ["POST", "/fhir/", FHIR_JSON, "pass", "apim"],
    ["GET", "/fhir/metadata", {}, "pass", "apim"],
    ["GET", "/fhir/Patient?family=Smith&_count=10", {}, "pass", "apim"],
    ["PATCH", "/fhir/Patient/123", { "Content-Type": "application/json-patch+json" }, "pass", "apim"],
    ["POST", "/fhir/Patient/_search", { "Content-Type": "application/x-www-form-urlencoded" }, "pass", "apim"],
    ["PUT", "/fhir/Patient/123", { "Content-Type": "application/fhir+json; charset=utf-8" }, "pass", "apim"],
    ["GET", "/FHIR/metadata", {}, "pass", "apim"],
    // `$`-operations (learn.microsoft.com/azure/healthcare-apis/fhir/purge-history, tutorial-member-match, how-to-run-a-reindex).
    ["DELETE", "/fhir/Patient/123/$purge-history", {}, "pass", "apim"],
    ["POST", "/fhir/Patient/$member-match", FHIR_JSON, "pass", "apim"],
    ["POST", "/fhir/Patient/123/$reindex", FHIR_JSON, "pass", "apim"],
    ["DELETE", "/fhir/Patient/$bulk-delete?_lastUpdated=lt2020-01-01", {}, "pass", "apim"],
    ["OPTIONS", "/fhir/Patient", { "Origin": "https://app.example.org", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization,content-type" }, "pass", "apim"],
    ["OPTIONS", "/fhir", { "Origin": "https://app.example.org", "Access-Control-Request-Method": "POST" }, "pass", "apim"],
    ["GET", "/fhirx", {}, "Block:BlockUnpublishedPaths", "unpublished"],
    ["GET", "/fhir-admin", {}, "Block:BlockUnpublishedPaths", "unpublished"],
    ["GET", "/fhir..", {}, "Block:BlockUnpublishedPaths", "unpublished"],
    ["GET", "/fhir%2fPatient", {}, "Block:BlockUnpublishedPaths", "unpublished"],
    ["GET", "/fhir%3f_type=Patient", {}, "Block:BlockUnpublishedPaths", "unpublished"],
    ["GET", "/", {}, "Block:BlockUnpublishedPaths", "unpublished"],
    ["GET", "/status-0123456789abcdef", {}, "Block:BlockUnpublishedPaths", "unpublished"],
    ["GET", "/index.html?next=/fhir/", {}, "Block:BlockUnpublishedPaths", "unpublished"],
    ["POST", "/fhir/Patient", { "Content-Type": "text/xml" }, "Block:AllowOnlyFhirContentTypes", "apim"],
    ["POST", "/fhir", { "Content-Type": "application/xml" }, "Block:AllowOnlyFhirContentTypes", "apim"],
];

function assertGatewayTable(g: Graph): void {
    const waf = inputs(g, "network:WebApplicationFirewallPolicy", "ingress-waf");
    const map = byName(agw(g)["urlPathMaps"] as Json, "fhir-only");
    const actual = GATEWAY_CASES.map(([method, uri, headers]) => [method, uri, wafCustomRuleVerdict(waf["customRules"] as Json, { method, uri, headers }), routedPool(map, uri)]);
    expect(actual).to.deep.equal(GATEWAY_CASES.map(([m, u, , verdict, pool]) => [m, u, verdict, pool]));
}

/** Every TLS/SSL protocol and cipher switch APIM receives, by its literal key (api-management-howto-manage-protocols-ciphers). */
const APIM_CUSTOM_PROPERTIES = {
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls10": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Tls11": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Protocols.Ssl30": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls10": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Tls11": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Backend.Protocols.Ssl30": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TripleDes168": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Security.Ciphers.TLS_RSA_WITH_AES_256_GCM_SHA384": "False",
    "Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2": "True",
};

/** The WAF policy Azure must receive on every stack (the FHIR tuning in README "WAF tuning for FHIR"). */
const EXPECTED_WAF: Obj = {
    policySettings: {
        state: "Enabled", mode: "Prevention", requestBodyCheck: true, requestBodyEnforcement: true,
        maxRequestBodySizeInKb: 2000, requestBodyInspectLimitInKB: 2000, fileUploadLimitInMb: 100,
        // Not set by the program: azure-native's default for PolicySettings (policySettingsArgsProvideDefaults).
        fileUploadEnforcement: true,
        logScrubbing: EXPECTED_LOG_SCRUBBING,
    },
    customRules: [
        {
            name: "BlockUnpublishedPaths", priority: 10, ruleType: "MatchRule", action: "Block", state: "Enabled",
            matchConditions: [
                { matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: ["/fhir/", "/fhir?"], transforms: ["Lowercase"] },
                { matchVariables: [{ variableName: "RequestUri" }], operator: "Equal", negationConditon: true, matchValues: ["/fhir"], transforms: ["Lowercase"] },
            ],
        },
        {
            name: "AllowOnlyFhirContentTypes", priority: 20, ruleType: "MatchRule", action: "Block", state: "Enabled",
            matchConditions: [
                { matchVariables: [{ variableName: "RequestMethod" }], operator: "Equal", negationConditon: false, matchValues: ["POST", "PUT", "PATCH"] },
                { matchVariables: [{ variableName: "RequestHeaders", selector: "Content-Type" }], operator: "BeginsWith", negationConditon: true, matchValues: ["application/fhir+json", "application/json", "application/json-patch+json", "application/x-www-form-urlencoded"], transforms: ["Lowercase"] },
            ],
        },
    ],
    managedRules: EXPECTED_MANAGED_RULES,
};

/** The API policy's inbound/backend/outbound as read from the XML, for comparison with literals. */
function readPolicy(xml: string) {
    const doc = parseXml(xml);
    expect(doc.name).to.equal("policies");
    const inbound = kid(doc, "inbound");
    const jwt = kid(inbound, "validate-jwt");
    const rate = kid(inbound, "rate-limit-by-key");
    const cors = kid(inbound, "cors");
    return {
        sections: kids(doc).map((s) => [s.name, kids(s).map((c) => c.name)]),
        jwt: {
            attrs: jwt?.attrs,
            openIdConfig: kids(jwt, "openid-config").map((c) => c.attrs["url"]),
            audiences: textsOf(kid(jwt, "audiences"), "audience"),
            issuers: textsOf(kid(jwt, "issuers"), "issuer"),
            requiredClaims: kids(kid(jwt, "required-claims"), "claim").map((c) => c.attrs),
        },
        rateLimit: rate?.attrs,
        forwardRequest: kid(kid(doc, "backend"), "forward-request")?.attrs,
        cors: cors === undefined ? undefined : {
            attrs: cors.attrs,
            origins: textsOf(kid(cors, "allowed-origins"), "origin"),
            methodsAttrs: kid(cors, "allowed-methods")?.attrs,
            methods: textsOf(kid(cors, "allowed-methods"), "method"),
            headers: textsOf(kid(cors, "allowed-headers"), "header"),
            exposeHeaders: textsOf(kid(cors, "expose-headers"), "header"),
            children: kids(cors).map((c) => c.name),
        },
    };
}

const JWT_ATTRS = {
    "header-name": "Authorization", "require-scheme": "Bearer", "failed-validation-httpcode": "401",
    "failed-validation-error-message": "A valid Entra ID bearer token for the FHIR service is required.",
    "require-expiration-time": "true", "require-signed-tokens": "true",
};
/** The per-caller counter key: the token's `oid`, else the client IP. */
const COUNTER_KEY = "@(context.Request.Headers.GetValueOrDefault(\"Authorization\", \"\").AsJwt()?.Claims.GetValueOrDefault(\"oid\", context.Request.IpAddress) ?? context.Request.IpAddress)";

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
            // Learn (api-management-using-with-internal-vnet, prerequisites): a DNS label, in general the instance's name.
            expect(g.plainInputs(pip)).to.deep.include({ sku: { name: "Standard", tier: "Regional" }, publicIPAllocationMethod: "Static", dnsSettings: { domainNameLabel: "apim-ahds-dev-abc12" } });
            expect(g.plainInputs(pip)).to.not.have.property("zones");
            expect(apim["customProperties"]).to.deep.equal(APIM_CUSTOM_PROPERTIES);
            expect(apim["apiVersionConstraint"]).to.deep.equal({ minApiVersion: "2021-08-01" });
        });

        it("resolves each APIM host name privately in a zone of its own, linked to hub and spoke", () => {
            const zones = g.byType("azure-native:privatedns:PrivateZone").map((z) => String(g.plainInputs(z)["privateZoneName"]));
            // Internal mode: the gateway, portal, developer portal, management and SCM endpoints each need a private record
            // (learn.microsoft.com/azure/api-management/api-management-using-with-internal-vnet#dns-configuration).
            expect(zones).to.have.members(["azure-api.net", "portal.azure-api.net", "developer.azure-api.net", "management.azure-api.net", "scm.azure-api.net"].map((s) => `apim-ahds-dev-abc12.${s}`));
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
            expect(inputs(g, "apimanagement:Api", "ingress-api-fhir")).to.deep.include({ path: "fhir", protocols: ["https"], serviceUrl: FHIR_URL, subscriptionRequired: false });
            const ops = g.byType("azure-native:apimanagement:ApiOperation").map((r) => g.plainInputs(r)).filter((o) => o["apiId"] === "fhir");
            const has = (method: string, url: string) => expect(ops.some((o) => o["method"] === method && o["urlTemplate"] === url), `${method} ${url}`).to.equal(true);
            // `POST [base]` and `GET [base]?...`: APIM does not distinguish a trailing slash, so the "/" operation also
            // takes "/fhir" (learn.microsoft.com/azure/api-management/api-management-faq, trailing slashes); query
            // parameters outside the template pass through.
            has("POST", "/");
            has("GET", "/");
            has("PATCH", "/{type}/{id}");
            has("POST", "/{type}/_search");
            has("GET", "/{type}/{id}/_history/{vid}");
            for (const op of ["/$export", "/$import", "/$convert-data", "/{type}/$validate", "/{type}/{id}/$everything", "/{type}/{id}/$export"]) expect(ops.some((o) => o["urlTemplate"] === op), op).to.equal(true);
            // Type- and instance-level operations the FHIR service documents beyond the named ones: without these
            // templates APIM answers 404 OperationNotFound and never forwards them.
            has("DELETE", "/{type}/{id}/{operation}");
            has("POST", "/{type}/{operation}");
            has("POST", "/{type}/{id}/{operation}");
            expect(ops).to.have.length(32);
            // APIM refuses a second operation with the same method and URL template; none differs from another of its
            // method only in a parameter's name (so no GET /{type}/{id}/{operation} beside /{type}/{id}/{compartment}).
            const signatures = ops.map((o) => `${String(o["method"])} ${templateShape(String(o["urlTemplate"]))}`);
            expect(signatures.filter((x, i) => signatures.indexOf(x) !== i)).to.deep.equal([]);
            // Every {placeholder} of a URL template is a required template parameter, in order (APIM rejects an
            // operation whose template names a parameter it does not declare).
            for (const o of ops) expect((o["templateParameters"] as Obj[]).map((p) => ({ name: p["name"], required: p["required"] }))).to.deep.equal([...String(o["urlTemplate"]).matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], required: true })));
            // Learn (cors-policy): an OPTIONS operation would take the preflight away from the cors policy.
            expect(ops.filter((o) => o["method"] === "OPTIONS")).to.deep.equal([]);
        });

        it("reaches an operation with every FHIR interaction and $-operation the FHIR service documents", () => {
            const ops = g.byType("azure-native:apimanagement:ApiOperation").map((r) => g.plainInputs(r)).filter((o) => o["apiId"] === "fhir");
            // [method, path below /fhir]: FHIR R4 http.html and the FHIR service's Learn pages (fhir-features-supported,
            // purge-history, fhir-bulk-delete, tutorial-member-match, how-to-run-a-reindex, export-data, import-data).
            const requests: Array<[string, string]> = [
                ["POST", "/"], ["GET", "/?_type=Patient"], ["GET", "/metadata"], ["POST", "/_search"], ["GET", "/_history"],
                ["GET", "/$export"], ["POST", "/$import"], ["POST", "/$convert-data"], ["POST", "/$reindex"], ["GET", "/$versions"],
                ["DELETE", "/$bulk-delete"], ["GET", "/_operations/export/1"], ["DELETE", "/_operations/bulk-delete/1"],
                ["GET", "/Patient?family=Smith"], ["POST", "/Patient"], ["PUT", "/Patient?identifier=x|1"], ["PATCH", "/Patient?identifier=x|1"], ["DELETE", "/Patient?identifier=x|1"],
                ["POST", "/Patient/_search"], ["GET", "/Patient/_history"], ["GET", "/Patient/$export"], ["POST", "/Patient/$validate"],
                ["POST", "/Patient/$member-match"], ["DELETE", "/Patient/$bulk-delete"],
                ["GET", "/Patient/1"], ["PUT", "/Patient/1"], ["PATCH", "/Patient/1"], ["DELETE", "/Patient/1?_hardDelete=true"],
                ["GET", "/Patient/1/_history"], ["GET", "/Patient/1/_history/2"], ["GET", "/Patient/1/Observation"], ["GET", "/Group/1/$export"],
                ["GET", "/Patient/1/$everything"], ["POST", "/Patient/1/$validate"], ["GET", "/Patient/1/$validate"],
                ["DELETE", "/Patient/1/$purge-history"], ["POST", "/Patient/1/$reindex"],
            ];
            const unmatched = requests.filter(([method, path]) => apimMatchingOperations(ops, method, path).length === 0);
            expect(unmatched, "404 OperationNotFound").to.deep.equal([]);
            expect(apimMatchingOperations(ops, "DELETE", "/Patient/1/$purge-history")).to.deep.equal(["DELETE /{type}/{id}/{operation}"]);
            expect(apimMatchingOperations(ops, "POST", "/Patient/$member-match")).to.deep.equal(["POST /{type}/{operation}"]);
            expect(apimMatchingOperations(ops, "POST", "/Patient/1/$reindex")).to.deep.equal(["POST /{type}/{id}/{operation}"]);
            // No operation has a policy of its own, so whichever of two matching operations APIM picks, the API policy
            // (validate-jwt, throttling) applies and the request is forwarded with its own path.
            expect(g.byType("azure-native:apimanagement:ApiOperationPolicy").map((r) => g.plainInputs(r)).filter((p) => p["apiId"] === "fhir")).to.deep.equal([]);
        });

        it("validates the Entra ID token for the FHIR audience, throttles per caller and forwards the caller's token", () => {
            const xml = String(inputs(g, "apimanagement:ApiPolicy", "ingress-api-fhir-policy")["value"]);
            const p = readPolicy(xml);
            expect(p.sections).to.deep.equal([["inbound", ["base", "validate-jwt", "rate-limit-by-key"]], ["backend", ["forward-request"]], ["outbound", ["base"]], ["on-error", ["base"]]]);
            expect(p.jwt).to.deep.equal({
                attrs: JWT_ATTRS,
                openIdConfig: ["https://login.microsoftonline.com/11111111-1111-1111-1111-11111111a0d5/v2.0/.well-known/openid-configuration"],
                audiences: ["https://hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com"],
                issuers: ["https://sts.windows.net/11111111-1111-1111-1111-11111111a0d5/", "https://login.microsoftonline.com/11111111-1111-1111-1111-11111111a0d5/v2.0"],
                requiredClaims: [],
            });
            expect(p.rateLimit).to.deep.equal({ calls: "600", "renewal-period": "60", "counter-key": COUNTER_KEY });
            expect(p.forwardRequest).to.deep.equal({ timeout: "180" });
            expect(p.cors, "no origins configured: no cors policy").to.equal(undefined);
            expect(xml).to.not.match(/set-header name="Authorization"[^>]*exists-action="delete"/i);
        });

        it("logs requests to Log Analytics without headers or bodies (PHI)", () => {
            const d = inputs(g, "apimanagement:ApiDiagnostic", "ingress-api-fhir-diagnostic");
            for (const side of ["frontend", "backend"]) for (const dir of ["request", "response"]) {
                expect(((d[side] as Obj)[dir] as Obj), `${side}.${dir}`).to.deep.equal({ headers: [], body: { bytes: 0 } });
            }
            expect(inputs(g, "apimanagement:Logger")).to.deep.include({ loggerType: "azureMonitor" });
            const apim = g.one("azure-native:apimanagement:ApiManagementService");
            const agwRes = g.one("azure-native:network:ApplicationGateway");
            const diags = g.byType("azure-native:monitor:DiagnosticSetting").map((r) => g.plainInputs(r));
            for (const target of [apim, agwRes]) expect(diags.filter((x) => x["resourceUri"] === target.id && x["workspaceId"] === LAW), target.name).to.have.length(1);
        });

        it("puts the gateway behind the FHIR-tuned Prevention-mode WAF and routes only the FHIR base to APIM", () => {
            const gw = agw(g);
            expect(gw["sku"]).to.deep.equal({ name: "WAF_v2", tier: "WAF_v2" });
            expect(gw["firewallPolicy"]).to.deep.equal({ id: g.one("azure-native:network:WebApplicationFirewallPolicy", "ingress-waf").id });
            const waf = inputs(g, "network:WebApplicationFirewallPolicy", "ingress-waf");
            expect({ policySettings: waf["policySettings"], customRules: waf["customRules"], managedRules: waf["managedRules"] }).to.deep.equal(EXPECTED_WAF);
            expect(byName(gw["urlPathMaps"] as Json, "fhir-only")["pathRules"]).to.deep.equal([{
                name: "fhir", paths: ["/fhir", "/fhir/*"],
                backendAddressPool: { id: `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/applicationGateways/agw-ahds-dev-weu/backendAddressPools/apim` },
                backendHttpSettings: { id: `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/applicationGateways/agw-ahds-dev-weu/backendHttpSettingsCollection/apim-https` },
            }]);
            assertGatewayTable(g);
        });

        it("exempts FHIR narratives (text.div) from exactly the DRS 2.1 XSS rules a narrative matches, in both WAF policies", async () => {
            // CRS 3.3.2 REQUEST-941 (DRS 2.1's baseline, PL1 and PL2 on by default, Learn application-gateway-crs-rulegroups-rules):
            // `<div xmlns="http://www.w3.org/1999/xhtml">` trips 941100, 941130 (xmlns/xhtml) and 941320 (<div ); a link
            // 941150 (href=) and 941160. 941170 and 941180 match no narrative and stay on.
            const narrative = { matchVariable: "RequestArgNames", selectorMatchOperator: "EndsWith", selector: "div", exclusionManagedRuleSets: [{ ruleSetType: "Microsoft_DefaultRuleSet", ruleSetVersion: "2.1", ruleGroups: [{ ruleGroupName: "XSS", rules: [{ ruleId: "941100" }, { ruleId: "941130" }, { ruleId: "941150" }, { ruleId: "941160" }, { ruleId: "941320" }] }] }] };
            const bulk = await run({ ...BASE, bulkUpload: { blobEndpoint: "https://stahdsdevloadabc12.blob.core.windows.net", audiences: ["api://ahds-bulk-upload"] } });
            expect(bulk.error).to.equal(undefined);
            const policies: Array<[Graph, string]> = [[g, "ingress-waf"], [bulk.graph, "ingress-waf"], [bulk.graph, "ingress-waf-bulk"]];
            for (const [graph, name] of policies) {
                const exclusions = (inputs(graph, "network:WebApplicationFirewallPolicy", name)["managedRules"] as Obj)["exclusions"] as Obj[];
                expect(exclusions.filter((e) => JSON.stringify(e).includes("\"XSS\"")), name).to.deep.equal([narrative]);
                expect(JSON.stringify(exclusions), name).to.not.match(/"94117\d"|"94118\d"/);
            }
        });

        it("targets APIM by its private host name and does not wait for any APIM output", () => {
            const gwRes = g.one("azure-native:network:ApplicationGateway");
            const gw = g.plainInputs(gwRes);
            expect(byName(gw["backendAddressPools"] as Json, "apim")["backendAddresses"]).to.deep.equal([{ fqdn: "apim-ahds-dev-abc12.azure-api.net" }]);
            expect(byName(gw["backendHttpSettingsCollection"] as Json, "apim-https")).to.deep.include({ protocol: "Https", port: 443, hostName: "apim-ahds-dev-abc12.azure-api.net" });
            expect(byName(gw["probes"] as Json, "apim-status")).to.deep.include({ protocol: "Https", host: "apim-ahds-dev-abc12.azure-api.net", path: "/status-0123456789abcdef" });
            const apimUrns = new Set([g.one("azure-native:apimanagement:ApiManagementService").urn, ...g.custom.filter((r) => g.allDependencies(r).has(g.one("azure-native:apimanagement:ApiManagementService").urn)).map((r) => r.urn)]);
            const closure = g.dependencyClosure(gwRes);
            expect([...closure].filter((u) => apimUrns.has(u))).to.deep.equal([]);
        });

        it("generates a self-signed certificate for the gateway's FQDN into Key Vault and lets the gateway identity read that secret only", () => {
            const secret = g.one("azure-native:keyvault:Secret");
            const si = g.plainInputs(secret);
            expect(si).to.deep.include({ secretName: "gateway-tls", vaultName: "kvahdsdevhubabc12", resourceGroupName: "rg-hub" });
            expect((si["properties"] as Obj)["contentType"]).to.equal("application/x-pkcs12");
            expect(((agw(g)["sslCertificates"] as Obj[])[0] as Obj)["keyVaultSecretId"]).to.equal("https://kvahdsdevhubabc12.vault.azure.net/secrets/gateway-tls");
            const cert = g.plainInputs(g.one("tls:index/selfSignedCert:SelfSignedCert"));
            expect(cert["subject"]).to.deep.include({ commonName: "agw-ahds-dev-abc12.westeurope.cloudapp.azure.com" });
            expect(cert["dnsNames"]).to.deep.equal(["agw-ahds-dev-abc12.westeurope.cloudapp.azure.com"]);
            const identity = g.one("azure-native:managedidentity:UserAssignedIdentity");
            expect(agw(g)["identity"]).to.deep.equal({ type: "UserAssigned", userAssignedIdentities: [identity.id] });
            const grants = g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r));
            expect(grants).to.have.length(1);
            expect(grants[0]).to.deep.include({
                scope: `${VAULT}/secrets/gateway-tls`,
                // Key Vault Secrets User (learn.microsoft.com/azure/role-based-access-control/built-in-roles/security).
                roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
                principalId: identity.outputs["principalId"] as string,
                principalType: "ServicePrincipal",
            });
            expect(g.dependencyClosure(g.one("azure-native:network:ApplicationGateway")).has(secret.urn)).to.equal(true);
        });

        it("labels the gateway's public IP with the stack suffix and reports the FHIR base URL on that DNS name", () => {
            // DNS labels are unique per region across Azure (<label>.<region>.cloudapp.azure.com): the gateway's name
            // alone (agw-ahds-dev-weu) is what every other deployment of the defaults uses too.
            expect(g.plainInputs(g.one("azure-native:network:PublicIPAddress", "ingress-pip-agw"))["dnsSettings"]).to.deep.equal({ domainNameLabel: "agw-ahds-dev-abc12" });
            expect(out["publicFqdn"]).to.equal("agw-ahds-dev-abc12.westeurope.cloudapp.azure.com");
            expect(out["fhirBaseUrl"]).to.equal("https://agw-ahds-dev-abc12.westeurope.cloudapp.azure.com/fhir");
            expect(out["apimGatewayUrl"]).to.equal("https://apim-ahds-dev-abc12.azure-api.net");
        });

        it("leaves response headers alone on the gateway (no rewrite rule set can strip CORS headers)", () => {
            expect(agw(g)).to.not.have.any.keys("rewriteRuleSets");
            for (const rule of agw(g)["requestRoutingRules"] as Obj[]) expect(rule, String(rule["name"])).to.not.have.any.keys("rewriteRuleSet");
            for (const rule of byName(agw(g)["urlPathMaps"] as Json, "fhir-only")["pathRules"] as Obj[]) expect(rule).to.not.have.any.keys("rewriteRuleSet");
        });
    });

    describe("the gateway table's evaluators", () => {
        it("reproduce the defect they guard against: the former prefix-only rule blocked the FHIR base", () => {
            const former = [{ name: "BlockUnpublishedPaths", priority: 10, ruleType: "MatchRule", action: "Block", state: "Enabled",
                matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: ["/fhir/"], transforms: ["Lowercase"] }] }];
            expect(["/fhir", "/fhir?_type=Patient", "/fhir/Patient"].map((uri) => wafCustomRuleVerdict(former, { method: "GET", uri })))
                .to.deep.equal(["Block:BlockUnpublishedPaths", "Block:BlockUnpublishedPaths", "pass"]);
            const formerMap = { pathRules: [{ name: "fhir", paths: ["/fhir/*"], backendAddressPool: { id: "x/backendAddressPools/apim" } }], defaultBackendAddressPool: { id: "x/backendAddressPools/unpublished" } };
            expect(["/fhir", "/fhir?x=1", "/fhir/Patient"].map((uri) => routedPool(formerMap, uri))).to.deep.equal(["unpublished", "unpublished", "apim"]);
        });
        it("refuse what they do not model instead of guessing", () => {
            expect(() => wafCustomRuleVerdict(EXPECTED_WAF["customRules"] as Json, { method: "POST", uri: "/fhir/Patient" })).to.throw(/header content-type absent/);
            expect(() => wafCustomRuleVerdict([{ name: "x", priority: 1, ruleType: "RateLimitRule", action: "Block", matchConditions: [] }], { method: "GET", uri: "/" })).to.throw(/rule type RateLimitRule/);
        });
    });

    describe("CORS through API Management", () => {
        it("answers exactly the configured origins, methods and headers, before the token is validated", async () => {
            const r = await run({ ...BASE, cors: { allowedOrigins: ["https://app.example.org", "https://portal.example.org:8443"], allowedMethods: ["GET", "POST", "OPTIONS"], allowedHeaders: ["Authorization", "Content-Type"], exposedHeaders: ["Location"], maxAgeSeconds: 300, allowCredentials: true } });
            expect(r.error).to.equal(undefined);
            const p = readPolicy(String(inputs(r.graph, "apimanagement:ApiPolicy", "ingress-api-fhir-policy")["value"]));
            // Learn (cors-policy): cors first in inbound; only cors runs on a preflight, so validate-jwt never rejects it.
            expect(p.sections[0]).to.deep.equal(["inbound", ["cors", "base", "validate-jwt", "rate-limit-by-key"]]);
            expect(p.cors).to.deep.equal({
                attrs: { "allow-credentials": "true", "terminate-unmatched-request": "true" },
                origins: ["https://app.example.org", "https://portal.example.org:8443"],
                methodsAttrs: { "preflight-result-max-age": "300" },
                methods: ["GET", "POST", "OPTIONS"],
                headers: ["Authorization", "Content-Type"],
                exposeHeaders: ["Location"],
                // The policy statement's element order.
                children: ["allowed-origins", "allowed-methods", "allowed-headers", "expose-headers"],
            });
        });
        it("uses the FHIR service's CORS defaults for everything but the origins", async () => {
            const r = await run({ ...BASE, cors: { allowedOrigins: ["https://app.example.org"] } });
            expect(r.error).to.equal(undefined);
            expect(readPolicy(String(inputs(r.graph, "apimanagement:ApiPolicy", "ingress-api-fhir-policy")["value"])).cors).to.deep.equal({
                attrs: { "allow-credentials": "false", "terminate-unmatched-request": "true" },
                origins: ["https://app.example.org"],
                methodsAttrs: { "preflight-result-max-age": "600" },
                methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                headers: ["Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Match", "If-None-Exist", "If-Modified-Since"],
                exposeHeaders: ["Location", "Content-Location", "ETag", "Last-Modified"],
                children: ["allowed-origins", "allowed-methods", "allowed-headers", "expose-headers"],
            });
        });
        it("emits no cors policy for an empty origin list", async () => {
            const r = await run({ ...BASE, cors: { allowedOrigins: [], allowCredentials: true } });
            expect(r.error).to.equal(undefined);
            const p = readPolicy(String(inputs(r.graph, "apimanagement:ApiPolicy", "ingress-api-fhir-policy")["value"]));
            expect(p.cors).to.equal(undefined);
            expect(p.sections[0]).to.deep.equal(["inbound", ["base", "validate-jwt", "rate-limit-by-key"]]);
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

        it("spreads Premium APIM, the gateway and both public IPs over availability zones; the IPs are zone-redundant", () => {
            expect(inputs(g, "apimanagement:ApiManagementService")).to.deep.include({ sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"] });
            expect(agw(g)).to.deep.include({ zones: ["1", "2", "3"], autoscaleConfiguration: { minCapacity: 2, maxCapacity: 10 } });
            expect(g.plainInputs(g.one("azure-native:network:PublicIPAddress", "ingress-pip-agw"))["zones"]).to.deep.equal(["1", "2", "3"]);
            // Learn (api-management-using-with-internal-vnet, prerequisites): zone-redundant IP for a zone-redundant APIM.
            expect(g.plainInputs(g.one("azure-native:network:PublicIPAddress", "ingress-pip-apim"))["zones"]).to.deep.equal(["1", "2", "3"]);
        });

        it("serves the organisation's certificate by versionless secret ID, with SNI on the public host name", () => {
            expect(g.byType("azure-native:keyvault:Secret")).to.have.length(0);
            expect(g.byType("tls:index/selfSignedCert:SelfSignedCert")).to.have.length(0);
            expect(((agw(g)["sslCertificates"] as Obj[])[0] as Obj)["keyVaultSecretId"]).to.equal("https://kv-pki-prod.vault.azure.net/secrets/fhir-gateway-tls");
            expect(byName(agw(g)["httpListeners"] as Json, "https")).to.deep.include({ hostName: "fhir.example.org", requireServerNameIndication: true });
            const grant = g.plainInputs(g.one("azure-native:authorization:RoleAssignment"));
            expect(grant["scope"]).to.equal(`${PKI_VAULT}/secrets/fhir-gateway-tls`);
            expect(out["fhirBaseUrl"]).to.equal("https://fhir.example.org/fhir");
            assertGatewayTable(g);
        });
    });

    describe("max", () => {
        it("applies a custom per-caller rate limit and publisher", async () => {
            const r = await run({ ...WAF, apim: { ...WAF.apim, capacity: 3, callsPerMinute: 120, publisherName: "Contoso Health" }, tenantId: "77777777-7777-4777-8777-777777777777" });
            expect(r.error).to.equal(undefined);
            const p = readPolicy(String(inputs(r.graph, "apimanagement:ApiPolicy", "ingress-api-fhir-policy")["value"]));
            expect(p.rateLimit).to.deep.include({ calls: "120", "renewal-period": "60" });
            expect(p.jwt.openIdConfig).to.deep.equal(["https://login.microsoftonline.com/77777777-7777-4777-8777-777777777777/v2.0/.well-known/openid-configuration"]);
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
                cors: { allowedOrigins: ["*", "http://app.example.org", "https://app.example.org/"], allowedMethods: ["TRACE"], allowedHeaders: ["*"], exposedHeaders: ["Bad Header"], maxAgeSeconds: -1 },
            });
            expect(r.error).to.be.instanceOf(Error);
            const msg = String((r.error as Error).message);
            for (const needle of ["apim.sku \"Standard\"", "apim.publisherEmail \"nobody\"", "apim.callsPerMinute", "minCapacity 5 is greater than maxCapacity 3", "appGateway.hostName \"Not A Host\"", "must be a versionless secret ID", "dnsLinkedVirtualNetworkIds",
                "cors.allowedOrigins: \"*\" is a wildcard", "cors.allowedOrigins: \"http://app.example.org\" must be https://host[:port]", "cors.allowedOrigins: \"https://app.example.org/\" must be https://host[:port]",
                "cors.allowedMethods: \"TRACE\"", "cors.allowedHeaders: \"*\" is not a header name", "cors.exposedHeaders: \"Bad Header\"", "cors.maxAgeSeconds must be an integer 0-99999"]) expect(msg, needle).to.include(needle);
            expect(r.graph.custom).to.have.length(0);
        });
        it("refuses empty method or header lists when origins are configured", async () => {
            const r = await run({ ...BASE, cors: { allowedOrigins: ["https://app.example.org"], allowedMethods: [], allowedHeaders: [] } });
            expect(String((r.error as Error).message)).to.include("cors.allowedMethods must list at least one method").and.include("cors.allowedHeaders must list at least one header");
            expect(r.graph.custom).to.have.length(0);
        });
    });

    describe("self-signed PFX", () => {
        it("is byte-identical for the same key and certificate (no perpetual diff) and carries both", () => {
            // A genuine 2048-bit RSA key (the mocks' cached one: generating another is ~0.4 s of CPU).
            const keyPem = mockRsaKeyPem();
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

// ---------------------------------------------------------------------------------------------------------------
// The program's captured graphs (index.ts with Pulumi.dev.yaml / Pulumi.prod.yaml): what Azure receives, literally.
// ---------------------------------------------------------------------------------------------------------------
const DEV_RG = `${SUB}/resourceGroups/rg-ahds-dev-weu-spk`;
const DEV_AGW = `${DEV_RG}/providers/Microsoft.Network/applicationGateways/agw-ahds-dev-weu`;
const PROD_RG = `${SUB}/resourceGroups/rg-ahds-prod-weu-spk`;
const PROD_AGW = `${PROD_RG}/providers/Microsoft.Network/applicationGateways/agw-ahds-prod-weu`;

/** Listeners, probes, pools, HTTP settings, path map and routing rules Azure must receive for a gateway ID and APIM host. */
function expectedRouting(agwId: string, apimHost: string, publicHostName: string | undefined, bulkWafId: string) {
    const ref = (collection: string, item: string) => ({ id: `${agwId}/${collection}/${item}` });
    return {
        frontendPorts: [{ name: "https", port: 443 }, { name: "http", port: 80 }],
        httpListeners: [
            { name: "https", frontendIPConfiguration: ref("frontendIPConfigurations", "public"), frontendPort: ref("frontendPorts", "https"), protocol: "Https", sslCertificate: ref("sslCertificates", "gateway-tls"),
                ...(publicHostName !== undefined ? { hostName: publicHostName, requireServerNameIndication: true } : {}) },
            { name: "http", frontendIPConfiguration: ref("frontendIPConfigurations", "public"), frontendPort: ref("frontendPorts", "http"), protocol: "Http" },
        ],
        redirectConfigurations: [{ name: "http-to-https", redirectType: "Permanent", targetListener: ref("httpListeners", "https"), includePath: true, includeQueryString: true }],
        backendAddressPools: [{ name: "apim", backendAddresses: [{ fqdn: apimHost }] }, { name: "unpublished", backendAddresses: [] }],
        backendHttpSettingsCollection: [
            { name: "apim-https", port: 443, protocol: "Https", hostName: apimHost, pickHostNameFromBackendAddress: false, cookieBasedAffinity: "Disabled", requestTimeout: 180, probe: ref("probes", "apim-status") },
            // Uploads (the /bulk API, both stacks): the same APIM backend with a 600 s timeout for large files.
            { name: "apim-https-bulk", port: 443, protocol: "Https", hostName: apimHost, pickHostNameFromBackendAddress: false, cookieBasedAffinity: "Disabled", requestTimeout: 600, probe: ref("probes", "apim-status") },
        ],
        probes: [{ name: "apim-status", protocol: "Https", host: apimHost, path: "/status-0123456789abcdef", interval: 30, timeout: 30, unhealthyThreshold: 3, pickHostNameFromBackendHttpSettings: false, match: { statusCodes: ["200-399"] } }],
        urlPathMaps: [{
            name: "fhir-only", defaultBackendAddressPool: ref("backendAddressPools", "unpublished"), defaultBackendHttpSettings: ref("backendHttpSettingsCollection", "apim-https"),
            pathRules: [
                { name: "fhir", paths: ["/fhir", "/fhir/*"], backendAddressPool: ref("backendAddressPools", "apim"), backendHttpSettings: ref("backendHttpSettingsCollection", "apim-https") },
                // Only the three upload containers under /bulk, judged by the bulk WAF policy (per-site-policies: a path
                // rule's policy overrides the gateway's for what it routes).
                { name: "bulk", paths: ["/bulk/bundles/*", "/bulk/ndjson/*", "/bulk/zip/*"], backendAddressPool: ref("backendAddressPools", "apim"), backendHttpSettings: ref("backendHttpSettingsCollection", "apim-https-bulk"),
                    firewallPolicy: { id: bulkWafId } },
            ],
        }],
        requestRoutingRules: [
            { name: "https-fhir", ruleType: "PathBasedRouting", priority: 100, httpListener: ref("httpListeners", "https"), urlPathMap: ref("urlPathMaps", "fhir-only") },
            { name: "http-redirect", ruleType: "Basic", priority: 200, httpListener: ref("httpListeners", "http"), redirectConfiguration: ref("redirectConfigurations", "http-to-https") },
        ],
    };
}
const ROUTING_KEYS = ["frontendPorts", "httpListeners", "redirectConfigurations", "backendAddressPools", "backendHttpSettingsCollection", "probes", "urlPathMaps", "requestRoutingRules"];
const pick = (o: Obj, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));

describe("Ingress on the program's captured graphs", () => {
    let dev: ProgramRun;
    let prod: ProgramRun;
    before(async () => {
        dev = await sharedProgramRun("dev");
        prod = await sharedProgramRun("prod");
        expect(dev.error).to.equal(undefined);
        expect(prod.error).to.equal(undefined);
    });

    it("dev: gateway listeners, probe, APIM backend, HTTP settings, path map and routing rules", () => {
        const gw = agw(dev.graph);
        expect(pick(gw, ROUTING_KEYS)).to.deep.equal(expectedRouting(DEV_AGW, "apim-ahds-dev-a1b7c.azure-api.net", undefined, `${DEV_RG}/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/wafahdsdevweubulk`));
        expect(gw["sslCertificates"]).to.deep.equal([{ name: "gateway-tls", keyVaultSecretId: "https://kvahdsdevhuba1b7c.vault.azure.net/secrets/gateway-tls" }]);
        expect(gw["sslPolicy"]).to.deep.equal({ policyType: "Predefined", policyName: "AppGwSslPolicy20220101S" });
        expect(gw["gatewayIPConfigurations"]).to.deep.equal([{ name: "gateway", subnet: { id: `${DEV_RG}/providers/Microsoft.Network/virtualNetworks/vnet-ahds-dev-weu-spk/subnets/snet-appgw` } }]);
        expect(gw["frontendIPConfigurations"]).to.deep.equal([{ name: "public", publicIPAddress: { id: dev.graph.one("azure-native:network:PublicIPAddress", "ingress-pip-agw").id } }]);
        expect(gw).to.deep.include({ autoscaleConfiguration: { minCapacity: 0, maxCapacity: 2 }, enableHttp2: true });
        expect(gw).to.not.have.any.keys("zones", "rewriteRuleSets");
        assertGatewayTable(dev.graph);
    });

    it("prod: the same routing on the organisation's host name with SNI, zone-redundant", () => {
        const gw = agw(prod.graph);
        expect(pick(gw, ROUTING_KEYS)).to.deep.equal(expectedRouting(PROD_AGW, "apim-ahds-prod-a1b7c.azure-api.net", "fhir.example.org", `${PROD_RG}/providers/Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies/wafahdsprodweubulk`));
        expect(gw["sslCertificates"]).to.deep.equal([{ name: "gateway-tls", keyVaultSecretId: "https://kv-pki-prod.vault.azure.net/secrets/fhir-gateway-tls" }]);
        expect(gw).to.deep.include({ autoscaleConfiguration: { minCapacity: 2, maxCapacity: 10 }, zones: ["1", "2", "3"] });
        assertGatewayTable(prod.graph);
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the WAF policy (mode, body limits, log scrubbing, rule sets, overrides, exclusions, custom rules)`, () => {
            const g = (stack === "dev" ? dev : prod).graph;
            const waf = inputs(g, "network:WebApplicationFirewallPolicy", "ingress-waf");
            expect(waf["policyName"]).to.equal(stack === "dev" ? "wafahdsdevweu" : "wafahdsprodweu");
            // The stacks publish the /bulk upload API too: the unpublished-path rule also admits its three prefixes.
            const customRules = (EXPECTED_WAF["customRules"] as Obj[]).map((r) => (r["name"] !== "BlockUnpublishedPaths" ? r : { ...r, matchConditions: [...(r["matchConditions"] as Obj[]),
                { matchVariables: [{ variableName: "RequestUri" }], operator: "BeginsWith", negationConditon: true, matchValues: ["/bulk/bundles/", "/bulk/ndjson/", "/bulk/zip/"], transforms: ["Lowercase"] }] }));
            expect({ policySettings: waf["policySettings"], customRules: waf["customRules"], managedRules: waf["managedRules"] }).to.deep.equal({ ...EXPECTED_WAF, customRules });
        });
    }

    it("dev and prod: every APIM protocol and cipher switch, by literal key and value", () => {
        for (const g of [dev.graph, prod.graph]) expect(inputs(g, "apimanagement:ApiManagementService")["customProperties"]).to.deep.equal(APIM_CUSTOM_PROPERTIES);
    });

    it("dev and prod: the API policy validates the tenant's tokens for the FHIR audience and limits each caller to the default 600 calls a minute", () => {
        for (const [g, ws] of [[dev.graph, "hwahdsdeva1b7c"], [prod.graph, "hwahdsproda1b7c"]] as const) {
            const p = readPolicy(String(inputs(g, "apimanagement:ApiPolicy", "ingress-api-fhir-policy")["value"]));
            expect(p.sections).to.deep.equal([["inbound", ["base", "validate-jwt", "rate-limit-by-key"]], ["backend", ["forward-request"]], ["outbound", ["base"]], ["on-error", ["base"]]]);
            expect(p.jwt).to.deep.equal({
                attrs: JWT_ATTRS,
                openIdConfig: [`https://login.microsoftonline.com/${MOCK_TENANT_ID}/v2.0/.well-known/openid-configuration`],
                audiences: [`https://${ws}-fhir.fhir.azurehealthcareapis.com`],
                issuers: [`https://sts.windows.net/${MOCK_TENANT_ID}/`, `https://login.microsoftonline.com/${MOCK_TENANT_ID}/v2.0`],
                requiredClaims: [],
            });
            // ahds:apim.callsPerMinute defaults to 600 (Pulumi.yaml); neither stack file sets it.
            expect(p.rateLimit).to.deep.equal({ calls: "600", "renewal-period": "60", "counter-key": COUNTER_KEY });
        }
    });

    it("dev and prod: the gateway identity may read its certificate secret only, as Key Vault Secrets User", () => {
        const cases = [
            [dev.graph, `${SUB}/resourceGroups/rg-ahds-dev-weu-hub/providers/Microsoft.KeyVault/vaults/kvahdsdevhuba1b7c/secrets/gateway-tls`, SUB],
            [prod.graph, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-pki-prod/providers/Microsoft.KeyVault/vaults/kv-pki-prod/secrets/fhir-gateway-tls", "/subscriptions/00000000-0000-0000-0000-000000000000"],
        ] as const;
        for (const [g, scope, sub] of cases) {
            const uami = g.one("azure-native:managedidentity:UserAssignedIdentity", "ingress-id-agw");
            const grants = g.byType("azure-native:authorization:RoleAssignment").filter((r) => r.parent === g.one("ahds:index:Ingress").urn).map((r) => g.plainInputs(r));
            expect(grants).to.have.length(1);
            expect(grants[0]).to.deep.include({
                scope,
                roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
                principalId: uami.outputs["principalId"] as string,
                principalType: "ServicePrincipal",
            });
            expect(agw(g)["identity"]).to.deep.equal({ type: "UserAssigned", userAssignedIdentities: [uami.id] });
            // APIM reads no secret: its own identity is system-assigned and holds no grant here.
            expect(inputs(g, "apimanagement:ApiManagementService")["identity"]).to.deep.equal({ type: "SystemAssigned" });
        }
    });

    it("dev: the gateway and APIM DNS labels carry the stack suffix; the self-signed certificate names the gateway's FQDN", () => {
        expect(dev.graph.plainInputs(dev.graph.one("random:index/randomString:RandomString", "suffix"))).to.include({ length: 5 });
        expect(dev.graph.one("random:index/randomString:RandomString", "suffix").outputs["result"]).to.equal("a1b7c");
        expect(dev.graph.plainInputs(dev.graph.one("azure-native:network:PublicIPAddress", "ingress-pip-agw"))["dnsSettings"]).to.deep.equal({ domainNameLabel: "agw-ahds-dev-a1b7c" });
        expect(dev.graph.plainInputs(dev.graph.one("azure-native:network:PublicIPAddress", "ingress-pip-apim"))["dnsSettings"]).to.deep.equal({ domainNameLabel: "apim-ahds-dev-a1b7c" });
        const cert = dev.graph.plainInputs(dev.graph.one("tls:index/selfSignedCert:SelfSignedCert"));
        expect(cert["subject"]).to.deep.include({ commonName: "agw-ahds-dev-a1b7c.westeurope.cloudapp.azure.com" });
        expect(cert["dnsNames"]).to.deep.equal(["agw-ahds-dev-a1b7c.westeurope.cloudapp.azure.com"]);
        expect(dev.outputs?.["gatewayFqdn"]).to.equal("agw-ahds-dev-a1b7c.westeurope.cloudapp.azure.com");
        expect(dev.outputs?.["fhirBaseUrl"]).to.equal("https://agw-ahds-dev-a1b7c.westeurope.cloudapp.azure.com/fhir");
    });

    it("prod: zone-redundant Premium APIM (two units in zones 1 and 2) behind a zone-redundant public IP", () => {
        expect(inputs(prod.graph, "apimanagement:ApiManagementService")).to.deep.include({ sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"] });
        // Learn (api-management-using-with-internal-vnet, prerequisites): "configure the Zone-redundant setting".
        expect(prod.graph.plainInputs(prod.graph.one("azure-native:network:PublicIPAddress", "ingress-pip-apim"))).to.deep.include({ zones: ["1", "2", "3"], dnsSettings: { domainNameLabel: "apim-ahds-prod-a1b7c" } });
        expect(prod.graph.plainInputs(prod.graph.one("azure-native:network:PublicIPAddress", "ingress-pip-agw"))).to.deep.include({ zones: ["1", "2", "3"], dnsSettings: { domainNameLabel: "agw-ahds-prod-a1b7c" } });
    });

    it("dev and prod: no CORS policy without ahds:fhir.corsOrigins", () => {
        for (const g of [dev.graph, prod.graph]) expect(readPolicy(String(inputs(g, "apimanagement:ApiPolicy", "ingress-api-fhir-policy")["value"])).cors).to.equal(undefined);
    });

    it("with ahds:fhir.corsOrigins set, APIM answers preflight for exactly those origins, as the FHIR service does", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-cors-"));
        const file = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(file, `${fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8").replace(/\n?$/, "\n")}  ahds:fhir.corsOrigins: "https://app.example.org, https://portal.example.org:8443"\n`);
        const r = await runProgram({ stack: "dev", stackFile: file });
        expect(r.error).to.equal(undefined);
        const p = readPolicy(String(inputs(r.graph, "apimanagement:ApiPolicy", "ingress-api-fhir-policy")["value"]));
        expect(p.sections[0]).to.deep.equal(["inbound", ["cors", "base", "validate-jwt", "rate-limit-by-key"]]);
        expect(p.cors).to.deep.equal({
            attrs: { "allow-credentials": "false", "terminate-unmatched-request": "true" },
            origins: ["https://app.example.org", "https://portal.example.org:8443"],
            methodsAttrs: { "preflight-result-max-age": "600" },
            methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            headers: ["Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Match", "If-None-Exist", "If-Modified-Since"],
            exposeHeaders: ["Location", "Content-Location", "ETag", "Last-Modified"],
            children: ["allowed-origins", "allowed-methods", "allowed-headers", "expose-headers"],
        });
        expect((inputs(r.graph, "healthcareapis:FhirService")["corsConfiguration"] as Obj)["origins"]).to.deep.equal(["https://app.example.org", "https://portal.example.org:8443"]);
    });
});
