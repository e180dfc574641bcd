import type { StoreModel } from "../model/store-model";
import { seedItems } from "./association";
import { attributeKeys, keysOf } from "./attributes";
import { titleOf, type Candidate, type RecsContext } from "./context";
import { trending } from "./popularity";
import { listCandidates, NO_RANKED, rankedCandidates, TopK, type Ranked } from "./top-k";

/** Weight of sharing each kind of catalog attribute, before the rarity (idf) factor. */
const WEIGHTS = { t: 3, c: 2, v: 1.5, g: 1 } as const;
type Kind = keyof typeof WEIGHTS;
/** Bounds the work per seed on catalogs where one attribute covers thousands of products. */
const SCAN_PER_ATTRIBUTE = 1500;
/** Neighbours kept per product: far more than any row shows after filtering. */
const SIMILAR_KEEP = 200;

interface AttributeIndex {
  postings: Map<string, Int32Array>;
  products: number;
}

/** Inverted index attribute -> products, rebuilt only when the catalog changes. */
function attributeIndex(model: StoreModel): AttributeIndex {
  return model.cached("attributes", false, () => {
    const lists = new Map<string, number[]>();
    let products = 0;
    for (let i = 0; i < model.productCapacity; i++) {
      const p = model.productAt(i);
      if (!p) continue;
      products++;
      for (const k of new Set(keysOf(p))) {
        const l = lists.get(k);
        if (l) l.push(i);
        else lists.set(k, [i]);
      }
    }
    // Best-sellers first, so the capped scan of a huge attribute (a 3,000-product type) sees the
    // products shoppers actually buy.
    const sold = model.stats.basketsWith;
    const postings = new Map<string, Int32Array>();
    for (const [k, l] of lists) postings.set(k, Int32Array.from(l.sort((a, b) => (sold[b] ?? 0) - (sold[a] ?? 0) || a - b)));
    return { postings, products };
  });
}

/** Per-product score accumulator reused by every similarTo computation (engine code is synchronous). */
let scratch = new Float64Array(0);

/**
 * Catalog similarity for cold start: shared type, collections, vendor and tags, each weighted by how
 * rare the attribute is (sharing a 5-product collection says more than sharing the "sale" tag), times
 * closeness in price (same price band scores highest). Needs no orders at all. The best SIMILAR_KEEP,
 * best first (ties: lower index first).
 */
export function similarTo(model: StoreModel, seed: number): Ranked {
  return model.cached(`sim:${seed}`, false, () => {
    const p = model.productAt(seed);
    if (!p) return NO_RANKED;
    const { postings, products } = attributeIndex(model);
    if (scratch.length < model.productCapacity) scratch = new Float64Array(model.productCapacity);
    const scores = scratch;
    const touched: number[] = [];
    for (const key of attributeKeys(model, seed)) {
      const list = postings.get(key);
      if (!list || list.length <= 1) continue;
      const w = WEIGHTS[key[0] as Kind] * Math.log(1 + products / list.length);
      const n = Math.min(list.length, SCAN_PER_ATTRIBUTE);
      for (let k = 0; k < n; k++) {
        const j = list[k];
        if (j === seed) continue;
        if (scores[j] === 0) touched.push(j);
        scores[j] += w;
      }
    }
    const top = new TopK(SIMILAR_KEEP);
    for (const j of touched) {
      top.offer(j, scores[j] * priceCloseness(p.priceCents, model.productAt(j)!.priceCents));
      scores[j] = 0;
    }
    return top.result();
  });
}

/** 1 for the same price, 0.5 at a factor of e apart; unknown (zero) prices are neutral. */
function priceCloseness(a: number, b: number): number {
  if (a <= 0 || b <= 0) return 0.75;
  return 1 / (1 + Math.abs(Math.log(a / b)));
}

const PER_SEED = 60;
const MAX_CANDIDATES = 100;

export function similarProducts(ctx: RecsContext): Iterable<Candidate> {
  const seeds = seedItems(ctx);
  // One seed: its list is already ranked, with the same tie-break.
  if (seeds.length === 1) return listCandidates(similarTo(ctx.model, seeds[0]), similarReason(ctx, seeds[0]), Math.min(PER_SEED, MAX_CANDIDATES));
  const scores = new Map<number, number>();
  const from = new Map<number, number>();
  for (const s of seeds.slice(0, 5)) {
    const list = similarTo(ctx.model, s);
    // Each seed's best PER_SEED neighbours are enough to fill a row after filtering.
    for (let k = 0; k < Math.min(list.ids.length, PER_SEED); k++) {
      const j = list.ids[k];
      const v = list.scores[k];
      const prev = scores.get(j) ?? 0;
      scores.set(j, prev + v);
      if (v > prev) from.set(j, s);
    }
  }
  // With nothing to be similar to (a first visit), the shop's trending items are the sensible start.
  if (!seeds.length) return trending(ctx);
  return rankedCandidates(scores, (idx) => similarReason(ctx, from.get(idx)!), MAX_CANDIDATES);
}

const similarReason = (ctx: RecsContext, seed: number) => `Similar to ${titleOf(ctx.model, seed)}`;
