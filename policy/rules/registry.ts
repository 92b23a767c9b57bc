import { enumEquals, prop, publicAccessOpen } from "./common";
import { resourceRule } from "./define";

const AREA = "container-registry";

export const acrNoLocalAuth = resourceRule({
    name: "acr-no-local-or-anonymous-auth",
    area: AREA,
    description: "Container registries have no admin user and no anonymous pull: every pull and push is an Entra ID identity.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.c", "01.q"], azurePolicy: ["dc921057", "9f2dea28"], checkov: ["CKV_AZURE_137", "CKV_AZURE_138"] },
    types: ["containerregistry:Registry"],
    remediation: "Set adminUserEnabled: false and anonymousPullEnabled: false.",
    check: (r, _c, report) => {
        if (r.props["adminUserEnabled"] === true) report(`registry "${r.name}" enables the admin user`);
        if (r.props["anonymousPullEnabled"] === true) report(`registry "${r.name}" allows anonymous pull`);
    },
});

export const acrPrivateOnly = resourceRule({
    name: "acr-private-only",
    area: AREA,
    description: "Container registries are Premium with public network access disabled (private endpoint only).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "01.o", "09.ab", "09.w"], azurePolicy: ["0fdf0491", "d0793b48"], checkov: ["CKV_AZURE_139"] },
    types: ["containerregistry:Registry"],
    remediation: "Use sku Premium, publicNetworkAccess: \"Disabled\", and a private endpoint (group registry).",
    check: (r, _c, report) => {
        if (!enumEquals(prop(r.props, "sku.name"), "Premium")) report(`registry "${r.name}" is not Premium (private endpoints need Premium)`);
        const open = publicAccessOpen(r.props);
        if (open !== undefined) report(`registry "${r.name}" has publicNetworkAccess ${open}`);
    },
});
