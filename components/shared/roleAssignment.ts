import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { roleGuid } from "./builtInRoles";
import { throwIfProblems } from "./validation";

/** One role assignment on the owning resource (AVM `roleAssignmentType`). */
export interface RoleAssignmentArgs {
    /** Built-in role display name (`FHIR Data Contributor`), a role GUID, or a full role definition ID. */
    roleDefinitionIdOrName: string;
    /** Object ID of the principal (user, group, service principal or managed identity). */
    principalId: pulumi.Input<string>;
    /** `ServicePrincipal`, `Group`, `User`, `ForeignGroup` or `Device`. Setting it avoids replication-delay failures for new identities. @default "ServicePrincipal" */
    principalType?: string;
    /** Why this access exists (shown in the portal and access reviews). @default none */
    description?: string;
    /** ABAC condition. @default none */
    condition?: string;
    /** Version of the condition language; only `2.0` exists. @default "2.0" when `condition` is set */
    conditionVersion?: string;
}

const PRINCIPAL_TYPES = ["ServicePrincipal", "Group", "User", "ForeignGroup", "Device"];

/** RFC 4122 version-5 style GUID from the given parts: the same inputs always give the same assignment name. */
export function deterministicGuid(...parts: string[]): string {
    const h = crypto.createHash("sha1").update(parts.join("|").toLowerCase()).digest();
    h[6] = ((h[6] ?? 0) & 0x0f) | 0x50;
    h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
    const x = h.subarray(0, 16).toString("hex");
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The subscription-qualified role definition ID for a scope (tenant-level form for scopes above a subscription). */
export function roleDefinitionId(scope: string, guid: string): string {
    const sub = /^\/subscriptions\/([^/]+)/i.exec(scope);
    const prefix = sub !== null ? `/subscriptions/${sub[1]}` : "";
    return `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

export function roleAssignmentProblems(key: string, a: RoleAssignmentArgs): string[] {
    const p: string[] = [];
    try { roleGuid(a.roleDefinitionIdOrName); } catch (e) { p.push(`roleAssignments.${key}: ${(e as Error).message}`); }
    if (a.principalType !== undefined && !PRINCIPAL_TYPES.includes(a.principalType)) {
        p.push(`roleAssignments.${key}.principalType "${a.principalType}" is not one of ${PRINCIPAL_TYPES.join(", ")}`);
    }
    if (a.conditionVersion !== undefined && a.condition === undefined) p.push(`roleAssignments.${key}: conditionVersion needs a condition`);
    if (a.conditionVersion !== undefined && a.conditionVersion !== "2.0") p.push(`roleAssignments.${key}.conditionVersion must be "2.0"`);
    return p;
}

/**
 * Creates one `authorization.RoleAssignment` per Record entry at `scope`. The assignment's GUID name is derived from
 * (scope, principal, role) like AVM's `guid(resourceId, principalId, roleDefinitionId)`, so it is stable across runs
 * and the same grant is never created twice.
 */
export function createRoleAssignments(
    prefix: string,
    scope: pulumi.Input<string>,
    assignments: Record<string, RoleAssignmentArgs>,
    opts: pulumi.CustomResourceOptions,
): Record<string, authorization.RoleAssignment> {
    const problems = Object.entries(assignments).flatMap(([k, a]) => roleAssignmentProblems(k, a));
    throwIfProblems(prefix, "role assignments", problems);
    const out: Record<string, authorization.RoleAssignment> = {};
    for (const [key, a] of Object.entries(assignments)) {
        const guid = roleGuid(a.roleDefinitionIdOrName);
        out[key] = new authorization.RoleAssignment(`${prefix}-ra-${key}`, {
            scope,
            principalId: a.principalId,
            principalType: a.principalType ?? "ServicePrincipal",
            roleDefinitionId: pulumi.output(scope).apply((s) => roleDefinitionId(s, guid)),
            roleAssignmentName: pulumi.all([scope, a.principalId]).apply(([s, p]) => deterministicGuid(s, p, guid)),
            ...(a.description !== undefined ? { description: a.description } : {}),
            ...(a.condition !== undefined ? { condition: a.condition, conditionVersion: a.conditionVersion ?? "2.0" } : {}),
        }, opts);
    }
    return out;
}
