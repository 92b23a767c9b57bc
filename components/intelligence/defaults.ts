import * as pulumi from "@pulumi/pulumi";
import { DiagnosticSettingArgs } from "../shared/diagnostics";
import { LockArgs } from "../shared/lock";
import { resourceName } from "../shared/naming";
import { Placement, placement } from "../shared/placement";
import { PrivateEndpointArgs } from "../shared/privateEndpoint";
import { RoleAssignmentArgs } from "../shared/roleAssignment";
import { IntelligenceArgs } from "./args";
import { ACCOUNT_GROUP, ACCOUNT_ZONE } from "./constants";

/** The component's settings with every default applied (the `@default`s of args.ts), plus naming, placement and tags. */
export interface IntelligenceSettings extends Placement {
    /** Azure name of the account, also its custom subdomain. */
    accountName: pulumi.Input<string>;
    sku: string;
    allowedFqdns: string[];
    systemAssigned: boolean;
    privateEndpoints: Record<string, PrivateEndpointArgs>;
    diagnostics: Record<string, DiagnosticSettingArgs>;
    roleAssignments: Record<string, RoleAssignmentArgs>;
    /** Lock on the account (none when undefined). */
    lock: LockArgs | undefined;
}

/** The default name of the account, `lang-<workload>-<env>-<suffix>` (globally unique: it is the custom subdomain). */
export function defaultLanguageAccountName(naming: IntelligenceArgs["naming"]): pulumi.Output<string> {
    return resourceName("languageAccount", naming);
}

/** Defaults, applied in one place. */
export function intelligenceSettings(args: IntelligenceArgs): IntelligenceSettings {
    const net = args.network;
    return {
        ...placement(args),
        accountName: args.accountName ?? defaultLanguageAccountName(args.naming),
        sku: args.sku ?? "S",
        allowedFqdns: args.allowedFqdns ?? [],
        systemAssigned: args.managedIdentities?.systemAssigned ?? true,
        // Validation guarantees the zone when this default is used.
        privateEndpoints: args.privateEndpoints ?? {
            spoke: { subnetResourceId: net.privateEndpointSubnetResourceId, service: ACCOUNT_GROUP, privateDnsZoneResourceIds: [net.privateDnsZoneResourceIds[ACCOUNT_ZONE] ?? ""] },
        },
        diagnostics: args.diagnosticSettings ?? { law: { workspaceResourceId: args.logAnalyticsWorkspaceResourceId } },
        roleAssignments: args.roleAssignments ?? {},
        lock: args.lock,
    };
}
