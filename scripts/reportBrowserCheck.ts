/**
 * `npm run report:check -- <report.html> [--screenshot out.png] [--pdf out.pdf]`: opens the compliance evidence
 * report (`npm run plan -- --stack <s> --report <file>`) in headless Chromium and checks what tests/report.spec.ts
 * cannot: the page a browser actually builds and prints.
 *
 *   dom         `--dump-dom`: every REPORT_SECTIONS section (id and h2 title), the title, the inline SVG diagram with
 *               shapes, and no element pointing outside the page (src/href/srcset/… or CSS url() to http(s):// or //)
 *   pdf         `--print-to-pdf`: a PDF (`%PDF-` header) of more than one page
 *   screenshot  `--screenshot` at 1280×1600, only when asked
 *
 * One line per check; exit 0 when all pass, 1 when one fails, 2 when Chromium is not installed. CI runs it (it is
 * not part of `npm test`). CHROMIUM=/path/to/binary picks another browser binary.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pathToFileURL } from "url";
import { REPORT_SECTIONS } from "./report";

/** Flags for every run: headless, no sandbox (CI containers run as root), a throwaway profile, nothing fetched. */
export const CHROMIUM_FLAGS: readonly string[] = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
    "--disable-extensions", "--disable-background-networking", "--allow-file-access-from-files", "--hide-scrollbars",
];
const TIMEOUT_MS = 90_000;

/** One check's outcome, printed as one line. */
export interface CheckResult { name: string; ok: boolean; detail: string }

/** The Chromium binary: $CHROMIUM, else the first of chromium / chromium-browser / google-chrome on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
    if (env["CHROMIUM"] !== undefined && env["CHROMIUM"] !== "") return env["CHROMIUM"];
    for (const dir of (env["PATH"] ?? "").split(path.delimiter).filter((d) => d !== "")) {
        for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
            const p = path.join(dir, name);
            try {
                fs.accessSync(p, fs.constants.X_OK);
                return p;
            } catch {
                // not here
            }
        }
    }
    return undefined;
}

/** Runs Chromium with the common flags, a fresh profile and `extra`; throws with its stderr tail when it fails. */
function runChromium(bin: string, extra: readonly string[], url: string): string {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "report-check-profile-"));
    try {
        const r = spawnSync(bin, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...extra, url], {
            encoding: "utf8", timeout: TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 64 * 1024 * 1024,
        });
        if (r.error !== undefined || r.status !== 0) {
            const tail = (r.stderr ?? "").split("\n").filter((l) => l.trim() !== "" && !l.includes("dbus")).slice(-5).join(" | ");
            throw new Error(`chromium ${extra.join(" ")} failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}): ${tail}`);
        }
        return r.stdout;
    } finally {
        fs.rmSync(profile, { recursive: true, force: true });
    }
}

const decode = (s: string): string =>
    s.replace(/<[^>]*>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").trim();

/** The checks on a serialized DOM (Chromium's `--dump-dom` output). */
export function checkDom(dom: string): CheckResult[] {
    const missing = REPORT_SECTIONS.filter(([id, title]) => {
        const m = new RegExp(`<section\\b[^>]*\\bid="${id}"[^>]*>\\s*<h2\\b[^>]*>([\\s\\S]*?)</h2>`).exec(dom);
        return m === null || decode(m[1] ?? "") !== title;
    });
    const title = decode(/<title>([\s\S]*?)<\/title>/.exec(dom)?.[1] ?? "");
    const h1 = decode(/<h1\b[^>]*>([\s\S]*?)<\/h1>/.exec(dom)?.[1] ?? "");
    const svg = /<svg\b[^>]*>([\s\S]*?)<\/svg>/.exec(dom);
    const shapes = (svg?.[1] ?? "").replace(/<defs\b[\s\S]*?<\/defs>/g, "").match(/<(rect|circle|ellipse|line|polyline|polygon|path)\b/g) ?? [];
    const texts = (svg?.[1] ?? "").match(/<text\b/g) ?? [];
    const external: string[] = [];
    for (const m of dom.matchAll(/\s(src|href|xlink:href|srcset|poster|action|formaction|data|background)="([^"]*)"/gi)) {
        if (/^\s*(https?:)?\/\//i.test(decode(m[2] ?? ""))) external.push(`${m[1]}="${m[2]}"`);
    }
    for (const m of dom.matchAll(/(url\(\s*(?:&quot;|["'])?\s*(?:https?:)?\/\/[^)]*\)|@import\s+(?:url\()?\s*["']?(?:https?:)?\/\/\S*)/gi)) external.push(m[1] ?? "");
    return [
        { name: "sections", ok: missing.length === 0, detail: missing.length === 0 ? `${REPORT_SECTIONS.length}/${REPORT_SECTIONS.length} present with their titles (${REPORT_SECTIONS.map(([id]) => id).join(", ")})` : `missing or mistitled: ${missing.map(([id, t]) => `${id} ("${t}")`).join(", ")}` },
        { name: "title", ok: title.startsWith("Compliance evidence: ") && title === h1, detail: `<title> "${title}"${title === h1 ? " = <h1>" : `, <h1> "${h1}"`}` },
        { name: "diagram", ok: shapes.length > 0, detail: svg === null ? "no <svg> element" : `<svg> with ${shapes.length} shapes and ${texts.length} labels` },
        { name: "self-contained", ok: external.length === 0, detail: external.length === 0 ? "no src/href/url() to http(s):// or //" : `${external.length} external reference(s): ${external.slice(0, 3).join(", ")}` },
    ];
}

/** The check on a printed PDF: `%PDF-` header and more than one page object (`/Type /Page`, not `/Pages`). */
export function checkPdf(pdf: Buffer): CheckResult {
    const header = pdf.subarray(0, 5).toString("latin1");
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
    return { name: "pdf", ok: header === "%PDF-" && pages > 1, detail: `${header === "%PDF-" ? "PDF" : `not a PDF (header ${JSON.stringify(header)})`}, ${pages} page(s), ${pdf.length} bytes` };
}

function main(argv: string[]): number {
    const opt = (flag: string): string | undefined => {
        const i = argv.indexOf(flag);
        return i >= 0 ? argv.splice(i, 2)[1] : undefined;
    };
    const screenshot = opt("--screenshot");
    const pdfOut = opt("--pdf");
    const report = argv[0];
    if (report === undefined || argv.length !== 1 || !fs.existsSync(report)) {
        console.error("usage: reportBrowserCheck.ts <report.html> [--screenshot out.png] [--pdf out.pdf]" + (report !== undefined && argv.length === 1 ? ` (no file ${report})` : ""));
        return 1;
    }
    const bin = findChromium();
    if (bin === undefined) {
        console.error("Chromium not found (set CHROMIUM= or install it: apt-get install -y --no-install-recommends chromium)");
        return 2;
    }
    const url = pathToFileURL(path.resolve(report)).href;
    const results: CheckResult[] = [];
    const attempt = (name: string, f: () => CheckResult[]): void => {
        try {
            results.push(...f());
        } catch (e) {
            results.push({ name, ok: false, detail: e instanceof Error ? e.message : String(e) });
        }
    };
    attempt("dom", () => checkDom(runChromium(bin, ["--virtual-time-budget=5000", "--dump-dom"], url)));
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "report-check-"));
    try {
        const pdf = path.resolve(pdfOut ?? path.join(tmp, "report.pdf"));
        attempt("pdf", () => {
            runChromium(bin, ["--no-pdf-header-footer", `--print-to-pdf=${pdf}`], url);
            return [checkPdf(fs.readFileSync(pdf))];
        });
        if (screenshot !== undefined) {
            const png = path.resolve(screenshot);
            attempt("screenshot", () => {
                runChromium(bin, ["--window-size=1280,1600", `--screenshot=${png}`], url);
                const b = fs.readFileSync(png);
                const ok = b.subarray(1, 4).toString("latin1") === "PNG";
                return [{ name: "screenshot", ok, detail: ok ? `${png}: ${b.readUInt32BE(16)}×${b.readUInt32BE(20)} PNG, ${b.length} bytes` : `${png} is not a PNG` }];
            });
        }
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    for (const r of results) console.log(`${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(14)} ${r.detail}`);
    const failed = results.filter((r) => !r.ok).length;
    console.log(failed === 0 ? `${report}: all ${results.length} checks passed in ${path.basename(bin)}` : `${report}: ${failed} of ${results.length} checks failed`);
    return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
