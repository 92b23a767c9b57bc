import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as apb from "@pulumi/pulumi/proto/analyzer_pb";
import { transpiledPack } from "./packBuild";
import { PackProcess, startPackProcess, stopPackProcess } from "./packProcess";
import { policyConfigSource, readPolicyConfigFile, reconcilePolicyConfig } from "./policyConfig";
import { RecordedResource } from "./mocks";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: Record<apb.EnforcementLevel, EnforcementLevel> = {
    [apb.EnforcementLevel.ADVISORY]: "advisory",
    [apb.EnforcementLevel.MANDATORY]: "mandatory",
    [apb.EnforcementLevel.DISABLED]: "disabled",
    [apb.EnforcementLevel.REMEDIATE]: "remediate",
};
const PROTO_LEVELS: Record<EnforcementLevel, apb.EnforcementLevel> = {
    advisory: apb.EnforcementLevel.ADVISORY,
    mandatory: apb.EnforcementLevel.MANDATORY,
    disabled: apb.EnforcementLevel.DISABLED,
    remediate: apb.EnforcementLevel.REMEDIATE,
};

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    urn: string | null;
    message: string;
}

/**
 * @pulumi/policy's notice for a rule that read a value unknown at preview (an ID or address of a resource not yet
 * created): the engine lists it as advisory and runs the rule again, with known inputs, before `pulumi up` creates the
 * resource. Stack rules are never deferred this way in a sound pack: the engine runs them only after the deployment.
 */
const DEFERRED = /^can't run policy '[^']+' from policy pack '[^']+' during preview: (.*)$/s;

/** For a deferred check, what was unknown (e.g. "string value at .networkRuleSet can't be known during preview"); otherwise undefined. */
export function deferredAtPreview(v: Violation): string | undefined {
    return v.enforcementLevel === "advisory" ? DEFERRED.exec(v.message)?.[1] : undefined;
}

export interface PolicySummary {
    pack: string;
    version: string;
    /** How many policies the pack serves. */
    policies: number;
    violations: Violation[];
    /** Every policy of the pack as GetAnalyzerInfo described it, so a report can join violations to rule metadata. */
    rules: PolicyInfo[];
}

export type PolicySeverity = "low" | "medium" | "high" | "critical";
const SEVERITIES: Partial<Record<apb.PolicySeverity, PolicySeverity>> = {
    [apb.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
    [apb.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
    [apb.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
    [apb.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** The external controls a policy mirrors, as the pack sends them (framework reference and tags). */
export interface PolicyControls {
    /** HITRUST CSF control ids: the policy's compliance framework reference (`"01.m, 09.y"`), when that framework is HITRUST. */
    hitrust: string[];
    /** Azure Policy definition ids: the policy's `azure-policy:<id>` tags. */
    azurePolicy: string[];
    /** Checkov check ids: the policy's `checkov:<id>` tags. */
    checkov: string[];
}

/** One policy as GetAnalyzerInfo describes it (what the engine knows of a rule, without the pack's code). */
export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    /** Undefined when the pack leaves it unspecified. */
    severity?: PolicySeverity;
    /** The policy's remediationSteps; undefined when it gives none. */
    remediation?: string;
    controls: PolicyControls;
    /** Type keys (`<module>:<Type>`, `*` = every azure-native type) the policy reads: its `type:` tags (policy/rules/define.ts). */
    types: string[];
    configSchema?: { properties: Record<string, unknown>; required: string[] };
}

/**
 * Whether Remediate can answer anything under these levels: @pulumi/policy runs a policy's remediateResource only at
 * enforcement level "remediate" (server.js makeRemediateRpcFun skips every other policy, reporting nothing), so with no
 * policy at that level the answer is empty, and the plan sends Analyze alone (each Remediate was a deserialization of
 * the resource's properties in the pack for nothing: about a third of its analysis CPU).
 */
export function remediates(levels: ReadonlyMap<string, EnforcementLevel>): boolean {
    return [...levels.values()].includes("remediate");
}

/** The `type:<module>:<Type>` tags the pack puts on each policy (policy/rules/define.ts), as type keys. */
export function typesFromTags(tags: readonly string[]): string[] {
    return tags.filter((t) => t.startsWith("type:")).map((t) => t.slice("type:".length)).filter((t) => t !== "");
}

/** The controls a policy's framework and tags name (see PolicyControls). */
function policyControls(p: apb.PolicyInfo): PolicyControls {
    const framework = p.getFramework();
    const tagged = (prefix: string) => p.getTagsList().filter((t) => t.startsWith(prefix)).map((t) => t.slice(prefix.length)).filter((id) => id !== "");
    return {
        hitrust: framework !== undefined && /hitrust/i.test(framework.getName()) ? framework.getReference().split(",").map((id) => id.trim()).filter((id) => id !== "") : [],
        azurePolicy: tagged("azure-policy:"),
        checkov: tagged("checkov:"),
    };
}

function unary<Req, Res>(call: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => { call(req, (err, res) => (err ? reject(err) : resolve(res))); });
}

/**
 * A policy pack running as its own process, driven over the analyzer gRPC protocol.
 * Lifecycle mirrors the engine: start `node <@pulumi/pulumi>/cmd/run-policy-pack <engine> <pack>` with the pack
 * folder as working directory, read the port it prints, then GetAnalyzerInfo → Configure → ConfigureStack →
 * Remediate/Analyze per resource → AnalyzeStack.
 */
export class PolicyHost {
    /** Whether the configured pack can remediate (see remediates); until Configure, assume it can. */
    private remediating = true;

    private constructor(
        private readonly pack: PackProcess,
        private readonly client: AnalyzerClient,
    ) {}

    /** Connects to a started pack process (packProcess.ts) once it serves. */
    static async connect(pack: PackProcess): Promise<PolicyHost> {
        try {
            const port = await pack.port;
            const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": 1024 * 1024 * 400 });
            return new PolicyHost(pack, client);
        } catch (e) {
            await stopPackProcess(pack);
            throw e;
        }
    }

    static async start(packDir: string, timeoutMs = 120_000): Promise<PolicyHost> {
        return PolicyHost.connect(await startPackProcess(packDir, timeoutMs));
    }

    get engineLog(): string[] {
        return this.pack.engineLog;
    }

    async info(): Promise<{ name: string; version: string; policies: PolicyInfo[] }> {
        const info = await unary<Empty, apb.AnalyzerInfo>((q, cb) => this.client.getAnalyzerInfo(q, cb), new Empty());
        return {
            name: info.getName(),
            version: info.getVersion(),
            policies: info.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                const severity = SEVERITIES[p.getSeverity()];
                return {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: LEVELS[p.getEnforcementlevel()],
                    ...(severity !== undefined ? { severity } : {}),
                    ...(p.getRemediationSteps() !== "" ? { remediation: p.getRemediationSteps() } : {}),
                    controls: policyControls(p),
                    types: typesFromTags(p.getTagsList()),
                    ...(schema !== undefined ? { configSchema: { properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>, required: schema.getRequiredList() } } : {}),
                };
            }),
        };
    }

    /**
     * Sends the policy config the way the engine does after reconciling a `--policy-pack-config` file
     * (pkg/resource/analyzer/config.go): every policy gets an enforcement level (its own entry, else `all`, else
     * the policy's default) and properties = configSchema defaults overlaid by the file, validated by JSON Schema.
     */
    async configure(policies: PolicyInfo[], file: Record<string, unknown>): Promise<Map<string, EnforcementLevel>> {
        // Reconciled and validated apart (policyConfig.ts), every problem by file, policy and setting.
        const { levels, properties } = reconcilePolicyConfig(policies, file, policyConfigSource(file) ?? "policy pack config");
        const req = new apb.ConfigureAnalyzerRequest();
        for (const p of policies) {
            const pc = new apb.PolicyConfig();
            pc.setEnforcementlevel(PROTO_LEVELS[levels.get(p.name) ?? p.enforcementLevel]);
            pc.setProperties(Struct.fromJavaScript((properties.get(p.name) ?? {}) as Parameters<typeof Struct.fromJavaScript>[0]));
            req.getPolicyconfigMap().set(p.name, pc);
        }
        await unary<apb.ConfigureAnalyzerRequest, Empty>((q, cb) => this.client.configure(q, cb), req);
        this.remediating = remediates(levels);
        return levels;
    }

    async configureStack(project: string, stack: string, dryRun: boolean): Promise<void> {
        const req = new apb.AnalyzerStackConfigureRequest();
        req.setProject(project);
        req.setStack(stack);
        req.setDryRun(dryRun);
        await unary<apb.AnalyzerStackConfigureRequest, apb.AnalyzerStackConfigureResponse>((q, cb) => this.client.configureStack(q, cb), req);
    }

    private static options(r: RecordedResource): apb.AnalyzerResourceOptions {
        const o = new apb.AnalyzerResourceOptions();
        o.setProtect(r.protect);
        o.setAdditionalsecretoutputsList(r.additionalSecretOutputs ?? []);
        if (r.parent !== null) o.setParent(r.parent);
        return o;
    }

    /**
     * Remediate then Analyze one resource with its inputs, as the engine's step generator does: Analyze sees the
     * properties as remediated. Both are sent at once, the Analyze with the inputs as registered, which is what the
     * engine sends when no remediation changes them (this pack has none); when one does, Analyze is sent again with the
     * remediated properties and only that answer counts. (One round trip instead of two per resource: the plan
     * process is busy running the program while the answers come back.)
     */
    async analyze(r: RecordedResource): Promise<Violation[]> {
        const request = (props: Struct) => {
            const req = new apb.AnalyzeRequest();
            req.setType(r.type);
            req.setName(r.name);
            req.setUrn(r.urn);
            req.setProperties(props);
            req.setOptions(PolicyHost.options(r));
            return req;
        };
        const registered = request(Struct.fromJavaScript(r.inputs as Parameters<typeof Struct.fromJavaScript>[0]));
        const analyze = (req: apb.AnalyzeRequest) => unary<apb.AnalyzeRequest, apb.AnalyzeResponse>((q, cb) => this.client.analyze(q, cb), req);
        // With no policy at level remediate, Remediate answers nothing (remediates()): the call is skipped.
        if (!this.remediating) return (await analyze(registered)).getDiagnosticsList().map((d) => this.violation(d, r.urn));
        const remediating = unary<apb.AnalyzeRequest, apb.RemediateResponse>((q, cb) => this.client.remediate(q, cb), registered);
        const optimistic = analyze(registered);
        // Settled before it is awaited below (or dropped when a remediation changed the properties).
        optimistic.catch(() => undefined);
        let remediatedProps: Struct | undefined;
        for (const rem of (await remediating).getRemediationsList()) remediatedProps = rem.getProperties() ?? remediatedProps;
        const res = remediatedProps === undefined ? await optimistic : await analyze(request(remediatedProps));
        // Resource-level diagnostics come back without a URN: the engine attributes them to the resource analyzed.
        return res.getDiagnosticsList().map((d) => this.violation(d, r.urn));
    }

    /** AnalyzeStack once over every resource with its outputs, parent and dependencies. */
    async analyzeStack(resources: readonly RecordedResource[]): Promise<Violation[]> {
        const req = new apb.AnalyzeStackRequest();
        req.setResourcesList(resources.map((r) => {
            const a = new apb.AnalyzerResource();
            a.setType(r.type);
            a.setName(r.name);
            a.setUrn(r.urn);
            a.setProperties(Struct.fromJavaScript({ ...r.inputs, ...r.outputs } as Parameters<typeof Struct.fromJavaScript>[0]));
            a.setOptions(PolicyHost.options(r));
            if (r.parent !== null) a.setParent(r.parent);
            a.setDependenciesList(r.dependencies);
            for (const [prop, urns] of Object.entries(r.propertyDependencies)) {
                const deps = new apb.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                a.getPropertydependenciesMap().set(prop, deps);
            }
            return a;
        }));
        const res = await unary<apb.AnalyzeStackRequest, apb.AnalyzeResponse>((q, cb) => this.client.analyzeStack(q, cb), req);
        return res.getDiagnosticsList().map((d) => this.violation(d, null));
    }

    private violation(d: apb.AnalyzeDiagnostic, urn: string | null): Violation {
        const level = LEVELS[d.getEnforcementlevel()];
        return {
            policy: d.getPolicyname(),
            // The engine reports a still-failing remediation as mandatory.
            enforcementLevel: level === "remediate" ? "mandatory" : level,
            urn: d.getUrn() !== "" ? d.getUrn() : urn,
            message: d.getMessage(),
        };
    }

    peakRssKb(): number | undefined {
        try {
            const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${this.pack.child.pid}/status`, "utf8"));
            return m?.[1] !== undefined ? Number(m[1]) : undefined;
        } catch {
            return undefined;
        }
    }

    async close(): Promise<void> {
        this.client.close();
        await stopPackProcess(this.pack);
    }
}

export interface EvaluateOptions {
    packDir: string;
    configFile?: string;
    project: string;
    stack: string;
    preview: boolean;
    /** Start the pack from its TypeScript sources, type-checked at start as the engine's launcher does (slower). @default false (transpiled, packBuild.ts) */
    typeCheckAtStart?: boolean;
    /** The pack's process, already started for `packDir` (the plan CLI starts it before loading the program). @default started here */
    process?: Promise<PackProcess>;
}

/**
 * A configured pack, ready for many Analyze/AnalyzeStack calls (mutation and conformance suites reuse one process
 * instead of paying the pack's start-up per case).
 */
export interface PolicySession {
    pack: string;
    version: string;
    policies: PolicyInfo[];
    /** Remediate + Analyze each resource (resource-level rules), in order. */
    analyze(resources: readonly RecordedResource[]): Promise<Violation[]>;
    /** AnalyzeStack over the whole set (stack-level rules). */
    analyzeStack(resources: readonly RecordedResource[]): Promise<Violation[]>;
    engineLog: string[];
    /** The pack process's peak resident memory so far, in kB (Linux /proc; undefined elsewhere). */
    peakRssKb(): number | undefined;
    close(): Promise<void>;
}

/** Starts the pack, then GetAnalyzerInfo → Configure (with the stack's config file) → ConfigureStack, as the engine does. */
export async function openPolicySession(opts: EvaluateOptions): Promise<PolicySession> {
    // The pack as JavaScript (lib/offline/packBuild.ts): the launcher would otherwise type-check it at every start.
    const host = opts.process !== undefined ? await PolicyHost.connect(await opts.process)
        : await PolicyHost.start(opts.typeCheckAtStart === true ? opts.packDir : transpiledPack(opts.packDir));
    try {
        const info = await host.info();
        if (opts.typeCheckAtStart !== true) rememberAnalyzerInfo(opts.packDir, info);
        const file = opts.configFile !== undefined ? readPolicyConfigFile(opts.configFile) : {};
        await host.configure(info.policies, file);
        await host.configureStack(opts.project, opts.stack, opts.preview);
        return {
            pack: info.name,
            version: info.version,
            policies: info.policies,
            // Every request is sent at once and the answers kept in resource order: the pack evaluates one while this
            // process serializes the next (one at a time, each waited for, was a third of the plan's analyze phase).
            analyze: async (resources) => (await Promise.all(resources.map((r) => host.analyze(r)))).flat(),
            analyzeStack: (resources) => host.analyzeStack(resources),
            engineLog: host.engineLog,
            peakRssKb: () => host.peakRssKb(),
            close: () => host.close(),
        };
    } catch (e) {
        await host.close();
        throw e;
    }
}

/** GetAnalyzerInfo's answer, as a session reads it. */
export interface AnalyzerInfo {
    name: string;
    version: string;
    policies: PolicyInfo[];
}

/** Where a transpiled pack's GetAnalyzerInfo answer is kept: in its own content-addressed build folder (packBuild.ts). */
const analyzerInfoFile = (packDir: string): string => path.join(transpiledPack(packDir), "analyzer-info.json");

function rememberAnalyzerInfo(packDir: string, info: AnalyzerInfo): void {
    const file = analyzerInfoFile(packDir);
    if (fs.existsSync(file)) return;
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(info));
    fs.renameSync(tmp, file);
}

/**
 * The pack's GetAnalyzerInfo answer from an earlier start of the same pack build, if any. The build folder is named by
 * the hash of the pack's sources, so this is the answer the build gives (names, levels, config schemas): the plan
 * validates a policy config against it before the pack has started, and Configure checks the config again.
 */
export function knownAnalyzerInfo(packDir: string): AnalyzerInfo | undefined {
    try {
        return JSON.parse(fs.readFileSync(analyzerInfoFile(packDir), "utf8")) as AnalyzerInfo;
    } catch {
        return undefined;
    }
}
