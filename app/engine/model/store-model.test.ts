import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { OrderFact } from "../types";
import type { OrderLog } from "./order-log";
import { StoreModel } from "./store-model";
import { customer, DAY, order, product, T0 } from "./test-store";

/** Every aggregate of the model keyed by external id, so two models can be compared exactly. */
function fingerprint(m: StoreModel, now = T0 + 400 * DAY) {
  const st = m.stats;
  const items: Record<string, unknown> = {};
  const trend = new Map<string, number>();
  for (let i = 0; i < m.productCapacity; i++) {
    const id = (m as unknown as { productIds: { idAt(i: number): string } }).productIds.idAt(i);
    const pairs = (t: typeof st.coBasket) => {
      const out: [string, number][] = [];
      t[i]?.forEach((j, c) => out.push([idOf(m, j), c]));
      return out.sort();
    };
    const entry = {
      baskets: st.basketsWith[i] ?? 0,
      buyers: st.buyers[i] ?? 0,
      repeat: st.repeatBuyers[i] ?? 0,
      coBasket: pairs(st.coBasket),
      coBuyer: pairs(st.coBuyer),
    };
    if (entry.baskets || entry.buyers || entry.coBasket.length || entry.coBuyer.length) items[id] = entry;
    const t = st.trendAt(i, now) || 0;
    if (t) trend.set(id, t);
  }
  return { totalBaskets: st.totalBaskets, totalBuyers: st.totalBuyers, items, trend };
}

/** Exact on counts; decayed popularity is floating point, so equal to a relative 1e-9. */
function expectSameModel(a: StoreModel, b: StoreModel): void {
  const fa = fingerprint(a);
  const fb = fingerprint(b);
  expect({ ...fa, trend: [...fa.trend.keys()].sort() }).toEqual({ ...fb, trend: [...fb.trend.keys()].sort() });
  for (const [id, v] of fa.trend) expect(Math.abs(v - fb.trend.get(id)!)).toBeLessThanOrEqual(1e-9 * Math.max(v, 1e-12));
}

function idOf(m: StoreModel, i: number): string {
  return (m as unknown as { productIds: { idAt(i: number): string } }).productIds.idAt(i);
}

const products = ["1", "2", "3", "4", "5", "6"].map((id) => product(id));
const customers = ["c1", "c2", "c3"].map((id) => customer(id));

const orderArb = fc.record({
  id: fc.constantFrom("o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"),
  customerId: fc.constantFrom<string | null>("c1", "c2", "c3", null),
  day: fc.integer({ min: 0, max: 300 }),
  items: fc.uniqueArray(fc.constantFrom("1", "2", "3", "4", "5", "6"), { minLength: 1, maxLength: 4 }),
  refundFirst: fc.boolean(),
  cancelled: fc.boolean(),
});

function toOrder(o: Parameters<Parameters<typeof orderArb.map>[0]>[0]): OrderFact {
  const f = order(o.customerId, o.items, T0 + o.day * DAY, { id: o.id, cancelled: o.cancelled && o.day % 3 === 0 });
  if (o.refundFirst) f.lines[0] = { ...f.lines[0], refundedQuantity: f.lines[0].quantity };
  return f;
}

/** The final state the webhooks converge to: last version of each order id wins. */
function finalVersions(orders: OrderFact[]): OrderFact[] {
  const m = new Map<string, OrderFact>();
  for (const o of orders) m.set(o.id, o);
  return [...m.values()];
}

describe("StoreModel incremental updates", () => {
  it("any sequence of upserts and removals ends exactly where a full rebuild of the final state does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(orderArb.map((o) => ({ kind: "upsert" as const, o })), fc.constantFrom("o1", "o2", "o3").map((id) => ({ kind: "remove" as const, id }))), {
          maxLength: 30,
        }),
        (ops) => {
          const live = StoreModel.build({ products, customers, orders: [] });
          const state = new Map<string, OrderFact>();
          for (const op of ops) {
            if (op.kind === "upsert") {
              const f = toOrder(op.o);
              live.upsertOrder(f);
              state.set(f.id, f);
            } else {
              live.removeOrder(op.id);
              state.delete(op.id);
            }
          }
          const rebuilt = StoreModel.build({ products, customers, orders: finalVersions([...state.values()]) });
          expectSameModel(live, rebuilt);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a build fed a duplicate order id keeps the later version, as upserting it would", () => {
    const first = order("c1", ["1", "2"], T0);
    const later = { ...first, customerId: "c2", lines: first.lines.slice(0, 1), createdAt: T0 + DAY };
    const other = order("c1", ["3"], T0 + 2 * DAY);
    const m = StoreModel.build({ products, customers, orders: [first, other, later] });
    expectSameModel(m, StoreModel.build({ products, customers, orders: [later, other] }));
    expect(m.ordersOf("c1").map((o) => o.id)).toEqual([other.id]);
    expect(m.ordersOf("c2")).toStrictEqual([later]);
    expect(m.orderCount).toBe(2);
  });

  it("a customer's history is the same records between requests, and is replaced when their orders change", () => {
    const first = order("c1", ["1", "2"], T0);
    const m = StoreModel.build({ products, customers, orders: [first] });
    const history = m.historyOf("c1");
    expect(m.historyOf("c1")).toBe(history);
    expect(history.map((r) => r.id)).toEqual([first.id]);
    const refund = { ...first, lines: first.lines.map((l) => (l.productId === "2" ? { ...l, refundedQuantity: l.quantity } : l)) };
    m.upsertOrder(refund);
    const after = m.historyOf("c1");
    expect(after).not.toBe(history);
    expect(after.map((r) => r.fact)).toStrictEqual([refund]);
    expect(m.order(first.id)).toStrictEqual(refund);
    const earlier = order("c1", ["3"], T0 - DAY);
    m.upsertOrder(earlier);
    expect(m.historyOf("c1").map((r) => r.id)).toEqual([earlier.id, first.id]);
    m.removeOrder(first.id);
    expect(m.historyOf("c1").map((r) => r.id)).toEqual([earlier.id]);
    expect(m.order(first.id)).toBeUndefined();
    expect(m.orderCount).toBe(1);
  });

  it("re-applying the same order changes nothing", () => {
    const o = order("c1", ["1", "2", "3"], T0);
    const m = StoreModel.build({ products, customers, orders: [o] });
    m.upsertOrder(o);
    m.upsertOrder({ ...o });
    expectSameModel(m, StoreModel.build({ products, customers, orders: [o] }));
    expect(m.ordersOf("c1")).toHaveLength(1);
  });

  it("a cancelled order contributes nothing and is not in the customer's orders", () => {
    const keep = order("c1", ["1", "2"], T0);
    const o = order("c1", ["2", "3"], T0 + DAY);
    const m = StoreModel.build({ products, customers, orders: [keep, o] });
    m.upsertOrder({ ...o, cancelled: true });
    expectSameModel(m, StoreModel.build({ products, customers, orders: [keep] }));
    expect(m.ordersOf("c1").map((x) => x.id)).toEqual([keep.id]);
  });

  it("a fully refunded line stops counting as a purchase", () => {
    const o = order("c2", ["1", "2", "3"], T0);
    const m = StoreModel.build({ products, customers, orders: [o] });
    m.upsertOrder({ ...o, lines: o.lines.map((l) => (l.productId === "3" ? { ...l, refundedQuantity: 1 } : l)) });
    const without = order("c2", ["1", "2"], T0, { id: o.id });
    expectSameModel(m, StoreModel.build({ products, customers, orders: [without] }));
    expect(m.stats.basketsWith[m.productIndex("3")]).toBe(0);
  });

  it("keeps ids above 2^53 distinct", () => {
    const a = product("9007199254740993");
    const b = product("9007199254740992");
    const m = StoreModel.build({ products: [a, b], customers: [], orders: [] });
    expect(m.product("9007199254740993")).toBe(a);
    expect(m.product("9007199254740992")).toBe(b);
  });

  it("returns a customer's orders oldest first even when they arrive out of order", () => {
    const m = StoreModel.build({ products, customers, orders: [] });
    const late = order("c3", ["1"], T0 + 5 * DAY);
    const early = order("c3", ["2"], T0 + DAY);
    m.upsertOrder(late);
    m.upsertOrder(early);
    expect(m.ordersOf("c3").map((o) => o.id)).toEqual([early.id, late.id]);
  });
});

describe("StoreModel redaction", () => {
  it("forgets the customer and unlinks their orders while shop-wide counts stay", () => {
    const o1 = order("c1", ["1", "2"], T0);
    const o2 = order("c1", ["1", "3"], T0 + DAY);
    const other = order("c2", ["1", "2"], T0);
    const m = StoreModel.build({ products, customers, orders: [o1, o2, other] });
    m.removeCustomer("c1");
    expect(m.customer("c1")).toBeUndefined();
    expect(m.ordersOf("c1")).toEqual([]);
    expect(m.historyOf("c1")).toEqual([]);
    const asGuests = StoreModel.build({
      products,
      customers: customers.filter((c) => c.id !== "c1"),
      orders: [{ ...o1, customerId: null }, { ...o2, customerId: null }, other],
    });
    expectSameModel(m, asGuests);
    expect(m.stats.basketsWith[m.productIndex("1")]).toBe(3);
    // Nothing in memory names them either: not the replaced versions of their orders in the order log.
    const log = (m as unknown as { orders: OrderLog }).orders;
    const named = Array.from({ length: log.slots }, (_, k) => log.fact(k)).filter((f) => f.customerId === "c1");
    expect(log.slots).toBe(5);
    expect(named).toEqual([]);
  });

  it("also scrubs orders that were unlinked before the customer was removed (the order webhooks came first)", () => {
    const o1 = order("c1", ["1", "2"], T0);
    const m = StoreModel.build({ products, customers, orders: [o1] });
    m.upsertOrder({ ...o1, customerId: null });
    m.removeCustomer("c1");
    const log = (m as unknown as { orders: OrderLog }).orders;
    expect(Array.from({ length: log.slots }, (_, k) => log.fact(k).customerId)).toEqual([null, null]);
  });
});
