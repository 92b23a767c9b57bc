import * as pulumi from "@pulumi/pulumi";
import { DiagnosticSettingArgs } from "../shared/diagnostics";
import { LockArgs } from "../shared/lock";
import { NamingArgs } from "../shared/naming";
import { PrivateEndpointArgs } from "../shared/privateEndpoint";
import { RoleAssignmentArgs } from "../shared/roleAssignment";

/** Where the account's private endpoint goes and the private DNS zones it registers in. */
export interface IntelligenceNetworkArgs {
    /** Subnet for the account's private endpoint (the spoke's private-endpoint subnet). */
    privateEndpointSubnetResourceId: pulumi.Input<string>;
    /** Private DNS zone IDs by zone name (HubSecurity.privateDnsZoneIds). Needs privatelink.cognitiveservices.azure.com unless privateEndpoints is set. */
    privateDnsZoneResourceIds: Record<string, pulumi.Input<string>>;
}

/** The account's managed identities (AVM `managedIdentityAllType`, system-assigned only). */
export interface IntelligenceManagedIdentitiesArgs {
    /** A system-assigned identity on the account (its object ID is the `principalId` output). @default true */
    systemAssigned?: boolean;
}

/** An Azure AI Language account for Text Analytics for health: private endpoint only, Entra ID only. */
export interface IntelligenceArgs {
    /** Naming parts (workload, environment, location, stack suffix). */
    naming: NamingArgs;
    /** Resource group for the account (the PHI workload's). */
    resourceGroupName: pulumi.Input<string>;
    /** Tags for every taggable child. @default {} */
    tags?: Record<string, pulumi.Input<string>>;
    /** Central Log Analytics workspace for the account's diagnostics. */
    logAnalyticsWorkspaceResourceId: pulumi.Input<string>;
    /** Private-endpoint subnet and DNS zones. */
    network: IntelligenceNetworkArgs;
    /** Azure name of the account, also its custom subdomain `<name>.cognitiveservices.azure.com` (2-64 lowercase alphanumerics and hyphens, start and end alphanumeric; globally unique). @default "lang-<workload>-<env>-<suffix>" */
    accountName?: pulumi.Input<string>;
    /** Pricing tier: `S` (Standard) or `F0` (Free, to try the service). @default "S" */
    sku?: string;
    /** Host names the account may reach when it calls out (`allowedFqdnList`; outbound access is restricted to this list). @default [] (no outbound calls) */
    allowedFqdns?: string[];
    /** Managed identities of the account. @default { systemAssigned: true } */
    managedIdentities?: IntelligenceManagedIdentitiesArgs;
    /** Private endpoints of the account (group `account`). @default { spoke: private-endpoint subnet, privatelink.cognitiveservices.azure.com } */
    privateEndpoints?: Record<string, PrivateEndpointArgs>;
    /** Diagnostic settings of the account. @default { law: allLogs + AllMetrics to logAnalyticsWorkspaceResourceId } */
    diagnosticSettings?: Record<string, DiagnosticSettingArgs>;
    /** Role assignments on the account; callers that submit and read Text Analytics for health jobs need Cognitive Services Language Reader or Cognitive Services User. @default {} */
    roleAssignments?: Record<string, RoleAssignmentArgs>;
    /** Lock on the account. @default none */
    lock?: LockArgs;
}
