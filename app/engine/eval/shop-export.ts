import type { OrderFact } from "../types";

/** One shop's order history in the Reality Check layout (Li et al., TOIS 2023, `jsondata/`). */
export interface RealityCheckExport {
  /** customer id -> [[-1], basket, ..., [-1]]: every order but the last, oldest first. */
  history: Record<string, number[][]>;
  /** customer id -> [[-1], last order, [-1]]. */
  future: Record<string, number[][]>;
  /** Item number -> product id (the layout numbers items; Shopify ids exceed 2^53). */
  items: string[];
}

const MARK = [-1];

/**
 * A shop's orders as a next-basket dataset: each signed-in customer's orders by time (ties by
 * order id), items once per order, the last order the truth. Guest orders (no customer to
 * follow), cancelled orders, fully refunded lines, orders with no lines and customers with a single order are left out,
 * as the Reality Check preprocessing leaves out users with nothing to predict from. Items are
 * numbered in product id order, so the same shop exports the same file.
 */
export function ordersToRealityCheck(orders: Iterable<OrderFact>): RealityCheckExport {
  const byCustomer = new Map<string, { at: number; id: string; items: string[] }[]>();
  const products = new Set<string>();
  for (const o of orders) {
    if (!o.customerId || o.cancelled) continue;
    const items = [...new Set(o.lines.filter((l) => l.quantity - (l.refundedQuantity ?? 0) > 0).map((l) => l.productId))];
    if (items.length === 0) continue;
    const list = byCustomer.get(o.customerId) ?? [];
    byCustomer.set(o.customerId, list);
    list.push({ at: o.createdAt, id: o.id, items });
  }
  const kept = [...byCustomer].filter(([, list]) => list.length >= 2).sort((a, b) => byDecimal(a[0], b[0]));
  for (const [, list] of kept) for (const o of list) for (const p of o.items) products.add(p);
  const items = [...products].sort(byDecimal);
  const number = new Map(items.map((p, i) => [p, i]));
  const history: RealityCheckExport["history"] = {};
  const future: RealityCheckExport["future"] = {};
  for (const [customer, list] of kept) {
    list.sort((a, b) => a.at - b.at || byDecimal(a.id, b.id));
    const baskets = list.map((o) => o.items.map((p) => number.get(p)!));
    history[customer] = [MARK, ...baskets.slice(0, -1), MARK];
    future[customer] = [MARK, baskets[baskets.length - 1], MARK];
  }
  return { history, future, items };
}

/** Decimal id strings in numeric order without converting them to numbers. */
function byDecimal(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
