import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { Ingress, IngressArgs, IngressBulkUploadArgs } from "../components/ingress";
import { normalizedBlobEndpoint } from "../components/ingress/bulkApi";
import { Graph } from "../lib/offline/graph";
import { XmlElement, gatewayOutcome, kid, kids, parseXml, routedPool, textsOf, wafCustomRuleVerdict } from "./harness/ingressEval";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID } from "../lib/offline/mocks";
import { closeSharedPolicySessions, sharedPolicySession } from "../lib/offline/policySessions";
import { runComponent } from "../lib/offline/run";
import { Json } from "../lib/offline/values";
import { EXPECTED_LOG_SCRUBBING, EXPECTED_MANAGED_RULES } from "./fixtures/wafExpectations";

/**
 * Ingress's `/bulk` upload API (issue 15): what API Management, the gateway and its WAF policies receive with and without
 * `bulkUpload`, stated as Azure documents it. Sources per assertion: API Management policy reference
 * (learn.microsoft.com/azure/api-management/<policy>-policy), Put Blob and its conditional headers
 * (learn.microsoft.com/rest/api/storageservices/put-blob, .../specifying-conditional-headers-for-blob-service-operations),
 * WAF request size limits and per-URI policies (learn.microsoft.com/azure/web-application-firewall/ag/
 * application-gateway-waf-request-size-limits, .../policy-overview).
 */
type Obj = Record<string, Json>;
const SUB = `/subscriptions/${MOCK_SUBSCRIPTION_ID}`;
const LAW = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const SPOKE = `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/virtualNetworks/vnet-spoke`;
const HUB = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub`;
const VAULT = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.KeyVault/vaults/kvahdsdevhubabc12`;
const FHIR_URL = "https://hwahdsdevabc12-fhir.fhir.azurehealthcareapis.com";
const AGW_ID = `${SUB}/resourceGroups/rg-spoke/providers/Microsoft.Network/applicationGateways/agw-ahds-dev-weu`;
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
/** The loader account's `primaryEndpoints.blob` ends in a slash; the API's backend must not. */
const BULK: IngressBulkUploadArgs = {
    blobEndpoint: "https://stahdsdevldrabc12.blob.core.windows.net/",
    audiences: ["api://ahds-bulk-upload", "33333333-3333-4333-8333-333333333333"],
};

function run(args: IngressArgs) {
    return runComponent(() => {
        const c = new Ingress("ingress", args);
        return { apimPrincipalId: c.apimPrincipalId, bulkUploadBaseUrl: c.bulkUploadBaseUrl, fhirBaseUrl: c.fhirBaseUrl };
    });
}
const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(`azure-native:${type}`, name));
const agw = (g: Graph) => inputs(g, "network:ApplicationGateway");
const byName = (items: Json, name: string) => (items as Obj[]).find((x) => x["name"] === name) as Obj;
const policyOf = (g: Graph, apiId: string) => String(g.byType("azure-native:apimanagement:ApiPolicy").map((r) => g.plainInputs(r)).find((p) => p["apiId"] === apiId)?.["value"]);
const wafPolicies = (g: Graph) => Object.fromEntries(g.byType("azure-native:network:WebApplicationFirewallPolicy").map((r) => [r.id as string, g.plainInputs(r)]));


/** The bulk API policy as read from the XML: every element APIM evaluates, in order, with its attributes. */
function readBulkPolicy(xml: string) {
    const doc = parseXml(xml);
    expect(doc.name).to.equal("policies");
    const inbound = kid(doc, "inbound");
    const jwt = kid(inbound, "validate-jwt");
    const [checks, rewrites] = kids(inbound, "choose");
    const response = (w: XmlElement) => {
        const r = kid(w, "return-response");
        return { status: kid(r, "set-status")?.attrs["code"], reason: kid(r, "set-status")?.attrs["reason"], contentType: textsOf(kid(r, "set-header"), "value"), body: kid(r, "set-body")?.text, condition: w.attrs["condition"] };
    };
    return {
        sections: kids(doc).map((s) => [s.name, kids(s).map((c) => c.name)]),
        jwt: {
            attrs: jwt?.attrs,
            openIdConfig: kids(jwt, "openid-config").map((c) => c.attrs["url"]),
            audiences: textsOf(kid(jwt, "audiences"), "audience"),
            issuers: textsOf(kid(jwt, "issuers"), "issuer"),
            requiredClaims: kids(kid(jwt, "required-claims"), "claim").map((c) => ({ ...c.attrs, values: textsOf(c, "value") })),
        },
        variables: kids(inbound, "set-variable").map((v) => [v.attrs["name"], v.attrs["value"]]),
        checks: kids(checks, "when").map(response),
        checksOtherwise: kids(checks, "otherwise").length,
        backend: kid(inbound, "set-backend-service")?.attrs,
        rewrites: kids(rewrites, "when").map((w) => ({ condition: w.attrs["condition"], ...kid(w, "rewrite-uri")?.attrs })),
        headers: kids(inbound, "set-header").map((h) => ({ name: h.attrs["name"], action: h.attrs["exists-action"], values: textsOf(h, "value") })),
        managedIdentity: kid(inbound, "authentication-managed-identity")?.attrs,
        forwardRequest: kid(kid(doc, "backend"), "forward-request")?.attrs,
    };
}

/** The file-name pattern of a container's 400 check, and what it says about a name (it is a .NET and JavaScript regex alike). */
function nameVerdicts(policy: ReturnType<typeof readBulkPolicy>, container: string, names: string[]): string[] {
    const check = policy.checks.find((c) => c.status === "400" && String(c.condition).startsWith(`@(context.Operation.Id == "put-${container}" && !System.Text.RegularExpressions.Regex.IsMatch(`));
    const pattern = /IsMatch\(\(string\)context\.Variables\["blobName"\], "([^"]*)"\)\)$/.exec(String(check?.condition))?.[1];
    if (pattern === undefined) throw new Error(`no file-name check for ${container}`);
    return names.map((n) => (new RegExp(pattern).test(n) ? "accepted" : "400"));
}
/** The media types a container's 415 check accepts. */
function acceptedTypes(policy: ReturnType<typeof readBulkPolicy>, container: string): string[] {
    const check = policy.checks.find((c) => c.status === "415" && String(c.condition).startsWith(`@(context.Operation.Id == "put-${container}" && `));
    return [...String(check?.condition).matchAll(/\(string\)context\.Variables\["contentType"\] == "([^"]*)"/g)].map((m) => m[1] ?? "");
}

const JWT_ATTRS = {
    "header-name": "Authorization", "require-scheme": "Bearer", "failed-validation-httpcode": "401",
    "failed-validation-error-message": "A valid Entra ID bearer token for the bulk upload API with the app role Bulk.Upload is required.",
    "require-expiration-time": "true", "require-signed-tokens": "true", "output-token-variable-name": "jwt",
};
const JSON_TYPE = ["application/json"];
/** The checks every upload goes through after the token, in order (the first that matches answers). */
const COMMON_CHECKS = [
    { status: "403", reason: "Forbidden", contentType: JSON_TYPE, body: "{\"error\":\"the token carries no object ID (oid)\"}",
        condition: "@(!System.Text.RegularExpressions.Regex.IsMatch((string)context.Variables[\"uploader\"], \"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$\"))" },
    { status: "400", reason: "Bad Request", contentType: JSON_TYPE, body: "{\"error\":\"x-ms-* request headers are not accepted\"}",
        condition: "@(context.Request.Headers.Keys.Any(h => h.ToLowerInvariant().StartsWith(\"x-ms-\") && h.ToLowerInvariant() != \"x-ms-client-request-id\"))" },
    { status: "400", reason: "Bad Request", contentType: JSON_TYPE, body: "{\"error\":\"the upload URL takes no query string\"}", condition: "@(context.Request.OriginalUrl.Query.Count > 0)" },
    { status: "411", reason: "Length Required", contentType: JSON_TYPE, body: "{\"error\":\"send the file with a Content-Length header\"}",
        condition: "@(!System.Text.RegularExpressions.Regex.IsMatch((string)context.Variables[\"contentLength\"], \"^[0-9]{1,12}$\"))" },
];
const BULK_INBOUND = ["base", "validate-jwt", "set-variable", "set-variable", "set-variable", "set-variable", "choose", "set-backend-service", "choose", "set-header", "authentication-managed-identity", "set-header", "set-header", "set-header"];

/** Storage-side headers APIM sets after removing the caller's Authorization (its own token replaces it). */
const STORAGE_HEADERS = [
    { name: "Authorization", action: "delete", values: [] },
    { name: "x-ms-blob-type", action: "override", values: ["BlockBlob"] },
    { name: "x-ms-version", action: "override", values: ["2025-05-05"] },
    { name: "If-None-Match", action: "override", values: ["*"] },
];

const uri = (matchValues: string[], negation: boolean, operator = "BeginsWith") => ({ matchVariables: [{ variableName: "RequestUri" }], operator, negationConditon: negation, matchValues, transforms: ["Lowercase"] });
const contentType = (matchValues: string[]) => ({ matchVariables: [{ variableName: "RequestHeaders", selector: "Content-Type" }], operator: "BeginsWith", negationConditon: true, matchValues, transforms: ["Lowercase"] });
/** The bulk path rule's WAF policy for the default containers, as Azure must receive it. */
const EXPECTED_BULK_WAF: Obj = {
    policySettings: {
        state: "Enabled", mode: "Prevention",
        // Inspected to DRS 2.1's 2 MB maximum; larger bodies are not refused by the WAF (API Management answers 413 above
        // maxUploadSizeMb). The file-upload limit applies to multipart/form-data only (request size limits page).
        requestBodyCheck: true, requestBodyInspectLimitInKB: 2000, requestBodyEnforcement: false, maxRequestBodySizeInKb: 2000,
        fileUploadEnforcement: true, fileUploadLimitInMb: 100,
        logScrubbing: EXPECTED_LOG_SCRUBBING,
    },
    customRules: [
        { name: "BulkOnlyPut", priority: 10, ruleType: "MatchRule", action: "Block", state: "Enabled", matchConditions: [{ matchVariables: [{ variableName: "RequestMethod" }], operator: "Equal", negationConditon: true, matchValues: ["PUT"] }] },
        { name: "BulkOnlyPlainPaths", priority: 20, ruleType: "MatchRule", action: "Block", state: "Enabled", matchConditions: [{ matchVariables: [{ variableName: "RequestUri" }], operator: "Contains", negationConditon: false, matchValues: ["?", "%", "..", "\\"] }] },
        { name: "BulkContentTypesBundles", priority: 30, ruleType: "MatchRule", action: "Block", state: "Enabled", matchConditions: [uri(["/bulk/bundles/"], false), contentType(["application/fhir+json", "application/json"])] },
        { name: "BulkContentTypesNdjson", priority: 31, ruleType: "MatchRule", action: "Block", state: "Enabled", matchConditions: [uri(["/bulk/ndjson/"], false), contentType(["application/fhir+ndjson", "application/x-ndjson", "application/ndjson"])] },
        { name: "BulkContentTypesZip", priority: 32, ruleType: "MatchRule", action: "Block", state: "Enabled", matchConditions: [uri(["/bulk/zip/"], false), contentType(["application/zip"])] },
    ],
    managedRules: EXPECTED_MANAGED_RULES,
};

const FHIR_JSON = { "Content-Type": "application/fhir+json" };
/**
 * Requests and what the gateway does with them when the upload API is configured, literally: [method, request URI,
 * headers, the WAF policy that judges it, its custom-rule verdict, the pool]. `/bulk/<container>/...` requests are
 * judged by the bulk policy alone; nothing else below `/bulk`, nor `/bulk/<container>` itself, is routed by that rule
 * ("/x/*" matches below "/x/" only, url-route-overview), so the gateway's own policy blocks them.
 */
const BULK_GATEWAY_CASES: Array<[string, string, Record<string, string>, string, string, string]> = [
    ["PUT", "/bulk/bundles/a.json", FHIR_JSON, "wafahdsdevweubulk", "pass", "apim"],
    ["PUT", "/bulk/bundles/transaction-2024.01.json", { "Content-Type": "application/json; charset=utf-8" }, "wafahdsdevweubulk", "pass", "apim"],
    ["PUT", "/bulk/ndjson/Patient.ndjson", { "Content-Type": "application/fhir+ndjson" }, "wafahdsdevweubulk", "pass", "apim"],
    ["PUT", "/bulk/ndjson/Observation.ndjson", { "Content-Type": "application/x-ndjson" }, "wafahdsdevweubulk", "pass", "apim"],
    ["PUT", "/bulk/zip/export.zip", { "Content-Type": "application/zip" }, "wafahdsdevweubulk", "pass", "apim"],
    ["GET", "/bulk/bundles/a.json", {}, "wafahdsdevweubulk", "Block:BulkOnlyPut", "apim"],
    ["POST", "/bulk/bundles/a.json", FHIR_JSON, "wafahdsdevweubulk", "Block:BulkOnlyPut", "apim"],
    ["DELETE", "/bulk/bundles/a.json", {}, "wafahdsdevweubulk", "Block:BulkOnlyPut", "apim"],
    ["OPTIONS", "/bulk/bundles/a.json", { "Origin": "https://app.example.org", "Access-Control-Request-Method": "PUT" }, "wafahdsdevweubulk", "Block:BulkOnlyPut", "apim"],
    ["PUT", "/bulk/bundles/../x.json", FHIR_JSON, "wafahdsdevweubulk", "Block:BulkOnlyPlainPaths", "apim"],
    ["PUT", "/bulk/bundles/a%2f..%2fx.json", FHIR_JSON, "wafahdsdevweubulk", "Block:BulkOnlyPlainPaths", "apim"],
    ["PUT", "/bulk/bundles/a.json?comp=block&blockid=AAAA", FHIR_JSON, "wafahdsdevweubulk", "Block:BulkOnlyPlainPaths", "apim"],
    ["PUT", "/bulk/bundles/a\\b.json", FHIR_JSON, "wafahdsdevweubulk", "Block:BulkOnlyPlainPaths", "apim"],
    ["PUT", "/bulk/export/a.json", FHIR_JSON, "wafahdsdevweu", "Block:BlockUnpublishedPaths", "unpublished"],
    ["PUT", "/bulk/bundles", FHIR_JSON, "wafahdsdevweu", "Block:BlockUnpublishedPaths", "unpublished"],
    ["PUT", "/bulk/bundlesx/a.json", FHIR_JSON, "wafahdsdevweu", "Block:BlockUnpublishedPaths", "unpublished"],
    ["PUT", "/bulk/bundles/a.json", { "Content-Type": "application/zip" }, "wafahdsdevweubulk", "Block:BulkContentTypesBundles", "apim"],
    ["PUT", "/bulk/ndjson/a.ndjson", { "Content-Type": "multipart/form-data; boundary=x" }, "wafahdsdevweubulk", "Block:BulkContentTypesNdjson", "apim"],
    ["PUT", "/bulk/zip/a.zip", { "Content-Type": "application/json" }, "wafahdsdevweubulk", "Block:BulkContentTypesZip", "apim"],
    ["GET", "/bulk", {}, "wafahdsdevweu", "Block:BlockUnpublishedPaths", "unpublished"],
    ["PUT", "/bulkx/bundles/a.json", FHIR_JSON, "wafahdsdevweu", "Block:BlockUnpublishedPaths", "unpublished"],
    ["POST", "/fhir", FHIR_JSON, "wafahdsdevweu", "pass", "apim"],
    ["GET", "/fhir/metadata", {}, "wafahdsdevweu", "pass", "apim"],
    ["PUT", "/fhir/Patient/123", { "Content-Type": "application/zip" }, "wafahdsdevweu", "Block:AllowOnlyFhirContentTypes", "apim"],
];

function assertBulkGatewayTable(g: Graph): void {
    const gw = agw(g);
    const map = byName(gw["urlPathMaps"] as Json, "fhir-only");
    const actual = BULK_GATEWAY_CASES.map(([method, u, headers]) => { const o = gatewayOutcome(gw, map, wafPolicies(g), { method, uri: u, headers }); return [method, u, o.policy, o.verdict, o.pool]; });
    expect(actual).to.deep.equal(BULK_GATEWAY_CASES.map(([m, u, , policy, verdict, pool]) => [m, u, policy, verdict, pool]));
}

const ref = (collection: string, item: string) => ({ id: `${AGW_ID}/${collection}/${item}` });
const APIM_HOST = "apim-ahds-dev-abc12.azure-api.net";
const apimSettings = (name: string, requestTimeout: number) => ({ name, port: 443, protocol: "Https", hostName: APIM_HOST, pickHostNameFromBackendAddress: false, cookieBasedAffinity: "Disabled", requestTimeout, probe: ref("probes", "apim-status") });
const FHIR_PATH_RULE = { name: "fhir", paths: ["/fhir", "/fhir/*"], backendAddressPool: ref("backendAddressPools", "apim"), backendHttpSettings: ref("backendHttpSettingsCollection", "apim-https") };

after(closeSharedPolicySessions);

describe("Ingress bulk upload API", () => {
    describe("without bulkUpload (the default)", () => {
        let g: Graph;
        let out: Record<string, unknown>;
        before(async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("publishes no bulk API, operation, path rule or second WAF policy, and the gateway's rule admits only the FHIR base", () => {
            expect(g.byType("azure-native:apimanagement:Api").map((r) => g.plainInputs(r)["apiId"])).to.deep.equal(["fhir"]);
            expect(g.byType("azure-native:apimanagement:ApiOperation").map((r) => g.plainInputs(r)["operationId"])).to.not.include.members(["put-bundles", "put-ndjson", "put-zip"]);
            expect(g.byType("azure-native:network:WebApplicationFirewallPolicy").map((r) => g.plainInputs(r)["policyName"])).to.deep.equal(["wafahdsdevweu"]);
            const gw = agw(g);
            expect(byName(gw["urlPathMaps"] as Json, "fhir-only")["pathRules"]).to.deep.equal([FHIR_PATH_RULE]);
            expect(gw["backendHttpSettingsCollection"]).to.deep.equal([apimSettings("apim-https", 180)]);
            const main = inputs(g, "network:WebApplicationFirewallPolicy");
            expect(((byName(main["customRules"] as Json, "BlockUnpublishedPaths")["matchConditions"] as Obj[])[0] as Obj)["matchValues"]).to.deep.equal(["/fhir/", "/fhir?"]);
            // The same upload request the configured gateway serves is refused here, by the gateway's own policy.
            const map = byName(gw["urlPathMaps"] as Json, "fhir-only");
            expect([wafCustomRuleVerdict(main["customRules"] as Json, { method: "PUT", uri: "/bulk/bundles/a.json", headers: FHIR_JSON }), routedPool(map, "/bulk/bundles/a.json")]).to.deep.equal(["Block:BlockUnpublishedPaths", "unpublished"]);
        });

        it("still reports APIM's principal ID, and no upload URL", () => {
            const apim = g.one("azure-native:apimanagement:ApiManagementService");
            expect(out["apimPrincipalId"]).to.equal((apim.outputs["identity"] as Obj)["principalId"]).and.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
            expect(out["bulkUploadBaseUrl"]).to.equal("");
        });
    });

    describe("with bulkUpload (dev defaults)", () => {
        let g: Graph;
        let out: Record<string, unknown>;
        let policy: ReturnType<typeof readBulkPolicy>;
        before(async () => {
            const r = await run({ ...BASE, bulkUpload: BULK });
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
            policy = readBulkPolicy(policyOf(g, "bulk"));
        });

        it("defines the API at /bulk over HTTPS without subscription keys, backed by the loader's blob endpoint (no trailing slash)", () => {
            expect(inputs(g, "apimanagement:Api", "ingress-api-bulk")).to.deep.include({
                apiId: "bulk", path: "bulk", protocols: ["https"], apiType: "http", subscriptionRequired: false,
                serviceUrl: "https://stahdsdevldrabc12.blob.core.windows.net", serviceName: "apim-ahds-dev-abc12", resourceGroupName: "rg-spoke",
            });
        });

        it("has one PUT operation per container, its file name a required template parameter", () => {
            const ops = g.byType("azure-native:apimanagement:ApiOperation").map((r) => g.plainInputs(r)).filter((o) => o["apiId"] === "bulk")
                .map((o) => ({ operationId: o["operationId"], method: o["method"], urlTemplate: o["urlTemplate"], templateParameters: o["templateParameters"] }));
            const name = [{ name: "name", type: "string", required: true }];
            expect(ops).to.deep.equal([
                { operationId: "put-bundles", method: "PUT", urlTemplate: "/bundles/{name}", templateParameters: name },
                { operationId: "put-ndjson", method: "PUT", urlTemplate: "/ndjson/{name}", templateParameters: name },
                { operationId: "put-zip", method: "PUT", urlTemplate: "/zip/{name}", templateParameters: name },
            ]);
        });

        it("validates the tenant's tokens for the upload API's own audiences and requires the Bulk.Upload app role", () => {
            expect(policy.sections).to.deep.equal([["inbound", BULK_INBOUND], ["backend", ["forward-request"]], ["outbound", ["base"]], ["on-error", ["base"]]]);
            expect(policy.jwt).to.deep.equal({
                attrs: JWT_ATTRS,
                openIdConfig: [`https://login.microsoftonline.com/${MOCK_TENANT_ID}/v2.0/.well-known/openid-configuration`],
                audiences: ["api://ahds-bulk-upload", "33333333-3333-4333-8333-333333333333"],
                issuers: [`https://sts.windows.net/${MOCK_TENANT_ID}/`, `https://login.microsoftonline.com/${MOCK_TENANT_ID}/v2.0`],
                // validate-jwt-policy: match "any" = at least one listed value in the token's roles.
                requiredClaims: [{ name: "roles", match: "any", values: ["Bulk.Upload"] }],
            });
            // Never the FHIR audience: a FHIR token must not also write to storage.
            expect(policy.jwt.audiences).to.not.include(FHIR_URL);
        });

        it("reads the caller's object ID, file name, media type and length once, then checks them in order", () => {
            expect(policy.variables).to.deep.equal([
                ["uploader", "@(((Jwt)context.Variables[\"jwt\"]).Claims.GetValueOrDefault(\"oid\", \"\"))"],
                ["blobName", "@(context.Request.MatchedParameters[\"name\"])"],
                ["contentType", "@(context.Request.Headers.GetValueOrDefault(\"Content-Type\", \"\").Split(';')[0].Trim().ToLowerInvariant())"],
                ["contentLength", "@(context.Request.Headers.GetValueOrDefault(\"Content-Length\", \"\"))"],
            ]);
            expect(policy.checks.slice(0, 4)).to.deep.equal(COMMON_CHECKS);
            expect(policy.checks.map((c) => c.status)).to.deep.equal(["403", "400", "400", "411", "413", "413", "413", "400", "415", "400", "415", "400", "415", "400"]);
            expect(policy.checksOtherwise).to.equal(0);
        });

        it("answers 413 per container above 256 MiB (268435456 bytes) and 400 for an empty file, from Content-Length, without reading the body", () => {
            expect(policy.checks.slice(4, 7)).to.deep.equal(["bundles", "ndjson", "zip"].map((c) => ({
                status: "413", reason: "Payload Too Large", contentType: JSON_TYPE, body: `{"error":"files in ${c} are limited to 256 MiB"}`,
                condition: `@(context.Operation.Id == "put-${c}" && long.Parse((string)context.Variables["contentLength"]) > 268435456L)`,
            })));
            expect(policy.checks[7]).to.deep.include({ status: "400", body: "{\"error\":\"the file is empty\"}", condition: "@(long.Parse((string)context.Variables[\"contentLength\"]) == 0L)" });
            expect(policy.forwardRequest).to.deep.equal({ timeout: "600", "buffer-request-body": "false" });
        });

        it("accepts per container exactly its media types (415 otherwise)", () => {
            expect(acceptedTypes(policy, "bundles")).to.deep.equal(["application/fhir+json", "application/json"]);
            expect(acceptedTypes(policy, "ndjson")).to.deep.equal(["application/fhir+ndjson", "application/x-ndjson", "application/ndjson"]);
            expect(acceptedTypes(policy, "zip")).to.deep.equal(["application/zip"]);
        });

        it("accepts plain file names with the container's extension only (400 otherwise)", () => {
            const names = ["a.json", "Patient-bundle_2024.01.json", "a.zip", "a.ndjson", "../x.json", "a/../x.json", "a/b.json", "a%2fb.json", "a..json", ".json", "-a.json", "a.JSON", "a.json.zip", "a b.json", `${"a".repeat(201)}.json`, `${"a".repeat(202)}.json`];
            expect(nameVerdicts(policy, "bundles", names)).to.deep.equal(["accepted", "accepted", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "400", "accepted", "400"]);
            expect(nameVerdicts(policy, "ndjson", ["Patient.ndjson", "Patient.json", "Patient.ndjson/../x.ndjson", "p..ndjson"])).to.deep.equal(["accepted", "400", "400", "400"]);
            expect(nameVerdicts(policy, "zip", ["export.zip", "export.json", "export.zip.json", "x%00.zip"])).to.deep.equal(["accepted", "400", "400", "400"]);
        });

        it("writes to the loader's blob endpoint at /<container>/<caller oid>/<file>, no query string copied", () => {
            expect(policy.backend).to.deep.equal({ "base-url": "https://stahdsdevldrabc12.blob.core.windows.net" });
            expect(policy.rewrites).to.deep.equal(["bundles", "ndjson", "zip"].map((c) => ({
                condition: `@(context.Operation.Id == "put-${c}")`,
                template: `@("/${c}/" + (string)context.Variables["uploader"] + "/" + (string)context.Variables["blobName"])`,
                "copy-unmatched-params": "false",
            })));
        });

        it("replaces the caller's token with APIM's own for Storage and writes a block blob that never overwrites (If-None-Match: *)", () => {
            expect(policy.headers).to.deep.equal(STORAGE_HEADERS);
            expect(policy.managedIdentity).to.deep.equal({ resource: "https://storage.azure.com/" });
            // Authorization is deleted before authentication-managed-identity sets APIM's token.
            expect(BULK_INBOUND.indexOf("authentication-managed-identity")).to.equal(BULK_INBOUND.indexOf("set-header") + 1);
        });

        it("logs upload requests without headers or bodies", () => {
            const d = g.byType("azure-native:apimanagement:ApiDiagnostic").map((r) => g.plainInputs(r)).find((x) => x["apiId"] === "bulk") as Obj;
            for (const side of ["frontend", "backend"]) for (const dir of ["request", "response"]) expect(((d[side] as Obj)[dir] as Obj), `${side}.${dir}`).to.deep.equal({ headers: [], body: { bytes: 0 } });
            expect(d).to.deep.include({ loggerId: g.one("azure-native:apimanagement:Logger").id, alwaysLog: "allErrors" });
        });

        it("routes /bulk/<container>/* to APIM on the same HTTPS listener with an upload timeout and the bulk WAF policy", () => {
            const gw = agw(g);
            const bulkWaf = g.one("azure-native:network:WebApplicationFirewallPolicy", "ingress-waf-bulk");
            expect(byName(gw["urlPathMaps"] as Json, "fhir-only")["pathRules"]).to.deep.equal([
                FHIR_PATH_RULE,
                { name: "bulk", paths: ["/bulk/bundles/*", "/bulk/ndjson/*", "/bulk/zip/*"], backendAddressPool: ref("backendAddressPools", "apim"), backendHttpSettings: ref("backendHttpSettingsCollection", "apim-https-bulk"), firewallPolicy: { id: bulkWaf.id } },
            ]);
            expect(gw["backendHttpSettingsCollection"]).to.deep.equal([apimSettings("apim-https", 180), apimSettings("apim-https-bulk", 600)]);
            expect(gw["requestRoutingRules"]).to.deep.equal([
                { name: "https-fhir", ruleType: "PathBasedRouting", priority: 100, httpListener: ref("httpListeners", "https"), urlPathMap: ref("urlPathMaps", "fhir-only") },
                { name: "http-redirect", ruleType: "Basic", priority: 200, httpListener: ref("httpListeners", "http"), redirectConfiguration: ref("redirectConfigurations", "http-to-https") },
            ]);
            expect(gw["firewallPolicy"]).to.deep.equal({ id: g.one("azure-native:network:WebApplicationFirewallPolicy", "ingress-waf").id });
        });

        it("gives the bulk path its own Prevention-mode policy sized for uploads, with the FHIR tuning", () => {
            const waf = inputs(g, "network:WebApplicationFirewallPolicy", "ingress-waf-bulk");
            expect(waf).to.deep.include({ policyName: "wafahdsdevweubulk", resourceGroupName: "rg-spoke", location: "westeurope" });
            expect({ policySettings: waf["policySettings"], customRules: waf["customRules"], managedRules: waf["managedRules"] }).to.deep.equal(EXPECTED_BULK_WAF);
        });

        it("admits the upload containers' prefixes in the gateway's own rule now that they are published, and nothing else new", () => {
            const main = inputs(g, "network:WebApplicationFirewallPolicy", "ingress-waf");
            // Conditions are ANDed: a URI is blocked when it matches none of the published forms. The bulk prefixes get a
            // condition of their own (a condition takes at most 10 match values, and containers may be up to 10).
            expect((byName(main["customRules"] as Json, "BlockUnpublishedPaths")["matchConditions"] as Obj[])).to.deep.equal([
                uri(["/fhir/", "/fhir?"], true), uri(["/fhir"], true, "Equal"), uri(["/bulk/bundles/", "/bulk/ndjson/", "/bulk/zip/"], true),
            ]);
            expect(["/bulk/bundles/a.json", "/bulk/ndjson/a.ndjson", "/bulk/zip/a.zip"].map((u) => wafCustomRuleVerdict(main["customRules"] as Json, { method: "PUT", uri: u, headers: FHIR_JSON }))).to.deep.equal(["pass", "pass", "pass"]);
            expect(["/bulk", "/bulk/", "/bulk/export/x", "/bulkx", "/bulk-admin", "/fhirx"].map((u) => wafCustomRuleVerdict(main["customRules"] as Json, { method: "GET", uri: u })))
                .to.deep.equal(Array(6).fill("Block:BlockUnpublishedPaths"));
            // The other custom rule and everything else of the gateway's policy are as without uploads.
            expect(byName(main["customRules"] as Json, "AllowOnlyFhirContentTypes")).to.deep.include({ priority: 20, action: "Block" });
            expect((main["customRules"] as Obj[]).map((c) => c["name"])).to.deep.equal(["BlockUnpublishedPaths", "AllowOnlyFhirContentTypes"]);
        });

        it("decides each request by the policy of the path rule that routes it (the table)", () => {
            assertBulkGatewayTable(g);
        });

        it("keeps the gateway off APIM's critical path: nothing it depends on waits for APIM", () => {
            const gwRes = g.one("azure-native:network:ApplicationGateway");
            const apim = g.one("azure-native:apimanagement:ApiManagementService");
            const apimUrns = new Set([apim.urn, ...g.custom.filter((r) => g.allDependencies(r).has(apim.urn)).map((r) => r.urn)]);
            expect([...g.dependencyClosure(gwRes)].filter((u) => apimUrns.has(u))).to.deep.equal([]);
            expect(g.dependencyClosure(gwRes).has(g.one("azure-native:network:WebApplicationFirewallPolicy", "ingress-waf-bulk").urn)).to.equal(true);
        });

        it("reports APIM's principal ID and the upload URL; grants nothing on storage itself (the wiring does, per container)", () => {
            const apim = g.one("azure-native:apimanagement:ApiManagementService");
            expect(out["apimPrincipalId"]).to.equal((apim.outputs["identity"] as Obj)["principalId"]);
            expect(out["bulkUploadBaseUrl"]).to.equal("https://agw-ahds-dev-abc12.westeurope.cloudapp.azure.com/bulk");
            expect(g.byType("azure-native:authorization:RoleAssignment").map((r) => String(g.plainInputs(r)["scope"]))).to.deep.equal([`${VAULT}/secrets/gateway-tls`]);
        });

        it("passes the pack's gateway and WAF rules on an update", async () => {
            const session = await sharedPolicySession("dev", false);
            const gatewayRules = ["waf-admits-routed-paths", "waf-prevention-mode", "appgw-waf-policy-attached", "appgw-https-end-to-end"];
            expect(session.policies.map((p) => p.name)).to.include.members(gatewayRules);
            const violations = [...await session.analyze(g.resources), ...await session.analyzeStack(g.resources)].filter((v) => gatewayRules.includes(v.policy));
            expect(violations.map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
        });
    });

    describe("waf-aligned (prod host name) and max", () => {
        it("publishes the upload URL on the organisation's host name", async () => {
            const r = await run({ ...BASE, naming: { ...BASE.naming, environment: "prod" }, appGateway: { minCapacity: 2, maxCapacity: 10, hostName: "fhir.example.org" }, zoneRedundant: true, bulkUpload: BULK });
            expect(r.error).to.equal(undefined);
            expect(r.outputs["bulkUploadBaseUrl"]).to.equal("https://fhir.example.org/bulk");
            expect(inputs(r.graph, "network:WebApplicationFirewallPolicy", "ingress-waf-bulk")["policyName"]).to.equal("wafahdsprodweubulk");
        });

        it("applies a custom role, containers, size limit and timeout everywhere they appear", async () => {
            const r = await run({ ...BASE, tenantId: "77777777-7777-4777-8777-777777777777", bulkUpload: {
                blobEndpoint: pulumi.output("https://stcustom01.blob.core.windows.net"), audiences: ["44444444-4444-4444-8444-444444444444"], requiredRole: "Loader.Write",
                containers: [{ name: "fhir-bundles", contentTypes: ["application/fhir+json"], extension: "json" }], maxUploadSizeMb: 4000, requestTimeoutSeconds: 1800,
            } });
            expect(r.error).to.equal(undefined);
            const p = readBulkPolicy(policyOf(r.graph, "bulk"));
            expect(p.jwt.requiredClaims).to.deep.equal([{ name: "roles", match: "any", values: ["Loader.Write"] }]);
            expect(p.jwt.audiences).to.deep.equal(["44444444-4444-4444-8444-444444444444"]);
            expect(p.jwt.openIdConfig).to.deep.equal(["https://login.microsoftonline.com/77777777-7777-4777-8777-777777777777/v2.0/.well-known/openid-configuration"]);
            expect(p.jwt.attrs?.["failed-validation-error-message"]).to.equal("A valid Entra ID bearer token for the bulk upload API with the app role Loader.Write is required.");
            // A .json (bundle) container stays at 256 MiB = 268435456 bytes whatever maxUploadSizeMb says: the loader reads a
            // bundle into one string and parses it whole (fhir-loader ImportUtils.ImportBundle).
            expect(p.checks[4]).to.deep.include({ status: "413", body: "{\"error\":\"files in fhir-bundles are limited to 256 MiB\"}",
                condition: "@(context.Operation.Id == \"put-fhir-bundles\" && long.Parse((string)context.Variables[\"contentLength\"]) > 268435456L)" });
            expect(p.checks.map((c) => c.status)).to.deep.equal(["403", "400", "400", "411", "413", "400", "415", "400"]);
            expect(acceptedTypes(p, "fhir-bundles")).to.deep.equal(["application/fhir+json"]);
            expect(nameVerdicts(p, "fhir-bundles", ["a.json", "a.ndjson"])).to.deep.equal(["accepted", "400"]);
            expect(p.backend).to.deep.equal({ "base-url": "https://stcustom01.blob.core.windows.net" });
            expect(p.rewrites).to.deep.equal([{ condition: "@(context.Operation.Id == \"put-fhir-bundles\")", template: "@(\"/fhir-bundles/\" + (string)context.Variables[\"uploader\"] + \"/\" + (string)context.Variables[\"blobName\"])", "copy-unmatched-params": "false" }]);
            expect(p.forwardRequest).to.deep.equal({ timeout: "1800", "buffer-request-body": "false" });
            const ops = r.graph.byType("azure-native:apimanagement:ApiOperation").map((x) => r.graph.plainInputs(x)).filter((o) => o["apiId"] === "bulk");
            expect(ops.map((o) => [o["operationId"], o["urlTemplate"]])).to.deep.equal([["put-fhir-bundles", "/fhir-bundles/{name}"]]);
            const waf = inputs(r.graph, "network:WebApplicationFirewallPolicy", "ingress-waf-bulk");
            expect((waf["customRules"] as Obj[]).map((c) => [c["name"], c["priority"]])).to.deep.equal([["BulkOnlyPut", 10], ["BulkOnlyPlainPaths", 20], ["BulkContentTypesFhirBundles", 30]]);
            expect(byName(byName(agw(r.graph)["urlPathMaps"] as Json, "fhir-only")["pathRules"] as Json, "bulk")["paths"]).to.deep.equal(["/bulk/fhir-bundles/*"]);
            const main = inputs(r.graph, "network:WebApplicationFirewallPolicy", "ingress-waf");
            expect(((byName(main["customRules"] as Json, "BlockUnpublishedPaths")["matchConditions"] as Obj[])[2] as Obj)["matchValues"]).to.deep.equal(["/bulk/fhir-bundles/"]);
            expect(byName(agw(r.graph)["backendHttpSettingsCollection"] as Json, "apim-https-bulk")["requestTimeout"]).to.equal(1800);
        });

        it("limits each container by what the loader does with it: NDJSON and zips to maxUploadSizeMb (at most 2047 MiB with a zip container), bundles to 256 MiB", async () => {
            const r = await run({ ...BASE, bulkUpload: { ...BULK, maxUploadSizeMb: 2047 } });
            expect(r.error).to.equal(undefined);
            const p = readBulkPolicy(policyOf(r.graph, "bulk"));
            // 2047 MiB = 2146435072 bytes, below a .NET MemoryStream's 2 GiB (ImportCompressedFiles); 256 MiB = 268435456 bytes.
            expect(p.checks.filter((c) => c.status === "413").map((c) => [c.condition, c.body])).to.deep.equal([
                ["@(context.Operation.Id == \"put-bundles\" && long.Parse((string)context.Variables[\"contentLength\"]) > 268435456L)", "{\"error\":\"files in bundles are limited to 256 MiB\"}"],
                ["@(context.Operation.Id == \"put-ndjson\" && long.Parse((string)context.Variables[\"contentLength\"]) > 2146435072L)", "{\"error\":\"files in ndjson are limited to 2047 MiB\"}"],
                ["@(context.Operation.Id == \"put-zip\" && long.Parse((string)context.Variables[\"contentLength\"]) > 2146435072L)", "{\"error\":\"files in zip are limited to 2047 MiB\"}"],
            ]);
            // Without a zip container, NDJSON takes up to 4000 MiB (4194304000 bytes), the gateway's limit.
            const ndjsonOnly = await run({ ...BASE, bulkUpload: { ...BULK, maxUploadSizeMb: 4000, containers: [{ name: "ndjson", contentTypes: ["application/fhir+ndjson"], extension: "ndjson" }] } });
            expect(ndjsonOnly.error).to.equal(undefined);
            expect(readBulkPolicy(policyOf(ndjsonOnly.graph, "bulk")).checks.filter((c) => c.status === "413").map((c) => c.condition))
                .to.deep.equal(["@(context.Operation.Id == \"put-ndjson\" && long.Parse((string)context.Variables[\"contentLength\"]) > 4194304000L)"]);
        });

        it("normalises the deploy-time endpoint and refuses one that is not a blob endpoint", () => {
            expect(["https://stacct01.blob.core.windows.net/", "https://stacct01.blob.core.windows.net", "https://stacct01.blob.core.usgovcloudapi.net/"].map(normalizedBlobEndpoint))
                .to.deep.equal(["https://stacct01.blob.core.windows.net", "https://stacct01.blob.core.windows.net", "https://stacct01.blob.core.usgovcloudapi.net"]);
            for (const bad of ["https://stacct01.queue.core.windows.net/", "http://stacct01.blob.core.windows.net", "https://stacct01.blob.core.windows.net/bundles", "https://evil.example.org/"]) {
                expect(() => normalizedBlobEndpoint(bad), bad).to.throw(/is not a storage blob endpoint/);
            }
        });
    });

    describe("invalid bulkUpload args", () => {
        it("lists every problem and registers nothing", async () => {
            const r = await run({ ...BASE, bulkUpload: {
                blobEndpoint: "https://storage.example.org/", audiences: [FHIR_URL, "api://has space"], requiredRole: "Bulk Upload", maxUploadSizeMb: 5000, requestTimeoutSeconds: 10,
                containers: [
                    { name: "Bundles", contentTypes: ["application/json"], extension: ".json" },
                    { name: "nd-json", contentTypes: ["application/*", "multipart/form-data", "Application/Zip"], extension: "ndjson" },
                    { name: "ndjson", contentTypes: [], extension: "ndjson" },
                ],
            } });
            expect(r.error).to.be.instanceOf(Error);
            const msg = String((r.error as Error).message);
            for (const needle of [
                "bulkUpload.blobEndpoint \"https://storage.example.org/\" is not a storage blob endpoint",
                `bulkUpload.audiences: "${FHIR_URL}" is the FHIR service's audience`,
                "bulkUpload.audiences: \"api://has space\" is not an Application ID URI or client ID",
                "bulkUpload.requiredRole \"Bulk Upload\" is not an app role value",
                "bulkUpload.maxUploadSizeMb must be an integer 1-4000",
                "bulkUpload.requestTimeoutSeconds must be an integer 30-3600",
                "bulkUpload.containers: \"Bundles\" is not a blob container name",
                "bulkUpload.containers \"Bundles\": extension \".json\" must be 1-10 lowercase letters or digits",
                "bulkUpload.containers \"nd-json\": \"application/*\" is not a lowercase media type",
                "bulkUpload.containers \"nd-json\": \"multipart/form-data\" is a multipart type",
                "bulkUpload.containers \"nd-json\": \"Application/Zip\" is not a lowercase media type",
                "bulkUpload.containers: \"ndjson\" is listed twice (or differs from another only by hyphens)",
                "bulkUpload.containers \"ndjson\": contentTypes must list 1-10 media types",
            ]) expect(msg, needle).to.include(needle);
            expect(r.graph.custom).to.have.length(0);
        });

        it("refuses a size limit above 2047 MiB while a .zip container is published (the loader unpacks a zip in one MemoryStream)", async () => {
            const r = await run({ ...BASE, bulkUpload: { ...BULK, maxUploadSizeMb: 2048 } });
            expect(r.error).to.be.instanceOf(Error);
            expect(String((r.error as Error).message)).to.include("bulkUpload.maxUploadSizeMb 2048 is above 2047 MiB, the largest zip the FHIR Loader can unpack")
                .and.include("MemoryStream").and.include("zip takes .zip files");
            expect(r.graph.custom).to.have.length(0);
            // A custom container with the .zip extension counts too.
            const custom = await run({ ...BASE, bulkUpload: { ...BULK, maxUploadSizeMb: 3000, containers: [{ name: "archives", contentTypes: ["application/zip"], extension: "zip" }] } });
            expect(String((custom.error as Error).message)).to.include("bulkUpload.maxUploadSizeMb 3000 is above 2047 MiB").and.include("archives takes .zip files");
        });

        it("needs an audience and 1-10 containers (one WAF condition lists them all)", async () => {
            const eleven = Array.from({ length: 11 }, (_v, i) => ({ name: `c${i}x`, contentTypes: ["application/json"], extension: "json" }));
            const r = await run({ ...BASE, bulkUpload: { ...BULK, audiences: [], containers: eleven } });
            expect(String((r.error as Error).message)).to.include("bulkUpload.audiences must list the upload API's Application ID URI and/or client ID").and.include("bulkUpload.containers must list 1-10 containers");
            expect(r.graph.custom).to.have.length(0);
            const none = await run({ ...BASE, bulkUpload: { ...BULK, containers: [] } });
            expect(String((none.error as Error).message)).to.include("bulkUpload.containers must list 1-10 containers");
        });
    });
});
