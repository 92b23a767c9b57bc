import { BLOB_FILE_NAME, PACKAGE_SOURCE_URL } from "../shared/blobUpload";
import { diagnosticSettingProblems } from "../shared/diagnostics";
import { lockProblems } from "../shared/lock";
import { roleAssignmentProblems } from "../shared/roleAssignment";
import { intRangeProblems } from "../shared/validation";
import { BulkLoaderArgs } from "./args";
import { LOADER_FUNCTIONS, PLAN_SKUS, PLAN_SKU_NAMES, REQUIRED_ZONES } from "./constants";

const WORKER_RUNTIMES = ["dotnet", "dotnet-isolated"];
const BUNDLE_PROCESSING = ["", "parallel", "sequential"];
const SHA256 = /^[0-9a-fA-F]{64}$/;
const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/;
/** NCRONTAB as the Functions timer trigger reads it: six fields, seconds first (learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions). */
const NCRONTAB = /^\S+( \S+){5}$/;
const KEY = /^[a-z0-9][a-z0-9-]{0,19}$/;

/** Plain-value validation of the whole component, before any child is created. */
export function bulkLoaderProblems(args: BulkLoaderArgs): string[] {
    const p: string[] = [];
    const zones = args.network.privateDnsZoneResourceIds;
    for (const z of REQUIRED_ZONES) if (zones[z] === undefined) p.push(`network.privateDnsZoneResourceIds must include ${z} (the loader's storage and function app endpoints)`);
    if (typeof args.storageAccountName === "string" && !STORAGE_ACCOUNT.test(args.storageAccountName)) p.push(`storageAccountName "${args.storageAccountName}" must be 3-24 lowercase letters and digits`);

    // ---- plan ----
    const sku = args.plan?.sku ?? "P1v3";
    const skuInfo = PLAN_SKUS[sku];
    if (skuInfo === undefined) p.push(`plan.sku "${sku}" must be one of ${PLAN_SKU_NAMES.join(", ")} (a Dedicated plan with VNet integration and no Azure Files share)`);
    p.push(...intRangeProblems("plan.capacity", args.plan?.capacity, 1, 30));
    if (args.zoneRedundant === true) {
        // Zone redundancy: Premium v2/v3/v4 or Isolated v2, at least two instances (learn.microsoft.com/azure/reliability/reliability-app-service).
        if (skuInfo !== undefined && !skuInfo.zoneRedundancy) p.push(`plan.sku "${sku}" cannot be zone-redundant (zoneRedundant needs a Premium v3 SKU)`);
        if (args.plan?.capacity !== undefined && args.plan.capacity < 2) p.push(`plan.capacity ${args.plan.capacity} is too small for a zone-redundant plan (at least 2 instances)`);
    }

    // ---- runtime ----
    const rt = args.runtime ?? {};
    const worker = rt.workerRuntime ?? "dotnet";
    if (!WORKER_RUNTIMES.includes(worker)) p.push(`runtime.workerRuntime "${worker}" must be dotnet (in-process, what fhir-loader builds) or dotnet-isolated (a migrated fork)`);
    if (rt.extensionVersion !== undefined && !/^~[0-9]+$/.test(rt.extensionVersion)) p.push(`runtime.extensionVersion "${rt.extensionVersion}" must look like ~4`);
    if (rt.netFrameworkVersion !== undefined && !/^v[0-9]+\.[0-9]+$/.test(rt.netFrameworkVersion)) p.push(`runtime.netFrameworkVersion "${rt.netFrameworkVersion}" must look like v8.0`);
    if (rt.inProcessNet8 === true && worker !== "dotnet") p.push("runtime.inProcessNet8 applies only to workerRuntime dotnet (the in-process model)");

    // ---- code package ----
    const pkg = args.codePackage ?? {};
    if (pkg.sourceUrl !== undefined && !PACKAGE_SOURCE_URL.test(pkg.sourceUrl)) p.push(`codePackage.sourceUrl "${pkg.sourceUrl}" must be an https:// URL without query string or fragment (no SAS token: the upload script is visible in ARM)`);
    if (pkg.sha256 !== undefined && !SHA256.test(pkg.sha256)) p.push(`codePackage.sha256 "${pkg.sha256}" must be 64 hex digits`);
    if (pkg.sourceUrl !== undefined && pkg.sha256 === undefined) p.push("codePackage.sourceUrl needs codePackage.sha256 (the uploader refuses a package it cannot verify)");
    if (pkg.sourceUrl !== undefined && pkg.uploader === undefined) p.push("codePackage.sourceUrl needs codePackage.uploader (only a VM inside the network can write the private package container)");
    if (pkg.uploader !== undefined && pkg.sourceUrl === undefined) p.push("codePackage.uploader needs codePackage.sourceUrl");
    // Run from package reads .zip files only (learn.microsoft.com/azure/app-service/deploy-run-package).
    if (pkg.blobName !== undefined && (!BLOB_FILE_NAME.test(pkg.blobName) || !pkg.blobName.endsWith(".zip"))) p.push(`codePackage.blobName "${pkg.blobName}" must be a plain file name ending in .zip`);

    // ---- loader behaviour ----
    const l = args.loader ?? {};
    // The FHIR service accepts at most 500 entries in a bundle (learn.microsoft.com/azure/healthcare-apis/fhir/fhir-features-supported).
    p.push(...intRangeProblems("loader.maxBundleSize", l.maxBundleSize, 1, 500, " (the FHIR service's bundle limit is 500 entries)"));
    p.push(...intRangeProblems("loader.maxResourcesPerBundle", l.maxResourcesPerBundle, 1, 500, " (the FHIR service's bundle limit is 500 entries)"));
    if (l.maxFileSizeMb !== undefined && !(l.maxFileSizeMb === -1 || (Number.isInteger(l.maxFileSizeMb) && l.maxFileSizeMb >= 1 && l.maxFileSizeMb <= 5000))) p.push("loader.maxFileSizeMb must be -1 (no export file rollover) or an integer 1-5000 (the $alt-export file rollover size; it limits no import)");
    p.push(...intRangeProblems("loader.maxRetries", l.maxRetries, 0, 10));
    p.push(...intRangeProblems("loader.retryMilliseconds", l.retryMilliseconds, 100, 60000));
    p.push(...intRangeProblems("loader.maxConnections", l.maxConnections, 1, 100));
    p.push(...intRangeProblems("loader.maxRequeueMessageCount", l.maxRequeueMessageCount, 1, 1000));
    if (l.poisonQueueTimerCron !== undefined && !NCRONTAB.test(l.poisonQueueTimerCron)) p.push(`loader.poisonQueueTimerCron "${l.poisonQueueTimerCron}" must be an NCRONTAB expression with six fields (seconds first)`);
    if (l.bundleProcessingLogic !== undefined && !BUNDLE_PROCESSING.includes(l.bundleProcessingLogic)) p.push(`loader.bundleProcessingLogic "${l.bundleProcessingLogic}" must be parallel, sequential or empty`);

    for (const f of args.disabledFunctions ?? []) if (!LOADER_FUNCTIONS.includes(f)) p.push(`disabledFunctions: "${f}" is not a function of the FHIR Loader (${LOADER_FUNCTIONS.join(", ")})`);
    p.push(...intRangeProblems("events.maxDeliveryAttempts", args.events?.maxDeliveryAttempts, 1, 30, " (Event Grid's retry policy)"));
    p.push(...intRangeProblems("events.eventTimeToLiveInMinutes", args.events?.eventTimeToLiveInMinutes, 1, 1440, " (Event Grid's retry policy)"));
    p.push(...intRangeProblems("storage.softDeleteRetentionDays", args.storage?.softDeleteRetentionDays, 1, 365));
    for (const k of Object.keys(args.uploadPrincipals ?? {})) if (!KEY.test(k)) p.push(`uploadPrincipals key "${k}" must be 1-20 lowercase letters, digits or hyphens`);

    const endpoints = args.privateEndpoints;
    if (endpoints !== undefined && !Object.values(endpoints).some((e) => e.service === "sites")) {
        // publicNetworkAccess is Disabled: without a `sites` endpoint nothing could reach the app or its SCM site.
        p.push("privateEndpoints must include an endpoint with service \"sites\" (the app has no public access)");
    }
    const diags = args.diagnosticSettings;
    if (diags !== undefined && Object.keys(diags).length === 0) p.push("diagnosticSettings must not be empty: the function app's logs are the loader's audit trail");
    for (const [k, s] of Object.entries(diags ?? {})) p.push(...diagnosticSettingProblems(k, s));
    for (const [k, a] of Object.entries(args.roleAssignments ?? {})) p.push(...roleAssignmentProblems(k, a));
    p.push(...lockProblems(args.lock));
    return p;
}
