/**
 * `npm run plan -- [options]` (`--help` lists them): the offline plan's command line. See index.ts for what a plan does.
 * Exit codes: 0 = no mandatory violation, 1 = mandatory violations, 2 = invalid input (usage, stack file, stack or
 * policy config; every problem by key, nothing written), 3 = unexpected error.
 *
 * Only light modules are imported statically: the pack process is started and spawned first (earlyPack.ts), then the
 * Pulumi SDK, the program and the rest load (dynamic imports) while the pack boots on the other core.
 */
import * as path from "path";
import { startEarlyPack } from "./earlyPack";

async function main(argv: string[]): Promise<number> {
    const early = startEarlyPack(argv);
    await early?.process.catch(() => undefined);
    const { USAGE, parseCommand } = await import("./args");
    const { isConfigError } = await import("../../lib/keyedConfig");
    const { openPolicySession } = await import("../../lib/offline/policyHost");
    const { stopPackProcess } = await import("../../lib/offline/packProcess");
    const { plan } = await import("./index");
    let command: ReturnType<typeof parseCommand>;
    try {
        command = parseCommand(argv);
    } catch (e) {
        console.error(`plan: ${e instanceof Error ? e.message : String(e)}`);
        return 2;
    }
    if (command.help) {
        process.stdout.write(USAGE);
        return 0;
    }
    const args = command.args;
    // The early pack is the plan's when it is the pack the arguments name (the argument check has resolved them).
    const adopted = early !== undefined && path.resolve(args.policyPack) === early.packDir ? early.process : undefined;
    if (early !== undefined && adopted === undefined) void early.process.then(stopPackProcess, () => undefined);
    try {
        return await plan(args, console.log, adopted === undefined ? {} : { session: (o) => openPolicySession({ ...o, process: adopted }) });
    } catch (e) {
        // An input error (stack file, stack or policy config) is the user's to fix: its keyed message, no stack trace.
        if (isConfigError(e)) {
            console.error(e.message);
            return 2;
        }
        console.error(e instanceof Error ? e.stack ?? e.message : String(e));
        return 3;
    }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : String(e));
    process.exit(3);
});
