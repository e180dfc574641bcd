/** Small builders shared by the model and strategy tests (not used by production code). */
import type { CatalogProduct, CustomerFact, OrderFact } from "../types";

export const DAY = 86_400_000;
export const T0 = Date.UTC(2025, 0, 1);

export function product(id: string, over: Partial<CatalogProduct> = {}): CatalogProduct {
  return {
    id,
    title: `Product ${id}`,
    handle: `product-${id}`,
    productType: "Tea",
    vendor: "Acme",
    tags: [],
    collections: [],
    priceCents: 1000,
    available: true,
    published: true,
    createdAt: T0 - 365 * DAY,
    ...over,
  };
}

export function customer(id: string, over: Partial<CustomerFact> = {}): CustomerFact {
  return { id, createdAt: T0 - 400 * DAY, tags: [], ...over };
}

let seq = 0;
export function order(
  customerId: string | null,
  productIds: string[],
  at: number,
  over: Partial<OrderFact> = {},
): OrderFact {
  seq++;
  return {
    id: over.id ?? `9007199254740${1000 + seq}`,
    customerId,
    createdAt: at,
    totalCents: productIds.length * 1000,
    lines: productIds.map((productId) => ({ productId, quantity: 1, priceCents: 1000 })),
    ...over,
  };
}
