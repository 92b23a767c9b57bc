import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// Only constructs the pack: `new PolicyPack` starts the analyzer gRPC server and prints its port, so tests import
// ./policies instead. The pack's version comes from ./package.json.
new PolicyPack("ahds-hipaa-hitrust", {
    description: "HIPAA/HITRUST-style guardrails for the ahds Azure Health Data Services platform",
    enforcementLevel: "mandatory",
    policies,
});
