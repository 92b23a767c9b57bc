/** new-stack's command line, read option by option; every problem is collected by the option's name. */
import * as path from "path";
import { PROJECT_DIR } from "../../lib/offline/stackConfig";

/** Pulumi accepts alphanumerics, hyphens, underscores and periods in stack names; this also keeps the name usable in
 * file names (policy/config.<name>.json, which npm run policy:docs lists), in the ESC environment ahds/<name> and in the
 * bulk upload API's audience: lowercase letters, digits and inner hyphens, 2-20 characters. */
export const STACK_NAME = /^[a-z0-9][a-z0-9-]{0,18}[a-z0-9]$/;

export interface Problem { key: string; message: string }

export interface NewStackArgs {
    name: string;
    /** As given; planNewStack checks it names an environment with a profile. */
    environment?: string;
    region?: string;
    addressSpace?: string;
    hubAddressSpace?: string;
    workload?: string;
    dir: string;
    policyOnly: boolean;
    force: boolean;
    help: boolean;
}

const VALUE_OPTIONS = { "--environment": "environment", "--region": "region", "--address-space": "addressSpace", "--hub-address-space": "hubAddressSpace", "--workload": "workload", "--dir": "dir" } as const;
const FLAG_OPTIONS = { "--policy-only": "policyOnly", "--force": "force", "--help": "help", "-h": "help" } as const;

/** Reads the command line; every problem is collected (by the option's name), none thrown. */
export function parseNewStackArgs(argv: string[]): { args: NewStackArgs; problems: Problem[] } {
    const problems: Problem[] = [];
    const values: Partial<Record<(typeof VALUE_OPTIONS)[keyof typeof VALUE_OPTIONS], string>> = {};
    const flags = { policyOnly: false, force: false, help: false };
    const names: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i] ?? "";
        const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
        const option = eq > 0 ? arg.slice(0, eq) : arg;
        if (option in VALUE_OPTIONS) {
            const key = VALUE_OPTIONS[option as keyof typeof VALUE_OPTIONS];
            let value: string | undefined;
            if (eq > 0) value = arg.slice(eq + 1);
            else if (argv[i + 1] !== undefined && !(argv[i + 1] ?? "").startsWith("-")) { value = argv[i + 1]; i += 1; }
            if (value === undefined || value === "") { problems.push({ key: option, message: "needs a value" }); continue; }
            if (values[key] !== undefined) problems.push({ key: option, message: "is given more than once" });
            values[key] = value;
        } else if (option in FLAG_OPTIONS) {
            if (eq > 0) problems.push({ key: option, message: "takes no value" });
            flags[FLAG_OPTIONS[option as keyof typeof FLAG_OPTIONS]] = true;
        } else if (arg.startsWith("-")) {
            problems.push({ key: option, message: "is not an option of new-stack (see --help)" });
        } else {
            names.push(arg);
        }
    }
    if (names.length > 1) problems.push({ key: "name", message: `one stack name expected, got ${names.length} (${names.join(", ")})` });
    const environment = values.environment;
    const args: NewStackArgs = {
        name: names[0] ?? "",
        ...(environment !== undefined ? { environment } : {}),
        ...(values.region !== undefined ? { region: values.region } : {}),
        ...(values.addressSpace !== undefined ? { addressSpace: values.addressSpace } : {}),
        ...(values.hubAddressSpace !== undefined ? { hubAddressSpace: values.hubAddressSpace } : {}),
        ...(values.workload !== undefined ? { workload: values.workload } : {}),
        dir: path.resolve(values.dir ?? PROJECT_DIR),
        ...flags,
    };
    return { args, problems };
}
