import * as fs from "fs";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import { ConfigError, ConfigProblem, closestMatch } from "../keyedConfig";
import type { EnforcementLevel, PolicyInfo } from "./policyHost";
import { shownPath } from "./stackConfig";

/**
 * A `--policy-pack-config` file, read and reconciled with the pack's policies the way the engine does
 * (pkg/resource/analyzer/config.go): each policy gets an enforcement level (its own entry, else `all`, else its
 * default) and properties (the configSchema's defaults overlaid by the file's settings, validated by JSON Schema).
 * Pure functions: every problem of the file is thrown at once as a ConfigError, keyed by file and policy.setting.
 */

/** The levels the engine accepts, in the order messages list them. */
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Top-level keys that are not policy names. */
const RESERVED_KEYS = ["all", "environments"];

const TITLE = "Invalid policy pack config";

const isLevel = (v: unknown): v is EnforcementLevel => typeof v === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The file name a parsed config came from (readPolicyConfigFile), so PolicyHost.configure can key its problems by it. */
const sources = new WeakMap<object, string>();

/** The file (as messages show it) that readPolicyConfigFile parsed `config` from; undefined for any other object. */
export function policyConfigSource(config: object): string | undefined {
    return sources.get(config);
}

/**
 * Offset of the first JSON syntax error in `text` (JSON.parse does not always give one: "Unexpected token 'x', …"),
 * or undefined when the text is valid JSON.
 */
export function jsonErrorOffset(text: string): number | undefined {
    let i = 0;
    const fail = (): never => { throw new RangeError(String(i)); };
    const ws = () => { while (i < text.length && " \t\n\r".includes(text.charAt(i))) i++; };
    const str = () => {
        i++;
        while (i < text.length) {
            const c = text.charAt(i);
            if (c === "\"") { i++; return; }
            if (c === "\\") {
                const esc = text.charAt(i + 1);
                if (esc === "u") { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) { i++; fail(); } i += 6; continue; }
                if (!"\"\\/bfnrt".includes(esc) || esc === "") { i++; fail(); }
                i += 2;
                continue;
            }
            if (c < " ") fail();
            i++;
        }
        fail();
    };
    const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
    const value = (): void => {
        ws();
        const c = text.charAt(i);
        if (c === "{" || c === "[") {
            const close = c === "{" ? "}" : "]";
            i++;
            ws();
            if (text.charAt(i) === close) { i++; return; }
            for (;;) {
                if (c === "{") {
                    ws();
                    if (text.charAt(i) !== "\"") fail();
                    str();
                    ws();
                    if (text.charAt(i) !== ":") fail();
                    i++;
                }
                value();
                ws();
                if (text.charAt(i) === ",") { i++; continue; }
                if (text.charAt(i) === close) { i++; return; }
                fail();
            }
        }
        if (c === "\"") { str(); return; }
        literal.lastIndex = i;
        const m = literal.exec(text);
        if (m === null) fail();
        else i += m[0].length;
    };
    try {
        value();
        ws();
        if (i < text.length) fail();
        return undefined;
    } catch (e) {
        if (e instanceof RangeError) return Number(e.message);
        throw e;
    }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return { line, column: offset - (before.lastIndexOf("\n") + 1) + 1 };
}

/**
 * Reads and parses a policy pack config file. Throws a ConfigError when it does not exist, is not JSON (by
 * file:line:column, V8's reason without its quote of the text) or is not a JSON object.
 */
export function readPolicyConfigFile(file: string): Record<string, unknown> {
    const shown = shownPath(file);
    if (!fs.existsSync(file)) throw new ConfigError([{ key: shown, message: "does not exist (--policy-pack-config names the pack's config file)" }], { title: TITLE });
    const text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (e) {
        const v8 = e instanceof Error ? e.message : String(e);
        const position = /at position (\d+)/.exec(v8)?.[1];
        const offset = jsonErrorOffset(text) ?? (position !== undefined ? Number(position) : text.length);
        const { line, column } = lineColumn(text, offset);
        const reason = v8.replace(/ in JSON at position \d+.*$/s, "").replace(/, .*is not valid JSON$/s, "").replace(/ \(line \d+ column \d+\)$/, "");
        throw new ConfigError([{ key: `${shown}:${line}:${column}`, message: `invalid JSON (offset ${offset}): ${reason}` }], { title: TITLE });
    }
    if (!isObject(parsed)) {
        throw new ConfigError([{ key: shown, message: `must be a JSON object (policy name or "all" → enforcement level or settings), got ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}` }], { title: TITLE });
    }
    sources.set(parsed, shown);
    return parsed;
}

/** A value as a message shows it (short: a config file's strings are not secrets, but a message is one line). */
function describe(v: unknown): string {
    if (Array.isArray(v)) return "an array";
    if (isObject(v)) return "an object";
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
}

/** A JSON pointer (Ajv's instancePath, `/exemptions/0/justification`) as `.exemptions[0].justification`. */
function pointerPath(pointer: string): string {
    return pointer.split("/").slice(1).map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")).map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`)).join("");
}

const levelProblem = (v: unknown) => `${describe(v)} is not an enforcement level (valid: ${ENFORCEMENT_LEVELS.join(", ")})`;

/** One Ajv error as a keyed problem (`<policy>.<setting>: expected integer, got "x"`). */
function schemaProblem(fileName: string, policy: string, e: ErrorObject): ConfigProblem {
    const at = `${policy}${pointerPath(e.instancePath)}`;
    const p = e.params as Record<string, unknown>;
    const key = (suffix = "") => `${fileName}: ${at}${suffix}`;
    switch (e.keyword) {
        case "type":
            return { key: key(), message: `expected ${Array.isArray(p["type"]) ? (p["type"] as string[]).join(" or ") : String(p["type"])}, got ${describe(e.data)}` };
        case "minLength": {
            const why = /(justification|downgradeReason)$/.test(at) ? " (the reason a reviewer reads: say why in full)" : "";
            return { key: key(), message: `must be at least ${String(p["limit"])} characters long, got ${typeof e.data === "string" ? e.data.length : 0}${why}` };
        }
        case "maxLength":
            return { key: key(), message: `must be at most ${String(p["limit"])} characters long, got ${typeof e.data === "string" ? e.data.length : 0}` };
        case "minimum": case "maximum": case "exclusiveMinimum": case "exclusiveMaximum":
            return { key: key(), message: `must be ${String(p["comparison"])} ${String(p["limit"])}, got ${describe(e.data)}` };
        case "enum":
            return { key: key(), message: `must be one of ${(p["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}, got ${describe(e.data)}` };
        case "required":
            return { key: key(`.${String(p["missingProperty"])}`), message: "is required" };
        case "additionalProperties": {
            const allowed = Object.keys((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
            return { key: key(`.${String(p["additionalProperty"])}`), message: `is not allowed here${allowed.length > 0 ? ` (allowed: ${allowed.join(", ")})` : ""}` };
        }
        default:
            return { key: key(), message: e.message ?? "is invalid" };
    }
}

export interface ReconciledPolicyConfig {
    /** Every policy's enforcement level, by name. */
    levels: Map<string, EnforcementLevel>;
    /** Every policy's properties (schema defaults, then the file's settings), by name. */
    properties: Map<string, Record<string, unknown>>;
}

const ajv = new Ajv({ useDefaults: true, strict: false, allErrors: true, verbose: true });
const compiled = new Map<string, ValidateFunction>();

/** An Ajv validator per distinct schema, compiled once per process (profiled: compiling 83 per Configure was ~2 s of the suites). */
function compiledSchema(schema: Record<string, unknown>): ValidateFunction {
    const key = JSON.stringify(schema);
    let v = compiled.get(key);
    if (v === undefined) compiled.set(key, v = ajv.compile(schema));
    return v;
}

/**
 * Reconciles a parsed config file with the pack's policies (as GetAnalyzerInfo describes them, config schemas
 * included). Problems: an unknown policy (with the closest name), a bad enforcement level (with the valid ones), an
 * unknown setting, and every JSON Schema error of a setting (type, minLength of a justification or downgradeReason,
 * bounds), each as `<file>: <policy>.<setting>: …`.
 */
export function reconcilePolicyConfig(policies: readonly PolicyInfo[], file: unknown, fileName: string): ReconciledPolicyConfig {
    const problems: ConfigProblem[] = [];
    const fail = (): never => { throw new ConfigError(problems, { title: TITLE }); };
    if (!isObject(file)) {
        problems.push({ key: fileName, message: `must be a JSON object (policy name or "all" → enforcement level or settings), got ${describe(file)}` });
        fail();
    }
    const config = file as Record<string, unknown>;
    const names = policies.map((p) => p.name);
    const known = new Set(names);
    for (const k of Object.keys(config)) {
        if (RESERVED_KEYS.includes(k) || known.has(k)) continue;
        const close = closestMatch(k, names);
        problems.push({ key: `${fileName}: ${k}`, message: `is not a policy of this pack${close !== undefined ? ` (did you mean ${close}?)` : " (docs/policies.md lists them)"}` });
    }
    const all = config["all"];
    if (all !== undefined && !isLevel(all)) problems.push({ key: `${fileName}: all`, message: levelProblem(all) });
    const levels = new Map<string, EnforcementLevel>();
    const properties = new Map<string, Record<string, unknown>>();
    for (const p of policies) {
        const entry = config[p.name];
        let level: EnforcementLevel = isLevel(all) ? all : p.enforcementLevel;
        let props: Record<string, unknown> = {};
        if (isLevel(entry)) level = entry;
        else if (isObject(entry)) {
            const { enforcementLevel, ...rest } = entry;
            if (enforcementLevel !== undefined) {
                if (isLevel(enforcementLevel)) level = enforcementLevel;
                else problems.push({ key: `${fileName}: ${p.name}.enforcementLevel`, message: levelProblem(enforcementLevel) });
            }
            props = structuredClone(rest);
        } else if (typeof entry === "string") problems.push({ key: `${fileName}: ${p.name}`, message: levelProblem(entry) });
        else if (entry !== undefined) problems.push({ key: `${fileName}: ${p.name}`, message: `expected an enforcement level or an object of settings, got ${describe(entry)}` });
        const settings = Object.keys(p.configSchema?.properties ?? {});
        for (const k of Object.keys(props)) {
            if (settings.includes(k)) continue;
            const close = closestMatch(k, settings);
            problems.push({ key: `${fileName}: ${p.name}.${k}`, message: `is not a setting of ${p.name}${close !== undefined ? ` (did you mean ${close}?)` : ""}; its settings: enforcementLevel, ${settings.join(", ")}` });
        }
        if (p.configSchema !== undefined) {
            const validate = compiledSchema({ type: "object", properties: p.configSchema.properties, required: p.configSchema.required });
            if (!validate(props)) problems.push(...(validate.errors ?? []).map((e) => schemaProblem(fileName, p.name, e)));
        }
        levels.set(p.name, level);
        properties.set(p.name, props);
    }
    if (problems.length > 0) fail();
    return { levels, properties };
}
