import * as pulumi from "@pulumi/pulumi";
import * as eventhub from "@pulumi/azure-native/eventhub";
import * as healthcareapis from "@pulumi/azure-native/healthcareapis";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { resourceName } from "../shared/naming";
import { createPrivateEndpoints } from "../shared/privateEndpoint";
import { createRoleAssignments } from "../shared/roleAssignment";
import { EVENTHUB_ZONE } from "./constants";
import { FhirWorkspaceContext, lawDiagnostics, statefulOptions, zoneId } from "./context";
import { MedTechSettings } from "./defaults";

/**
 * MedTech: private Event Hubs → IoT connector → this FHIR service. Creates the namespace (rule set, diagnostics,
 * private endpoint), the device hub and its consumer group, the IoT connector with its FHIR destination, the
 * connector's roles and diagnostics. Returns the namespace FQDN devices send to.
 */
export function createMedTech(
    parent: pulumi.ComponentResource,
    name: string,
    ctx: FhirWorkspaceContext,
    workspace: healthcareapis.Workspace,
    fhir: healthcareapis.FhirService,
    medtech: MedTechSettings,
): pulumi.Output<string> {
    const child: pulumi.CustomResourceOptions = { parent };
    const { rg, location, tags } = ctx;
    const ns = new eventhub.Namespace(`${name}-evhns`, {
        namespaceName: resourceName("eventHubNamespace", ctx.naming, "mt"),
        resourceGroupName: rg,
        location,
        sku: { name: "Standard", tier: "Standard", capacity: 1 },
        // Entra ID only: no SAS keys for device data (Azure Policy 5d4e3c65, local auth disabled).
        disableLocalAuth: true,
        minimumTlsVersion: "1.2",
        zoneRedundant: ctx.zoneRedundant,
        // MedTech is outside the VNet and reads as a trusted Azure service; nothing else gets past the firewall.
        publicNetworkAccess: "Enabled",
        tags,
    }, child);
    new eventhub.NamespaceNetworkRuleSet(`${name}-evhns-network`, {
        namespaceName: ns.name,
        resourceGroupName: rg,
        defaultAction: "Deny",
        publicNetworkAccess: "Enabled",
        trustedServiceAccessEnabled: true,
        ipRules: [],
        virtualNetworkRules: [],
    }, child);
    lawDiagnostics(parent, name, ctx, "evhns", ns.id);
    createPrivateEndpoints(`${name}-evhns`, { id: ns.id, name: ns.name, resourceGroupName: rg, location, tags }, {
        namespace: { subnetResourceId: ctx.peSubnet, service: "namespace", privateDnsZoneResourceIds: [zoneId(ctx, EVENTHUB_ZONE)] },
    }, child);
    const hub = new eventhub.EventHub(`${name}-evh-devicedata`, {
        eventHubName: "devicedata",
        namespaceName: ns.name,
        resourceGroupName: rg,
        partitionCount: medtech.partitions,
        messageRetentionInDays: medtech.retentionDays,
    }, child);
    const consumerGroup = new eventhub.ConsumerGroup(`${name}-evh-medtech`, {
        consumerGroupName: "medtech",
        eventHubName: hub.name,
        namespaceName: ns.name,
        resourceGroupName: rg,
    }, child);
    const medtechNamespace = pulumi.interpolate`${ns.name}.servicebus.windows.net`;
    const connector = new healthcareapis.IotConnector(`${name}-medtech`, {
        iotConnectorName: medtech.name,
        workspaceName: workspace.name,
        resourceGroupName: rg,
        location,
        identity: { type: "SystemAssigned" },
        ingestionEndpointConfiguration: { eventHubName: hub.name, consumerGroup: consumerGroup.name, fullyQualifiedEventHubNamespace: medtechNamespace },
        deviceMapping: { content: JSON.parse(medtech.deviceMapping) as unknown },
        tags,
    }, statefulOptions(parent, ctx));
    new healthcareapis.IotConnectorFhirDestination(`${name}-medtech-fhir`, {
        fhirDestinationName: "fhir",
        iotConnectorName: connector.name,
        workspaceName: workspace.name,
        resourceGroupName: rg,
        location,
        fhirServiceResourceId: fhir.id,
        resourceIdentityResolutionType: medtech.resolution,
        fhirMapping: { content: JSON.parse(medtech.fhirMapping) as unknown },
    }, child);
    const connectorPrincipal = connector.identity.apply((i) => i?.principalId ?? "");
    createRoleAssignments(`${name}-medtech-evh`, hub.id, {
        medtech: { roleDefinitionIdOrName: "Azure Event Hubs Data Receiver", principalId: connectorPrincipal, description: "MedTech reads device events" },
    }, child);
    createRoleAssignments(`${name}-medtech-fhir`, fhir.id, {
        medtech: { roleDefinitionIdOrName: "FHIR Data Writer", principalId: connectorPrincipal, description: "MedTech writes Observations, Devices and Patients" },
    }, child);
    createDiagnosticSettings(`${name}-medtech`, connector.id, { law: { workspaceResourceId: ctx.law } }, child);
    return medtechNamespace;
}
