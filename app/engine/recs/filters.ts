import type { Id, Recommendation, RecommendRequest, RecommendationFilters, StrategyName } from "../types";
import type { StoreModel } from "../model/store-model";
import type { OrderRecord } from "../model/order-record";
import { isConsumable, type Candidate } from "./context";

export const MAX_LIMIT = 100;

/**
 * The hard filters every strategy obeys: the product exists and can be bought, it is not in the
 * cart nor the page being viewed, the merchant did not exclude it, it fits the price ceiling, and
 * the shopper has not already bought it unless it is a consumable.
 */
export function makeEligibility(
  model: StoreModel,
  req: RecommendRequest,
  history: readonly OrderRecord[],
): (idx: number) => boolean {
  const f: RecommendationFilters = req.filters ?? {};
  const blocked = new Set<number>();
  const block = (id: Id | null | undefined) => {
    if (id == null) return;
    const i = model.productIndex(id);
    if (i >= 0) blocked.add(i);
  };
  for (const line of req.context.cart ?? []) block(line.productId);
  block(req.context.productId);
  for (const id of f.excludeProductIds ?? []) block(id);
  const consumables = new Set((f.consumableProductTypes ?? []).map((t) => t.toLowerCase()));
  for (const rec of history) {
    for (const i of rec.items) if (!isConsumable(model.productAt(i), consumables)) blocked.add(i);
  }
  const ceiling = f.maxPriceCents ?? null;
  return (idx: number) => {
    if (blocked.has(idx)) return false;
    const p = model.productAt(idx);
    if (!p || !p.available || !p.published) return false;
    if (ceiling != null && p.priceCents > ceiling) return false;
    return true;
  };
}

/**
 * Turns ranked candidates into the row: merchant pins first, then candidates in order, skipping
 * duplicates, ineligible products, product types already at maxPerProductType and titles that
 * near-duplicate one already in the row (five colours of the same shirt is not a row).
 */
export function assembleRow(
  model: StoreModel,
  req: RecommendRequest,
  eligible: (idx: number) => boolean,
  candidates: readonly Candidate[],
): Recommendation[] {
  const limit = Math.max(0, Math.min(MAX_LIMIT, Math.floor(req.limit)));
  const out: Recommendation[] = [];
  if (limit === 0) return out;
  const maxPerType = req.filters?.maxPerProductType;
  const typeCount = new Map<string, number>();
  const seen = new Set<number>();
  const titles: Set<string>[] = [];
  const take = (idx: number, score: number, strategy: StrategyName, reason: string, pinned: boolean) => {
    if (out.length >= limit || seen.has(idx) || !eligible(idx)) return;
    const p = model.productAt(idx)!;
    const type = p.productType.toLowerCase();
    if (!pinned) {
      if (maxPerType != null && (typeCount.get(type) ?? 0) >= maxPerType) return;
      const tokens = titleTokens(p.title);
      if (titles.some((t) => nearDuplicate(t, tokens))) return;
    }
    seen.add(idx);
    typeCount.set(type, (typeCount.get(type) ?? 0) + 1);
    titles.push(titleTokens(p.title));
    out.push({ productId: p.id, score, strategy, reason });
  };
  // Pins rank above every candidate but keep a finite score so the row serialises to JSON.
  const pinScore = candidates.reduce((m, c) => Math.max(m, c.score), 0) + 1;
  for (const id of req.filters?.pinnedProductIds ?? []) {
    const idx = model.productIndex(id);
    if (idx >= 0) take(idx, pinScore, req.strategy, "Handpicked by the shop", true);
  }
  for (const c of candidates) {
    if (out.length >= limit) break;
    take(c.idx, c.score, c.strategy ?? req.strategy, c.reason, false);
  }
  return out;
}

/** Lower-cased word tokens of a title, ignoring the variant suffix after " - " or " | ". */
export function titleTokens(title: string): Set<string> {
  const base = title.toLowerCase().split(/\s[-|–]\s/)[0];
  return new Set(base.replace(/\([^)]*\)/g, " ").split(/[^\p{L}\p{N}]+/u).filter(Boolean));
}

/** Same base title, or word sets overlapping by 80% or more (Jaccard). */
export function nearDuplicate(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter) >= 0.8;
}
