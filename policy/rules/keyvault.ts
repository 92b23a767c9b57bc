import { enumEquals, prop, publicAccessOpen } from "./common";
import { resourceRule } from "./define";

const AREA = "key-vault";
const VAULT = ["keyvault:Vault"];

export const keyVaultPurgeProtection = resourceRule({
    name: "keyvault-purge-protection",
    area: AREA,
    description: "Key Vaults keep soft delete and purge protection on, so keys and secrets protecting PHI cannot be destroyed at once.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["06.c", "09.l", "10.c", "12.b"], azurePolicy: ["0b60c0b2"], checkov: ["CKV_AZURE_42", "CKV_AZURE_110", "CKV_AZURE_111"] },
    types: VAULT,
    remediation: "Set properties.enablePurgeProtection: true and properties.enableSoftDelete: true.",
    check: (r, _c, report) => {
        if (prop(r.props, "properties.enablePurgeProtection") !== true) report(`Key Vault "${r.name}" has no purge protection`);
        // Azure no longer lets soft delete be turned off; it is required explicitly so the plan shows it (as Checkov does).
        if (prop(r.props, "properties.enableSoftDelete") !== true) report(`Key Vault "${r.name}" does not set enableSoftDelete: true`);
    },
});

export const keyVaultRbac = resourceRule({
    name: "keyvault-rbac-authorization",
    area: AREA,
    description: "Key Vaults use Azure RBAC for data access, not access policies (one audited permission model).",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c"], azurePolicy: ["12d4fa5e"], checkov: [] },
    types: VAULT,
    remediation: "Set properties.enableRbacAuthorization: true and grant roles instead of access policies.",
    check: (r, _c, report) => {
        if (prop(r.props, "properties.enableRbacAuthorization") !== true) report(`Key Vault "${r.name}" uses access policies (enableRbacAuthorization is not true)`);
    },
});

export const keyVaultNetwork = resourceRule({
    name: "keyvault-network-locked-down",
    area: AREA,
    description: "Key Vaults refuse public network access and deny by default; they are reached through private endpoints.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab", "09.w"], azurePolicy: ["405c5871", "55615ac9", "ea4d6841"], checkov: ["CKV_AZURE_189", "CKV_AZURE_109"] },
    types: VAULT,
    remediation: "Set properties.publicNetworkAccess: \"Disabled\" and properties.networkAcls.defaultAction: \"Deny\"; add a private endpoint.",
    check: (r, _c, report) => {
        const open = publicAccessOpen(r.props, "properties.publicNetworkAccess");
        if (open !== undefined) report(`Key Vault "${r.name}" has publicNetworkAccess ${open}`);
        if (!enumEquals(prop(r.props, "properties.networkAcls.defaultAction"), "Deny")) report(`Key Vault "${r.name}" firewall does not deny by default`);
    },
});
