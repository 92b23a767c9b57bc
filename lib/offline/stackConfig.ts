import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { NAMESPACE, SECRET_CONFIG_KEYS } from "../config";
import { ConfigError, ConfigProblem, closestMatch } from "../keyedConfig";

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

/** A file as a message names it: relative to the working directory when inside it, else absolute. */
export function shownPath(file: string): string {
    const rel = path.relative(process.cwd(), path.resolve(file));
    return rel === "" ? "." : !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.resolve(file);
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses a YAML file, or throws a ConfigError with every syntax error by file:line:column. The messages are the
 * parser's without its code frame: the frame quotes the file's lines, which may hold a value that must not be echoed.
 */
function readYaml(file: string): unknown {
    const text = fs.readFileSync(file, "utf8");
    // Pulumi.yaml (about 100 declared keys) is read for every stack config a suite loads: parsed once per content
    // (profiled: 7 s of `npm test`'s CPU), and handed out as a copy so no caller can change another's.
    const cached = parsedYaml.get(text);
    if (cached !== undefined) return structuredClone(cached);
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
        throw new ConfigError(doc.errors.map((e) => {
            const at = e.linePos?.[0];
            return {
                key: at !== undefined ? `${shownPath(file)}:${at.line}:${at.col}` : shownPath(file),
                message: `YAML syntax error: ${e.message.replace(/ at line \d+, column \d+[\s\S]*$/, "").trim()} (fix the file at this line and column)`,
            };
        }));
    }
    const value: unknown = doc.toJS();
    parsedYaml.set(text, value);
    return structuredClone(value);
}
const parsedYaml = new Map<string, unknown>();

/** Reads Pulumi.yaml: project name and its typed config declarations. */
export function readProject(projectDir = PROJECT_DIR): Project {
    const file = path.join(projectDir, "Pulumi.yaml");
    const fail = (message: string): never => { throw new ConfigError([{ key: shownPath(file), message }]); };
    if (!fs.existsSync(file)) fail(`does not exist: ${shownPath(projectDir)} is not a Pulumi project directory (--project-dir must name the folder of a Pulumi.yaml)`);
    const d = readYaml(file);
    if (!isMapping(d)) return fail("is not a YAML mapping (expected name, runtime and config)");
    if (typeof d["name"] !== "string") fail("has no project name (name: <project>)");
    const config: ProjectConfigDecl[] = [];
    const block = d["config"] ?? {};
    if (!isMapping(block)) return fail("config: expected a mapping of key → schema declaration (type, description, default)");
    for (const [key, v] of Object.entries(block)) {
        if (!isMapping(v)) return fail(`config.${key}: expected a schema declaration with type/description`);
        const type = v["type"];
        if (type !== "string" && type !== "integer" && type !== "boolean" && type !== "array") return fail(`config.${key}: type must be string, integer, boolean or array`);
        config.push({ key, type, description: typeof v["description"] === "string" ? v["description"] : "", ...("default" in v ? { default: v["default"] } : {}) });
    }
    return { name: d["name"] as string, config };
}

function toConfigString(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

export interface LoadedStackConfig {
    project: string;
    stack: string;
    /** The stack file read. */
    stackFile: string;
    /** `"ahds:key" → string`, exactly what the Pulumi CLI hands a Node program (PULUMI_CONFIG). */
    config: Record<string, string>;
    /** Keys of `config` that are secrets: `secure:` values of the program's secret keys, replaced by SECURE_PLACEHOLDER. */
    secretKeys: string[];
    /** The ESC environments the stack file imports (`environment:`); the offline load does not resolve them. */
    environments: string[];
    /** One line each for what the offline load does differently from the Pulumi CLI (a secure value replaced, an environment not resolved). */
    notices: string[];
}

/**
 * What a `secure:` value of a secret key becomes offline: the ciphertext cannot be decrypted without the stack's
 * secrets provider, so the program gets this stand-in, as a secret. It is valid for every secret key of the program
 * (lib/crossChecks.ts secretConfigProblems: 32-128 printable characters).
 */
export const SECURE_PLACEHOLDER = "offline-plan-placeholder-for-a-secure-value";

/** The keys a project's program reads as secrets (`pulumi.Config#getSecret`), by project name: the platform's (lib/config.ts). */
function programSecretKeys(project: string): string[] {
    return project === NAMESPACE ? SECRET_CONFIG_KEYS.map((k) => `${NAMESPACE}:${k}`) : [];
}

const isSecure = (v: unknown): v is { secure: unknown } => isMapping(v) && "secure" in v;

/** The stacks of a project directory (its Pulumi.<stack>.yaml files). */
export function existingStacks(projectDir = PROJECT_DIR): string[] {
    return fs.readdirSync(projectDir).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();
}

/** The problem of a missing stack file (undefined when it exists): which file, and the stacks there are. */
export function missingStackFileProblem(stack: string, opts: { projectDir?: string; stackFile?: string } = {}): ConfigProblem | undefined {
    const projectDir = opts.projectDir ?? PROJECT_DIR;
    const file = opts.stackFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(file)) return undefined;
    if (opts.stackFile !== undefined) return { key: shownPath(file), message: "does not exist (--stack-file names the stack file to plan)" };
    const stacks = fs.existsSync(projectDir) ? existingStacks(projectDir) : [];
    return {
        key: shownPath(file),
        message: `does not exist: there is no stack "${stack}" in ${shownPath(projectDir) === "." ? "this project" : shownPath(projectDir)}; ` +
            (stacks.length > 0 ? `existing stacks: ${stacks.join(", ")} (--stack <name>)` : "it has no Pulumi.<stack>.yaml") + ", or pass --stack-file FILE",
    };
}

/**
 * A stack-file value set with `pulumi config set --path` (a nested mapping under one key) as the flat dotted keys this
 * project reads (`ahds:hub: {bastionSubnet: …}` → `ahds:hub.bastionSubnet`), when every leaf is a declared (or secret)
 * key; arrays and `secure:` values are leaves. Otherwise a problem naming the keys, never the values.
 */
function flattenNested(key: string, value: Record<string, unknown>, known: ReadonlySet<string>): { leaves: Array<[string, unknown]> } | { problem: ConfigProblem } {
    const leaves: Array<[string, unknown]> = [];
    const walk = (prefix: string, v: unknown) => {
        if (isMapping(v) && !isSecure(v)) for (const [k, child] of Object.entries(v)) walk(`${prefix}.${k}`, child);
        else leaves.push([prefix, v]);
    };
    walk(key, value);
    const unknown = leaves.map(([k]) => k).filter((k) => !known.has(k)).map((k) => {
        const close = closestMatch(k, known);
        return close !== undefined ? `${k} (did you mean ${close}?)` : k;
    });
    if (leaves.length > 0 && unknown.length === 0) return { leaves };
    const example = leaves[0]?.[0] ?? `${key}.<setting>`;
    return {
        problem: {
            key,
            message: `is a nested mapping (as \`pulumi config set --path\` writes it), ` +
                (leaves.length === 0 ? "and it is empty" : `and ${unknown.join(", ")} ${unknown.length === 1 ? "is not a key" : "are not keys"} declared in Pulumi.yaml`) +
                `. This project reads flat dotted keys: set each one on its own line, as \`${example}: <value>\` (pulumi config set ${example} <value>, without --path)`,
        },
    };
}

/**
 * Builds the runtime config for a stack the way the CLI does: Pulumi.yaml defaults for project keys, overlaid by
 * Pulumi.<stack>.yaml. Non-string values are passed as JSON text; nested mappings (`--path`) of declared keys as their
 * flat keys. Offline, a `secure:` value cannot be decrypted: one of the program's secret keys gets SECURE_PLACEHOLDER
 * (as a secret, with a notice), any other key is a problem. ESC environments (`environment:`) are not resolved (a
 * notice). Every problem of the file is thrown at once as a ConfigError, by key, never quoting a value.
 */
export function loadStackConfig(stack: string, opts: { projectDir?: string; stackFile?: string; secretKeys?: readonly string[] } = {}): LoadedStackConfig {
    const projectDir = opts.projectDir ?? PROJECT_DIR;
    const project = readProject(projectDir);
    const fullKey = (k: string) => (k.includes(":") ? k : `${project.name}:${k}`);
    const config: Record<string, string> = {};
    for (const decl of project.config) {
        if (decl.default !== undefined) config[fullKey(decl.key)] = toConfigString(decl.default);
    }
    const missing = missingStackFileProblem(stack, opts);
    if (missing !== undefined) throw new ConfigError([missing]);
    const stackFile = opts.stackFile ?? path.join(projectDir, `Pulumi.${stack}.yaml`);
    const file = shownPath(stackFile);
    const doc = readYaml(stackFile) ?? {};
    if (!isMapping(doc)) throw new ConfigError([{ key: file, message: "is not a YAML mapping (expected environment: and config:)" }]);
    const problems: ConfigProblem[] = [];
    const notices: string[] = [];

    const env = doc["environment"];
    const environments = env === undefined || env === null ? [] : typeof env === "string" ? [env] : Array.isArray(env) && env.every((e) => typeof e === "string") ? env as string[] : undefined;
    if (environments === undefined) problems.push({ key: `${file}: environment`, message: "must be a list of ESC environment names (environment: [project/env])" });
    else if (environments.length > 0) {
        notices.push(`${file} imports the ESC environment${environments.length === 1 ? "" : "s"} ${environments.join(", ")}: ESC values are not resolved offline, ` +
            `so every ${project.name}:* key the program needs must be in the stack file, and secret keys an environment supplies are absent here (\`pulumi preview\`/\`up\` resolve them)`);
    }

    const secretKeys = new Set(opts.secretKeys ?? programSecretKeys(project.name));
    const known = new Set([...project.config.map((d) => fullKey(d.key)), ...secretKeys]);
    const secrets: string[] = [];
    const values = doc["config"] ?? {};
    if (!isMapping(values)) problems.push({ key: `${file}: config`, message: "must be a mapping of config keys to values" });
    for (const [rawKey, v] of Object.entries(isMapping(values) ? values : {})) {
        const key = fullKey(rawKey);
        let leaves: Array<[string, unknown]> = [[key, v]];
        // Structured values of other namespaces (provider config) pass as JSON, as the CLI passes them.
        if (isMapping(v) && !isSecure(v) && key.startsWith(`${project.name}:`)) {
            const flat = flattenNested(key, v, known);
            if ("problem" in flat) { problems.push(flat.problem); continue; }
            leaves = flat.leaves;
        }
        for (const [k, leaf] of leaves) {
            if (!isSecure(leaf)) { config[k] = toConfigString(leaf); continue; }
            if (secretKeys.has(k)) {
                config[k] = SECURE_PLACEHOLDER;
                secrets.push(k);
                notices.push(`${k}: secure value replaced offline by a placeholder (marked secret), since the offline plan cannot decrypt it; \`pulumi preview\` and \`pulumi up\` decrypt it`);
            } else {
                problems.push({
                    key: k,
                    message: "is a secure value, which the offline plan cannot decrypt, and it is not a secret setting of this program " +
                        `(${secretKeys.size > 0 ? `those are ${[...secretKeys].join(", ")}` : "it reads none"}), so it cannot be replaced by a placeholder: ` +
                        `set it in plain text (pulumi config set ${k} <value>, without --secret)`,
                });
            }
        }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return { project: project.name, stack, stackFile, config, secretKeys: secrets, environments: environments ?? [], notices };
}
