import { expect } from "chai";
import { PolicyResource } from "@pulumi/policy";
import { containerAppRegistryAcceptsIdentityPull } from "../policy/rules/containerapps";
import { checkStack, policyResources, stackResource as res } from "./harness/policyArgs";
import { UNKNOWN } from "../lib/offline/values";
import { sharedProgramRun } from "../lib/offline/run";

/**
 * containerapp-registry-arm-tokens: Container Apps pulls with a managed identity using an ARM-audience token, so a
 * registry it pulls from must accept them ("Your Azure Container Registry must allow ARM audience tokens for
 * authentication in order to use managed identity to pull images", learn.microsoft.com/azure/container-apps/
 * managed-identity-image-pull).
 */
const ARM = (status: string) => ({ policies: { azureADAuthenticationAsArmPolicy: { status } } });
const IDENTITY = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-exp";
const REFUSED = (app: string, registry: string) =>
    `${app} pulls from registry "${registry}" with a managed identity, but the registry refuses ARM-audience tokens (policies.azureADAuthenticationAsArmPolicy disabled), the only kind Container Apps pulls with`;

for (const stack of ["dev", "prod"]) {
    describe(`containerapp-registry-arm-tokens on the ${stack} graph`, () => {
        let rs: PolicyResource[];
        before(async () => { rs = policyResources((await sharedProgramRun(stack)).graph); });

        it("passes: the export job pulls from the platform registry, which accepts ARM-audience tokens", () => {
            expect(checkStack(containerAppRegistryAcceptsIdentityPull, rs)).to.deep.equal([]);
        });
        it("fails when the registry accepts registry-audience tokens only", () => {
            const mutated = rs.map((r) => (r.name === "fhir-acr" ? { ...r, props: { ...r.props, ...ARM("disabled") } } : r));
            expect(checkStack(containerAppRegistryAcceptsIdentityPull, mutated)).to.deep.equal([REFUSED(`Container Apps job "analytics-export"`, "fhir-acr")]);
        });
    });
}

describe("containerapp-registry-arm-tokens (edge cases)", () => {
    const acr = (props: Record<string, unknown>) => res("containerregistry:Registry", "acr", { registryName: "crahdsdev", ...props });
    const job = (registries: unknown, deps: Record<string, PolicyResource[]> = {}) => res("app:Job", "job", { configuration: { registries } }, deps);
    const pull = (server: unknown, identity: unknown = IDENTITY) => [{ server, identity }];
    const v = (...rs: PolicyResource[]) => checkStack(containerAppRegistryAcceptsIdentityPull, rs);

    it("passes a registry with the policy enabled, or unset (Azure's default accepts ARM tokens), or unknown", () => {
        expect(v(acr(ARM("enabled")), job(pull("crahdsdev.azurecr.io")))).to.deep.equal([]);
        expect(v(acr({}), job(pull("crahdsdev.azurecr.io")))).to.deep.equal([]);
        expect(v(acr({ policies: UNKNOWN }), job(pull("crahdsdev.azurecr.io")))).to.deep.equal([]);
    });
    it("fails a job or an app pulling with an identity, the login server matched in any case or by the registry's loginServer", () => {
        expect(v(acr(ARM("Disabled")), job(pull("CRAHDSDEV.azurecr.io")))).to.deep.equal([REFUSED(`Container Apps job "job"`, "acr")]);
        expect(v(acr({ ...ARM("disabled"), registryName: UNKNOWN, loginServer: "crahdsdev.azurecr.io" }), job(pull("crahdsdev.azurecr.io")))).to.deep.equal([REFUSED(`Container Apps job "job"`, "acr")]);
        const app = res("app:ContainerApp", "agent", { configuration: { registries: pull("crahdsdev.azurecr.io", "system") } });
        expect(v(acr(ARM("disabled")), app)).to.deep.equal([REFUSED(`container app "agent"`, "acr")]);
    });
    it("at a first preview finds the registry an unknown server is built from, and only that one", () => {
        const registry = acr(ARM("disabled"));
        expect(v(registry, job(pull(UNKNOWN), { configuration: [registry] }))).to.deep.equal([REFUSED(`Container Apps job "job"`, "acr")]);
        expect(v(registry, job(pull(UNKNOWN)))).to.deep.equal([]);
    });
    it("leaves alone pulls without an identity (containerapp-registry-identity reports those), other registries and exempted resources", () => {
        expect(v(acr(ARM("disabled")), job([{ server: "crahdsdev.azurecr.io" }]))).to.deep.equal([]);
        expect(v(acr(ARM("disabled")), job(pull("crahdsdev.azurecr.io", "")))).to.deep.equal([]);
        expect(v(acr(ARM("disabled")), job(pull("mcr.microsoft.com")))).to.deep.equal([]);
        const exempt = (resourceName: string) => ({ exemptions: [{ resourceName, justification: "test: pulled with a registry-scoped token" }] });
        expect(checkStack(containerAppRegistryAcceptsIdentityPull, [acr(ARM("disabled")), job(pull("crahdsdev.azurecr.io"))], exempt("job"))).to.deep.equal([]);
        expect(checkStack(containerAppRegistryAcceptsIdentityPull, [acr(ARM("disabled")), job(pull("crahdsdev.azurecr.io"))], exempt("acr"))).to.deep.equal([]);
    });
});
