import { PolicyResource } from "@pulumi/policy";
import { dependsOn, enumEquals, escapeRegExp, instanceRefusals, leaf, prop, publicAccessOpen, resourceKey } from "./common";
import { resourceRule, stackRule } from "./define";

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

/**
 * True when the account's firewall is built from the workspace: from the workspace itself, or (the usual way, since
 * the workspace already depends on its lake) from what the workspace's own name and resource group come from, which
 * is what an ID spelled as `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Synapse/workspaces/<name>` is
 * built from. Decides only values still unknown at a first preview.
 */
function firewallFromWorkspace(account: PolicyResource, ws: PolicyResource): boolean {
    if (dependsOn(account, ws, "networkRuleSet")) return true;
    const parts = ["workspaceName", "resourceGroupName"].flatMap((p) => ws.propertyDependencies[p] ?? []);
    return parts.some((d) => dependsOn(account, d, "networkRuleSet"));
}

/**
 * Synapse serverless SQL pools (and the workspace's own identity) read the workspace's default Data Lake from outside
 * every VNet: a lake behind a storage firewall admits them only as a trusted resource instance, i.e. with
 * `bypass` keeping AzureServices and a resource-instance rule naming the workspace
 * (`/subscriptions/<sub>/resourcegroups/<rg>/providers/Microsoft.Synapse/workspaces/<name>`, `resourcegroups` in lower
 * case), and not with public
 * network access Disabled, which closes the public endpoint those exceptions apply to
 * (learn.microsoft.com/azure/synapse-analytics/sql/develop-storage-files-storage-access-control, "Access a storage
 * account with a firewall"; learn.microsoft.com/azure/synapse-analytics/security/connectivity-settings;
 * learn.microsoft.com/azure/storage/common/storage-network-security-resource-instances). Managed private endpoints
 * serve Spark and pipelines only; serverless SQL does not use the managed VNet.
 */
const LOWER_CASE_RG = /^\/subscriptions\/[^/]+\/resourcegroups\//;

export const synapseLakeTrustedWorkspace = stackRule({
    name: "synapse-lake-trusted-workspace",
    area: AREA,
    description: "A storage account of the stack that is a Synapse workspace's default Data Lake admits that workspace as a trusted resource instance: public network access is not Disabled, the firewall bypasses AzureServices, and a resource-instance rule names the workspace (…/providers/Microsoft.Synapse/workspaces/<name>) with the resource group segment spelled in lower case (/subscriptions/<sub>/resourcegroups/<rg>/…).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab"], azurePolicy: [], checkov: [] },
    types: ["synapse:Workspace", "storage:StorageAccount"],
    remediation: "On the lake account: publicNetworkAccess \"Enabled\" with networkRuleSet { defaultAction: \"Deny\", bypass: \"AzureServices\", ipRules: [], virtualNetworkRules: [], resourceAccessRules: [{ resourceId: \"/subscriptions/<sub>/resourcegroups/<rg>/providers/Microsoft.Synapse/workspaces/<name>\", tenantId }] } (resourcegroups in lower case, as serverless SQL matches it), plus private endpoints (blob, dfs) for everything inside the VNet.",
    check: (resources, _c, report, exempt) => {
        const accounts = resources.filter((r) => resourceKey(r) === "storage:StorageAccount");
        for (const ws of resources.filter((r) => resourceKey(r) === "synapse:Workspace")) {
            if (exempt(ws)) continue;
            const lakeId = prop(ws.props, "defaultDataLakeStorage.resourceId");
            // By dependency (known at preview), by ID, or by name: storage account names are globally unique.
            const lakes = accounts.filter((a) => dependsOn(ws, a, "defaultDataLakeStorage")
                || (typeof lakeId === "string" && (enumEquals(a.props["id"], lakeId) || enumEquals(a.props["accountName"] ?? a.props["name"], leaf(lakeId) ?? ""))));
            const wsId = ws.props["id"];
            const wsName = [ws.props["workspaceName"], ws.props["name"], wsId].map(leaf).find((n) => n !== undefined && n !== "");
            // Workspace names are globally unique too (<name>.sql.azuresynapse.net), so the ID's tail names the workspace;
            // a name still unknown at a first preview (and no ID yet) matches any workspace.
            const tail = new RegExp(`/providers/Microsoft\\.Synapse/workspaces/${wsName !== undefined ? escapeRegExp(wsName) : "[^/]+"}$`, "i");
            const names = (id: string) => (typeof wsId === "string" && enumEquals(id, wsId)) || tail.test(id);
            // Serverless SQL matches the rule's ID with `resourcegroups` in lower case (Learn, develop-storage-files-
            // storage-access-control, "Firewall protected storage": "It's important to write resourcegroups in lower
            // case"), which ARM's own IDs (`/resourceGroups/`) are not.
            const spelled = (id: string) => names(id) && LOWER_CASE_RG.test(id);
            for (const a of lakes) {
                if (exempt(a)) continue;
                const what = `Data Lake account "${a.name}" of Synapse workspace "${ws.name}"`;
                const derived = firewallFromWorkspace(a, ws);
                const anyCase = instanceRefusals(a.props, names, derived).every((r) => r.kind !== "no-rule");
                for (const refusal of instanceRefusals(a.props, spelled, derived)) {
                    if (refusal.kind === "disabled") report(`${what} has public network access Disabled, which refuses the resource-instance access Synapse serverless SQL comes through`, a.urn);
                    else if (refusal.kind === "not-derived") report(`${what} has a firewall not derived from the Synapse workspace`, a.urn);
                    else if (refusal.kind === "no-bypass") report(`${what} does not bypass the firewall for trusted Azure services (bypass ${refusal.bypass})`, a.urn);
                    else if (anyCase) report(`${what} names the workspace in a resource-instance rule spelled with "resourceGroups"; serverless SQL matches it only as "/subscriptions/<sub>/resourcegroups/<rg>/…" (lower case)`, a.urn);
                    else report(`${what} has no resource-instance rule for the workspace (…/providers/Microsoft.Synapse/workspaces/${wsName ?? "<workspace>"}); the storage firewall refuses serverless SQL`, a.urn);
                }
            }
        }
    },
});
