import type {
  CatalogProduct,
  CustomerFact,
  Id,
  LoyaltyStanding,
  OrderFact,
  StoreView,
} from "../types";
import { DEFAULT_PICKS, type PicksParams } from "../recs/params";
import { Interner } from "./interner";
import { ItemStats, type StatsOptions } from "./item-stats";
import { Lru } from "../lru";
import { OrderLog } from "./order-log";
import { itemOrderCounts, type OrderRecord } from "./order-record";

export interface ModelOptions extends Partial<StatsOptions> {
  /** picked_for_you hyper-parameters (defaults chosen on a validation split, see docs). */
  picks?: Partial<PicksParams>;
}

export interface StoreData {
  products: CatalogProduct[];
  customers: CustomerFact[];
  orders: OrderFact[];
  /** Loyalty members' standings by customer id (absent: the shop has no members). */
  loyalty?: ReadonlyMap<Id, LoyaltyStanding>;
}

/** Orders this recent (against the newest seen) stay listed for windowed counts ("this month"). */
const RECENT_MS = 45 * 86_400_000;
/** Customers whose order histories are kept as records between requests. */
const HISTORY_CACHE = 10_000;
const NO_ORDERS: readonly OrderRecord[] = Object.freeze([]);

const DEFAULT_STATS: StatsOptions = {
  trendingHalfLifeDays: 14,
  neighbourStaleness: 0.05,
  maxBasketForPairs: 64,
  maxBuyerItemsForPairs: 400,
};

/**
 * One shop's data in memory, with the aggregates every strategy reads, kept exact under
 * out-of-order, duplicated and revised webhook deliveries. External ids are interned to ints once;
 * everything hot is indexed by those ints.
 */
export class StoreModel implements StoreView {
  readonly statsOptions: StatsOptions;
  readonly picks: PicksParams;
  readonly stats: ItemStats;
  private productIds = new Interner();
  private productFacts: (CatalogProduct | undefined)[] = [];
  private customerIds = new Interner();
  private customerFacts: (CustomerFact | undefined)[] = [];
  /** Loyalty standings by customer id: segment fields only, so no statistics depend on them. */
  private loyalty = new Map<Id, LoyaltyStanding>();
  private orders = new OrderLog();
  /** Each order id's live slot in the log. */
  private orderSlots = new Map<Id, number>();
  /** Each customer's live order slots, oldest first. */
  private customerOrders: (number[] | undefined)[] = [];
  /** Recent customers' histories as records (stable identity until their orders change). */
  private histories = new Lru<number, readonly OrderRecord[]>(HISTORY_CACHE);
  private catalogVersion = 0;
  /** Slots of orders placed within RECENT_MS of the newest order seen; dead slots are skipped, then compacted away. */
  private recent: number[] = [];
  private recentCompactAt = 4096;
  private newestAt = -Infinity;
  private derived = new Map<string, { version: number; value: unknown; stamp?: number }>();
  private perItem = new Map<string, { stamp: number; base: number; value: unknown }>();

  constructor(opts: ModelOptions = {}) {
    const { picks, ...stats } = opts;
    this.statsOptions = { ...DEFAULT_STATS, ...stripUndefined(stats) };
    this.picks = { ...DEFAULT_PICKS, ...stripUndefined(picks ?? {}) };
    this.stats = new ItemStats(this.statsOptions);
  }

  static build(data: StoreData, opts: ModelOptions = {}): StoreModel {
    const b = StoreModel.builder(data, opts);
    for (const o of data.orders) b.add(o);
    return b.finish();
  }

  /**
   * A full build fed one order at a time, so the caller can stream orders from the database page
   * by page instead of holding every order's fact at once (the model keeps them as columns).
   * Duplicate ids: the later one wins, as it would through upsertOrder.
   */
  static builder(data: Omit<StoreData, "orders">, opts: ModelOptions = {}): { add(o: OrderFact): void; finish(): StoreModel } {
    const m = new StoreModel(opts);
    for (const p of data.products) m.setProduct(p);
    for (const c of data.customers) m.customerFacts[m.customerIds.intern(c.id)] = c;
    for (const [id, standing] of data.loyalty ?? []) m.loyalty.set(id, standing);
    return {
      add(o) {
        const old = m.orderSlots.get(o.id);
        if (old !== undefined) m.unlist(old);
        m.append(o);
      },
      finish() {
        const slots = [...m.orderSlots.values()].sort((a, b) => a - b);
        let maxAt = -Infinity;
        for (const k of slots) if (!m.orders.cancelled(k) && m.orders.createdAtOf(k) > maxAt) maxAt = m.orders.createdAtOf(k);
        if (Number.isFinite(maxAt)) m.stats.trendRef = maxAt;
        m.sortHistories();
        m.compactRecent();
        // A guest order is its own buyer; a customer is one buyer across all their orders.
        const buyers: Map<number, number>[] = [];
        for (const k of slots) if (m.orders.customerAt(k) < 0 && m.orders.itemCountOf(k)) buyers.push(itemOrderCounts([m.orders.itemsOf(k)]));
        for (const list of m.customerOrders) if (list) buyers.push(m.itemCountsOf(list));
        m.stats.bulkLoad(m.recordsIn(slots), buyers, m.productIds.capacity);
        return m;
      },
    };
  }

  // ---- catalog and customers ----

  upsertProduct(p: CatalogProduct): void {
    this.setProduct(p);
  }

  removeProduct(id: Id): void {
    const i = this.productIds.find(id);
    if (i < 0 || !this.productFacts[i]) return;
    // Statistics stay: past orders still happened, and a re-created product id picks them up again.
    this.productFacts[i] = undefined;
    this.catalogVersion++;
  }

  upsertCustomer(c: CustomerFact): void {
    this.customerFacts[this.customerIds.intern(c.id)] = c;
  }

  /**
   * GDPR redaction: the customer's facts and id are forgotten, and their orders turn into anonymous
   * guest orders: shop-wide popularity keeps them, nothing links them to a person any more.
   */
  removeCustomer(id: Id): void {
    this.loyalty.delete(id);
    const ci = this.customerIds.find(id);
    if (ci < 0) return;
    for (const k of [...(this.customerOrders[ci] ?? [])]) {
      const fact = this.orders.fact(k);
      this.retract(k);
      this.apply({ ...fact, customerId: null });
    }
    this.orders.forgetCustomer(id);
    this.customerOrders[ci] = undefined;
    this.histories.delete(ci);
    this.customerFacts[ci] = undefined;
    this.customerIds.forget(id);
  }

  // ---- loyalty ----

  /** A member's current standing; null: no longer a member (or redacted). */
  setLoyalty(customerId: Id, standing: LoyaltyStanding | null): void {
    if (standing) this.loyalty.set(customerId, standing);
    else this.loyalty.delete(customerId);
  }

  loyaltyOf(customerId: Id): LoyaltyStanding | undefined {
    return this.loyalty.get(customerId);
  }

  // ---- orders ----

  /** Idempotent: a newer version of an order (refund, cancellation, edit) replaces the old one. */
  upsertOrder(o: OrderFact): void {
    const old = this.orderSlots.get(o.id);
    if (old !== undefined) this.retract(old);
    this.apply(o);
  }

  removeOrder(id: Id): void {
    const old = this.orderSlots.get(id);
    if (old !== undefined) this.retract(old);
  }

  /** The order as last applied, or undefined when the model does not hold it. */
  order(id: Id): OrderFact | undefined {
    const k = this.orderSlots.get(id);
    return k === undefined ? undefined : this.orders.fact(k);
  }

  // ---- StoreView ----

  product(id: Id): CatalogProduct | undefined {
    const i = this.productIds.find(id);
    return i < 0 ? undefined : this.productFacts[i];
  }

  *products(): Iterable<CatalogProduct> {
    for (const p of this.productFacts) if (p) yield p;
  }

  customer(id: Id): CustomerFact | undefined {
    const i = this.customerIds.find(id);
    return i < 0 ? undefined : this.customerFacts[i];
  }

  /** Every customer record held (redacted ones are gone). */
  *customers(): Iterable<CustomerFact> {
    for (const c of this.customerFacts) if (c) yield c;
  }

  ordersOf(customerId: Id): readonly OrderFact[] {
    return this.historyOf(customerId)
      .filter((r) => !r.fact.cancelled)
      .map((r) => r.fact);
  }

  // ---- read access for the strategies (int-indexed) ----

  productIndex(id: Id): number {
    return this.productIds.find(id);
  }

  productAt(i: number): CatalogProduct | undefined {
    return this.productFacts[i];
  }

  get productCapacity(): number {
    return this.productIds.capacity;
  }

  /** The customer's order records, oldest first (including cancelled ones, which have no items). */
  historyOf(customerId: Id | null | undefined): readonly OrderRecord[] {
    if (customerId == null) return NO_ORDERS;
    const ci = this.customerIds.find(customerId);
    const list = ci < 0 ? undefined : this.customerOrders[ci];
    if (!list?.length) return NO_ORDERS;
    let history = this.histories.get(ci);
    if (!history) this.histories.set(ci, (history = list.map((k) => this.orders.record(k))));
    return history;
  }

  get orderCount(): number {
    return this.orderSlots.size;
  }

  dataVersion(): number {
    return this.catalogVersion * 1e9 + this.stats.version;
  }

  /**
   * A value derived from the catalog (or from the statistics), recomputed only when its inputs
   * changed since the last call.
   */
  cached<T>(key: string, dependsOnOrders: boolean, compute: () => T): T {
    const version = dependsOnOrders ? this.catalogVersion * 1e9 + this.stats.version : this.catalogVersion;
    const hit = this.derived.get(key);
    if (hit && hit.version === version) return hit.value as T;
    const value = compute();
    this.derived.set(key, { version, value });
    return value;
  }

  /**
   * A shop-wide ranking (best-sellers, trending), recomputed once the statistics have moved by more
   * than 0.1% of all orders: exact on a small shop, and on a large one a burst of webhooks does not
   * re-rank 20k products before every request.
   */
  cachedRanking<T>(key: string, compute: () => T, stamp?: number): T {
    const st = this.stats;
    const hit = this.derived.get(key);
    const drift = Math.floor(st.totalBaskets * 0.001);
    // `stamp` (e.g. the day of a "this month" window) must match too: time moves the window.
    if (hit && hit.stamp === stamp && hit.version <= st.version && st.version - hit.version <= drift) return hit.value as T;
    const value = compute();
    this.derived.set(key, { version: st.version, value, stamp });
    return value;
  }

  /** Live orders placed at or after `since` (at most RECENT_MS before the newest order), as records. */
  *recentRecords(since: number): Generator<OrderRecord> {
    for (const k of this.recent) {
      if (this.orders.createdAtOf(k) < since || this.orderSlots.get(this.orders.id(k)) !== k) continue;
      yield this.orders.record(k);
    }
  }

  /** A value derived from item i's statistics (its neighbour list), refreshed per neighbourStaleness. */
  cachedForItem<T>(key: string, i: number, compute: () => T): T {
    const st = this.stats;
    const changes = st.changes[i] ?? 0;
    const hit = this.perItem.get(key);
    if (hit && changes - hit.stamp <= this.statsOptions.neighbourStaleness * hit.base) return hit.value as T;
    const value = compute();
    this.perItem.set(key, { stamp: changes, base: Math.max(st.basketsWith[i] ?? 0, st.buyers[i] ?? 0), value });
    return value;
  }

  /** Every customer id the model holds (a redaction whose subject is unknown scans them). */
  *knownCustomerIds(): Generator<Id> {
    const ids = this.customerIds;
    for (let i = 0; i < ids.capacity; i++) {
      const id = ids.idAt(i);
      if (id !== undefined) yield id;
    }
  }

  // ---- internals ----

  /** Puts an order in the log and its customer's list, unsorted (no statistics); returns its slot. */
  private append(o: OrderFact): number {
    const k = this.place(o);
    const customer = this.orders.customerAt(k);
    if (customer >= 0) (this.customerOrders[customer] ??= []).push(k);
    return k;
  }

  /** Writes the order to the log as the live version of its id; returns its slot. */
  private place(o: OrderFact): number {
    const customer = o.customerId == null ? -1 : this.customerIds.intern(o.customerId);
    const k = this.orders.append(o, customer, (id) => this.productIds.intern(id));
    this.orderSlots.set(o.id, k);
    if (o.createdAt > this.newestAt) this.newestAt = o.createdAt;
    if (o.createdAt >= this.newestAt - RECENT_MS) {
      this.recent.push(k);
      if (this.recent.length > this.recentCompactAt) this.compactRecent();
    }
    return k;
  }

  /** Drops dead and no-longer-recent slots from the recent list (amortised: the list at most doubles). */
  private compactRecent(): void {
    const floor = this.newestAt - RECENT_MS;
    this.recent = this.recent.filter((k) => this.orders.createdAtOf(k) >= floor && this.orderSlots.get(this.orders.id(k)) === k);
    this.recentCompactAt = Math.max(4096, 2 * this.recent.length);
  }

  /** Takes a slot out of its customer's list (a duplicate replaced during a build). */
  private unlist(k: number): void {
    const list = this.customerOrders[this.orders.customerAt(k)];
    const at = list ? list.indexOf(k) : -1;
    if (at >= 0) list!.splice(at, 1);
  }

  private sortHistories(): void {
    for (const list of this.customerOrders) list?.sort((a, b) => this.orders.compare(a, b));
  }

  /** Records made one at a time: a full build reads each once and keeps none. */
  private *recordsIn(slots: readonly number[]): Generator<OrderRecord> {
    for (const k of slots) yield this.orders.record(k);
  }

  private itemCountsOf(slots: readonly number[]): Map<number, number> {
    return itemOrderCounts(slots.map((k) => this.orders.itemsOf(k)));
  }

  private setProduct(p: CatalogProduct): void {
    const i = this.productIds.intern(p.id);
    this.productFacts[i] = p;
    this.stats.ensure(this.productIds.capacity);
    this.catalogVersion++;
  }

  private apply(o: OrderFact): void {
    const k = this.place(o);
    const rec = this.orders.record(k);
    const customer = rec.customer;
    this.stats.ensure(this.productIds.capacity);
    this.stats.basket(rec, 1);
    if (customer < 0) {
      if (rec.items.length) this.stats.buyer(new Map(), itemOrderCounts([rec.items]));
      return;
    }
    const list = (this.customerOrders[customer] ??= []);
    if (rec.items.length) {
      const before = this.itemCountsOf(list);
      const after = new Map(before);
      for (const i of rec.items) after.set(i, (after.get(i) ?? 0) + 1);
      this.stats.buyer(before, after);
    }
    this.orders.insertSorted(list, k);
    this.histories.delete(customer);
  }

  private retract(k: number): void {
    const rec = this.orders.record(k);
    this.orderSlots.delete(rec.id);
    this.stats.basket(rec, -1);
    if (rec.customer < 0) {
      if (rec.items.length) this.stats.buyer(itemOrderCounts([rec.items]), new Map());
      return;
    }
    const list = this.customerOrders[rec.customer] ?? [];
    const at = list.indexOf(k);
    if (at >= 0) list.splice(at, 1);
    this.histories.delete(rec.customer);
    if (rec.items.length) {
      const after = this.itemCountsOf(list);
      const before = new Map(after);
      for (const i of rec.items) before.set(i, (before.get(i) ?? 0) + 1);
      this.stats.buyer(before, after);
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
