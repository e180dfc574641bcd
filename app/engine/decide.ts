/**
 * One storefront decision: who is this shopper (profile → segments), which merchant rule governs
 * this placement, which products to show (primary strategy, then a fallback chain), and which
 * visitor offer the app embed shows. Every step leaves a line in `explanation`.
 *
 * Privacy: a customer with personalizationOptOut is treated as an anonymous visitor: only
 * request-context segments are evaluated, no history/browsing/quiz signals reach the recommender,
 * and products come from "trending" only.
 */
import type { CatalogProduct, Content, CustomerFact, Id, Offer, Placement, Recommendation, RecommendationFilters, Recommender, ShopperContext, StoreView, StrategyName } from "./types";
import { anonymousProfile, buildProfile } from "./profile/build";
import type { CustomerProfile } from "./profile/types";
import { compileSegments, matchSegments, type CompiledSegmentSet } from "./segments/match";
import type { MatchedSegment } from "./segments/builtin";
import { resolveRule, sortRules, type SkippedRule } from "./rules/resolve";
import { mergeFilters, type Rule } from "./rules/rule";
import { resolveVisitorOffer, type VisitorOffer } from "./rules/visitor-offers";
import { DEFAULT_SHOP_CONFIG, type ShopConfig } from "./rules/config";
import { Lru } from "./lru";
import { SecondSighting } from "./second-sighting";

export { DEFAULT_SHOP_CONFIG, type ShopConfig };

/**
 * Where to look when a strategy returns fewer products than asked. Every chain ends in trending,
 * which needs no signal at all, so a storefront block is never empty on a live shop.
 */
export const FALLBACK_CHAINS: Readonly<Record<StrategyName, readonly StrategyName[]>> = {
  bought_together: ["also_bought", "similar_products", "trending"],
  also_bought: ["bought_together", "similar_products", "trending"],
  cart_complements: ["bought_together", "also_bought", "trending"],
  picked_for_you: ["recently_viewed", "trending"],
  buy_again: ["picked_for_you", "trending"],
  recently_viewed: ["similar_products", "trending"],
  similar_products: ["trending"],
  trending_in_country: ["trending"],
  new_arrivals: ["trending"],
  trending: [],
};

export interface Decision {
  placement: Placement;
  /** false when the shopper opted out: the decision used request context only. */
  personalized: boolean;
  /** Ids of every segment matched, built-in, merchant and dimension ("country:fr"). */
  segments: string[];
  rule: { id: string; name: string } | null;
  explanation: string[];
  content: Content;
  offer: Offer | null;
  /** The primary strategy; null where the placement shows no products (app embed). */
  strategy: StrategyName | null;
  /** Each item keeps the strategy and reason of the strategy that produced it. */
  products: Recommendation[];
  /** Only for the app_embed placement. */
  visitorOffer?: VisitorOffer | null;
  /** Rules for this placement ranked above the winner that did not apply, with the reason. */
  skipped: SkippedRule[];
  /** With opts.explain (the default): every segment matched, with its reasons (for "preview as"). */
  matched?: MatchedSegment[];
}

export interface DecideDeps {
  store: StoreView;
  recommender: Recommender;
  config: ShopConfig;
}

interface Prepared {
  segments: CompiledSegmentSet;
  rules: Rule[];
  names: Map<string, string>;
}

// Configs are treated as immutable values: compile once per config object, reuse per request.
const prepared = new WeakMap<ShopConfig, Prepared>();

function prepare(config: ShopConfig): Prepared {
  let p = prepared.get(config);
  if (p === undefined) {
    const segments = compileSegments(config.segments, {
      vipThresholdCents: config.vipThresholdCents,
      atRiskChurnRatio: config.atRiskChurnRatio,
      lapsedChurnRatio: config.lapsedChurnRatio,
    });
    p = { segments, rules: sortRules(config.rules), names: new Map(segments.segments.map((s) => [s.id, s.name])) };
    prepared.set(config, p);
  }
  return p;
}

/** Cart lines without a price get the catalogue price, so cart value segments and offers work. */
function withCartPrices(ctx: ShopperContext, product: (id: Id) => CatalogProduct | undefined): ShopperContext {
  if (!ctx.cart?.some((i) => i.priceCents == null)) return ctx;
  return { ...ctx, cart: ctx.cart.map((i) => (i.priceCents == null ? { ...i, priceCents: product(i.productId)?.priceCents ?? 0 } : i)) };
}

/** The context as seen by anything personal-data-free: identity and browsing stripped. */
function depersonalize(ctx: ShopperContext): ShopperContext {
  return { ...ctx, customerId: null, recentlyViewed: [], quizAnswers: undefined };
}

/**
 * Profiles of recent shoppers, per store view. A shopper browsing several pages would otherwise
 * rebuild the same profile on every request. An entry holds while the store's data version, the
 * customer record, the config and the minute are unchanged (time-based fields move by the day).
 */
interface CachedProfile {
  version: number;
  customer: CustomerFact | undefined;
  config: ShopConfig;
  minute: number;
  profile: CustomerProfile;
}
const PROFILE_CACHE_SIZE = 5000;
const profileCaches = new WeakMap<StoreView, { entries: Lru<Id, CachedProfile>; admit: SecondSighting }>();

function profileFor(deps: DecideDeps, ctx: ShopperContext, optOut: boolean): CustomerProfile {
  const { store, config } = deps;
  const profileOpts = { ...config.profile, churnThresholds: { atRisk: config.atRiskChurnRatio, lapsed: config.lapsedChurnRatio } };
  if (optOut) return anonymousProfile(ctx.now, null, profileOpts);
  if (ctx.customerId == null) return anonymousProfile(ctx.now, ctx.quizAnswers, profileOpts);
  // The customer record can lag its first orders (webhooks are unordered), so orders are read
  // even when the customer is not known yet; opt-out lives on the record, so none is recorded then.
  const customer = store.customer(ctx.customerId);
  const build = () =>
    buildProfile(customer, store.ordersOf(ctx.customerId!), (id) => store.product(id), ctx.now, { ...profileOpts, quizAnswers: ctx.quizAnswers });
  const version = store.dataVersion?.();
  if (version === undefined || ctx.quizAnswers) return build();
  let state = profileCaches.get(store);
  if (!state) profileCaches.set(store, (state = { entries: new Lru(PROFILE_CACHE_SIZE), admit: new SecondSighting(2 * PROFILE_CACHE_SIZE) }));
  const cache = state.entries;
  const minute = Math.floor(ctx.now / 60_000);
  const hit = cache.get(ctx.customerId);
  if (hit && hit.version === version && hit.customer === customer && hit.config === config && hit.minute === minute) return hit.profile;
  const profile = build();
  // A shopper's first request is often their only one: once the cache is full, a newcomer gets in
  // only on a second sighting (see SecondSighting), so one-off shoppers do not churn it.
  const seen = state.admit.seenBefore(ctx.customerId);
  if (!hit && !seen && cache.size >= PROFILE_CACHE_SIZE) return profile;
  cache.set(ctx.customerId, { version, customer, config, minute, profile });
  return profile;
}

function fillProducts(
  deps: DecideDeps,
  filters: RecommendationFilters,
  chain: readonly StrategyName[],
  ctx: ShopperContext,
  limit: number,
  explanation: string[],
): Recommendation[] {
  const out: Recommendation[] = [];
  // Never recommend what is on screen (this product, another row's products) or already in the cart.
  const seen = new Set<Id>();
  if (ctx.productId) seen.add(ctx.productId);
  for (const item of ctx.cart ?? []) seen.add(item.productId);
  for (const id of ctx.exclude ?? []) seen.add(id);

  for (let i = 0; i < chain.length && out.length < limit; i++) {
    const strategy = chain[i];
    const before = out.length;
    let recs: Recommendation[];
    try {
      // Ask for enough to survive de-duplication against what is already chosen.
      recs = deps.recommender.recommend({ strategy, context: ctx, limit: limit - out.length + seen.size, filters });
    } catch (err) {
      explanation.push(`strategy ${strategy} failed: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    for (const r of recs) {
      if (out.length >= limit) break;
      if (seen.has(r.productId)) continue;
      seen.add(r.productId);
      out.push(r);
    }
    const added = out.length - before;
    if (i === 0) explanation.push(`strategy ${strategy}: ${added} of ${limit} products`);
    else if (added > 0) explanation.push(`filled ${added} from fallback ${strategy}`);
  }
  if (out.length < limit && chain.length > 0) explanation.push(`only ${out.length} of ${limit} products available`);
  return out;
}

// A rule's filters merged with the shop's once per (rule, shop filters) pair, not per request.
const mergedFilters = new WeakMap<Rule, { shop: RecommendationFilters; value: RecommendationFilters }>();
function filtersFor(shop: RecommendationFilters, rule: Rule | null): RecommendationFilters {
  if (!rule?.filters) return shop;
  const hit = mergedFilters.get(rule);
  if (hit && hit.shop === shop) return hit.value;
  const value = mergeFilters(shop, rule.filters);
  mergedFilters.set(rule, { shop, value });
  return value;
}

/** opts.explain (default true): false leaves out segment reasons, for callers that do not show them. */
export function decide(deps: DecideDeps, context: ShopperContext, opts: { limit: number; explain?: boolean }): Decision {
  const { store, config } = deps;
  const prep = prepare(config);
  const limit = Math.max(0, Math.floor(opts.limit));
  const customer = context.customerId != null ? store.customer(context.customerId) : undefined;
  const optOut = customer?.personalizationOptOut === true;

  const priced = withCartPrices(context, (id) => store.product(id));
  const ctx = optOut ? depersonalize(priced) : priced;
  const profile = profileFor(deps, priced, optOut);
  // Identity still counts as context ("logged in", returning visitor) for opted-out shoppers.
  const subjectCtx = optOut ? { ...ctx, customerId: context.customerId } : ctx;

  const explanation: string[] = [];
  if (optOut) explanation.push("customer opted out of personalization: context-only segments, trending products");

  const loyalty = optOut || context.customerId == null ? null : (store.loyaltyOf?.(context.customerId) ?? null);
  const matched: MatchedSegment[] = matchSegments(prep.segments, { profile, context: subjectCtx, loyalty }, { allowPersonal: !optOut, currency: config.currency, explain: opts.explain });
  const resolution = resolveRule(prep.rules, {
    placement: context.placement,
    now: context.now,
    segments: matched,
    segmentName: (id) => prep.names.get(id),
  });
  explanation.push(...resolution.explanation);

  const primary = resolution.strategy;
  // The app embed shows offers, never a product row, whatever a rule says.
  const showsProducts = primary !== null && context.placement !== "app_embed";
  const strategy: StrategyName | null = !showsProducts ? null : optOut ? "trending" : primary;
  const chain: readonly StrategyName[] = !showsProducts ? [] : optOut ? ["trending"] : [primary, ...(config.fallbacks?.[primary] ?? FALLBACK_CHAINS[primary])];
  const filters = filtersFor(config.filters, resolution.rule);
  const products = limit > 0 && chain.length > 0 ? fillProducts(deps, filters, chain, ctx, limit, explanation) : [];

  const decision: Decision = {
    placement: context.placement,
    personalized: !optOut,
    segments: matched.map((m) => m.id),
    rule: resolution.rule ? { id: resolution.rule.id, name: resolution.rule.name } : null,
    explanation,
    content: resolution.content,
    offer: resolution.offer,
    strategy,
    products,
    skipped: resolution.skipped,
  };
  if (opts.explain !== false) decision.matched = matched;
  if (context.placement === "app_embed") {
    const vo = resolveVisitorOffer(profile, subjectCtx, config.visitorOffers, { vipThresholdCents: config.vipThresholdCents, lapsedChurnRatio: config.lapsedChurnRatio }, config.currency);
    decision.visitorOffer = vo;
    explanation.push(vo ? `visitor offer ${vo.kind}: ${vo.reason}` : "no visitor offer applies");
  }
  return decision;
}

/** Convenience for callers holding a partial config (tests, demo): defaults fill the rest. */
export function withDefaults(partial: Partial<ShopConfig>): ShopConfig {
  return { ...DEFAULT_SHOP_CONFIG, ...partial };
}
