import { expect } from "chai";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID } from "../lib/offline/mocks";
import { promiseOf, settle } from "../lib/offline/outputs";
import { runInStack } from "../lib/offline/run";
import { remediates } from "../lib/offline/policyHost";

describe("harness mocks", () => {
    it("answers getClientConfig with the mock tenant and subscription", async () => {
        let tenant: string | undefined;
        const { error } = await runInStack(async () => {
            const c = authorization.getClientConfigOutput();
            tenant = await promiseOf(c.tenantId);
            expect(await promiseOf(c.subscriptionId)).to.equal(MOCK_SUBSCRIPTION_ID);
        });
        expect(error).to.equal(undefined);
        expect(tenant).to.equal(MOCK_TENANT_ID);
    });
    it("fails the run on any invoke it does not mock", async () => {
        const { error } = await runInStack(async () => {
            await resources.getResourceGroup({ resourceGroupName: "rg-elsewhere" });
        });
        expect(String(error)).to.include("unmocked invoke azure-native:resources:getResourceGroup");
    });
    it("settle() reports outputs that stay unknown in preview instead of hanging", async () => {
        let seen: { known: boolean } | undefined;
        await runInStack(async () => {
            const rg = new resources.ResourceGroup("rg", { resourceGroupName: "rg-x", location: "westeurope" });
            // `managedBy` is not an input, so the mock returns no value for it: unknown in preview.
            seen = await settle(rg.managedBy, 100);
        }, { preview: true });
        expect(seen).to.deep.equal({ known: false });
    });
});

describe("policy host: when Remediate is sent", () => {
    // @pulumi/policy runs remediateResource only for policies at level "remediate" (server.js makeRemediateRpcFun):
    // with none configured so, the answer is empty and the host sends Analyze alone.
    it("only when some policy is configured at level remediate", () => {
        expect(remediates(new Map([["a", "mandatory"], ["b", "advisory"], ["c", "disabled"]]))).to.equal(false);
        expect(remediates(new Map([["a", "mandatory"], ["b", "remediate"]]))).to.equal(true);
        expect(remediates(new Map())).to.equal(false);
    });
});
