/**
 * Monthly cost profile of a captured graph: fixed monthly list prices per resource kind and SKU from a small price
 * table (prices.json: source and date on every entry), and usage-based items listed with their unit price only, never
 * a guessed quantity. Pure: the table is a parameter (tests pin the arithmetic with their own table).
 */
import { Graph } from "../../lib/offline/graph";
import { RecordedResource } from "../../lib/offline/mocks";
import { azureTypeKey } from "../../policy/rules/common";

export type Billing = "hourly" | "daily" | "monthly" | "usage";

export interface PriceEntry {
    billing: Billing;
    /** What one unit is ("deployment hour", "GB ingested"). */
    unit: string;
    /** USD per unit; null when the figure was not available (usage lines then say so). */
    unitPriceUsd: number | null;
    meter?: string;
    retailPricesApi?: string;
    page?: string;
    /** Where the figure came from. */
    basis?: string;
}

export interface PriceTable {
    currency: string;
    region: string;
    priceDate: string;
    /** Hours billed in a month (Azure's calculator uses 730). */
    hoursPerMonth: number;
    /** Type keys (`<module>:<Type>`) with no charge of their own. */
    free: { types: string[] };
    prices: Record<string, PriceEntry>;
}

export interface CostResource { name: string; type: string; urn: string }

/** A fixed monthly charge: quantity × unitMonthlyUsd. */
export interface FixedCostLine {
    billing: "fixed";
    resource: CostResource;
    kind: string;
    sku: string;
    quantity: number;
    /** What one unit of `quantity` is ("gateway", "reserved instance (10 capacity units)"). */
    unit: string;
    unitMonthlyUsd: number;
    monthlyUsd: number;
    priceKey: string;
    note?: string;
}

/** A usage-based charge: only the unit price is known before deploy. */
export interface UsageCostLine {
    billing: "usage";
    resource: CostResource;
    kind: string;
    sku: string;
    unit: string;
    /** null: the unit price was not available when the table was compiled (look it up: priceKey's retailPricesApi). */
    unitPriceUsd: number | null;
    priceKey: string;
    note?: string;
}

export type CostLine = FixedCostLine | UsageCostLine;

export interface CostProfile {
    /** Sum of the fixed lines (usage-based lines are not included: their quantity is unknown before deploy). */
    monthlyUsd: number;
    currency: string;
    priceDate: string;
    region: string;
    lines: CostLine[];
    /** Resources of a billable kind the table has no entry for (type, SKU key looked up, count). */
    unpriced: Array<{ type: string; priceKey: string; count: number }>;
    /** Types neither priced nor listed as free (count), so nothing is silently left out. */
    unclassified: Array<{ type: string; count: number }>;
    /** E.g. a resource in another region than the table's. */
    warnings: string[];
}

type Inputs = Record<string, unknown>;
const obj = (v: unknown): Inputs => (typeof v === "object" && v !== null && !Array.isArray(v) ? v as Inputs : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** One charge a resource's kind produces: a fixed one (quantity) or a usage one. */
interface Charge { key: string; kind: string; sku: string; quantity?: number; unit?: string; note?: string }

/** The charges of each billable type key, read from the resource's planned inputs. */
const CHARGES: Record<string, (i: Inputs) => Charge[]> = {
    "network:AzureFirewall": (i) => {
        const tier = str(obj(i["sku"])["tier"]) ?? "Standard";
        return [
            { key: `firewall/${tier}`, kind: "Azure Firewall", sku: tier, quantity: 1, unit: "firewall" },
            { key: `firewall-data/${tier}`, kind: "Azure Firewall", sku: tier },
        ];
    },
    "network:BastionHost": (i) => {
        const sku = str(obj(i["sku"])["name"]) ?? "Standard";
        const charges: Charge[] = [{ key: `bastion/${sku}`, kind: "Azure Bastion", sku, quantity: 1, unit: "bastion host" }];
        const units = num(i["scaleUnits"]);
        if (sku !== "Basic" && units !== undefined && units > 2) charges.push({ key: `bastion-instance/${sku}`, kind: "Azure Bastion", sku, quantity: units - 2, unit: "additional instance", note: `scaleUnits ${units}` });
        return charges;
    },
    "apimanagement:ApiManagementService": (i) => {
        const sku = obj(i["sku"]);
        const name = str(sku["name"]) ?? "Developer";
        return [{ key: `apim/${name}`, kind: "API Management", sku: name, quantity: num(sku["capacity"]) ?? 1, unit: "unit" }];
    },
    "network:ApplicationGateway": (i) => {
        const sku = obj(i["sku"]);
        const name = str(sku["name"]) ?? "WAF_v2";
        const autoscale = obj(i["autoscaleConfiguration"]);
        const min = num(autoscale["minCapacity"]) ?? num(sku["capacity"]) ?? 0;
        const max = num(autoscale["maxCapacity"]);
        return [
            { key: `appgw/${name}`, kind: "Application Gateway", sku: name, quantity: 1, unit: "gateway (fixed)" },
            { key: `appgw-cu/${name}`, kind: "Application Gateway", sku: name, quantity: min, unit: "reserved instance (10 capacity units)", note: `minimum instance count ${min}: each reserves 10 capacity units, billed while the gateway runs` },
            { key: `appgw-cu/${name}`, kind: "Application Gateway", sku: name, note: `capacity units consumed above the reserved ${min * 10}${max !== undefined ? ` (autoscale up to ${max} instances)` : ""}` },
        ];
    },
    "network:VirtualNetworkGateway": (i) => {
        const sku = str(obj(i["sku"])["name"]) ?? "VpnGw1";
        const type = str(i["gatewayType"]) ?? "Vpn";
        return [{ key: `${type === "ExpressRoute" ? "ergw" : "vpngw"}/${sku}`, kind: type === "ExpressRoute" ? "ExpressRoute gateway" : "VPN gateway", sku, quantity: 1, unit: "gateway", ...(i["activeActive"] === true ? { note: "active-active: one gateway charge, two public IPs (listed separately)" } : {}) }];
    },
    "web:AppServicePlan": (i) => {
        const sku = obj(i["sku"]);
        const name = str(sku["name"]) ?? "B1";
        const os = i["reserved"] === true ? "linux" : "windows";
        return [{ key: `asp/${name}:${os}`, kind: "App Service plan", sku: `${name} (${os})`, quantity: num(sku["capacity"]) ?? 1, unit: "instance" }];
    },
    "compute:VirtualMachine": (i) => {
        const size = str(obj(i["hardwareProfile"])["vmSize"]) ?? "unknown";
        const os = "windowsConfiguration" in obj(i["osProfile"]) ? "windows" : "linux";
        const disk = obj(obj(obj(i["storageProfile"])["osDisk"])["managedDisk"]);
        const diskType = str(disk["storageAccountType"]) ?? "Premium_LRS";
        const sizeGb = num(obj(obj(i["storageProfile"])["osDisk"])["diskSizeGB"]);
        const tier = premiumTier(sizeGb ?? 30);
        return [
            { key: `vm/${size}:${os}`, kind: "Virtual machine", sku: `${size} (${os})`, quantity: 1, unit: "VM (running all month)" },
            { key: `disk/${diskType}:${tier}`, kind: "Managed disk", sku: `${diskType} ${tier}`, quantity: 1, unit: "OS disk", note: sizeGb === undefined ? "size from the image (30 GiB assumed for the Ubuntu image)" : `${sizeGb} GiB` },
        ];
    },
    "network:PublicIPAddress": (i) => {
        const sku = str(obj(i["sku"])["name"]) ?? "Standard";
        return [{ key: `publicIp/${sku}`, kind: "Public IP address", sku, quantity: 1, unit: "address" }];
    },
    "network:PrivateEndpoint": () => [
        { key: "privateEndpoint", kind: "Private endpoint", sku: "Standard", quantity: 1, unit: "endpoint" },
        { key: "privateEndpoint-data", kind: "Private endpoint", sku: "Standard" },
    ],
    "privatedns:PrivateZone": () => [
        { key: "privateDnsZone", kind: "Private DNS zone", sku: "zone", quantity: 1, unit: "zone" },
        { key: "privateDnsZone-queries", kind: "Private DNS zone", sku: "zone" },
    ],
    "dnsresolver:InboundEndpoint": () => [{ key: "dnsResolver-inbound", kind: "DNS Private Resolver", sku: "inbound endpoint", quantity: 1, unit: "endpoint" }],
    "operationalinsights:Workspace": (i) => {
        const sku = str(obj(i["sku"])["name"]) ?? "PerGB2018";
        const days = num(i["retentionInDays"]);
        const cap = num(obj(i["workspaceCapping"])["dailyQuotaGb"]);
        return [
            { key: `law/${sku}`, kind: "Log Analytics", sku, note: cap !== undefined && cap > 0 ? `daily cap ${cap} GB (at most ${cap * 30} GB a month)` : "no daily cap" },
            ...(days !== undefined && days > 31 ? [{ key: "law-retention", kind: "Log Analytics", sku, note: `interactive retention ${days} days` }] : []),
        ];
    },
    "applicationinsights:Component": () => [{ key: "appInsights", kind: "Application Insights", sku: "workspace-based" }],
    "network:FlowLog": (i) => [
        { key: "flowLog", kind: "VNet flow logs", sku: "collected" },
        ...(obj(obj(i["flowAnalyticsConfiguration"])["networkWatcherFlowAnalyticsConfiguration"])["enabled"] === true ? [{ key: "flowLog-analytics", kind: "VNet flow logs", sku: "traffic analytics" }] : []),
    ],
    "network:VirtualNetworkPeering": () => [{ key: "peering-data", kind: "VNet peering", sku: "same region" }],
    "storage:StorageAccount": (i) => {
        const sku = str(obj(i["sku"])["name"]) ?? "Standard_LRS";
        return [{ key: `storage/${sku}`, kind: "Storage account", sku, ...(i["isHnsEnabled"] === true ? { note: "hierarchical namespace (Data Lake Storage) meters apply" } : {}) }];
    },
    "keyvault:Vault": (i) => {
        const sku = str(obj(obj(i["properties"])["sku"])["name"]) ?? "standard";
        return [{ key: `keyVault/${sku}`, kind: "Key Vault", sku }];
    },
    "containerregistry:Registry": (i) => {
        const sku = str(obj(i["sku"])["name"]) ?? "Basic";
        return [{ key: `acr/${sku}`, kind: "Container Registry", sku, quantity: 1, unit: "registry" }];
    },
    "eventhub:Namespace": (i) => {
        const sku = obj(i["sku"]);
        const name = str(sku["name"]) ?? "Standard";
        return [
            { key: `eventHub/${name}`, kind: "Event Hubs", sku: name, quantity: num(sku["capacity"]) ?? 1, unit: "throughput unit" },
            { key: `eventHub-ingress/${name}`, kind: "Event Hubs", sku: name },
        ];
    },
    "eventgrid:SystemTopic": () => [{ key: "eventGrid-operations", kind: "Event Grid system topic", sku: "Standard" }],
    "synapse:Workspace": () => [{ key: "synapse-serverless", kind: "Synapse serverless SQL", sku: "serverless" }],
    "healthcareapis:FhirService": () => [
        { key: "fhir-storage", kind: "FHIR service", sku: "FHIR R4" },
        { key: "fhir-requests", kind: "FHIR service", sku: "FHIR R4" },
    ],
    "healthcareapis:DicomService": () => [{ key: "dicom-storage", kind: "DICOM service", sku: "DICOM" }],
    "healthcareapis:IotConnector": () => [{ key: "medtech-messages", kind: "MedTech service", sku: "MedTech" }],
    "cognitiveservices:Account": (i) => [{ key: "language-health", kind: "Language (Text Analytics for health)", sku: str(obj(i["sku"])["name"]) ?? "S" }],
    "app:Job": (i) => {
        const res = obj(obj((obj(i["template"])["containers"] as unknown[] | undefined)?.[0])["resources"]);
        const size = `${num(res["cpu"]) ?? "?"} vCPU, ${str(res["memory"]) ?? "?"}`;
        return [
            { key: "containerApps-vcpu", kind: "Container Apps job", sku: "Consumption", note: size },
            { key: "containerApps-memory", kind: "Container Apps job", sku: "Consumption", note: size },
        ];
    },
    "security:Pricing": (i) => {
        if (str(i["pricingTier"]) !== "Standard") return [];
        const plan = str(i["pricingName"]) ?? "unknown";
        const sub = str(i["subPlan"]);
        return [{ key: `defender/${plan}${sub !== undefined ? `:${sub}` : ""}`, kind: "Defender for Cloud", sku: `${plan}${sub !== undefined ? ` ${sub}` : ""}`, note: "billed per protected resource in the subscription" }];
    },
};

/** Premium SSD tier for a disk size (GiB). */
function premiumTier(gb: number): string {
    const tiers: Array<[number, string]> = [[4, "P1"], [8, "P2"], [16, "P3"], [32, "P4"], [64, "P6"], [128, "P10"], [256, "P15"], [512, "P20"], [1024, "P30"]];
    return tiers.find(([max]) => gb <= max)?.[1] ?? "P40+";
}

/** The monthly price of one unit of a fixed entry. */
function unitMonthly(p: PriceEntry, hoursPerMonth: number): number {
    const price = p.unitPriceUsd ?? 0;
    switch (p.billing) {
        case "hourly": return price * hoursPerMonth;
        case "daily": return price * hoursPerMonth / 24;
        case "monthly": return price;
        case "usage": return 0;
    }
}

/** Application Gateway capacity-unit entries price one CU-hour; a reserved instance holds 10 of them. */
const CU_PER_INSTANCE = 10;

export function costProfile(graph: Graph, prices: PriceTable): CostProfile {
    const lines: CostLine[] = [];
    const unpriced = new Map<string, { type: string; priceKey: string; count: number }>();
    const unclassified = new Map<string, number>();
    const warnings: string[] = [];
    const free = new Set(prices.free.types);
    for (const r of graph.resources) {
        if (!r.custom) continue;
        const key = azureTypeKey(r.type);
        if (key === undefined) continue; // random, tls: no Azure resource
        const location = str(r.inputs["location"]);
        if (location !== undefined && location !== "global" && location.replace(/\s/g, "").toLowerCase() !== prices.region.toLowerCase()) {
            warnings.push(`${r.name} (${key}) is in ${location}, the price table is for ${prices.region}`);
        }
        const charges = CHARGES[key];
        if (charges === undefined) {
            if (!free.has(key)) unclassified.set(r.type, (unclassified.get(r.type) ?? 0) + 1);
            continue;
        }
        for (const c of charges(r.inputs)) lines.push(...priceCharge(r, c, prices, unpriced));
    }
    const monthlyUsd = lines.reduce((sum, l) => sum + (l.billing === "fixed" ? l.monthlyUsd : 0), 0);
    return {
        monthlyUsd, currency: prices.currency, priceDate: prices.priceDate, region: prices.region, lines,
        unpriced: [...unpriced.values()],
        unclassified: [...unclassified.entries()].map(([type, count]) => ({ type, count })).sort((a, b) => a.type.localeCompare(b.type)),
        warnings,
    };
}

function priceCharge(r: RecordedResource, c: Charge, prices: PriceTable, unpriced: Map<string, { type: string; priceKey: string; count: number }>): CostLine[] {
    const resource: CostResource = { name: r.name, type: r.type, urn: r.urn };
    const p = prices.prices[c.key];
    if (p === undefined) {
        const k = `${r.type}\n${c.key}`;
        const u = unpriced.get(k) ?? { type: r.type, priceKey: c.key, count: 0 };
        u.count++;
        unpriced.set(k, u);
        return [];
    }
    const note = c.note !== undefined ? { note: c.note } : {};
    if (c.quantity === undefined || p.billing === "usage") {
        return [{ billing: "usage", resource, kind: c.kind, sku: c.sku, unit: p.unit, unitPriceUsd: p.unitPriceUsd, priceKey: c.key, ...note }];
    }
    // Capacity units are priced per CU-hour; the fixed quantity counts reserved instances of 10 CUs each.
    const perUnit = unitMonthly(p, prices.hoursPerMonth) * (c.key.startsWith("appgw-cu/") ? CU_PER_INSTANCE : 1);
    return [{ billing: "fixed", resource, kind: c.kind, sku: c.sku, quantity: c.quantity, unit: c.unit ?? p.unit, unitMonthlyUsd: perUnit, monthlyUsd: perUnit * c.quantity, priceKey: c.key, ...note }];
}

/** Fixed lines by monthly amount, largest first (the text output prints the first few). */
export function topCostItems(profile: CostProfile, n = 5): FixedCostLine[] {
    return profile.lines.filter((l): l is FixedCostLine => l.billing === "fixed").sort((a, b) => b.monthlyUsd - a.monthlyUsd).slice(0, n);
}

/** Fixed monthly totals by kind, largest first. */
export function costByKind(profile: CostProfile): Array<{ kind: string; monthlyUsd: number; lines: number }> {
    const by = new Map<string, { kind: string; monthlyUsd: number; lines: number }>();
    for (const l of profile.lines) {
        if (l.billing !== "fixed") continue;
        const k = by.get(l.kind) ?? { kind: l.kind, monthlyUsd: 0, lines: 0 };
        k.monthlyUsd += l.monthlyUsd;
        k.lines++;
        by.set(l.kind, k);
    }
    return [...by.values()].sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.kind.localeCompare(b.kind));
}

export const formatUsd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** For the text report: the total and the largest fixed items, one line each. */
export function formatCostSummary(profile: CostProfile, n = 5): string {
    const usage = profile.lines.filter((l) => l.billing === "usage").length;
    return [
        `cost ≈ ${formatUsd(profile.monthlyUsd)}/month fixed (${profile.currency} list prices, ${profile.region}, ${profile.priceDate}; + ${usage} usage-based item(s) not estimated):`,
        ...topCostItems(profile, n).map((l) => `  ${formatUsd(l.monthlyUsd).padStart(11)}  ${l.kind} ${l.sku}${l.quantity !== 1 ? ` × ${l.quantity}` : ""} (${l.resource.name})`),
    ].join("\n");
}
