/**
 * The FHIR R4 REST surface as API Management operations, and the API's policy. Pure data and functions, so tests read
 * exactly what APIM receives. Reference defect 4: the RI imported a 700-path swagger without the base `POST` (batch and
 * transaction bundles), PATCH, `_search` or any `$` operation, and with no JWT validation or throttling.
 *
 * Interactions: hl7.org/fhir/R4/http.html; operations supported by the FHIR service:
 * learn.microsoft.com/azure/healthcare-apis/fhir/fhir-features-supported.
 */

export interface FhirOperation {
    /** APIM operation ID (unique in the API). */
    id: string;
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
    /** URL template below the API path (`/fhir`); `{type}`, `{id}`, `{vid}`, … are template parameters. */
    urlTemplate: string;
    displayName: string;
    /** FHIR level: whole system, one resource type, or one instance. */
    level: "system" | "type" | "instance";
}

/**
 * Every interaction and `$`-operation clients reach through the gateway. APIM answers a request no operation template
 * matches with 404 `OperationNotFound` and never forwards it (learn.microsoft.com/azure/api-management/api-management-error-handling-policies),
 * so besides the named operations each method has a template with parameters in every segment it can take:
 *  - GET: `/{type}`, `/{type}/{id}` and `/{type}/{id}/{compartment}` also take `GET [base]/$op`, `[base]/{type}/$op` and
 *    `[base]/{type}/{id}/$op` (`$versions`, `$validate` by GET). No GET `/{type}/{id}/{operation}`: it would only
 *    rename `{compartment}` (same method, same segments), which APIM refuses ("Operation with the same method and URL
 *    template already exists") or at best matches ambiguously.
 *  - POST: `/{type}` takes `POST [base]/$op` (`$reindex`); `/{type}/{operation}` and `/{type}/{id}/{operation}` take
 *    type- and instance-level operations (`POST /Patient/$member-match`, learn.microsoft.com/azure/healthcare-apis/fhir/tutorial-member-match;
 *    `POST /{type}/{id}/$reindex`, learn.microsoft.com/azure/healthcare-apis/fhir/how-to-run-a-reindex).
 *  - DELETE: `/{type}` and `/{type}/{id}` take `DELETE [base]/$bulk-delete` and `[base]/{type}/$bulk-delete`
 *    (learn.microsoft.com/azure/healthcare-apis/fhir/fhir-bulk-delete); `/{type}/{id}/{operation}` takes
 *    `DELETE /{type}/{id}/$purge-history` (learn.microsoft.com/azure/healthcare-apis/fhir/purge-history).
 * Where a named operation and a generic one both match (`POST /Patient/$validate`), which one APIM picks changes
 * nothing: no operation has a policy of its own or rewrites the URL, so every request gets the API policy (token
 * validation, throttling) and is forwarded to the FHIR service with its own path; the FHIR service answers anything it
 * does not support. Templates with the same method never differ only in a parameter's name.
 */
export const FHIR_OPERATIONS: FhirOperation[] = [
    // ---- system level ----
    { id: "batch-transaction", method: "POST", urlTemplate: "/", displayName: "Batch or transaction bundle", level: "system" },
    { id: "capabilities", method: "GET", urlTemplate: "/metadata", displayName: "Capability statement", level: "system" },
    { id: "search-system", method: "GET", urlTemplate: "/", displayName: "Search all resource types", level: "system" },
    { id: "search-system-post", method: "POST", urlTemplate: "/_search", displayName: "Search all resource types (POST)", level: "system" },
    { id: "history-system", method: "GET", urlTemplate: "/_history", displayName: "History of all resources", level: "system" },
    { id: "export-system", method: "GET", urlTemplate: "/$export", displayName: "$export (system)", level: "system" },
    { id: "import", method: "POST", urlTemplate: "/$import", displayName: "$import", level: "system" },
    { id: "convert-data", method: "POST", urlTemplate: "/$convert-data", displayName: "$convert-data", level: "system" },
    { id: "operation-status", method: "GET", urlTemplate: "/_operations/{operation}/{operationId}", displayName: "Status of an asynchronous operation", level: "system" },
    { id: "operation-cancel", method: "DELETE", urlTemplate: "/_operations/{operation}/{operationId}", displayName: "Cancel an asynchronous operation", level: "system" },
    // ---- type level ----
    { id: "search-type", method: "GET", urlTemplate: "/{type}", displayName: "Search a resource type", level: "type" },
    { id: "search-type-post", method: "POST", urlTemplate: "/{type}/_search", displayName: "Search a resource type (POST)", level: "type" },
    { id: "create", method: "POST", urlTemplate: "/{type}", displayName: "Create (or conditional create)", level: "type" },
    { id: "conditional-update", method: "PUT", urlTemplate: "/{type}", displayName: "Conditional update", level: "type" },
    { id: "conditional-patch", method: "PATCH", urlTemplate: "/{type}", displayName: "Conditional patch", level: "type" },
    { id: "conditional-delete", method: "DELETE", urlTemplate: "/{type}", displayName: "Conditional delete", level: "type" },
    { id: "history-type", method: "GET", urlTemplate: "/{type}/_history", displayName: "History of a resource type", level: "type" },
    { id: "export-type", method: "GET", urlTemplate: "/{type}/$export", displayName: "$export (Patient)", level: "type" },
    { id: "validate-type", method: "POST", urlTemplate: "/{type}/$validate", displayName: "$validate", level: "type" },
    { id: "operation-type-post", method: "POST", urlTemplate: "/{type}/{operation}", displayName: "Type-level operation (POST $member-match, ...)", level: "type" },
    // ---- instance level ----
    { id: "read", method: "GET", urlTemplate: "/{type}/{id}", displayName: "Read", level: "instance" },
    { id: "update", method: "PUT", urlTemplate: "/{type}/{id}", displayName: "Update (or create with client id)", level: "instance" },
    { id: "patch", method: "PATCH", urlTemplate: "/{type}/{id}", displayName: "Patch (JSON Patch or FHIRPath Patch)", level: "instance" },
    { id: "delete", method: "DELETE", urlTemplate: "/{type}/{id}", displayName: "Delete", level: "instance" },
    { id: "history-instance", method: "GET", urlTemplate: "/{type}/{id}/_history", displayName: "History of a resource", level: "instance" },
    { id: "vread", method: "GET", urlTemplate: "/{type}/{id}/_history/{vid}", displayName: "Read a version", level: "instance" },
    { id: "search-compartment", method: "GET", urlTemplate: "/{type}/{id}/{compartment}", displayName: "Compartment search", level: "instance" },
    { id: "export-group", method: "GET", urlTemplate: "/{type}/{id}/$export", displayName: "$export (Group)", level: "instance" },
    { id: "everything", method: "GET", urlTemplate: "/{type}/{id}/$everything", displayName: "$everything (Patient)", level: "instance" },
    { id: "validate-instance", method: "POST", urlTemplate: "/{type}/{id}/$validate", displayName: "$validate (instance)", level: "instance" },
    { id: "operation-instance-post", method: "POST", urlTemplate: "/{type}/{id}/{operation}", displayName: "Instance-level operation (POST $reindex, ...)", level: "instance" },
    { id: "operation-instance-delete", method: "DELETE", urlTemplate: "/{type}/{id}/{operation}", displayName: "Instance-level operation (DELETE $purge-history)", level: "instance" },
];

/** Template parameters of a URL template, in order (`/{type}/{id}` → type, id). */
export function templateParameters(urlTemplate: string): string[] {
    return [...urlTemplate.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] ?? "");
}

/** The `cors` policy's settings, defaults already applied (Ingress resolves and validates them). */
export interface FhirApiCorsPolicy {
    /** Browser origins answered, each `https://host[:port]`; never `*`. */
    allowedOrigins: string[];
    /** HTTP methods a preflight may ask for. */
    allowedMethods: string[];
    /** Request headers a preflight may ask for. */
    allowedHeaders: string[];
    /** Response headers the browser may read (`Access-Control-Expose-Headers`). */
    exposedHeaders: string[];
    /** `Access-Control-Max-Age` of preflight answers, in seconds. */
    maxAgeSeconds: number;
    /** `Access-Control-Allow-Credentials`. */
    allowCredentials: boolean;
}

export interface FhirApiPolicySettings {
    /** Entra ID tenant that issues the tokens. */
    tenantId: string;
    /** Audience the tokens must carry (the FHIR service URL). */
    audience: string;
    /** Calls per caller (token `oid`, else the client IP) per minute before 429. */
    callsPerMinute: number;
    /** Browser CORS answered by API Management; without origins no `cors` policy is emitted. */
    cors: FhirApiCorsPolicy;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The `cors` policy (learn.microsoft.com/azure/api-management/cors-policy): elements in the order of the policy
 * statement; `terminate-unmatched-request` so a preflight or simple request from any other origin ends with an empty
 * 200 and never reaches the backend. Empty when no origin is configured: then APIM answers no preflight at all.
 */
function corsPolicy(c: FhirApiCorsPolicy): string[] {
    if (c.allowedOrigins.length === 0) return [];
    const list = (tag: string, values: string[]) => values.map((v) => `<${tag}>${xmlEscape(v)}</${tag}>`).join("");
    return [
        `    <cors allow-credentials="${c.allowCredentials ? "true" : "false"}" terminate-unmatched-request="true">`,
        `      <allowed-origins>${list("origin", c.allowedOrigins)}</allowed-origins>`,
        `      <allowed-methods preflight-result-max-age="${c.maxAgeSeconds}">${list("method", c.allowedMethods)}</allowed-methods>`,
        `      <allowed-headers>${list("header", c.allowedHeaders)}</allowed-headers>`,
        ...(c.exposedHeaders.length > 0 ? [`      <expose-headers>${list("header", c.exposedHeaders)}</expose-headers>`] : []),
        "    </cors>",
    ];
}

/**
 * The API policy: answer CORS for the configured browser origins, validate the Entra ID token (issuer = the tenant,
 * v1 or v2 endpoint; audience = FHIR), throttle per caller, and forward the caller's own bearer token to the FHIR
 * service, whose RBAC decides what the caller may do. The backend is the API's service URL: the FHIR service over its
 * private endpoint. Nothing strips `Authorization`.
 *
 * `cors` comes first in `inbound` (Learn: unexpected behaviour when it is not the first policy) and APIM evaluates only
 * `cors` on a preflight `OPTIONS` (the browser sends no token there), so validate-jwt never sees a preflight. The API
 * deliberately has no OPTIONS operation: a matching OPTIONS operation would bypass the policy's preflight handling.
 */
export function fhirApiPolicy(s: FhirApiPolicySettings): string {
    const tenant = xmlEscape(s.tenantId);
    return [
        "<policies>",
        "  <inbound>",
        ...corsPolicy(s.cors),
        "    <base />",
        "    <validate-jwt header-name=\"Authorization\" require-scheme=\"Bearer\" failed-validation-httpcode=\"401\" failed-validation-error-message=\"A valid Entra ID bearer token for the FHIR service is required.\" require-expiration-time=\"true\" require-signed-tokens=\"true\">",
        `      <openid-config url="https://login.microsoftonline.com/${tenant}/v2.0/.well-known/openid-configuration" />`,
        `      <audiences><audience>${xmlEscape(s.audience)}</audience></audiences>`,
        `      <issuers><issuer>https://sts.windows.net/${tenant}/</issuer><issuer>https://login.microsoftonline.com/${tenant}/v2.0</issuer></issuers>`,
        "    </validate-jwt>",
        `    <rate-limit-by-key calls="${s.callsPerMinute}" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;, &quot;&quot;).AsJwt()?.Claims.GetValueOrDefault(&quot;oid&quot;, context.Request.IpAddress) ?? context.Request.IpAddress)" />`,
        "  </inbound>",
        "  <backend>",
        "    <forward-request timeout=\"180\" />",
        "  </backend>",
        "  <outbound>",
        "    <base />",
        "  </outbound>",
        "  <on-error>",
        "    <base />",
        "  </on-error>",
        "</policies>",
    ].join("\n");
}
