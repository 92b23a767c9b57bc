import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID, RecordedResource } from "../lib/offline/mocks";
import { ProgramRun, runProgram, sharedProgramRun } from "../lib/offline/run";
import { PROJECT_DIR } from "../lib/offline/stackConfig";
import { Json } from "../lib/offline/values";

/**
 * The network and security baseline, asserted on the whole program's graph for dev and prod: every NSG rule, route,
 * egress rule and hub role assignment Azure receives, written out literally as Microsoft documents it (never computed
 * from the component code that produces it), so that dropping, widening or reordering an entry fails a test.
 */

type Obj = Record<string, Json>;

/** The stacks' address plans, literally as Pulumi.dev.yaml / Pulumi.prod.yaml (and Pulumi.yaml's defaults) set them. */
const PLAN = {
    dev: {
        fwIp: "10.0.0.4", firewall: "10.0.0.0/26", bastion: "10.0.0.64/26", jumpbox: "10.0.1.0/27", hubPe: "10.0.1.32/27",
        agw: "10.1.0.0/24", apim: "10.1.1.0/27", pe: "10.1.2.0/24", func: "10.1.3.0/26", cae: "10.1.4.0/27", medtech: false, synapse: false,
        // Pulumi.dev.yaml names no bulk loader package (uploaded by hand), so the jumpbox gets no download rule.
        loaderPackageHosts: [] as string[],
        // No hybrid connectivity in dev (ahds:hybrid.type none).
        hybrid: undefined,
    },
    prod: {
        fwIp: "10.20.0.4", firewall: "10.20.0.0/26", bastion: "10.20.0.64/26", jumpbox: "10.20.1.0/27", hubPe: "10.20.1.32/27",
        agw: "10.21.0.0/24", apim: "10.21.1.0/27", pe: "10.21.2.0/24", func: "10.21.3.0/26", cae: "10.21.4.0/26", medtech: false, synapse: true,
        // Pulumi.prod.yaml's package is a GitHub release asset: github.com redirects downloads to these hosts.
        loaderPackageHosts: ["github.com", "objects.githubusercontent.com", "release-assets.githubusercontent.com"],
        // Pulumi.prod.yaml's site-to-site VPN: GatewaySubnet, the resolver's subnet, the on-premises prefix, and the FHIR and
        // DICOM hosts of the workspace hwahdsproda1b7c (stack suffix a1b7c) on-premises callers may reach.
        hybrid: {
            gateway: "10.20.2.0/27", dns: "10.20.2.32/28", onPremises: "192.168.0.0/16", spoke: "10.21.0.0/20",
            fqdns: { fhir: "hwahdsproda1b7c-fhir.fhir.azurehealthcareapis.com", dicom: "hwahdsproda1b7c-dicom.dicom.azurehealthcareapis.com" },
        },
    },
} as const;
type Plan = (typeof PLAN)[keyof typeof PLAN];

/** One NSG rule as Azure evaluates it: [name, direction, access, protocol, sources, destinations, destination ports, priority]. */
type Row = [string, "Inbound" | "Outbound", "Allow" | "Deny", string, string[], string[], string[], number];
const DENY_IN: Row = ["deny-all-inbound", "Inbound", "Deny", "*", ["*"], ["*"], ["*"], 4096];

/** Every rule of every subnet NSG, in order. */
function expectedNsgs(p: Plan): Record<string, Row[]> {
    const eventHubs: Row[] = p.medtech ? [["allow-event-hubs-from-vnet", "Inbound", "Allow", "Tcp", ["VirtualNetwork"], [p.pe], ["5671", "5672", "9093"], 110]] : [];
    // Synapse SQL clients speak TDS on 1433 to the Sql/SqlOnDemand endpoints (synapse-workspace-ip-firewall: ports 443 and 1433).
    const synapseSql: Row[] = p.synapse ? [["allow-sql-from-vnet", "Inbound", "Allow", "Tcp", ["VirtualNetwork"], [p.pe], ["1433"], 120]] : [];
    const h = p.hybrid;
    // The DNS resolver's subnet answers DNS (UDP and TCP 53) from on-premises only; the rules name the whole subnet, as
    // the service answers from its other addresses too (MicrosoftDocs/azure-docs#110796).
    const dns: Record<string, Row[]> = h === undefined ? {} : {
        "hub-nsg-dns": [
            ["allow-dns-udp-from-on-premises", "Inbound", "Allow", "Udp", [h.onPremises], [h.dns], ["53"], 100],
            ["allow-dns-tcp-from-on-premises", "Inbound", "Allow", "Tcp", [h.onPremises], [h.dns], ["53"], 110],
            DENY_IN,
        ],
    };
    return {
        ...dns,
        // learn.microsoft.com/azure/bastion/bastion-nsg, the required-rules table, every row: AllowHttpsInbound (Internet,
        // 443/TCP), AllowGatewayManagerInbound (443/TCP), AllowAzureLoadBalancerInbound (443/TCP),
        // AllowBastionHostCommunication (VirtualNetwork → VirtualNetwork, 8080 and 5701, any), AllowSshRdpOutbound
        // (→ VirtualNetwork, 22 and 3389, any), AllowAzureCloudOutbound (443/TCP), AllowBastionCommunication (8080, 5701,
        // any), AllowHttpOutbound (→ Internet 80, any). Azure rejects a non-compliant AzureBastionSubnet NSG
        // (NetworkSecurityGroupNotCompliantForAzureBastionSubnet). The two deny rules close everything else.
        "hub-nsg-bastion": [
            ["allow-https-inbound", "Inbound", "Allow", "Tcp", ["Internet"], ["*"], ["443"], 120],
            ["allow-gateway-manager", "Inbound", "Allow", "Tcp", ["GatewayManager"], ["*"], ["443"], 130],
            ["allow-load-balancer", "Inbound", "Allow", "Tcp", ["AzureLoadBalancer"], ["*"], ["443"], 140],
            ["allow-host-communication", "Inbound", "Allow", "*", ["VirtualNetwork"], ["VirtualNetwork"], ["8080", "5701"], 150],
            DENY_IN,
            ["allow-ssh-rdp-outbound", "Outbound", "Allow", "*", ["*"], ["VirtualNetwork"], ["22", "3389"], 100],
            ["allow-azure-cloud-outbound", "Outbound", "Allow", "Tcp", ["*"], ["AzureCloud"], ["443"], 110],
            ["allow-host-communication-outbound", "Outbound", "Allow", "*", ["VirtualNetwork"], ["VirtualNetwork"], ["8080", "5701"], 120],
            ["allow-session-info-outbound", "Outbound", "Allow", "*", ["*"], ["Internet"], ["80"], 130],
            ["deny-all-outbound", "Outbound", "Deny", "*", ["*"], ["*"], ["*"], 4096],
        ],
        // Admin access only over SSH from AzureBastionSubnet (Bastion reaches VMs over their private IP, bastion-nsg
        // "Target VM Subnet"); never from the internet.
        "hub-nsg-jumpbox": [["allow-ssh-from-bastion", "Inbound", "Allow", "Tcp", [p.bastion], [p.jumpbox], ["22"], 100], DENY_IN],
        // The hub Key Vault endpoint serves HTTPS only.
        "hub-nsg-pe": [["allow-https-from-vnet", "Inbound", "Allow", "Tcp", ["VirtualNetwork"], [p.hubPe], ["443"], 100], DENY_IN],
        // learn.microsoft.com/azure/application-gateway/configuration-infrastructure#network-security-groups: GatewayManager
        // on 65200-65535 (v2) and the Azure load balancer must be allowed; clients on the listener ports.
        "spoke-nsg-appGateway": [
            ["allow-gateway-manager", "Inbound", "Allow", "Tcp", ["GatewayManager"], ["*"], ["65200-65535"], 100],
            ["allow-load-balancer", "Inbound", "Allow", "*", ["AzureLoadBalancer"], ["*"], ["*"], 110],
            ["allow-https-listeners", "Inbound", "Allow", "Tcp", ["Internet"], ["*"], ["443"], 120],
            ["allow-http-redirect", "Inbound", "Allow", "Tcp", ["Internet"], ["*"], ["80"], 130],
            DENY_IN,
        ],
        // learn.microsoft.com/azure/api-management/virtual-network-reference (internal mode): ApiManagement → 3443/TCP,
        // AzureLoadBalancer → 6390/TCP; between units UDP 4290 (rate-limit counter sync) and TCP 6380-6383 (cache), inbound
        // and outbound (here scoped to the APIM subnet, where every unit lives); outbound Storage 443, Sql 1433,
        // AzureKeyVault 443, AzureMonitor 1886 and 443.
        "spoke-nsg-apim": [
            ["allow-apim-management", "Inbound", "Allow", "Tcp", ["ApiManagement"], ["VirtualNetwork"], ["3443"], 100],
            ["allow-load-balancer", "Inbound", "Allow", "Tcp", ["AzureLoadBalancer"], ["VirtualNetwork"], ["6390"], 110],
            ["allow-https-from-appgw", "Inbound", "Allow", "Tcp", [p.agw], [p.apim], ["443"], 120],
            ["allow-rate-limit-sync", "Inbound", "Allow", "Udp", [p.apim], [p.apim], ["4290"], 130],
            ["allow-cache-between-units", "Inbound", "Allow", "Tcp", [p.apim], [p.apim], ["6380-6383"], 140],
            DENY_IN,
            ["allow-storage-outbound", "Outbound", "Allow", "Tcp", ["VirtualNetwork"], ["Storage"], ["443"], 100],
            ["allow-sql-outbound", "Outbound", "Allow", "Tcp", ["VirtualNetwork"], ["Sql"], ["1433"], 110],
            ["allow-keyvault-outbound", "Outbound", "Allow", "Tcp", ["VirtualNetwork"], ["AzureKeyVault"], ["443"], 120],
            ["allow-monitor-outbound", "Outbound", "Allow", "Tcp", ["VirtualNetwork"], ["AzureMonitor"], ["1886", "443"], 130],
            ["allow-rate-limit-sync-outbound", "Outbound", "Allow", "Udp", [p.apim], [p.apim], ["4290"], 140],
            ["allow-cache-between-units-outbound", "Outbound", "Allow", "Tcp", [p.apim], [p.apim], ["6380-6383"], 150],
        ],
        // Endpoints: HTTPS from the VNets; with MedTech (prod) also Event Hubs' AMQP 5671/5672 and Kafka 9093
        // (learn.microsoft.com/azure/event-hubs/event-hubs-faq, "What ports do I need to open on the firewall?").
        "spoke-nsg-privateEndpoints": [
            ["allow-https-from-vnet", "Inbound", "Allow", "Tcp", ["VirtualNetwork"], [p.pe], ["443"], 100],
            ...eventHubs,
            ...synapseSql,
            DENY_IN,
        ],
        // VNet integration carries the app's outbound traffic only.
        "spoke-nsg-functionIntegration": [DENY_IN],
        // learn.microsoft.com/azure/container-apps/firewall-integration (workload profiles): load-balancer probes on
        // 30000-32767, ingress from the gateways, node-to-node traffic inside the subnet.
        "spoke-nsg-containerApps": [
            ["allow-load-balancer", "Inbound", "Allow", "Tcp", ["AzureLoadBalancer"], [p.cae], ["30000-32767"], 100],
            ["allow-ingress-from-gateways", "Inbound", "Allow", "Tcp", [p.agw, p.apim], [p.cae], ["80", "443", "31080", "31443"], 110],
            ["allow-intra-subnet", "Inbound", "Allow", "*", [p.cae], [p.cae], ["*"], 120],
            DENY_IN,
        ],
    };
}

const tcp = (name: string, description: string, sources: string[], ports: string[], destination: Obj): Obj =>
    ({ ruleType: "NetworkRule", name, description, sourceAddresses: sources, ipProtocols: ["TCP"], destinationPorts: ports, ...destination });
const https = (name: string, description: string, sources: string[], fqdns: string[], http = false): Obj =>
    ({ ruleType: "ApplicationRule", name, description, sourceAddresses: sources, targetFqdns: fqdns, protocols: [{ protocolType: "Https", port: 443 }, ...(http ? [{ protocolType: "Http", port: 80 }] : [])] });
const allow = (name: string, priority: number, rules: Obj[]): Obj => ({ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name, priority, action: { type: "Allow" }, rules });

/** The whole egress allow-list: rule collection group → collection → rule, with sources, protocols and targets. */
function expectedEgress(p: Plan): Array<{ name: string; priority: number; ruleCollections: Obj[] }> {
    const workloads = [p.apim, p.func, p.cae, p.jumpbox];
    return [
        { name: "platform", priority: 200, ruleCollections: [allow("net-platform", 210, [
            // Entra ID tokens and Azure Monitor ingestion by service tag (learn.microsoft.com/azure/virtual-network/service-tags-overview).
            tcp("entra-id", "Microsoft Entra ID sign-in and managed-identity tokens", workloads, ["443"], { destinationAddresses: ["AzureActiveDirectory"] }),
            tcp("azure-monitor", "Azure Monitor ingestion (Application Insights, Azure Monitor Agent)", workloads, ["443"], { destinationAddresses: ["AzureMonitor"] }),
        ])] },
        // API Management stv2 under forced tunnelling, learn.microsoft.com/azure/api-management/virtual-network-reference:
        // AzureMonitor 1886; NTP UDP 123; TCP 12000 (diagnostics, AzureCloud); "TLS functionality" CRL/OCSP on 80/443;
        // internal PKI issuer.pki.azure.com; internal diagnostics hosts; Windows Update (firewall FQDN tag WindowsUpdate,
        // learn.microsoft.com/azure/firewall/fqdn-tags) and go.microsoft.com on 80/443; Defender wdcp/wdcpalt on 443.
        { name: "apim", priority: 250, ruleCollections: [
            allow("net-apim", 260, [
                tcp("apim-metrics", "API Management metrics and health to Azure Monitor (1886)", [p.apim], ["1886"], { destinationAddresses: ["AzureMonitor"] }),
                { ruleType: "NetworkRule", name: "apim-ntp", description: "API Management time sync (NTP)", sourceAddresses: [p.apim], ipProtocols: ["UDP"], destinationPorts: ["123"], destinationFqdns: ["time.windows.com"] },
                tcp("apim-diagnostics-12000", "API Management health and monitoring extension (TCP 12000 to AzureCloud)", [p.apim], ["12000"], { destinationAddresses: ["AzureCloud"] }),
            ]),
            allow("app-apim", 270, [
                https("apim-certificate-revocation", "CRL and OCSP endpoints for API Management certificate validation", [p.apim],
                    ["mscrl.microsoft.com", "crl.microsoft.com", "oneocsp.microsoft.com", "oneocsp.msocsp.com", "cacerts.digicert.com", "crl3.digicert.com", "crl4.digicert.com", "csp.digicert.com", "ocsp.digicert.com"], true),
                https("apim-internal-pki", "API Management internal PKI (certificate issuance for the compute platform)", [p.apim], ["issuer.pki.azure.com"]),
                https("apim-internal-diagnostics", "API Management internal compute diagnostics", [p.apim],
                    ["azurewatsonanalysis-prod.core.windows.net", "*.data.microsoft.com", "azureprofiler.trafficmanager.net", "shavamanifestazurecdnprod1.azureedge.net", "shavamanifestcdnprod1.azureedge.net"]),
                { ruleType: "ApplicationRule", name: "apim-windows-update", description: "Windows Update for the API Management compute platform", sourceAddresses: [p.apim], fqdnTags: ["WindowsUpdate"],
                    protocols: [{ protocolType: "Https", port: 443 }, { protocolType: "Http", port: 80 }] },
                https("apim-go-microsoft", "go.microsoft.com redirector used by the API Management compute platform", [p.apim], ["go.microsoft.com"], true),
                https("apim-defender", "Microsoft Defender cloud protection for the API Management compute platform", [p.apim], ["wdcp.microsoft.com", "wdcpalt.microsoft.com"]),
            ]),
        ] },
        { name: "workload", priority: 300, ruleCollections: [
            // learn.microsoft.com/azure/container-apps/use-azure-firewall: MCR, its data endpoints, AKS packages; managed identity.
            allow("app-container-apps", 310, [
                https("container-images", "Container Apps platform images (Microsoft Container Registry) and node bootstrap", [p.cae], ["mcr.microsoft.com", "*.data.mcr.microsoft.com", "packages.aks.azure.com", "acs-mirror.azureedge.net"]),
                https("managed-identity", "Container Apps managed identity token service", [p.cae], ["*.identity.azure.net", "login.microsoftonline.com", "*.login.microsoftonline.com", "*.login.microsoft.com"]),
            ]),
        ] },
        { name: "management", priority: 400, ruleCollections: [allow("app-jumpbox", 410, [
            https("os-updates", "Ubuntu package mirrors for jumpbox security updates", [p.jumpbox], ["azure.archive.ubuntu.com", "archive.ubuntu.com", "security.ubuntu.com", "changelogs.ubuntu.com"], true),
            https("microsoft-packages", "Azure CLI and Entra ID SSH login extension packages", [p.jumpbox], ["packages.microsoft.com"]),
            https("entra-ssh-login", "Entra ID SSH login authorization checks", [p.jumpbox], ["pas.windows.net", "login.microsoftonline.com"]),
            // Defender for Endpoint's streamlined connectivity domain (defender-docs, configure-device-connectivity).
            https("defender-endpoint", "Microsoft Defender for Endpoint sensor (streamlined connectivity)", [p.jumpbox], ["*.endpoint.security.microsoft.com"]),
            https("azure-management", "Azure Resource Manager for operator tooling (Azure CLI)", [p.jumpbox], ["management.azure.com"]),
            // The FHIR Loader's pinned package: the jumpbox downloads it and writes it to the loader's private package
            // container; the function app runs from there, so the function subnet has no internet destination at all.
            ...(p.loaderPackageHosts.length > 0 ? [https("fhir-loader-package", "FHIR Loader code package download for the in-network upload (pinned build, SHA-256 checked)", [p.jumpbox], [...p.loaderPackageHosts])] : []),
        ])] },
        // On-premises callers (hybrid connectivity): exactly the FHIR and DICOM hosts, TCP 443, from the on-premises prefix.
        ...(p.hybrid !== undefined ? [{ name: "on-premises", priority: 500, ruleCollections: [allow("net-on-premises", 510, [
            tcp("on-premises-to-fhir", "On-premises callers to fhir over HTTPS, through its private endpoint", [p.hybrid.onPremises], ["443"], { destinationFqdns: [p.hybrid.fqdns.fhir] }),
            tcp("on-premises-to-dicom", "On-premises callers to dicom over HTTPS, through its private endpoint", [p.hybrid.onPremises], ["443"], { destinationFqdns: [p.hybrid.fqdns.dicom] }),
        ])] }] : []),
    ];
}

/** Built-in role definition GUIDs (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const VM_ADMINISTRATOR_LOGIN = "1c0163c0-47e6-4577-8991-ea5c82e286e4";
const roleId = (guid: string) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

function rowOf(r: Obj): Row {
    const many = (one: string, plural: string): string[] => (r[plural] as string[] | undefined) ?? [String(r[one])];
    return [String(r["name"]), r["direction"] as Row[1], r["access"] as Row[2], String(r["protocol"]), many("sourceAddressPrefix", "sourceAddressPrefixes"),
        many("destinationAddressPrefix", "destinationAddressPrefixes"), many("destinationPortRange", "destinationPortRanges"), Number(r["priority"])];
}
const hubChildren = (g: Graph, type: string): RecordedResource[] => {
    const hub = g.one("ahds:index:HubSecurity");
    return g.byType(type).filter((r) => r.parent === hub.urn);
};

for (const stack of ["dev", "prod"] as const) {
    describe(`network and security baseline (${stack})`, () => {
        const p = PLAN[stack];
        let run: ProgramRun;
        let g: Graph;
        before(async () => {
            run = await sharedProgramRun(stack);
            expect(run.error).to.equal(undefined);
            g = run.graph;
        });

        it("reports the firewall IP the routes were planned for (first usable address of AzureFirewallSubnet)", () => {
            expect(run.outputs?.["firewallPrivateIp"]).to.equal(p.fwIp);
        });

        it("gives every hub and spoke NSG exactly its documented rules: direction, access, protocol, sources, destinations, ports, priority", () => {
            const nsgs = g.byType("azure-native:network:NetworkSecurityGroup");
            const actual = Object.fromEntries(nsgs.map((n) => [n.name, (g.plainInputs(n)["securityRules"] as Obj[]).map(rowOf)]));
            expect(actual).to.deep.equal(expectedNsgs(p));
            for (const n of nsgs) {
                for (const r of g.plainInputs(n)["securityRules"] as Obj[]) {
                    // Source ports are always any; nothing else (ASGs, source port lists) narrows or widens a rule unseen.
                    expect(Object.keys(r).filter((k) => !["name", "description", "direction", "access", "protocol", "priority", "sourcePortRange",
                        "sourceAddressPrefix", "sourceAddressPrefixes", "destinationAddressPrefix", "destinationAddressPrefixes", "destinationPortRange", "destinationPortRanges"].includes(k)), `${n.name}/${String(r["name"])}`).to.deep.equal([]);
                    expect(r["sourcePortRange"], `${n.name}/${String(r["name"])}`).to.equal("*");
                    expect(String(r["description"]).length, `${n.name}/${String(r["name"])}`).to.be.within(10, 140);
                }
            }
        });

        it("attaches each NSG and route table to its subnet: every subnet but Bastion, the resolver's and (without a gateway) the firewall's and GatewaySubnet has a table", () => {
            const attached = g.byType("azure-native:network:VirtualNetwork").flatMap((v) => (g.plainInputs(v)["subnets"] as Obj[]).map((s) => {
                const nsg = g.byType("azure-native:network:NetworkSecurityGroup").find((n) => n.id === (s["networkSecurityGroup"] as Obj | undefined)?.["id"]);
                const rt = g.byType("azure-native:network:RouteTable").find((t) => t.id === (s["routeTable"] as Obj | undefined)?.["id"]);
                return [v.name, s["name"], s["addressPrefix"], nsg?.name ?? null, rt?.name ?? null];
            }));
            expect(attached).to.deep.equal([
                // No NSG on AzureFirewallSubnet (firewall-faq); with a hybrid gateway (prod) its 0.0.0.0/0 → Internet table,
                // which overrides a default route learned from on-premises (firewall/tutorial-hybrid-portal-policy). No route
                // table on AzureBastionSubnet (bastion-faq).
                ["hub-vnet", "AzureFirewallSubnet", p.firewall, null, p.hybrid !== undefined ? "hub-rt-firewall" : null],
                ["hub-vnet", "AzureBastionSubnet", p.bastion, "hub-nsg-bastion", null],
                ["hub-vnet", "snet-jumpbox", p.jumpbox, "hub-nsg-jumpbox", "hub-rt-jumpbox"],
                ["hub-vnet", "snet-private-endpoints", p.hubPe, "hub-nsg-pe", "hub-rt-pe"],
                // GatewaySubnet: no NSG (not supported there, vpn-gateway-about-vpn-gateway-settings#gwsub), the spoke route
                // through the firewall; the resolver's subnet: its NSG, no route table (answers return the way queries came).
                ...(p.hybrid !== undefined ? [
                    ["hub-vnet", "GatewaySubnet", p.hybrid.gateway, null, "hub-rt-gateway"],
                    ["hub-vnet", "snet-dns-inbound", p.hybrid.dns, "hub-nsg-dns", null],
                ] : []),
                // App Gateway v2: its own table that only turns BGP propagation off (configuration-infrastructure#supported-user-defined-routes, Scenario 1).
                ["spoke-vnet", "snet-appgw", p.agw, "spoke-nsg-appGateway", "spoke-rt-appGateway"],
                ["spoke-vnet", "snet-apim", p.apim, "spoke-nsg-apim", "spoke-rt-apim"],
                ["spoke-vnet", "snet-private-endpoints", p.pe, "spoke-nsg-privateEndpoints", "spoke-rt-privateEndpoints"],
                ["spoke-vnet", "snet-func-integration", p.func, "spoke-nsg-functionIntegration", "spoke-rt-functionIntegration"],
                ["spoke-vnet", "snet-container-apps", p.cae, "spoke-nsg-containerApps", "spoke-rt-containerApps"],
            ]);
        });

        it("routes 0.0.0.0/0 → VirtualAppliance → the firewall IP from every workload route table with BGP propagation off, and the spoke from GatewaySubnet to the firewall with it on", () => {
            const def = { name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: p.fwIp };
            const tables = Object.fromEntries(g.byType("azure-native:network:RouteTable").map((t) => {
                const i = g.plainInputs(t);
                return [t.name, { disableBgpRoutePropagation: i["disableBgpRoutePropagation"], routes: i["routes"] }];
            }));
            // GatewaySubnet (prod's VPN): the spoke's address space → the firewall, BGP propagation ON (the gateway needs it;
            // learn.microsoft.com/azure/firewall/tutorial-hybrid-portal-policy), no 0.0.0.0/0 (unsupported on GatewaySubnet).
            const gateway = p.hybrid !== undefined ? { "hub-rt-gateway": { disableBgpRoutePropagation: false, routes: [
                { name: "spoke-via-firewall", addressPrefix: p.hybrid.spoke, nextHopType: "VirtualAppliance", nextHopIpAddress: p.fwIp },
            ] } } : {};
            // AzureFirewallSubnet (prod's VPN): "If your AzureFirewallSubnet subnet learns a default route to your on-premises
            // network via BGP, you must override it by using a 0.0.0.0/0 UDR with the NextHopType value set as Internet"; BGP
            // propagation ON, so the firewall keeps learning the on-premises routes (firewall/tutorial-hybrid-portal-policy).
            const firewall = p.hybrid !== undefined ? { "hub-rt-firewall": { disableBgpRoutePropagation: false, routes: [
                { name: "default-to-internet", addressPrefix: "0.0.0.0/0", nextHopType: "Internet" },
            ] } } : {};
            expect(tables).to.deep.equal({
                ...firewall,
                ...gateway,
                "hub-rt-jumpbox": { disableBgpRoutePropagation: true, routes: [def] },
                "hub-rt-pe": { disableBgpRoutePropagation: true, routes: [def] },
                // APIM stv2 under forced tunnelling: control-plane replies to the ApiManagement tag go to the internet
                // (api-management/virtual-network-injection-resources, "Force tunnel traffic").
                "spoke-rt-apim": { disableBgpRoutePropagation: true, routes: [def, { name: "apim-control-plane", addressPrefix: "ApiManagement", nextHopType: "Internet" }] },
                "spoke-rt-privateEndpoints": { disableBgpRoutePropagation: true, routes: [def] },
                "spoke-rt-functionIntegration": { disableBgpRoutePropagation: true, routes: [def] },
                "spoke-rt-containerApps": { disableBgpRoutePropagation: true, routes: [def] },
                // App Gateway v2: no routes (no 0.0.0.0/0 to an appliance: unsupported on v2), BGP propagation off, so a
                // default route advertised from on-premises never replaces its control plane's internet path
                // (application-gateway/configuration-infrastructure#supported-user-defined-routes, Scenario 1).
                "spoke-rt-appGateway": { disableBgpRoutePropagation: true, routes: [] },
            });
            // The spoke resolves through the firewall's DNS proxy.
            expect(g.plainInputs(g.one("azure-native:network:VirtualNetwork", "spoke-vnet"))["dhcpOptions"]).to.deep.equal({ dnsServers: [p.fwIp] });
        });

        it("links every privatelink zone to the hub and the spoke with fallback to internet (NxDomainRedirect), and no other zone", () => {
            // learn.microsoft.com/azure/dns/private-dns-fallback: a name with no record in a linked privatelink zone (a vault
            // or account whose private endpoint is registered in another zone, such as prod's kv-pki-prod) resolves publicly
            // instead of NXDOMAIN. Azure applies the policy to privatelink zones only, so APIM's per-host zones keep none.
            const links = g.byType("azure-native:privatedns:VirtualNetworkLink").map((l) => ({ name: l.name, inputs: g.plainInputs(l) }));
            const zone = (l: { inputs: Obj }) => String(l.inputs["privateZoneName"]);
            const privatelink = links.filter((l) => zone(l).startsWith("privatelink."));
            const others = links.filter((l) => !zone(l).startsWith("privatelink."));
            for (const l of privatelink) expect(l.inputs, l.name).to.deep.include({ resolutionPolicy: "NxDomainRedirect", registrationEnabled: false });
            for (const l of others) expect(l.inputs, l.name).to.not.have.property("resolutionPolicy");
            expect(others.length, "APIM's per-host zones").to.be.greaterThan(0);
            const vault = privatelink.filter((l) => zone(l) === "privatelink.vaultcore.azure.net").map((l) => l.name);
            expect(vault).to.deep.equal(["hub-pdns-privatelink.vaultcore.azure.net-link-hub", "spoke-pdns-privatelink.vaultcore.azure.net-link-spoke"]);
        });

        it("allows exactly the documented egress through the firewall, group by group, rule by rule", () => {
            const rcgs = g.byType("azure-native:network:FirewallPolicyRuleCollectionGroup");
            expect(rcgs.map((r) => {
                const i = g.plainInputs(r);
                return { name: i["ruleCollectionGroupName"], priority: i["priority"], ruleCollections: i["ruleCollections"] };
            })).to.deep.equal(expectedEgress(p));
            // Written one after another (parallel PUTs on one policy fail), the firewall attached after the last.
            for (let i = 1; i < rcgs.length; i++) expect(rcgs[i]?.dependencies, rcgs[i]?.name).to.include(rcgs[i - 1]?.urn);
            expect(g.one("azure-native:network:AzureFirewall").dependencies).to.include(rcgs.at(-1)?.urn);
        });

        it(`grants the hub's role assignments ${stack === "prod" ? "(the flow-log writer, and the login group's: prod requires one)" : "(none: flow logs off, no login group)"}`, () => {
            const ras = hubChildren(g, "azure-native:authorization:RoleAssignment");
            if (stack === "dev") { expect(ras).to.deep.equal([]); return; }
            const account = g.one("azure-native:storage:StorageAccount", "hub-st-flowlogs");
            const identity = g.one("azure-native:managedidentity:UserAssignedIdentity", "hub-id-flowlogs");
            // The login group's four (VM Administrator Login, Reader on the VM, NIC and Bastion) are asserted in detail
            // in the "dev with ahds:jumpbox.loginGroupObjectId" suite below.
            expect(ras.map((r) => r.name)).to.have.members(["hub-st-flowlogs-ra-writer", "hub-jumpbox-ra-login0", "hub-jumpbox-vm-ra-reader0", "hub-jumpbox-nic-ra-reader0", "hub-jumpbox-bas-ra-reader0"]);
            for (const r of ras.filter((x) => x.name.startsWith("hub-jumpbox-"))) expect(g.plainInputs(r)["principalId"], r.name).to.equal("00000000-0000-0000-0000-0000000000a3");
            const ra = ras.find((r) => r.name === "hub-st-flowlogs-ra-writer") as RecordedResource;
            expect(g.plainInputs(ra)).to.deep.include({ roleDefinitionId: roleId(STORAGE_BLOB_DATA_CONTRIBUTOR), principalType: "ServicePrincipal", scope: account.id, principalId: identity.outputs["principalId"] as Json });
            expect(ra.propertyDependencies["scope"]).to.deep.equal([account.urn]);
            expect(ra.propertyDependencies["principalId"]).to.deep.equal([identity.urn]);
        });

        if (stack === "prod") {
            it("makes every flow log (hub and spoke) depend on the role assignment that lets its identity write the flow-log account", () => {
                const ra = g.one("azure-native:authorization:RoleAssignment", "hub-st-flowlogs-ra-writer");
                const identity = g.one("azure-native:managedidentity:UserAssignedIdentity", "hub-id-flowlogs");
                const logs = g.byType("azure-native:network:FlowLog");
                expect(logs.map((l) => l.name)).to.deep.equal(["hub-vnet-flowlog", "spoke-vnet-flowlog"]);
                for (const l of logs) {
                    expect(g.plainInputs(l)["identity"], l.name).to.deep.equal({ type: "UserAssigned", userAssignedIdentities: [identity.id] });
                    // The identity property itself carries the grant: the flow log is created only after it.
                    expect(l.propertyDependencies["identity"], l.name).to.include(ra.urn).and.include(identity.urn);
                    expect(g.allDependencies(l).has(ra.urn), l.name).to.equal(true);
                }
            });
        }

        it(`has public IPs only on the firewall, Bastion, the WAF gateway and APIM's management endpoint${stack === "prod" ? ", and the VPN gateway" : ""}`, () => {
            // The firewall (egress), Bastion (admin entry), Application Gateway WAF_v2 (the only client entry) and APIM
            // stv2's management IP (port 3443 from the ApiManagement tag only; its gateway is internal).
            const pips = new Set(g.byType("azure-native:network:PublicIPAddress").map((r) => String(r.id)));
            const users = g.custom.filter((r) => r.type !== "azure-native:monitor:DiagnosticSetting" && [...pips].some((id) => JSON.stringify(g.plainInputs(r)).includes(id)));
            expect([...new Set(users.map((r) => r.type))].sort()).to.deep.equal(["azure-native:apimanagement:ApiManagementService", "azure-native:network:ApplicationGateway", "azure-native:network:AzureFirewall", "azure-native:network:BastionHost",
                // The site-to-site VPN's two tunnel endpoints (active-active).
                ...(p.hybrid !== undefined ? ["azure-native:network:VirtualNetworkGateway"] : [])]);
            expect(g.plainInputs(g.one("azure-native:apimanagement:ApiManagementService"))["virtualNetworkType"]).to.equal("Internal");
            for (const nic of g.byType("azure-native:network:NetworkInterface")) expect(JSON.stringify(g.plainInputs(nic))).to.not.include("publicIPAddress");
        });

        it("runs the jumpbox without public IP or password authentication", () => {
            const vm = g.plainInputs(g.one("azure-native:compute:VirtualMachine"));
            const os = vm["osProfile"] as Obj;
            expect(os["adminPassword"]).to.equal(undefined);
            expect((os["linuxConfiguration"] as Obj)["disablePasswordAuthentication"]).to.equal(true);
        });

        it("keeps Key Vault purge-protected, RBAC-only and private", () => {
            const kv = g.one("azure-native:keyvault:Vault");
            expect(g.plainInputs(kv)["properties"]).to.deep.include({ enablePurgeProtection: true, enableRbacAuthorization: true, publicNetworkAccess: "Disabled" });
            const pe = g.byType("azure-native:network:PrivateEndpoint").find((x) => JSON.stringify(x.propertyDependencies).includes(kv.urn));
            expect(pe, "Key Vault private endpoint").to.not.equal(undefined);
        });

        it(`attaches the firewall to a policy with threat intelligence Deny${stack === "prod" ? " and IDPS Deny (Premium)" : ""}`, () => {
            const policy = g.one("azure-native:network:FirewallPolicy");
            expect(g.plainInputs(policy)).to.deep.include(stack === "prod"
                ? { threatIntelMode: "Deny", sku: { tier: "Premium" }, intrusionDetection: { mode: "Deny" }, dnsSettings: { enableProxy: true } }
                : { threatIntelMode: "Deny", sku: { tier: "Standard" }, dnsSettings: { enableProxy: true } });
            expect(g.one("azure-native:network:AzureFirewall").propertyDependencies["firewallPolicy"]).to.deep.equal([policy.urn]);
        });

        it(`delegates exactly the function and Container Apps subnets${stack === "prod" ? " and the DNS resolver's" : ""}`, () => {
            const delegations = g.byType("azure-native:network:VirtualNetwork").flatMap((v) => (g.plainInputs(v)["subnets"] as Obj[])
                .filter((s) => s["delegations"] !== undefined).map((s) => [s["name"], s["delegations"]]));
            // Regional VNet integration needs Microsoft.Web/serverFarms (app-service/overview-vnet-integration); a
            // workload-profiles environment needs Microsoft.App/environments (container-apps/custom-virtual-networks).
            expect(delegations).to.deep.equal([
                // The resolver's inbound endpoint subnet is delegated to Microsoft.Network/dnsResolvers (dns-private-resolver-overview).
                ...(p.hybrid !== undefined ? [["snet-dns-inbound", [{ name: "dns-resolvers", serviceName: "Microsoft.Network/dnsResolvers" }]]] : []),
                ["snet-func-integration", [{ name: "web-serverfarms", serviceName: "Microsoft.Web/serverFarms" }]],
                ["snet-container-apps", [{ name: "app-environments", serviceName: "Microsoft.App/environments" }]],
            ]);
        });
    });
}

describe("network and security baseline (dev with ahds:jumpbox.loginGroupObjectId)", () => {
    const GROUP = "44444444-4444-4444-4444-444444444444";
    let g: Graph;
    before(async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-login-"));
        const file = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(file, `${fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), "utf8").replace(/\n?$/, "\n")}  ahds:jumpbox.loginGroupObjectId: ${GROUP}\n`);
        const r = await runProgram({ stack: "dev", stackFile: file });
        expect(r.error).to.equal(undefined);
        g = r.graph;
    });

    it("grants the group Virtual Machine Administrator Login on the jumpbox and Reader on it, its NIC and Bastion, and nothing else in the hub", () => {
        const vm = g.one("azure-native:compute:VirtualMachine");
        const ras = hubChildren(g, "azure-native:authorization:RoleAssignment");
        expect(ras.map((r) => r.name)).to.have.members(["hub-jumpbox-ra-login0", "hub-jumpbox-vm-ra-reader0", "hub-jumpbox-nic-ra-reader0", "hub-jumpbox-bas-ra-reader0"]);
        const ra = ras.find((r) => r.name === "hub-jumpbox-ra-login0") as RecordedResource;
        // Entra ID SSH login (learn.microsoft.com/entra/identity/devices/howto-vm-sign-in-azure-ad-linux) at the VM's scope.
        expect(g.plainInputs(ra)).to.deep.include({ roleDefinitionId: roleId(VM_ADMINISTRATOR_LOGIN), principalId: GROUP, principalType: "Group", scope: vm.id });
        expect(ra.propertyDependencies["scope"]).to.deep.equal([vm.urn]);
        // Bastion's native client: "Reader role on the virtual machine. Reader role on the NIC with private IP of the
        // virtual machine. Reader role on the Azure Bastion resource" (learn.microsoft.com/azure/bastion/connect-vm-native-client-linux).
        const reader = (n: string) => g.plainInputs(ras.find((r) => r.name === n) as RecordedResource);
        const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
        for (const [n, scope] of [["hub-jumpbox-vm-ra-reader0", vm.id], ["hub-jumpbox-nic-ra-reader0", g.one("azure-native:network:NetworkInterface", "hub-jumpbox-nic").id], ["hub-jumpbox-bas-ra-reader0", g.one("azure-native:network:BastionHost").id]] as const) {
            expect(reader(n), n).to.deep.include({ roleDefinitionId: roleId(READER), principalId: GROUP, principalType: "Group", scope });
        }
    });
});
