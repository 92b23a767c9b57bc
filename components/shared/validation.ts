/** Throws one error listing every problem of a building block's plain args, before any resource is created. */
export function throwIfProblems(prefix: string, what: string, problems: string[]): void {
    if (problems.length > 0) throw new Error(`${prefix}: invalid ${what}:\n  ${problems.join("\n  ")}`);
}

/** Returns a component's args unchanged, or throws one error listing every problem (call it inside `super(...)`, so nothing is registered). */
export function validatedArgs<T>(component: string, name: string, args: T, problemsOf: (a: T) => string[]): T {
    const problems = problemsOf(args);
    if (problems.length > 0) throw new Error(`${component} ${name}: invalid args:\n  ${problems.join("\n  ")}`);
    return args;
}

/** `<label> must be an integer lo-hi<why>` when `v` is set and out of range; nothing otherwise. */
export function intRangeProblems(label: string, v: number | undefined, lo: number, hi: number, why = ""): string[] {
    return v === undefined || (Number.isInteger(v) && v >= lo && v <= hi) ? [] : [`${label} must be an integer ${lo}-${hi}${why}`];
}
