import type { StoreModel } from "../model/store-model";
import { ASSOCIATION } from "./params";
import { titleOf, type Candidate, type RecsContext } from "./context";
import { listCandidates, NO_RANKED, rankedCandidates, TopK, type Ranked } from "./top-k";

/** An item's neighbours, best first. */
export type Neighbours = Ranked;

/**
 * Co-purchase partners of item i scored as shrunk confidence times how much the pairing beats
 * chance: conf = co / (n_i + prior) says "how often does an order with i also hold j", and
 * (1 - 1/lift)^e, lift = co * N / (n_i * n_j), is 0 for a partner that is in every basket anyway
 * (bags, milk) and tends to 1 for a specific complement. Raw co-counts would recommend the
 * best-seller next to everything.
 */
export function boughtTogetherOf(model: StoreModel, i: number): Neighbours {
  return model.cachedForItem(`bt:${i}`, i, () => {
    const st = model.stats;
    const co = st.coBasket[i];
    const ni = st.basketsWith[i];
    if (!co || ni <= 0) return NO_RANKED;
    const N = Math.max(1, st.totalBaskets);
    const sel = new TopK(ASSOCIATION.keep);
    const { minSupport, confidencePrior, liftExponent } = ASSOCIATION;
    co.forEach((j, c) => {
      if (c < minSupport) return;
      const lift = (c * N) / (ni * Math.max(1, st.basketsWith[j]));
      if (lift <= 1) return;
      sel.offer(j, (c / (ni + confidencePrior)) * Math.pow(1 - 1 / lift, liftExponent));
    });
    return sel.result();
  });
}

/**
 * Item-to-item cosine over buyers: |B_i ∩ B_j| / sqrt(|B_i| |B_j|), where a buyer is a customer (or a
 * guest order), so it captures "people who bought i later also bought j", not only same-basket pairs.
 */
export function alsoBoughtOf(model: StoreModel, i: number, keep = ASSOCIATION.keep): Neighbours {
  // A shorter list is the longer one's prefix (same order, same tie-break): one computation serves
  // picked_for_you's neighbours and the also-bought row.
  if (keep < ASSOCIATION.keep) {
    const full = alsoBoughtOf(model, i);
    return full.ids.length <= keep ? full : { ids: full.ids.subarray(0, keep), scores: full.scores.subarray(0, keep) };
  }
  return model.cachedForItem(`ab:${i}:${keep}`, i, () => {
    const st = model.stats;
    const co = st.coBuyer[i];
    const bi = st.buyers[i];
    if (!co || bi <= 0) return NO_RANKED;
    const sel = new TopK(keep);
    co.forEach((j, c) => {
      if (c > 0) sel.offer(j, c / Math.sqrt(bi * Math.max(1, st.buyers[j])));
    });
    return sel.result();
  });
}

/** The item(s) the request is about: the viewed product, else the cart, else recently viewed, else the last order. */
export function seedItems(ctx: RecsContext): number[] {
  if (ctx.viewing >= 0) return [ctx.viewing];
  if (ctx.cart.length) return ctx.cart;
  for (const id of ctx.req.context.recentlyViewed ?? []) {
    const i = ctx.model.productIndex(id);
    if (i >= 0) return [i];
  }
  const last = ctx.history[ctx.history.length - 1];
  return last ? Array.from(last.items) : [];
}

const MAX_CANDIDATES = 100;

export function boughtTogether(ctx: RecsContext): Iterable<Candidate> {
  const seeds = seedItems(ctx);
  if (seeds.length === 0) return [];
  if (seeds.length > 1) return cartComplementsFrom(ctx, seeds, ctx.cart.length > 0);
  const seed = seeds[0];
  return listCandidates(boughtTogetherOf(ctx.model, seed), `Often bought with ${titleOf(ctx.model, seed)}`);
}

export function alsoBought(ctx: RecsContext): Iterable<Candidate> {
  const seeds = seedItems(ctx);
  if (seeds.length === 0) return [];
  // One seed (a product page): its neighbour list is already ranked, with the same tie-break.
  if (seeds.length === 1) return listCandidates(alsoBoughtOf(ctx.model, seeds[0]), alsoBoughtReason(ctx, seeds[0]), MAX_CANDIDATES);
  const scores = new Map<number, number>();
  const from = new Map<number, number>();
  for (const s of seeds) {
    const nb = alsoBoughtOf(ctx.model, s);
    for (let k = 0; k < nb.ids.length; k++) {
      const j = nb.ids[k];
      const v = nb.scores[k];
      const prev = scores.get(j) ?? 0;
      scores.set(j, prev + v);
      if (!from.has(j) || v > prev) from.set(j, s);
    }
  }
  return rankedCandidates(scores, (idx) => alsoBoughtReason(ctx, from.get(idx)!), MAX_CANDIDATES);
}

const alsoBoughtReason = (ctx: RecsContext, seed: number) => `Customers who bought ${titleOf(ctx.model, seed)} also bought this`;

export function cartComplements(ctx: RecsContext): Iterable<Candidate> {
  if (ctx.cart.length) return cartComplementsFrom(ctx, ctx.cart, true);
  return cartComplementsFrom(ctx, seedItems(ctx), false);
}

/**
 * Each cart item votes with its partners' scores normalised to its own best partner, so a cart of
 * one niche item and one best-seller is not dominated by the best-seller; a partner that complements
 * several cart items collects several votes.
 */
function cartComplementsFrom(ctx: RecsContext, seeds: number[], inCart: boolean): Iterable<Candidate> {
  const scores = new Map<number, number>();
  const lists: [number, Neighbours][] = [];
  for (const s of new Set(seeds)) {
    const partners = boughtTogetherOf(ctx.model, s);
    if (partners.ids.length === 0) continue;
    lists.push([s, partners]);
    const top = partners.scores[0];
    for (let k = 0; k < partners.ids.length; k++) {
      const j = partners.ids[k];
      scores.set(j, (scores.get(j) ?? 0) + partners.scores[k] / top);
    }
  }
  // Names the first two cart items that voted for the candidate (only shown candidates get here).
  const reason = (idx: number) => {
    const names: string[] = [];
    for (const [s, partners] of lists) if (names.length < 2 && partners.ids.includes(idx)) names.push(titleOf(ctx.model, s));
    const what = names.length > 1 ? `${names[0]} and ${names[1]}` : names[0];
    return `Goes well with ${what}${inCart ? " in your cart" : ""}`;
  };
  return rankedCandidates(scores, reason, MAX_CANDIDATES);
}
