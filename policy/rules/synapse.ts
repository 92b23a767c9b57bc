import { enumEquals, prop, publicAccessOpen } from "./common";
import { resourceRule } from "./define";

/** Synapse (the FHIR-to-Data-Lake analytics workspace). */
const AREA = "synapse";

export const synapsePrivateOnly = resourceRule({
    name: "synapse-private-only",
    area: AREA,
    description: "Synapse workspaces refuse public network access and carry no IP firewall rules: they are reached through private endpoints.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab", "09.w"], azurePolicy: ["38d8df46", "56fd377d"], checkov: ["CKV2_AZURE_19"] },
    types: ["synapse:Workspace", "synapse:IpFirewallRule"],
    remediation: "Set publicNetworkAccess: \"Disabled\"; remove synapse:IpFirewallRule resources; add private endpoints (Sql, SqlOnDemand, Dev).",
    check: (r, _c, report) => {
        if (r.typeKey === "synapse:IpFirewallRule") { report(`Synapse IP firewall rule "${r.name}" opens the workspace to public addresses`); return; }
        const open = publicAccessOpen(r.props);
        if (open !== undefined) report(`Synapse workspace "${r.name}" has publicNetworkAccess ${open}`);
    },
});

export const synapseExfiltrationProtection = resourceRule({
    name: "synapse-managed-vnet-exfil-protection",
    area: AREA,
    description: "Synapse workspaces run in a managed VNet with data exfiltration protection (outbound only to approved tenants); both are fixed at creation.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "09.m", "09.ab"], azurePolicy: ["2d9dbfa3", "3484ce98", "3a003702"], checkov: ["CKV_AZURE_58", "CKV_AZURE_157"] },
    types: ["synapse:Workspace"],
    remediation: "Set managedVirtualNetwork: \"default\" and managedVirtualNetworkSettings.preventDataExfiltration: true (allowedAadTenantIdsForLinking: your tenant).",
    check: (r, _c, report) => {
        if (!enumEquals(r.props["managedVirtualNetwork"], "default")) report(`Synapse workspace "${r.name}" has no managed virtual network`);
        if (prop(r.props, "managedVirtualNetworkSettings.preventDataExfiltration") !== true) report(`Synapse workspace "${r.name}" does not prevent data exfiltration`);
    },
});

export const synapseEntraOnly = resourceRule({
    name: "synapse-entra-only-auth",
    area: AREA,
    description: "Synapse workspaces accept Entra ID authentication only, and the program holds no SQL administrator password.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.c"], azurePolicy: ["2158ddbe", "6ea81a52"], checkov: ["CKV_AZURE_239"] },
    types: ["synapse:Workspace"],
    remediation: "Set azureADOnlyAuthentication: true and do not set sqlAdministratorLoginPassword.",
    check: (r, _c, report) => {
        if (r.props["azureADOnlyAuthentication"] !== true) report(`Synapse workspace "${r.name}" allows SQL authentication`);
        if (r.props["sqlAdministratorLoginPassword"] !== undefined) report(`Synapse workspace "${r.name}" sets a SQL administrator password`);
    },
});
