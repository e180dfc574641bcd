/**
 * The ingest/model suite, run against every backend (SQLite always; PostgreSQL when
 * ATTUNE_TEST_PG_URL is set, as in CI). Same assertions on both: one behaviour, two databases.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../app/db.server";
import { enqueue } from "../../app/models/deliveries.server";
import { ensureShop } from "../../app/models/shop.server";
import { drainAll, drainOnce } from "../../app/services/ingest-worker.server";
import { seal } from "../../app/utils/crypto.server";
import { type Backend, backendNames, createBackend } from "../helpers/databases";
import { dumpAllTables, rowsForShop, tablesMentioning } from "../helpers/tables";
import { SECRET, sample } from "../helpers/webhooks";

const raw = (o: unknown) => JSON.stringify(o);

async function deliver(db: Db, shop: string, topic: string, body: unknown, webhookId: string = crypto.randomUUID(), secret = SECRET()) {
  await ensureShop(db, shop);
  return enqueue(db, { webhookId, shopId: shop, topic, apiVersion: "2026-10", sealedPayload: seal(secret, raw(body)) });
}

/** An orders/create body for order n with big ids, built from Shopify's sample. */
function order(shop: string, n: number, updatedAt = "2026-05-01T00:00:00Z") {
  const o = sample("orders/create", shop);
  const base = 9007199254740993n + BigInt(n) * 1000n; // > 2^53
  o.id = (JSON as any).rawJSON(String(base));
  o.updated_at = updatedAt;
  o.line_items = o.line_items.map((l: any, i: number) => ({ ...l, id: (JSON as any).rawJSON(String(base + BigInt(i + 1))) }));
  return o;
}

describe.each(backendNames())("ingest on %s", (name) => {
  let b: Backend;
  const worker = () => ({ db: b.db, secret: SECRET() });
  const newShop = () => `b-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;

  beforeAll(async () => {
    b = await createBackend(name);
  });
  afterAll(async () => {
    await b?.drop();
  });

  it("stores 18-digit ids exactly and applies a duplicate delivery once", async () => {
    const shop = newShop();
    expect(await deliver(b.db, shop, "orders/create", order(shop, 1), "w-1")).toBe(true);
    expect(await deliver(b.db, shop, "orders/create", order(shop, 1), "w-1")).toBe(false);
    await drainAll(worker());
    const orders = await b.db.order.findMany({ where: { shopId: shop } });
    expect(orders.map((o) => o.id)).toEqual(["9007199254741993"]);
    expect(await b.db.changeEvent.count({ where: { shopId: shop, kind: "order" } })).toBe(1);
  });

  it("keeps the newest version whatever the arrival order", async () => {
    const shop = newShop();
    await deliver(b.db, shop, "orders/updated", { ...order(shop, 2, "2026-05-03T00:00:00Z"), financial_status: "refunded" });
    await deliver(b.db, shop, "orders/create", { ...order(shop, 2, "2026-05-01T00:00:00Z"), financial_status: "pending" });
    await deliver(b.db, shop, "orders/paid", { ...order(shop, 2, "2026-05-02T00:00:00Z"), financial_status: "paid" });
    await drainAll(worker());
    const o = await b.db.order.findFirstOrThrow({ where: { shopId: shop } });
    expect(o.financialStatus).toBe("refunded");
    expect(o.shopifyUpdatedAt?.toISOString()).toBe("2026-05-03T00:00:00.000Z");
  });

  it("a delivery that cannot be applied is retried later without blocking the others", async () => {
    const shop = newShop();
    await deliver(b.db, shop, "orders/create", order(shop, 3));
    await deliver(b.db, shop, "orders/create", order(shop, 4), "poisoned", "a-different-secret");
    await deliver(b.db, shop, "orders/create", order(shop, 5));
    await drainAll(worker());
    expect(await b.db.order.count({ where: { shopId: shop } })).toBe(2);
    const bad = await b.db.webhookDelivery.findUniqueOrThrow({ where: { webhookId: "poisoned" } });
    expect(bad.status).toBe("pending");
    expect(bad.attempts).toBe(1);
    expect(bad.availableAt.getTime()).toBeGreaterThan(Date.now());
    expect(bad.outcome).toMatch(/^error:/);
  });

  it("a worker that dies mid-batch applies nothing from it; the batch is redone exactly once", async () => {
    const shop = newShop();
    for (let n = 10; n < 14; n++) await deliver(b.db, shop, "orders/create", order(shop, n));
    // Simulate a crash inside the transaction after some deliveries were applied.
    let applied = 0;
    const crashing = new Proxy(b.db, {
      get(target, prop) {
        if (prop !== "$transaction") return (target as any)[prop];
        return (fn: (tx: any) => Promise<unknown>, opts: unknown) =>
          target.$transaction(async (tx) => {
            const txProxy = new Proxy(tx, {
              get(t, p) {
                if (p === "changeEvent" && ++applied === 3) throw new Error("process killed");
                return (t as any)[p];
              },
            });
            return fn(txProxy);
          }, opts as any);
      },
    }) as Db;
    await expect(drainOnce({ db: crashing, secret: SECRET(), batchSize: 10 })).resolves.toBeGreaterThan(0);
    await b.db.webhookDelivery.updateMany({ where: { shopId: shop }, data: { availableAt: new Date(0), status: "pending" } });
    await drainAll(worker());
    expect(await b.db.order.count({ where: { shopId: shop } })).toBe(4);
    expect(await b.db.changeEvent.count({ where: { shopId: shop, kind: "order" } })).toBe(4);
  });

  it("several instances draining one queue apply every delivery exactly once", async () => {
    const shop = newShop();
    const N = 120;
    for (let n = 100; n < 100 + N; n++) await deliver(b.db, shop, "orders/create", order(shop, n));
    // Each "instance" has its own client (its own connection pool on PostgreSQL).
    const instances = name === "postgresql" ? [createDb(b.url), createDb(b.url), createDb(b.url)] : [b.db];
    const counts = await Promise.all(instances.map((db) => drainAll({ db, secret: SECRET(), batchSize: 7 })));
    await Promise.all(instances.filter((db) => db !== b.db).map((db) => db.$disconnect()));
    expect(counts.reduce((a, c) => a + c, 0)).toBe(N);
    if (name === "postgresql") expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
    expect(await b.db.order.count({ where: { shopId: shop } })).toBe(N);
    expect(await b.db.changeEvent.count({ where: { shopId: shop, kind: "order" } })).toBe(N);
    expect(await b.db.webhookDelivery.count({ where: { shopId: shop, status: "processed" } })).toBe(N);
  });

  it("customers/redact anonymizes orders and deletes every other row naming the customer", async () => {
    const shop = newShop();
    const o = order(shop, 7);
    await deliver(b.db, shop, "orders/create", o);
    await deliver(b.db, shop, "customers/data_request", sample("customers/data_request", shop));
    await drainAll(worker());
    const redact = sample("customers/redact", shop);
    redact.customer.id = (JSON as any).rawJSON("115310627314723954");
    await deliver(b.db, shop, "customers/redact", redact);
    await deliver(b.db, shop, "orders/updated", order(shop, 7, "2027-01-01T00:00:00Z"));
    await drainAll(worker());
    expect(tablesMentioning(await dumpAllTables(b.db, shop), "115310627314723954")).toEqual([]);
    expect((await b.db.order.findFirstOrThrow({ where: { shopId: shop } })).customerId).toBeNull();
  });

  it("shop/redact erases every table's rows for the shop and no other shop's", async () => {
    const shop = newShop();
    const other = newShop();
    for (const s of [shop, other]) {
      await deliver(b.db, s, "products/create", sample("products/create", s));
      await deliver(b.db, s, "orders/create", order(s, 8));
      await deliver(b.db, s, "refunds/create", sample("refunds/create", s));
    }
    await drainAll(worker());
    await deliver(b.db, shop, "shop/redact", sample("shop/redact", shop));
    await drainAll(worker());
    expect(Object.entries(await rowsForShop(b.db, shop)).filter(([, n]) => n > 0)).toEqual([]);
    expect((await rowsForShop(b.db, other)).Product).toBe(1);
  });
});
