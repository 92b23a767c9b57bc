/**
 * The `/bulk` upload API: its operations and its policy. Pure data and functions, so tests read exactly what API
 * Management receives. Callers `PUT /bulk/<container>/<file>` with an Entra ID token for the upload API's own app
 * registration carrying the app role; API Management checks the request, then writes the body, streamed, as a block
 * blob `<container>/<caller's object ID>/<file>` to the BulkLoader's storage account over its private endpoint with its
 * own managed identity (Put Blob: learn.microsoft.com/rest/api/storageservices/put-blob). The caller's token never
 * reaches storage and the caller never learns the account.
 *
 * Policy elements as Learn documents them (learn.microsoft.com/azure/api-management/...): validate-jwt-policy,
 * set-variable-policy, choose-policy, return-response-policy, set-backend-service-policy, rewrite-uri-policy,
 * set-header-policy, authentication-managed-identity-policy, forward-request-policy. validate-content is not used:
 * its max-size is checked against Content-Length like this policy's, but capped at 100 KB (validate-content-policy),
 * far below an NDJSON file; and nothing here reads the body, so APIM streams it instead of buffering it.
 */

/** One upload container with every default applied. */
export interface BulkContainer {
    /** Container name, also the URL segment after `/bulk/`. */
    name: string;
    /** Media types accepted (lowercase, without parameters). */
    contentTypes: string[];
    /** Required file extension, without the dot. */
    extension: string;
}

/** The `/bulk` API's settings with every default applied (Ingress resolves and validates them). */
export interface BulkUploadSettings {
    /** Audiences the tokens may carry (the upload API's app registration). */
    audiences: string[];
    /** App role the `roles` claim must contain. */
    requiredRole: string;
    containers: BulkContainer[];
    /** Largest body accepted, in MiB, in every container; bundle and zip containers are capped lower (bulkUploadLimitMb). */
    maxUploadSizeMb: number;
    /** Seconds the gateway and API Management wait for Blob storage's answer. */
    requestTimeoutSeconds: number;
}

/** Where the policy sends uploads and whose tokens it accepts: values known only at deploy time. */
export interface BulkUploadTarget {
    /** Blob endpoint of the loader's account, without a trailing slash (`https://<account>.blob.core.windows.net`). */
    blobEndpoint: string;
    /** Entra ID tenant that issues the tokens. */
    tenantId: string;
}

/** The path the gateway and API Management publish the upload API under. */
export const BULK_BASE_PATH = "/bulk";

/**
 * The three containers the FHIR Loader reads (microsoft/fhir-loader: Event Grid on `bundles` `.json` and `ndjson`
 * `.ndjson`, a blob trigger on `zip`) and the media types of what goes in them: FHIR JSON bundles
 * (hl7.org/fhir/R4/http.html#mime-type: application/fhir+json), FHIR bulk data NDJSON (hl7.org/fhir/uv/bulkdata:
 * application/fhir+ndjson; application/x-ndjson and application/ndjson are what generic tools send), zip archives.
 */
export const DEFAULT_BULK_CONTAINERS: BulkContainer[] = [
    { name: "bundles", contentTypes: ["application/fhir+json", "application/json"], extension: "json" },
    { name: "ndjson", contentTypes: ["application/fhir+ndjson", "application/x-ndjson", "application/ndjson"], extension: "ndjson" },
    { name: "zip", contentTypes: ["application/zip"], extension: "zip" },
];

export const DEFAULT_BULK_ROLE = "Bulk.Upload";

/**
 * The largest zip the FHIR Loader can unpack, in MiB: `ImportCompressedFiles` copies the whole blob into one .NET
 * `MemoryStream` before opening it as a `ZipArchive` (microsoft/fhir-loader ImportCompressedFiles.cs at ff87ad5), and a
 * MemoryStream holds at most 2 GiB (its capacity is an `int`, learn.microsoft.com/dotnet/api/system.io.memorystream.capacity).
 * A larger zip throws, the loader only logs it, and the zip stays in `zip/` unprocessed. Ingress validation refuses a
 * `maxUploadSizeMb` above it when a `.zip` container is published.
 */
export const MAX_ZIP_UPLOAD_MB = 2047;

/**
 * The largest FHIR bundle (`.json`) file accepted, in MiB, whatever `maxUploadSizeMb` says: `ImportUtils.ImportBundle`
 * reads the whole file into one string (`ReadToEndAsync`, two bytes per character) and parses it whole two or three
 * times (bundle type, transaction-to-batch transform, split), so its memory is several times the file's size on a plan
 * of 1.75 GB (B1) to 8 GB (P1v3) per instance. Bundles are seldom more than a few MB; large loads belong in NDJSON,
 * which the loader streams line by line (ImportNDJSONQueue.cs) and which only `maxUploadSizeMb` limits.
 */
export const MAX_BUNDLE_UPLOAD_MB = 256;

/**
 * The size limit API Management enforces for one container, in MiB, by what the loader does with its files (the
 * container's extension): `.zip` at most MAX_ZIP_UPLOAD_MB, `.json` (bundles) at most MAX_BUNDLE_UPLOAD_MB, anything
 * else (`.ndjson`) `maxUploadSizeMb`.
 */
export function bulkUploadLimitMb(c: BulkContainer, maxUploadSizeMb: number): number {
    if (c.extension === "zip") return Math.min(maxUploadSizeMb, MAX_ZIP_UPLOAD_MB);
    if (c.extension === "json") return Math.min(maxUploadSizeMb, MAX_BUNDLE_UPLOAD_MB);
    return maxUploadSizeMb;
}

/** `/bulk/<container>/` of each container: what the gateway routes to the upload API and its WAF rules admit. */
export function bulkContainerPrefixes(containers: BulkContainer[]): string[] {
    return containers.map((c) => `${BULK_BASE_PATH}/${c.name}/`);
}

/**
 * Storage REST version API Management sends (x-ms-version, required with OAuth tokens). 2025-05-05 is deployed in every
 * region Learn lists (learn.microsoft.com/rest/api/storageservices/versioning-for-the-azure-storage-services); a
 * version not yet deployed in the account's region fails with an x-ms-version mismatch. Put Blob takes up to 5000 MiB
 * in one request from version 2019-12-12.
 */
export const STORAGE_API_VERSION = "2025-05-05";

/** The token audience of Azure Storage (authentication-managed-identity-policy, "Azure Blob Storage" example). */
export const STORAGE_RESOURCE = "https://storage.azure.com/";

/** The one request header in the storage namespace a caller may send: a correlation ID that changes nothing. */
const ALLOWED_MS_HEADER = "x-ms-client-request-id";

/** A storage account's blob endpoint (account: 3-24 lowercase letters and digits) in any Azure cloud, without a trailing slash. */
export const BLOB_ENDPOINT = /^https:\/\/[a-z0-9]{3,24}\.blob\.core\.[a-z0-9.-]+[a-z]$/;

/**
 * `https://<account>.blob.<suffix>` with any trailing slash removed (a storage account's `primaryEndpoints.blob` ends
 * in one). A value known only at deploy time is checked here; anything else fails the deployment with this message.
 */
export function normalizedBlobEndpoint(endpoint: string): string {
    const trimmed = endpoint.replace(/\/+$/, "");
    if (!BLOB_ENDPOINT.test(trimmed)) throw new Error(`Ingress bulkUpload.blobEndpoint "${endpoint}" is not a storage blob endpoint https://<account>.blob.core.windows.net`);
    return trimmed;
}

/** The API Management operation of one container: `PUT /<container>/{name}`. */
export interface BulkOperation {
    id: string;
    method: "PUT";
    urlTemplate: string;
    displayName: string;
    container: string;
}

export function bulkOperations(containers: BulkContainer[]): BulkOperation[] {
    return containers.map((c) => ({ id: `put-${c.name}`, method: "PUT", urlTemplate: `/${c.name}/{name}`, displayName: `Upload a .${c.extension} file to ${c.name}`, container: c.name }));
}

/**
 * The file names a container accepts, as a .NET regular expression (the same in JavaScript): a letter or digit, then
 * up to 200 letters, digits, dots, underscores or hyphens, then `.<extension>`; never two dots in a row. No `/`, `\`,
 * `%` or anything else that could leave the caller's folder or change the storage operation.
 */
export function blobNamePattern(extension: string): string {
    return `^(?!.*[.][.])[A-Za-z0-9][A-Za-z0-9._-]{0,200}[.]${extension}$`;
}

/** Object IDs are GUIDs in Entra ID tokens; the caller's folder is its service principal's object ID. */
export const OBJECT_ID_PATTERN = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** A C# string literal (the values here never contain quotes or backslashes; validation keeps it so). */
const cs = (s: string) => `"${s}"`;
const MIB = 1024 * 1024;

/** A `when` that ends the request with a status and a JSON error body. */
function reject(condition: string, code: number, reason: string, message: string): string[] {
    return [
        `      <when condition="${xmlEscape(`@(${condition})`)}">`,
        "        <return-response>",
        `          <set-status code="${code}" reason="${reason}" />`,
        "          <set-header name=\"Content-Type\" exists-action=\"override\"><value>application/json</value></set-header>",
        `          <set-body>${xmlEscape(JSON.stringify({ error: message }))}</set-body>`,
        "        </return-response>",
        "      </when>",
    ];
}

/**
 * The API policy. Inbound, in order:
 * 1. validate-jwt: the tenant's v1 or v2 issuer, one of the upload API's audiences, and the app role in `roles`; the
 *    validated token is kept for step 2.
 * 2. The checks, each ending the request (the first that matches wins): the token has a GUID `oid` (403); no caller
 *    header in the storage namespace `x-ms-*` (it could turn Put Blob into a copy from a URL, change the blob type or
 *    tier, or set metadata) and no query string (`?comp=...` selects another storage operation) (400); a
 *    Content-Length (411), not above the container's limit (413, bulkUploadLimitMb) and not zero (400); per
 *    container, an allowed media type (415) and a plain file name with the container's extension (400).
 * 3. The backend: the loader's blob endpoint, the path `/<container>/<oid>/<file>` with no query string copied, the
 *    caller's Authorization removed and APIM's own token for Storage in its place, Put Blob's block-blob type, the
 *    REST version, and `If-None-Match: *`, so an existing blob is never overwritten: Blob storage refuses with 409
 *    BlobAlreadyExists, which passes through (learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations).
 * The body is forwarded as it streams in (`buffer-request-body="false"`); nothing logs headers or bodies.
 */
export function bulkApiPolicy(s: BulkUploadSettings, target: BulkUploadTarget): string {
    const tenant = xmlEscape(target.tenantId);
    const v = (name: string) => `(string)context.Variables[${cs(name)}]`;
    // One 413 per container, each with its own limit (bulkUploadLimitMb); the operation identifies the container.
    const sizeLimits = s.containers.flatMap((c) => {
        const limit = bulkUploadLimitMb(c, s.maxUploadSizeMb);
        return reject(`context.Operation.Id == ${cs(`put-${c.name}`)} && long.Parse(${v("contentLength")}) > ${limit * MIB}L`, 413, "Payload Too Large", `files in ${c.name} are limited to ${limit} MiB`);
    });
    const perContainer = s.containers.flatMap((c) => {
        const op = `context.Operation.Id == ${cs(`put-${c.name}`)}`;
        const typeOk = c.contentTypes.map((t) => `${v("contentType")} == ${cs(t)}`).join(" || ");
        return [
            ...reject(`${op} && !(${typeOk})`, 415, "Unsupported Media Type", `${c.name} accepts Content-Type ${c.contentTypes.join(", ")}`),
            ...reject(`${op} && !System.Text.RegularExpressions.Regex.IsMatch(${v("blobName")}, ${cs(blobNamePattern(c.extension))})`, 400, "Bad Request",
                `file names in ${c.name} are letters, digits, '.', '_' and '-' (no '..'), up to 201 characters, ending in .${c.extension}`),
        ];
    });
    const rewrites = s.containers.flatMap((c) => [
        `      <when condition="${xmlEscape(`@(context.Operation.Id == ${cs(`put-${c.name}`)})`)}">`,
        `        <rewrite-uri template="${xmlEscape(`@(${cs(`/${c.name}/`)} + ${v("uploader")} + "/" + ${v("blobName")})`)}" copy-unmatched-params="false" />`,
        "      </when>",
    ]);
    const setVariable = (name: string, expr: string) => `    <set-variable name="${name}" value="${xmlEscape(`@(${expr})`)}" />`;
    const header = (name: string, value: string) => `    <set-header name="${name}" exists-action="override"><value>${xmlEscape(value)}</value></set-header>`;
    return [
        "<policies>",
        "  <inbound>",
        "    <base />",
        `    <validate-jwt header-name="Authorization" require-scheme="Bearer" failed-validation-httpcode="401" failed-validation-error-message="${xmlEscape(`A valid Entra ID bearer token for the bulk upload API with the app role ${s.requiredRole} is required.`)}" require-expiration-time="true" require-signed-tokens="true" output-token-variable-name="jwt">`,
        `      <openid-config url="https://login.microsoftonline.com/${tenant}/v2.0/.well-known/openid-configuration" />`,
        `      <audiences>${s.audiences.map((a) => `<audience>${xmlEscape(a)}</audience>`).join("")}</audiences>`,
        `      <issuers><issuer>https://sts.windows.net/${tenant}/</issuer><issuer>https://login.microsoftonline.com/${tenant}/v2.0</issuer></issuers>`,
        `      <required-claims><claim name="roles" match="any"><value>${xmlEscape(s.requiredRole)}</value></claim></required-claims>`,
        "    </validate-jwt>",
        setVariable("uploader", `((Jwt)context.Variables["jwt"]).Claims.GetValueOrDefault("oid", "")`),
        setVariable("blobName", `context.Request.MatchedParameters["name"]`),
        setVariable("contentType", `context.Request.Headers.GetValueOrDefault("Content-Type", "").Split(';')[0].Trim().ToLowerInvariant()`),
        setVariable("contentLength", `context.Request.Headers.GetValueOrDefault("Content-Length", "")`),
        "    <choose>",
        ...reject(`!System.Text.RegularExpressions.Regex.IsMatch(${v("uploader")}, ${cs(OBJECT_ID_PATTERN)})`, 403, "Forbidden", "the token carries no object ID (oid)"),
        ...reject(`context.Request.Headers.Keys.Any(h => h.ToLowerInvariant().StartsWith("x-ms-") && h.ToLowerInvariant() != ${cs(ALLOWED_MS_HEADER)})`, 400, "Bad Request", "x-ms-* request headers are not accepted"),
        ...reject("context.Request.OriginalUrl.Query.Count > 0", 400, "Bad Request", "the upload URL takes no query string"),
        ...reject(`!System.Text.RegularExpressions.Regex.IsMatch(${v("contentLength")}, "^[0-9]{1,12}$")`, 411, "Length Required", "send the file with a Content-Length header"),
        ...sizeLimits,
        ...reject(`long.Parse(${v("contentLength")}) == 0L`, 400, "Bad Request", "the file is empty"),
        ...perContainer,
        "    </choose>",
        `    <set-backend-service base-url="${xmlEscape(target.blobEndpoint)}" />`,
        "    <choose>",
        ...rewrites,
        "    </choose>",
        "    <set-header name=\"Authorization\" exists-action=\"delete\" />",
        `    <authentication-managed-identity resource="${STORAGE_RESOURCE}" />`,
        header("x-ms-blob-type", "BlockBlob"),
        header("x-ms-version", STORAGE_API_VERSION),
        header("If-None-Match", "*"),
        "  </inbound>",
        "  <backend>",
        `    <forward-request timeout="${s.requestTimeoutSeconds}" buffer-request-body="false" />`,
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
