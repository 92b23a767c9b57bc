/**
 * The resolution policy of a private DNS zone's virtual network link: `NxDomainRedirect` (Learn: "Fallback to internet
 * for Azure Private DNS zones", learn.microsoft.com/azure/dns/private-dns-fallback) for a `privatelink.*` zone, none for
 * any other zone.
 *
 * Why: once a VNet is linked to, say, privatelink.vaultcore.azure.net, every `<vault>.vault.azure.net` whose vault has a
 * private endpoint anywhere CNAMEs into that zone, and a vault whose endpoint is registered in another zone (another
 * team's, another tenant's, or prod's external certificate vault kv-pki-prod) has no record in ours: the answer is
 * NXDOMAIN, although the vault is reachable publicly (learn.microsoft.com/azure/private-link/private-endpoint-dns: "can
 * only connect to public resources if they don't have any private endpoint connections"). With NxDomainRedirect the
 * Azure recursive resolver retries such a name publicly; names with a record here still resolve to the private
 * endpoint. Azure applies the policy only to links of privatelink zones and only to A, AAAA and CNAME queries
 * (azure-native privatedns ResolutionPolicy; API 2024-06-01 and later), so other zones (APIM's per-host zones, a custom
 * zone) keep the default: for them an NXDOMAIN is the zone's own answer. The fallback does not reach a resource whose
 * public access is off: docs/after-deploy-checks.md, check 27.
 */
export function privateLinkResolutionPolicy(zone: string): { resolutionPolicy: "NxDomainRedirect" } | Record<string, never> {
    return /^privatelink\./i.test(zone) ? { resolutionPolicy: "NxDomainRedirect" } : {};
}
