import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ConfigError, ConfigProblem, closestMatch } from "../../lib/keyedConfig";
import { missingStackFileProblem, shownPath } from "../../lib/offline/stackConfig";
import { OPTIONS } from "./options";

export interface PlanArgs {
    stack: string;
    json?: string;
    mermaid?: string;
    /** Write the HTML compliance evidence report (scripts/report/) to this file. */
    report?: string;
    mode: "preview" | "update";
    program?: string;
    stackFile?: string;
    /** Project directory of another program (its Pulumi.yaml declares the config). @default the repo root */
    projectDir?: string;
    policyPack: string;
    policyConfig?: string;
}

/** `npm run plan -- --help`: every option with one line, and the exit codes. */
export const USAGE = `Usage: npm run plan -- [options]

Offline plan: runs the program for a stack under Pulumi mocks, then the policy pack over the analyzer protocol.
No Azure credentials, no Pulumi CLI.

Options:
  --stack NAME               stack to plan: reads Pulumi.<NAME>.yaml and policy/config.<NAME>.json (default: dev)
  --stack-file FILE          read the stack's config from FILE instead of Pulumi.<NAME>.yaml
  --project-dir DIR          plan another program of the repository (DIR holds its Pulumi.yaml and index.ts)
  --program FILE             run FILE (exporting the program's function) instead of the project's index.ts
  --mode preview|update      preview: a first \`pulumi preview\` (IDs unknown); update: as after a deploy (default: preview)
  --json FILE                write the machine-readable plan (resources, violations) to FILE
  --mermaid FILE             write the program's wiring as a Mermaid flowchart to FILE
  --report FILE              write the compliance evidence report (one self-contained HTML page) to FILE
  --policy-pack DIR          the policy pack to run (default: policy/)
  --policy-pack-config FILE  the pack's config (default: <policy pack>/config.<NAME>.json, which must exist)
  -h, --help                 print this help and exit

Exit codes:
  0  no mandatory policy violation
  1  mandatory policy violations
  2  invalid input: usage, stack file, stack config or policy config (every problem listed by key; nothing written)
  3  unexpected error
`;

const HELP_HINT = "(`npm run plan -- --help` lists the options)";

/** A command-line mistake; the CLI prints `plan: <message>` and exits 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** parseArgs's errors (node:util, ERR_PARSE_ARGS_*) as one line naming the option, with a hint. */
function usageError(e: unknown): UsageError {
    const code = (e as { code?: unknown }).code;
    const message = e instanceof Error ? e.message : String(e);
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
    const option = quoted.split(/[ ,]/).filter((s) => s.startsWith("--")).pop() ?? quoted.split(" ")[0] ?? quoted;
    switch (code) {
        case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
            const close = option.startsWith("--") ? closestMatch(option.slice(2), Object.keys(OPTIONS)) : undefined;
            return new UsageError(`unknown option ${option}${close !== undefined ? ` (did you mean --${close}?)` : ""} ${HELP_HINT}`);
        }
        case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
            return new UsageError(/does not take an argument/.test(message) ? `option ${option} takes no value ${HELP_HINT}` : `option ${option} needs a value ${HELP_HINT}`);
        case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
            return new UsageError(`unexpected argument "${quoted}": options are given by name (for a stack, --stack ${quoted}) ${HELP_HINT}`);
        default:
            return new UsageError(`${message} ${HELP_HINT}`);
    }
}

function parseOptions(argv: string[]) {
    try {
        return parseArgs({ args: argv, options: OPTIONS, strict: true }).values;
    } catch (e) {
        throw usageError(e);
    }
}

export type ParsedCommand = { help: true } | { help: false; args: PlanArgs };

/**
 * Parses the command line without side effects: `{help: true}` for -h/--help, else the plan's arguments. Throws a
 * UsageError for an unknown option or a bad value, and a ConfigError listing every input file that is missing (the
 * stack file, the policy pack, its config).
 */
export function parseCommand(argv: string[]): ParsedCommand {
    const values = parseOptions(argv);
    if (values.help === true) return { help: true };
    const mode = values.mode;
    if (mode !== "preview" && mode !== "update") throw new UsageError(`--mode must be preview or update, got "${mode}" ${HELP_HINT}`);
    const stack = values.stack;
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack must be a stack name (letters, digits, _, . and -), got "${stack}" ${HELP_HINT}`);

    const problems: ConfigProblem[] = [];
    const projectDir = values["project-dir"] !== undefined ? path.resolve(values["project-dir"]) : undefined;
    if (projectDir !== undefined && !fs.existsSync(path.join(projectDir, "Pulumi.yaml"))) {
        problems.push({ key: "--project-dir", message: `${shownPath(projectDir)} has no Pulumi.yaml (it must name the folder of a Pulumi project)` });
    } else {
        const missing = missingStackFileProblem(stack, { ...(projectDir !== undefined ? { projectDir } : {}), ...(values["stack-file"] !== undefined ? { stackFile: values["stack-file"] } : {}) });
        if (missing !== undefined) problems.push(missing);
    }
    if (values.program !== undefined && !fs.existsSync(values.program)) problems.push({ key: "--program", message: `${values.program} does not exist` });
    const policyPack = path.resolve(values["policy-pack"]);
    if (!fs.existsSync(path.join(policyPack, "PulumiPolicy.yaml"))) problems.push({ key: "--policy-pack", message: `${shownPath(policyPack)} has no PulumiPolicy.yaml (it must name a policy pack folder)` });
    let policyConfig = values["policy-pack-config"];
    if (policyConfig !== undefined) {
        if (!fs.existsSync(policyConfig)) problems.push({ key: shownPath(policyConfig), message: "does not exist (--policy-pack-config names the pack's config file)" });
    } else if (fs.existsSync(policyPack)) {
        // A stack is planned with its own policy config: the pack's defaults alone are nobody's reviewed decision.
        const defaultConfig = path.join(policyPack, `config.${stack}.json`);
        if (fs.existsSync(defaultConfig)) policyConfig = defaultConfig;
        else {
            problems.push({
                key: shownPath(defaultConfig),
                message: `does not exist: stack "${stack}" has no policy pack config. Create it with ` +
                    `\`npm run new-stack -- ${stack} --environment dev|test|prod --policy-only\`, or pass --policy-pack-config FILE`,
            });
        }
    }
    for (const [option, file] of [["--json", values.json], ["--mermaid", values.mermaid], ["--report", values.report]] as const) {
        if (file !== undefined && !fs.existsSync(path.dirname(path.resolve(file)))) problems.push({ key: option, message: `the folder of ${file} does not exist` });
    }
    if (problems.length > 0) throw new ConfigError(problems, { title: "Invalid plan input" });
    return {
        help: false,
        args: {
            stack,
            mode,
            policyPack,
            ...(values.json !== undefined ? { json: values.json } : {}),
            ...(values.mermaid !== undefined ? { mermaid: values.mermaid } : {}),
            ...(values.report !== undefined ? { report: values.report } : {}),
            ...(values.program !== undefined ? { program: values.program } : {}),
            ...(values["stack-file"] !== undefined ? { stackFile: values["stack-file"] } : {}),
            ...(projectDir !== undefined ? { projectDir } : {}),
            ...(policyConfig !== undefined ? { policyConfig } : {}),
        },
    };
}

