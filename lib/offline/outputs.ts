import * as pulumi from "@pulumi/pulumi";

/** Resolves an Output's value (hangs on unknowns: use `settle` in preview-mode tests). */
export function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

/** Resolves `{known: true, value}` or, if the Output stays unknown for `ms`, `{known: false}`. */
export function settle<T>(o: pulumi.Output<T>, ms = 200): Promise<{ known: true; value: T } | { known: false }> {
    return new Promise((resolve) => {
        const timer = setTimeout(() => resolve({ known: false }), ms);
        o.apply((value) => { clearTimeout(timer); resolve({ known: true, value }); return value; });
    });
}
