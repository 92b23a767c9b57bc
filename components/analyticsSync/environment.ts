import * as pulumi from "@pulumi/pulumi";
import * as app from "@pulumi/azure-native/app";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { resourceName } from "../shared/naming";
import { CONSUMPTION_PROFILE } from "./constants";
import { AnalyticsSyncContext } from "./context";
import { AnalyticsSyncSettings } from "./defaults";

/**
 * The Container Apps environment the jobs run in: a workload-profiles environment injected into the spoke's Container
 * Apps subnet as an internal environment (no public load balancer, public network access Disabled), so its egress
 * follows the subnet's route to the firewall (UDR is supported only with workload profiles; the subnet is /27 or
 * larger and delegated to Microsoft.App/environments, learn.microsoft.com/azure/container-apps/custom-virtual-networks).
 *
 * Logs go to Azure Monitor and from there through a diagnostic setting to the central workspace: the `log-analytics`
 * destination would need the workspace's shared key, which the platform's workspace has turned off
 * (learn.microsoft.com/azure/container-apps/log-options).
 */
export function createJobEnvironment(parent: pulumi.ComponentResource, name: string, ctx: AnalyticsSyncContext, s: AnalyticsSyncSettings): app.ManagedEnvironment {
    const env = new app.ManagedEnvironment(`${name}-cae`, {
        environmentName: resourceName("containerAppsEnvironment", ctx.naming),
        resourceGroupName: ctx.rg,
        location: ctx.location,
        vnetConfiguration: { internal: true, infrastructureSubnetId: ctx.containerAppsSubnet },
        workloadProfiles: [{ name: CONSUMPTION_PROFILE, workloadProfileType: CONSUMPTION_PROFILE }],
        publicNetworkAccess: "Disabled",
        appLogsConfiguration: { destination: "azure-monitor" },
        zoneRedundant: ctx.zoneRedundant,
        tags: ctx.tags,
    }, { parent });
    createDiagnosticSettings(`${name}-cae`, env.id, s.diagnostics, { parent });
    return env;
}
