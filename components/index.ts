/**
 * ahds: Pulumi components for a HIPAA/HITRUST-aligned Azure Health Data Services platform.
 *
 * This module exports the package's ComponentResources (type tokens `ahds:index:<ClassName>`); the language host
 * discovers them from here when the folder is consumed as a source-based plugin (PulumiPlugin.yaml).
 * The shared building blocks (naming, tags, private endpoint + DNS, diagnostics, role assignments, locks) live in
 * ./shared and are imported by each component; components never import each other.
 *
 * Components are added by the architecture issues: HubSecurity, SpokeNetwork, FhirWorkspace, Ingress, BulkLoader,
 * AnalyticsSync.
 */
export { HubSecurity } from "./hubSecurity";
export { SpokeNetwork } from "./spokeNetwork";
export { FhirWorkspace } from "./fhirWorkspace";
export { Ingress } from "./ingress";
