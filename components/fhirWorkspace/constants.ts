/** Private DNS zones and container names the component's blocks and its validation share. */

/** Zones of the `healthcareworkspace` private endpoint (learn.microsoft.com/azure/private-link/private-endpoint-dns, Health Data Services). */
export const WORKSPACE_ZONES = [
    "privatelink.workspace.azurehealthcareapis.com",
    "privatelink.fhir.azurehealthcareapis.com",
    "privatelink.dicom.azurehealthcareapis.com",
];
export const BLOB_ZONE = "privatelink.blob.core.windows.net";
export const ACR_ZONE = "privatelink.azurecr.io";
export const EVENTHUB_ZONE = "privatelink.servicebus.windows.net";

/** Container names the FHIR service uses: `$export?_container=export`; anonymization configs must be in `anonymization`. */
export const IMPORT_CONTAINER = "import";
export const EXPORT_CONTAINER = "export";
export const ANONYMIZATION_CONTAINER = "anonymization";
