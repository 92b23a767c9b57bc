import { Graph } from "../../lib/offline/graph";
import { PolicySummary } from "../../lib/offline/policyHost";
import { PlanEstimates } from "./estimates";

/** Wall-clock milliseconds of the plan's phases (`npm run bench` prints them). */
export interface PlanTimings {
    /** Loading (and transpiling) the program's modules and the SDKs. */
    load: number;
    /** Running the program under the mocks (registering every resource). */
    program: number;
    /** Starting the pack process and configuring it (overlaps load and program). */
    packStart: number;
    /** Remediate + Analyze of every resource. */
    analyze: number;
    /** AnalyzeStack (the stack rules). */
    stackRules: number;
    total: number;
}

/** Everything one plan produced: what the text report, the JSON contract and the HTML report are rendered from. */
export interface PlanContext {
    project: string;
    stack: string;
    mode: "preview" | "update";
    graph: Graph;
    policy: PolicySummary & { engineLog: string[] };
    /** The policy pack config file the pack was configured with, if any. */
    policyConfig?: string;
    /**
     * The stack outputs as the engine records them (the root stack's RegisterResourceOutputs), in wire form: secrets
     * and values unknown at preview keep their sentinels (lib/offline/values.ts; `sanitize` gives "[secret]"/"[unknown]").
     */
    outputs: Record<string, unknown>;
    timings: PlanTimings;
    /** Cost profile and deploy critical path of the graph (the plan always computes them). */
    estimates?: PlanEstimates;
}
