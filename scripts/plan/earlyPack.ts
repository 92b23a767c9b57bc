/**
 * Starts the policy pack process as the plan CLI's first act, before the Pulumi SDK and the program load (about a
 * second of synchronous module loading, which would also hold back the engine service's bind and so the spawn): the
 * pack boots on the other core meanwhile, and plan() adopts the process (EvaluateOptions.process).
 * Only light modules here (the pack build's hash, gRPC for the engine service). Nothing starts for --help; a pack
 * folder the arguments do not name correctly is left to the argument check, which reports it.
 */
import * as fs from "fs";
import * as path from "path";
import { transpiledPack } from "../../tests/harness/packBuild";
import { PackProcess, startPackProcess } from "../../tests/harness/packProcess";

/** The pack folder `argv` names (`--policy-pack DIR` or `--policy-pack=DIR`), else the repository's policy/. */
export function policyPackArg(argv: readonly string[]): string {
    const i = argv.indexOf("--policy-pack");
    const inline = argv.find((a) => a.startsWith("--policy-pack="));
    const dir = i >= 0 ? argv[i + 1] : inline?.slice("--policy-pack=".length);
    return path.resolve(dir ?? path.join(__dirname, "..", "..", "policy"));
}

export interface EarlyPack {
    packDir: string;
    process: Promise<PackProcess>;
}

export function startEarlyPack(argv: readonly string[]): EarlyPack | undefined {
    if (argv.includes("--help") || argv.includes("-h")) return undefined;
    const packDir = policyPackArg(argv);
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) return undefined;
    const process = startPackProcess(transpiledPack(packDir));
    process.catch(() => undefined);
    return { packDir, process };
}
