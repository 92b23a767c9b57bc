/**
 * The plan's command-line options (util.parseArgs form). A module of its own, light enough for earlyPack.ts to read the
 * command line before the SDK loads; args.ts validates them fully.
 */
import * as path from "path";

/** The repository root (the Pulumi project directory of index.ts). */
const ROOT = path.resolve(__dirname, "..", "..");

export const OPTIONS = {
    stack: { type: "string", default: "dev" },
    json: { type: "string" },
    mermaid: { type: "string" },
    report: { type: "string" },
    mode: { type: "string", default: "preview" },
    program: { type: "string" },
    "stack-file": { type: "string" },
    "project-dir": { type: "string" },
    "policy-pack": { type: "string", default: path.join(ROOT, "policy") },
    "policy-pack-config": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;
