import { nsgRuleProblems } from "../shared/nsgRules";
import { addressPlanProblems } from "../shared/subnets";
import { SpokeNetworkArgs } from "./args";
import { SUBNETS, SpokeSubnetKey, spokeNsgRules } from "./nsgRules";

/** Plain-value validation of the whole component, before any child is created. */
export function spokeNetworkProblems(args: SpokeNetworkArgs): string[] {
    const p = addressPlanProblems("addressSpace", args.addressSpace, (Object.keys(SUBNETS) as SpokeSubnetKey[]).map((k) => ({
        label: `subnets.${k}`, cidr: args.subnets[k], purpose: SUBNETS[k].purpose,
    }))).map((x) => `${x.label}: ${x.message}`);
    const rules = spokeNsgRules(args.subnets, args.appGatewayInboundSources ?? ["Internet"], args.eventHubsOverPrivateEndpoint === true, args.sqlOverPrivateEndpoint === true);
    for (const k of Object.keys(rules) as SpokeSubnetKey[]) p.push(...nsgRuleProblems(`nsg.${k}`, rules[k]));
    if ((args.appGatewayInboundSources ?? ["Internet"]).length === 0) p.push("appGatewayInboundSources must not be empty (use a CIDR list to restrict)");
    if (args.flowLogs?.enabled === true && args.flowLogStorageAccountResourceId === undefined) p.push("flowLogStorageAccountResourceId is required when flow logs are enabled");
    for (const zone of Object.keys(args.privateDnsZoneIds ?? {})) if (!/^privatelink\.[a-z0-9.-]+[a-z]$/.test(zone)) p.push(`privateDnsZoneIds: "${zone}" is not a privatelink zone name`);
    return p;
}
