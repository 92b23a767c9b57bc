import { prop, publicAccessOpen } from "./common";
import { resourceRule } from "./define";

/** Azure AI (Cognitive Services) accounts, e.g. text analytics for health or de-identification. Settings nest under `properties`. */
const AREA = "cognitive-services";

export const cognitiveNoLocalAuth = resourceRule({
    name: "cognitive-no-local-auth",
    area: AREA,
    description: "Azure AI services accounts refuse API keys: callers authenticate with Entra ID.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.c"], azurePolicy: ["71ef260a"], checkov: ["CKV_AZURE_236"] },
    types: ["cognitiveservices:Account"],
    remediation: "Set properties.disableLocalAuth: true.",
    check: (r, _c, report) => { if (prop(r.props, "properties.disableLocalAuth") !== true) report(`AI services account "${r.name}" allows key (local) authentication`); },
});

export const cognitivePrivateOnly = resourceRule({
    name: "cognitive-private-only",
    area: AREA,
    description: "Azure AI services accounts refuse public network access (PHI sent for analysis stays on private endpoints).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.ab"], azurePolicy: ["0725b4dd", "037eea7a"], checkov: ["CKV_AZURE_134"] },
    types: ["cognitiveservices:Account"],
    remediation: "Set properties.publicNetworkAccess: \"Disabled\" and add a private endpoint (group account).",
    check: (r, _c, report) => {
        const open = publicAccessOpen(r.props, "properties.publicNetworkAccess");
        if (open !== undefined) report(`AI services account "${r.name}" has publicNetworkAccess ${open}`);
    },
});
