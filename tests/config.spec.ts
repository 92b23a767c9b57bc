import { expect } from "chai";
import { ConfigError, StackConfig, isConfigError, parseConfig } from "../lib/config";
import { loadStackConfig } from "../lib/offline/stackConfig";

const dev = () => loadStackConfig("dev").config;

/** Parses `dev` with overrides (undefined deletes a key) and returns the problems as "key: message" lines. */
function problems(overrides: Record<string, string | undefined>): string[] {
    const cfg = { ...dev() };
    for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined) delete cfg[`ahds:${k}`];
        else cfg[`ahds:${k}`] = v;
    }
    try {
        parseConfig(cfg);
    } catch (e) {
        if (!isConfigError(e)) throw e;
        return e.problems.map((p) => `${p.key}: ${p.message}`);
    }
    return [];
}

describe("stack config", () => {
    describe("valid stacks", () => {
        it("parses dev into a typed, frozen object", () => {
            const c: StackConfig = parseConfig(dev());
            expect(c.environment).to.equal("dev");
            expect(c.logAnalytics.retentionInDays).to.equal(90);
            expect(c.protect).to.equal(false);
            expect(c.spoke.addressSpace).to.equal("10.1.0.0/20");
            expect(Object.isFrozen(c)).to.equal(true);
            expect(Object.isFrozen(c.spoke)).to.equal(true);
        });
        it("parses prod with protection, zone redundancy and 365-day retention", () => {
            const c = parseConfig(loadStackConfig("prod").config);
            expect(c).to.include({ environment: "prod", protect: true, retainOnDelete: true, zoneRedundant: true });
            expect(c.logAnalytics.retentionInDays).to.equal(365);
            expect(c.firewall.sku).to.equal("Premium");
        });
        it("splits the CORS allow-list and defaults $import to incremental", () => {
            const c = parseConfig({ ...dev(), "ahds:fhir.corsOrigins": " https://a.example.org ,https://b.example.org:8443," });
            expect(c.fhir.corsOrigins).to.deep.equal(["https://a.example.org", "https://b.example.org:8443"]);
            expect(parseConfig(dev()).fhir).to.deep.include({ corsOrigins: [], importMode: "incremental", dicom: false, medtech: false, uploadAnonymizationConfig: true });
        });
        it("parses prod's site-to-site VPN settings, and keeps a secret key out of the typed config", () => {
            const psk = "Stand-in-PSK-for-tests-only-0123456789abcdefghij";
            const c = parseConfig({ ...loadStackConfig("prod").config, "ahds:hybrid.sharedKey": psk });
            expect(c.hybrid).to.deep.equal({
                type: "vpn", sku: "VpnGw2AZ", activeActive: true, bgpAsn: 65515, onPremisesPrefixes: ["192.168.0.0/16"], vpnPeerIpAddress: "203.0.113.10",
                onPremisesBgpAsn: 65050, onPremisesBgpPeeringAddress: "192.168.255.1", expressRouteCircuitId: "",
            });
            expect(c.hub).to.deep.include({ gatewaySubnet: "10.20.2.0/27", dnsResolverInboundSubnet: "10.20.2.32/28" });
            expect(JSON.stringify(c)).to.not.include(psk);
            expect(parseConfig(dev()).hybrid).to.deep.include({ type: "none", sku: "", onPremisesPrefixes: [] });
        });
        it("refuses MedTech: Azure creates no new MedTech service instances since 2025-05-03 (learn.microsoft.com/azure/healthcare-apis/iot/get-started)", () => {
            expect(() => parseConfig({ ...dev(), "ahds:fhir.medtech": "true" })).to.throw(/ahds:fhir\.medtech.*must be false: Azure creates no new MedTech service instances since 2025-05-03/);
            expect(parseConfig({ ...dev(), "ahds:fhir.medtech": "false" }).fhir.medtech).to.equal(false);
        });
        it("ignores keys of other namespaces (provider config)", () => {
            expect(() => parseConfig({ ...dev(), "azure-native:location": "westeurope" })).not.to.throw();
        });
    });

    describe("invalid config: one error, every problem by key", () => {
        const cases: Array<[string, Record<string, string | undefined>, string]> = [
            ["invalid CIDR", { "spoke.addressSpace": "10.1.0.0/33" }, 'ahds:spoke.addressSpace: "10.1.0.0/33" is not a valid CIDR'],
            ["non-CIDR text", { "hub.addressSpace": "ten-dot-zero" }, 'ahds:hub.addressSpace: "ten-dot-zero" is not a valid CIDR'],
            ["host bits set", { "hub.jumpboxSubnet": "10.0.1.5/27" }, 'ahds:hub.jumpboxSubnet: "10.0.1.5/27" is not a network address (did you mean 10.0.1.0/27?)'],
            ["subnet outside its VNet", { "spoke.apimSubnet": "10.9.1.0/27" }, 'ahds:spoke.apimSubnet: "10.9.1.0/27" is not inside spoke.addressSpace "10.1.0.0/20"'],
            ["hub and spoke overlap", { "spoke.addressSpace": "10.0.0.0/16" }, 'ahds:spoke.addressSpace: "10.0.0.0/16" overlaps hub.addressSpace "10.0.0.0/22"'],
            ["subnets overlap", { "spoke.privateEndpointSubnet": "10.1.1.0/24" }, 'ahds:spoke.privateEndpointSubnet: "10.1.1.0/24" overlaps spoke.apimSubnet "10.1.1.0/27"'],
            ["firewall subnet too small", { "hub.firewallSubnet": "10.0.0.0/27" }, 'ahds:hub.firewallSubnet: "10.0.0.0/27" is too small: AzureFirewallSubnet must be /26 or larger'],
            ["bastion subnet too small", { "hub.bastionSubnet": "10.0.0.64/27" }, 'ahds:hub.bastionSubnet: "10.0.0.64/27" is too small: AzureBastionSubnet must be /26 or larger'],
            ["container apps subnet too small", { "spoke.containerAppsSubnet": "10.1.4.0/28" }, "ahds:spoke.containerAppsSubnet: \"10.1.4.0/28\" is too small: a workload-profiles Container Apps environment needs at least /27"],
            ["function integration subnet too small", { "spoke.functionIntegrationSubnet": "10.1.3.0/29" }, "Functions/App Service VNet integration needs at least /28"],
            ["app gateway subnet cannot hold max instances", { "spoke.appGatewaySubnet": "10.1.0.0/28", "appGateway.maxCapacity": "20" }, 'ahds:spoke.appGatewaySubnet: "10.1.0.0/28" has 11 usable addresses; appGateway.maxCapacity 20 needs 21'],
            ["APIM subnet cannot hold Premium units", { "apim.sku": "Premium", "apim.capacity": "4", "spoke.apimSubnet": "10.1.1.0/29" }, 'ahds:spoke.apimSubnet: "10.1.1.0/29" has 3 usable addresses; Premium x4 in internal mode needs 9'],
            ["Developer APIM with 2 units", { "apim.capacity": "2" }, 'ahds:apim.capacity: "2" is not possible: the Developer tier has exactly one unit'],
            ["region not allowed", { location: "mars-north" }, 'ahds:location: "mars-north" is not one of '],
            ["unknown SKU", { "bastion.sku": "Ultra" }, 'ahds:bastion.sku: "Ultra" is not one of Basic, Standard, Premium'],
            ["Basic firewall has no DNS proxy and cannot deny on threat intel", { "firewall.sku": "Basic" }, 'ahds:firewall.sku: "Basic" has no DNS proxy and cannot deny on threat intelligence'],
            ["firewall management subnet smaller than /26", { "hub.firewallManagementSubnet": "10.0.1.64/27" }, 'ahds:hub.firewallManagementSubnet: "10.0.1.64/27" is too small: AzureFirewallManagementSubnet must be /26 or larger'],
            ["hub private endpoint subnet overlapping the jumpbox subnet", { "hub.privateEndpointSubnet": "10.0.1.0/28" }, 'ahds:hub.privateEndpointSubnet: "10.0.1.0/28" overlaps hub.jumpboxSubnet "10.0.1.0/27"'],
            ["flow logs off in prod", { "environment": "prod", "protect": "true", "retainOnDelete": "true", "flowLogs.enabled": "false" }, 'ahds:flowLogs.enabled: "false" must be true in prod'],
            ["flow-log retention above the Network Watcher limit", { "flowLogs.retentionInDays": "400" }, 'ahds:flowLogs.retentionInDays: "400" must be at most 365'],
            ["reserved jumpbox admin user", { "jumpbox.adminUsername": "admin" }, 'ahds:jumpbox.adminUsername: "admin" is a user name Azure reserves'],
            ["malformed SSH public key", { "jumpbox.sshPublicKey": "ssh-dss AAAA" }, "ahds:jumpbox.sshPublicKey: \"ssh-dss AAAA\" must be an OpenSSH ssh-rsa or ssh-ed25519 public key"],
            ["login group that is not an object ID", { "jumpbox.loginGroupObjectId": "platform-admins" }, 'ahds:jumpbox.loginGroupObjectId: "platform-admins" must be an Entra ID group object ID'],
            ["workload prefix breaks naming rules", { workload: "Health_Data" }, 'ahds:workload: "Health_Data" must be 2-6 lowercase letters or digits'],
            ["workload prefix too long", { workload: "healthdata" }, "ahds:workload:"],
            ["retention below Log Analytics minimum", { "logAnalytics.retentionInDays": "7" }, 'ahds:logAnalytics.retentionInDays: "7" must be at least 30'],
            ["retention not an integer", { "logAnalytics.retentionInDays": "ninety" }, 'ahds:logAnalytics.retentionInDays: "ninety" is not a valid number'],
            ["daily quota zero", { "logAnalytics.dailyQuotaGb": "0" }, 'ahds:logAnalytics.dailyQuotaGb: "0" must be -1 (no cap) or a positive number of GB'],
            ["boolean not a boolean", { protect: "maybe" }, 'ahds:protect: "maybe"'],
            ["missing required tag owner", { owner: undefined }, "ahds:owner: is required"],
            ["tag value too long", { costCenter: "x".repeat(300) }, "ahds:costCenter: "],
            ["unknown key (typo)", { "spoke.adressSpace": "10.1.0.0/16" }, "ahds:spoke.adressSpace: is not a known config key"],
            ["prod without protection", { environment: "prod", protect: "false" }, 'ahds:protect: "false" must be true in prod'],
            ["zone redundancy in a region without zones", { location: "westcentralus", zoneRedundant: "true" }, 'ahds:zoneRedundant: "true" is not possible in westcentralus'],
            ["min autoscale above max", { "appGateway.minCapacity": "5", "appGateway.maxCapacity": "3" }, 'ahds:appGateway.minCapacity: "5" is greater than appGateway.maxCapacity "3"'],
            ["key conflicts with a nested key", { hub: "10.0.0.0/16" }, "ahds:hub"],
            ["a wildcard CORS origin", { "fhir.corsOrigins": "https://app.example.org, *" }, 'ahds:fhir.corsOrigins: "https://app.example.org, *" has the wildcard entry "*"; list each origin'],
            ["a plain-HTTP CORS origin", { "fhir.corsOrigins": "http://app.example.org" }, 'ahds:fhir.corsOrigins: "http://app.example.org" has the entry "http://app.example.org", which must be https://host[:port]'],
            ["an unknown $import mode", { "fhir.importMode": "bulk" }, 'ahds:fhir.importMode: "bulk" is not one of incremental, initial'],
            ["a FHIR tenant that is not a GUID", { "fhir.tenantId": "contoso.onmicrosoft.com" }, 'ahds:fhir.tenantId: "contoso.onmicrosoft.com" must be an Entra ID tenant ID'],
            ["a FHIR reader group that is not an object ID", { "fhir.dataReaderGroupObjectId": "readers" }, 'ahds:fhir.dataReaderGroupObjectId: "readers" must be an Entra ID group object ID'],
            ["anonymization upload without the jumpbox", { "jumpbox.enabled": "false", "fhir.uploadAnonymizationConfig": "true" }, 'ahds:fhir.uploadAnonymizationConfig: "true" needs jumpbox.enabled'],
            ["a bulk loader plan without VNet integration (Consumption)", { "bulkLoader.planSku": "Y1" }, 'ahds:bulkLoader.planSku: "Y1" is not one of B1, B2, B3, S1, S2, S3, P0v3, P1v3'],
            ["a bulk loader package over plain HTTP", { "bulkLoader.packageUrl": "http://artifacts.example.org/fhir-loader.zip", "bulkLoader.packageSha256": "abababababababababababababababababababababababababababababababab" }, 'ahds:bulkLoader.packageUrl: "http://artifacts.example.org/fhir-loader.zip" must be an https:// URL without query string'],
            ["a bulk loader package URL with a SAS token", { "bulkLoader.packageUrl": "https://st.blob.core.windows.net/p/fhir-loader.zip?sv=2022-11-02&sig=abc", "bulkLoader.packageSha256": "abababababababababababababababababababababababababababababababab" }, "must be an https:// URL without query string, fragment or credentials"],
            ["a bulk loader package digest that is not SHA-256", { "bulkLoader.packageUrl": "https://artifacts.example.org/fhir-loader.zip", "bulkLoader.packageSha256": "md5:abc" }, 'ahds:bulkLoader.packageSha256: "md5:abc" must be the 64-hex-digit SHA-256 of the package zip'],
            ["bundles above the FHIR service's 500-entry limit", { "bulkLoader.maxBundleSize": "501" }, 'ahds:bulkLoader.maxBundleSize: "501" must be at most 500'],
            ["more retries than the loader allows", { "bulkLoader.maxRetries": "11" }, 'ahds:bulkLoader.maxRetries: "11" must be at most 10'],
            ["an unknown analytics mode", { "analytics.mode": "stream" }, 'ahds:analytics.mode: "stream" is not one of export, agent'],
            // Container Apps job schedules are five-field cron in UTC (container-apps/jobs); NCRONTAB's seconds field is refused.
            ["a six-field job schedule", { "analytics.schedule": "0 0 2 * * *" }, 'ahds:analytics.schedule: "0 0 2 * * *" must be a cron expression with five fields'],
            ["a job schedule hour out of range", { "analytics.schedule": "0 25 * * *" }, 'ahds:analytics.schedule: "0 25 * * *" has an invalid hour field "25"'],
            ["an unknown export scope", { "analytics.exportScope": "tenant" }, 'ahds:analytics.exportScope: "tenant" is not one of system, patient, group'],
            ["an export type that is not a FHIR resource type", { "analytics.exportTypes": "Patient, observation" }, 'ahds:analytics.exportTypes: "Patient, observation" has the entry "observation", which is not a FHIR resource type name'],
            ["a Synapse admin group that is not an object ID", { "analytics.synapseAdminGroupObjectId": "synapse-admins" }, 'ahds:analytics.synapseAdminGroupObjectId: "synapse-admins" must be an Entra ID group object ID'],
            ["a Language caller group that is not an object ID", { "intelligence.userGroupObjectId": "callers" }, 'ahds:intelligence.userGroupObjectId: "callers" must be an Entra ID group object ID'],
            ["an unknown hybrid type", { "hybrid.type": "sitelink" }, 'ahds:hybrid.type: "sitelink" is not one of none, vpn, expressroute'],
            ["an unknown gateway SKU", { "hybrid.sku": "VpnGw9AZ" }, 'ahds:hybrid.sku: "VpnGw9AZ" is not one of '],
            ["an on-premises prefix that is not a CIDR", { "hybrid.onPremisesPrefixes": "192.168.0.0/16, on-prem" }, 'ahds:hybrid.onPremisesPrefixes: "192.168.0.0/16, on-prem" has the entry "on-prem", which is not a valid CIDR'],
            ["a gateway ASN out of range", { "hybrid.bgpAsn": "4294967295" }, 'ahds:hybrid.bgpAsn: "4294967295" must be at most 4294967294'],
            ["a VPN peer that is not an IPv4 address", { "hybrid.vpnPeerIpAddress": "vpn.example.org" }, 'ahds:hybrid.vpnPeerIpAddress: "vpn.example.org" must be the on-premises VPN device\'s public IPv4 address (or empty)'],
            ["a circuit ID that is not one", { "hybrid.expressRouteCircuitId": "er-onprem" }, 'ahds:hybrid.expressRouteCircuitId: "er-onprem" must be an ExpressRoute circuit resource ID (or empty)'],
            ["a GatewaySubnet that is not a CIDR", { "hub.gatewaySubnet": "gateway" }, 'ahds:hub.gatewaySubnet: "gateway" is not a valid CIDR (or leave it empty)'],
        ];
        for (const [title, overrides, expected] of cases) {
            it(`rejects ${title}`, () => {
                const found = problems(overrides);
                expect(found.some((p) => p.includes(expected)), `expected a problem containing\n  ${expected}\ngot\n  ${found.join("\n  ")}`).to.equal(true);
            });
        }

        it("reports every problem at once, in one ConfigError", () => {
            const cfg = { ...dev(), "ahds:spoke.addressSpace": "10.1.0.0/33", "ahds:firewall.sku": "Basic", "ahds:location": "nowhere" };
            let err: unknown;
            try { parseConfig(cfg); } catch (e) { err = e; }
            expect(err).to.be.instanceOf(ConfigError);
            const e = err as ConfigError;
            const keys = new Set(e.problems.map((p) => p.key));
            expect([...keys]).to.include.members(["ahds:spoke.addressSpace", "ahds:firewall.sku", "ahds:location"]);
            expect(e.message).to.match(/^Invalid stack configuration \(\d+ problems\):\n {2}ahds:/);
        });
    });
});
