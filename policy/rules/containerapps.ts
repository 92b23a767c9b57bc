import { enumEquals, prop } from "./common";
import { resourceRule } from "./define";

/** Container Apps (the FHIR-to-Data-Lake sync and loader jobs run here): private environments, HTTPS-only ingress. */
const AREA = "container-apps";

export const containerAppInternalIngress = resourceRule({
    name: "containerapp-internal-ingress",
    area: AREA,
    description: "Container apps expose ingress only inside the VNet, never to the internet.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n"], azurePolicy: ["783ea2a8"], checkov: [] },
    types: ["app:ContainerApp"],
    remediation: "Set configuration.ingress.external: false (or omit ingress for apps that only call out).",
    check: (r, _c, report) => { if (prop(r.props, "configuration.ingress.external") === true) report(`container app "${r.name}" has external ingress`); },
});

export const containerAppNoInsecureIngress = resourceRule({
    name: "containerapp-no-insecure-ingress",
    area: AREA,
    description: "Container app ingress refuses plain HTTP.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.y"], azurePolicy: ["0e80e269"], checkov: [] },
    types: ["app:ContainerApp"],
    remediation: "Leave configuration.ingress.allowInsecure unset or false.",
    check: (r, _c, report) => { if (prop(r.props, "configuration.ingress.allowInsecure") === true) report(`container app "${r.name}" accepts plain HTTP`); },
});

export const containerAppEnvInternal = resourceRule({
    name: "containerapp-env-internal-vnet",
    area: AREA,
    description: "Container Apps environments are injected into a VNet subnet as internal environments (no public load balancer) and do not enable public network access.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.m", "01.n", "09.m"], azurePolicy: ["8b346db6", "d074ddf8"], checkov: [] },
    types: ["app:ManagedEnvironment"],
    remediation: "Set vnetConfiguration { infrastructureSubnetId, internal: true }; leave publicNetworkAccess unset or \"Disabled\".",
    check: (r, _c, report) => {
        if (prop(r.props, "vnetConfiguration.infrastructureSubnetId") === undefined) report(`Container Apps environment "${r.name}" is not injected into a VNet`);
        if (prop(r.props, "vnetConfiguration.internal") !== true) report(`Container Apps environment "${r.name}" is not internal (it gets a public endpoint)`);
        if (enumEquals(r.props["publicNetworkAccess"], "Enabled")) report(`Container Apps environment "${r.name}" enables public network access`);
    },
});
