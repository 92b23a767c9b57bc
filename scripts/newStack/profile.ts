/** The policy profiles (policy/profiles/<environment>.json) and what each asks of a stack's settings. */
import * as fs from "fs";
import * as path from "path";
import { Environment } from "../../components/shared/naming";
import { policies } from "../../policy/policies";
import { PROJECT_DIR } from "../../lib/offline/stackConfig";

export const PROFILE_DIR = path.join(PROJECT_DIR, "policy", "profiles");
export const profileFile = (environment: Environment): string => path.join(PROFILE_DIR, `${environment}.json`);

export type Json = Record<string, unknown>;

export function readProfile(environment: Environment): Json {
    return JSON.parse(fs.readFileSync(profileFile(environment), "utf8")) as Json;
}

/** A rule's level under a pack config: its own entry, else the config's `all`, else the rule's default. */
export function levelOf(config: Json, rule: string): string {
    const entry = config[rule];
    if (typeof entry === "string") return entry;
    const own = typeof entry === "object" && entry !== null ? (entry as Json)["enforcementLevel"] : undefined;
    if (typeof own === "string") return own;
    if (typeof config["all"] === "string") return config["all"];
    const policy = policies.find((p) => p.name === rule);
    if (policy === undefined) throw new Error(`no rule ${rule} in the pack`);
    return policy.enforcementLevel ?? "advisory";
}

/** A rule setting under a pack config: the config's value, else the default in the rule's schema. */
export function settingOf(config: Json, rule: string, setting: string): unknown {
    const entry = config[rule];
    if (typeof entry === "object" && entry !== null && setting in entry) return (entry as Json)[setting];
    const policy = policies.find((p) => p.name === rule);
    if (policy === undefined) throw new Error(`no rule ${rule} in the pack`);
    return (policy.configSchema?.properties?.[setting] as { default?: unknown } | undefined)?.default;
}

/** What a profile asks of a stack's configuration: the settings its mandatory rules (and their settings) decide. */
export interface ProfileDemands {
    /** firewall-premium-idps mandatory: Azure Firewall Premium, IDPS Deny. */
    firewallPremium: boolean;
    /** vnet-flow-logs-coverage mandatory: flow logs on every VNet, kept at least flowLogRetentionDays. */
    flowLogs: boolean;
    flowLogRetentionDays: number;
    /** defender-plans-enabled mandatory and not left to the platform team: the stack enables the plans. */
    defenderPlans: boolean;
    /** law-retention-and-local-auth's minRetentionDays. */
    logRetentionDays: number;
    /** prod-stateful-protected mandatory with requireProtect. */
    protect: boolean;
}

export function profileDemands(profile: Json): ProfileDemands {
    const mandatory = (rule: string) => levelOf(profile, rule) === "mandatory";
    const num = (rule: string, setting: string) => Number(settingOf(profile, rule, setting));
    return {
        firewallPremium: mandatory("firewall-premium-idps"),
        flowLogs: mandatory("vnet-flow-logs-coverage"),
        flowLogRetentionDays: num("vnet-flow-logs-coverage", "minRetentionDays"),
        defenderPlans: mandatory("defender-plans-enabled") && settingOf(profile, "defender-plans-enabled", "platformManaged") !== true,
        logRetentionDays: num("law-retention-and-local-auth", "minRetentionDays"),
        protect: mandatory("prod-stateful-protected") && settingOf(profile, "prod-stateful-protected", "requireProtect") === true,
    };
}
