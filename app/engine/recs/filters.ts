import type { CatalogProduct, Id, Recommendation, RecommendRequest, RecommendationFilters, StrategyName } from "../types";
import type { StoreModel } from "../model/store-model";
import type { OrderRecord } from "../model/order-record";
import { isConsumable, type Candidate } from "./context";
import { learnedRebuyable, repeatProfile } from "./repeat";

export const MAX_LIMIT = 100;

/**
 * The hard filters every strategy obeys: the product exists and can be bought, it is not in the
 * cart nor the page being viewed, the merchant did not exclude it, it fits the price ceiling, and
 * the shopper has not already bought it unless it is bought again: they bought it in two or more
 * orders themselves, the shop's orders say it is re-bought (recs/repeat.ts), or its type is one
 * the merchant lists as consumable (an override, never required).
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
  const owned = ownedOneOffs(model, history, f.consumableProductTypes);
  const ceiling = f.maxPriceCents ?? null;
  return (idx: number) => {
    if (blocked.has(idx)) return false;
    const p = model.productAt(idx);
    if (!p || !p.available || !p.published) return false;
    if (ceiling != null && p.priceCents > ceiling) return false;
    if (owned.has(idx)) return false;
    return true;
  };
}

const NOTHING_OWNED: ReadonlySet<number> = new Set();
/**
 * The last shopper's already-bought products that are not bought again, valid while the model's
 * data version and the consumable override hold (a new order or refund moves the version). One
 * decision asks once per strategy in its fallback chain; keeping only the last shopper keeps
 * nothing per shopper alive between requests.
 */
let lastOwned: { history: readonly OrderRecord[]; version: number; consumables: readonly string[] | undefined; items: Set<number> } | null = null;

function ownedOneOffs(model: StoreModel, history: readonly OrderRecord[], consumables: readonly string[] | undefined): ReadonlySet<number> {
  if (history.length === 0) return NOTHING_OWNED;
  const version = model.dataVersion();
  if (lastOwned && lastOwned.history === history && lastOwned.version === version && lastOwned.consumables === consumables) return lastOwned.items;
  const orders = new Map<number, number>();
  for (const rec of history) for (const i of rec.items) orders.set(i, (orders.get(i) ?? 0) + 1);
  const override = consumables?.length ? new Set(consumables.map((t) => t.toLowerCase())) : null;
  const profile = repeatProfile(model);
  const items = new Set<number>();
  for (const [i, n] of orders) {
    if (n >= 2) continue;
    if (override && isConsumable(model.productAt(i), override)) continue;
    if (learnedRebuyable(model, i, profile)) continue;
    items.add(i);
  }
  lastOwned = { history, version, consumables, items };
  return items;
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
  candidates: Iterable<Candidate>,
): Recommendation[] {
  const limit = Math.max(0, Math.min(MAX_LIMIT, Math.floor(req.limit)));
  const out: Recommendation[] = [];
  if (limit === 0) return out;
  const maxPerType = req.filters?.maxPerProductType;
  const typeCount = new Map<string, number>();
  const seen = new Set<number>();
  const titles: Set<string>[] = [];
  const take = (idx: number, score: number, strategy: StrategyName, reason: Candidate["reason"], pinned: boolean) => {
    if (out.length >= limit || seen.has(idx) || !eligible(idx)) return;
    const p = model.productAt(idx)!;
    const type = maxPerType != null ? p.productType.toLowerCase() : "";
    const tokens = titleTokensOf(p);
    if (!pinned) {
      if (maxPerType != null && (typeCount.get(type) ?? 0) >= maxPerType) return;
      for (const t of titles) if (nearDuplicate(t, tokens)) return;
    }
    seen.add(idx);
    if (maxPerType != null) typeCount.set(type, (typeCount.get(type) ?? 0) + 1);
    titles.push(tokens);
    out.push({ productId: p.id, score, strategy, reason: typeof reason === "string" ? reason : reason(idx) });
  };
  for (const id of req.filters?.pinnedProductIds ?? []) {
    const idx = model.productIndex(id);
    if (idx >= 0) take(idx, 0, req.strategy, "Handpicked by the shop", true);
  }
  const pins = out.length;
  // Candidates are consumed lazily: a strategy's fallbacks are computed only if the row needs them.
  if (out.length < limit) {
    for (const c of candidates) {
      take(c.idx, c.score, c.strategy ?? req.strategy, c.reason, false);
      if (out.length >= limit) break;
    }
  }
  // Pins rank above every product in the row but keep a finite score so the row serialises to JSON.
  let top = 0;
  for (let k = pins; k < out.length; k++) top = Math.max(top, out[k].score);
  for (let k = 0; k < pins; k++) out[k].score = top + 1;
  return out;
}

/** Title tokens per product record, re-derived if the record's title has changed since. */
const tokenCache = new WeakMap<CatalogProduct, { title: string; tokens: Set<string> }>();
function titleTokensOf(p: CatalogProduct): Set<string> {
  const hit = tokenCache.get(p);
  if (hit && hit.title === p.title) return hit.tokens;
  const tokens = titleTokens(p.title);
  tokenCache.set(p, { title: p.title, tokens });
  return tokens;
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
