import { bulkPairs } from "./bulk-pairs";
import { IntCounter } from "./int-counter";
import type { OrderRecord } from "./order-record";

export interface StatsOptions {
  /** Half-life of the time-decayed popularity behind "trending". */
  trendingHalfLifeDays: number;
  /**
   * A cached neighbour list of an item is reused until the item has changed this many times per
   * order it appeared in when the list was computed (0.05 = 5% drift). Small items refresh on every
   * change; a best-seller's list is not recomputed on every one of its thousands of orders.
   */
  neighbourStaleness: number;
  /** Baskets with more distinct items skip pair counting (wholesale orders say little about pairs). */
  maxBasketForPairs: number;
  /** Customers with more distinct items skip buyer-pair counting (bounds work per order). */
  maxBuyerItemsForPairs: number;
}

const DAY = 86_400_000;
/** Rebase the decay reference before exp() could overflow a double. */
const MAX_EXPONENT = 500;

/**
 * Aggregate item statistics, all exactly reversible: every contribution is a pure function of an
 * order (basket side) or of a buyer's item counts (buyer side), so retracting and re-applying an
 * order leaves the same numbers as never having applied the old version.
 */
export class ItemStats {
  /** Orders containing the item. */
  basketsWith: number[] = [];
  /** Distinct buyers (customers, or a guest order each) who bought the item. */
  buyers: number[] = [];
  /** Changes to anything about the item so far; lets per-item caches decide when they are stale. */
  changes: number[] = [];
  /** Buyers who bought the item in two or more orders: the item's repeat propensity. */
  repeatBuyers: number[] = [];
  /** Orders containing both items. */
  coBasket: (IntCounter | undefined)[] = [];
  /** Buyers who bought both items (for item-to-item cosine). */
  coBuyer: (IntCounter | undefined)[] = [];
  /** Sum over orders of exp((createdAt - trendRef) / tau). */
  trend: number[] = [];
  trendRef = 0;
  countryTrend = new Map<string, Map<number, number>>();
  totalBaskets = 0;
  totalBuyers = 0;
  /** Bumped on every change; lets readers cache derived lists. */
  version = 0;
  readonly tau: number;

  constructor(readonly opts: StatsOptions) {
    this.tau = (opts.trendingHalfLifeDays * DAY) / Math.LN2;
  }

  ensure(n: number): void {
    for (let i = this.basketsWith.length; i < n; i++) {
      this.basketsWith.push(0);
      this.changes.push(0);
      this.buyers.push(0);
      this.repeatBuyers.push(0);
      this.trend.push(0);
      this.coBasket.push(undefined);
      this.coBuyer.push(undefined);
    }
  }

  /** Adds (sign 1) or retracts (sign -1) an order's basket-level contribution. */
  basket(rec: OrderRecord, sign: 1 | -1): void {
    const items = rec.items;
    if (items.length === 0) return;
    this.version++;
    this.totalBaskets += sign;
    const w = sign * this.trendWeight(rec.createdAt);
    let ct: Map<number, number> | undefined;
    if (rec.country) {
      ct = this.countryTrend.get(rec.country);
      if (!ct) this.countryTrend.set(rec.country, (ct = new Map()));
    }
    for (let a = 0; a < items.length; a++) {
      const i = items[a];
      this.changes[i]++;
      this.basketsWith[i] += sign;
      this.trend[i] = settle(this.trend[i] + w, w);
      if (ct) {
        const v = settle((ct.get(i) ?? 0) + w, w);
        if (v === 0) ct.delete(i);
        else ct.set(i, v);
      }
    }
    if (items.length <= this.opts.maxBasketForPairs) addPairs(this.coBasket, items, sign);
  }

  /**
   * Moves one buyer from item counts `before` to `after` (orders containing each item). A new
   * customer order only adds items, a retraction only removes them, so the pair delta is the new (or
   * lost) items against the items kept.
   */
  buyer(before: Map<number, number>, after: Map<number, number>): void {
    this.version++;
    if (before.size === 0 && after.size > 0) this.totalBuyers++;
    if (before.size > 0 && after.size === 0) this.totalBuyers--;
    const gained: number[] = [];
    const lost: number[] = [];
    for (const [i, n] of after) {
      const was = before.get(i) ?? 0;
      if (was === 0) gained.push(i);
      if (n >= 2 && was < 2) this.repeatBuyers[i]++;
    }
    for (const [i, was] of before) {
      const n = after.get(i) ?? 0;
      if (n === 0) lost.push(i);
      if (was >= 2 && n < 2) this.repeatBuyers[i]--;
    }
    for (const i of gained) this.buyers[i]++, this.changes[i]++;
    for (const i of lost) this.buyers[i]--, this.changes[i]++;
    if (gained.length === 0 && lost.length === 0) return;
    const cap = this.opts.maxBuyerItemsForPairs;
    if (before.size <= cap && after.size <= cap) {
      if (gained.length) this.pairDelta(gained, before, 1);
      if (lost.length) this.pairDelta(lost, after, -1);
      // A mixed change (order edited to swap items) is handled by the caller as retract + apply.
      return;
    }
    for (const i of before.keys()) this.changes[i]++;
    for (const i of after.keys()) this.changes[i]++;
    if (before.size <= cap) addPairs(this.coBuyer, Int32Array.from(before.keys()), -1);
    if (after.size <= cap) addPairs(this.coBuyer, Int32Array.from(after.keys()), 1);
  }

  /**
   * Full build: every order and every buyer's complete item counts at once. Produces exactly the
   * state that applying them one by one would (the incremental tests compare the two).
   */
  bulkLoad(records: Iterable<OrderRecord>, buyers: readonly Map<number, number>[], nItems: number): void {
    this.ensure(nItems);
    this.version++;
    const baskets: Int32Array[] = [];
    for (const rec of records) {
      if (rec.items.length === 0) continue;
      baskets.push(rec.items);
      this.totalBaskets++;
      const w = this.trendWeight(rec.createdAt);
      let ct: Map<number, number> | undefined;
      if (rec.country) {
        ct = this.countryTrend.get(rec.country);
        if (!ct) this.countryTrend.set(rec.country, (ct = new Map()));
      }
      for (const i of rec.items) {
        this.basketsWith[i]++;
        this.trend[i] += w;
        if (ct) ct.set(i, (ct.get(i) ?? 0) + w);
      }
    }
    const buyerSets: Int32Array[] = [];
    for (const counts of buyers) {
      if (counts.size === 0) continue;
      this.totalBuyers++;
      for (const [i, n] of counts) {
        this.buyers[i]++;
        if (n >= 2) this.repeatBuyers[i]++;
      }
      buyerSets.push(Int32Array.from(counts.keys()));
    }
    this.coBasket = bulkPairs(baskets, nItems, this.opts.maxBasketForPairs);
    this.coBuyer = bulkPairs(buyerSets, nItems, this.opts.maxBuyerItemsForPairs);
  }

  trendWeight(createdAt: number): number {
    let x = (createdAt - this.trendRef) / this.tau;
    if (x > MAX_EXPONENT) {
      this.rebaseTrend(createdAt);
      x = 0;
    }
    return Math.exp(x);
  }

  /** Trend of item i as "decayed orders" at time now. */
  trendAt(i: number, now: number): number {
    return this.trend[i] * Math.exp((this.trendRef - now) / this.tau);
  }

  private rebaseTrend(newRef: number): void {
    const f = Math.exp((this.trendRef - newRef) / this.tau);
    for (let i = 0; i < this.trend.length; i++) this.trend[i] *= f;
    for (const m of this.countryTrend.values()) for (const [k, v] of m) m.set(k, v * f);
    this.trendRef = newRef;
  }

  private pairDelta(changed: number[], kept: Map<number, number>, sign: 1 | -1): void {
    const co = this.coBuyer;
    for (let a = 0; a < changed.length; a++) {
      const i = changed[a];
      const ci = co[i] ?? (co[i] = new IntCounter());
      // `kept` never holds a changed item: gained items were absent before, lost ones are absent after.
      for (const j of kept.keys()) {
        this.changes[j]++;
        ci.add(j, sign);
        (co[j] ?? (co[j] = new IntCounter())).add(i, sign);
      }
      for (let b = a + 1; b < changed.length; b++) {
        const j = changed[b];
        ci.add(j, sign);
        (co[j] ?? (co[j] = new IntCounter())).add(i, sign);
      }
    }
  }

}

const EMPTY_COUNTS: Map<number, number> = new Map();

function addPairs(co: (IntCounter | undefined)[], items: Int32Array, sign: number): void {
  for (let a = 0; a < items.length; a++) {
    const i = items[a];
    const ci = co[i] ?? (co[i] = new IntCounter());
    for (let b = 0; b < items.length; b++) if (b !== a) ci.add(items[b], sign);
  }
}

/**
 * Floating-point residue after retracting every contribution must read as exactly zero: anything
 * smaller than a billionth of the weight just added or removed is rounding, not an order.
 */
function settle(v: number, w: number): number {
  return Math.abs(v) <= 1e-9 * Math.abs(w) ? 0 : v;
}
