import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** Root of the repository (the Pulumi project directory). */
export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

export interface ProjectConfigDecl {
    key: string;
    type: "string" | "integer" | "boolean" | "array";
    description: string;
    default?: unknown;
}

export interface Project {
    name: string;
    config: ProjectConfigDecl[];
}

function fail(file: string, message: string): never {
    throw new Error(`${file}: ${message}`);
}

/** Reads Pulumi.yaml: project name and its typed config declarations. */
export function readProject(projectDir = PROJECT_DIR): Project {
    const file = path.join(projectDir, "Pulumi.yaml");
    const doc: unknown = YAML.parse(fs.readFileSync(file, "utf8"));
    if (typeof doc !== "object" || doc === null) fail(file, "not a YAML mapping");
    const d = doc as Record<string, unknown>;
    if (typeof d["name"] !== "string") fail(file, "missing project name");
    const config: ProjectConfigDecl[] = [];
    const block = (d["config"] ?? {}) as Record<string, unknown>;
    for (const [key, v] of Object.entries(block)) {
        if (typeof v !== "object" || v === null) fail(file, `config.${key}: expected a schema declaration with type/description`);
        const s = v as Record<string, unknown>;
        const type = s["type"];
        if (type !== "string" && type !== "integer" && type !== "boolean" && type !== "array") fail(file, `config.${key}: type must be string, integer, boolean or array`);
        config.push({ key, type, description: typeof s["description"] === "string" ? s["description"] : "", ...("default" in s ? { default: s["default"] } : {}) });
    }
    return { name: d["name"], config };
}

function toConfigString(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

export interface LoadedStackConfig {
    project: string;
    stack: string;
    /** `"ahds:key" → string`, exactly what the Pulumi CLI hands a Node program (PULUMI_CONFIG). */
    config: Record<string, string>;
}

/**
 * Builds the runtime config for a stack the way the CLI does: Pulumi.yaml defaults for project keys, overlaid by
 * Pulumi.<stack>.yaml. Non-string values are passed as JSON text. `secure:` values cannot be decrypted offline,
 * so they are rejected: the stacks in this repo must plan without secrets.
 */
export function loadStackConfig(stack: string, opts: { projectDir?: string; stackFile?: string } = {}): LoadedStackConfig {
    const projectDir = opts.projectDir ?? PROJECT_DIR;
    const project = readProject(projectDir);
    const config: Record<string, string> = {};
    for (const decl of project.config) {
        if (decl.default !== undefined) config[decl.key.includes(":") ? decl.key : `${project.name}:${decl.key}`] = toConfigString(decl.default);
    }
    const stackFile = opts.stackFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) fail(stackFile, `no stack file for stack "${stack}"`);
    const doc: unknown = YAML.parse(fs.readFileSync(stackFile, "utf8")) ?? {};
    if (typeof doc !== "object" || doc === null) fail(stackFile, "not a YAML mapping");
    const values = ((doc as Record<string, unknown>)["config"] ?? {}) as Record<string, unknown>;
    for (const [key, v] of Object.entries(values)) {
        if (typeof v === "object" && v !== null && "secure" in v) fail(stackFile, `${key} is a secure value; the offline plan cannot decrypt it`);
        config[key.includes(":") ? key : `${project.name}:${key}`] = toConfigString(v);
    }
    return { project: project.name, stack, config };
}
