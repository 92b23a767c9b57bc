import * as forge from "node-forge";

/**
 * PKCS#12 (PFX) for a key and certificate given as PEM, base64-encoded as Key Vault stores certificates in secrets
 * (`contentType: application/x-pkcs12`, no password), which Application Gateway reads by secret ID.
 *
 * Deterministic on purpose: the same PEMs always give the same bytes (no password, no MAC salt, localKeyId = SHA-1 of
 * the certificate), so the Key Vault secret holding it shows no diff on every `pulumi up`. The key and certificate
 * themselves come from @pulumi/tls resources, which keep them in state until the renewal window.
 * node-forge does the ASN.1/PKCS#12 encoding (Node's crypto has no PKCS#12 writer).
 */
export function pfxBase64(privateKeyPem: string, certificatePem: string, friendlyName: string): string {
    const key = forge.pki.privateKeyFromPem(privateKeyPem);
    const cert = forge.pki.certificateFromPem(certificatePem);
    const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], null, { generateLocalKeyId: true, friendlyName, useMac: false });
    return forge.util.encode64(forge.asn1.toDer(asn1).getBytes());
}
