import type { Id, OrderFact } from "../types";

/**
 * An order as the strategies and statistics read it: what it contributes, as int indexes, and the
 * original fact (decoded on request: the model keeps orders as columns, see order-log.ts).
 */
export interface OrderRecord {
  readonly id: Id;
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

/** Net count of orders containing each item, over a customer's orders (each given by its items). */
export function itemOrderCounts(baskets: Iterable<ArrayLike<number>>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const items of baskets) {
    for (let i = 0; i < items.length; i++) counts.set(items[i], (counts.get(items[i]) ?? 0) + 1);
  }
  return counts;
}
