/**
 * A real cohort for "Popular with shoppers who buy Coffee": the shoppers who buy the shopper's
 * favourite product type (the type in most of their recent orders). What the cohort buys comes from
 * the buyer co-occurrence counts ItemStats keeps: for the type's best-selling products (its core),
 * every product's count of buyers shared with them, as a share of the core's buyers.
 *
 * No cohort (null) when the type is bought by most of the shop (then "shoppers who buy X" is just
 * everybody, and the label would claim a cohort that is not one) or has too few buyers to say
 * anything.
 */
import type { OrderRecord } from "../model/order-record";
import type { StoreModel } from "../model/store-model";
import { repeatProfile } from "./repeat";
import { TopK } from "./top-k";

export const COHORT = {
  /** The type's best-selling products whose buyers define the cohort. */
  core: 20,
  /** Products kept per cohort ranking. */
  keep: 200,
  /** Fewer buyers of the type than this: no cohort. */
  minBuyers: 5,
  /** A type bought by this share of the shop's buyers or more is everybody, not a cohort. */
  maxShopShare: 0.5,
  /** The shopper's recent orders that decide their favourite type. */
  recentOrders: 20,
};

export interface Cohort {
  /** The product type as the catalogue spells it ("Coffee"). */
  type: string;
  /** Buyers of the core products (a shopper counts once per core product bought). */
  size: number;
  /** Product index -> share of the cohort who bought it, best first. */
  share: Map<number, number>;
}

/** The lowercase product type in most of the shopper's recent orders (ties: the most recent). */
export function favouriteType(model: StoreModel, history: readonly OrderRecord[]): string | null {
  const counts = new Map<string, number>();
  let best: string | null = null;
  let bestN = 0;
  // Newest first, so on a tie the type bought most recently stays ahead.
  for (let b = history.length - 1; b >= Math.max(0, history.length - COHORT.recentOrders); b--) {
    const seen = new Set<string>();
    for (const i of history[b].items) {
      const t = model.productAt(i)?.productType.toLowerCase();
      if (!t || seen.has(t)) continue;
      seen.add(t);
      const n = (counts.get(t) ?? 0) + 1;
      counts.set(t, n);
      if (n > bestN) (best = t), (bestN = n);
    }
  }
  return best;
}

/** The cohort of a product type, recomputed as the shop-wide rankings are (0.1% drift). */
export function cohortOfType(model: StoreModel, type: string): Cohort | null {
  return model.cachedRanking(`cohort:${type}`, () => {
    const st = model.stats;
    const profile = repeatProfile(model);
    const counts = profile.types.get(type);
    if (!counts || counts.buyers < COHORT.minBuyers || counts.buyers >= COHORT.maxShopShare * profile.shop.buyers) return null;
    const core = new TopK(COHORT.core);
    let name = type;
    for (let i = 0; i < model.productCapacity; i++) {
      const p = model.productAt(i);
      if (!p || p.productType.toLowerCase() !== type || !(st.buyers[i] > 0)) continue;
      name = p.productType;
      core.offer(i, st.buyers[i]);
    }
    const top = core.result();
    let size = 0;
    const acc = new Map<number, number>();
    for (const i of top.ids) {
      size += st.buyers[i];
      acc.set(i, (acc.get(i) ?? 0) + st.buyers[i]);
      st.coBuyer[i]?.forEach((j, c) => {
        if (c > 0) acc.set(j, (acc.get(j) ?? 0) + c);
      });
    }
    const keep = new TopK(COHORT.keep);
    for (const [j, c] of acc) keep.offer(j, c / size);
    const ranked = keep.result();
    const share = new Map<number, number>();
    for (let k = 0; k < ranked.ids.length; k++) share.set(ranked.ids[k], ranked.scores[k]);
    return { type: name, size, share };
  });
}

/** The shopper's cohort, or null (no history, no favourite type, or its type is not a cohort). */
export function cohortFor(model: StoreModel, history: readonly OrderRecord[]): Cohort | null {
  const type = favouriteType(model, history);
  return type ? cohortOfType(model, type) : null;
}
