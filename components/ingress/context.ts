import * as pulumi from "@pulumi/pulumi";
import { createDiagnosticSettings } from "../shared/diagnostics";
import { NamingArgs, resourceName } from "../shared/naming";
import { Placement } from "../shared/placement";
import { BulkUploadSettings } from "./bulkApi";
import { FhirApiCorsPolicy } from "./fhirApi";

/** What every Ingress block needs: naming, placement, tags, the central workspace, settings and shared names. */
export interface IngressContext extends Placement {
    /** Central Log Analytics workspace every diagnostic setting sends to. */
    law: pulumi.Input<string>;
    /** The args' settings with every default applied. */
    settings: IngressSettings;
    names: IngressNames;
}

/** The component's settings with every default applied (resolved once, in index.ts). */
export interface IngressSettings {
    /** Zones of both public IPs: all three when the stack is zone-redundant, else none. */
    publicZones: string[] | undefined;
    apimSku: string;
    apimCapacity: number;
    /** APIM's zones (Premium, zone-redundant stack only). */
    apimZones: string[] | undefined;
    publisherName: string;
    callsPerMinute: number;
    cors: FhirApiCorsPolicy;
    gw: { minCapacity: number; maxCapacity: number; hostName: string };
    /** The `/bulk` upload API, when configured. */
    bulk: BulkUploadSettings | undefined;
}

/**
 * Names computed up front, from naming alone: the gateway reaches APIM by its private host name, never by an APIM
 * output, so the gateway does not wait for the 30-40 minutes APIM takes to create.
 */
export interface IngressNames {
    apimName: pulumi.Output<string>;
    /** `<apim>.azure-api.net`, APIM's gateway host name (private in internal mode). */
    apimHost: pulumi.Output<string>;
    /** The gateway public IP's Azure DNS label. */
    agwDnsLabel: pulumi.Output<string>;
}

export function ingressNames(naming: NamingArgs): IngressNames {
    const apimName = resourceName("apiManagement", naming);
    return {
        apimName,
        apimHost: pulumi.interpolate`${apimName}.azure-api.net`,
        // The gateway's Azure DNS label: `<label>.<region>.cloudapp.azure.com` is unique per region across Azure, so the
        // label carries the stack suffix (a label of the gateway's name alone collides with every other deployment of
        // the defaults). The dev certificate's common name is the same FQDN.
        agwDnsLabel: resourceName("gatewayDnsLabel", naming),
    };
}

/** Diagnostic settings of one child to the central workspace, named `<name>-<key>-diag-law`. */
export function diag(parent: pulumi.ComponentResource, name: string, ctx: IngressContext, key: string, uri: pulumi.Input<string>): void {
    createDiagnosticSettings(`${name}-${key}`, uri, { law: { workspaceResourceId: ctx.law } }, { parent });
}
