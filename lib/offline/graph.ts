import { RecordedResource } from "./mocks";
import { Json, sanitize } from "./values";

export const STACK_TYPE = "pulumi:pulumi:Stack";

/** The captured resource graph of one program run, with lookups used by specs, the plan and the policy host. */
export class Graph {
    /**
     * @param notices What loading the run's stack config did differently from the Pulumi CLI, one line each (a secure
     * value replaced by a placeholder, an ESC environment not resolved: lib/offline/stackConfig.ts); the plan prints them.
     */
    constructor(readonly resources: readonly RecordedResource[], readonly notices: readonly string[] = []) {}

    get custom(): RecordedResource[] { return this.resources.filter((r) => r.custom); }
    get components(): RecordedResource[] { return this.resources.filter((r) => !r.custom && r.type !== STACK_TYPE); }

    byType(type: string): RecordedResource[] { return this.resources.filter((r) => r.type === type); }

    /** The single resource of `type` (and logical `name`, if given); throws when there are none or several. */
    one(type: string, name?: string): RecordedResource {
        const found = this.byType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
        return found[0] as RecordedResource;
    }

    byUrn(urn: string): RecordedResource | undefined { return this.resources.find((r) => r.urn === urn); }
    children(urn: string): RecordedResource[] { return this.resources.filter((r) => r.parent === urn); }

    /** Every URN this resource depends on, through `dependsOn` or any property. */
    allDependencies(r: RecordedResource): Set<string> {
        return new Set([...r.dependencies, ...Object.values(r.propertyDependencies).flat()]);
    }

    /** Every URN this resource waits for, directly or through what it waits for (its transitive dependencies). */
    dependencyClosure(r: RecordedResource): Set<string> {
        const seen = new Set<string>();
        const todo = [...this.allDependencies(r)];
        while (todo.length > 0) {
            const urn = todo.pop() as string;
            if (seen.has(urn)) continue;
            seen.add(urn);
            const dep = this.byUrn(urn);
            if (dep !== undefined) todo.push(...this.allDependencies(dep));
        }
        return seen;
    }

    /** The resource's inputs as JSON (secrets → "[secret]", unknowns → "[unknown]"). */
    plainInputs(r: RecordedResource): Record<string, Json> {
        return sanitize(r.inputs) as Record<string, Json>;
    }

    countsByType(): Array<[string, number]> {
        const counts = new Map<string, number>();
        for (const r of this.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    }
}
