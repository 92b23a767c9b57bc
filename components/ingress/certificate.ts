import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as tls from "@pulumi/tls";
import { resourceName } from "../shared/naming";
import { createRoleAssignments } from "../shared/roleAssignment";
import { pfxBase64 } from "../shared/selfSignedPfx";
import { parseResourceId } from "../shared/workspace";
import { IngressCertificateArgs } from "./args";
import { IngressContext } from "./context";

/** What the gateway needs to present its certificate. */
export interface GatewayCertificate {
    /** The user-assigned identity the gateway reads the secret with. */
    identity: managedidentity.UserAssignedIdentity;
    /** Versionless Key Vault secret ID of the certificate. */
    secretId: pulumi.Output<string>;
    /** The generated secret (if any) and the identity's role on it: the gateway waits for both. */
    dependencies: pulumi.Resource[];
}

/** The gateway's certificate: Key Vault, versionless, read by a user-assigned identity. */
export function createGatewayCertificate(parent: pulumi.ComponentResource, name: string, ctx: IngressContext, certificate: IngressCertificateArgs): GatewayCertificate {
    const { naming, rg, location, tags } = ctx;
    const { hostName } = ctx.settings.gw;
    const child = { parent };
    const identity = new managedidentity.UserAssignedIdentity(`${name}-id-agw`, {
        resourceName: resourceName("userAssignedIdentity", naming, "agw"),
        resourceGroupName: rg,
        location,
        tags,
    }, child);
    const vaultId = certificate.keyVaultResourceId;
    let secretId: pulumi.Output<string>;
    const dependencies: pulumi.Resource[] = [];
    if (certificate.keyVaultSecretId !== undefined) {
        secretId = pulumi.output(certificate.keyVaultSecretId);
    } else {
        // Dev: a self-signed certificate. @pulumi/tls keeps key and certificate in state (renewed in the last 30 days
        // of its year), and the PFX built from them is byte-identical on every run, so there is no perpetual diff.
        const commonName = hostName !== "" ? pulumi.output(hostName) : pulumi.interpolate`${ctx.names.agwDnsLabel}.${location}.cloudapp.azure.com`;
        const key = new tls.PrivateKey(`${name}-tls-key`, { algorithm: "RSA", rsaBits: 2048 }, child);
        const cert = new tls.SelfSignedCert(`${name}-tls-cert`, {
            privateKeyPem: key.privateKeyPem,
            subject: { commonName, organization: "ahds self-signed (dev)" },
            dnsNames: [commonName],
            validityPeriodHours: 24 * 365,
            earlyRenewalHours: 24 * 30,
            allowedUses: ["key_encipherment", "digital_signature", "server_auth"],
        }, child);
        const vault = pulumi.output(vaultId).apply(parseResourceId);
        const secret = new keyvault.Secret(`${name}-tls-secret`, {
            secretName: "gateway-tls",
            vaultName: vault.name,
            resourceGroupName: vault.resourceGroupName,
            properties: {
                value: pulumi.secret(pulumi.all([key.privateKeyPem, cert.certPem]).apply(([k, c]) => pfxBase64(k, c, "gateway-tls"))),
                contentType: "application/x-pkcs12",
            },
            tags,
        }, { parent, additionalSecretOutputs: ["properties"] });
        dependencies.push(secret);
        secretId = pulumi.interpolate`${certificate.keyVaultUri ?? ""}secrets/gateway-tls`;
    }
    const secretName = secretId.apply((s) => s.split("/").pop() ?? "");
    const [reader] = Object.values(createRoleAssignments(`${name}-agw-kv`, pulumi.interpolate`${vaultId}/secrets/${secretName}`, {
        gateway: { roleDefinitionIdOrName: "Key Vault Secrets User", principalId: identity.principalId, description: "Application Gateway reads its TLS certificate (this secret only)" },
    }, child));
    if (reader !== undefined) dependencies.push(reader);
    return { identity, secretId, dependencies };
}
