import type { CatalogProduct, RecommendRequest, StrategyName } from "../types";
import type { OrderRecord } from "../model/order-record";
import type { StoreModel } from "../model/store-model";

/**
 * A strategy's raw output: product index, score (higher is better) and the shopper-facing reason.
 * The reason may be a function of the candidate's index: a strategy ranks a hundred candidates and
 * a row shows four, so reasons naming other products are only written for the ones shown.
 */
export interface Candidate {
  idx: number;
  score: number;
  reason: string | ((idx: number) => string);
  /** Set when a fallback produced the candidate, so the row says honestly where it came from. */
  strategy?: StrategyName;
}

/** Everything a strategy needs for one request, resolved once. */
export interface RecsContext {
  model: StoreModel;
  req: RecommendRequest;
  now: number;
  /** null for guests and for shoppers who opted out of personalization. */
  customerId: string | null;
  /** The shopper's orders, oldest first; empty for guests and opted-out shoppers. */
  history: readonly OrderRecord[];
  /** Cart product indexes (known products only). */
  cart: number[];
  /** Product being viewed, or -1. */
  viewing: number;
  /** Hard business filters: would this product be allowed in the row at all? */
  eligible(idx: number): boolean;
  /** How many candidates a strategy should try to produce (limit plus headroom for diversity). */
  want: number;
}

/** Product title for reasons, falling back to a neutral phrase for unknown products. */
export function titleOf(model: StoreModel, idx: number): string {
  return model.productAt(idx)?.title ?? "an item you liked";
}

export function isConsumable(p: CatalogProduct | undefined, consumableTypes: ReadonlySet<string>): boolean {
  return !!p && consumableTypes.has(p.productType.toLowerCase());
}

/** A fallback's candidates, each labelled with the strategy that produced it unless already labelled. */
export function* labelled(candidates: Iterable<Candidate>, strategy: StrategyName): Generator<Candidate> {
  for (const c of candidates) yield c.strategy ? c : { ...c, strategy };
}
