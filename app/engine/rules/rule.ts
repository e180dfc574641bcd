/**
 * A merchant rule: "for these segments, on these placements, show this content with this
 * strategy (and maybe this offer)". Validated with zod at the edge (admin form, stored config).
 */
import { z } from "zod";
import { PLACEMENTS, type Content, type Offer, type Placement, type RecommendationFilters, type StrategyName } from "../types";
import { formatPath, type ValidationError, type Validated } from "../segments/condition";
import { BUILTIN_SEGMENT_IDS, isDimensionSegmentId } from "../segments/builtin";

export interface Rule {
  id: string;
  name: string;
  /** The shopper must be in any of these; empty = everyone. */
  segmentIds: string[];
  placements: Placement[];
  content: Content;
  strategy: StrategyName;
  offer?: Offer | null;
  /** Narrow the shop's filters while this rule governs a placement (see mergeFilters). */
  filters?: RuleFilters | null;
  /** Higher wins. */
  priority: number;
  /** Inclusive, epoch ms. */
  startsAt?: number | null;
  /** Exclusive, epoch ms. */
  endsAt?: number | null;
  enabled: boolean;
  /** Tie-break among equal priorities: the older rule wins (then the smaller id). Missing = 0. */
  createdAt?: number;
}

/** The business filters a rule may add to the shop's (a ceiling, exclusions, pins, a cap per type). */
export type RuleFilters = Pick<RecommendationFilters, "maxPriceCents" | "excludeProductIds" | "pinnedProductIds" | "maxPerProductType">;

export const STRATEGY_NAMES = [
  "bought_together",
  "also_bought",
  "picked_for_you",
  "trending",
  "trending_in_country",
  "buy_again",
  "recently_viewed",
  "new_arrivals",
  "cart_complements",
  "similar_products",
] as const satisfies readonly StrategyName[];
// Fails to compile if types.ts gains a strategy this list lacks.
type _Exhaustive = Exclude<StrategyName, (typeof STRATEGY_NAMES)[number]> extends never ? true : never;
const _exhaustive: _Exhaustive = true;
void _exhaustive;

const epoch = z.number({ error: "must be a time in epoch milliseconds" }).int("must be a time in epoch milliseconds").nonnegative();
const httpsUrl = z
  .string()
  .max(2048)
  .refine((u) => /^https:\/\/[^\s]+$/i.test(u), "must be an https:// URL");

export const contentSchema = z.object({
  heading: z.string().max(120, "heading is at most 120 characters").nullish(),
  message: z.string().max(1000, "message is at most 1000 characters").nullish(),
  bannerImageUrl: httpsUrl.nullish(),
  linkUrl: z
    .string()
    .max(2048)
    .refine((u) => /^https:\/\/[^\s]+$/i.test(u) || /^\/(?!\/)[^\s]*$/.test(u), "must be an https:// URL or a storefront path such as /collections/sale")
    .nullish(),
});

const productIds = z.array(z.string().regex(/^\d+$/, "product ids are decimal strings")).max(250, "at most 250 products");

export const ruleFiltersSchema = z.object({
  maxPriceCents: z.number({ error: "price ceiling must be a number of cents" }).int("price ceiling must be whole cents").positive("price ceiling must be above zero").nullish(),
  excludeProductIds: productIds.optional(),
  pinnedProductIds: productIds.max(20, "pin at most 20 products").optional(),
  maxPerProductType: z.number({ error: "must be a whole number" }).int("must be a whole number").min(1, "at least 1").max(50).optional(),
});

export const offerSchema = z
  .object({
    id: z.string().min(1, "offer id is required"),
    kind: z.enum(["discount_code", "free_shipping", "message"], { error: 'kind must be "discount_code", "free_shipping" or "message"' }),
    title: z.string().trim().min(1, "offer title is required").max(120),
    code: z.string().trim().max(255).nullish(),
    percentOff: z.number().gt(0, "percentOff must be between 0 and 100").lte(100, "percentOff must be between 0 and 100").nullish(),
  })
  .superRefine((o, ctx) => {
    if (o.kind === "discount_code" && !o.code) ctx.addIssue({ code: "custom", path: ["code"], message: "a discount_code offer needs the Shopify discount code" });
  });

export const ruleSchema = z
  .object({
    id: z.string({ error: "id must be a string" }).trim().min(1, "id is required"),
    name: z.string({ error: "name must be a string" }).trim().min(1, "name is required").max(120, "name is at most 120 characters"),
    segmentIds: z.array(z.string().min(1, "segment id cannot be empty")).max(50),
    placements: z
      .array(z.enum(PLACEMENTS as [Placement, ...Placement[]], { error: `placement must be one of ${PLACEMENTS.join(", ")}` }))
      .min(1, "choose at least one placement"),
    content: contentSchema,
    strategy: z.enum(STRATEGY_NAMES, { error: `strategy must be one of ${STRATEGY_NAMES.join(", ")}` }),
    offer: offerSchema.nullish(),
    filters: ruleFiltersSchema.nullish(),
    priority: z.number({ error: "priority must be a whole number" }).int("priority must be a whole number").min(-1_000_000).max(1_000_000),
    startsAt: epoch.nullish(),
    endsAt: epoch.nullish(),
    enabled: z.boolean({ error: "enabled must be true or false" }),
    createdAt: epoch.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.startsAt != null && r.endsAt != null && r.endsAt <= r.startsAt) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "endsAt must be after startsAt" });
    }
    const dup = (list: string[]) => list.findIndex((x, i) => list.indexOf(x) !== i);
    const ds = dup(r.segmentIds);
    if (ds >= 0) ctx.addIssue({ code: "custom", path: ["segmentIds", ds], message: `segment "${r.segmentIds[ds]}" is listed twice` });
    const dp = dup(r.placements);
    if (dp >= 0) ctx.addIssue({ code: "custom", path: ["placements", dp], message: `placement "${r.placements[dp]}" is listed twice` });
  });

export interface RuleValidationOptions {
  /** Merchant segment ids that exist; built-in and dimension ids are always known. */
  knownSegmentIds?: Iterable<string>;
}

export function ruleIssues(input: unknown, opts: RuleValidationOptions = {}): ValidationError[] {
  const r = ruleSchema.safeParse(input);
  const errors = r.success ? [] : r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  if (r.success && opts.knownSegmentIds) {
    const known = new Set<string>([...BUILTIN_SEGMENT_IDS, ...opts.knownSegmentIds]);
    r.data.segmentIds.forEach((id, i) => {
      if (!known.has(id) && !isDimensionSegmentId(id)) errors.push({ path: `segmentIds[${i}]`, message: `unknown segment "${id}"` });
    });
  }
  return errors;
}

export function validateRule(input: unknown, opts: RuleValidationOptions = {}): Validated<Rule> {
  const errors = ruleIssues(input, opts);
  return errors.length === 0 ? { ok: true, value: ruleSchema.parse(input) as Rule } : { ok: false, errors };
}

/**
 * The shop's filters narrowed by the governing rule's: the lower price ceiling, both exclusion
 * lists, the rule's pins before the shop's (minus anything excluded), the smaller cap per type.
 */
export function mergeFilters(shop: RecommendationFilters, rule: RuleFilters | null | undefined): RecommendationFilters {
  if (!rule) return shop;
  const out: RecommendationFilters = { ...shop };
  if (rule.maxPriceCents != null) out.maxPriceCents = shop.maxPriceCents == null ? rule.maxPriceCents : Math.min(shop.maxPriceCents, rule.maxPriceCents);
  if (rule.excludeProductIds?.length) out.excludeProductIds = [...new Set([...(shop.excludeProductIds ?? []), ...rule.excludeProductIds])];
  if (rule.pinnedProductIds?.length) {
    const excluded = new Set(out.excludeProductIds ?? []);
    out.pinnedProductIds = [...new Set([...rule.pinnedProductIds, ...(shop.pinnedProductIds ?? [])])].filter((id) => !excluded.has(id));
  }
  if (rule.maxPerProductType != null) out.maxPerProductType = shop.maxPerProductType == null ? rule.maxPerProductType : Math.min(shop.maxPerProductType, rule.maxPerProductType);
  return out;
}
