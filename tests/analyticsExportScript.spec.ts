/**
 * The AnalyticsSync export job's logic, run for real: the job's script (components/assets/analytics/fhir-export.sh,
 * the text the Container Apps job runs with `/bin/bash -c`) is executed by bash, with the real curl and jq, against a
 * fake Azure served from this process on 127.0.0.1: the Container Apps managed-identity endpoint
 * (learn.microsoft.com/azure/container-apps/managed-identity#rest-endpoint-reference: `GET $IDENTITY_ENDPOINT?resource=
 * &api-version=2019-08-01&client_id=` with `X-IDENTITY-HEADER`, answering `{access_token}`), a FHIR service under
 * `/fhir` (learn.microsoft.com/azure/healthcare-apis/fhir/export-data: kick-off `202` + `Content-Location`, status `202`
 * while running, `200` with `transactionTime`, `output[]`, `error[]` when done) and the bookmark blob in the raw
 * container. Every request the fake receives is recorded; the cases assert what was sent, to whom, with which token,
 * and whether the bookmark advanced.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { EXPORT_SCRIPT } from "../components/analyticsSync/exportScript";

const SCRIPT_FILE = path.join(__dirname, "..", "components", "assets", "analytics", "fhir-export.sh");
const SCRIPT = fs.readFileSync(SCRIPT_FILE, "utf8");

const IDENTITY_HEADER = "f00dcafe-identity-header-secret";
const CLIENT_ID = "11111111-2222-4333-8444-555555555555";
const FHIR_AUDIENCE = "https://ws-fhir.fhir.azurehealthcareapis.com";
const FHIR_BEARER = "Bearer tok:https://ws-fhir.fhir.azurehealthcareapis.com";
const STORAGE_BEARER = "Bearer tok:https://storage.azure.com/";
const BLOB_PATH = "/lake/raw/_ahds/last-export.json";
const KICKOFF_PATH = "/fhir/$export";
const STATUS_PATH = "/fhir/_operations/export/42";
/** The status URL's path below the FHIR service's base. */
const STATUS_BELOW = "/_operations/export/42";
const T1 = "2026-12-01T02:00:00.000+00:00";
const T2 = "2026-12-02T02:00:00.000+00:00";

interface Seen { method: string; path: string; rawQuery: string; query: URLSearchParams; headers: http.IncomingHttpHeaders; body: string }
interface Reply { status: number; body?: unknown }
interface Behaviour {
    /** Where the fake FHIR service lives (default "/fhir"; "" puts it at the root, as Azure's FHIR URLs are). */
    fhirAt?: string;
    /** The bookmark blob's content before the run (undefined: the blob does not exist, GET answers 404). */
    bookmark?: string;
    /** Force the bookmark GET to answer this status (e.g. 403). */
    bookmarkGetStatus?: number;
    /** Kick-off answer; `location` gets the fake's base URL. Default: 202 with the fake's own status URL. */
    kickoff?: { status: number; location?: (base: string) => string };
    /** The n-th status poll's answer (1-based). Default: done at once with three outputs. */
    status?: (n: number) => Reply;
}

const done = (transactionTime: string, outputs: number, errors = 0): Reply => ({
    status: 200,
    body: {
        transactionTime,
        request: "https://ws-fhir.fhir.azurehealthcareapis.com/$export?_container=raw",
        requiresAccessToken: false,
        output: Array.from({ length: outputs }, (_, i) => ({ type: "Patient", url: `https://lake.blob.core.windows.net/raw/run/Patient-${i + 1}.ndjson`, count: 10 })),
        error: Array.from({ length: errors }, (_, i) => ({ type: "OperationOutcome", url: `https://lake.blob.core.windows.net/raw/run/Errors-${i + 1}.ndjson` })),
    },
});
const running: Reply = { status: 202 };

/** A fake Azure: identity endpoint, FHIR service under /fhir, and the bookmark blob; records every request. */
class FakeAzure {
    readonly seen: Seen[] = [];
    readonly problems: string[] = [];
    blob: string | undefined;
    polls = 0;
    port = 0;
    private readonly server: http.Server;

    constructor(public b: Behaviour = {}) {
        this.blob = b.bookmark;
        this.server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const url = new URL(req.url ?? "/", "http://fake");
                const raw = req.url ?? "/";
                const seen: Seen = { method: req.method ?? "", path: url.pathname, rawQuery: raw.includes("?") ? raw.slice(raw.indexOf("?") + 1) : "", query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
                this.seen.push(seen);
                this.handle(seen, res);
            });
        });
    }

    get base(): string { return `http://127.0.0.1:${this.port}`; }
    get fhirAt(): string { return this.b.fhirAt ?? "/fhir"; }
    get fhirUrl(): string { return `${this.base}${this.fhirAt}`; }
    get kickoffPath(): string { return `${this.fhirAt}/$export`; }
    get statusPath(): string { return `${this.fhirAt}${STATUS_BELOW}`; }

    async start(): Promise<this> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        this.port = (this.server.address() as AddressInfo).port;
        return this;
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
        const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
        res.writeHead(status, { "Content-Length": String(Buffer.byteLength(text)), ...headers });
        res.end(text);
    }

    private handle(r: Seen, res: http.ServerResponse): void {
        if (r.path === "/msi/token" && r.method === "GET") {
            const bad: string[] = [];
            if (r.headers["x-identity-header"] !== IDENTITY_HEADER) bad.push(`X-IDENTITY-HEADER ${String(r.headers["x-identity-header"])}`);
            if (r.query.get("client_id") !== CLIENT_ID) bad.push(`client_id ${String(r.query.get("client_id"))}`);
            if (r.query.get("api-version") !== "2019-08-01") bad.push(`api-version ${String(r.query.get("api-version"))}`);
            const resource = r.query.get("resource");
            if (resource === null || resource === "") bad.push("no resource");
            if (bad.length > 0) { this.problems.push(`identity request: ${bad.join(", ")}`); return this.send(res, 400, { error: "invalid_request" }); }
            return this.send(res, 200, { access_token: `tok:${resource}`, expires_on: "1893456000", resource, token_type: "Bearer", client_id: CLIENT_ID }, { "Content-Type": "application/json" });
        }
        if (r.path === BLOB_PATH && r.method === "GET") {
            const xml = (code: string) => `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
            if (this.b.bookmarkGetStatus !== undefined) return this.send(res, this.b.bookmarkGetStatus, xml("AuthorizationPermissionMismatch"), { "Content-Type": "application/xml" });
            if (this.blob === undefined) return this.send(res, 404, xml("BlobNotFound"), { "Content-Type": "application/xml", "x-ms-error-code": "BlobNotFound" });
            return this.send(res, 200, this.blob, { "Content-Type": "application/json" });
        }
        if (r.path === BLOB_PATH && r.method === "PUT") {
            this.blob = r.body;
            return this.send(res, 201, undefined);
        }
        if (r.path === this.kickoffPath && r.method === "GET") {
            const k = this.b.kickoff ?? { status: 202 };
            // A valid-looking Content-Location even on a refusal, so only the status code can stop the poll.
            const location = { "Content-Location": (k.location ?? (() => `${this.fhirUrl}${STATUS_BELOW}`))(this.base) };
            if (k.status !== 202) return this.send(res, k.status, { resourceType: "OperationOutcome", issue: [{ severity: "error", code: "forbidden" }] }, { "Content-Type": "application/fhir+json", ...location });
            return this.send(res, 202, undefined, location);
        }
        if (r.path === this.statusPath && r.method === "GET") {
            this.polls += 1;
            const reply = (this.b.status ?? (() => done(T1, 3)))(this.polls);
            return this.send(res, reply.status, reply.body, reply.body === undefined ? {} : { "Content-Type": "application/json" });
        }
        this.problems.push(`unexpected request ${r.method} ${r.path}`);
        return this.send(res, 404, undefined);
    }

    kickoffs(): Seen[] { return this.seen.filter((r) => r.path === this.kickoffPath); }
    statusPolls(): Seen[] { return this.seen.filter((r) => r.path === this.statusPath); }
    puts(): Seen[] { return this.seen.filter((r) => r.method === "PUT"); }
    fhirRequests(): Seen[] { return this.seen.filter((r) => r.path !== "/msi/token" && !r.path.startsWith("/lake/")); }
    storageRequests(): Seen[] { return this.seen.filter((r) => r.path.startsWith("/lake/")); }
    withFhirToken(): Seen[] { return this.seen.filter((r) => r.headers.authorization === FHIR_BEARER); }
}

interface Run { code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }

const home = fs.mkdtempSync(path.join(os.tmpdir(), "ahds-export-home-"));

/** Runs the real script with bash, as the job does; asynchronous so this process keeps serving the fake. */
function runScript(fake: FakeAzure, env: Record<string, string | undefined> = {}): Promise<Run> {
    const all: Record<string, string | undefined> = {
        // A clean environment: no proxy variables, no user curlrc (HOME is an empty directory).
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HOME: home,
        IDENTITY_ENDPOINT: `${fake.base}/msi/token`,
        IDENTITY_HEADER,
        AZURE_CLIENT_ID: CLIENT_ID,
        FHIR_URL: fake.fhirUrl,
        FHIR_AUDIENCE,
        EXPORT_PATH: "$export",
        EXPORT_TYPES: "Patient,Observation",
        EXPORT_CONTAINER: "raw",
        STATE_URL: `${fake.base}${BLOB_PATH}`,
        POLL_SECONDS: "0",
        MAX_WAIT_SECONDS: "30",
        ...env,
    };
    const clean = Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
    return new Promise((resolve, reject) => {
        const started = Date.now();
        const child = spawn("bash", ["-c", SCRIPT], { env: clean, stdio: ["ignore", "pipe", "pipe"], detached: true });
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => { stderr += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
        // A hung script fails its test instead of mocha's timeout; the process group is the one started here.
        const timer = setTimeout(() => { if (child.pid !== undefined) try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ } }, 60_000);
        child.on("error", (e) => { clearTimeout(timer); reject(e); });
        child.on("close", (code, signal) => { clearTimeout(timer); resolve({ code, signal, stderr, ms: Date.now() - started }); });
    });
}

const param = (raw: string, name: string) => raw.split("&").filter((p) => p.startsWith(`${name}=`)).map((p) => p.slice(name.length + 1));

describe("analytics export job script (fhir-export.sh, run against a fake FHIR service, identity endpoint and blob)", function () {
    const fakes: FakeAzure[] = [];
    const fake = async (b: Behaviour = {}) => { const f = await new FakeAzure(b).start(); fakes.push(f); return f; };

    before(function () {
        const missing = ["curl", "jq"].filter((t) => spawnSync("bash", ["-c", `command -v ${t}`]).status !== 0);
        if (missing.length > 0) {
            console.warn(`      skipped: the export script needs ${missing.join(" and ")} on PATH, which this machine lacks`);
            this.skip();
        }
    });
    afterEach(async () => { await Promise.all(fakes.splice(0).map((f) => f.stop())); });
    after(() => { fs.rmSync(home, { recursive: true, force: true }); });

    it("is the text the job runs, and bash parses it (bash -n)", () => {
        expect(EXPORT_SCRIPT).to.equal(SCRIPT);
        const r = spawnSync("bash", ["-n", "-c", SCRIPT], { encoding: "utf8" });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stderr).to.equal("");
    });

    describe("first run (no bookmark)", () => {
        it("exports everything into raw with the listed types, polls until done, and writes the bookmark", async () => {
            const f = await fake({ status: (n) => (n === 1 ? running : done(T1, 3)) });
            const run = await runScript(f);
            expect(run.code, run.stderr).to.equal(0);
            expect(f.problems).to.deep.equal([]);

            // The bookmark read came first, then exactly one kick-off, then the status until 200, then the PUT.
            expect(f.seen.filter((r) => r.path !== "/msi/token").map((r) => `${r.method} ${r.path}`)).to.deep.equal([
                `GET ${BLOB_PATH}`, `GET ${KICKOFF_PATH}`, `GET ${STATUS_PATH}`, `GET ${STATUS_PATH}`, `PUT ${BLOB_PATH}`,
            ]);

            const [kick] = f.kickoffs();
            expect(kick?.query.get("_container")).to.equal("raw");
            expect(kick?.query.has("_since")).to.equal(false);
            expect(kick?.query.get("_type")).to.equal("Patient,Observation");
            expect(kick?.headers["accept"]).to.equal("application/fhir+json");
            expect(kick?.headers["prefer"]).to.equal("respond-async");

            for (const r of f.fhirRequests()) {
                expect(r.headers.authorization, `${r.method} ${r.path}`).to.equal(FHIR_BEARER);
                expect(r.headers["accept"], `${r.method} ${r.path}`).to.equal("application/fhir+json");
            }
            expect(f.storageRequests()).to.have.length(2);
            for (const r of f.storageRequests()) {
                expect(r.headers.authorization, `${r.method} ${r.path}`).to.equal(STORAGE_BEARER);
                expect(r.headers["x-ms-version"], `${r.method} ${r.path}`).to.match(/^\d{4}-\d{2}-\d{2}$/);
            }
            // Each token was asked for with the identity header and client id (the fake answers 400 otherwise) and
            // only for the two audiences.
            const resources = new Set(f.seen.filter((r) => r.path === "/msi/token").map((r) => r.query.get("resource")));
            expect([...resources].sort()).to.deep.equal(["https://storage.azure.com/", "https://ws-fhir.fhir.azurehealthcareapis.com"]);

            const [put] = f.puts();
            expect(put?.headers["x-ms-blob-type"]).to.equal("BlockBlob");
            expect(put?.headers["content-type"]).to.equal("application/json");
            expect(JSON.parse(put?.body ?? "null")).to.deep.equal({ transactionTime: "2026-12-01T02:00:00.000+00:00", status: `${f.base}/fhir/_operations/export/42`, files: 3 });
            expect(f.blob).to.equal(put?.body);
        });

        it("sends no _type when EXPORT_TYPES is empty (the job's value for all types)", async () => {
            const f = await fake({ status: () => done(T1, 1) });
            const run = await runScript(f, { EXPORT_TYPES: "" });
            expect(run.code, run.stderr).to.equal(0);
            expect(f.problems).to.deep.equal([]);
            const [kick] = f.kickoffs();
            expect(kick?.rawQuery).to.equal("_container=raw");
            expect(JSON.parse(f.blob ?? "null")).to.include({ transactionTime: "2026-12-01T02:00:00.000+00:00", files: 1 });
        });

        it("treats an EXPORT_TYPES the platform dropped (unset) as all types, not as an error", async () => {
            // Container Apps once dropped env vars with empty values (microsoft/azure-container-apps#149).
            const f = await fake({ status: () => done(T1, 1) });
            const run = await runScript(f, { EXPORT_TYPES: undefined });
            expect(run.code, run.stderr).to.equal(0);
            expect(f.kickoffs()[0]?.rawQuery).to.equal("_container=raw");
        });
    });

    describe("second run (bookmark present)", () => {
        it("exports only what changed since the bookmark's transactionTime, URL-encoded, and advances the bookmark", async () => {
            const f = await fake({ status: () => done(T1, 3) });
            const first = await runScript(f);
            expect(first.code, first.stderr).to.equal(0);
            expect(JSON.parse(f.blob ?? "null")).to.include({ transactionTime: "2026-12-01T02:00:00.000+00:00" });

            f.b = { status: () => done(T2, 2) };
            const second = await runScript(f);
            expect(second.code, second.stderr).to.equal(0);
            expect(f.problems).to.deep.equal([]);
            const kicks = f.kickoffs();
            expect(kicks).to.have.length(2);
            expect(param(kicks[0]?.rawQuery ?? "", "_since")).to.deep.equal([]);
            expect(param(kicks[1]?.rawQuery ?? "", "_since")).to.deep.equal(["2026-12-01T02%3A00%3A00.000%2B00%3A00"]);
            expect(kicks[1]?.query.get("_since")).to.equal("2026-12-01T02:00:00.000+00:00");
            expect(kicks[1]?.query.get("_container")).to.equal("raw");
            expect(kicks[1]?.query.get("_type")).to.equal("Patient,Observation");
            expect(JSON.parse(f.blob ?? "null")).to.include({ transactionTime: "2026-12-02T02:00:00.000+00:00", files: 2 });
            expect(f.puts()).to.have.length(2);
        });
    });

    describe("failures leave the bookmark where it was", () => {
        const BOOKMARK = JSON.stringify({ transactionTime: "2026-11-30T02:00:00.000+00:00", status: "http://earlier", files: 4 });

        it("an export that finished with error files: non-zero exit, no PUT", async () => {
            const f = await fake({ bookmark: BOOKMARK, status: () => done(T1, 2, 1) });
            const run = await runScript(f);
            expect(run.code, run.stderr).to.not.equal(0);
            expect(run.signal).to.equal(null);
            expect(f.problems).to.deep.equal([]);
            expect(f.statusPolls()).to.have.length(1);
            expect(param(f.kickoffs()[0]?.rawQuery ?? "", "_since")).to.deep.equal(["2026-11-30T02%3A00%3A00.000%2B00%3A00"]);
            expect(f.puts()).to.deep.equal([]);
            expect(f.blob).to.equal(BOOKMARK);
        });

        it("a kick-off answered 403: non-zero exit, no status poll, no PUT", async () => {
            const f = await fake({ kickoff: { status: 403 } });
            const run = await runScript(f);
            expect(run.code, run.stderr).to.not.equal(0);
            expect(run.signal).to.equal(null);
            expect(f.problems).to.deep.equal([]);
            expect(f.kickoffs()).to.have.length(1);
            expect(f.statusPolls()).to.deep.equal([]);
            expect(f.puts()).to.deep.equal([]);
            expect(f.blob).to.equal(undefined);
        });

        it("a bookmark read answered 403: non-zero exit, no kick-off", async () => {
            const f = await fake({ bookmark: BOOKMARK, bookmarkGetStatus: 403 });
            const run = await runScript(f);
            expect(run.code, run.stderr).to.not.equal(0);
            expect(run.signal).to.equal(null);
            expect(f.problems).to.deep.equal([]);
            expect(f.storageRequests().map((r) => `${r.method} ${r.path}`)).to.deep.equal([`GET ${BLOB_PATH}`]);
            expect(f.fhirRequests()).to.deep.equal([]);
            expect(f.withFhirToken()).to.deep.equal([]);
            expect(f.blob).to.equal(BOOKMARK);
        });

        it("an identity endpoint that refuses the token: non-zero exit before any storage or FHIR request (no empty bearer token)", async () => {
            const f = await fake({ bookmark: BOOKMARK });
            const run = await runScript(f, { IDENTITY_HEADER: "wrong" });
            expect(run.code, run.stderr).to.not.equal(0);
            expect(run.signal).to.equal(null);
            expect(f.seen.every((r) => r.path === "/msi/token"), f.seen.map((r) => r.path).join(" ")).to.equal(true);
            expect(f.seen.length).to.be.greaterThan(0);
            expect(f.blob).to.equal(BOOKMARK);
        });

        it("an export still running after MAX_WAIT_SECONDS: non-zero exit on its own deadline, no PUT", async () => {
            const f = await fake({ status: () => running });
            const run = await runScript(f, { MAX_WAIT_SECONDS: "1", POLL_SECONDS: "1" });
            expect(run.code, run.stderr).to.not.equal(0);
            expect(run.signal).to.equal(null);
            expect(run.ms).to.be.below(15_000);
            expect(f.problems).to.deep.equal([]);
            expect(f.statusPolls().length).to.be.within(1, 3);
            expect(f.puts()).to.deep.equal([]);
            expect(f.blob).to.equal(undefined);
        });
    });

    describe("the FHIR token goes only to the FHIR service", () => {
        // The other origin is a live fake (another port on 127.0.0.1, answering like a finished export), so a script
        // that followed the status URL would be seen doing so; evil.example does not resolve, so for it only the main
        // fake's record and the exit code can tell. The userinfo case has the FHIR service at the root, as Azure's
        // FHIR URLs are: its status URL starts with FHIR_URL's text, yet curl would send it to the other origin.
        const cases: Array<{ what: string; fhirAt?: string; location: (main: FakeAzure, evil: FakeAzure) => string }> = [
            { what: "http://evil.example/status", location: () => "http://evil.example/status" },
            { what: "a FHIR-looking status URL on another origin", location: (_, evil) => `${evil.fhirUrl}${STATUS_BELOW}` },
            { what: "FHIR_URL's text followed by @other-origin (userinfo)", fhirAt: "", location: (main, evil) => `${main.fhirUrl}@127.0.0.1:${evil.port}${STATUS_BELOW}` },
        ];
        for (const c of cases) {
            it(`refuses a Content-Location of ${c.what}: non-zero exit, only the kick-off carried the FHIR token`, async () => {
                const evil = await fake({ fhirAt: c.fhirAt });
                const f = await fake({ fhirAt: c.fhirAt, kickoff: { status: 202, location: () => c.location(f, evil) } });
                const run = await runScript(f);
                expect(run.code, run.stderr).to.not.equal(0);
                expect(run.signal).to.equal(null);
                expect(f.problems).to.deep.equal([]);
                expect([...f.withFhirToken(), ...evil.withFhirToken()].map((r) => `${r.method} ${r.path}`)).to.deep.equal([`GET ${f.kickoffPath}`]);
                expect(f.statusPolls()).to.deep.equal([]);
                expect(evil.seen).to.deep.equal([]);
                expect(f.puts()).to.deep.equal([]);
                expect(f.blob).to.equal(undefined);
            });
        }
    });
});
