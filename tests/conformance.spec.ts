import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { policies } from "../policy/policies";
import { APPLICATION_GATEWAY_SUBNET_NAMES, escapeRegExp } from "../policy/rules/common";
import { RULE_METADATA } from "../policy/rules/define";
import { RecordedResource } from "../lib/offline/mocks";
import { PolicySession, Violation } from "../lib/offline/policyHost";
import { closeSharedPolicySessions, sharedPolicySession } from "../lib/offline/policySessions";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

/**
 * External conformance: Checkov's own ARM test fixtures, translated to azure-native inputs
 * (../shared/conformance/checkov-arm, provenance and mapping rules in its README). For every Checkov check in its
 * in-scope.json, each record goes through the analyzer protocol as a single resource (Remediate + Analyze in the pack's
 * own process, configured with the prod policy config, as the engine does). A `FAIL` record must draw a mandatory
 * violation from a rule that cites that Checkov check; a `PASS` record may draw one only where our rule is deliberately
 * stricter than Checkov (STRICTER, with the reason).
 */

/**
 * The data set is vendored (tests/fixtures/checkov-arm: the records, in-scope.json, their README with provenance and
 * Checkov's Apache-2.0 license), so CI needs nothing outside the checkout. Where the shared original sits next to the
 * repository (../shared/conformance/checkov-arm), a test requires the copy to be identical to it.
 */
const DATA_DIR = path.join(PROJECT_DIR, "tests", "fixtures", "checkov-arm");
const SHARED_DIR = path.join(PROJECT_DIR, "..", "shared", "conformance", "checkov-arm");
const PACK_DIR = path.join(PROJECT_DIR, "policy");
const CONFIG_FILE = path.join(PACK_DIR, "config.prod.json");
const IN_SCOPE_RECORDS = 150;

/** One record of checkov-arm.json (see its README, "Record format"). */
interface ConformanceRecord {
    id: string;
    check: string;
    checkName: string;
    expected: "PASS" | "FAIL";
    armType: string;
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    notes: string[];
    fixtureFile: string;
    labelBasis: string;
}

/**
 * PASS records (Checkov passes them) on which a rule citing the same check reports a mandatory violation, because our
 * rule is deliberately stricter than Checkov's. Each entry must still draw that violation (no stale entries).
 */
const STRICTER: Record<string, string> = {
    // Compute
    "CKV_AZURE_1/example_AzureInstancePassword/enabled":
        "Checkov passes a Linux VM with disablePasswordAuthentication: true whatever else osProfile holds; vm-ssh-key-only also forbids setting adminPassword (a credential the program would hold and pass for nothing)",
    // Storage
    "CKV_AZURE_3/example_StorageAccountsTransportEncryption/[concat('store', uniquestring(resourceGroup().id))]#storageAccount-PASSED2":
        "Checkov accepts an omitted enableHttpsTrafficOnly (the service default is true for its API version); storage-https-only requires it set to true explicitly, so the plan shows it and older API versions behind versioned tokens (default false) are covered",
    "CKV_AZURE_59/example_StorageAccountDisablePublicAccess/default":
        "Checkov passes an omitted publicNetworkAccess; Azure's default is Enabled, and storage-no-public-network-access requires \"Disabled\" (or a firewall open to trusted Azure services only)",
    // App Service
    "CKV_AZURE_78/example_AppServiceFTPSState/pass2":
        "Checkov accepts ftpsState \"FtpsOnly\"; appservice-ftp-disabled requires FTP(S) deployment disabled entirely (basic-auth publishing), FtpsOnly only where a stack's config sets allowFtpsOnly (prod does not)",
    // API Management
    "CKV_AZURE_107/example_APIServicesUseVirtualNetwork/pass":
        "Checkov passes any VNet configuration, including virtualNetworkType \"External\" (a public gateway endpoint); apim-vnet-internal requires Internal mode on a VNet-capable SKU (the SKU here is an unresolved parameter)",
    "CKV_AZURE_173/example_APIManagementMinTLS12/pass":
        "Checkov treats absent customProperties as TLS 1.0/1.1/SSL 3.0 off (the default only for services created after April 2018); apim-tls-1-2 requires each legacy protocol set to \"False\" explicitly, client and backend side",
    // Key Vault
    "CKV_AZURE_109/example_KeyVaultEnablesFirewallRulesSettings/pass":
        "Checkov 109 only needs networkAcls.defaultAction Deny; keyvault-network-locked-down (which also covers CKV_AZURE_189) requires publicNetworkAccess \"Disabled\" too, and it is omitted here (Azure default: Enabled)",
    "CKV_AZURE_110/example_KeyVaultEnablesPurgeProtection/pass":
        "keyvault-purge-protection covers CKV_AZURE_42, 110 and 111 together and requires enableSoftDelete: true stated explicitly; this vault leaves it unset, which Checkov's own CKV_AZURE_42 fails for the identical input (keyvaultRecoveryEnabled-FAILED2), so one of the two Checkov labels must differ from ours",
    "CKV_AZURE_111/example_KeyVaultEnablesSoftDelete/pass2":
        "keyvault-purge-protection covers CKV_AZURE_42, 110 and 111 together: soft delete is fine here (unset = on), but the vault has no purge protection, which Checkov's own CKV_AZURE_110 fails",
    "CKV_AZURE_111/example_KeyVaultEnablesSoftDelete/pass":
        "keyvault-purge-protection covers CKV_AZURE_42, 110 and 111 together: soft delete is on, but the vault has no purge protection, which Checkov's own CKV_AZURE_110 fails",
    "CKV_AZURE_189/example_KeyVaultDisablesPublicNetworkAccess/pass1":
        "publicNetworkAccess is Disabled, but keyvault-network-locked-down (which also covers CKV_AZURE_109) requires networkAcls.defaultAction \"Deny\" as well, so re-enabling public access never opens the vault; networkAcls is omitted here",
    "CKV_AZURE_189/example_KeyVaultDisablesPublicNetworkAccess/pass2":
        "publicNetworkAccess is disabled, but keyvault-network-locked-down (which also covers CKV_AZURE_109) requires networkAcls.defaultAction \"Deny\" as well; this vault's firewall allows by default",
    "CKV_AZURE_189/example_KeyVaultDisablesPublicNetworkAccess/pass3":
        "Checkov passes publicNetworkAccess \"Enabled\" when networkAcls.ipRules is non-empty; we require \"Disabled\" (private endpoints only) and a Deny default action, and this firewall allows by default",
    "CKV_AZURE_189/example_KeyVaultDisablesPublicNetworkAccess/pass4":
        "Checkov passes an omitted publicNetworkAccess (Azure default: Enabled) when networkAcls.ipRules is non-empty; we require \"Disabled\" (private endpoints only) and a Deny default action, and this firewall allows by default",
    // Application Gateway WAF
    "CKV_AZURE_135/example_AppGatewayWAFACLCVE202144228/version_3_1_default_pass":
        "the managed rule set has no ruleSetType (required by the API and by azure-native's ManagedRuleSetArgs); Checkov assumes OWASP, waf-prevention-mode does not guess which rule set is meant and so cannot tell it detects Log4Shell",
    "CKV_AZURE_135/example_AppGatewayWAFACLCVE202144228/empty_disabled_rules_pass":
        "Checkov reads a REQUEST-944-APPLICATION-ATTACK-JAVA override without rules as disabling nothing; Azure disables every rule of the group, 944240 (Log4Shell) included (ARM ManagedRuleGroupOverride.rules: \"If none specified, all rules in the group will be disabled\"), so waf-prevention-mode fails it",
    // Container Registry
    "CKV_AZURE_137/example_ACRAdminAccountDisabled/pass":
        "the admin user is disabled, but acr-no-local-or-anonymous-auth (which also covers CKV_AZURE_138) rejects anonymousPullEnabled: true, set here on a Standard registry (Checkov's own CKV_AZURE_138 fails that)",
    "CKV_AZURE_138/example_ACRAnonymousPullDisabled/pass":
        "Checkov passes anonymousPullEnabled: true when the SKU is not Standard/Premium (here sku.name is a malformed []); acr-no-local-or-anonymous-auth rejects anonymous pull on any SKU, since a SKU change would silently open the registry",
    "CKV_AZURE_138/example_ACRAnonymousPullDisabled/pass5":
        "Checkov passes anonymousPullEnabled: true on a Basic registry (anonymous pull needs Standard/Premium); acr-no-local-or-anonymous-auth rejects it on any SKU, since an upgrade would silently open the registry",
    "CKV_AZURE_138/example_ACRAnonymousPullDisabled/pass6":
        "Checkov passes anonymousPullEnabled: true when no SKU is given; acr-no-local-or-anonymous-auth rejects anonymous pull on any SKU, since a SKU change would silently open the registry",
    "CKV_AZURE_139/example_ACRPublicNetworkAccessDisabled/pass":
        "public network access is Disabled, but acr-private-only also requires the Premium SKU (private endpoints need it; this registry is Standard)",
    // Synapse
    "CKV_AZURE_239/example_SynapseWorkspaceAdministratorLoginPasswordHidden/[parameters('workspaceName')]#pass":
        "Checkov 239 only checks that no SQL administrator password is set; synapse-entra-only-auth also requires azureADOnlyAuthentication: true (no SQL authentication at all), which is omitted here",
};

/**
 * FAIL records no rule catches, with the reason (kept explicit, never skipped silently). Each entry must still go
 * undetected, so a rule that starts catching it forces the entry out.
 */
const NOT_DETECTED: Record<string, string> = {};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** The elements of an array value (none for anything else), typed as unknown rather than any. */
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function parseRecord(v: unknown, at: string): ConformanceRecord {
    if (!isObject(v)) throw new Error(`${at}: not an object`);
    const str = (k: string): string => {
        const x = v[k];
        if (typeof x !== "string" || x === "") throw new Error(`${at}: "${k}" is not a non-empty string`);
        return x;
    };
    const expected = v["expected"];
    if (expected !== "PASS" && expected !== "FAIL") throw new Error(`${at}: "expected" is ${JSON.stringify(expected)}, not PASS or FAIL`);
    const inputs = v["inputs"];
    if (!isObject(inputs)) throw new Error(`${at}: "inputs" is not an object`);
    // A few records carry no notes at all.
    const rawNotes = v["notes"] ?? [];
    const notes = list(rawNotes).filter((n): n is string => typeof n === "string");
    if (!Array.isArray(rawNotes) || notes.length !== rawNotes.length) throw new Error(`${at}: "notes" is not a list of strings`);
    const type = str("type");
    if (!/^azure-native:[a-z0-9]+:[A-Za-z0-9]+$/.test(type)) throw new Error(`${at}: type ${type} is not an azure-native type token`);
    return {
        id: str("id"), check: str("check"), checkName: str("checkName"), expected, armType: str("armType"), type, name: str("name"),
        inputs, notes, fixtureFile: str("fixtureFile"), labelBasis: str("labelBasis"),
    };
}

function readJson(file: string): unknown {
    if (!fs.existsSync(file)) throw new Error(`conformance data missing: ${file} (the vendored copy of ../shared/conformance/checkov-arm)`);
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

interface ConformanceData { records: ConformanceRecord[]; inScope: string[]; inScopeRecords: ConformanceRecord[] }

/** Reads the data set; throws (so the suite fails, never skips) when it is missing or malformed. */
function loadConformance(): ConformanceData {
    const rawRecords = readJson(path.join(DATA_DIR, "checkov-arm.json"));
    if (!Array.isArray(rawRecords)) throw new Error("checkov-arm.json: not an array");
    const records = list(rawRecords).map((r, i) => parseRecord(r, `checkov-arm.json[${i}]`));
    const rawScope = readJson(path.join(DATA_DIR, "in-scope.json"));
    const inScope = list(rawScope).filter((c): c is string => typeof c === "string" && /^CKV2?_AZURE_\d+$/.test(c));
    if (!Array.isArray(rawScope) || inScope.length !== rawScope.length) throw new Error("in-scope.json: not a list of Checkov check ids");
    const scope = new Set(inScope);
    return { records, inScope, inScopeRecords: records.filter((r) => scope.has(r.check)) };
}

/**
 * A Pulumi-safe resource name for a record: `ckv-` + the record id with every run of other characters turned into `-`.
 * The `ckv-` prefix keeps names clear of the config's exemption patterns (e.g. hub-st-flowlogs, spoke-vnet/snet-appgw).
 */
const resourceName = (id: string): string => `ckv-${id.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "")}`;

function toResource(r: ConformanceRecord): RecordedResource {
    const name = resourceName(r.id);
    return {
        urn: `urn:pulumi:prod::ahds::${r.type}::${name}`,
        type: r.type,
        name,
        custom: true,
        parent: null,
        inputs: r.inputs,
        outputs: {},
        id: null,
        protect: false,
        retainOnDelete: false,
        dependencies: [],
        propertyDependencies: {},
    };
}

/** Rules (by name) whose metadata cites the Checkov check. */
const rulesCiting = (check: string): string[] => [...RULE_METADATA].filter(([, m]) => m.controls.checkov.includes(check)).map(([n]) => n);

let data: ConformanceData | undefined;
let loadError: Error | undefined;
try {
    data = loadConformance();
} catch (e) {
    loadError = e instanceof Error ? e : new Error(String(e));
}
const records = data?.inScopeRecords ?? [];

after(closeSharedPolicySessions);

describe("external conformance: Checkov ARM fixtures (in-scope checks) through the analyzer protocol", () => {
    let session: PolicySession | undefined;
    /** Mandatory violations per record id, from rules citing the record's check. */
    const citing = new Map<string, Violation[]>();
    /** Every violation per record id (failure messages show them). */
    const all = new Map<string, Violation[]>();

    before(async function () {
        if (loadError !== undefined || records.length === 0) return;
        this.timeout(120_000);
        // The prod pack process is shared with the mutation suite.
        session = await sharedPolicySession("prod", true);
        for (const r of records) {
            const res = toResource(r);
            const vs = await session.analyze([res]);
            const cited = new Set(rulesCiting(r.check));
            all.set(r.id, vs);
            citing.set(r.id, vs.filter((v) => v.enforcementLevel === "mandatory" && cited.has(v.policy) && v.urn === res.urn));
        }
    });


    /** A violation as `policy: message` (the pack prefixes each message with the policy description; only the last line is specific). */
    const line = (v: Violation): string => `${v.policy}: ${v.message.split("\n").pop() ?? ""}`;
    const show = (id: string): string => (all.get(id) ?? []).map((v) => `\n    ${v.enforcementLevel} ${line(v)}`).join("") || " (none)";
    const analyzed = (id: string): Violation[] => {
        const v = citing.get(id);
        if (v === undefined) throw new Error(`record ${id} was not analyzed`);
        return v;
    };

    describe("data set", () => {
        it(`is present at ${path.relative(PROJECT_DIR, DATA_DIR)} and well-formed`, () => {
            if (loadError !== undefined) throw loadError;
            expect(data?.records.length ?? 0).to.be.greaterThan(0);
            expect(new Set(data?.records.map((r) => r.id)).size, "record ids are unique").to.equal(data?.records.length);
        });

        it("is an unmodified copy of the shared original, where that is present next to the repository", function () {
            if (!fs.existsSync(SHARED_DIR)) this.skip();
            for (const f of ["checkov-arm.json", "in-scope.json", "LICENSE.checkov"]) {
                expect(fs.readFileSync(path.join(DATA_DIR, f)).equals(fs.readFileSync(path.join(SHARED_DIR, f))), `${f} differs from ${SHARED_DIR}`).to.equal(true);
            }
        });

        it(`has ${IN_SCOPE_RECORDS} records for the in-scope checks, and at least one FAIL record per in-scope check`, () => {
            expect(records.length).to.equal(IN_SCOPE_RECORDS);
            const scope = data?.inScope ?? [];
            expect(new Set(scope).size, "in-scope.json lists each check once").to.equal(scope.length);
            for (const check of scope) expect(records.filter((r) => r.check === check && r.expected === "FAIL").length, `${check} has a FAIL record`).to.be.greaterThan(0);
        });

        it("gives every record a distinct resource name that no exemption in the prod config, and no name the pack exempts by default, matches", () => {
            const names = records.map((r) => resourceName(r.id));
            expect(new Set(names).size).to.equal(names.length);
            const cfg: unknown = JSON.parse(fs.readFileSync(CONFIG_FILE, "utf8"));
            const patterns = (isObject(cfg) ? Object.values(cfg) : []).flatMap((entry) => (isObject(entry) ? list(entry["exemptions"]) : []))
                .flatMap((e) => (isObject(e) && typeof e["resourceName"] === "string" ? [e["resourceName"]] : []));
            // The pack itself takes subnets of these names for Application Gateway subnets (subnet-no-default-outbound, and
            // subnet-egress-via-firewall at preview): a record's subnet named so would be silenced like an exempted one.
            patterns.push(...APPLICATION_GATEWAY_SUBNET_NAMES.map((n) => `.*/${escapeRegExp(n)}`));
            expect(patterns.length, "there are exemption patterns to check against").to.be.greaterThan(0);
            for (const r of records) {
                // Rules also match exemptions against "<vnet>/<subnet>" for inline subnets.
                const parts = [resourceName(r.id), ...list(r.inputs["subnets"]).map((s) => `${resourceName(r.id)}/${isObject(s) ? String(s["name"]) : ""}`)];
                for (const p of patterns) for (const part of parts) expect(new RegExp(`^(?:${p})$`).test(part), `${part} matches exemption ${p}`).to.equal(false);
            }
        });
    });

    describe("the pack", () => {
        it("cites every in-scope check in a rule that reads the records' resource types", () => {
            for (const check of data?.inScope ?? []) {
                const rules = rulesCiting(check);
                expect(rules, `no rule cites ${check}`).to.not.be.empty;
                for (const type of new Set(records.filter((r) => r.check === check).map((r) => r.type.replace(/^azure-native:/, "")))) {
                    expect(rules.some((n) => RULE_METADATA.get(n)?.types.includes(type)), `no rule citing ${check} reads ${type}`).to.equal(true);
                }
                // The policy tags (what the engine and evidence reports see) carry the same id.
                for (const n of rules) expect(policies.find((p) => p.name === n)?.tags ?? [], n).to.include(`checkov:${check}`);
            }
        });

        it("runs (in its own process) the same rules the tests import, each citing rule mandatory under the prod config", () => {
            if (session === undefined) throw new Error("the policy session did not start");
            expect(session.policies.map((p) => p.name).sort()).to.deep.equal(policies.map((p) => p.name).sort());
            const citingRules = new Set((data?.inScope ?? []).flatMap(rulesCiting));
            for (const p of session.policies.filter((x) => citingRules.has(x.name))) expect(p.enforcementLevel, p.name).to.equal("mandatory");
        });
    });

    describe("STRICTER and NOT_DETECTED tables", () => {
        const byId = new Map(records.map((r) => [r.id, r]));
        it("list only in-scope records with the right label, each with a reason", () => {
            for (const [id, reason] of Object.entries(STRICTER)) {
                expect(byId.get(id)?.expected, `STRICTER ${id} is not an in-scope PASS record`).to.equal("PASS");
                expect(reason.length, id).to.be.greaterThan(30);
            }
            for (const [id, reason] of Object.entries(NOT_DETECTED)) {
                expect(byId.get(id)?.expected, `NOT_DETECTED ${id} is not an in-scope FAIL record`).to.equal("FAIL");
                expect(reason.length, id).to.be.greaterThan(30);
            }
        });

        it("have no stale entries", () => {
            const stale = [
                ...Object.keys(STRICTER).filter((id) => byId.has(id) && analyzed(id).length === 0).map((id) => `STRICTER ${id} no longer draws a violation`),
                ...Object.keys(NOT_DETECTED).filter((id) => byId.has(id) && analyzed(id).length > 0).map((id) => `NOT_DETECTED ${id} is now detected`),
            ];
            expect(stale).to.deep.equal([]);
        });
    });

    for (const check of data?.inScope ?? []) {
        describe(check, () => {
            for (const r of records.filter((x) => x.check === check)) {
                if (r.expected === "FAIL") {
                    it(`FAIL ${r.id} → mandatory violation`, () => {
                        const reason = NOT_DETECTED[r.id];
                        if (reason !== undefined) {
                            expect(analyzed(r.id), `listed as not detected (${reason}) but caught:${show(r.id)}`).to.deep.equal([]);
                            return;
                        }
                        expect(analyzed(r.id).length, `no mandatory violation from ${rulesCiting(check).join(", ")}; all violations:${show(r.id)}`).to.be.greaterThan(0);
                    });
                } else {
                    it(`PASS ${r.id} → ${STRICTER[r.id] !== undefined ? "violation (our rule is stricter)" : "no violation from the citing rules"}`, () => {
                        if (STRICTER[r.id] !== undefined) {
                            expect(analyzed(r.id).length, `listed as stricter but no violation:${show(r.id)}`).to.be.greaterThan(0);
                            return;
                        }
                        expect(analyzed(r.id).map(line), "unexpected violation on a Checkov PASS record (add it to STRICTER with the reason, or fix the rule)").to.deep.equal([]);
                    });
                }
            }
        });
    }
});
