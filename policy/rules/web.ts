import { PolicyResource } from "@pulumi/policy";
import { UNKNOWN, azureTypeKey, enumEquals, peek, present, prop, publicAccessOpen } from "./common";
import { resourceRule, stackRule } from "./define";

/** App Service and Functions (the bulk loader's function app): sites and deployment slots share one shape. */
const AREA = "app-service";
const SITES = ["web:WebApp", "web:WebAppSlot"];
const kind = (t: string) => (t === "web:WebAppSlot" ? "slot" : "app");

export const appServiceHttpsOnly = resourceRule({
    name: "appservice-https-only",
    area: AREA,
    description: "Web and function apps (and their slots) redirect HTTP to HTTPS: PHI never crosses the wire in clear text.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.y", "05.i"], azurePolicy: ["a4af4a39", "6d555dd1"], checkov: ["CKV_AZURE_14", "CKV_AZURE_70", "CKV_AZURE_153"] },
    types: SITES,
    remediation: "Set httpsOnly: true.",
    check: (r, _c, report) => { if (r.props["httpsOnly"] !== true) report(`${kind(r.typeKey)} "${r.name}" does not set httpsOnly: true`); },
});

const TLS12 = ["1.2", "1.3"];

export const appServiceMinTls = resourceRule({
    name: "appservice-min-tls-1-2",
    area: AREA,
    description: "Web and function apps negotiate TLS 1.2 or later on the site and its SCM (Kudu) endpoint; the minimum is set explicitly so the plan shows it.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.y"], azurePolicy: ["f0e6e85b", "f9d614c5"], checkov: ["CKV_AZURE_15", "CKV_AZURE_145", "CKV_AZURE_154"] },
    types: SITES,
    remediation: "Set siteConfig.minTlsVersion: \"1.2\" (and scmMinTlsVersion \"1.2\" if set).",
    check: (r, _c, report) => {
        const site = prop(r.props, "siteConfig.minTlsVersion");
        if (!TLS12.includes(String(site))) report(`${kind(r.typeKey)} "${r.name}" minTlsVersion is ${site === undefined ? "unset" : String(site)}; require 1.2 or later`);
        const scm = prop(r.props, "siteConfig.scmMinTlsVersion");
        if (scm !== undefined && !TLS12.includes(String(scm))) report(`${kind(r.typeKey)} "${r.name}" SCM endpoint allows TLS ${String(scm)}`);
    },
});

/**
 * The basic publishing credential policies (basicPublishingCredentialsPolicies/ftp and /scm) of an app, and of a
 * deployment slot (sites/slots/basicPublishingCredentialsPolicies): a slot has its own pair, independent of the app's,
 * and each allows basic-auth publishing until set to false, which is also what an app or slot created through the API
 * without them does (learn.microsoft.com/azure/app-service/configure-basic-auth-disable, which lists the slot audits
 * next to the app ones: Azure Policy ec71c0bc for a slot's FTP, 847ef871 for its SCM).
 */
const PUBLISHING_POLICIES: Readonly<Record<string, string>> = {
    "web:WebAppFtpAllowed": "FTP",
    "web:WebAppScmAllowed": "SCM",
    "web:WebAppFtpAllowedSlot": "FTP, deployment slot",
    "web:WebAppScmAllowedSlot": "SCM, deployment slot",
};

export const appServiceFtpDisabled = resourceRule<{ allowFtpsOnly: boolean }>({
    name: "appservice-ftp-disabled",
    area: AREA,
    description: "No FTP deployment to web and function apps (Azure's default allows plain FTP and FTPS), and no basic-auth publishing credentials for FTP or SCM, on apps and on their deployment slots.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.y", "01.q"], azurePolicy: ["4d24b6d4", "399b2637", "871b205b", "aede300b", "ec71c0bc", "847ef871"], checkov: ["CKV_AZURE_78"] },
    types: [...SITES, ...Object.keys(PUBLISHING_POLICIES)],
    remediation: "Set siteConfig.ftpsState: \"Disabled\"; set allow: false on WebAppFtpAllowed and WebAppScmAllowed (basic publishing credentials) and on their slot variants WebAppFtpAllowedSlot and WebAppScmAllowedSlot.",
    config: { allowFtpsOnly: { type: "boolean", default: false } },
    check: (r, c, report) => {
        const publishing = PUBLISHING_POLICIES[r.typeKey];
        if (publishing !== undefined) {
            // Anything but an explicit false allows: basic-auth publishing is on unless the policy says otherwise.
            if (r.props["allow"] !== false) report(`"${r.name}" allows basic-auth publishing credentials (${publishing})`);
            return;
        }
        const state = prop(r.props, "siteConfig.ftpsState");
        const ok = enumEquals(state, "Disabled") || (c.allowFtpsOnly && enumEquals(state, "FtpsOnly"));
        if (!ok) report(`${kind(r.typeKey)} "${r.name}" ftpsState is ${state === undefined ? "AllAllowed (unset)" : String(state)}`);
    },
});

export const appServiceRemoteDebuggingOff = resourceRule({
    name: "appservice-remote-debugging-off",
    area: AREA,
    description: "Remote debugging is off on web and function apps (it opens inbound debugger ports).",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.s", "01.l"], azurePolicy: ["cb510bfd", "0e60b895"], checkov: ["CKV_AZURE_72", "CKV_AZURE_155"] },
    types: SITES,
    remediation: "Leave siteConfig.remoteDebuggingEnabled unset or false.",
    check: (r, _c, report) => { if (prop(r.props, "siteConfig.remoteDebuggingEnabled") === true) report(`${kind(r.typeKey)} "${r.name}" enables remote debugging`); },
});

export const appServiceCorsNoWildcard = resourceRule({
    name: "appservice-cors-no-wildcard",
    area: AREA,
    description: "Web and function apps never allow every origin by CORS.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["09.s", "01.c"], azurePolicy: ["5744710e", "0820b7b9"], checkov: ["CKV_AZURE_57", "CKV_AZURE_62"] },
    types: SITES,
    remediation: "List each allowed origin in siteConfig.cors.allowedOrigins; never \"*\".",
    check: (r, _c, report) => {
        const origins = prop(r.props, "siteConfig.cors.allowedOrigins");
        if (Array.isArray(origins) && origins.some((o) => typeof o === "string" && o.includes("*"))) report(`${kind(r.typeKey)} "${r.name}" allows CORS from "*"`);
    },
});

export const appServicePublicNetworkDisabled = resourceRule({
    name: "appservice-public-network-disabled",
    area: AREA,
    description: "Web and function apps refuse public network access: they are reached through private endpoints only.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab", "09.w"], azurePolicy: ["1b5ef780", "969ac98b"], checkov: ["CKV_AZURE_222", "CKV_AZURE_221"] },
    types: SITES,
    remediation: "Set publicNetworkAccess: \"Disabled\" and add a private endpoint (group sites).",
    check: (r, _c, report) => {
        const open = publicAccessOpen(r.props);
        if (open !== undefined) report(`${kind(r.typeKey)} "${r.name}" has publicNetworkAccess ${open}`);
    },
});

export const appServiceVnetRouteAll = resourceRule({
    name: "appservice-vnet-integration-route-all",
    area: AREA,
    description: "Web and function apps (and their slots) are integrated with a VNet subnet and send all outbound traffic through it, so the firewall sees it: application traffic and configuration traffic (content share, image pull, backup/restore), which Azure otherwise sends over the public network.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: {
        hitrust: ["01.m", "01.n", "09.m"],
        azurePolicy: ["72d04c29", "24b7a1c6", "a691eacb", "32a913ec", "f5c0bfb3", "75c42c42", "801543d1", "5e57f5ad", "5747353b", "f380edf5"],
        checkov: [],
    },
    types: SITES,
    remediation: "Set virtualNetworkSubnetId to the integration subnet and outboundVnetRouting.allTraffic: true (or applicationTraffic, contentShareTraffic, imagePullTraffic and backupRestoreTraffic all true; siteConfig.vnetRouteAllEnabled is the legacy name of applicationTraffic).",
    check: (r, _c, report) => {
        // The subnet ID is computed (unknown at a first preview): an unknown reference is still a reference.
        if (!present(r.props, "virtualNetworkSubnetId")) report(`${kind(r.typeKey)} "${r.name}" has no VNet integration`);
        // outboundVnetRouting.applicationTraffic is siteConfig.vnetRouteAllEnabled under its current name (ARM
        // OutboundVnetRouting: "Previously called VnetRouteAllEnabled"; learn.microsoft.com/azure/app-service/configure-vnet-integration-routing),
        // and allTraffic turns on every routing option. An explicit applicationTraffic: false is the current property
        // saying no, so the legacy flag cannot outvote it.
        const all = prop(r.props, "outboundVnetRouting.allTraffic") === true;
        const app = prop(r.props, "outboundVnetRouting.applicationTraffic");
        const routed = all || app === true || (app === undefined && prop(r.props, "siteConfig.vnetRouteAllEnabled") === true);
        // Configuration traffic is not routed by default (Azure Policy 5e57f5ad/801543d1, "By default, configuration
        // traffic (image pull, content share, backup/restore) is not routed through regional VNET integration", aka.ms/appservice-vnet-configuration-routing;
        // ARM OutboundVnetRouting contentShareTraffic/imagePullTraffic/backupRestoreTraffic, "Previously called Vnet*Enabled").
        // An app with no content share or container image loses nothing by routing them; one with them would bypass the firewall.
        const unrouted = [
            ...(routed ? [] : ["application traffic"]),
            ...(all ? [] : ["contentShareTraffic", "imagePullTraffic", "backupRestoreTraffic"].filter((k) => prop(r.props, `outboundVnetRouting.${k}`) !== true)),
        ];
        if (unrouted.length > 0) report(`${kind(r.typeKey)} "${r.name}" does not route all outbound traffic through the VNet (not routed: ${unrouted.join(", ")}; set outboundVnetRouting.allTraffic: true)`);
    },
});

/**
 * App settings whose name makes them a connection string or a secret whatever their value (a Key Vault reference
 * included: the referenced secret is still a key), with the identity-based replacement. Lower-cased names.
 */
const CREDENTIAL_SETTINGS: Readonly<Record<string, string>> = {
    // learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity
    "azurewebjobsstorage": "the Functions host's storage connection string; use AzureWebJobsStorage__accountName (or __blobServiceUri, __queueServiceUri, __tableServiceUri) with the app's managed identity",
    "azurewebjobsdashboard": "the legacy WebJobs dashboard's storage connection string; remove it (Application Insights replaces the dashboard)",
    // learn.microsoft.com/azure/azure-functions/storage-considerations ("Create an app without Azure Files")
    "website_contentazurefileconnectionstring": "the Azure Files content share's connection string, which has no identity-based form; use a plan without Azure Files, or Microsoft's recipe without it (run from a package URL fetched with the app's identity)",
    // microsoft/fhir-loader: FS-SECRET is the client secret used when FS-ISMSI is not true.
    "fs-secret": "the FHIR loader's client secret; set FS-ISMSI=true so the loader calls the FHIR service with its managed identity",
};

/**
 * Credentials inside a value, by the connection-string segment or URL parameter that carries them: storage and Cosmos
 * DB account keys (`AccountKey=`, also in `DefaultEndpointsProtocol=...;AccountKey=...`), storage SAS connection strings
 * (`SharedAccessSignature=`) and SAS URLs (`sig=`, e.g. a WEBSITE_RUN_FROM_PACKAGE URL), Event Hubs / Service Bus keys
 * (`SharedAccessKey=`; not `SharedAccessKeyName=`, a key's name), and passwords in database connection strings.
 * `InstrumentationKey=` in an Application Insights connection string is an ingestion key, not a credential (with
 * local authentication off, ingestion needs Entra ID), so it is not matched.
 */
const VALUE_CREDENTIALS: ReadonlyArray<[RegExp, string]> = [
    [/(^|;)\s*AccountKey\s*=/i, "an account key (AccountKey=)"],
    [/(^|;)\s*SharedAccessSignature\s*=/i, "a shared access signature (SharedAccessSignature=)"],
    [/(^|;)\s*SharedAccessKey\s*=/i, "a shared access key (SharedAccessKey=)"],
    [/(^|[?&;])sig=/i, "a SAS token (sig=)"],
    [/(^|;)\s*(Password|Pwd)\s*=/i, "a password (Password=)"],
];

/** A Key Vault reference (learn.microsoft.com/azure/app-service/app-service-key-vault-references): the secret stays in the vault. */
const isKeyVaultReference = (v: string) => /^\s*@Microsoft\.KeyVault\(/i.test(v);

/** What credential a value carries (never the value itself), or undefined. Unknown values carry none that can be told. */
function credentialIn(value: unknown): string | undefined {
    if (typeof value !== "string" || isKeyVaultReference(value)) return undefined;
    return VALUE_CREDENTIALS.find(([re]) => re.test(value))?.[1];
}

/** Why an app setting carries a key, by its name first (then any value, even unknown or a Key Vault reference, is one), else by its value. */
function settingProblem(name: unknown, value: unknown): string | undefined {
    const byName = typeof name === "string" ? CREDENTIAL_SETTINGS[name.trim().toLowerCase()] : undefined;
    const set = value === UNKNOWN || (typeof value === "string" && value.trim() !== "");
    if (byName !== undefined && set) return `is ${byName}`;
    const what = credentialIn(value);
    return what === undefined ? undefined : `holds ${what}`;
}

const SETTINGS_TYPES: Readonly<Record<string, string>> = {
    "web:WebAppApplicationSettings": "app settings",
    "web:WebAppApplicationSettingsSlot": "slot app settings",
};
const CONNECTION_STRING_TYPES: Readonly<Record<string, string>> = {
    "web:WebAppConnectionStrings": "connection strings",
    "web:WebAppConnectionStringsSlot": "slot connection strings",
};

export const appServiceNoKeySettings = resourceRule({
    name: "appservice-no-key-settings",
    area: AREA,
    description: "Web and function apps hold no keys in their settings: no storage account key, SAS, Event Hubs/Service Bus key or password in an app setting or connection string (siteConfig or the standalone settings resources), no AzureWebJobsStorage or content-share connection string (identity-based AzureWebJobsStorage__* settings instead), no FHIR loader client secret; messages name the setting, never its value.",
    severity: "critical",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.c", "09.ab"], azurePolicy: ["0da106f2", "2b9ad585", "4a15c15f"], checkov: [] },
    types: [...SITES, ...Object.keys(SETTINGS_TYPES), ...Object.keys(CONNECTION_STRING_TYPES)],
    remediation: "Give the app a managed identity with data roles on the services it calls and use identity-based settings (AzureWebJobsStorage__accountName, <connection>__blobServiceUri/__queueServiceUri, <connection>__fullyQualifiedNamespace, WEBSITE_RUN_FROM_PACKAGE with a plain blob URL and WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID); a third-party secret that has no identity-based form goes to Key Vault as a @Microsoft.KeyVault(...) reference.",
    check: (r, _c, report) => {
        const settingsLabel = SETTINGS_TYPES[r.typeKey];
        const stringsLabel = CONNECTION_STRING_TYPES[r.typeKey];
        // Values are often computed (unknown at preview): read past them with peek, decide from the names and the known values.
        if (settingsLabel !== undefined || stringsLabel !== undefined) {
            const props = peek(r.props, "properties");
            if (typeof props !== "object" || props === null) return;
            for (const name of Object.keys(props)) {
                const entry = peek(props, name);
                const why = settingsLabel !== undefined ? settingProblem(name, entry) : (() => { const w = credentialIn(peek(entry, "value")); return w === undefined ? undefined : `holds ${w}`; })();
                if (why !== undefined) report(`${settingsLabel ?? stringsLabel} "${r.name}" ${settingsLabel !== undefined ? "setting" : "connection string"} "${name}" ${why}`);
            }
            return;
        }
        const settings = peek(r.props, "siteConfig.appSettings");
        for (const s of Array.isArray(settings) ? settings : []) {
            const name = peek(s, "name");
            const why = settingProblem(name, peek(s, "value"));
            if (why !== undefined) report(`${kind(r.typeKey)} "${r.name}" setting ${typeof name === "string" ? `"${name}"` : "(name unknown)"} ${why}`);
        }
        const strings = peek(r.props, "siteConfig.connectionStrings");
        for (const s of Array.isArray(strings) ? strings : []) {
            const name = peek(s, "name");
            const what = credentialIn(peek(s, "connectionString"));
            if (what !== undefined) report(`${kind(r.typeKey)} "${r.name}" connection string ${typeof name === "string" ? `"${name}"` : "(name unknown)"} holds ${what}`);
        }
    },
});

const webKey = (r: PolicyResource) => azureTypeKey(r.type) ?? "";
/** Two resources name the same thing in `key`: through a dependency on `target` (known at preview) or the target's known name. */
const refersTo = (r: PolicyResource, key: string, target: PolicyResource, targetKeys: string[]) =>
    (r.propertyDependencies[key] ?? []).some((d) => d.urn === target.urn)
    || (typeof r.props[key] === "string" && targetKeys.some((k) => enumEquals(target.props[k], String(r.props[key]))));

export const appServiceBasicPublishingOff = stackRule({
    name: "appservice-basic-publishing-off",
    area: AREA,
    description: "Every web and function app (and deployment slot) in the stack has its basic publishing credential policies declared off: a WebAppFtpAllowed and a WebAppScmAllowed (WebAppFtpAllowedSlot, WebAppScmAllowedSlot for a slot) with allow: false. Without them Azure allows basic-auth FTP and SCM publishing.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.n", "09.y"], azurePolicy: ["871b205b", "aede300b", "ec71c0bc", "847ef871"], checkov: [] },
    types: [...SITES, ...Object.keys(PUBLISHING_POLICIES)],
    remediation: "For each app add web.WebAppFtpAllowed and web.WebAppScmAllowed { name: app.name, resourceGroupName, allow: false } (for a slot, WebAppFtpAllowedSlot and WebAppScmAllowedSlot with slot: slot.name).",
    check: (resources, _c, report, exempt) => {
        const of = (t: string) => resources.filter((r) => webKey(r) === t);
        const apps = of("web:WebApp");
        const off = (p: PolicyResource) => p.props["allow"] === false || p.props["allow"] === UNKNOWN;
        for (const app of apps) {
            if (exempt(app)) continue;
            for (const [t, what] of [["web:WebAppFtpAllowed", "FTP"], ["web:WebAppScmAllowed", "SCM"]] as const) {
                if (!of(t).some((p) => off(p) && refersTo(p, "name", app, ["name"]))) report(`web:WebApp "${app.name}" has no ${t.slice(4)} with allow: false: basic-auth ${what} publishing stays on (Azure's default)`, app.urn);
            }
        }
        for (const slot of of("web:WebAppSlot")) {
            if (exempt(slot)) continue;
            const app = apps.find((a) => refersTo(slot, "name", a, ["name"]));
            const sameApp = (p: PolicyResource) => (app !== undefined ? refersTo(p, "name", app, ["name"]) : typeof p.props["name"] === "string" && enumEquals(p.props["name"], String(slot.props["name"])));
            for (const [t, what] of [["web:WebAppFtpAllowedSlot", "FTP"], ["web:WebAppScmAllowedSlot", "SCM"]] as const) {
                if (!of(t).some((p) => off(p) && sameApp(p) && refersTo(p, "slot", slot, ["slot"]))) report(`web:WebAppSlot "${slot.name}" has no ${t.slice(4)} with allow: false: basic-auth ${what} publishing stays on for the slot (Azure's default)`, slot.urn);
            }
        }
    },
});
