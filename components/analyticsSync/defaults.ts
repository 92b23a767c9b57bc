import * as pulumi from "@pulumi/pulumi";
import { DiagnosticSettingArgs } from "../shared/diagnostics";
import { InNetworkUploader } from "../shared/inNetworkUpload";
import { resourceName } from "../shared/naming";
import { placement } from "../shared/placement";
import { RoleAssignmentArgs } from "../shared/roleAssignment";
import { AnalyticsSyncArgs } from "./args";
import { AnalyticsSyncContext } from "./context";

/** The component's settings with every default applied (the `@default`s of args.ts). */
export interface AnalyticsSyncSettings {
    mode: string;
    fhir: { url: pulumi.Input<string>; audience: pulumi.Input<string>; workspaceResourceId: pulumi.Input<string>; serviceName: string; serviceResourceId: pulumi.Input<string>; principalId: pulumi.Input<string> };
    registry: { resourceId: pulumi.Input<string>; loginServer: pulumi.Input<string> };
    lake: { accountName: pulumi.Input<string>; softDeleteRetentionDays: number };
    exportJob: { schedule: string; scope: string; groupId: string; resourceTypes: string[]; timeoutSeconds: number; pollSeconds: number };
    agent: { schedule: string; startTime: string; maxReplicas: number; image: string };
    synapse: { enabled: boolean; adminGroupObjectId: string; allowedTenantIdsForLinking: string[]; writeParquet: boolean };
    deidentification: { configs: Record<string, string>; uploader: InNetworkUploader | undefined };
    diagnostics: Record<string, DiagnosticSettingArgs>;
    roleAssignments: Record<string, RoleAssignmentArgs>;
}

/** Placement, network, IDs, lock and stateful options every block uses. */
export function analyticsSyncContext(args: AnalyticsSyncArgs, client: { tenantId: pulumi.Input<string>; subscriptionId: pulumi.Input<string> }): AnalyticsSyncContext {
    return {
        ...placement(args),
        law: args.logAnalyticsWorkspaceResourceId,
        peSubnet: args.network.privateEndpointSubnetResourceId,
        containerAppsSubnet: args.network.containerAppsSubnetResourceId,
        zones: args.network.privateDnsZoneResourceIds,
        tenantId: client.tenantId,
        subscriptionId: client.subscriptionId,
        zoneRedundant: args.zoneRedundant === true,
        lock: args.lock,
        stateful: { protect: args.protectStatefulResources === true, retainOnDelete: args.retainStatefulResourcesOnDelete === true },
    };
}

/** The default name of the lake, `st<workload><env>lake<suffix>` (index.ts computes the same name once and passes it in). */
export function defaultLakeAccountName(naming: AnalyticsSyncArgs["naming"]): pulumi.Output<string> {
    return resourceName("storageAccount", naming, "lake");
}

/** Defaults, applied in one place. */
export function analyticsSyncSettings(args: AnalyticsSyncArgs, ctx: AnalyticsSyncContext): AnalyticsSyncSettings {
    const e = args.exportJob ?? {};
    const a = args.agent ?? {};
    const syn = args.synapse ?? {};
    return {
        mode: args.mode ?? "export",
        fhir: {
            url: args.fhir.url,
            audience: args.fhir.audience ?? args.fhir.url,
            workspaceResourceId: args.fhir.workspaceResourceId,
            serviceName: args.fhir.serviceName ?? "fhir",
            serviceResourceId: args.fhir.serviceResourceId,
            principalId: args.fhir.principalId,
        },
        registry: { resourceId: args.containerRegistry.resourceId, loginServer: args.containerRegistry.loginServer },
        lake: { accountName: args.lake?.accountName ?? defaultLakeAccountName(args.naming), softDeleteRetentionDays: args.lake?.softDeleteRetentionDays ?? 30 },
        exportJob: {
            schedule: e.schedule ?? "0 2 * * *",
            scope: e.scope ?? "system",
            groupId: e.groupId ?? "",
            resourceTypes: e.resourceTypes ?? [],
            timeoutSeconds: e.timeoutSeconds ?? 14400,
            pollSeconds: e.pollSeconds ?? 30,
        },
        agent: { schedule: a.schedule ?? "0 0 * * * *", startTime: a.startTime ?? "1970-01-01 00:00:00 +00:00", maxReplicas: a.maxReplicas ?? 3, image: a.image ?? "" },
        synapse: { enabled: syn.enabled === true, adminGroupObjectId: syn.adminGroupObjectId ?? "", allowedTenantIdsForLinking: syn.allowedTenantIdsForLinking ?? [], writeParquet: syn.writeParquet === true },
        deidentification: { configs: args.deidentification?.configs ?? {}, uploader: args.deidentification?.uploader },
        diagnostics: args.diagnosticSettings ?? { law: { workspaceResourceId: ctx.law } },
        roleAssignments: args.roleAssignments ?? {},
    };
}
