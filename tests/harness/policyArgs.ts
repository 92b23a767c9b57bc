import { Policy, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy, unknownCheckingProxy } from "@pulumi/policy";
import { Graph } from "../../lib/offline/graph";

class NotApplicable extends Error {}

/** `getConfig` as the engine provides it: the policy's configSchema defaults overlaid by the given config. */
function configWithDefaults(policy: Policy, config: Record<string, unknown>): <T>() => T {
    const defaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(policy.configSchema?.properties ?? {})) {
        const d = (s as { default?: unknown }).default;
        if (d !== undefined) defaults[k] = d;
    }
    return <T>() => ({ ...defaults, ...config }) as T;
}

/** Resource options as a policy sees them (`protect` and `additionalSecretOutputs` matter to the pack). */
export function resourceOptions(protect: boolean, additionalSecretOutputs: string[] = []): PolicyResourceOptions {
    return { protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs };
}

/**
 * A synthetic stack resource for the stack rules' edge cases: linked to others by property dependencies, as at preview,
 * with props behind @pulumi/policy's unknown-checking proxy as the engine hands them over.
 */
export function stackResource(type: string, name: string, props: Record<string, unknown> = {}, deps: Record<string, PolicyResource[]> = {}): PolicyResource {
    return {
        type: `azure-native:${type}`, name, urn: `urn:pulumi:t::p::azure-native:${type}::${name}`, props: unknownCheckingProxy(props) as Record<string, unknown>,
        opts: resourceOptions(false),
        dependencies: Object.values(deps).flat(), propertyDependencies: deps, isType: () => false, asType: () => undefined,
    };
}

/**
 * Calls a resource policy the way @pulumi/policy 1.21 does: props behind its unknown-checking proxy (reading an unknown
 * value, the sentinel in values.ts, throws UnknownValueError, which the engine turns into "can't run during preview"),
 * config defaults filled in as the engine would.
 */
export function check(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}, name = "r", protect = false, additionalSecretOutputs: string[] = []): string[] {
    const args: ResourceValidationArgs = {
        type, props: unknownCheckingProxy(props) as Record<string, unknown>, urn: `urn:pulumi:t::p::${type}::${name}`, name, opts: resourceOptions(protect, additionalSecretOutputs),
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: configWithDefaults(policy, config),
        notApplicable: (reason?: string) => { throw new NotApplicable(reason); },
    };
    const found: string[] = [];
    const v = policy.validateResource;
    if (v === undefined) throw new Error(`${policy.name} has no validateResource`);
    for (const fn of Array.isArray(v) ? v : [v]) void fn(args, (message: string) => { found.push(message); });
    return found;
}

/** The graph's resources as a stack policy sees them (props = inputs + outputs; parents and dependencies linked by URN). */
export function policyResources(graph: Graph): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    for (const r of graph.resources) {
        byUrn.set(r.urn, {
            type: r.type, name: r.name, urn: r.urn, props: unknownCheckingProxy({ ...r.inputs, ...r.outputs, ...(r.id !== null ? { id: r.id } : {}) }) as Record<string, unknown>,
            opts: resourceOptions(r.protect, r.additionalSecretOutputs),
            dependencies: [], propertyDependencies: {},
            isType: () => false, asType: () => undefined,
        });
    }
    for (const r of graph.resources) {
        const p = byUrn.get(r.urn) as PolicyResource;
        const link = (urns: string[]) => urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
        p.dependencies = link(r.dependencies);
        p.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, link(v)]));
        if (r.parent !== null) { const parent = byUrn.get(r.parent); if (parent !== undefined) p.parent = parent; }
    }
    return [...byUrn.values()];
}

/** Calls a stack policy the way @pulumi/policy 1.21 does; returns the violation messages. */
export function checkStack(policy: StackValidationPolicy, resources: PolicyResource[], config: Record<string, unknown> = {}): string[] {
    const found: string[] = [];
    void policy.validateStack({
        resources, stackTags: new Map(),
        getConfig: configWithDefaults(policy, config),
        notApplicable: (reason?: string) => { throw new NotApplicable(reason); },
    }, (message: string) => { found.push(message); });
    return found;
}

/**
 * The graph's resources as a stack policy sees them, with one resource's properties (inputs + outputs, as the engine
 * shows them) rewritten by `change` on a plain copy: a one-change mutation for stack-rule tests.
 */
export function policyResourcesWith(graph: Graph, name: string, change: (props: Record<string, unknown>) => Record<string, unknown>): PolicyResource[] {
    const r = graph.resources.find((x) => x.name === name);
    if (r === undefined) throw new Error(`no ${name}`);
    const props = change(JSON.parse(JSON.stringify({ ...r.inputs, ...r.outputs, ...(r.id !== null ? { id: r.id } : {}) })) as Record<string, unknown>);
    return policyResources(graph).map((p) => (p.name === name ? { ...p, props: unknownCheckingProxy(props) as Record<string, unknown> } : p));
}
