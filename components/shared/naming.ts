import * as pulumi from "@pulumi/pulumi";

/**
 * CAF-style resource naming with Azure's per-resource name rules.
 *
 * Regional, resource-group-scoped names follow `<abbr>-<workload>-<env>-<region>[-<instance>]`
 * (for example `vnet-ahds-dev-weu-hub`). Names that must be globally unique, or that Azure restricts to
 * alphanumerics, drop the hyphens and end with the stack's random suffix, which lives in Pulumi state so a
 * redeploy never renames anything (`stahdsdevimp3k9x2`).
 *
 * Sources: CAF abbreviations (learn.microsoft.com/azure/cloud-adoption-framework/ready/azure-best-practices/
 * resource-abbreviations) and Azure's naming rules per resource provider (learn.microsoft.com/azure/
 * azure-resource-manager/management/resource-name-rules).
 */

/** Length of the random, state-kept suffix appended to globally unique names. */
export const UNIQUE_SUFFIX_LENGTH = 5;
/** Workload prefix rule: short enough that every name kind below fits with the longest instance and suffix. */
export const WORKLOAD_PATTERN = /^[a-z][a-z0-9]{1,5}$/;
/** Instance discriminators (`hub`, `imp`, `exp`) are 1-4 lowercase alphanumerics. */
export const INSTANCE_PATTERN = /^[a-z0-9]{1,4}$/;
/** Environments this product knows; each has a short code used in names. */
export const ENVIRONMENTS = ["dev", "test", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Regions offered by this product: Azure regions where Azure Health Data Services (FHIR service) is generally
 * available and that have availability zones or are common healthcare landing zones. The value is the short code
 * used in names. Extend this table when Microsoft's products-by-region page lists a new region.
 */
export const REGION_CODES = {
    australiaeast: "ae",
    brazilsouth: "brs",
    canadacentral: "cnc",
    centralindia: "inc",
    centralus: "cus",
    eastus: "eus",
    eastus2: "eus2",
    francecentral: "frc",
    germanywestcentral: "gwc",
    japaneast: "jpe",
    koreacentral: "krc",
    northcentralus: "ncus",
    northeurope: "neu",
    norwayeast: "nwe",
    qatarcentral: "qac",
    southafricanorth: "san",
    southcentralus: "scus",
    southeastasia: "sea",
    swedencentral: "sdc",
    switzerlandnorth: "szn",
    uksouth: "uks",
    westcentralus: "wcus",
    westeurope: "weu",
    westus2: "wus2",
    westus3: "wus3",
} as const;
export type Region = keyof typeof REGION_CODES;
export const REGIONS = Object.keys(REGION_CODES) as Region[];

interface NameRule {
    /** CAF abbreviation. */
    readonly abbr: string;
    readonly min: number;
    readonly max: number;
    /** Allowed characters and shape, as Azure validates them. */
    readonly pattern: RegExp;
    /**
     * `regional`: hyphenated, unique within its scope. `compact`: regional but Azure allows no hyphens.
     * `global`: unique across Azure (DNS name) and alphanumeric-only: no hyphens, ends with the suffix.
     * `globalHyphen`: unique across Azure, hyphens allowed, ends with the suffix.
     */
    readonly style: "regional" | "compact" | "global" | "globalHyphen";
    /** Azure rule, quoted for the error message. */
    readonly rule: string;
}

const HYPHENATED = /^[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]$/;

/** Name rules by resource kind. Extend when a component adds a kind; the tests check every rule below. */
export const NAME_RULES = {
    resourceGroup: { abbr: "rg", min: 1, max: 90, pattern: /^[-\w.()]*[-\w()]$/, style: "regional", rule: "1-90 chars: alphanumerics, underscores, hyphens, periods, parentheses; cannot end with a period" },
    logAnalyticsWorkspace: { abbr: "log", min: 4, max: 63, pattern: /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/, style: "regional", rule: "4-63 chars: alphanumerics and hyphens, start and end alphanumeric" },
    virtualNetwork: { abbr: "vnet", min: 2, max: 64, pattern: HYPHENATED, style: "regional", rule: "2-64 chars: alphanumerics, underscores, periods, hyphens; start alphanumeric, end alphanumeric or underscore" },
    subnet: { abbr: "snet", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens; start alphanumeric, end alphanumeric or underscore" },
    networkSecurityGroup: { abbr: "nsg", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    routeTable: { abbr: "rt", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    publicIpAddress: { abbr: "pip", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    firewall: { abbr: "afw", min: 1, max: 56, pattern: HYPHENATED, style: "regional", rule: "1-56 chars: alphanumerics, underscores, periods, hyphens" },
    firewallPolicy: { abbr: "afwp", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    bastion: { abbr: "bas", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    // Hybrid connectivity (CAF abbreviations vgw, lgw, con, dnspr, in). Gateways, local network gateways and connections
    // follow the Microsoft.Network rule (1-80 chars: alphanumerics, underscores, periods, hyphens); resolver names are kept
    // to alphanumerics and hyphens, a subset of what Microsoft.Network/dnsResolvers accepts.
    virtualNetworkGateway: { abbr: "vgw", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    localNetworkGateway: { abbr: "lgw", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    gatewayConnection: { abbr: "con", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    dnsResolver: { abbr: "dnspr", min: 1, max: 80, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/, style: "regional", rule: "1-80 chars: alphanumerics and hyphens, start and end alphanumeric" },
    dnsResolverInboundEndpoint: { abbr: "in", min: 1, max: 80, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/, style: "regional", rule: "1-80 chars: alphanumerics and hyphens, start and end alphanumeric" },
    virtualMachine: { abbr: "vm", min: 1, max: 64, pattern: /^[A-Za-z0-9][A-Za-z0-9.-]{0,62}[A-Za-z0-9]$/, style: "regional", rule: "Linux VM: 1-64 chars, alphanumerics, periods, hyphens; cannot end with a period or hyphen" },
    networkInterface: { abbr: "nic", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    privateEndpoint: { abbr: "pep", min: 2, max: 64, pattern: HYPHENATED, style: "regional", rule: "2-64 chars: alphanumerics, underscores, periods, hyphens" },
    userAssignedIdentity: { abbr: "id", min: 3, max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/, style: "regional", rule: "3-128 chars: alphanumerics, hyphens, underscores; start alphanumeric" },
    applicationGateway: { abbr: "agw", min: 1, max: 80, pattern: HYPHENATED, style: "regional", rule: "1-80 chars: alphanumerics, underscores, periods, hyphens" },
    wafPolicy: { abbr: "waf", min: 1, max: 128, pattern: /^[A-Za-z0-9_]{1,128}$/, style: "compact", rule: "1-128 chars: alphanumerics and underscores" },
    appServicePlan: { abbr: "asp", min: 1, max: 60, pattern: /^[A-Za-z0-9-]{1,60}$/, style: "regional", rule: "1-60 chars: alphanumerics and hyphens" },
    applicationInsights: { abbr: "appi", min: 1, max: 255, pattern: /^[A-Za-z0-9_.()-]*[A-Za-z0-9_()-]$/, style: "regional", rule: "1-255 chars: alphanumerics, underscores, periods, hyphens, parentheses; cannot end with a period" },
    eventGridSystemTopic: { abbr: "egst", min: 3, max: 128, pattern: /^[A-Za-z0-9-]{3,128}$/, style: "regional", rule: "3-128 chars: alphanumerics and hyphens" },
    // Container Apps jobs follow the container app rule (learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftapp).
    containerAppJob: { abbr: "caj", min: 2, max: 32, pattern: /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, style: "regional", rule: "2-32 chars: lowercase alphanumerics and hyphens, start with a letter" },
    containerAppsEnvironment: { abbr: "cae", min: 2, max: 60, pattern: /^[a-z0-9][a-z0-9-]{0,58}[a-z0-9]$/, style: "regional", rule: "2-60 chars: lowercase alphanumerics and hyphens, start and end alphanumeric" },
    containerApp: { abbr: "ca", min: 2, max: 32, pattern: /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/, style: "regional", rule: "2-32 chars: lowercase alphanumerics and hyphens, start with a letter" },
    keyVault: { abbr: "kv", min: 3, max: 24, pattern: /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, style: "global", rule: "3-24 chars: alphanumerics and hyphens, start with a letter, no consecutive hyphens; globally unique" },
    storageAccount: { abbr: "st", min: 3, max: 24, pattern: /^[a-z0-9]{3,24}$/, style: "global", rule: "3-24 chars: lowercase letters and numbers; globally unique" },
    containerRegistry: { abbr: "cr", min: 5, max: 50, pattern: /^[a-zA-Z0-9]{5,50}$/, style: "global", rule: "5-50 chars: alphanumerics; globally unique" },
    apiManagement: { abbr: "apim", min: 1, max: 50, pattern: /^[a-zA-Z][a-zA-Z0-9-]{0,48}[a-zA-Z0-9]$/, style: "globalHyphen", rule: "1-50 chars: alphanumerics and hyphens, start with a letter, end alphanumeric; globally unique" },
    functionApp: { abbr: "func", min: 2, max: 60, pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{0,58}[a-zA-Z0-9]$/, style: "globalHyphen", rule: "2-60 chars: alphanumerics and hyphens; globally unique" },
    healthWorkspace: { abbr: "hw", min: 3, max: 24, pattern: /^[a-z0-9]{3,24}$/, style: "global", rule: "3-24 chars: lowercase letters and numbers; globally unique (part of the FHIR URL)" },
    eventHubNamespace: { abbr: "evhns", min: 6, max: 50, pattern: /^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/, style: "globalHyphen", rule: "6-50 chars: alphanumerics and hyphens, start with a letter; globally unique" },
    // Azure AI Language account: its name is also its custom subdomain (<name>.cognitiveservices.azure.com), so it is globally unique.
    languageAccount: { abbr: "lang", min: 2, max: 64, pattern: /^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$/, style: "globalHyphen", rule: "2-64 chars: lowercase alphanumerics and hyphens, start and end alphanumeric; globally unique (custom subdomain)" },
    // Synapse private link hub (Studio's `web` endpoint): unique in its resource group, 1-45 lowercase letters and
    // numbers (resource-name-rules#microsoftsynapse).
    synapsePrivateLinkHub: { abbr: "synplh", min: 1, max: 45, pattern: /^[a-z0-9]{1,45}$/, style: "compact", rule: "1-45 chars: lowercase letters and numbers; unique in the resource group" },
    synapseWorkspace: { abbr: "synw", min: 1, max: 50, pattern: /^[a-z0-9][a-z0-9-]{0,48}[a-z0-9]$/, style: "globalHyphen", rule: "1-50 chars: lowercase alphanumerics and hyphens; globally unique" },
    // The Application Gateway's public DNS label (`<label>.<region>.cloudapp.azure.com`): unique per region across all
    // of Azure, so it carries the stack suffix (the gateway's own name is only unique in its resource group). ARM's rule
    // for domainNameLabel is ^[a-z][a-z0-9-]{1,61}[a-z0-9]$ (learn.microsoft.com/azure/virtual-network/ip-services/public-ip-addresses#domain-name-label).
    gatewayDnsLabel: { abbr: "agw", min: 3, max: 63, pattern: /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/, style: "globalHyphen", rule: "3-63 chars: lowercase letters, digits and hyphens, start with a letter, end alphanumeric; unique per region (<label>.<region>.cloudapp.azure.com)" },
} as const satisfies Record<string, NameRule>;
export type NameKind = keyof typeof NAME_RULES;

/** What every component needs to name its children. */
export interface NamingArgs {
    /** Workload prefix (2-6 lowercase alphanumerics, starting with a letter). @default "ahds" (stack config `ahds:workload`) */
    workload: string;
    /** Environment code: `dev`, `test` or `prod`. @default stack config `ahds:environment` */
    environment: string;
    /** Azure region name (for example `westeurope`); its short code goes into regional names. @default stack config `ahds:location` */
    location: string;
    /** Random suffix kept in state, used in globally unique names. @default the stack's `random.RandomString` */
    uniqueSuffix: pulumi.Input<string>;
}

/** Returns the problems of `name` against the Azure rule for `kind`; empty when the name is valid. */
export function nameProblems(kind: NameKind, name: string): string[] {
    const r: NameRule = NAME_RULES[kind];
    const problems: string[] = [];
    if (name.length < r.min || name.length > r.max) problems.push(`length ${name.length} outside ${r.min}-${r.max}`);
    if (!r.pattern.test(name)) problems.push(`does not match ${r.pattern}`);
    if (kind === "keyVault" && name.includes("--")) problems.push("contains consecutive hyphens");
    return problems;
}

function regionCode(location: string): string {
    const code = (REGION_CODES as Record<string, string>)[location];
    if (code === undefined) throw new Error(`naming: unknown location "${location}" (allowed: ${REGIONS.join(", ")})`);
    return code;
}

function checkParts(naming: NamingArgs, instance: string | undefined): void {
    if (!WORKLOAD_PATTERN.test(naming.workload)) {
        throw new Error(`naming: workload "${naming.workload}" must match ${WORKLOAD_PATTERN}`);
    }
    if (!(ENVIRONMENTS as readonly string[]).includes(naming.environment)) {
        throw new Error(`naming: environment "${naming.environment}" must be one of ${ENVIRONMENTS.join(", ")}`);
    }
    if (instance !== undefined && !INSTANCE_PATTERN.test(instance)) {
        throw new Error(`naming: instance "${instance}" must match ${INSTANCE_PATTERN}`);
    }
}

/** Builds a name from plain parts; `suffix` is required for global kinds. Throws if the result breaks Azure's rule. */
export function composeName(kind: NameKind, naming: Omit<NamingArgs, "uniqueSuffix">, instance?: string, suffix?: string): string {
    checkParts({ ...naming, uniqueSuffix: "" }, instance);
    const rule: NameRule = NAME_RULES[kind];
    let name: string;
    if (rule.style === "regional" || rule.style === "compact") {
        const parts = [rule.abbr, naming.workload, naming.environment, regionCode(naming.location), instance].filter((p) => p !== undefined);
        name = parts.join(rule.style === "regional" ? "-" : "");
    } else {
        if (suffix === undefined) throw new Error(`naming: ${kind} is globally unique and needs the stack suffix`);
        const parts = [rule.abbr, naming.workload, naming.environment, instance, suffix].filter((p) => p !== undefined);
        name = rule.style === "global" ? parts.join("") : parts.join("-");
    }
    const problems = nameProblems(kind, name);
    if (problems.length > 0) throw new Error(`naming: ${kind} name "${name}" breaks Azure's rule (${rule.rule}): ${problems.join("; ")}`);
    return name;
}

/** Azure name for a child resource. Global kinds resolve once the stack's suffix is known. */
export function resourceName(kind: NameKind, naming: NamingArgs, instance?: string): pulumi.Output<string> {
    // Validate the plain parts now, so a bad name fails before anything is registered.
    checkParts(naming, instance);
    const style: NameRule["style"] = NAME_RULES[kind].style;
    if (style === "regional" || style === "compact") return pulumi.output(composeName(kind, naming, instance));
    return pulumi.output(naming.uniqueSuffix).apply((suffix) => composeName(kind, naming, instance, suffix));
}

/** Every kind whose longest possible name (6-char workload, 4-char environment/instance, full suffix) must fit. */
export function worstCaseNames(workload: string, environment: string, location: string): Array<{ kind: NameKind; name: string; problems: string[] }> {
    const longestInstance = "xxxx";
    const suffix = "x".repeat(UNIQUE_SUFFIX_LENGTH);
    return (Object.keys(NAME_RULES) as NameKind[]).map((kind) => {
        const rule: NameRule = NAME_RULES[kind];
        const code = (REGION_CODES as Record<string, string>)[location] ?? "xxxx";
        const regional = rule.style === "regional" || rule.style === "compact";
        const parts = regional ? [rule.abbr, workload, environment, code, longestInstance] : [rule.abbr, workload, environment, longestInstance, suffix];
        const name = rule.style === "global" || rule.style === "compact" ? parts.join("") : parts.join("-");
        return { kind, name, problems: nameProblems(kind, name) };
    });
}
