import { expect } from "chai";
import { contains, overlaps, parseCidr } from "../components/shared/cidr";
import { SUBNET_MINIMUMS } from "../components/shared/subnets";
import { overlapsDnsResolverReservedRange } from "../components/hubSecurity/hybridRules";
import { AddressPlan, HUB_ROLES, SPOKE_ROLES, deriveAddressPlan, minimumPrefix } from "../lib/addressPlan";
import { crossFieldProblems } from "../lib/crossChecks";
import { loadStackConfig } from "../lib/offline/stackConfig";

/** The plan as stack config (`hub.firewallSubnet` → CIDR), optionally with the reserved hybrid subnets. */
function asConfig(plan: AddressPlan, hybrid = false): Record<string, string> {
    return {
        "hub.addressSpace": plan.hub.addressSpace, ...plan.hub.subnets, ...(hybrid ? plan.hub.reserved : {}),
        "spoke.addressSpace": plan.spoke.addressSpace, ...plan.spoke.subnets,
    };
}

/** Every problem the config check finds in prod's configuration with this plan, at the largest App Gateway and APIM sizes. */
function validatorProblems(plan: AddressPlan, hybrid = false): string[] {
    const prod = loadStackConfig("prod").config;
    const raw: Record<string, string> = { ...Object.fromEntries(Object.entries(prod).map(([k, v]) => [k.replace(/^ahds:/, ""), v])), ...asConfig(plan, hybrid) };
    // The largest sizes the schema allows: 125 gateway instances, 12 Premium APIM units.
    Object.assign(raw, { "appGateway.maxCapacity": "125", "apim.capacity": "12" });
    if (!hybrid) Object.assign(raw, { "hybrid.type": "none", "hybrid.sku": "", "hybrid.onPremisesPrefixes": "", "hybrid.vpnPeerIpAddress": "", "hybrid.onPremisesBgpAsn": "0", "hybrid.onPremisesBgpPeeringAddress": "", "hub.gatewaySubnet": "", "hub.dnsResolverInboundSubnet": "" });
    // On-premises prefixes that overlap no VNet of the plans below (198.18.0.0/15: RFC 2544 benchmarking).
    if (hybrid) Object.assign(raw, { "hybrid.onPremisesPrefixes": "198.18.0.0/15", "hybrid.onPremisesBgpPeeringAddress": "198.18.255.1" });
    return crossFieldProblems((k) => raw[k]).map((p) => `${p.key}: ${p.message}`);
}

const must = (input: Parameters<typeof deriveAddressPlan>[0]): AddressPlan => {
    const r = deriveAddressPlan(input);
    if (r.plan === undefined) throw new Error(`no plan for ${JSON.stringify(input)}: ${JSON.stringify(r.problems)}`);
    return r.plan;
};

describe("address plan (lib/addressPlan.ts)", () => {
    it("gives every subnet at least the size Azure requires (SUBNET_MINIMUMS, what the config check enforces)", () => {
        for (const r of [...HUB_ROLES, ...SPOKE_ROLES]) {
            const rule = SUBNET_MINIMUMS[r.purpose];
            expect(r.prefix, r.key).to.be.at.most(rule.maxPrefix);
            if ("minPrefix" in rule) expect(r.prefix, r.key).to.be.at.least(rule.minPrefix);
        }
        // Every subnet key of the config is planned (the firewall management subnet is optional and left out).
        const keys = Object.keys(loadStackConfig("prod").config).map((k) => k.replace(/^ahds:/, "")).filter((k) => /^(hub|spoke)\.\w+Subnet$/.test(k) && k !== "hub.firewallManagementSubnet");
        expect([...HUB_ROLES, ...SPOKE_ROLES].map((r) => r.key)).to.include.members(keys);
    });

    it("reproduces prod's hand-written plan from its address spaces (readable layout: one /24 row per group)", () => {
        const prod = loadStackConfig("prod").config;
        const plan = must({ addressSpace: prod["ahds:spoke.addressSpace"] ?? "", hubAddressSpace: prod["ahds:hub.addressSpace"] ?? "" });
        expect(plan.hub.layout).to.equal("rows");
        const expected = Object.fromEntries(Object.keys(asConfig(plan, true)).map((k) => [k, prod[`ahds:${k}`]]));
        expect(asConfig(plan, true)).to.deep.equal(expected);
    });

    it("splits one address space: the hub in its first /22, the spoke in the /20 after it, the rest left in one piece", () => {
        const plan = must({ addressSpace: "10.40.0.0/16" });
        expect([plan.hub.addressSpace, plan.spoke.addressSpace]).to.deep.equal(["10.40.0.0/22", "10.40.16.0/20"]);
        expect(plan.spoke.subnets).to.deep.equal({
            "spoke.appGatewaySubnet": "10.40.16.0/24", "spoke.apimSubnet": "10.40.17.0/27", "spoke.privateEndpointSubnet": "10.40.18.0/24",
            "spoke.functionIntegrationSubnet": "10.40.19.0/26", "spoke.containerAppsSubnet": "10.40.20.0/26",
        });
        // A /21, the smallest that holds both: two /22s, the spoke packed.
        const small = must({ addressSpace: "10.40.0.0/21" });
        expect([small.hub.addressSpace, small.spoke.addressSpace, small.spoke.layout]).to.deep.equal(["10.40.0.0/22", "10.40.4.0/22", "packed"]);
    });

    it("packs the smallest VNets the subnets fit in: a /24 hub (with the hybrid subnets reserved) and a /22 spoke", () => {
        expect([minimumPrefix(HUB_ROLES.filter((r) => r.hybrid !== true)), minimumPrefix(SPOKE_ROLES)]).to.deep.equal([24, 22]);
        const plan = must({ addressSpace: "10.42.0.0/22", hubAddressSpace: "10.41.0.0/24" });
        expect(plan.hub).to.deep.include({ layout: "packed", reserved: { "hub.gatewaySubnet": "10.41.0.192/27", "hub.dnsResolverInboundSubnet": "10.41.0.224/28" } });
        expect(plan.spoke.layout).to.equal("packed");
        expect(validatorProblems(plan)).to.deep.equal([]);
        expect(validatorProblems(plan, true)).to.deep.equal([]);
    });

    it("keeps the DNS resolver's reserved subnet out of 10.0.1.0-10.0.16.255 (dev's hub 10.0.0.0/22)", () => {
        const plan = must({ addressSpace: "10.1.0.0/20", hubAddressSpace: "10.0.0.0/22" });
        expect(plan.hub.reserved).to.deep.equal({ "hub.gatewaySubnet": "10.0.2.0/27", "hub.dnsResolverInboundSubnet": "10.0.0.128/28" });
        // A hub entirely inside the reserved range cannot have one; the plan says why instead.
        const inside = must({ addressSpace: "10.1.0.0/20", hubAddressSpace: "10.0.4.0/24" });
        expect(inside.hub.reserved).to.deep.equal({ "hub.gatewaySubnet": "10.0.4.192/27" });
        expect(inside.hub.unreserved["hub.dnsResolverInboundSubnet"]).to.include("10.0.1.0-10.0.16.255");
    });

    it("derives, for address spaces of every size and alignment it accepts, a plan the config check accepts, inside its VNets and without overlaps", () => {
        const inputs: Array<{ addressSpace: string; hubAddressSpace?: string }> = [];
        for (const p of [8, 12, 16, 18, 19, 20, 21]) inputs.push({ addressSpace: `10.${p === 8 ? 0 : 64}.0.0/${p}` }, { addressSpace: `172.16.0.0/${Math.max(p, 12)}` });
        for (const [spoke, hub] of [["10.42.0.0/22", "10.41.0.0/24"], ["10.42.0.0/21", "10.41.0.0/23"], ["10.42.8.0/21", "10.41.4.0/22"], ["192.168.0.0/16", "10.9.0.0/16"], ["100.64.0.0/20", "100.64.16.0/22"]]) inputs.push({ addressSpace: spoke ?? "", hubAddressSpace: hub ?? "" });
        for (const input of inputs) {
            const plan = must(input);
            const label = JSON.stringify(input);
            expect(validatorProblems(plan), label).to.deep.equal([]);
            expect(validatorProblems(plan, true), `${label} (hybrid)`).to.deep.equal([]);
            const space = parseCidr(input.addressSpace);
            const hubSpace = parseCidr(input.hubAddressSpace ?? input.addressSpace);
            if (typeof space === "string" || typeof hubSpace === "string") throw new Error(label);
            const within = (outer: typeof space, cidrs: string[]) => cidrs.forEach((c) => { const x = parseCidr(c); expect(typeof x !== "string" && contains(outer, x), `${label}: ${c} in ${outer.text}`).to.equal(true); });
            within(space, [plan.spoke.addressSpace, ...Object.values(plan.spoke.subnets)]);
            within(hubSpace, [plan.hub.addressSpace, ...Object.values(plan.hub.subnets), ...Object.values(plan.hub.reserved)]);
            const dns = parseCidr(plan.hub.reserved["hub.dnsResolverInboundSubnet"] ?? "");
            if (typeof dns !== "string") expect(overlapsDnsResolverReservedRange(dns), label).to.equal(false);
        }
    });

    it("refuses what cannot hold the plan, naming the input: too small, not a network address, overlapping, not private", () => {
        const problems = (input: Parameters<typeof deriveAddressPlan>[0]) => deriveAddressPlan(input).problems.map((p) => `${p.input}: ${p.message}`);
        expect(problems({ addressSpace: "10.40.0.0/22" })).to.deep.equal([
            `addressSpace: "10.40.0.0/22" is too small to hold both the hub (/24 or larger) and the spoke (/22 or larger): it needs /21 or larger, or the hub needs an address space of its own`,
        ]);
        expect(problems({ addressSpace: "10.42.0.0/23", hubAddressSpace: "10.41.0.0/25" })).to.deep.equal([
            `hubAddressSpace: "10.41.0.0/25" is too small for the hub: it needs /24 or larger (firewallSubnet /26, bastionSubnet /26, jumpboxSubnet /27, privateEndpointSubnet /27)`,
            `addressSpace: "10.42.0.0/23" is too small for the spoke: it needs /22 or larger (appGatewaySubnet /24, apimSubnet /27, privateEndpointSubnet /24, functionIntegrationSubnet /26, containerAppsSubnet /26)`,
        ]);
        expect(problems({ addressSpace: "10.40.0.1/16", hubAddressSpace: "10.40" })).to.deep.equal([
            `addressSpace: "10.40.0.1/16" is not a network address (did you mean 10.40.0.0/16?)`,
            `hubAddressSpace: "10.40" is not a valid CIDR`,
        ]);
        expect(problems({ addressSpace: "10.40.0.0/16", hubAddressSpace: "10.40.252.0/22" })).to.deep.equal([`hubAddressSpace: "10.40.252.0/22" overlaps the spoke's address space "10.40.0.0/16" (peered VNets cannot overlap)`]);
        expect(problems({ addressSpace: "20.40.0.0/16" })[0]).to.include("is not inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10");
        // The separate hub and spoke of a plan never overlap each other.
        const plan = must({ addressSpace: "10.40.0.0/16" });
        const [h, s] = [parseCidr(plan.hub.addressSpace), parseCidr(plan.spoke.addressSpace)];
        expect(typeof h !== "string" && typeof s !== "string" && overlaps(h, s)).to.equal(false);
    });
});
