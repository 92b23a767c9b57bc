/**
 * What the plan estimates beyond policy: the monthly cost profile (prices.json) and the deploy's critical path
 * (create-times.json), both from the captured graph. The tables are data files kept in the repo with their sources.
 */
import { z } from "zod";
import { Graph } from "../../lib/offline/graph";
import { CostProfile, PriceTable, costProfile } from "./cost";
import { CreateTimesTable, CriticalPath, criticalPath, minutesByTypeKey } from "./criticalPath";
import CREATE_TIMES from "./create-times.json";
import PRICES from "./prices.json";

export interface PlanEstimates {
    cost: CostProfile;
    criticalPath: CriticalPath;
}

/** prices.json's shape, checked when loaded (a mistyped `billing` would otherwise price a line wrongly). */
const PRICE_TABLE_SCHEMA = z.object({
    currency: z.string(),
    region: z.string(),
    priceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    hoursPerMonth: z.number().positive(),
    free: z.object({ types: z.array(z.string()) }),
    prices: z.record(z.string(), z.object({
        billing: z.enum(["hourly", "daily", "monthly", "usage"]),
        unit: z.string(),
        unitPriceUsd: z.number().nonnegative().nullable(),
        meter: z.string().optional(),
        retailPricesApi: z.string().optional(),
        page: z.string().optional(),
        basis: z.string().optional(),
    })),
});

export const PRICE_TABLE: PriceTable = PRICE_TABLE_SCHEMA.parse(PRICES);
export const CREATE_TIMES_TABLE: CreateTimesTable = CREATE_TIMES;

export function planEstimates(graph: Graph, prices: PriceTable = PRICE_TABLE, times: CreateTimesTable = CREATE_TIMES_TABLE): PlanEstimates {
    return { cost: costProfile(graph, prices), criticalPath: criticalPath(graph, minutesByTypeKey(times), times.defaultMinutes) };
}
