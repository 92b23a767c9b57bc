import * as fs from "fs";
import * as path from "path";
import { Graph } from "./graph";
import { RecordedResource } from "./mocks";
import { EvaluateOptions, PolicySession, PolicySummary, Violation, openPolicySession } from "./policyHost";
import { PROJECT_DIR } from "./stackConfig";

/**
 * Policy-pack sessions as the plan and the suites use them: the repository's pack and a stack's config, one shared
 * configured pack process per (stack, mode) whose answers are memoized per resource, and the helpers that run a
 * captured graph through a session (lib/offline/policyHost.ts speaks the analyzer protocol itself).
 */

/** The repo's policy pack and a stack's config file for it. */
export const POLICY_DIR = path.join(PROJECT_DIR, "policy");
export const policyConfigFile = (stack: string): string => path.join(POLICY_DIR, `config.${stack}.json`);
export const readPolicyConfig = (stack: string): Record<string, unknown> => JSON.parse(fs.readFileSync(policyConfigFile(stack), "utf8")) as Record<string, unknown>;

const sharedSessions = new Map<string, Promise<PolicySession>>();
const sharedSessionOptions = (stack: string, preview: boolean): EvaluateOptions =>
    ({ packDir: POLICY_DIR, configFile: policyConfigFile(stack), project: "ahds", stack, preview });

/**
 * One configured pack process per (stack, mode), shared by every suite that needs it. Calling this when a spec file
 * loads starts the pack (about two seconds of the child process's CPU) while other suites run.
 * Close them with closeSharedPolicySessions in a root `after` hook.
 */
export function sharedPolicySession(stack: string, preview: boolean): Promise<PolicySession> {
    const key = `${stack}:${preview}`;
    let s = sharedSessions.get(key);
    if (s === undefined) {
        s = openPolicySession(sharedSessionOptions(stack, preview)).then(memoized);
        // A start-up failure surfaces where the session is awaited; don't let it become an unhandled rejection first.
        s.catch(() => undefined);
        sharedSessions.set(key, s);
    }
    return s;
}

/**
 * A session that answers each resource (by object identity) and each resource list once: suites that evaluate the same
 * shared graph (the plan CLI spec, the report spec, the conformance suite) share one evaluation instead of sending it
 * again. Mutated graphs are copies (policyMutations.spec.ts), so they are always sent. Answers are copied out.
 */
function memoized(session: PolicySession): PolicySession {
    const perResource = new WeakMap<RecordedResource, Promise<Violation[]>>();
    const perList = new WeakMap<readonly RecordedResource[], Promise<Violation[]>>();
    const once = <K extends object>(memo: WeakMap<K, Promise<Violation[]>>, key: K, send: () => Promise<Violation[]>) => {
        let p = memo.get(key);
        if (p === undefined) memo.set(key, p = send());
        return p.then((vs) => [...vs]);
    };
    return {
        ...session,
        analyze: async (resources) => (await Promise.all(resources.map((r) => once(perResource, r, () => session.analyze([r]))))).flat(),
        analyzeStack: (resources) => once(perList, resources, () => session.analyzeStack(resources)),
    };
}

export async function closeSharedPolicySessions(): Promise<void> {
    const all = [...sharedSessions.values()];
    sharedSessions.clear();
    await Promise.all(all.map(async (s) => { try { await (await s).close(); } catch { /* failed to start: nothing to close */ } }));
}

/** Runs a captured graph through an open session: every resource (Remediate + Analyze), then AnalyzeStack. */
export async function evaluateInSession(session: PolicySession, graph: Graph): Promise<PolicySummary & { engineLog: string[] }> {
    const logStart = session.engineLog.length;
    const violations = [...await session.analyze(graph.resources), ...await session.analyzeStack(graph.resources)];
    return summarize(session, violations, logStart);
}

/** The plan's policy section from a session's answers; the pack's log lines from `logStart` on. */
export function summarize(session: PolicySession, violations: Violation[], logStart = 0): PolicySummary & { engineLog: string[] } {
    return { pack: session.pack, version: session.version, policies: session.policies.length, violations, rules: session.policies, engineLog: session.engineLog.slice(logStart) };
}

/**
 * plan()'s session in suites: a shared one when the options are those of a shared session (its `close` then leaves it
 * open for the other suites), otherwise a new one. A config file of another stack whose content is byte-identical to a
 * shared stack's (a stack `npm run new-stack` wrote from that stack's profile) borrows that stack's session when it is
 * open already: the pack is configured with the same settings; only the stack name ConfigureStack carried differs, and
 * no rule reads it (tests/newStack.spec.ts holds that).
 */
export async function sharedOrOwnSession(opts: EvaluateOptions): Promise<PolicySession> {
    if (path.resolve(opts.packDir) !== POLICY_DIR || opts.configFile === undefined || opts.project !== "ahds") return openPolicySession(opts);
    if (path.resolve(opts.configFile) === policyConfigFile(opts.stack)) return borrowSharedSession(opts.stack, opts.preview);
    const content = fs.readFileSync(opts.configFile, "utf8");
    const twin = [...sharedSessions.keys()].map((k) => k.split(":")).find(([stack, preview]) =>
        preview === String(opts.preview) && stack !== undefined && fs.existsSync(policyConfigFile(stack)) && fs.readFileSync(policyConfigFile(stack), "utf8") === content);
    return twin?.[0] !== undefined ? borrowSharedSession(twin[0], opts.preview) : openPolicySession(opts);
}

/** A shared session whose `close` leaves it open (for callers that close what they are given, such as plan()). */
export async function borrowSharedSession(stack: string, preview: boolean): Promise<PolicySession> {
    return { ...await sharedPolicySession(stack, preview), close: async () => undefined };
}

/** Runs a captured graph through the pack: the whole analyzer conversation, returning the plan's policy section. */
export function evaluatePolicies(graph: Graph, opts: EvaluateOptions): Promise<PolicySummary & { engineLog: string[] }> {
    return evaluateWith(openPolicySession, graph, opts);
}

async function evaluateWith(open: (opts: EvaluateOptions) => Promise<PolicySession>, graph: Graph, opts: EvaluateOptions): Promise<PolicySummary & { engineLog: string[] }> {
    const session = await open(opts);
    try {
        return await evaluateInSession(session, graph);
    } finally {
        await session.close();
    }
}

/**
 * evaluatePolicies for suites: when the options are those of a shared session (this repo's pack and the stack's own
 * config), evaluates in that session instead of starting another pack process.
 */
export function evaluateShared(graph: Graph, opts: EvaluateOptions): Promise<PolicySummary & { engineLog: string[] }> {
    return evaluateWith(sharedOrOwnSession, graph, opts);
}
