import type { OrderFact } from "../types";

/** An order as the model holds it: the original fact plus what it contributes, as int indexes. */
export interface OrderRecord {
  readonly fact: OrderFact;
  /** Customer index, or -1 for a guest checkout (or a redacted customer). */
  readonly customer: number;
  readonly createdAt: number;
  /** Distinct product indexes with a positive net quantity, ascending. Empty when cancelled. */
  readonly items: Int32Array;
  /** Net purchased units per entry of items. */
  readonly quantities: Int32Array;
  /** Upper-cased country code or "" when unknown. */
  readonly country: string;
}

/**
 * What an order counts for: a cancelled order counts for nothing and a fully refunded line no longer
 * counts as a purchase, so a refund webhook re-applied through upsertOrder shrinks the contribution.
 */
export function toRecord(
  fact: OrderFact,
  customer: number,
  internProduct: (id: string) => number,
): OrderRecord {
  const units = new Map<number, number>();
  if (!fact.cancelled) {
    for (const line of fact.lines) {
      const net = (line.quantity | 0) - (line.refundedQuantity ?? 0);
      if (net <= 0) continue;
      const p = internProduct(line.productId);
      units.set(p, (units.get(p) ?? 0) + net);
    }
  }
  const items = Int32Array.from(units.keys()).sort();
  const quantities = Int32Array.from(items, (p) => units.get(p)!);
  return {
    fact,
    customer,
    createdAt: fact.createdAt,
    items,
    quantities,
    country: (fact.countryCode ?? "").toUpperCase(),
  };
}

/** Oldest first; ties broken by id so the order is deterministic. */
export function compareRecords(a: OrderRecord, b: OrderRecord): number {
  return a.createdAt - b.createdAt || (a.fact.id < b.fact.id ? -1 : a.fact.id > b.fact.id ? 1 : 0);
}

/** Inserts rec into a list sorted by compareRecords (webhooks arrive out of order). */
export function insertSorted(list: OrderRecord[], rec: OrderRecord): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareRecords(list[mid], rec) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, rec);
}

/** Net count of orders containing each item, over a customer's orders. */
export function itemOrderCounts(records: readonly OrderRecord[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of records) {
    for (let i = 0; i < r.items.length; i++) counts.set(r.items[i], (counts.get(r.items[i]) ?? 0) + 1);
  }
  return counts;
}
