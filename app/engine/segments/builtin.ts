/**
 * Built-in segments, written in the same condition language merchants use so they share one
 * evaluator and explain themselves the same way. Dimension segments ("country:fr",
 * "source:pinterest", "device:mobile") exist for every value, so they are derived from the
 * request rather than listed; rules may target them by id.
 */
import type { ShopperContext } from "../types";
import type { SegmentDefinition } from "./condition";

export interface SegmentSettings {
  /** Lifetime value (net) from which a customer is a VIP. */
  vipThresholdCents: number;
  /** Churn ratio (days since last order / usual interval) from which a customer is at risk... */
  atRiskChurnRatio: number;
  /** ...and from which they are lapsed. */
  lapsedChurnRatio: number;
}

export const DEFAULT_SEGMENT_SETTINGS: SegmentSettings = { vipThresholdCents: 100_000, atRiskChurnRatio: 1.5, lapsedChurnRatio: 3 };

export const BUILTIN_SEGMENT_IDS = ["new_visitor", "returning_visitor", "first_time_buyer", "repeat_buyer", "vip", "at_risk", "lapsed"] as const;
export type BuiltInSegmentId = (typeof BUILTIN_SEGMENT_IDS)[number];

export const DIMENSION_PREFIXES = ["country:", "source:", "device:"] as const;
const DIMENSION_ID = /^(country:[a-z]{2}|source:[a-z0-9_.-]{1,32}|device:(mobile|tablet|desktop))$/;

export function isDimensionSegmentId(id: string): boolean {
  return DIMENSION_ID.test(id);
}

/** Ids merchants cannot use for their own segments. */
export function isReservedSegmentId(id: string): boolean {
  return (BUILTIN_SEGMENT_IDS as readonly string[]).includes(id) || DIMENSION_PREFIXES.some((p) => id.startsWith(p));
}

export function builtInSegments(settings: SegmentSettings = DEFAULT_SEGMENT_SETTINGS): SegmentDefinition[] {
  const { vipThresholdCents, atRiskChurnRatio, lapsedChurnRatio } = settings;
  return [
    // Visitor segments read only the request, so they still apply to shoppers who opted out.
    { id: "new_visitor", name: "New visitor", condition: { all: [{ field: "returning_visitor", op: "eq", value: false }, { field: "logged_in", op: "eq", value: false }] } },
    { id: "returning_visitor", name: "Returning visitor", condition: { any: [{ field: "returning_visitor", op: "eq", value: true }, { field: "logged_in", op: "eq", value: true }] } },
    { id: "first_time_buyer", name: "First-time buyer", condition: { field: "orders_count", op: "eq", value: 1 } },
    { id: "repeat_buyer", name: "Repeat buyer", condition: { field: "orders_count", op: "gte", value: 2 } },
    { id: "vip", name: "VIP", condition: { field: "lifetime_value_cents", op: "gte", value: vipThresholdCents } },
    { id: "at_risk", name: "At risk", condition: { all: [{ field: "churn_ratio", op: "gte", value: atRiskChurnRatio }, { field: "churn_ratio", op: "lt", value: lapsedChurnRatio }] } },
    { id: "lapsed", name: "Lapsed", condition: { field: "churn_ratio", op: "gte", value: lapsedChurnRatio } },
  ];
}

export interface MatchedSegment {
  id: string;
  name: string;
  /** Why the shopper is in it, e.g. "lifetime value $1,240 ≥ $1,000". */
  reasons: string[];
  /** Built from the shopper's own history (false for request-context segments). */
  personal: boolean;
}

/** The dimension segments this request belongs to. */
export function dimensionSegments(ctx: ShopperContext): MatchedSegment[] {
  const out: MatchedSegment[] = [];
  const country = ctx.country?.trim().toLowerCase();
  if (country && /^[a-z]{2}$/.test(country)) {
    out.push({ id: `country:${country}`, name: `Country ${country.toUpperCase()}`, reasons: [`visitor country is ${country.toUpperCase()}`], personal: false });
  }
  const source = ctx.trafficSource?.trim().toLowerCase();
  if (source && /^[a-z0-9_.-]{1,32}$/.test(source)) {
    out.push({ id: `source:${source}`, name: `Traffic from ${source}`, reasons: [`traffic source is ${source}`], personal: false });
  }
  if (ctx.device) out.push({ id: `device:${ctx.device}`, name: `${ctx.device[0].toUpperCase()}${ctx.device.slice(1)} visitors`, reasons: [`device is ${ctx.device}`], personal: false });
  return out;
}
