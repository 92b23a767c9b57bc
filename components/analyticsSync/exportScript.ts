import * as fs from "fs";
import * as path from "path";

/**
 * The export job's script: one incremental FHIR `$export` per run, bookmarked by the last complete export's
 * `transactionTime` (learn.microsoft.com/azure/healthcare-apis/fhir/export-data; HL7 Bulk Data Access: the kick-off
 * returns 202 with `Content-Location`, the status URL answers 202 while running and 200 with `transactionTime`,
 * `output[]` and `error[]` when done; a later `_since=<transactionTime>` exports only what changed after it).
 *
 * - Tokens come from the Container Apps identity endpoint for the job's user-assigned identity (`IDENTITY_ENDPOINT`,
 *   `X-IDENTITY-HEADER`, `client_id`; learn.microsoft.com/azure/container-apps/managed-identity#rest-endpoint-reference):
 *   no secret, no `az login`, and no host outside the network but the platform's own identity endpoint.
 * - The bookmark is a small JSON blob in the raw container, read and written with the storage REST API and the same
 *   identity (Storage Blob Data Contributor on that container). It advances only when an export finished with no
 *   error file, so a failed run is retried from the same point on the next schedule.
 * - The status URL must be on the FHIR host: the FHIR token is never sent anywhere else.
 *
 * Every input arrives in an environment variable the job sets (never interpolated into the script), so the script is
 * a constant file (components/assets/analytics/fhir-export.sh): the same text in every stack, tested by running it
 * against a fake FHIR service and storage account.
 */
export const EXPORT_SCRIPT = fs.readFileSync(path.join(__dirname, "..", "assets", "analytics", "fhir-export.sh"), "utf8");
