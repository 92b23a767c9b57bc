import * as path from "path";
import { expect } from "chai";
import * as fs from "fs";
import { openPolicySession } from "../lib/offline/policyHost";
import { POLICY_DIR, evaluateInSession, readPolicyConfig } from "../lib/offline/policySessions";
import { ProgramRun, runProgram } from "../lib/offline/run";
import { PROJECT_DIR } from "../lib/offline/stackConfig";

/**
 * examples/fhir-only: a separate program that installs the component package by name ("ahds") and composes three of
 * its components on an existing hub. It runs here under the mocks (resolving "ahds" to the package's sources through
 * the `ahds-source` export condition; `npm run example:packed` runs it against the packed tarball) and goes through the
 * policy pack with the prod config, so the example cannot rot.
 */
const EXAMPLE = path.join(PROJECT_DIR, "examples", "fhir-only");
const POLICY_CONFIG = path.join(EXAMPLE, "policy.config.json");
// The example's own pack process starts when the spec loads, so its start-up overlaps the suites that run first.
const SESSION = openPolicySession({ packDir: POLICY_DIR, configFile: POLICY_CONFIG, project: "ahds-fhir-only", stack: "example", preview: false });
SESSION.catch(() => undefined);
after(async () => { try { await (await SESSION).close(); } catch { /* failed to start: reported by the test */ } });

describe("example consumer (examples/fhir-only)", () => {
    let run: ProgramRun;
    before(async () => {
        run = await runProgram({ stack: "example", projectDir: EXAMPLE, program: path.join(EXAMPLE, "index.ts") });
    });

    it("deploys a spoke, a private FHIR workspace and the ingress, attached to the given hub", () => {
        expect(run.error).to.equal(undefined);
        const components = run.graph.components.map((c) => c.type).sort();
        expect(components).to.deep.equal(["ahds:index:FhirWorkspace", "ahds:index:Ingress", "ahds:index:SpokeNetwork"]);
        expect(run.graph.byType("azure-native:network:AzureFirewall")).to.deep.equal([]);
        const peering = run.graph.plainInputs(run.graph.one("azure-native:network:VirtualNetworkPeering", "spoke-peer-spoke-to-hub"));
        expect(peering["remoteVirtualNetwork"]).to.deep.equal({ id: "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/rg-hub-prod/providers/Microsoft.Network/virtualNetworks/vnet-hub-prod" });
        // Every spoke table sends 0.0.0.0/0 to the hub's firewall, except the App Gateway subnet's: no routes (v2 takes
        // no default route to an appliance), only BGP propagation off (application-gateway/configuration-infrastructure).
        const tables = run.graph.byType("azure-native:network:RouteTable");
        const appGateway = run.graph.plainInputs(run.graph.one("azure-native:network:RouteTable", "spoke-rt-appGateway"));
        expect(appGateway).to.deep.include({ routes: [], disableBgpRoutePropagation: true });
        const routes = tables.filter((t) => t.name !== "spoke-rt-appGateway").map((t) => (run.graph.plainInputs(t)["routes"] as Array<Record<string, unknown>>)[0]);
        expect(routes).to.have.length(tables.length - 1);
        for (const r of routes) expect(r).to.deep.include({ addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.30.0.4" });
        expect(run.outputs?.["fhirBaseUrl"]).to.equal("https://fhir.example.org/fhir");
    });

    it("gates it with the prod pack config, except what a spoke-only stack leaves to the hub's team", () => {
        // The same rules and settings as prod; Defender plans are the hub subscription's (platformManaged).
        const prod = readPolicyConfig("prod");
        expect(JSON.parse(fs.readFileSync(POLICY_CONFIG, "utf8"))).to.deep.equal({ ...prod, "defender-plans-enabled": { platformManaged: true } });
    });

    it("passes the policy pack (its own analyzer process, as the engine runs it): no mandatory violation", async () => {
        const result = await evaluateInSession(await SESSION, run.graph);
        expect(result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
        expect(result.policies).to.be.greaterThan(60);
    });
});
