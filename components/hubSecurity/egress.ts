import * as inputs from "@pulumi/azure-native/types/input";

/**
 * The hub firewall's egress allow-list. Everything not allowed here hits Azure Firewall's implicit deny, which is
 * logged (AZFWApplicationRule / AZFWNetworkRule with action Deny) to the central workspace.
 *
 * Rule collection groups are processed by priority; within a group network rules come before application rules
 * (learn.microsoft.com/azure/firewall/rule-processing). Each rule says why it exists and which document requires it.
 */

/** Who may reach what: the source address prefixes of each kind of workload. */
export interface EgressSources {
    /** Every subnet that runs workload code (Entra ID tokens and Azure Monitor ingestion). */
    all: string[];
    jumpbox: string[];
    apim: string[];
    containerApps: string[];
}

type Rule = inputs.network.ApplicationRuleArgs | inputs.network.NetworkRuleArgs;

/** An application rule over HTTPS (and HTTP:80 where the service only offers HTTP, such as apt mirrors and CRLs). */
function app(name: string, description: string, sourceAddresses: string[], targetFqdns: string[], http = false): Rule | undefined {
    if (sourceAddresses.length === 0) return undefined;
    return {
        ruleType: "ApplicationRule",
        name,
        description,
        sourceAddresses,
        targetFqdns,
        protocols: [{ protocolType: "Https", port: 443 }, ...(http ? [{ protocolType: "Http", port: 80 }] : [])],
    };
}

/** An application rule for a Microsoft-maintained FQDN tag (learn.microsoft.com/azure/firewall/fqdn-tags), HTTPS and HTTP. */
function appTag(name: string, description: string, sourceAddresses: string[], fqdnTags: string[]): Rule | undefined {
    if (sourceAddresses.length === 0) return undefined;
    return {
        ruleType: "ApplicationRule",
        name,
        description,
        sourceAddresses,
        fqdnTags,
        protocols: [{ protocolType: "Https", port: 443 }, { protocolType: "Http", port: 80 }],
    };
}

function net(name: string, description: string, sourceAddresses: string[], protocol: "TCP" | "UDP", ports: string[], destination: { addresses?: string[]; fqdns?: string[] }): Rule | undefined {
    if (sourceAddresses.length === 0) return undefined;
    return {
        ruleType: "NetworkRule",
        name,
        description,
        sourceAddresses,
        ipProtocols: [protocol],
        destinationPorts: ports,
        ...(destination.addresses !== undefined ? { destinationAddresses: destination.addresses } : {}),
        ...(destination.fqdns !== undefined ? { destinationFqdns: destination.fqdns } : {}),
    };
}

/** An Allow collection of the rules that have sources; undefined when none has (Azure rejects empty collections). */
function allow(name: string, priority: number, rules: Array<Rule | undefined>): inputs.network.FirewallPolicyFilterRuleCollectionArgs | undefined {
    const kept = rules.filter((r): r is Rule => r !== undefined);
    if (kept.length === 0) return undefined;
    return { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name, priority, action: { type: "Allow" }, rules: kept };
}

/** A rule collection group: name, priority, collections. Empty-source rules are dropped (a workload that is not deployed gets no egress). */
export interface EgressGroup {
    name: string;
    priority: number;
    collections: inputs.network.FirewallPolicyFilterRuleCollectionArgs[];
}

function group(name: string, priority: number, collections: Array<inputs.network.FirewallPolicyFilterRuleCollectionArgs | undefined>): EgressGroup | undefined {
    const kept = collections.filter((c): c is inputs.network.FirewallPolicyFilterRuleCollectionArgs => c !== undefined);
    return kept.length === 0 ? undefined : { name, priority, collections: kept };
}

/** Switches for egress that only some deployments need. */
export interface EgressOptions {
    /**
     * Open API Management's SMTP relay (TCP 25, 587, 25028 to Microsoft's relay hosts), through which the instance sends
     * its own e-mail notifications (subscription requests, quota warnings, developer-portal sign-ups). Off by default:
     * the platform uses no developer portal or subscriptions (callers authenticate with Entra ID tokens), so those
     * notifications would go unsent, and nothing else depends on the relay. Turn it on when notification e-mail is wanted.
     * @default false
     */
    apimSmtpRelay?: boolean;
}

/**
 * API Management stv2 (internal VNet mode) platform dependencies that must pass the firewall under forced tunnelling
 * (learn.microsoft.com/azure/api-management/virtual-network-reference, "TLS functionality" and "Internal infrastructure
 * and diagnostics"). Storage, SQL, Event Hubs and Key Vault go over the subnet's service endpoints, Entra ID and Azure
 * Monitor 443 through the platform group, and control-plane replies through the subnet's ApiManagement → Internet route.
 */
function apimGroup(apim: string[], o: EgressOptions): EgressGroup | undefined {
    return group("apim", 250, [
        allow("net-apim", 260, [
            // "Publish Diagnostics Logs and Metrics, Resource Health": AzureMonitor on 1886 (443 is in the platform group).
            net("apim-metrics", "API Management metrics and health to Azure Monitor (1886)", apim, "TCP", ["1886"], { addresses: ["AzureMonitor"] }),
            // "Allow outbound UDP access on port 123 for NTP."
            net("apim-ntp", "API Management time sync (NTP)", apim, "UDP", ["123"], { fqdns: ["time.windows.com"] }),
            // "Allow outbound TCP access on port 12000 for diagnostics" (the health and monitoring extension, AzureCloud).
            net("apim-diagnostics-12000", "API Management health and monitoring extension (TCP 12000 to AzureCloud)", apim, "TCP", ["12000"], { addresses: ["AzureCloud"] }),
            // SMTP relay for the instance's own e-mail (older revisions of virtual-network-reference: "SMTP Relay").
            ...(o.apimSmtpRelay === true ? [net("apim-smtp-relay", "API Management SMTP relay for its e-mail notifications", apim, "TCP", ["25", "587", "25028"],
                { fqdns: ["smtpi-co1.msn.com", "smtpi-ch1.msn.com", "smtpi-db3.msn.com", "smtpi-sin.msn.com", "ies.global.microsoft.com"] })] : []),
        ]),
        allow("app-apim", 270, [
            // "TLS functionality": certificate chain building and validation on 80 and 443. The list is the page's
            // (mscrl, crl, oneocsp.microsoft.com, cacerts/crl3/csp.digicert.com) plus DigiCert's OCSP and second CRL host
            // from Azure's CA details (learn.microsoft.com/azure/security/fundamentals/azure-certificate-authority-details).
            // oneocsp.msocsp.com is the OCSP host earlier revisions of virtual-network-reference name (and the review
            // that filed issue 13); the current page names oneocsp.microsoft.com. Both stay until a deployment's
            // AZFWApplicationRule log shows which one the platform calls (docs/after-deploy-checks.md).
            app("apim-certificate-revocation", "CRL and OCSP endpoints for API Management certificate validation", apim,
                ["mscrl.microsoft.com", "crl.microsoft.com", "oneocsp.microsoft.com", "oneocsp.msocsp.com", "cacerts.digicert.com", "crl3.digicert.com", "crl4.digicert.com", "csp.digicert.com", "ocsp.digicert.com"], true),
            // "Allow outbound access on port 443 to the following endpoint for internal PKI: issuer.pki.azure.com."
            app("apim-internal-pki", "API Management internal PKI (certificate issuance for the compute platform)", apim, ["issuer.pki.azure.com"]),
            // "...on port 443 to the following endpoints for internal diagnostics".
            app("apim-internal-diagnostics", "API Management internal compute diagnostics", apim,
                ["azurewatsonanalysis-prod.core.windows.net", "*.data.microsoft.com", "azureprofiler.trafficmanager.net", "shavamanifestazurecdnprod1.azureedge.net", "shavamanifestcdnprod1.azureedge.net"]),
            // "...on ports 80 and 443 to the following endpoints for Windows Update" (*.update.microsoft.com,
            // *.ctldl.windowsupdate.com, ctldl.windowsupdate.com, download.windowsupdate.com): the firewall's
            // Microsoft-maintained WindowsUpdate FQDN tag covers them and follows their changes.
            appTag("apim-windows-update", "Windows Update for the API Management compute platform", apim, ["WindowsUpdate"]),
            // "Allow outbound access on ports 80 and 443 to the endpoint go.microsoft.com."
            app("apim-go-microsoft", "go.microsoft.com redirector used by the API Management compute platform", apim, ["go.microsoft.com"], true),
            // "...on port 443 to the following endpoints for Windows Defender".
            app("apim-defender", "Microsoft Defender cloud protection for the API Management compute platform", apim, ["wdcp.microsoft.com", "wdcpalt.microsoft.com"]),
        ]),
    ]);
}

/** The rule collection groups for the given sources. Pure function: the tests read the same data Azure receives. */
export function egressRuleCollectionGroups(s: EgressSources, containerImageFqdns: string[], packageSourceFqdns: string[], options: EgressOptions = {}): EgressGroup[] {
    const groups = [
        group("platform", 200, [
                allow("net-platform", 210, [
                    // Managed-identity and user tokens: Microsoft Entra ID (service tag AzureActiveDirectory), required by
                    // every workload that authenticates to FHIR, storage or Key Vault (learn.microsoft.com/azure/firewall/service-tags).
                    net("entra-id", "Microsoft Entra ID sign-in and managed-identity tokens", [...s.all, ...s.jumpbox], "TCP", ["443"], { addresses: ["AzureActiveDirectory"] }),
                    // Azure Monitor ingestion (Application Insights, Azure Monitor Agent): service tag AzureMonitor, 443
                    // (learn.microsoft.com/azure/azure-monitor/agents/azure-monitor-agent-network-configuration).
                    net("azure-monitor", "Azure Monitor ingestion (Application Insights, Azure Monitor Agent)", [...s.all, ...s.jumpbox], "TCP", ["443"], { addresses: ["AzureMonitor"] }),
                ]),
        ]),
        apimGroup(s.apim, options),
        group("workload", 300, [
                allow("app-container-apps", 310, [
                    // Container Apps behind a firewall: platform images and bootstrap packages (learn.microsoft.com/azure/
                    // container-apps/use-azure-firewall). The sync agent's own image is imported into the private registry
                    // (`az acr import`), so no third-party registry is opened here.
                    app("container-images", "Container Apps platform images (Microsoft Container Registry) and node bootstrap", s.containerApps, containerImageFqdns),
                    // Managed identity endpoints for Container Apps (same document, "Managed identity" row).
                    app("managed-identity", "Container Apps managed identity token service", s.containerApps,
                        ["*.identity.azure.net", "login.microsoftonline.com", "*.login.microsoftonline.com", "*.login.microsoft.com"]),
                ]),
        ]),
        group("management", 400, [
                allow("app-jumpbox", 410, [
                    // Ubuntu security updates: apt mirrors are HTTP (signed packages), Azure images use azure.archive.ubuntu.com
                    // (learn.microsoft.com/azure/aks/outbound-rules-control-egress lists the same hosts).
                    app("os-updates", "Ubuntu package mirrors for jumpbox security updates", s.jumpbox,
                        ["azure.archive.ubuntu.com", "archive.ubuntu.com", "security.ubuntu.com", "changelogs.ubuntu.com"], true),
                    // Azure CLI and the AADSSHLoginForLinux extension are installed from packages.microsoft.com; the extension
                    // checks login rights at pas.windows.net (learn.microsoft.com/entra/identity/devices/howto-vm-sign-in-azure-ad-linux).
                    app("microsoft-packages", "Azure CLI and Entra ID SSH login extension packages", s.jumpbox, ["packages.microsoft.com"]),
                    app("entra-ssh-login", "Entra ID SSH login authorization checks", s.jumpbox, ["pas.windows.net", "login.microsoftonline.com"]),
                    // Defender for Servers (the hub's Defender plans, or a subscription's own) deploys the Defender for Endpoint
                    // sensor on the jumpbox, which reports only through "*.endpoint.security.microsoft.com", the consolidated
                    // domain of streamlined connectivity (MicrosoftDocs/defender-docs defender-endpoint/configure-device-connectivity;
                    // learn.microsoft.com/azure/defender-for-cloud/integration-defender-for-endpoint): without it the sensor
                    // installs and never onboards. HTTPS, and the sensor pins certificates (no TLS inspection here anyway).
                    app("defender-endpoint", "Microsoft Defender for Endpoint sensor (streamlined connectivity)", s.jumpbox, ["*.endpoint.security.microsoft.com"]),
                    // Operators use the Azure CLI from the jumpbox (for example to push Liquid templates to the private registry).
                    app("azure-management", "Azure Resource Manager for operator tooling (Azure CLI)", s.jumpbox, ["management.azure.com"]),
                    // The FHIR Loader's pinned build (not an unpinned Kudu build of `main`, reference defect 10): the jumpbox
                    // downloads it, checks its SHA-256 and writes it to the loader's private package container, from
                    // which the function app runs with its identity. The function subnet itself reaches no internet host.
                    ...(packageSourceFqdns.length > 0 ? [app("fhir-loader-package", "FHIR Loader code package download for the in-network upload (pinned build, SHA-256 checked)", s.jumpbox, packageSourceFqdns)] : []),
                ]),
        ]),
    ];
    return groups.filter((g): g is EgressGroup => g !== undefined);
}

/** Default FQDNs for Container Apps platform images (use-azure-firewall, "All scenarios"). */
export const DEFAULT_CONTAINER_IMAGE_FQDNS = ["mcr.microsoft.com", "*.data.mcr.microsoft.com", "packages.aks.azure.com", "acs-mirror.azureedge.net"];
/** Default download hosts of the FHIR Loader package for the jumpbox (a GitHub release: downloads redirect to these hosts). */
export const DEFAULT_PACKAGE_SOURCE_FQDNS = ["github.com", "objects.githubusercontent.com", "release-assets.githubusercontent.com"];
