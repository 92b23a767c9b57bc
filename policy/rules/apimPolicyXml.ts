/**
 * A minimal reader for API Management policy documents (learn.microsoft.com/azure/api-management/api-management-howto-policies):
 * `<policies>` with the sections `<inbound>`, `<backend>`, `<outbound>` and `<on-error>`, each a sequence of policy
 * elements run in document order, `<base />` marking where the enclosing scope's section runs.
 *
 * It only needs element names and nesting, and must not be fooled by what real documents contain: comments, CDATA,
 * attribute values holding `<` or `>` (policy expressions such as `@(a < b)` in `condition="..."`), and in the
 * `rawxml` format unescaped policy expressions in element text (`@{ ... GetValueOrDefault<string>(...) ... }`,
 * `@(...)`), which are skipped as a whole. Anything it cannot read as a tag is text. Unbalanced closing tags close up
 * to the matching open element, or are ignored.
 */

export interface PolicyElement {
    /** Lower-cased element name (`validate-jwt`). */
    name: string;
    children: PolicyElement[];
}

const NAME = /^[A-Za-z_][\w.:-]*/;

/** The index just past a policy expression starting at `i` (`@(`...`)` or `@{`...`}`), honouring nesting and C# string and char literals. */
function skipExpression(s: string, i: number): number {
    const open = s[i + 1];
    const close = open === "(" ? ")" : "}";
    let depth = 0;
    for (let j = i + 1; j < s.length; j++) {
        const c = s[j];
        if (c === "\"" || c === "'") {
            // A verbatim string (@"...") doubles its quotes; a regular one escapes with a backslash.
            const verbatim = s[j - 1] === "@" && c === "\"";
            for (j += 1; j < s.length; j++) {
                if (verbatim && s[j] === "\"" && s[j + 1] === "\"") { j += 1; continue; }
                if (!verbatim && s[j] === "\\") { j += 1; continue; }
                if (s[j] === c) break;
            }
            continue;
        }
        if (c === open) depth += 1;
        else if (c === close) { depth -= 1; if (depth === 0) return j + 1; }
    }
    return s.length;
}

/** The index just past the tag that starts at `i` (a `<`), skipping quoted attribute values. */
function tagEnd(s: string, i: number): number {
    for (let j = i + 1; j < s.length; j++) {
        const c = s[j];
        if (c === "\"" || c === "'") { const k = s.indexOf(c, j + 1); if (k === -1) return s.length; j = k; continue; }
        if (c === ">") return j + 1;
    }
    return s.length;
}

/** Parses a policy document into an element tree under a synthetic root (`#document`). Never throws. */
export function parsePolicyXml(xml: string): PolicyElement {
    const root: PolicyElement = { name: "#document", children: [] };
    const stack: PolicyElement[] = [root];
    const top = () => stack[stack.length - 1] ?? root;
    let i = 0;
    while (i < xml.length) {
        const c = xml[i];
        if (c === "@" && (xml[i + 1] === "(" || xml[i + 1] === "{")) { i = skipExpression(xml, i); continue; }
        if (c !== "<") { i += 1; continue; }
        if (xml.startsWith("<!--", i)) { const k = xml.indexOf("-->", i + 4); i = k === -1 ? xml.length : k + 3; continue; }
        if (xml.startsWith("<![CDATA[", i)) { const k = xml.indexOf("]]>", i + 9); i = k === -1 ? xml.length : k + 3; continue; }
        if (xml.startsWith("<?", i)) { const k = xml.indexOf("?>", i + 2); i = k === -1 ? xml.length : k + 2; continue; }
        if (xml.startsWith("<!", i)) { i = tagEnd(xml, i); continue; }
        if (xml[i + 1] === "/") {
            const name = NAME.exec(xml.slice(i + 2))?.[0]?.toLowerCase();
            const end = tagEnd(xml, i);
            if (name !== undefined) {
                const at = stack.map((e) => e.name).lastIndexOf(name);
                if (at > 0) stack.length = at;
            }
            i = end;
            continue;
        }
        const name = NAME.exec(xml.slice(i + 1))?.[0];
        if (name === undefined) { i += 1; continue; } // a bare "<" in text (rawxml): not a tag
        const end = tagEnd(xml, i);
        const element: PolicyElement = { name: name.toLowerCase(), children: [] };
        top().children.push(element);
        if (xml.slice(i, end).replace(/\s+/g, "").endsWith("/>") === false) stack.push(element);
        i = end;
    }
    return root;
}

/** True when the element, or anything inside it, is named one of `names`. */
export function containsElement(e: PolicyElement, names: readonly string[]): boolean {
    return names.includes(e.name) || e.children.some((c) => containsElement(c, names));
}

/** The sections of a policy document (`inbound`, `backend`, `outbound`, `on-error`) as their top-level policy elements. */
export function policySections(xml: string): Map<string, PolicyElement[]> {
    const doc = parsePolicyXml(xml);
    const find = (e: PolicyElement): PolicyElement | undefined => (e.name === "policies" ? e : e.children.map(find).find((x) => x !== undefined));
    const policies = find(doc);
    const sections = new Map<string, PolicyElement[]>();
    for (const s of policies?.children ?? []) if (!sections.has(s.name)) sections.set(s.name, s.children);
    return sections;
}
