/**
 * A CORS origin as Health Data Services accepts it and this platform allows it: `https://host[:port]`, lowercase,
 * no path or trailing slash, never a wildcard (a wildcard lets any web page read PHI with a signed-in user's token;
 * Azure Policy fe1c9040). Shared by the stack config and the FhirWorkspace and Ingress components.
 */
export const CORS_ORIGIN = /^https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;

/** Methods a CORS policy may allow (FHIR's interactions plus the preflight itself). */
export const CORS_HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];
/** A header name as CORS lists it: a token, never a wildcard. */
export const CORS_HEADER = /^[A-Za-z0-9-]+$/;
/** Methods a browser FHIR client needs (hl7.org/fhir/R4/http.html), the same default as the FHIR service's CORS. */
export const DEFAULT_CORS_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** Request headers a browser FHIR client sends (token, content negotiation, FHIR conditional and async headers). */
export const DEFAULT_CORS_HEADERS = ["Authorization", "Content-Type", "Accept", "Prefer", "If-Match", "If-None-Match", "If-None-Exist", "If-Modified-Since"];
