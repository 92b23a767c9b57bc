/**
 * Five-field cron (minute, hour, day of month, month, day of week; UTC), as Azure Container Apps job schedules
 * (learn.microsoft.com/azure/container-apps/jobs#scheduled-jobs) and Pulumi Cloud schedules take it. Each field is `*`,
 * a number, a range (low-high), a list or a step within the field's bounds; names (JAN, MON) are accepted for month
 * and weekday. Returns the problems as predicates ("must be …", "has an invalid … field"), for the caller to prefix.
 */
export function cronProblems(expr: string): string[] {
    const fields = expr.trim().split(/\s+/);
    if (fields.length !== 5) return ["must be a cron expression with five fields (minute hour day-of-month month day-of-week, UTC)"];
    const bounds: Array<[string, number, number]> = [["minute", 0, 59], ["hour", 0, 23], ["day of month", 1, 31], ["month", 1, 12], ["day of week", 0, 7]];
    const names = [/^(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)$/i, /^(SUN|MON|TUE|WED|THU|FRI|SAT)$/i];
    const problems: string[] = [];
    fields.forEach((f, i) => {
        const [what, lo, hi] = bounds[i] ?? ["field", 0, 0];
        const named = i === 3 ? names[0] : i === 4 ? names[1] : undefined;
        const number = (v: string) => /^\d+$/.test(v) && Number(v) >= lo && Number(v) <= hi;
        const value = (v: string) => (named !== undefined && named.test(v)) || number(v);
        const ok = f.split(",").every((part) => {
            const [range = "", step, ...more] = part.split("/");
            if (more.length > 0 || (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1 && Number(step) <= hi))) return false;
            if (range === "*") return true;
            const [a, b, ...rest] = range.split("-");
            // A numeric range runs upwards (5-1 is refused).
            return rest.length === 0 && a !== undefined && value(a) && (b === undefined || (value(b) && !(number(a) && number(b) && Number(b) < Number(a))));
        });
        if (!ok) problems.push(`has an invalid ${what} field "${f}" (${lo}-${hi}, *, lists, ranges and steps)`);
    });
    return problems;
}
