/**
 * Whether a product is bought again, learned from the shop's own orders rather than from a setting.
 *
 * An item's repeat rate is the share of its buyers who bought it in two or more orders (ItemStats
 * keeps both counts exactly). Rare items say little on their own, so the rate is shrunk towards its
 * product type's rate, and the type's towards the whole shop's (empirical Bayes with pseudo-counts):
 * a new tea in a shop whose teas are re-bought is re-buyable from its first day; a kettle is not,
 * however often kettles sell. For one shopper, a product they have themselves bought in two or more
 * orders is re-buyable whatever the shop says. The merchant's consumable types stay an override.
 */
import type { StoreModel } from "../model/store-model";

export const REPEAT_LEARNING = {
  /** Learned repeat rate at which an already-bought product may be shown again to its buyer. */
  threshold: 0.1,
  /** Pseudo-buyers pulling a product type's rate towards the shop's (weak: a type pools many products' buyers). */
  typePrior: 5,
  /** Pseudo-buyers pulling a product's rate towards its type's. */
  itemPrior: 10,
};

export interface RepeatCounts {
  /** Distinct buyers. */
  buyers: number;
  /** Buyers who bought in two or more orders. */
  repeat: number;
}

export interface RepeatProfile {
  shop: RepeatCounts;
  /** Lowercase product type -> counts summed over the type's products. */
  types: Map<string, RepeatCounts>;
}

/**
 * Per-type sums, recomputed once the statistics have drifted by 0.1% of all orders (as the
 * shop-wide rankings are): a burst of webhooks does not re-sum the catalogue before every request.
 */
export function repeatProfile(model: StoreModel): RepeatProfile {
  return model.cachedRanking("repeatProfile", () => {
    const st = model.stats;
    const shop: RepeatCounts = { buyers: 0, repeat: 0 };
    const types = new Map<string, RepeatCounts>();
    for (let i = 0; i < model.productCapacity; i++) {
      const p = model.productAt(i);
      const buyers = st.buyers[i] ?? 0;
      if (!p || buyers === 0) continue;
      const repeat = st.repeatBuyers[i] ?? 0;
      shop.buyers += buyers;
      shop.repeat += repeat;
      const key = p.productType.toLowerCase();
      const t = types.get(key);
      if (t) (t.buyers += buyers), (t.repeat += repeat);
      else types.set(key, { buyers, repeat });
    }
    return { shop, types };
  });
}

const rate = (c: RepeatCounts | undefined, prior: number, base: number) => ((c?.repeat ?? 0) + prior * base) / ((c?.buyers ?? 0) + prior);

/** The learned (shrunk) repeat rate of product idx's type, 0..1. */
export function typeRepeatRate(model: StoreModel, idx: number, profile = repeatProfile(model)): number {
  const p = model.productAt(idx);
  const shop = profile.shop.buyers > 0 ? profile.shop.repeat / profile.shop.buyers : 0;
  return p ? rate(profile.types.get(p.productType.toLowerCase()), REPEAT_LEARNING.typePrior, shop) : shop;
}

/** The learned (shrunk) repeat rate of product idx, 0..1. */
export function repeatRate(model: StoreModel, idx: number, profile = repeatProfile(model)): number {
  const st = model.stats;
  return rate({ buyers: st.buyers[idx] ?? 0, repeat: st.repeatBuyers[idx] ?? 0 }, REPEAT_LEARNING.itemPrior, typeRepeatRate(model, idx, profile));
}

/** Shop data says this product is bought again (the shopper's own history is checked by the caller). */
export function learnedRebuyable(model: StoreModel, idx: number, profile = repeatProfile(model)): boolean {
  return repeatRate(model, idx, profile) >= REPEAT_LEARNING.threshold;
}

/**
 * Why a product counts as re-bought, in real numbers: the product's own buyers when it has enough of
 * them, else its type's ("shoppers here re-buy 42% of the Tea they try"). null when neither has any repeat.
 */
export function repeatEvidence(model: StoreModel, idx: number, profile = repeatProfile(model)): string | null {
  const st = model.stats;
  const buyers = st.buyers[idx] ?? 0;
  const repeat = st.repeatBuyers[idx] ?? 0;
  if (buyers >= REPEAT_LEARNING.itemPrior && repeat > 0) return `${repeat} of ${buyers} shoppers who bought this bought it again`;
  const p = model.productAt(idx);
  const t = p ? profile.types.get(p.productType.toLowerCase()) : undefined;
  if (!p || !p.productType || !t || t.repeat === 0) return null;
  return `shoppers here re-buy ${Math.round((100 * t.repeat) / t.buyers)}% of the ${p.productType} they try`;
}
