import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { policies } from "../policy/policies";

/**
 * Pins each stack's policy pack config (policy/config.<stack>.json) to literal expected values: the default level,
 * every enforcement-level override (with whether it gives a downgradeReason), every exemption (rule and resource
 * pattern; its justification at least 20 characters) and every rule setting. Adding a downgrade or an exemption,
 * widening a pattern or softening a setting fails here until this file is changed with it, deliberately and in review.
 */

const PACK_DIR = path.join(__dirname, "..", "policy");

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A rule's entry: the engine also accepts a bare level string (`"rule": "advisory"`), read here as an override. */
const entryOf = (v: unknown): Json => (isObject(v) ? v : { enforcementLevel: v });

interface Pinned {
    /** The `all` default level. */
    all: string;
    /** [rule, enforcementLevel, downgradeReason given] for every rule entry that sets a level. */
    overrides: Array<[string, string, boolean]>;
    /** [rule, resourceName pattern] for every exemption, in file order. */
    exemptions: Array<[string, string]>;
    /** Every other rule setting (not enforcementLevel, downgradeReason or exemptions), by rule. */
    settings: Record<string, Json>;
}

function readFile(file: string): Json {
    const raw: unknown = JSON.parse(fs.readFileSync(path.join(PACK_DIR, file), "utf8"));
    if (!isObject(raw)) throw new Error(`${file} is not an object`);
    return raw;
}
const read = (stack: string): Json => readFile(`config.${stack}.json`);
/** An environment's profile (policy/profiles/<environment>.json): what `npm run new-stack` copies into a new stack's config. */
const readProfile = (environment: string): Json => readFile(path.join("profiles", `${environment}.json`));

function pinnedView(config: Json): Pinned {
    const rules = Object.entries(config).filter(([k]) => k !== "all");
    const overrides = rules.map(([rule, v]): [string, Json] => [rule, entryOf(v)]).filter(([, e]) => e["enforcementLevel"] !== undefined)
        .map(([rule, e]): [string, string, boolean] => [rule, String(e["enforcementLevel"]), e["downgradeReason"] !== undefined]).sort((a, b) => a[0].localeCompare(b[0]));
    const exemptions = rules.flatMap(([rule, v]) => {
        const list = entryOf(v)["exemptions"];
        return (Array.isArray(list) ? list : []).map((x): [string, string] => [rule, isObject(x) ? String(x["resourceName"]) : JSON.stringify(x)]);
    });
    const settings: Record<string, Json> = {};
    for (const [rule, v] of rules) {
        const rest = Object.fromEntries(Object.entries(entryOf(v)).filter(([k]) => !["enforcementLevel", "downgradeReason", "exemptions"].includes(k)));
        if (Object.keys(rest).length > 0) settings[rule] = rest;
    }
    return { all: String(config["all"]), overrides, exemptions, settings };
}

const EXPECTED: Record<"dev" | "prod", Pinned> = {
    dev: {
        all: "mandatory",
        overrides: [
            ["defender-plans-enabled", "advisory", true],
            ["firewall-premium-idps", "advisory", true],
            ["vnet-flow-logs-coverage", "advisory", true],
        ],
        // None: the App Gateway subnet and the flow-log account, once exempted here by name, are recognised by the pack
        // itself since 0.6.0 (subnet-egress-via-firewall, subnet-no-default-outbound, phi-private-endpoint-required).
        exemptions: [],
        settings: {
            "law-retention-and-local-auth": { minRetentionDays: 90 },
            "prod-stateful-protected": { requireProtect: false },
        },
    },
    prod: {
        all: "mandatory",
        overrides: [],
        exemptions: [],
        settings: {
            "law-retention-and-local-auth": { minRetentionDays: 365 },
        },
    },
};

describe("policy config pins (policy/config.<stack>.json)", () => {
    const ruleNames = new Set(policies.map((p) => p.name));

    for (const stack of ["dev", "prod"] as const) {
        describe(stack, () => {
            const config = read(stack);
            const view = pinnedView(config);

            it("defaults every rule to mandatory", () => expect(view.all).to.equal(EXPECTED[stack].all));

            it("overrides exactly the pinned enforcement levels, each with a downgradeReason", () => {
                expect(view.overrides).to.deep.equal(EXPECTED[stack].overrides);
            });

            it("gives every downgradeReason at least 20 characters, and none without a downgrade", () => {
                for (const [rule, v] of Object.entries(config).filter(([k]) => k !== "all")) {
                    const e = entryOf(v);
                    const reason = e["downgradeReason"];
                    if (e["enforcementLevel"] !== undefined && e["enforcementLevel"] !== "mandatory") expect(typeof reason === "string" ? reason.length : 0, `${rule} downgradeReason`).to.be.at.least(20);
                    if (reason !== undefined) expect(e["enforcementLevel"], `${rule} gives a downgradeReason but no downgrade`).to.not.equal(undefined);
                }
            });

            it("exempts exactly the pinned resources, by rule and pattern", () => {
                expect(view.exemptions).to.deep.equal(EXPECTED[stack].exemptions);
            });

            it("justifies every exemption in at least 20 characters, with only resourceName and justification, and a valid pattern", () => {
                for (const [rule, v] of Object.entries(config).filter(([k]) => k !== "all")) {
                    const list = entryOf(v)["exemptions"];
                    for (const e of Array.isArray(list) ? list : []) {
                        if (!isObject(e)) expect.fail(`${rule}: exemption ${JSON.stringify(e)} is not an object`);
                        expect(Object.keys(e).sort(), `${rule}: exemption keys`).to.deep.equal(["justification", "resourceName"]);
                        const justification = e["justification"];
                        expect(typeof justification === "string" ? justification.trim().length : 0, `${rule} ${String(e["resourceName"])} justification`).to.be.at.least(20);
                        expect(() => new RegExp(`^(?:${String(e["resourceName"])})$`), `${rule}: pattern`).to.not.throw();
                    }
                }
            });

            it("sets exactly the pinned rule settings", () => expect(view.settings).to.deep.equal(EXPECTED[stack].settings));

            it("names only rules of the pack (a renamed rule must be renamed here too)", () => {
                const unknown = Object.keys(config).filter((k) => k !== "all" && !ruleNames.has(k));
                expect(unknown).to.deep.equal([]);
            });
        });
    }

    it("keeps prod at least as strict as dev: no prod override, and no prod exemption dev lacks", () => {
        const dev = pinnedView(read("dev"));
        const prod = pinnedView(read("prod"));
        expect(prod.overrides).to.deep.equal([]);
        const devExemptions = new Set(dev.exemptions.map((e) => e.join(" ")));
        expect(prod.exemptions.filter((e) => !devExemptions.has(e.join(" ")))).to.deep.equal([]);
    });
});

/**
 * The environment profiles `npm run new-stack` copies into a new stack's policy config. dev and prod are the stacks'
 * own configs, byte for byte, so the two cannot drift; test is pinned like them.
 */
describe("policy profiles (policy/profiles/<environment>.json)", () => {
    const ruleNames = new Set(policies.map((p) => p.name));

    it("has one profile per environment, and nothing else", () => {
        expect(fs.readdirSync(path.join(PACK_DIR, "profiles")).sort()).to.deep.equal(["dev.json", "prod.json", "test.json"]);
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`keeps policy/config.${stack}.json identical to policy/profiles/${stack}.json`, () => {
            expect(fs.readFileSync(path.join(PACK_DIR, `config.${stack}.json`), "utf8")).to.equal(fs.readFileSync(path.join(PACK_DIR, "profiles", `${stack}.json`), "utf8"));
        });
    }

    it("pins test: prod's enforcement (every rule mandatory, 365-day retention, protect required), no downgrade and no exemption", () => {
        const view = pinnedView(readProfile("test"));
        expect(view).to.deep.equal({ all: "mandatory", overrides: [], exemptions: [], settings: { "law-retention-and-local-auth": { minRetentionDays: 365 } } });
        // At least as strict as prod, setting by setting.
        expect(view).to.deep.equal(pinnedView(readProfile("prod")));
    });

    it("names only rules of the pack, with only top-level keys the engine accepts", () => {
        for (const environment of ["dev", "test", "prod"]) {
            const unknown = Object.keys(readProfile(environment)).filter((k) => k !== "all" && !ruleNames.has(k));
            expect(unknown, environment).to.deep.equal([]);
        }
    });
});
