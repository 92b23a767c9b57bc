import { expect } from "chai";
import { HubSecurity, HubSecurityArgs } from "../components/hubSecurity";
import { Graph } from "../lib/offline/graph";
import { MOCK_SUBSCRIPTION_ID } from "../lib/offline/mocks";
import { runComponent } from "../lib/offline/run";
import { Json } from "../lib/offline/values";

const LAW = `/subscriptions/${MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-hub/providers/Microsoft.OperationalInsights/workspaces/law`;
const BASE: HubSecurityArgs = {
    naming: { workload: "ahds", environment: "dev", location: "westeurope", uniqueSuffix: "abc12" },
    resourceGroupName: "rg-hub",
    workspace: { resourceId: LAW, customerId: "00000000-0000-4000-8000-000000000001" },
    network: { addressSpace: "10.0.0.0/22", firewallSubnet: "10.0.0.0/26", bastionSubnet: "10.0.0.64/26", jumpboxSubnet: "10.0.1.0/27", privateEndpointSubnet: "10.0.1.32/27" },
};
const GROUP = "44444444-4444-4444-4444-444444444444";
/** Built-in role definition GUIDs (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
const STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
const VM_ADMINISTRATOR_LOGIN = "1c0163c0-47e6-4577-8991-ea5c82e286e4";
/** Every privatelink zone the platform's endpoints register in (learn.microsoft.com/azure/private-link/private-endpoint-dns). */
const PRIVATE_DNS_ZONES = [
    "privatelink.vaultcore.azure.net", "privatelink.blob.core.windows.net", "privatelink.queue.core.windows.net", "privatelink.table.core.windows.net",
    "privatelink.file.core.windows.net", "privatelink.dfs.core.windows.net", "privatelink.azurecr.io", "privatelink.azurewebsites.net",
    "privatelink.workspace.azurehealthcareapis.com", "privatelink.fhir.azurehealthcareapis.com", "privatelink.dicom.azurehealthcareapis.com", "privatelink.servicebus.windows.net",
    // Synapse Sql/SqlOnDemand, Dev and the private link hub's web; Azure AI services accounts.
    "privatelink.sql.azuresynapse.net", "privatelink.dev.azuresynapse.net", "privatelink.azuresynapse.net", "privatelink.cognitiveservices.azure.com",
];
const SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEx8 operator@example.org";

function run(args: HubSecurityArgs) {
    return runComponent(() => {
        const hub = new HubSecurity("hub", args);
        return { firewallPrivateIp: hub.firewallPrivateIp, privateDnsZoneIds: hub.privateDnsZoneIds, keyVaultUri: hub.keyVaultUri, jumpboxSshKeySecretId: hub.jumpboxSshKeySecretId, flowLogStorageAccountId: hub.flowLogStorageAccountId };
    });
}

const inputs = (g: Graph, type: string, name?: string) => g.plainInputs(g.one(type, name));
const subnets = (g: Graph) => (inputs(g, "azure-native:network:VirtualNetwork")["subnets"] as Array<Record<string, Json>>);
const subnet = (g: Graph, name: string) => {
    const s = subnets(g).find((x) => x["name"] === name);
    if (s === undefined) throw new Error(`no subnet ${name}`);
    return s;
};
const nsgRules = (g: Graph, name: string) => (inputs(g, "azure-native:network:NetworkSecurityGroup", name)["securityRules"] as Array<Record<string, Json>>);

describe("HubSecurity component", () => {
    describe("defaults", () => {
        let g: Graph;
        let out: Record<string, unknown>;
        before(async () => {
            const r = await run(BASE);
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("builds the hub VNet with Azure's reserved subnet names, an NSG on every subnet that may carry one, and no implicit outbound access", () => {
            expect(subnets(g).map((s) => s["name"])).to.deep.equal(["AzureFirewallSubnet", "AzureBastionSubnet", "snet-jumpbox", "snet-private-endpoints"]);
            // No NSG on AzureFirewallSubnet (firewall-faq), and, without a hybrid gateway, no route table: its system route
            // 0.0.0.0/0 → Internet is what the firewall needs. No route table on AzureBastionSubnet (bastion-faq).
            expect(subnet(g, "AzureFirewallSubnet")).to.not.have.any.keys("networkSecurityGroup", "routeTable");
            expect(subnet(g, "AzureBastionSubnet")).to.not.have.property("routeTable");
            for (const n of ["AzureBastionSubnet", "snet-jumpbox", "snet-private-endpoints"]) expect(subnet(g, n)["networkSecurityGroup"], n).to.be.an("object");
            expect(subnet(g, "snet-jumpbox")).to.include({ defaultOutboundAccess: false });
            expect(subnet(g, "snet-private-endpoints")).to.include({ privateEndpointNetworkPolicies: "NetworkSecurityGroupEnabled" });
        });

        it("attaches a Firewall Policy with threat intelligence Deny and DNS proxy, and no classic rule collections", () => {
            const policy = inputs(g, "azure-native:network:FirewallPolicy");
            expect(policy).to.deep.include({ threatIntelMode: "Deny", dnsSettings: { enableProxy: true }, sku: { tier: "Standard" } });
            expect(policy).to.not.have.property("intrusionDetection");
            const fw = g.one("azure-native:network:AzureFirewall");
            expect(fw.propertyDependencies["firewallPolicy"]).to.deep.equal([g.one("azure-native:network:FirewallPolicy").urn]);
            expect(g.plainInputs(fw)).to.not.have.any.keys("applicationRuleCollections", "networkRuleCollections", "natRuleCollections");
            expect(g.plainInputs(fw)).to.deep.include({ sku: { name: "AZFW_VNet", tier: "Standard" } });
        });

        it("writes rule collection groups one after another and attaches the firewall after the last", () => {
            const rcgs = g.byType("azure-native:network:FirewallPolicyRuleCollectionGroup");
            // Without workload sources only the jumpbox's rules exist (Entra ID and Azure Monitor, then management).
            expect(rcgs.map((r) => r.name)).to.deep.equal(["hub-rcg-platform", "hub-rcg-management"]);
            expect(rcgs[1]?.dependencies).to.include(rcgs[0]?.urn);
            expect(g.one("azure-native:network:AzureFirewall").dependencies).to.include(rcgs[1]?.urn);
        });

        it("plans routes and DNS for the firewall's first usable address and routes both hub workload subnets through it", () => {
            expect(out["firewallPrivateIp"]).to.equal("10.0.0.4");
            const def = { disableBgpRoutePropagation: true, routes: [{ name: "default-via-firewall", addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" }] };
            expect(g.byType("azure-native:network:RouteTable").map((t) => t.name)).to.deep.equal(["hub-rt-jumpbox", "hub-rt-pe"]);
            expect(inputs(g, "azure-native:network:RouteTable", "hub-rt-jumpbox")).to.deep.include(def);
            expect(inputs(g, "azure-native:network:RouteTable", "hub-rt-pe")).to.deep.include(def);
            const vnet = g.one("azure-native:network:VirtualNetwork");
            expect(vnet.propertyDependencies["subnets"]).to.include(g.one("azure-native:network:RouteTable", "hub-rt-jumpbox").urn).and.include(g.one("azure-native:network:RouteTable", "hub-rt-pe").urn);
            expect(subnet(g, "snet-jumpbox")["routeTable"]).to.deep.equal({ id: g.one("azure-native:network:RouteTable", "hub-rt-jumpbox").id });
            expect(subnet(g, "snet-private-endpoints")["routeTable"]).to.deep.equal({ id: g.one("azure-native:network:RouteTable", "hub-rt-pe").id });
            expect(inputs(g, "azure-native:network:NetworkInterface")["dnsSettings"]).to.deep.equal({ dnsServers: ["10.0.0.4"] });
        });

        it("gives AzureBastionSubnet exactly Microsoft's required NSG rules (bastion-nsg), RDP included, and denies the rest", () => {
            // learn.microsoft.com/azure/bastion/bastion-nsg: Azure rejects an AzureBastionSubnet NSG missing any of these
            // (NetworkSecurityGroupNotCompliantForAzureBastionSubnet); AllowSshRdpOutbound is 22 and 3389, any protocol.
            const r = (name: string, priority: number, direction: string, access: string, protocol: string, src: Record<string, Json>, dst: Record<string, Json>, ports: Record<string, Json>) =>
                ({ name, priority, direction, access, protocol, sourcePortRange: "*", ...src, ...dst, ...ports });
            expect(nsgRules(g, "hub-nsg-bastion").map(({ description: _d, ...rest }) => rest)).to.deep.equal([
                r("allow-https-inbound", 120, "Inbound", "Allow", "Tcp", { sourceAddressPrefix: "Internet" }, { destinationAddressPrefix: "*" }, { destinationPortRange: "443" }),
                r("allow-gateway-manager", 130, "Inbound", "Allow", "Tcp", { sourceAddressPrefix: "GatewayManager" }, { destinationAddressPrefix: "*" }, { destinationPortRange: "443" }),
                r("allow-load-balancer", 140, "Inbound", "Allow", "Tcp", { sourceAddressPrefix: "AzureLoadBalancer" }, { destinationAddressPrefix: "*" }, { destinationPortRange: "443" }),
                r("allow-host-communication", 150, "Inbound", "Allow", "*", { sourceAddressPrefix: "VirtualNetwork" }, { destinationAddressPrefix: "VirtualNetwork" }, { destinationPortRanges: ["8080", "5701"] }),
                r("deny-all-inbound", 4096, "Inbound", "Deny", "*", { sourceAddressPrefix: "*" }, { destinationAddressPrefix: "*" }, { destinationPortRange: "*" }),
                r("allow-ssh-rdp-outbound", 100, "Outbound", "Allow", "*", { sourceAddressPrefix: "*" }, { destinationAddressPrefix: "VirtualNetwork" }, { destinationPortRanges: ["22", "3389"] }),
                r("allow-azure-cloud-outbound", 110, "Outbound", "Allow", "Tcp", { sourceAddressPrefix: "*" }, { destinationAddressPrefix: "AzureCloud" }, { destinationPortRange: "443" }),
                r("allow-host-communication-outbound", 120, "Outbound", "Allow", "*", { sourceAddressPrefix: "VirtualNetwork" }, { destinationAddressPrefix: "VirtualNetwork" }, { destinationPortRanges: ["8080", "5701"] }),
                r("allow-session-info-outbound", 130, "Outbound", "Allow", "*", { sourceAddressPrefix: "*" }, { destinationAddressPrefix: "Internet" }, { destinationPortRange: "80" }),
                r("deny-all-outbound", 4096, "Outbound", "Deny", "*", { sourceAddressPrefix: "*" }, { destinationAddressPrefix: "*" }, { destinationPortRange: "*" }),
            ]);
        });

        it("gives public IPs only to the firewall and Bastion", () => {
            expect(g.byType("azure-native:network:PublicIPAddress").map((r) => r.name).sort()).to.deep.equal(["hub-pip-afw", "hub-pip-bas"]);
            const users = g.custom.filter((r) => JSON.stringify(r.propertyDependencies).includes("PublicIPAddress::")).map((r) => r.type);
            expect(users.sort()).to.deep.equal(["azure-native:monitor:DiagnosticSetting", "azure-native:monitor:DiagnosticSetting", "azure-native:network:AzureFirewall", "azure-native:network:BastionHost"]);
        });

        it("runs a Linux jumpbox without public IP or password: SSH key, Entra ID login, encryption at host, Trusted Launch", () => {
            const nic = inputs(g, "azure-native:network:NetworkInterface");
            expect(JSON.stringify(nic)).to.not.include("publicIPAddress");
            const vm = inputs(g, "azure-native:compute:VirtualMachine");
            const os = vm["osProfile"] as Record<string, Json>;
            expect(os).to.not.have.property("adminPassword");
            expect(os["linuxConfiguration"]).to.deep.include({ disablePasswordAuthentication: true });
            expect(vm["securityProfile"]).to.deep.equal({ encryptionAtHost: true, securityType: "TrustedLaunch", uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } });
            expect(vm).to.deep.include({ identity: { type: "SystemAssigned" }, diagnosticsProfile: { bootDiagnostics: { enabled: true } } });
            expect(inputs(g, "azure-native:compute:VirtualMachineExtension")).to.deep.include({ publisher: "Microsoft.Azure.ActiveDirectory", type: "AADSSHLoginForLinux" });
        });

        it("keeps the generated private key secret: a Pulumi secret stored in Key Vault, never a plain output", () => {
            expect(g.one("tls:index/privateKey:PrivateKey").inputs).to.deep.include({ algorithm: "RSA", rsaBits: 4096 });
            const secret = inputs(g, "azure-native:keyvault:Secret");
            expect(secret["properties"]).to.deep.equal({ value: "[secret]", contentType: "application/x-openssh-private-key" });
            expect(String(out["jumpboxSshKeySecretId"])).to.match(/\/vaults\/kvahdsdevhubabc12\/secrets\/jumpbox-ssh-private-key$/);
            // No recorded input anywhere carries the key in plain text.
            for (const r of g.resources) expect(JSON.stringify(g.plainInputs(r)), r.urn).to.not.include("PRIVATE KEY");
        });

        it("creates a private Key Vault: RBAC, purge protection, 90-day soft delete, private endpoint in the vault zone", () => {
            expect(inputs(g, "azure-native:keyvault:Vault")["properties"]).to.deep.include({
                enableRbacAuthorization: true, enablePurgeProtection: true, enableSoftDelete: true, softDeleteRetentionInDays: 90,
                publicNetworkAccess: "Disabled", networkAcls: { defaultAction: "Deny", bypass: "None" },
            });
            const pe = inputs(g, "azure-native:network:PrivateEndpoint");
            expect(JSON.stringify(pe["privateLinkServiceConnections"])).to.include('"groupIds":["vault"]');
            const zoneGroup = g.one("azure-native:network:PrivateDnsZoneGroup");
            expect(zoneGroup.propertyDependencies["privateDnsZoneConfigs"]).to.deep.equal([g.one("azure-native:privatedns:PrivateZone", "hub-pdns-privatelink.vaultcore.azure.net").urn]);
            expect(out["keyVaultUri"]).to.equal("https://kvahdsdevhubabc12.vault.azure.net/");
        });

        it("creates every privatelink zone the platform uses, linked to the hub, and outputs their IDs by name", () => {
            // The AHDS zones Microsoft documents today, not the reference implementation's legacy privatelink.azurehealthcareapis.com (its defect 11).
            expect(g.byType("azure-native:privatedns:PrivateZone").map((r) => g.plainInputs(r)["privateZoneName"])).to.deep.equal(PRIVATE_DNS_ZONES);
            expect(g.byType("azure-native:privatedns:VirtualNetworkLink")).to.have.length(16);
            expect(Object.keys(out["privateDnsZoneIds"] as object)).to.deep.equal(PRIVATE_DNS_ZONES);
        });

        it("links each zone to the hub VNet with fallback to internet, so names the zone has no record for resolve publicly", () => {
            // learn.microsoft.com/azure/dns/private-dns-fallback: NxDomainRedirect on the link; without it, a vault or account
            // whose private endpoint is registered in another zone answers NXDOMAIN here.
            const links = g.byType("azure-native:privatedns:VirtualNetworkLink").map((l) => g.plainInputs(l));
            expect(links.map((l) => l["privateZoneName"])).to.deep.equal(PRIVATE_DNS_ZONES);
            for (const l of links) {
                expect(l, String(l["privateZoneName"])).to.deep.include({
                    virtualNetworkLinkName: "link-vnet-ahds-dev-weu-hub", location: "global", registrationEnabled: false, resolutionPolicy: "NxDomainRedirect",
                    virtualNetwork: { id: g.one("azure-native:network:VirtualNetwork").id },
                });
            }
        });

        it("allows SSH to the jumpbox only from Bastion and denies everything else inbound", () => {
            const rules = nsgRules(g, "hub-nsg-jumpbox");
            expect(rules[0]).to.deep.include({ access: "Allow", destinationPortRange: "22", sourceAddressPrefix: "10.0.0.64/26" });
            expect(rules.at(-1)).to.deep.include({ access: "Deny", priority: 4096, direction: "Inbound" });
        });

        it("sends firewall, Key Vault, Bastion, VNet, public IP and NSG diagnostics to the central workspace", () => {
            const diags = g.byType("azure-native:monitor:DiagnosticSetting");
            expect(diags.map((d) => d.name).sort()).to.deep.equal(["hub-afw-diag-law", "hub-bas-diag-law", "hub-kv-diag-law", "hub-nsg-bastion-diag-law", "hub-nsg-jumpbox-diag-law", "hub-nsg-pe-diag-law", "hub-pip-afw-diag-law", "hub-pip-bas-diag-law", "hub-vnet-diag-law"]);
            for (const d of diags) expect(g.plainInputs(d)).to.include({ workspaceId: LAW, logAnalyticsDestinationType: "Dedicated" });
        });

        it("deploys no governance or flow logs unless switched on, and protects nothing", () => {
            for (const t of ["azure-native:security:Pricing", "azure-native:authorization:PolicyAssignment", "azure-native:network:FlowLog", "azure-native:storage:StorageAccount"]) expect(g.byType(t), t).to.deep.equal([]);
            expect(g.custom.filter((r) => r.protect || r.retainOnDelete)).to.deep.equal([]);
        });

        it("parents every child to the component with names prefixed by the component name", () => {
            const comp = g.one("ahds:index:HubSecurity");
            const descendants = g.resources.filter((r) => r !== comp && r.type !== "pulumi:pulumi:Stack");
            for (const r of descendants) expect(r.name.startsWith("hub-"), r.name).to.equal(true);
            const direct = new Set(g.children(comp.urn).map((r) => r.urn));
            for (const r of descendants) expect(direct.has(r.urn) || direct.has(r.parent ?? ""), r.name).to.equal(true);
        });
    });

    describe("waf-aligned (prod)", () => {
        let g: Graph;
        let out: Record<string, unknown>;
        before(async () => {
            const r = await run({
                ...BASE,
                naming: { ...BASE.naming, environment: "prod" },
                firewall: { sku: "Premium" },
                bastion: { sku: "Standard" },
                zoneRedundant: true,
                egress: { workloadAddressPrefixes: ["10.1.1.0/27", "10.1.3.0/26", "10.1.4.0/27"], apimAddressPrefixes: ["10.1.1.0/27"], containerAppsAddressPrefixes: ["10.1.4.0/27"] },
                flowLogs: { enabled: true, retentionInDays: 365 },
                governance: { defenderPlansEnabled: true, hitrustPolicyAssignmentEnabled: true, policyAssignmentScopes: { hub: "/subscriptions/s/resourceGroups/rg-hub", data: "/subscriptions/s/resourceGroups/rg-data" } },
                lock: { kind: "CanNotDelete" },
                protectStatefulResources: true,
                retainStatefulResourcesOnDelete: true,
            });
            expect(r.error).to.equal(undefined);
            g = r.graph;
            out = r.outputs;
        });

        it("runs Premium with IDPS in Deny mode, zone-redundant firewall and public IPs", () => {
            expect(inputs(g, "azure-native:network:FirewallPolicy")).to.deep.include({ sku: { tier: "Premium" }, intrusionDetection: { mode: "Deny" }, threatIntelMode: "Deny" });
            expect(inputs(g, "azure-native:network:AzureFirewall")).to.deep.include({ zones: ["1", "2", "3"], sku: { name: "AZFW_VNet", tier: "Premium" } });
            for (const p of g.byType("azure-native:network:PublicIPAddress")) expect(g.plainInputs(p)["zones"]).to.deep.equal(["1", "2", "3"]);
        });

        it("allows only the workload's egress, each rule with its reason, from the right sources", () => {
            const groups = g.byType("azure-native:network:FirewallPolicyRuleCollectionGroup").map((r) => g.plainInputs(r));
            expect(groups.map((x) => [x["ruleCollectionGroupName"], x["priority"]])).to.deep.equal([["platform", 200], ["apim", 250], ["workload", 300], ["management", 400]]);
            const rules = groups.flatMap((x) => (x["ruleCollections"] as Array<Record<string, Json>>).flatMap((c) => c["rules"] as Array<Record<string, Json>>));
            for (const r of rules) expect(String(r["description"]).length, String(r["name"])).to.be.greaterThan(10);
            const byName = Object.fromEntries(rules.map((r) => [String(r["name"]), r]));
            expect(byName["entra-id"]).to.deep.include({ destinationAddresses: ["AzureActiveDirectory"], destinationPorts: ["443"] });
            expect(byName["container-images"]).to.deep.include({ sourceAddresses: ["10.1.4.0/27"] });
            expect(byName["container-images"]?.["targetFqdns"]).to.include("mcr.microsoft.com");
            // The jumpbox downloads the FHIR Loader's package and uploads it in-network; no rule has the function subnet as source.
            expect(byName["fhir-loader-package"]).to.deep.include({ sourceAddresses: ["10.0.1.0/27"], targetFqdns: ["github.com", "objects.githubusercontent.com", "release-assets.githubusercontent.com"] });
            expect(byName["fhir-loader-package"]?.["description"]).to.equal("FHIR Loader code package download for the in-network upload (pinned build, SHA-256 checked)");
            for (const r of rules) expect(r["sourceAddresses"] as Json[], String(r["name"])).to.not.deep.equal(["10.1.3.0/26"]);
            expect(byName["os-updates"]).to.deep.include({ sourceAddresses: ["10.0.1.0/27"] });
            // The SMTP relay stays closed unless asked for; the stv2 platform's Windows Update goes through the firewall's FQDN tag.
            expect(byName["apim-smtp-relay"]).to.equal(undefined);
            expect(byName["apim-windows-update"]).to.deep.include({ fqdnTags: ["WindowsUpdate"], sourceAddresses: ["10.1.1.0/27"] });
            // No wildcard destinations: nothing like the reference implementation's "Allow-Jumpbox: any to *".
            for (const r of rules) {
                expect(r["destinationAddresses"] ?? [], String(r["name"])).to.not.include("*");
                expect(r["targetFqdns"] ?? [], String(r["name"])).to.not.include("*");
            }
            // Every collection allows; denial is the firewall's implicit default.
            for (const x of groups) for (const c of x["ruleCollections"] as Array<Record<string, Json>>) expect(c["action"]).to.deep.equal({ type: "Allow" });
        });

        it("enables Bastion native-client tunnelling (Entra ID SSH from the CLI) without shareable links", () => {
            expect(inputs(g, "azure-native:network:BastionHost")).to.deep.include({ sku: { name: "Standard" }, enableTunneling: true, enableShareableLink: false });
        });

        it("protects and retains the Key Vault and flow-log storage, and locks the vault", () => {
            for (const t of ["azure-native:keyvault:Vault", "azure-native:storage:StorageAccount"]) expect(g.one(t)).to.include({ protect: true, retainOnDelete: true });
            const lock = g.one("azure-native:authorization:ManagementLockByScope");
            expect(lock.inputs["level"]).to.equal("CanNotDelete");
            expect(lock.propertyDependencies["scope"]).to.deep.equal([g.one("azure-native:keyvault:Vault").urn]);
        });

        it("records hub VNet flow logs with traffic analytics into storage without shared keys, written by a managed identity", () => {
            expect(inputs(g, "azure-native:storage:StorageAccount")).to.deep.include({
                allowSharedKeyAccess: false, allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2", enableHttpsTrafficOnly: true, sku: { name: "Standard_ZRS" },
                networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
            });
            const raRes = g.one("azure-native:authorization:RoleAssignment");
            const ra = g.plainInputs(raRes);
            const identity = g.one("azure-native:managedidentity:UserAssignedIdentity");
            expect(ra).to.include({ roleDefinitionId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_BLOB_DATA_CONTRIBUTOR}`, principalType: "ServicePrincipal" });
            expect(raRes.propertyDependencies["scope"]).to.deep.equal([g.one("azure-native:storage:StorageAccount").urn]);
            expect(raRes.propertyDependencies["principalId"]).to.deep.equal([identity.urn]);
            const fl = g.one("azure-native:network:FlowLog");
            // The flow log waits for its identity's write grant: explicitly, and through the identity it names.
            expect(fl.dependencies).to.include(raRes.urn);
            expect(fl.propertyDependencies["identity"]).to.include(raRes.urn).and.include(identity.urn);
            expect(g.plainInputs(fl)["identity"]).to.deep.equal({ type: "UserAssigned", userAssignedIdentities: [identity.id] });
            expect(g.plainInputs(fl)).to.deep.include({ networkWatcherName: "NetworkWatcher_westeurope", resourceGroupName: "NetworkWatcherRG", enabled: true, retentionPolicy: { enabled: true, days: 365 }, format: { type: "JSON", version: 2 } });
            expect(JSON.stringify(g.plainInputs(fl)["flowAnalyticsConfiguration"])).to.include('"enabled":true').and.include(LAW);
            expect(fl.propertyDependencies["targetResourceId"]).to.deep.equal([g.one("azure-native:network:VirtualNetwork").urn]);
            expect(String(out["flowLogStorageAccountId"])).to.include("/storageAccounts/stahdsprodflowabc12");
        });

        it("enables Defender for Cloud plans at subscription scope", () => {
            const plans = g.byType("azure-native:security:Pricing").map((r) => g.plainInputs(r));
            expect(plans.map((p) => p["pricingName"]).sort()).to.deep.equal(["Api", "AppServices", "Arm", "CloudPosture", "Containers", "KeyVaults", "StorageAccounts", "VirtualMachines"]);
            for (const p of plans) expect(p).to.include({ pricingTier: "Standard", scopeId: `/subscriptions/${MOCK_SUBSCRIPTION_ID}` });
            expect(plans.find((p) => p["pricingName"] === "StorageAccounts")).to.include({ subPlan: "DefenderForStorageV2" });
        });

        it("assigns the HITRUST/HIPAA initiative at each given resource group with its required parameters", () => {
            const assignments = g.byType("azure-native:authorization:PolicyAssignment").map((r) => g.plainInputs(r));
            expect(assignments.map((a) => a["scope"])).to.deep.equal(["/subscriptions/s/resourceGroups/rg-hub", "/subscriptions/s/resourceGroups/rg-data"]);
            for (const a of assignments) {
                expect(a).to.deep.include({ policyDefinitionId: "/providers/Microsoft.Authorization/policySetDefinitions/a169a624-5599-4385-a696-c8d643089fab", enforcementMode: "DoNotEnforce", identity: { type: "SystemAssigned" }, location: "westeurope" });
                // The four parameters without defaults plus the retention threshold.
                expect(a["parameters"]).to.have.keys("requiredRetentionDays", "NetworkWatcherResourceGroupName", "installedApplicationsOnWindowsVM", "CertificateThumbprints",
                    "DeployDiagnosticSettingsforNetworkSecurityGroupsrgName", "DeployDiagnosticSettingsforNetworkSecurityGroupsstoragePrefix");
                expect(a["parameters"]).to.deep.include({ requiredRetentionDays: { value: "365" } });
            }
        });
    });

    describe("max (every option)", () => {
        let g: Graph;
        before(async () => {
            const r = await run({
                ...BASE,
                network: { ...BASE.network, addressSpace: "10.0.0.0/21", firewallManagementSubnet: "10.0.2.0/26" },
                jumpbox: { enabled: true, vmSize: "Standard_D4s_v5", adminUsername: "ops", sshPublicKey: SSH_KEY, loginGroupObjectIds: [GROUP] },
                privateDnsZones: ["privatelink.vaultcore.azure.net", "privatelink.blob.core.windows.net"],
                egress: { workloadAddressPrefixes: ["10.1.0.0/24"], containerImageFqdns: ["myregistry.azurecr.io"], packageSourceFqdns: ["packages.example.org"], containerAppsAddressPrefixes: ["10.1.4.0/27"], apimAddressPrefixes: ["10.1.1.0/27"], apimSmtpRelay: true },
                tenantId: "99999999-9999-4999-8999-999999999999",
                tags: { owner: "x" },
            });
            expect(r.error).to.equal(undefined);
            g = r.graph;
        });

        it("adds AzureFirewallManagementSubnet with a management public IP and IP configuration", () => {
            expect(subnet(g, "AzureFirewallManagementSubnet")).to.deep.equal({ name: "AzureFirewallManagementSubnet", addressPrefix: "10.0.2.0/26" });
            // Without a hybrid gateway, AzureFirewallSubnet keeps its system routes.
            expect(subnet(g, "AzureFirewallSubnet")).to.deep.equal({ name: "AzureFirewallSubnet", addressPrefix: "10.0.0.0/26" });
            expect(g.byType("azure-native:network:RouteTable").map((t) => t.name)).to.deep.equal(["hub-rt-jumpbox", "hub-rt-pe"]);
            const fw = g.one("azure-native:network:AzureFirewall");
            expect(g.plainInputs(fw)["managementIpConfiguration"]).to.be.an("object");
            expect(fw.propertyDependencies["managementIpConfiguration"]).to.include(g.one("azure-native:network:PublicIPAddress", "hub-pip-afw-mgmt").urn);
        });

        it("uses a supplied SSH key (no generated key, no secret) and grants Entra ID login to the given group", () => {
            expect(g.byType("tls:index/privateKey:PrivateKey")).to.deep.equal([]);
            expect(g.byType("azure-native:keyvault:Secret")).to.deep.equal([]);
            const vm = inputs(g, "azure-native:compute:VirtualMachine");
            expect(JSON.stringify(vm["osProfile"])).to.include(SSH_KEY).and.include("/home/ops/.ssh/authorized_keys");
            expect(vm["hardwareProfile"]).to.deep.equal({ vmSize: "Standard_D4s_v5" });
            // Entra ID login on the VM, and Reader on the VM, its NIC and the Bastion host, which Bastion's native client
            // needs (learn.microsoft.com/azure/bastion/connect-vm-native-client-linux, required roles).
            const role = (guid: string) => `/subscriptions/${MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
            const grants = g.byType("azure-native:authorization:RoleAssignment").map((r) => g.plainInputs(r)).map((i) => [i["roleDefinitionId"], i["scope"], i["principalId"], i["principalType"]]);
            const [vmId, nicId, basId] = [g.one("azure-native:compute:VirtualMachine").id, g.one("azure-native:network:NetworkInterface").id, g.one("azure-native:network:BastionHost").id];
            expect(grants).to.have.deep.members([
                [role(VM_ADMINISTRATOR_LOGIN), vmId, GROUP, "Group"],
                [role("acdd72a7-3385-48ef-bd42-f606fba81ae7"), vmId, GROUP, "Group"],
                [role("acdd72a7-3385-48ef-bd42-f606fba81ae7"), nicId, GROUP, "Group"],
                [role("acdd72a7-3385-48ef-bd42-f606fba81ae7"), basId, GROUP, "Group"],
            ]);
        });

        it("creates only the requested zones, uses the given tenant, egress FQDNs and tags", () => {
            expect(g.byType("azure-native:privatedns:PrivateZone")).to.have.length(2);
            expect(inputs(g, "azure-native:keyvault:Vault")["properties"]).to.include({ tenantId: "99999999-9999-4999-8999-999999999999" });
            const all = JSON.stringify(g.byType("azure-native:network:FirewallPolicyRuleCollectionGroup").map((r) => g.plainInputs(r)));
            expect(all).to.include("myregistry.azurecr.io").and.include("packages.example.org").and.not.include("mcr.microsoft.com");
            expect(inputs(g, "azure-native:keyvault:Vault")["tags"]).to.deep.equal({ owner: "x" });
        });

        it("opens API Management's SMTP relay only when asked (TCP 25, 587, 25028 to Microsoft's relay hosts)", () => {
            const apim = g.plainInputs(g.one("azure-native:network:FirewallPolicyRuleCollectionGroup", "hub-rcg-apim"));
            const net = (apim["ruleCollections"] as Array<Record<string, Json>>).find((c) => c["name"] === "net-apim");
            // Older revisions of api-management/virtual-network-reference ("SMTP Relay"): the hosts the instance's mail resolves under.
            expect((net?.["rules"] as Array<Record<string, Json>>).find((r) => r["name"] === "apim-smtp-relay")).to.deep.equal({
                ruleType: "NetworkRule", name: "apim-smtp-relay", description: "API Management SMTP relay for its e-mail notifications", sourceAddresses: ["10.1.1.0/27"],
                ipProtocols: ["TCP"], destinationPorts: ["25", "587", "25028"],
                destinationFqdns: ["smtpi-co1.msn.com", "smtpi-ch1.msn.com", "smtpi-db3.msn.com", "smtpi-sin.msn.com", "ies.global.microsoft.com"],
            });
        });
    });

    describe("jumpbox off", () => {
        it("creates no VM, key or jumpbox egress, and keeps the rest", async () => {
            const r = await run({ ...BASE, jumpbox: { enabled: false } });
            expect(r.error).to.equal(undefined);
            for (const t of ["azure-native:compute:VirtualMachine", "azure-native:network:NetworkInterface", "tls:index/privateKey:PrivateKey"]) expect(r.graph.byType(t), t).to.deep.equal([]);
            // Without jumpbox or workload sources there is no egress at all: the firewall denies everything.
            expect(r.graph.byType("azure-native:network:FirewallPolicyRuleCollectionGroup")).to.deep.equal([]);
            expect(r.graph.byType("azure-native:network:AzureFirewall")).to.have.length(1);
        });
    });

    describe("invalid args", () => {
        it("throws one error listing every problem and registers nothing", async () => {
            const r = await run({
                ...BASE,
                network: { ...BASE.network, firewallSubnet: "10.0.0.0/27", bastionSubnet: "10.9.0.0/26" },
                firewall: { sku: "Basic" },
                privateDnsZones: ["example.com"],
                governance: { hitrustPolicyAssignmentEnabled: true },
                jumpbox: { adminUsername: "Admin!", loginGroupObjectIds: ["nope"] },
                lock: { kind: "Sometimes" },
            });
            const msg = String(r.error);
            for (const part of ["network.firewallSubnet: \"10.0.0.0/27\" is too small", "network.bastionSubnet: \"10.9.0.0/26\" is not inside", "firewall.sku \"Basic\"",
                "privateDnsZones: \"example.com\"", "privatelink.vaultcore.azure.net", "governance.policyAssignmentScopes", "jumpbox.adminUsername", "jumpbox.loginGroupObjectIds", "lock.kind"]) {
                expect(msg).to.include(part);
            }
            expect(r.graph.resources.filter((x) => x.type !== "pulumi:pulumi:Stack")).to.deep.equal([]);
        });
    });
});
