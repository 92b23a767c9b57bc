/** Throws one error listing every problem of a building block's plain args, before any resource is created. */
export function throwIfProblems(prefix: string, what: string, problems: string[]): void {
    if (problems.length > 0) throw new Error(`${prefix}: invalid ${what}:\n  ${problems.join("\n  ")}`);
}
