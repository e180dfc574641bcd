/**
 * Webhooks through the real route modules, with real HMAC-signed requests and a real database.
 * Bodies are Shopify's documented samples (tests/fixtures/webhooks, copied from shared data).
 */
import crypto from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { drainAll } from "../../app/services/ingest-worker.server";
import { dumpAllTables, rowsForShop, tablesMentioning } from "../helpers/tables";
import { SECRET, sample, sendWebhook } from "../helpers/webhooks";

let shop: string;
const drain = () => drainAll({ db: db(), secret: SECRET() });
const send = (topic: string, body: unknown, o: Parameters<typeof sendWebhook>[2] = {}) => sendWebhook(topic, body, { shop, ...o });
const totalRows = async () => Object.values(await rowsForShop(db(), shop)).reduce((a, b) => a + b, 0);

beforeEach(() => {
  shop = `shop-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
});

describe("every subscribed topic accepts Shopify's sample payload", () => {
  const topics = [
    "products/create", "products/update", "customers/create", "customers/update", "orders/create", "orders/updated",
    "orders/paid", "orders/cancelled", "refunds/create", "customers/data_request", "app/scopes_update",
    "orders/delete", "products/delete", "customers/delete", "customers/redact", "app/uninstalled", "shop/redact",
  ];
  it.each(topics)("%s is acknowledged with 200 and applied without error", async (topic) => {
    const res = await send(topic, sample(topic, shop));
    expect(res.status).toBe(200);
    await drain();
    const deliveries = await db().webhookDelivery.findMany({ where: { shopId: shop } });
    if (topic === "shop/redact") return expect(deliveries).toEqual([]); // erased with the rest
    expect(deliveries.map((d) => [d.topic, d.status])).toEqual([[topic, "processed"]]);
  });
});

describe("what each topic does to the data", () => {
  it("orders/create stores the order, its lines and customer with exact 18-digit ids, and no personal details", async () => {
    const body = sample("orders/create", shop);
    await send("orders/create", body);
    await drain();
    const order = await db().order.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: "820982911946154508" } } });
    expect(order.customerId).toBe("115310627314723954");
    expect(order.totalCents).toBe(40495);
    expect(order.countryCode).toBe(body.shipping_address.country_code ?? null);
    const lines = await db().orderLine.findMany({ where: { shopId: shop, orderId: order.id }, orderBy: { id: "asc" } });
    expect(lines.map((l) => l.productId)).toContain("788032119674292922");
    expect(lines.reduce((s, l) => s + l.quantity, 0)).toBe(body.line_items.reduce((s: number, l: { quantity: number }) => s + l.quantity, 0));
    const dump = await dumpAllTables(db(), shop);
    for (const pii of ["john@example.com", "Shippington", "123 Shipping Street", "555-555-SHIP"]) {
      expect(tablesMentioning(dump, pii)).toEqual([]);
    }
  });

  it("refunds/create marks refunded units on the order's lines, whichever arrives first", async () => {
    await send("refunds/create", sample("refunds/create", shop)); // refund before its order
    await send("orders/create", sample("orders/create", shop));
    await drain();
    const line = await db().orderLine.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: "487817672276298554" } } });
    expect(line.refundedQuantity).toBe(1);
  });

  it("products/create stores price, availability and tags; products/delete leaves a tombstone a late update cannot revive", async () => {
    const p = sample("products/create", shop);
    await send("products/create", p);
    await drain();
    const stored = await db().product.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: "788032119674292922" } } });
    expect(JSON.parse(stored.tags)).toEqual(["example", "mens", "t-shirt"]);
    expect(stored.priceMinCents).toBe(Math.min(...p.variants.map((v: { price: string }) => Math.round(Number(v.price) * 100))));
    await send("products/delete", { id: p.id });
    await drain();
    const late = { ...sample("products/update", shop), updated_at: "2030-01-01T00:00:00Z" };
    await send("products/update", late);
    await drain();
    const after = await db().product.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: "788032119674292922" } } });
    expect(after.deletedAt).not.toBeNull();
    expect(after.available).toBe(false);
    expect(await db().variant.count({ where: { shopId: shop } })).toBe(0);
  });

  it("orders/delete removes the order's lines and a later orders/updated does not bring it back", async () => {
    await send("orders/create", sample("orders/create", shop));
    await drain();
    await send("orders/delete", { id: sample("orders/create", shop).id });
    await send("orders/updated", { ...sample("orders/updated", shop), updated_at: "2030-01-01T00:00:00Z" });
    await drain();
    expect(await db().orderLine.count({ where: { shopId: shop } })).toBe(0);
    const o = await db().order.findFirstOrThrow({ where: { shopId: shop } });
    expect(o.deletedAt).not.toBeNull();
  });

  it("app/uninstalled removes the shop's sessions and marks it uninstalled; app/scopes_update records scopes", async () => {
    await db().session.create({ data: { id: `offline_${shop}`, shop, state: "x", accessToken: "shpat_test", scope: "read_products" } });
    await send("app/scopes_update", sample("app/scopes_update", shop));
    await drain();
    expect((await db().session.findFirstOrThrow({ where: { shop } })).scope).toBe("read_products,write_products");
    await send("app/uninstalled", sample("app/uninstalled", shop));
    await drain();
    expect(await db().session.count({ where: { shop } })).toBe(0);
    expect((await db().shop.findUniqueOrThrow({ where: { id: shop } })).uninstalledAt).not.toBeNull();
  });

  it("customers/data_request produces a JSON export of everything held about the customer", async () => {
    const order = sample("orders/create", shop);
    await send("orders/create", order);
    const req = sample("customers/data_request", shop);
    req.customer.id = order.customer.id;
    await send("customers/data_request", req);
    await drain();
    const dr = await db().dataRequest.findFirstOrThrow({ where: { shopId: shop } });
    const exp = JSON.parse(dr.export!);
    expect(dr.customerId).toBe("115310627314723954");
    expect(exp.orders.map((o: { id: string }) => o.id)).toEqual(["820982911946154508"]);
    expect(exp.orders[0].lines.length).toBe(order.line_items.length);
  });
});

describe("security and bad input", () => {
  it("a bad HMAC is refused with 401 and nothing is written", async () => {
    const res = await send("orders/create", sample("orders/create", shop), { secret: "not-the-secret" });
    expect(res.status).toBe(401);
    expect(await totalRows()).toBe(0);
  });

  it("a body that is not JSON is refused with 400 and nothing is written", async () => {
    const res = await send("orders/create", null, { raw: "{not json" });
    expect(res.status).toBe(400);
    expect(await totalRows()).toBe(0);
  });

  it("valid JSON of the wrong shape is refused with 422 naming the problem, and nothing is written", async () => {
    const body = sample("orders/create", shop);
    delete body.line_items;
    const res = await send("orders/create", body);
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatch(/line_items/);
    const res2 = await send("orders/create", { ...sample("orders/create", shop), created_at: "yesterday" });
    expect(res2.status).toBe(422);
    expect(await totalRows()).toBe(0);
  });

  it("an id that lost precision (a JS number above 2^53) is refused, never stored rounded", async () => {
    const res = await send("customers/create", null, { raw: '{"id": 1.5e20, "state": "enabled"}' });
    expect(res.status).toBe(422);
    expect(await totalRows()).toBe(0);
  });

  it("a topic header that does not match the endpoint is refused", async () => {
    const res = await send("orders/create", sample("products/create", shop), { topicHeader: "products/create" });
    expect(res.status).toBe(400);
    expect(await totalRows()).toBe(0);
  });

  it("a database fault surfaces as a server error (so Shopify retries), not as a 2xx", async () => {
    const database = db();
    const original = database.$executeRawUnsafe;
    (database as any).$executeRawUnsafe = () => Promise.reject(new Error("disk I/O error"));
    try {
      await expect(send("orders/create", sample("orders/create", shop))).rejects.toThrow("disk I/O error");
    } finally {
      (database as any).$executeRawUnsafe = original;
    }
    expect(await db().webhookDelivery.count({ where: { shopId: shop } })).toBe(0);
  });
});

describe("exactly once", () => {
  async function snapshot() {
    const [orders, lines, customers, changes] = await Promise.all([
      db().order.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } }),
      db().orderLine.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } }),
      db().customer.findMany({ where: { shopId: shop } }),
      db().changeEvent.count({ where: { shopId: shop } }),
    ]);
    const strip = (rows: object[]) => rows.map(({ updatedAt, ...r }: any) => r);
    return { orders: strip(orders), lines: strip(lines), customers: strip(customers), changes };
  }

  it("the same delivery sent twice is applied once", async () => {
    const body = sample("orders/create", shop);
    expect((await send("orders/create", body, { webhookId: "dup-1" })).status).toBe(200);
    await drain();
    const once = await snapshot();
    expect((await send("orders/create", body, { webhookId: "dup-1" })).status).toBe(200);
    await drain();
    expect(await snapshot()).toEqual(once);
    expect(await db().webhookDelivery.count({ where: { shopId: shop } })).toBe(1);
  });

  it("ten concurrent copies of one delivery are all acknowledged and applied once", async () => {
    const body = sample("orders/create", shop);
    const results = await Promise.all(Array.from({ length: 10 }, () => send("orders/create", body, { webhookId: "dup-concurrent" })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    await drain();
    expect(await db().webhookDelivery.count({ where: { shopId: shop } })).toBe(1);
    expect(await db().changeEvent.count({ where: { shopId: shop, kind: "order" } })).toBe(1);
  });

  it("an older payload never overwrites a newer one, whatever the arrival order", async () => {
    const older = { ...sample("orders/updated", shop), updated_at: "2026-01-01T10:00:00Z", financial_status: "pending" };
    const newer = { ...sample("orders/updated", shop), updated_at: "2026-01-02T10:00:00Z", financial_status: "paid" };
    await send("orders/updated", newer);
    await send("orders/updated", older);
    await drain();
    const o = await db().order.findFirstOrThrow({ where: { shopId: shop } });
    expect(o.financialStatus).toBe("paid");
    const ignored = await db().webhookDelivery.findMany({ where: { shopId: shop, status: "ignored" } });
    expect(ignored.map((d) => d.outcome)).toEqual(["ignored: older than stored"]);
  });

  it("applied deliveries keep no payload (personal data is not retained in the queue)", async () => {
    await send("orders/create", sample("orders/create", shop));
    const pending = await db().webhookDelivery.findFirstOrThrow({ where: { shopId: shop } });
    expect(pending.payload).not.toContain("john@example.com"); // sealed at rest while queued
    await drain();
    const done = await db().webhookDelivery.findFirstOrThrow({ where: { shopId: shop } });
    expect(done.payload).toBeNull();
    expect(done.status).toBe("processed");
  });
});

describe("privacy", () => {
  it("customers/redact leaves nothing about the customer in any table, and late webhooks cannot re-attach them", async () => {
    const order = sample("orders/create", shop);
    const customerId = "115310627314723954";
    await send("orders/create", order);
    await send("customers/create", { ...sample("customers/create", shop), id: (JSON as any).rawJSON(customerId) });
    await drain();
    await db().browsingEvent.create({ data: { shopId: shop, customerId, kind: "product_view", productId: "1" } });
    await db().quizResponse.create({ data: { shopId: shop, quizId: "q", customerId, answers: "{}" } });
    const req = sample("customers/data_request", shop);
    req.customer.id = (JSON as any).rawJSON(customerId);
    await send("customers/data_request", req);
    await drain();

    const redact = sample("customers/redact", shop);
    redact.customer.id = (JSON as any).rawJSON(customerId);
    redact.orders_to_redact = [order.id];
    expect((await send("customers/redact", redact)).status).toBe(200);
    await drain();
    // A delayed orders/updated for the same customer arrives after the redaction.
    await send("orders/updated", { ...sample("orders/updated", shop), updated_at: "2030-01-01T00:00:00Z" });
    await drain();

    const dump = await dumpAllTables(db(), shop);
    expect(tablesMentioning(dump, customerId)).toEqual([]);
    // The order itself survives, anonymized, as the merchant's sales record.
    const o = await db().order.findFirstOrThrow({ where: { shopId: shop } });
    expect(o.customerId).toBeNull();
    expect(await db().orderLine.count({ where: { shopId: shop } })).toBeGreaterThan(0);
  });

  it("shop/redact deletes every row the shop owns in every table, and only that shop's", async () => {
    const other = `other-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
    for (const s of [shop, other]) {
      await sendWebhook("products/create", sample("products/create", s), { shop: s });
      await sendWebhook("orders/create", sample("orders/create", s), { shop: s });
      await sendWebhook("refunds/create", sample("refunds/create", s), { shop: s });
      await sendWebhook("customers/data_request", sample("customers/data_request", s), { shop: s });
      await db().session.create({ data: { id: `offline_${s}`, shop: s, state: "x", accessToken: "t" } });
    }
    await drain();
    expect((await rowsForShop(db(), shop)).Order).toBe(1);
    expect((await send("shop/redact", sample("shop/redact", shop))).status).toBe(200);
    await drain();
    const left = await rowsForShop(db(), shop);
    expect(Object.entries(left).filter(([, n]) => n > 0)).toEqual([]);
    const otherRows = await rowsForShop(db(), other);
    expect(otherRows.Order).toBe(1);
    expect(otherRows.Session).toBe(1);
  });
});
