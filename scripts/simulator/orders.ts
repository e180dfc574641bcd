/**
 * Distinct orders/create bodies in Shopify's REST shape with ids above 2^53, built by string
 * templating so ids stay exact. Used by the crash test and the ingest benchmark.
 */
const BASE = 9007199254740993n; // 2^53 + 1

export interface OrderBodyOptions {
  productCount?: number;
  customerCount?: number;
  updatedAt?: string;
}

/** Deterministic body for order n. */
export function orderCreateBody(n: number, o: OrderBodyOptions = {}): string {
  const products = o.productCount ?? 500;
  const customers = o.customerCount ?? 2000;
  const id = BASE + BigInt(n) * 100n;
  const customerId = BASE + 50_000_000n + BigInt(n % customers);
  const lines = 1 + (n % 3);
  const created = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
  const lineItems = Array.from({ length: lines }, (_, i) => {
    const product = BASE + 10_000_000n + BigInt((n * 7 + i * 13) % products);
    const price = (((n + i) % 90) + 10).toFixed(2);
    return `{"id":${id + BigInt(i + 1)},"product_id":${product},"variant_id":${product + 5_000_000n},"title":"Product ${product % 1000n}","quantity":${1 + ((n + i) % 2)},"price":"${price}"}`;
  }).join(",");
  return (
    `{"id":${id},"name":"#${1000 + n}","currency":"USD","total_price":"${(lines * 42.5).toFixed(2)}","financial_status":"paid",` +
    `"source_name":"web","landing_site":"/?utm_source=${n % 5 === 0 ? "pinterest" : "google"}","referring_site":null,"test":false,` +
    `"created_at":"${created}","updated_at":"${o.updatedAt ?? created}","cancelled_at":null,` +
    `"customer":{"id":${customerId},"state":"enabled","created_at":"2025-06-01T00:00:00Z","updated_at":"2025-06-01T00:00:00Z","default_address":{"country_code":"${n % 4 === 0 ? "CA" : "US"}","province_code":"ON"}},` +
    `"shipping_address":{"country_code":"${n % 4 === 0 ? "CA" : "US"}","province_code":"ON"},"line_items":[${lineItems}],"refunds":[]}`
  );
}
