/**
 * Built-in Azure RBAC roles this product assigns, by display name. GUIDs are the same in every tenant
 * (learn.microsoft.com/azure/role-based-access-control/built-in-roles); the FHIR, DICOM and storage entries were
 * cross-checked against Microsoft's built-in role table and the fhir-loader / FHIR-Analytics-Pipelines templates.
 */
export const BUILT_IN_ROLES = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    "API Management Service Contributor": "312a565d-c81f-4fd8-895a-4e21e48d571c",
    "Azure Event Hubs Data Receiver": "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
    "Azure Event Hubs Data Sender": "2b629674-e913-4c01-ae53-ef4638d8f975",
    "Cognitive Services Language Reader": "7628b7b8-a8b2-4cdc-b46f-e9b35248918e",
    "Cognitive Services User": "a97b65f3-24c7-4388-baec-2e87135dc908",
    "DICOM Data Owner": "58a3b984-7adf-4c20-983a-32417c86fbc8",
    "DICOM Data Reader": "e89c7a3c-2f64-4fa1-a847-3e4c9ba4283a",
    "FHIR Data Contributor": "5a1fc7df-4bf1-4951-a576-89034ee01acd",
    "FHIR Data Converter": "a1705bd2-3a8f-45a5-8683-466fcfd5cc24",
    "FHIR Data Exporter": "3db33094-8700-4567-8da5-1501d4e7e843",
    "FHIR Data Importer": "4465e953-8ced-4406-a58e-0f6e3f3b530b",
    "FHIR Data Reader": "4c8d0bbc-75d3-4935-991f-5f3c56d81508",
    "FHIR Data Writer": "3f88fce4-5892-4214-ae73-ba5294559913",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Certificates Officer": "a4417e6f-fecd-4de8-b567-7b0420556985",
    "Key Vault Contributor": "f25e0fa2-a7c8-4377-a976-54943a77a395",
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Log Analytics Contributor": "92aaf0da-9dab-42b6-94a3-d43ce8d16293",
    "Log Analytics Reader": "73c42c96-874c-492b-b04d-ab87d138a893",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
    "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Storage Account Contributor": "17d1049b-9a84-46fb-8f53-869881c3d3ab",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "Storage Queue Data Message Sender": "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
    "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "Virtual Machine Administrator Login": "1c0163c0-47e6-4577-8991-ea5c82e286e4",
    "Virtual Machine User Login": "fb879df8-f326-4884-b1cf-06f3ad86be52",
} as const;
export type BuiltInRoleName = keyof typeof BUILT_IN_ROLES;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_DEFINITION_ID = /^(\/subscriptions\/[^/]+)?\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i;

/** Resolves a built-in role name, a role GUID or a full role definition ID to the role GUID; throws on anything else. */
export function roleGuid(roleDefinitionIdOrName: string): string {
    const byName = (BUILT_IN_ROLES as Record<string, string>)[roleDefinitionIdOrName];
    if (byName !== undefined) return byName;
    if (GUID.test(roleDefinitionIdOrName)) return roleDefinitionIdOrName.toLowerCase();
    const m = ROLE_DEFINITION_ID.exec(roleDefinitionIdOrName);
    if (m !== null && m[2] !== undefined && GUID.test(m[2])) return m[2].toLowerCase();
    throw new Error(`unknown role "${roleDefinitionIdOrName}": use a built-in role name (${Object.keys(BUILT_IN_ROLES).join(", ")}), a role GUID or a role definition ID`);
}
