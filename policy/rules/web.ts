import { enumEquals, prop, publicAccessOpen } from "./common";
import { resourceRule } from "./define";

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
    controls: { hitrust: ["01.n", "09.y", "01.q"], azurePolicy: ["4d24b6d4", "399b2637", "871b205b"], checkov: ["CKV_AZURE_78"] },
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
    description: "Web and function apps are integrated with a VNet subnet and send all outbound traffic through it (so the firewall sees it).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.m"], azurePolicy: ["72d04c29", "2d21331d"], checkov: [] },
    types: SITES,
    remediation: "Set virtualNetworkSubnetId to the integration subnet and outboundVnetRouting.allTraffic: true (or the legacy siteConfig.vnetRouteAllEnabled: true).",
    check: (r, _c, report) => {
        if (r.props["virtualNetworkSubnetId"] === undefined) report(`${kind(r.typeKey)} "${r.name}" has no VNet integration`);
        // outboundVnetRouting.applicationTraffic is siteConfig.vnetRouteAllEnabled under its current name (ARM
        // OutboundVnetRouting: "Previously called VnetRouteAllEnabled"; learn.microsoft.com/azure/app-service/configure-vnet-integration-routing),
        // and allTraffic turns on every routing option. An explicit applicationTraffic: false is the current property
        // saying no, so the legacy flag cannot outvote it.
        const all = prop(r.props, "outboundVnetRouting.allTraffic");
        const app = prop(r.props, "outboundVnetRouting.applicationTraffic");
        const routed = all === true || app === true || (app === undefined && prop(r.props, "siteConfig.vnetRouteAllEnabled") === true);
        if (!routed) report(`${kind(r.typeKey)} "${r.name}" does not route all outbound traffic through the VNet`);
    },
});
