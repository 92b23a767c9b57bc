import { expect } from "chai";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID } from "./harness/mocks";
import { promiseOf, settle } from "./harness/outputs";
import { runInStack } from "./harness/run";

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
