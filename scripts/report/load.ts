/** Reads what the report needs from outside the plan context (for the CLI; renderReport itself does no I/O). */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PlanContext } from "../plan/context";
import { ReportExtras } from "./data";
import { parseAfterDeployChecks } from "./limits";
import { PolicyConfigFile } from "./model";

/** `git rev-parse HEAD` in `dir`; undefined when git or the repository is missing. */
export function gitCommit(dir: string): string | undefined {
    try {
        const r = spawnSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8", timeout: 10_000 });
        const out = r.status === 0 ? r.stdout.trim() : "";
        return /^[0-9a-f]{40}$/.test(out) ? out : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The extras for `ctx`: commit of `repoDir`, the parsed pack config (ctx.policyConfig), docs/after-deploy-checks.md,
 * and the plan's cost profile and critical path (ctx.estimates).
 */
export function loadReportExtras(ctx: PlanContext, repoDir: string): ReportExtras {
    const readJson = <T>(file: string): T | undefined => {
        try { return JSON.parse(fs.readFileSync(file, "utf8")) as T; } catch { return undefined; }
    };
    const docs = path.join(repoDir, "docs", "after-deploy-checks.md");
    const commit = gitCommit(repoDir);
    const policyConfig = ctx.policyConfig !== undefined ? readJson<PolicyConfigFile>(ctx.policyConfig) : undefined;
    return {
        generatedAt: new Date(),
        ...(commit !== undefined ? { commit } : {}),
        ...(policyConfig !== undefined ? { policyConfig } : {}),
        ...(fs.existsSync(docs) ? { afterDeployChecks: parseAfterDeployChecks(fs.readFileSync(docs, "utf8")) } : {}),
        ...(ctx.estimates !== undefined ? { cost: ctx.estimates.cost, criticalPath: ctx.estimates.criticalPath } : {}),
    };
}
