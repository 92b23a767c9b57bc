import { resourceRule } from "./define";

/** Event Hubs (MedTech device ingestion). Network isolation is a stack-level rule (it spans the namespace and its rule set). */
const AREA = "event-hubs";

export const eventHubNoLocalAuth = resourceRule({
    name: "eventhub-no-local-auth",
    area: AREA,
    description: "Event Hubs namespaces refuse SAS keys: senders and readers authenticate with Entra ID.",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.q", "01.c"], azurePolicy: ["5d4e3c65"], checkov: [] },
    types: ["eventhub:Namespace"],
    remediation: "Set disableLocalAuth: true and grant Azure Event Hubs Data Sender/Receiver roles.",
    check: (r, _c, report) => { if (r.props["disableLocalAuth"] !== true) report(`Event Hubs namespace "${r.name}" allows SAS (local) authentication`); },
});

export const eventHubMinTls = resourceRule({
    name: "eventhub-min-tls-1-2",
    area: AREA,
    description: "Event Hubs namespaces refuse TLS below 1.2 (set explicitly, so the plan shows it).",
    severity: "high",
    enforcementLevel: "mandatory",
    controls: { hitrust: ["01.n", "09.y"], azurePolicy: [], checkov: ["CKV_AZURE_223"] },
    types: ["eventhub:Namespace"],
    remediation: "Set minimumTlsVersion: \"1.2\".",
    check: (r, _c, report) => {
        const v = r.props["minimumTlsVersion"];
        if (!["1.2", "1.3"].includes(String(v))) report(`Event Hubs namespace "${r.name}" minimumTlsVersion is ${v === undefined ? "unset" : String(v)}`);
    },
});
