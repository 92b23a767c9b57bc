import { BLOB_FILE_NAME } from "../shared/blobUpload";
import { cronProblems } from "../shared/cron";
import { diagnosticSettingProblems } from "../shared/diagnostics";
import { lockProblems } from "../shared/lock";
import { roleAssignmentProblems } from "../shared/roleAssignment";
import { intRangeProblems } from "../shared/validation";
import { AnalyticsSyncArgs } from "./args";
import {
    AGENT_SOURCE_IMAGE, BLOB_ZONE, DFS_ZONE, EXPORT_SCOPES, MODES, QUEUE_ZONE, REGISTRY_IMAGE, SYNAPSE_DEV_ZONE, SYNAPSE_SQL_ZONE, SYNAPSE_WEB_ZONE, TABLE_ZONE,
} from "./constants";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;
/** FHIR resource type names (`_type`): letters only, starting with a capital (hl7.org/fhir/R4/resourcelist.html). */
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
/** FHIR ids: 1-64 of A-Z a-z 0-9 - . (hl7.org/fhir/R4/datatypes.html#id). */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** A FHIR service's name inside its workspace (3-24 lowercase letters and digits). */
const SERVICE_NAME = /^[a-z0-9]{3,24}$/;

/** Plain-value validation of the whole component, before any child is created. */
export function analyticsSyncProblems(args: AnalyticsSyncArgs): string[] {
    const p: string[] = [];
    const mode = args.mode ?? "export";
    if (!(MODES as readonly string[]).includes(mode)) p.push(`mode "${mode}" must be one of ${MODES.join(", ")}`);
    const synapseOn = args.synapse?.enabled === true;
    const zones = args.network.privateDnsZoneResourceIds;
    const need = (z: string, why: string) => { if (zones[z] === undefined) p.push(`network.privateDnsZoneResourceIds must include ${z} (${why})`); };
    need(BLOB_ZONE, "the lake's blob endpoint");
    need(DFS_ZONE, "the lake's Data Lake endpoint");
    if (mode === "agent") { need(QUEUE_ZONE, "the sync agent's job queue"); need(TABLE_ZONE, "the sync agent's job tables"); }
    if (synapseOn) { need(SYNAPSE_SQL_ZONE, "Synapse Sql and SqlOnDemand"); need(SYNAPSE_DEV_ZONE, "Synapse Dev"); need(SYNAPSE_WEB_ZONE, "Synapse Studio's private link hub"); }
    if (args.fhir.serviceName !== undefined && !SERVICE_NAME.test(args.fhir.serviceName)) p.push(`fhir.serviceName "${args.fhir.serviceName}" must be 3-24 lowercase letters and digits`);
    const account = args.lake?.accountName;
    if (typeof account === "string" && !STORAGE_ACCOUNT.test(account)) p.push(`lake.accountName "${account}" must be 3-24 lowercase letters and digits`);
    p.push(...intRangeProblems("lake.softDeleteRetentionDays", args.lake?.softDeleteRetentionDays, 1, 365));

    // ---- export job ----
    const e = args.exportJob ?? {};
    if (e.schedule !== undefined) p.push(...cronProblems(e.schedule).map((m) => `exportJob.schedule "${e.schedule}" ${m}`));
    const scope = e.scope ?? "system";
    if (!(EXPORT_SCOPES as readonly string[]).includes(scope)) p.push(`exportJob.scope "${scope}" must be one of ${EXPORT_SCOPES.join(", ")}`);
    if (scope === "group" && (e.groupId === undefined || !FHIR_ID.test(e.groupId))) p.push("exportJob.groupId must be a FHIR Group id (1-64 letters, digits, - or .) with scope group");
    if (scope !== "group" && e.groupId !== undefined) p.push("exportJob.groupId applies only to scope group");
    for (const t of e.resourceTypes ?? []) if (!RESOURCE_TYPE.test(t)) p.push(`exportJob.resourceTypes: "${t}" is not a FHIR resource type name`);
    // At most a day, so a run ends before a daily schedule starts the next one.
    p.push(...intRangeProblems("exportJob.timeoutSeconds", e.timeoutSeconds, 300, 86400));
    p.push(...intRangeProblems("exportJob.pollSeconds", e.pollSeconds, 5, 600));
    if (mode !== "export" && args.exportJob !== undefined) p.push("exportJob applies only to mode export");

    // ---- agent ----
    const a = args.agent ?? {};
    // NCRONTAB, six fields with seconds first (the agent's job__schedulerCronExpression).
    if (a.schedule !== undefined && !/^\S+( \S+){5}$/.test(a.schedule)) p.push(`agent.schedule "${a.schedule}" must be an NCRONTAB expression with six fields (seconds first)`);
    if (a.startTime !== undefined && !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{2}:\d{2}$/.test(a.startTime)) p.push(`agent.startTime "${a.startTime}" must look like 1970-01-01 00:00:00 +00:00`);
    p.push(...intRangeProblems("agent.maxReplicas", a.maxReplicas, 1, 30));
    if (mode === "agent") {
        const loginServer = args.containerRegistry.loginServer;
        if (a.image === undefined) p.push(`agent.image is required in mode agent: import ${AGENT_SOURCE_IMAGE} into the private registry first (az acr import, README) and name it here`);
        else if (!REGISTRY_IMAGE.test(a.image)) p.push(`agent.image "${a.image}" must be <registry>.azurecr.io/<repository>:<tag> (or @sha256:<digest>)`);
        else if (typeof loginServer === "string" && !a.image.startsWith(`${loginServer}/`)) p.push(`agent.image "${a.image}" must be in containerRegistry ${loginServer} (the agent pulls by identity from that registry only)`);
    }
    if (mode !== "agent" && args.agent !== undefined) p.push("agent applies only to mode agent");

    // ---- synapse ----
    const syn = args.synapse ?? {};
    if (synapseOn && (syn.adminGroupObjectId === undefined || !GUID.test(syn.adminGroupObjectId))) p.push("synapse.adminGroupObjectId must be an Entra ID group object ID (GUID) when synapse.enabled: with Entra-only authentication nobody else can administer the workspace");
    if (!synapseOn && syn.adminGroupObjectId !== undefined) p.push("synapse.adminGroupObjectId needs synapse.enabled");
    for (const t of syn.allowedTenantIdsForLinking ?? []) if (!GUID.test(t)) p.push(`synapse.allowedTenantIdsForLinking: "${t}" is not a tenant ID (GUID)`);

    // ---- de-identification ----
    for (const [file, text] of Object.entries(args.deidentification?.configs ?? {})) {
        if (!BLOB_FILE_NAME.test(file) || !file.endsWith(".json")) p.push(`deidentification.configs: "${file}" must be a plain file name ending in .json`);
        try { JSON.parse(text); } catch { p.push(`deidentification.configs["${file}"] is not valid JSON`); }
    }

    const diags = args.diagnosticSettings;
    if (diags !== undefined && Object.keys(diags).length === 0) p.push("diagnosticSettings must not be empty: the jobs' logs are the analytics path's audit trail");
    for (const [k, s] of Object.entries(diags ?? {})) p.push(...diagnosticSettingProblems(k, s));
    for (const [k, r] of Object.entries(args.roleAssignments ?? {})) p.push(...roleAssignmentProblems(k, r));
    p.push(...lockProblems(args.lock));
    return p;
}
