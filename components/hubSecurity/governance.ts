import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as security from "@pulumi/azure-native/security";
import { HubContext, HubSettings } from "./context";

/** Built-in "HITRUST/HIPAA" regulatory compliance initiative (Azure/azure-policy HIPAA_HITRUST_audit.json). */
export const HITRUST_HIPAA_INITIATIVE_ID = "/providers/Microsoft.Authorization/policySetDefinitions/a169a624-5599-4385-a696-c8d643089fab";

/** Governance that needs subscription-level rights, each switchable (reference defect 12: claimed, never deployed). */
export function createGovernance(parent: pulumi.ComponentResource, name: string, ctx: HubContext, s: HubSettings): void {
    const gov = s.governance;
    if (gov.defenderPlansEnabled) {
        const subscriptionScope = pulumi.interpolate`/subscriptions/${s.subscriptionId}`;
        for (const [plan, settings] of Object.entries(gov.defenderPlans)) {
            new security.Pricing(`${name}-defender-${plan}`, {
                scopeId: subscriptionScope,
                pricingName: plan,
                pricingTier: "Standard",
                ...(settings.subPlan !== undefined ? { subPlan: settings.subPlan } : {}),
            }, { parent });
        }
    }
    if (gov.hitrustPolicyAssignmentEnabled) {
        for (const [key, scope] of Object.entries(gov.policyAssignmentScopes)) {
            new authorization.PolicyAssignment(`${name}-hitrust-${key}`, {
                policyAssignmentName: `hitrust-hipaa-${key}`,
                displayName: `HITRUST/HIPAA (${key})`,
                description: "Built-in HITRUST/HIPAA regulatory compliance initiative, assigned by the ahds platform",
                scope,
                policyDefinitionId: HITRUST_HIPAA_INITIATIVE_ID,
                // Compliance is evaluated and reported; the initiative's Modify/DeployIfNotExists members (identity
                // prerequisites, guest-configuration extensions, NSG diagnostics to storage) do not change a PHI
                // environment on their own. Operators remediate deliberately with remediation tasks.
                enforcementMode: "DoNotEnforce",
                // The initiative has Modify/DeployIfNotExists members, so Azure requires an identity and a location.
                identity: { type: "SystemAssigned" },
                location: ctx.location,
                parameters: {
                    requiredRetentionDays: { value: String(gov.requiredRetentionDays) },
                    NetworkWatcherResourceGroupName: { value: gov.networkWatcherResourceGroupName },
                    // Required parameters without defaults. The Windows guest-configuration audits have no Windows VM
                    // to audit here; the NSG-diagnostics deployment target is the hub resource group.
                    installedApplicationsOnWindowsVM: { value: "" },
                    CertificateThumbprints: { value: "" },
                    DeployDiagnosticSettingsforNetworkSecurityGroupsrgName: { value: ctx.rg },
                    DeployDiagnosticSettingsforNetworkSecurityGroupsstoragePrefix: { value: `${ctx.naming.workload}${ctx.naming.environment}` },
                },
                nonComplianceMessages: [{ message: "This resource breaks a HITRUST/HIPAA control of the ahds platform; see the initiative's compliance view." }],
            }, { parent });
        }
    }
}
