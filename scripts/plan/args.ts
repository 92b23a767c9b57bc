import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { PROJECT_DIR } from "../../tests/harness/stackConfig";

export interface PlanArgs {
    stack: string;
    json?: string;
    mermaid?: string;
    mode: "preview" | "update";
    program?: string;
    stackFile?: string;
    /** Project directory of another program (its Pulumi.yaml declares the config). @default the repo root */
    projectDir?: string;
    policyPack: string;
    policyConfig?: string;
}

export function parse(argv: string[]): PlanArgs {
    const { values } = parseArgs({
        args: argv,
        options: {
            stack: { type: "string", default: "dev" },
            json: { type: "string" },
            mermaid: { type: "string" },
            mode: { type: "string", default: "preview" },
            program: { type: "string" },
            "stack-file": { type: "string" },
            "project-dir": { type: "string" },
            "policy-pack": { type: "string", default: path.join(PROJECT_DIR, "policy") },
            "policy-pack-config": { type: "string" },
        },
        strict: true,
    });
    const mode = values.mode;
    if (mode !== "preview" && mode !== "update") throw new Error(`--mode must be preview or update, got ${mode}`);
    const stack = values.stack ?? "dev";
    const defaultConfig = path.join(values["policy-pack"] ?? "", `config.${stack}.json`);
    return {
        stack,
        mode,
        policyPack: path.resolve(values["policy-pack"] ?? ""),
        ...(values.json !== undefined ? { json: values.json } : {}),
        ...(values.mermaid !== undefined ? { mermaid: values.mermaid } : {}),
        ...(values.program !== undefined ? { program: values.program } : {}),
        ...(values["stack-file"] !== undefined ? { stackFile: values["stack-file"] } : {}),
        ...(values["project-dir"] !== undefined ? { projectDir: path.resolve(values["project-dir"]) } : {}),
        ...(values["policy-pack-config"] !== undefined ? { policyConfig: values["policy-pack-config"] }
            : fs.existsSync(defaultConfig) ? { policyConfig: defaultConfig } : {}),
    };
}
