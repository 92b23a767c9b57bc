/**
 * A CORS origin as Health Data Services accepts it and this platform allows it: `https://host[:port]`, lowercase,
 * no path or trailing slash, never a wildcard (a wildcard lets any web page read PHI with a signed-in user's token;
 * Azure Policy fe1c9040). Shared by the stack config and the FhirWorkspace component.
 */
export const CORS_ORIGIN = /^https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
