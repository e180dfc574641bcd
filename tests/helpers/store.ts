/**
 * Small hand-made stores for service and route tests: rows go in through the same model functions
 * (and change feed) the ingest worker uses; new orders can also be built as orders/create webhooks.
 */
import type { Db } from "../../app/db.server";
import type { OrderRecord, ProductRecord } from "../../app/ingest/records";
import { appendChanges } from "../../app/models/changes.server";
import { upsertCustomer } from "../../app/models/customers.server";
import { upsertOrder } from "../../app/models/orders.server";
import { upsertProduct } from "../../app/models/catalog.server";
import { sample } from "./webhooks";

const DAY = 86_400_000;
let lineSeq = 7_000_000_000_000_000n;

export interface SeedProduct {
  id: string;
  title?: string;
  variantId?: string;
  priceCents?: number;
  available?: boolean;
  status?: string;
  published?: boolean;
  productType?: string;
}

export interface SeedOrder {
  id: string;
  customerId?: string | null;
  /** [productId, variantId?] per line. */
  lines: (string | [string, string])[];
  daysAgo?: number;
  test?: boolean;
}

export function productRecord(p: SeedProduct): ProductRecord {
  const now = new Date();
  return {
    id: p.id,
    title: p.title ?? `Product ${p.id}`,
    handle: `product-${p.id}`,
    productType: p.productType ?? `Type ${p.id}`,
    vendor: "Acme",
    tags: [],
    status: p.status ?? "active",
    publishedAt: p.published === false ? null : new Date(now.getTime() - 30 * DAY),
    imageUrl: `https://cdn.shopify.com/s/files/${p.id}.jpg`,
    variants: [{ id: p.variantId ?? `${p.id}1`, title: "Default", priceCents: p.priceCents ?? 2500, available: p.available ?? true, position: 1 }],
    createdAt: new Date(now.getTime() - 60 * DAY),
    updatedAt: now,
  };
}

export function orderRecord(o: SeedOrder): OrderRecord {
  const at = new Date(Date.now() - (o.daysAgo ?? 10) * DAY);
  return {
    id: o.id,
    name: `#${o.id}`,
    customerId: o.customerId ?? null,
    customer: null,
    currency: "USD",
    totalCents: 2500 * o.lines.length,
    financialStatus: "paid",
    countryCode: "US",
    provinceCode: null,
    sourceName: "web",
    trafficSource: null,
    test: o.test ?? false,
    createdAt: at,
    updatedAt: at,
    cancelledAt: null,
    lines: o.lines.map((l) => {
      const [productId, variantId] = Array.isArray(l) ? l : [l, `${l}1`];
      return { id: String(lineSeq++), productId, variantId, title: "x", quantity: 1, priceCents: 2500 };
    }),
    refunds: [],
  };
}

/** Writes products, customers and orders the way the worker does (rows + change events). */
export async function seedStore(db: Db, shop: string, data: { products?: SeedProduct[]; customers?: string[]; orders?: SeedOrder[]; settings?: object; currency?: string }) {
  await db.shop.upsert({
    where: { id: shop },
    create: { id: shop, settings: JSON.stringify(data.settings ?? {}), currency: data.currency ?? "USD" },
    update: { settings: JSON.stringify(data.settings ?? {}), currency: data.currency ?? "USD" },
  });
  await db.$transaction(
    async (tx) => {
      for (const p of data.products ?? []) await appendChanges(tx, shop, (await upsertProduct(tx, shop, productRecord(p))).changes);
      for (const id of data.customers ?? []) {
        const now = new Date();
        const r = await upsertCustomer(tx, shop, { id, state: "enabled", countryCode: "US", provinceCode: null, tags: [], createdAt: new Date(now.getTime() - 400 * DAY), updatedAt: now });
        await appendChanges(tx, shop, r.changes);
      }
      for (const o of data.orders ?? []) await appendChanges(tx, shop, (await upsertOrder(tx, shop, orderRecord(o), { customerRedacted: false })).changes);
    },
    { timeout: 60_000 },
  );
}

/** An orders/create webhook body (Shopify's sample, re-identified) for a live, non-test order. */
export function orderWebhook(shop: string, o: SeedOrder): any {
  const body = sample("orders/create", shop);
  const at = new Date(Date.now() - (o.daysAgo ?? 0) * DAY).toISOString();
  body.id = Number(o.id) <= Number.MAX_SAFE_INTEGER ? Number(o.id) : (JSON as any).rawJSON(o.id);
  body.name = `#${o.id}`;
  body.test = o.test ?? false;
  body.created_at = at;
  body.updated_at = at;
  body.processed_at = at;
  body.cancelled_at = null;
  body.refunds = [];
  if (o.customerId) body.customer.id = (JSON as any).rawJSON(o.customerId);
  else delete body.customer;
  const template = body.line_items[0];
  body.line_items = o.lines.map((l) => {
    const [productId, variantId] = Array.isArray(l) ? l : [l, `${l}1`];
    return { ...template, id: (JSON as any).rawJSON(String(lineSeq++)), product_id: (JSON as any).rawJSON(productId), variant_id: (JSON as any).rawJSON(variantId), quantity: 1 };
  });
  return body;
}
