import { PolicyResource } from "@pulumi/policy";
import { UNKNOWN, dependsOn, enumEquals, objects, peek, present, prop, resourceKey } from "./common";
import { resourceRule, stackRule } from "./define";

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
        // The subnet's ID is unknown until the subnet exists: its presence is what counts.
        if (!present(r.props, "vnetConfiguration.infrastructureSubnetId")) report(`Container Apps environment "${r.name}" is not injected into a VNet`);
        if (prop(r.props, "vnetConfiguration.internal") !== true) report(`Container Apps environment "${r.name}" is not internal (it gets a public endpoint)`);
        if (enumEquals(r.props["publicNetworkAccess"], "Enabled")) report(`Container Apps environment "${r.name}" enables public network access`);
    },
});

/**
 * Container Apps environments send console and system logs one of three ways (appLogsConfiguration.destination;
 * learn.microsoft.com/azure/container-apps/log-options): "log-analytics" ships them with the workspace's shared key,
 * which the environment then holds (logAnalyticsConfiguration.sharedKey): a workspace-wide write credential outside
 * Entra ID and RBAC, refused anyway by a workspace with local authentication off (law-retention-and-local-auth;
 * learn.microsoft.com/azure/azure-monitor/logs/azure-ad-authentication-logs). "azure-monitor" sends them through a
 * diagnostic setting on the environment (phi-diagnostics-to-law requires one); "none", or no configuration, sends none.
 */
export const containerAppEnvLogsNoSharedKey = resourceRule({
    name: "containerapp-env-logs-no-shared-key",
    area: AREA,
    description: "Container Apps environments do not ship logs with a Log Analytics shared key: no \"log-analytics\" destination and no logAnalyticsConfiguration.sharedKey; \"azure-monitor\" (with a diagnostic setting to Log Analytics) or none complies.",
    severity: "medium",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "09.aa", "10.g"], azurePolicy: [], checkov: [] },
    types: ["app:ManagedEnvironment"],
    remediation: "Set appLogsConfiguration: { destination: \"azure-monitor\" } (no logAnalyticsConfiguration) and add a monitor:DiagnosticSetting on the environment with logs [{ categoryGroup: allLogs, enabled: true }] and workspaceId.",
    check: (r, _c, report) => {
        const destination = prop(r.props, "appLogsConfiguration.destination");
        if (enumEquals(destination, "log-analytics")) report(`Container Apps environment "${r.name}" sends its logs with the Log Analytics workspace's shared key (appLogsConfiguration.destination ${String(destination)}); use "azure-monitor" with a diagnostic setting`);
        // Set is enough (its value, a secret, is never read or echoed): an unknown key at preview is still a key.
        if (present(r.props, "appLogsConfiguration.logAnalyticsConfiguration.sharedKey")) report(`Container Apps environment "${r.name}" holds a Log Analytics shared key (appLogsConfiguration.logAnalyticsConfiguration.sharedKey)`);
    },
});

/** A value set and non-empty; an unknown one (a resource ID at preview) counts as set. */
const given = (v: unknown) => v === UNKNOWN || (typeof v === "string" ? v.trim() !== "" : v !== undefined && v !== null);

/**
 * Container apps and jobs pull images with a managed identity (registries[].identity: a user-assigned identity's
 * resource ID, or "system") and read secrets from Key Vault with one (secrets[].keyVaultUrl + identity), so the
 * program and the app's configuration hold no registry password or secret value
 * (learn.microsoft.com/azure/container-apps/managed-identity-image-pull, learn.microsoft.com/azure/container-apps/manage-secrets#reference-secret-from-key-vault).
 * A registry password is itself a secret (passwordSecretRef), and a plain secret value sits in the app's ARM
 * configuration, readable by anyone with listSecrets on the app.
 */
export const containerAppRegistryIdentity = resourceRule({
    name: "containerapp-registry-identity",
    area: AREA,
    description: "Container apps and jobs pull from every registry with a managed identity (no username or password secret) and keep no plain secret values: each secret is a Key Vault reference (keyVaultUrl + identity).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.c", "10.g"], azurePolicy: [], checkov: [] },
    types: ["app:ContainerApp", "app:Job"],
    remediation: "Give configuration.registries[] { server, identity: <user-assigned identity resource ID> } (with AcrPull on the registry) and no username/passwordSecretRef; give configuration.secrets[] { name, keyVaultUrl, identity } and no value.",
    check: (r, _c, report) => {
        const what = `${r.typeKey === "app:Job" ? "Container Apps job" : "container app"} "${r.name}"`;
        objects(prop(r.props, "configuration.registries")).forEach((reg, i) => {
            const server = peek(reg, "server");
            const label = typeof server === "string" && server !== "" ? `"${server}"` : `#${i + 1}`;
            if (!given(peek(reg, "identity"))) report(`${what} pulls from registry ${label} without a managed identity (registries[].identity)`);
            const credentials = ["username", "passwordSecretRef"].filter((k) => given(peek(reg, k)));
            if (credentials.length > 0) report(`${what} authenticates to registry ${label} with credentials (${credentials.join(", ")}) instead of a managed identity`);
        });
        objects(prop(r.props, "configuration.secrets")).forEach((secret, i) => secretProblems(what, secret, i, report));
    },
});

/** A secret's problems: a plain value, or a Key Vault reference without the URL or the identity to read it with. */
function secretProblems(what: string, secret: Record<string, unknown>, i: number, report: (m: string) => void): void {
    const name = peek(secret, "name");
    const label = typeof name === "string" && name !== "" ? `"${name}"` : `#${i + 1}`;
    if (present(secret, "value")) { report(`${what} keeps secret ${label} as a plain value; reference a Key Vault secret (keyVaultUrl + identity)`); return; }
    if (!given(peek(secret, "keyVaultUrl"))) report(`${what} secret ${label} references no Key Vault secret (keyVaultUrl unset)`);
    else if (!given(peek(secret, "identity"))) report(`${what} secret ${label} names no identity to read its Key Vault secret with (identity unset)`);
}

/** The registry of the stack a `registries[].server` names: by login server (`<name>.azurecr.io`), or, while the server is unknown, the one it is built from. */
function registryOf(server: unknown, app: PolicyResource, registries: PolicyResource[]): PolicyResource | undefined {
    if (typeof server === "string") {
        const host = server.trim().toLowerCase();
        return registries.find((g) => [g.props["loginServer"], typeof g.props["registryName"] === "string" ? `${g.props["registryName"]}.azurecr.io` : undefined]
            .some((s) => typeof s === "string" && s.toLowerCase() === host));
    }
    const built = registries.filter((g) => dependsOn(app, g, "configuration"));
    return built.length === 1 ? built[0] : undefined;
}

/**
 * Container Apps pulls with a managed identity (registries[].identity) using an Entra ID token with the ARM audience:
 * "Your Azure Container Registry must allow ARM audience tokens for authentication in order to use managed identity to
 * pull images" (learn.microsoft.com/azure/container-apps/managed-identity-image-pull). A registry with
 * `policies.azureADAuthenticationAsArmPolicy` disabled accepts registry-audience tokens only
 * (learn.microsoft.com/azure/container-registry/container-registry-disable-authentication-as-arm), so every pull fails
 * with 401 and a job never starts; the tempting fix, an admin-user password, is what containerapp-registry-identity
 * forbids. Judged for registries of the stack; an external registry's policy is not visible here.
 */
export const containerAppRegistryAcceptsIdentityPull = stackRule({
    name: "containerapp-registry-arm-tokens",
    area: AREA,
    description: "A container registry of the stack that container apps or jobs pull from with a managed identity accepts ARM-audience Entra ID tokens (policies.azureADAuthenticationAsArmPolicy not disabled), which Container Apps' identity pulls use.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "09.ab"], azurePolicy: [], checkov: [] },
    types: ["app:ContainerApp", "app:Job", "containerregistry:Registry"],
    remediation: "On the registry set policies.azureADAuthenticationAsArmPolicy: { status: \"enabled\" } (still Entra ID only: no admin user, no anonymous pull); FhirWorkspace does with containerRegistry.armAudienceTokens: true.",
    check: (resources, _c, report, exempt) => {
        const registries = resources.filter((r) => resourceKey(r) === "containerregistry:Registry");
        for (const app of resources.filter((r) => ["app:ContainerApp", "app:Job"].includes(resourceKey(r)))) {
            if (exempt(app)) continue;
            const what = `${resourceKey(app) === "app:Job" ? "Container Apps job" : "container app"} "${app.name}"`;
            for (const reg of objects(prop(app.props, "configuration.registries"))) {
                const identity = peek(reg, "identity");
                if (identity === undefined || identity === null || identity === "") continue;
                const registry = registryOf(peek(reg, "server"), app, registries);
                if (registry === undefined || exempt(registry)) continue;
                if (enumEquals(prop(registry.props, "policies.azureADAuthenticationAsArmPolicy.status"), "disabled")) {
                    report(`${what} pulls from registry "${registry.name}" with a managed identity, but the registry refuses ARM-audience tokens (policies.azureADAuthenticationAsArmPolicy disabled), the only kind Container Apps pulls with`, registry.urn);
                }
            }
        }
    },
});
