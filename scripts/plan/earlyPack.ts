/**
 * Starts the policy pack process as the plan CLI's first act, before the Pulumi SDK and the program load (about a
 * second of synchronous module loading, which would also hold back the engine service's bind and so the spawn): the
 * pack boots on the other core meanwhile, and plan() adopts the process (EvaluateOptions.process).
 * Only light modules here (the option table, the pack build's hash, gRPC for the engine service). Nothing starts for
 * --help or a command line that cannot plan (an unknown option, a missing stack file or policy config): the argument
 * check reports those, and a pack would start for nothing.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { transpiledPack } from "../../lib/offline/packBuild";
import { PackProcess, startPackProcess } from "../../lib/offline/packProcess";
import { OPTIONS } from "./options";

export interface EarlyPack {
    packDir: string;
    process: Promise<PackProcess>;
}

/** The pack folder to start, when the command line looks like one that plans; otherwise undefined. */
export function earlyPackDir(argv: readonly string[]): string | undefined {
    const values = parsedOrUndefined(argv);
    if (values === undefined || values.help === true || (values.mode !== "preview" && values.mode !== "update")) return undefined;
    const packDir = path.resolve(values["policy-pack"]);
    const projectDir = path.resolve(values["project-dir"] ?? path.join(__dirname, "..", ".."));
    const stackFile = values["stack-file"] ?? path.join(projectDir, `Pulumi.${values.stack}.yaml`);
    const policyConfig = values["policy-pack-config"] ?? path.join(packDir, `config.${values.stack}.json`);
    const present = [path.join(packDir, "PulumiPolicy.yaml"), stackFile, policyConfig].every((f) => fs.existsSync(f));
    return present ? packDir : undefined;
}

function parsedOrUndefined(argv: readonly string[]) {
    try {
        return parseArgs({ args: [...argv], options: OPTIONS, strict: true }).values;
    } catch {
        return undefined;
    }
}

export function startEarlyPack(argv: readonly string[]): EarlyPack | undefined {
    const packDir = earlyPackDir(argv);
    if (packDir === undefined) return undefined;
    const process = startPackProcess(transpiledPack(packDir));
    process.catch(() => undefined);
    return { packDir, process };
}
