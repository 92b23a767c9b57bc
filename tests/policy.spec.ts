import { expect } from "chai";
import { REQUIRED_TAG_KEYS } from "../components/shared/tags";
import { policies } from "../policy/policies";
import { logAnalyticsRetention } from "../policy/rules/monitoring";
import { storageNoPublicNetworkAccess } from "../policy/rules/storage";
import { DEFAULT_REQUIRED_TAGS, requiredTags } from "../policy/rules/tags";
import { check } from "./harness/policyArgs";
import { readPolicyConfig } from "../lib/offline/policySessions";

const TAGS = Object.fromEntries(DEFAULT_REQUIRED_TAGS.map((k) => [k, "x"]));

describe("policy pack rules", () => {
    it("every policy has a unique name, description, severity and HITRUST framework reference", () => {
        const names = policies.map((p) => p.name);
        expect(new Set(names).size).to.equal(names.length);
        for (const p of policies) {
            expect(p.description, p.name).to.have.length.greaterThan(20);
            expect(p.severity, p.name).to.be.oneOf(["low", "medium", "high", "critical"]);
            expect(p.framework?.name, p.name).to.equal("HITRUST CSF");
            // Mandatory by default, except Defender plans, which are often managed by the platform team (issue: "advisory").
            expect(p.enforcementLevel, p.name).to.equal(p.name === "defender-plans-enabled" ? "advisory" : "mandatory");
        }
    });

    describe("required-tags", () => {
        it("passes a fully tagged resource", () => expect(check(requiredTags, "azure-native:network:VirtualNetwork", { tags: TAGS })).to.deep.equal([]));
        it("fails a resource missing tags and names them", () => {
            const v = check(requiredTags, "azure-native:keyvault:Vault", { tags: { owner: "x" } });
            expect(v).to.have.length(1);
            expect(v[0]).to.include("environment").and.include("cost-center").and.not.include("owner,");
        });
        it("fails an untagged resource behind a versioned type token", () => {
            expect(check(requiredTags, "azure-native:storage/v20230101:StorageAccount", {})).to.have.length(1);
        });
        it("ignores non-taggable types and other providers", () => {
            expect(check(requiredTags, "azure-native:network:Subnet", {})).to.deep.equal([]);
            expect(check(requiredTags, "random:index/randomString:RandomString", {})).to.deep.equal([]);
            expect(check(requiredTags, "ahds:index:HubSecurity", {})).to.deep.equal([]);
        });
        it("honours a configured tag list", () => {
            expect(check(requiredTags, "azure-native:network:VirtualNetwork", { tags: { a: "1" } }, { requiredTags: ["a"] })).to.deep.equal([]);
        });
        it("defaults to the six tags the platform's tagging standard names (README, Naming and tags)", () => {
            expect(DEFAULT_REQUIRED_TAGS).to.deep.equal(["environment", "workload", "data-classification", "owner", "cost-center", "managed-by"]);
            // ...and the program applies the same set (standardTags), so its own resources pass.
            expect(DEFAULT_REQUIRED_TAGS).to.deep.equal([...REQUIRED_TAG_KEYS]);
        });
    });

    describe("storage-no-public-network-access", () => {
        const T = "azure-native:storage:StorageAccount";
        it("passes Disabled in any case", () => {
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Disabled" })).to.deep.equal([]);
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "disabled" })).to.deep.equal([]);
        });
        it("fails Enabled", () => expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Enabled" })).to.have.length(1));
        it("passes a firewall that admits only trusted Azure services", () => {
            const acl = { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] };
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Enabled", networkRuleSet: acl })).to.deep.equal([]);
        });
        it("fails a default-deny firewall that still opens an IP or VNet rule, or allows by default", () => {
            const base = { defaultAction: "Deny", bypass: "AzureServices" };
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Enabled", networkRuleSet: { ...base, ipRules: [{ iPAddressOrRange: "1.2.3.4" }] } })).to.have.length(1);
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Enabled", networkRuleSet: { ...base, virtualNetworkRules: [{ virtualNetworkResourceId: "x" }] } })).to.have.length(1);
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow" } })).to.have.length(1);
        });
        it("passes trusted-service access narrowed to a named resource instance (Health Data Services $import/$export)", () => {
            const ws = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-data/providers/Microsoft.HealthcareApis/workspaces/hwahdsdev01234";
            const acl = { defaultAction: "Deny", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [], resourceAccessRules: [{ resourceId: ws, tenantId: "t" }] };
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Enabled", networkRuleSet: acl })).to.deep.equal([]);
        });
        it("fails a resource-instance rule with a wildcard or without a resource ID", () => {
            const any = "/subscriptions/*/resourceGroups/*/providers/Microsoft.HealthcareApis/workspaces/*";
            const acl = (rule: Record<string, string>) => ({ defaultAction: "Deny", bypass: "AzureServices", resourceAccessRules: [rule] });
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Enabled", networkRuleSet: acl({ resourceId: any, tenantId: "t" }) })).to.have.length(1);
            expect(check(storageNoPublicNetworkAccess, T, { publicNetworkAccess: "Enabled", networkRuleSet: acl({ tenantId: "t" }) })).to.have.length(1);
        });
        it("fails an omitted setting (Azure's default is Enabled)", () => expect(check(storageNoPublicNetworkAccess, T, {})[0]).to.include("Azure default: Enabled"));
        it("checks versioned tokens and ignores other types", () => {
            expect(check(storageNoPublicNetworkAccess, "azure-native:storage/v20240101:StorageAccount", {})).to.have.length(1);
            expect(check(storageNoPublicNetworkAccess, "azure-native:storage:BlobContainer", {})).to.deep.equal([]);
        });
    });

    describe("law-retention-and-local-auth", () => {
        const T = "azure-native:operationalinsights:Workspace";
        it("passes 365 days with local auth disabled", () => expect(check(logAnalyticsRetention, T, { retentionInDays: 365, features: { disableLocalAuth: true } })).to.deep.equal([]));
        it("fails short retention against the default 365", () => expect(check(logAnalyticsRetention, T, { retentionInDays: 90, features: { disableLocalAuth: true } })).to.have.length(1));
        it("accepts the configured minimum (dev: 90)", () => expect(check(logAnalyticsRetention, T, { retentionInDays: 90, features: { disableLocalAuth: true } }, { minRetentionDays: 90 })).to.deep.equal([]));
        it("treats omitted retention as Azure's 30 days and flags local auth", () => {
            const v = check(logAnalyticsRetention, T, {}, { minRetentionDays: 90 });
            expect(v.join("\n")).to.include("30 days").and.include("disableLocalAuth");
        });
    });
});

/** Problems with a stack's policy config: unknown rules, and any level below mandatory without a written reason. */
function configProblems(config: Record<string, unknown>): string[] {
    const names = new Set(policies.map((p) => p.name));
    const problems: string[] = [];
    if (config["all"] !== "mandatory") problems.push(`"all" is ${JSON.stringify(config["all"])}, not "mandatory"`);
    for (const [rule, entry] of Object.entries(config)) {
        if (rule === "all") continue;
        if (!names.has(rule)) problems.push(`${rule}: not a rule of the pack`);
        const e = typeof entry === "object" && entry !== null ? entry as Record<string, unknown> : { enforcementLevel: entry };
        const level = e["enforcementLevel"];
        const reason = e["downgradeReason"];
        if (level !== undefined && level !== "mandatory" && !(typeof reason === "string" && reason.length >= 20)) problems.push(`${rule}: ${String(level)} without a downgradeReason`);
    }
    return problems;
}

describe("per-stack policy config", () => {
    const read = readPolicyConfig;
    const downgrades = (c: Record<string, unknown>) => Object.entries(c).filter(([k, v]) => k !== "all" && typeof v === "object" && v !== null && (v as Record<string, unknown>)["enforcementLevel"] !== undefined).map(([k]) => k).sort();

    it("prod: every rule mandatory, no downgrade", () => {
        expect(configProblems(read("prod"))).to.deep.equal([]);
        expect(downgrades(read("prod"))).to.deep.equal([]);
    });
    it("dev: only the cost-driven rules are advisory, each with its reason", () => {
        expect(configProblems(read("dev"))).to.deep.equal([]);
        expect(downgrades(read("dev"))).to.deep.equal(["defender-plans-enabled", "firewall-premium-idps", "vnet-flow-logs-coverage"]);
    });
    it("rejects a downgrade without a reason, an unknown rule, and a softer default", () => {
        expect(configProblems({ all: "advisory", "firewall-premium-idps": "advisory", "no-such-rule": {}, "waf-prevention-mode": { enforcementLevel: "disabled", downgradeReason: "short" } })).to.deep.equal([
            `"all" is "advisory", not "mandatory"`,
            "firewall-premium-idps: advisory without a downgradeReason",
            "no-such-rule: not a rule of the pack",
            "waf-prevention-mode: disabled without a downgradeReason",
        ]);
    });
    it("every rule's config schema accepts downgradeReason and exemptions (the engine validates the file against it)", () => {
        for (const p of policies) expect(Object.keys(p.configSchema?.properties ?? {}), p.name).to.include.members(["downgradeReason", "exemptions"]);
    });
});
