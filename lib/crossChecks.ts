import { Cidr, overlaps, parseCidr, usableAddresses } from "../components/shared/cidr";
import { WORKLOAD_PATTERN, worstCaseNames } from "../components/shared/naming";
import { PlannedSubnet, SubnetPurpose, addressPlanProblems } from "../components/shared/subnets";
import { PLAN_SKUS } from "../components/bulkLoader/constants";
import { AGENT_SOURCE_IMAGE } from "../components/analyticsSync/constants";
import {
    AZURE_GATEWAY_ASN, DNS_RESOLVER_RESERVED_RANGE, asnProblem, gatewaySkuProblem, isIpv4Address, isPublicIpv4Address, overlapsDnsResolverReservedRange, sharedKeyProblem,
} from "../components/hubSecurity/hybridRules";

/**
 * The stack config's cross-field checks: each needs several keys, or Azure knowledge beyond a value's type (address
 * plans, capacity that must fit a subnet, settings that go together, what prod requires). lib/config.ts runs them
 * after the schema and reports their problems beside the schema's, by key. tests/configCrossChecks.spec.ts gives each
 * a failing case and a passing neighbour.
 */

/** The address plan by config key, with the service each subnet hosts (its Azure minimum size comes from SUBNET_MINIMUMS). */
const SUBNETS: Record<"hub" | "spoke", Array<{ key: string; purpose: SubnetPurpose }>> = {
    hub: [
        { key: "hub.firewallSubnet", purpose: "firewall" },
        { key: "hub.firewallManagementSubnet", purpose: "firewallManagement" },
        { key: "hub.bastionSubnet", purpose: "bastion" },
        { key: "hub.jumpboxSubnet", purpose: "generic" },
        { key: "hub.privateEndpointSubnet", purpose: "generic" },
        { key: "hub.gatewaySubnet", purpose: "gateway" },
        { key: "hub.dnsResolverInboundSubnet", purpose: "dnsResolver" },
    ],
    spoke: [
        // App Gateway v2 needs one IP per instance plus one for a private frontend (Microsoft recommends /24); the
        // capacity check below enforces the hard rule for the configured autoscale maximum.
        { key: "spoke.appGatewaySubnet", purpose: "generic" },
        { key: "spoke.apimSubnet", purpose: "apim" },
        { key: "spoke.privateEndpointSubnet", purpose: "generic" },
        { key: "spoke.functionIntegrationSubnet", purpose: "functionIntegration" },
        { key: "spoke.containerAppsSubnet", purpose: "containerApps" },
    ],
};

/** Regions in REGIONS without availability zones (learn.microsoft.com/azure/reliability/availability-zones-region-support). */
export const NO_ZONE_REGIONS = ["northcentralus", "westcentralus"];

/**
 * Rules that span keys or need Azure knowledge beyond types: networks, capacity, mutually exclusive settings. Reads
 * the raw values by key (`hub.addressSpace`) and returns the problems by the same keys, without the namespace.
 */
export function crossFieldProblems(getRaw: (key: string) => string | undefined): Array<{ key: string; message: string }> {
    const out: Array<{ key: string; message: string }> = [];
    const add = (key: string, message: string) => out.push({ key, message });
    const cidrOf = (k: string): Cidr | undefined => {
        const v = getRaw(k);
        if (v === undefined) return undefined;
        const c = parseCidr(v);
        return typeof c === "string" ? undefined : c;
    };
    const intOf = (k: string): number | undefined => {
        const v = getRaw(k);
        return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
    };

    // --- address plan ---
    const vnets = { hub: cidrOf("hub.addressSpace"), spoke: cidrOf("spoke.addressSpace") };
    if (vnets.hub && vnets.spoke && overlaps(vnets.hub, vnets.spoke)) {
        add("spoke.addressSpace", `"${vnets.spoke.text}" overlaps hub.addressSpace "${vnets.hub.text}" (peered VNets cannot overlap)`);
    }
    for (const vnet of ["hub", "spoke"] as const) {
        const space = getRaw(`${vnet}.addressSpace`);
        const planned: PlannedSubnet[] = SUBNETS[vnet]
            .map((p) => ({ label: p.key, cidr: getRaw(p.key) ?? "", purpose: p.purpose }))
            // Unparseable values are reported by the schema; an empty optional subnet is simply absent.
            .filter((p) => p.cidr !== "" && typeof parseCidr(p.cidr) !== "string");
        if (space === undefined || typeof parseCidr(space) === "string") continue;
        for (const p of addressPlanProblems(`${vnet}.addressSpace`, space, planned)) add(p.label, p.message);
    }

    // --- capacity that must fit the subnet ---
    const agw = cidrOf("spoke.appGatewaySubnet");
    const agwMax = intOf("appGateway.maxCapacity");
    const agwMin = intOf("appGateway.minCapacity");
    if (agw && agwMax !== undefined && usableAddresses(agw) < agwMax + 1) {
        // One private IP per instance + one for a private frontend IP (configuration-infrastructure#size-of-the-subnet).
        add("spoke.appGatewaySubnet", `"${agw.text}" has ${usableAddresses(agw)} usable addresses; appGateway.maxCapacity ${agwMax} needs ${agwMax + 1}`);
    }
    if (agwMin !== undefined && agwMax !== undefined && agwMin > agwMax) {
        add("appGateway.minCapacity", `"${agwMin}" is greater than appGateway.maxCapacity "${agwMax}"`);
    }
    const apimSku = getRaw("apim.sku");
    const apimUnits = intOf("apim.capacity");
    const apim = cidrOf("spoke.apimSubnet");
    if (apimSku === "Developer" && apimUnits !== undefined && apimUnits !== 1) {
        add("apim.capacity", `"${apimUnits}" is not possible: the Developer tier has exactly one unit`);
    }
    if (apimSku === "Premium" && apimUnits !== undefined && getRaw("zoneRedundant") === "true" && apimUnits % 2 !== 0 && apimUnits % 3 !== 0) {
        // Zone-redundant Premium spreads units evenly over the zones (learn.microsoft.com/azure/reliability/migrate-api-mgt).
        add("apim.capacity", `"${apimUnits}" cannot be spread evenly over 2 or 3 availability zones (zoneRedundant is on)`);
    }
    if (apim && apimUnits !== undefined && (apimSku === "Developer" || apimSku === "Premium")) {
        // One IP per Developer unit, two per Premium unit, plus one for the internal load balancer
        // (virtual-network-injection-resources#subnet-size).
        const need = (apimSku === "Developer" ? 1 : 2) * apimUnits + 1;
        if (usableAddresses(apim) < need) add("spoke.apimSubnet", `"${apim.text}" has ${usableAddresses(apim)} usable addresses; ${apimSku} x${apimUnits} in internal mode needs ${need}`);
    }

    // --- mutually exclusive or environment-bound settings ---
    if (getRaw("firewall.sku") === "Basic") {
        // Azure Firewall Basic has no DNS proxy (the spoke resolves private endpoints through the firewall's proxy)
        // and only alerts on threat intelligence, never denies (learn.microsoft.com/azure/firewall/features-by-sku).
        add("firewall.sku", `"Basic" has no DNS proxy and cannot deny on threat intelligence, both of which this platform needs; use Standard or Premium`);
    }
    const certId = getRaw("appGateway.certificateSecretId") ?? "";
    const certVault = getRaw("appGateway.certificateKeyVaultId") ?? "";
    if ((certId === "") !== (certVault === "")) add(certId === "" ? "appGateway.certificateSecretId" : "appGateway.certificateKeyVaultId", "appGateway.certificateSecretId and appGateway.certificateKeyVaultId go together (the secret, and the vault the gateway identity is granted on)");
    if (certId !== "" && certVault !== "" && certId.split("/")[2]?.split(".")[0]?.toLowerCase() !== certVault.split("/").pop()?.toLowerCase()) {
        add("appGateway.certificateKeyVaultId", `"${certVault}" is not the vault of appGateway.certificateSecretId "${certId}"`);
    }
    if (getRaw("fhir.uploadAnonymizationConfig") === "true" && getRaw("jumpbox.enabled") === "false") {
        // The export account is private and has no shared keys: only an identity inside the network can write the configs.
        add("fhir.uploadAnonymizationConfig", `"true" needs jumpbox.enabled (the jumpbox uploads the configs through the private endpoint); set it to false and upload them as the README shows`);
    }
    const packageUrl = getRaw("bulkLoader.packageUrl") ?? "";
    const packageSha = getRaw("bulkLoader.packageSha256") ?? "";
    if ((packageUrl === "") !== (packageSha === "")) {
        add(packageUrl === "" ? "bulkLoader.packageUrl" : "bulkLoader.packageSha256", "bulkLoader.packageUrl and bulkLoader.packageSha256 go together (the jumpbox uploads only a package whose digest it can check)");
    }
    if (getRaw("bulkLoader.enabled") === "true" && packageUrl !== "" && getRaw("jumpbox.enabled") === "false") {
        // The loader account has no shared keys and no public path: only an identity inside the network can write the package.
        add("bulkLoader.packageUrl", `is set but jumpbox.enabled is false (the jumpbox uploads the package through the private endpoint); leave it empty and upload the package as the README shows`);
    }
    if ((getRaw("bulkLoader.uploadAudience") ?? "") !== "" && getRaw("bulkLoader.enabled") === "false") {
        add("bulkLoader.uploadAudience", "is set but bulkLoader.enabled is false (the /bulk API writes to the loader's storage account)");
    }
    const planSku = getRaw("bulkLoader.planSku");
    if (getRaw("bulkLoader.enabled") === "true" && getRaw("zoneRedundant") === "true" && planSku !== undefined && PLAN_SKUS[planSku]?.zoneRedundancy === false) {
        // App Service zone redundancy needs Premium v2/v3/v4 or Isolated v2 (learn.microsoft.com/azure/reliability/reliability-app-service).
        add("bulkLoader.planSku", `"${planSku}" cannot be zone-redundant, which zoneRedundant asks for; use a Premium v3 SKU such as P1v3`);
    }
    const analyticsOn = getRaw("analytics.enabled") !== "false";
    if (getRaw("analytics.exportScope") === "group" && (getRaw("analytics.exportGroupId") ?? "") === "") {
        add("analytics.exportGroupId", "must be set with analytics.exportScope group (the FHIR Group whose members are exported)");
    }
    if (getRaw("analytics.exportScope") !== "group" && (getRaw("analytics.exportGroupId") ?? "") !== "") {
        add("analytics.exportGroupId", `is set but analytics.exportScope is "${getRaw("analytics.exportScope") ?? ""}" (only group exports read it)`);
    }
    if (analyticsOn && getRaw("analytics.synapse") === "true" && (getRaw("analytics.synapseAdminGroupObjectId") ?? "") === "") {
        // Entra-only authentication: without an initial Synapse Administrator nobody can administer the workspace.
        add("analytics.synapseAdminGroupObjectId", "must be set with analytics.synapse (the workspace is Entra ID only; its first administrator is this group)");
    }
    const agentImage = getRaw("analytics.agentImage") ?? "";
    if (analyticsOn && getRaw("analytics.mode") === "agent" && agentImage === "") {
        // The agent's image lives in another Azure Container Registry, which artifact cache cannot mirror without an
        // identity holding pull rights there (learn.microsoft.com/azure/container-registry/artifact-cache-acr-to-acr-cli).
        add("analytics.agentImage", `must be set with analytics.mode agent: import ${AGENT_SOURCE_IMAGE} into the platform registry (az acr import, README) and name the copy here`);
    }
    if (getRaw("analytics.mode") !== "agent" && agentImage !== "") {
        add("analytics.agentImage", `is set but analytics.mode is "${getRaw("analytics.mode") ?? "export"}" (only the sync agent reads it)`);
    }
    if (getRaw("analytics.enabled") === "false" && getRaw("analytics.synapse") === "true") {
        add("analytics.synapse", `"true" needs analytics.enabled (Synapse reads the analytics lake)`);
    }
    const location = getRaw("location");
    if (getRaw("zoneRedundant") === "true" && location !== undefined && NO_ZONE_REGIONS.includes(location)) {
        add("zoneRedundant", `"true" is not possible in ${location}, which has no availability zones`);
    }
    if (getRaw("environment") === "prod") {
        for (const k of ["protect", "retainOnDelete"]) {
            if (getRaw(k) !== "true") add(k, `"${getRaw(k) ?? ""}" must be true in prod: stateful PHI resources must not be deletable by a stray \`pulumi destroy\``);
        }
        // Clients must be able to trust the gateway: prod serves the organisation's certificate, never a self-signed one.
        if ((getRaw("appGateway.certificateSecretId") ?? "") === "") add("appGateway.certificateSecretId", `must be set in prod (a self-signed certificate is for dev only)`);
        // HIPAA §164.312(b) audit controls: production network traffic must be recorded.
        if (getRaw("flowLogs.enabled") !== "true") add("flowLogs.enabled", `"${getRaw("flowLogs.enabled") ?? ""}" must be true in prod (VNet flow logs are the network audit trail)`);
        // The jumpbox is the only way into the private network, and its login is Entra ID only: "An Azure user who has
        // the Owner or Contributor role assigned for a VM doesn't automatically have privileges to Microsoft Entra sign in"
        // (learn.microsoft.com/entra/identity/devices/howto-vm-sign-in-azure-ad-linux). Without a login group nobody can
        // sign in, and the generated break-glass key sits in a vault only the jumpbox can reach.
        if (getRaw("jumpbox.enabled") !== "false" && (getRaw("jumpbox.loginGroupObjectId") ?? "") === "") {
            add("jumpbox.loginGroupObjectId", "must be set in prod with the jumpbox (the Entra ID group that may sign in through Bastion; nobody else can)");
        }
    }

    // --- hybrid connectivity: gateway, on-premises address plan, BGP, SKU/type ---
    out.push(...hybridProblems(getRaw, cidrOf, intOf, location));

    // --- names: the workload prefix must keep every generated name within Azure's rules ---
    const workload = getRaw("workload");
    const environment = getRaw("environment");
    if (workload !== undefined && WORKLOAD_PATTERN.test(workload) && location !== undefined && environment !== undefined) {
        for (const n of worstCaseNames(workload, environment, location).filter((x) => x.problems.length > 0)) {
            add("workload", `"${workload}" makes ${n.kind} names like "${n.name}" invalid: ${n.problems.join("; ")}`);
        }
    }
    return out;
}

/** The hybrid.* keys besides type that only mean something with a gateway, with their "unset" value. */
const HYBRID_OPTIONAL: Array<[string, string]> = [["hybrid.sku", ""], ["hybrid.onPremisesPrefixes", ""], ["hybrid.vpnPeerIpAddress", ""], ["hybrid.onPremisesBgpAsn", "0"],
    ["hybrid.onPremisesBgpPeeringAddress", ""], ["hybrid.expressRouteCircuitId", ""], ["hub.gatewaySubnet", ""], ["hub.dnsResolverInboundSubnet", ""]];

/**
 * Hybrid connectivity (components/hubSecurity/hybridRules.ts holds Azure's rules): a gateway needs GatewaySubnet, the
 * resolver's subnet and on-premises prefixes; on-premises prefixes overlap neither VNet; SKU matches the type; ASNs are
 * valid and not reserved; VPN-only and ExpressRoute-only keys stay with their type.
 */
function hybridProblems(getRaw: (key: string) => string | undefined, cidrOf: (k: string) => Cidr | undefined, intOf: (k: string) => number | undefined, location: string | undefined): Array<{ key: string; message: string }> {
    const out: Array<{ key: string; message: string }> = [];
    const add = (key: string, message: string) => out.push({ key, message });
    const type = getRaw("hybrid.type") ?? "none";
    const dns = cidrOf("hub.dnsResolverInboundSubnet");
    if (dns !== undefined && overlapsDnsResolverReservedRange(dns)) add("hub.dnsResolverInboundSubnet", `"${dns.text}" overlaps ${DNS_RESOLVER_RESERVED_RANGE}, which the DNS Private Resolver service reserves (dns-private-resolver-overview#subnet-restrictions)`);
    if (type !== "vpn" && type !== "expressroute") {
        for (const [k, unset] of HYBRID_OPTIONAL) if ((getRaw(k) ?? unset) !== unset) add(k, `is set but hybrid.type is "${type}" (no gateway uses it)`);
        return out;
    }
    const vpn = type === "vpn";
    for (const k of ["hub.gatewaySubnet", "hub.dnsResolverInboundSubnet"]) {
        if ((getRaw(k) ?? "") === "") add(k, `must be set with hybrid.type "${type}" (${k === "hub.gatewaySubnet" ? "the gateway's GatewaySubnet, /27 or larger" : "the DNS Private Resolver's inbound endpoint, /28 to /24, for on-premises name resolution"})`);
    }
    if (location !== undefined && NO_ZONE_REGIONS.includes(location)) add("hybrid.type", `"${type}" needs zone-redundant gateway public IPs, which ${location} (no availability zones) cannot provide`);
    const sku = getRaw("hybrid.sku") ?? "";
    if (sku !== "") { const m = gatewaySkuProblem(type, sku); if (m !== undefined) add("hybrid.sku", m); }
    // The on-premises address plan: present (the firewall admits these sources, the resolver answers them), and clear of
    // the hub and the spoke.
    const prefixes = (getRaw("hybrid.onPremisesPrefixes") ?? "").split(",").map((c) => c.trim()).filter((c) => c !== "");
    if (prefixes.length === 0) add("hybrid.onPremisesPrefixes", `must list the on-premises address prefixes with hybrid.type "${type}" (the sources the firewall and the resolver admit)`);
    const vnets = [["hub.addressSpace", cidrOf("hub.addressSpace")], ["spoke.addressSpace", cidrOf("spoke.addressSpace")]] as const;
    const seen: Cidr[] = [];
    for (const text of prefixes) {
        const c = parseCidr(text);
        if (typeof c === "string") continue; // the schema reports it
        for (const [k, v] of vnets) if (v !== undefined && overlaps(v, c)) add("hybrid.onPremisesPrefixes", `"${c.text}" overlaps ${k} "${v.text}" (on-premises and Azure address spaces must be disjoint)`);
        for (const o of seen) if (overlaps(o, c)) add("hybrid.onPremisesPrefixes", `"${c.text}" overlaps "${o.text}", listed before it`);
        seen.push(c);
    }
    const asn = intOf("hybrid.bgpAsn") ?? AZURE_GATEWAY_ASN;
    if (!vpn && asn !== AZURE_GATEWAY_ASN) add("hybrid.bgpAsn", `"${asn}" cannot be used: ExpressRoute gateways always use ${AZURE_GATEWAY_ASN}`);
    const azureAsnProblem = vpn ? asnProblem(asn, "azure") : undefined;
    if (azureAsnProblem !== undefined) add("hybrid.bgpAsn", `"${asn}" ${azureAsnProblem}`);
    const peer = getRaw("hybrid.vpnPeerIpAddress") ?? "";
    const onPremAsn = intOf("hybrid.onPremisesBgpAsn") ?? 0;
    const bgpPeer = getRaw("hybrid.onPremisesBgpPeeringAddress") ?? "";
    if (!vpn) {
        for (const [k, unset] of [["hybrid.vpnPeerIpAddress", ""], ["hybrid.onPremisesBgpAsn", "0"], ["hybrid.onPremisesBgpPeeringAddress", ""]] as const) {
            if ((getRaw(k) ?? unset) !== unset) add(k, `is set but hybrid.type is "expressroute" (VPN only)`);
        }
    } else {
        if ((getRaw("hybrid.expressRouteCircuitId") ?? "") !== "") add("hybrid.expressRouteCircuitId", `is set but hybrid.type is "vpn" (ExpressRoute only)`);
        if (peer !== "" && !isPublicIpv4Address(peer)) add("hybrid.vpnPeerIpAddress", `"${peer}" must be the on-premises VPN device's public IPv4 address (not a private, shared or link-local one)`);
        if ((onPremAsn === 0) !== (bgpPeer === "")) add(onPremAsn === 0 ? "hybrid.onPremisesBgpAsn" : "hybrid.onPremisesBgpPeeringAddress", "hybrid.onPremisesBgpAsn and hybrid.onPremisesBgpPeeringAddress go together (BGP needs both)");
        if (onPremAsn !== 0) {
            const m = asnProblem(onPremAsn, "onPremises");
            if (m !== undefined) add("hybrid.onPremisesBgpAsn", `"${onPremAsn}" ${m}`);
            if (onPremAsn === asn) add("hybrid.onPremisesBgpAsn", `"${onPremAsn}" must differ from hybrid.bgpAsn "${asn}" (the two sides speak eBGP)`);
        }
        if (bgpPeer !== "" && isIpv4Address(bgpPeer)) {
            const c = parseCidr(`${bgpPeer}/32`);
            if (typeof c !== "string") for (const [k, v] of vnets) if (v !== undefined && overlaps(v, c)) add("hybrid.onPremisesBgpPeeringAddress", `"${bgpPeer}" lies in ${k} "${v.text}" (it is an on-premises address)`);
        }
        if (peer === "" && onPremAsn !== 0) add("hybrid.vpnPeerIpAddress", "must be set with hybrid.onPremisesBgpAsn (the BGP peer is reached through the tunnel to this device)");
    }
    return out;
}

/**
 * Checks of the secret keys (lib/config.ts SECRET_CONFIG_KEYS), reported by key: a key that nothing uses, and a VPN key
 * too short or not printable. Messages never contain the value.
 */
export function secretConfigProblems(secrets: Partial<Record<"hybrid.sharedKey" | "hybrid.expressRouteAuthorizationKey", string>>, getRaw: (key: string) => string | undefined): Array<{ key: string; message: string }> {
    const out: Array<{ key: string; message: string }> = [];
    const type = getRaw("hybrid.type") ?? "none";
    const key = secrets["hybrid.sharedKey"];
    if (key !== undefined) {
        if (type !== "vpn" || (getRaw("hybrid.vpnPeerIpAddress") ?? "") === "") out.push({ key: "hybrid.sharedKey", message: "is set but no site-to-site connection uses it (needs hybrid.type vpn and hybrid.vpnPeerIpAddress)" });
        const m = sharedKeyProblem(key);
        if (m !== undefined) out.push({ key: "hybrid.sharedKey", message: m });
    }
    if (secrets["hybrid.expressRouteAuthorizationKey"] !== undefined && (type !== "expressroute" || (getRaw("hybrid.expressRouteCircuitId") ?? "") === "")) {
        out.push({ key: "hybrid.expressRouteAuthorizationKey", message: "is set but no ExpressRoute connection uses it (needs hybrid.type expressroute and hybrid.expressRouteCircuitId)" });
    }
    return out;
}
