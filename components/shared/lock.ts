import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { throwIfProblems } from "./validation";

/** A management lock on the owning resource (AVM `lockType`). */
export interface LockArgs {
    /** `CanNotDelete`, `ReadOnly` or `None`. @default "None" */
    kind?: string;
    /** Lock name (up to 90 chars). @default "lock-<kind>" */
    name?: string;
    /** Why the lock exists. @default "Managed by Pulumi: protects PHI infrastructure from deletion" */
    notes?: string;
}

const KINDS = ["CanNotDelete", "ReadOnly", "None"];

export function lockProblems(lock: LockArgs | undefined): string[] {
    if (lock === undefined) return [];
    const p: string[] = [];
    if (lock.kind !== undefined && !KINDS.includes(lock.kind)) p.push(`lock.kind "${lock.kind}" is not one of ${KINDS.join(", ")}`);
    if (lock.name !== undefined && (lock.name.length < 1 || lock.name.length > 90)) p.push("lock.name must be 1-90 chars");
    return p;
}

/** Creates `<prefix>-lock` on `scope` unless the kind is `None`. */
export function createLock(
    prefix: string,
    scope: pulumi.Input<string>,
    lock: LockArgs | undefined,
    opts: pulumi.CustomResourceOptions,
): authorization.ManagementLockByScope | undefined {
    throwIfProblems(prefix, "lock", lockProblems(lock));
    const kind = lock?.kind ?? "None";
    if (kind === "None") return undefined;
    return new authorization.ManagementLockByScope(`${prefix}-lock`, {
        scope,
        level: kind,
        lockName: lock?.name ?? `lock-${kind.toLowerCase()}`,
        notes: lock?.notes ?? "Managed by Pulumi: protects PHI infrastructure from deletion",
    }, opts);
}
