import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";

class NotApplicable extends Error {}

/** Calls a resource policy the way @pulumi/policy 1.21 does, with config defaults filled in as the engine would. */
export function check(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}, name = "r"): string[] {
    const defaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(policy.configSchema?.properties ?? {})) {
        const d = (s as { default?: unknown }).default;
        if (d !== undefined) defaults[k] = d;
    }
    const args: ResourceValidationArgs = {
        type, props, urn: `urn:pulumi:t::p::${type}::${name}`, name, opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T>() => ({ ...defaults, ...config }) as T,
        notApplicable: (reason?: string) => { throw new NotApplicable(reason); },
    };
    const found: string[] = [];
    const v = policy.validateResource;
    if (v === undefined) throw new Error(`${policy.name} has no validateResource`);
    for (const fn of Array.isArray(v) ? v : [v]) void fn(args, (message: string) => { found.push(message); });
    return found;
}
