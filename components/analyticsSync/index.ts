import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { validatedArgs } from "../shared/validation";
import { AnalyticsSyncArgs } from "./args";
import { createSyncAgent } from "./agent";
import { LAKE_CONTAINERS } from "./constants";
import { analyticsSyncContext, analyticsSyncSettings } from "./defaults";
import { createJobEnvironment } from "./environment";
import { createExportJob } from "./exportJob";
import { createLake } from "./lake";
import { createSynapse, synapseWorkspaceIdentity } from "./synapse";
import { analyticsSyncProblems } from "./validate";

export * from "./args";
export { AGENT_SOURCE_IMAGE, ANONYMIZATION_CONTAINER, EXPORT_IMAGE, EXPORT_SCOPES, EXPORT_STATE_BLOB, LAKE_CONTAINERS, MODES, PARQUET_CONTAINER, RAW_CONTAINER, SYNAPSE_CONTAINER } from "./constants";
export { defaultLakeAccountName } from "./defaults";
export { EXPORT_SCRIPT } from "./exportScript";
export { cronProblems } from "../shared/cron";
export { analyticsSyncProblems } from "./validate";

/**
 * The analytics block (seed 000 Analytics; seed 001 steps 5-6): FHIR data into a private ADLS Gen2 lake, and
 * optionally Synapse serverless SQL over it. The reference implementation never built it.
 *
 * - Lake: hierarchical namespace, no shared keys, blob and dfs private endpoints, a firewall that admits only the FHIR
 *   service and the Synapse workspace as resource instances, soft delete, logs, a container per layer (raw, parquet,
 *   synapse, anonymization). It is the FHIR service's `$export` destination (FhirWorkspace `exportSettings.storageAccountName`).
 * - Mode `export` (default, first-party): a scheduled Container Apps job runs an incremental `$export` (`_since` = the
 *   last complete export's transactionTime) with a user-assigned identity; the FHIR service writes NDJSON into `raw`.
 * - Mode `agent`: the FHIR-to-DataLake sync agent (unmaintained upstream since 2023) writes Parquet into `parquet`.
 * - Container Apps: an internal, VNet-injected workload-profiles environment routed through the firewall; images are
 *   mirrored into the private registry by its artifact cache and pulled by identity.
 * - Synapse (optional): managed VNet, exfiltration protection, Entra-only, private endpoints; serverless only.
 *
 * Open questions only a real deployment answers: docs/after-deploy-checks.md (analytics rows).
 */
export class AnalyticsSync extends pulumi.ComponentResource {
    /** Azure name of the lake (the FHIR service's `$export` destination). */
    public readonly lakeAccountName: pulumi.Output<string>;
    /** Resource ID of the lake. */
    public readonly lakeAccountId: pulumi.Output<string>;
    /** Data Lake endpoint of the lake (`https://<account>.dfs.core.windows.net`), reached through its private endpoint. */
    public readonly lakeDfsEndpoint: pulumi.Output<string>;
    /** The lake's containers, by layer: raw (`$export` NDJSON), parquet, synapse (Synapse's file system), anonymization. */
    public readonly containerNames: pulumi.Output<string[]>;
    /** Azure name of the scheduled export job (empty in mode agent). */
    public readonly exportJobName: pulumi.Output<string>;
    /** Azure name of the sync agent's container app (empty in mode export). */
    public readonly agentAppName: pulumi.Output<string>;
    /** Resource ID of the Container Apps environment. */
    public readonly environmentId: pulumi.Output<string>;
    /** Azure name of the Synapse workspace (empty when Synapse is off). */
    public readonly synapseWorkspaceName: pulumi.Output<string>;
    /** Serverless SQL endpoint (`<workspace>-ondemand.sql.azuresynapse.net`; empty when Synapse is off). */
    public readonly synapseServerlessEndpoint: pulumi.Output<string>;

    constructor(name: string, args: AnalyticsSyncArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything: invalid args leave no half-built component behind.
        super("ahds:index:AnalyticsSync", name, validatedArgs("AnalyticsSync", name, args, analyticsSyncProblems), opts);

        // ---- defaults, applied in one place ----
        const client = authorization.getClientConfigOutput({ parent: this });
        const ctx = analyticsSyncContext(args, client);
        const s = analyticsSyncSettings(args, ctx);
        const synapseIdentity = s.synapse.enabled ? synapseWorkspaceIdentity(ctx) : undefined;

        // ---- the blocks, in creation order ----
        const lake = createLake(this, name, ctx, s, synapseIdentity?.firewallResourceId);
        const env = createJobEnvironment(this, name, ctx, s);
        const job = s.mode === "export" ? createExportJob(this, name, ctx, s, env, lake) : undefined;
        const agent = s.mode === "agent" ? createSyncAgent(this, name, ctx, s, env, lake) : undefined;
        const workspace = s.synapse.enabled ? createSynapse(this, name, ctx, s, lake) : undefined;

        // ---- outputs ----
        this.lakeAccountName = lake.account.name;
        this.lakeAccountId = lake.account.id;
        this.lakeDfsEndpoint = pulumi.interpolate`https://${lake.account.name}.dfs.core.windows.net`;
        this.containerNames = pulumi.output([...LAKE_CONTAINERS]);
        this.exportJobName = job?.name ?? pulumi.output("");
        this.agentAppName = agent?.name ?? pulumi.output("");
        this.environmentId = env.id;
        this.synapseWorkspaceName = workspace?.name ?? pulumi.output("");
        this.synapseServerlessEndpoint = workspace !== undefined ? pulumi.interpolate`${workspace.name}-ondemand.sql.azuresynapse.net` : pulumi.output("");
        this.registerOutputs({
            lakeAccountName: this.lakeAccountName,
            lakeAccountId: this.lakeAccountId,
            lakeDfsEndpoint: this.lakeDfsEndpoint,
            containerNames: this.containerNames,
            exportJobName: this.exportJobName,
            agentAppName: this.agentAppName,
            environmentId: this.environmentId,
            synapseWorkspaceName: this.synapseWorkspaceName,
            synapseServerlessEndpoint: this.synapseServerlessEndpoint,
        });
    }
}
