import type { StoreModel } from "../model/store-model";
import { type Candidate, type RecsContext } from "./context";
import { attributeKeys } from "./attributes";
import { topIndexes } from "./top-k";
import { countryName } from "../region";

export { countryName };

/** How many ranked items the cached popularity lists hold; filters rarely reject more than this. */
const RANKED = 400;
const DAY = 86_400_000;
/** "New arrivals" considers the newest this many products; older ones are not new to anybody. */
const NEWEST = 300;
const TASTE_BASKETS = 20;
const MAX_CANDIDATES = 100;

/** Items by time-decayed popularity (decay reference is shared, so the ranking is time-invariant). */
export function trendingRanking(model: StoreModel): Int32Array {
  return model.cachedRanking("trending", () => {
    const t = model.stats.trend;
    return topIndexes(model.productCapacity, (i) => t[i], RANKED);
  });
}

/** Items by plain order count (long-run popularity). */
export function popularRanking(model: StoreModel): Int32Array {
  return model.cachedRanking("popular", () => {
    const b = model.stats.basketsWith;
    return topIndexes(model.productCapacity, (i) => b[i], RANKED);
  });
}

export function trending(ctx: RecsContext): Candidate[] {
  const { model, now } = ctx;
  const out: Candidate[] = [];
  for (const i of trendingRanking(model)) {
    if (!ctx.eligible(i)) continue;
    out.push({ idx: i, score: model.stats.trendAt(i, now), reason: "Trending right now", strategy: "trending" });
    if (out.length >= ctx.want) break;
  }
  return out;
}

export function trendingInCountry(ctx: RecsContext): Candidate[] {
  const country = (ctx.req.context.country ?? "").toUpperCase();
  const m = country ? ctx.model.stats.countryTrend.get(country) : undefined;
  if (!m) return trending(ctx);
  const ranked = ctx.model.cachedRanking(`trend:${country}`, () =>
    [...m].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, RANKED),
  );
  const factor = Math.exp((ctx.model.stats.trendRef - ctx.now) / ctx.model.stats.tau);
  const where = countryName(country);
  const buyers = recentBuyers(ctx.model, country, ctx.now);
  // The real count behind the pick when there is one this month; the decayed trend alone otherwise.
  const reason = (idx: number) => {
    const n = buyers.get(idx) ?? 0;
    return n >= 2 ? `Bought by ${n} shoppers in ${where} this month` : `Popular in ${where}`;
  };
  const out: Candidate[] = [];
  for (const [idx, v] of ranked) {
    if (!ctx.eligible(idx)) continue;
    out.push({ idx, score: v * factor, reason });
    if (out.length >= ctx.want) break;
  }
  // A small country's list runs out fast: top up with shop-wide trending rather than a short row.
  return out.length >= ctx.want ? out : out.concat(trending(ctx));
}

/** "This month" in reasons: the last 30 days. */
export const MONTH_DAYS = 30;

/**
 * Distinct shoppers per product who bought it in `country` in the last MONTH_DAYS days (a guest
 * order is one shopper), from the model's recent orders; recomputed per day and as the statistics
 * drift (as the rankings are).
 */
export function recentBuyers(model: StoreModel, country: string, now: number): Map<number, number> {
  const day = Math.floor(now / DAY);
  return model.cachedRanking(
    `buyers${MONTH_DAYS}:${country}`,
    () => {
      const since = (day + 1) * DAY - MONTH_DAYS * DAY;
      const seen = new Map<number, Set<number>>();
      const counts = new Map<number, number>();
      for (const rec of model.recentRecords(since)) {
        if (rec.country !== country) continue;
        for (const i of rec.items) {
          if (rec.customer >= 0) {
            let who = seen.get(i);
            if (!who) seen.set(i, (who = new Set()));
            if (who.has(rec.customer)) continue;
            who.add(rec.customer);
          }
          counts.set(i, (counts.get(i) ?? 0) + 1);
        }
      }
      return counts;
    },
    day,
  );
}

export function recentlyViewed(ctx: RecsContext): Candidate[] {
  const ids = ctx.req.context.recentlyViewed ?? [];
  const out: Candidate[] = [];
  ids.forEach((id, rank) => {
    const idx = ctx.model.productIndex(id);
    if (idx >= 0) out.push({ idx, score: 1 / (rank + 1), reason: "You viewed this recently" });
  });
  return out;
}

/** Newest products first (creation time), recomputed only when the catalog changes. */
export function newestProducts(model: StoreModel): Int32Array {
  return model.cached("newest", false, () => {
    const idx: number[] = [];
    for (let i = 0; i < model.productCapacity; i++) if (model.productAt(i)) idx.push(i);
    idx.sort((a, b) => model.productAt(b)!.createdAt - model.productAt(a)!.createdAt || a - b);
    return Int32Array.from(idx.slice(0, NEWEST));
  });
}

/**
 * New products, boosted where they match the shopper's favourite product types, vendors and tags
 * (from their orders, else from what is in the cart or being viewed).
 */
export function newArrivals(ctx: RecsContext): Candidate[] {
  const { model, now } = ctx;
  const taste = tasteProfile(ctx);
  const scored: { idx: number; score: number; why: 0 | 1 | 2 }[] = [];
  for (const i of newestProducts(model)) {
    if (!ctx.eligible(i)) continue;
    const p = model.productAt(i)!;
    const ageDays = Math.max(0, (now - p.createdAt) / DAY);
    const freshness = Math.pow(0.5, ageDays / 30);
    let affinity = 0;
    let why: 0 | 1 | 2 = 0; // 1: favourite type, 2: liked vendor
    if (taste.size) {
      for (const key of attributeKeys(model, i)) {
        const share = taste.get(key);
        if (!share) continue;
        if (key.startsWith("t:")) (affinity += 2 * share), (why = 1);
        else if (key.startsWith("v:")) (affinity += share), (why ||= 2);
        else if (key.startsWith("g:")) affinity += 0.5 * share;
      }
    }
    scored.push({ idx: i, score: freshness * (1 + affinity), why });
  }
  scored.sort((a, b) => b.score - a.score || a.idx - b.idx);
  // Reasons only for candidates that can still make a row after filtering.
  return scored.slice(0, MAX_CANDIDATES).map(({ idx, score, why }) => {
    const p = model.productAt(idx)!;
    const reason = why === 1 ? `New in ${p.productType}, one of your favourites` : why === 2 ? `New from ${p.vendor}, a brand you like` : "Just arrived";
    return { idx, score, reason };
  });
}

/** Shares of the shopper's purchases (or browsing context) per type / vendor / tag key. */
function tasteProfile(ctx: RecsContext): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (i: number, w: number) => {
    for (const k of attributeKeys(ctx.model, i)) if (!k.startsWith("c:")) counts.set(k, (counts.get(k) ?? 0) + w);
  };
  // Recent taste: the last TASTE_BASKETS baskets (a long history would dominate the cost, not the signal).
  for (let b = Math.max(0, ctx.history.length - TASTE_BASKETS); b < ctx.history.length; b++) for (const i of ctx.history[b].items) add(i, 1);
  if (ctx.viewing >= 0) add(ctx.viewing, 1);
  for (const i of ctx.cart) add(i, 1);
  let total = 0;
  for (const [k, v] of counts) if (k.startsWith("t:")) total += v;
  if (total > 0) for (const [k, v] of counts) counts.set(k, v / total);
  return counts;
}


