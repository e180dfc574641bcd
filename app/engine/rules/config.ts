/**
 * Everything a merchant configures that decide() reads, with defaults and one validator that
 * reports every problem with its path ("rules[2].placements[0]: ...").
 */
import { z } from "zod";
import type { ProfileOptions } from "../profile/types";
import type { RecommendationFilters, StrategyName } from "../types";
import { formatPath, segmentDefinitionSchema, type SegmentDefinition, type ValidationError, type Validated } from "../segments/condition";
import { DEFAULT_SEGMENT_SETTINGS, isReservedSegmentId } from "../segments/builtin";
import { ruleIssues, ruleSchema, STRATEGY_NAMES, type Rule } from "./rule";
import { DEFAULT_VISITOR_OFFERS, visitorOffersSchema, type VisitorOffersConfig } from "./visitor-offers";

export interface ShopConfig {
  segments: SegmentDefinition[];
  rules: Rule[];
  filters: RecommendationFilters;
  /** Net lifetime value from which a customer is VIP. */
  vipThresholdCents: number;
  /** Churn ratio from which a customer is at risk / lapsed (see CustomerProfile.churn). */
  atRiskChurnRatio: number;
  lapsedChurnRatio: number;
  visitorOffers: VisitorOffersConfig;
  /** ISO 4217, for explanations. */
  currency: string;
  /** Shop-level profile inputs: price tertiles, typical reorder gap, RFM cut points, half-life. */
  profile: Omit<ProfileOptions, "quizAnswers" | "churnThresholds">;
  /** Overrides of the strategy fallback chains used when a strategy returns too few products. */
  fallbacks?: Partial<Record<StrategyName, StrategyName[]>>;
}

export const DEFAULT_SHOP_CONFIG: ShopConfig = {
  segments: [],
  rules: [],
  filters: {},
  vipThresholdCents: DEFAULT_SEGMENT_SETTINGS.vipThresholdCents,
  atRiskChurnRatio: DEFAULT_SEGMENT_SETTINGS.atRiskChurnRatio,
  lapsedChurnRatio: DEFAULT_SEGMENT_SETTINGS.lapsedChurnRatio,
  visitorOffers: DEFAULT_VISITOR_OFFERS,
  currency: "USD",
  profile: {},
};

const strategy = z.enum(STRATEGY_NAMES);
const cents = z.number().int("must be whole cents").nonnegative("cannot be negative");
const ids = z.array(z.string().regex(/^\d+$/, "product ids are decimal strings"));

const filtersSchema = z.object({
  excludeProductIds: ids.optional(),
  pinnedProductIds: ids.optional(),
  maxPriceCents: cents.nullish(),
  consumableProductTypes: z.array(z.string()).optional(),
  maxPerProductType: z.number().int().positive().optional(),
});

const shopConfigSchema = z
  .object({
    segments: z.array(segmentDefinitionSchema).max(200, "at most 200 segments"),
    rules: z.array(ruleSchema).max(500, "at most 500 rules"),
    filters: filtersSchema,
    vipThresholdCents: cents,
    atRiskChurnRatio: z.number().positive(),
    lapsedChurnRatio: z.number().positive(),
    visitorOffers: visitorOffersSchema,
    currency: z.string().regex(/^[A-Z]{3}$/, "currency is an ISO 4217 code such as USD"),
    profile: z.record(z.string(), z.unknown()),
    fallbacks: z.partialRecord(strategy, z.array(strategy)).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.lapsedChurnRatio <= c.atRiskChurnRatio) ctx.addIssue({ code: "custom", path: ["lapsedChurnRatio"], message: "lapsedChurnRatio must be above atRiskChurnRatio" });
    const seen = new Set<string>();
    c.segments.forEach((s, i) => {
      if (isReservedSegmentId(s.id)) ctx.addIssue({ code: "custom", path: ["segments", i, "id"], message: `"${s.id}" is reserved for a built-in segment` });
      else if (seen.has(s.id)) ctx.addIssue({ code: "custom", path: ["segments", i, "id"], message: `duplicate segment id "${s.id}"` });
      seen.add(s.id);
    });
    const ruleIds = new Set<string>();
    c.rules.forEach((r, i) => {
      if (ruleIds.has(r.id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id "${r.id}"` });
      ruleIds.add(r.id);
      for (const e of ruleIssues(r, { knownSegmentIds: seen })) {
        if (e.message.startsWith("unknown segment")) ctx.addIssue({ code: "custom", path: ["rules", i, ...pathOf(e.path)], message: e.message });
      }
    });
  });

function pathOf(p: string): (string | number)[] {
  return p.split(/\.|\[|\]/).filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

/** Fills missing top-level keys from the defaults, then validates the whole config. */
export function parseShopConfig(input: unknown): Validated<ShopConfig> {
  const merged = typeof input === "object" && input !== null ? { ...DEFAULT_SHOP_CONFIG, ...(input as object) } : input;
  const r = shopConfigSchema.safeParse(merged);
  if (r.success) return { ok: true, value: r.data as unknown as ShopConfig };
  const errors: ValidationError[] = r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  return { ok: false, errors };
}
