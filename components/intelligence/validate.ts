import { diagnosticSettingProblems } from "../shared/diagnostics";
import { lockProblems } from "../shared/lock";
import { NAME_RULES, nameProblems } from "../shared/naming";
import { roleAssignmentProblems } from "../shared/roleAssignment";
import { IntelligenceArgs } from "./args";
import { ACCOUNT_GROUP, ACCOUNT_ZONE, LANGUAGE_SKUS } from "./constants";

/** A host name as `allowedFqdnList` takes it: labels of letters, digits and hyphens, no scheme, port, path or wildcard. */
const FQDN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** Plain-value validation of the whole component, before any child is created. */
export function intelligenceProblems(args: IntelligenceArgs): string[] {
    const p: string[] = [];
    if (typeof args.accountName === "string" && nameProblems("languageAccount", args.accountName).length > 0) {
        p.push(`accountName "${args.accountName}" must be ${NAME_RULES.languageAccount.rule}`);
    }
    const sku = args.sku ?? "S";
    if (!LANGUAGE_SKUS.includes(sku)) p.push(`sku "${sku}" must be one of ${LANGUAGE_SKUS.join(", ")} (the Language pricing tiers)`);
    for (const f of args.allowedFqdns ?? []) if (!FQDN.test(f)) p.push(`allowedFqdns: "${f}" must be a host name (no scheme, port, path or wildcard)`);

    const endpoints = args.privateEndpoints;
    if (endpoints === undefined && args.network.privateDnsZoneResourceIds[ACCOUNT_ZONE] === undefined) {
        p.push(`network.privateDnsZoneResourceIds must include ${ACCOUNT_ZONE} (the account's default private endpoint)`);
    }
    if (endpoints !== undefined && !Object.values(endpoints).some((e) => e.service === ACCOUNT_GROUP)) {
        // publicNetworkAccess is Disabled: without an `account` endpoint nothing could reach the account.
        p.push(`privateEndpoints must include an endpoint with service "${ACCOUNT_GROUP}" (the account has no public access)`);
    }
    const diags = args.diagnosticSettings;
    if (diags !== undefined && Object.keys(diags).length === 0) p.push("diagnosticSettings must not be empty: the account's audit and request logs are the record of who sent PHI for analysis");
    for (const [k, s] of Object.entries(diags ?? {})) p.push(...diagnosticSettingProblems(k, s));
    for (const [k, a] of Object.entries(args.roleAssignments ?? {})) p.push(...roleAssignmentProblems(k, a));
    p.push(...lockProblems(args.lock));
    return p;
}
