import type { Recommendation, RecommendRequest, Recommender, StrategyName } from "../types";
import type { StoreModel } from "../model/store-model";
import { alsoBought, boughtTogether, cartComplements } from "./association";
import { labelled, type Candidate, type RecsContext } from "./context";
import { assembleRow, makeEligibility, MAX_LIMIT } from "./filters";
import { buyAgain, pickedForYou } from "./personal";
import { newArrivals, recentlyViewed, trending, trendingInCountry } from "./popularity";
import { similarProducts } from "./similarity";

/** Candidates best first; iterated lazily, so whatever comes after the row is full is never computed. */
type Strategy = (ctx: RecsContext) => Iterable<Candidate>;

const STRATEGIES: Record<StrategyName, Strategy> = {
  bought_together: (ctx) => withFallback(ctx, boughtTogether(ctx)),
  also_bought: (ctx) => withFallback(ctx, alsoBought(ctx)),
  picked_for_you: pickedForYou,
  trending,
  trending_in_country: trendingInCountry,
  buy_again: buyAgain,
  recently_viewed: recentlyViewed,
  new_arrivals: newArrivals,
  cart_complements: (ctx) => withFallback(ctx, cartComplements(ctx)),
  similar_products: similarProducts,
};

/** Strategies whose whole point is the shopper's own signals; empty for guests rather than faked. */
const PERSONAL_ONLY = new Set<StrategyName>(["buy_again"]);

/**
 * One recommendation row. Shoppers who opted out of automated decisions get the shop-wide trending
 * row whatever was asked: no history, browsing or quiz signal of theirs is read.
 */
export function recommend(model: StoreModel, req: RecommendRequest): Recommendation[] {
  const customer = req.context.customerId ? model.customer(req.context.customerId) : undefined;
  const optedOut = customer?.personalizationOptOut === true;
  if (optedOut) {
    req = {
      ...req,
      strategy: "trending",
      context: { ...req.context, customerId: null, recentlyViewed: [], quizAnswers: {} },
    };
  }
  const customerId = req.context.customerId ?? null;
  const history = model.historyOf(customerId);
  const eligible = makeEligibility(model, req, history);
  const cart: number[] = [];
  for (const line of req.context.cart ?? []) {
    const i = model.productIndex(line.productId);
    if (i >= 0 && !cart.includes(i)) cart.push(i);
  }
  const viewing = req.context.productId ? model.productIndex(req.context.productId) : -1;
  const limit = Math.max(0, Math.min(MAX_LIMIT, Math.floor(req.limit)));
  const ctx: RecsContext = {
    model,
    req,
    now: req.context.now,
    customerId,
    history,
    cart,
    viewing,
    eligible,
    want: limit * 3 + (req.filters?.pinnedProductIds?.length ?? 0) + 10,
  };
  if (limit === 0) return [];
  if (PERSONAL_ONLY.has(req.strategy) && history.length === 0) return [];
  const candidates = STRATEGIES[req.strategy](ctx);
  return assembleRow(model, req, eligible, candidates);
}

/** The model's rows as decide() asks for them. */
export function recommenderFor(model: StoreModel): Recommender {
  return { recommend: (req) => recommend(model, req) };
}

/**
 * Co-purchase rows on a young store (or for a brand-new product) would come back short: top them up
 * with catalog-similar products, then trending, each labelled with the strategy that produced it.
 * The top-up is computed only when the row is still short after the primary candidates.
 */
function* withFallback(ctx: RecsContext, primary: Iterable<Candidate>): Generator<Candidate> {
  yield* primary;
  yield* labelled(similarProducts(ctx), "similar_products");
  yield* trending(ctx);
}
