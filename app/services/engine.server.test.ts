/**
 * The engine registry against a real database: lazy shared builds, following the change feed after
 * webhooks are applied (orders, products, redactions, shop erasure), pruned feeds, configuration
 * saved through the feed, and two "instances" (two registries, two clients) over one database.
 */
import crypto from "node:crypto";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb, db, type Db } from "../db.server";
import { drainAll } from "./ingest-worker.server";
import { reloadEnv } from "../utils/env.server";
import { EngineRegistry } from "./engine.server";
import { backendNames, createBackend, type Backend } from "../../tests/helpers/databases";
import { orderRecord, orderWebhook, seedStore } from "../../tests/helpers/store";
import { upsertOrder } from "../models/orders.server";
import { putRule, removeRule } from "../models/shop-config.server";
import { appendChanges } from "../models/changes.server";
import { SECRET, sample, sendWebhook } from "../../tests/helpers/webhooks";

let shop: string;
const registries: EngineRegistry[] = [];
const registry = (database: Db = db(), opts: Partial<ConstructorParameters<typeof EngineRegistry>[0]> = {}) => {
  const r = new EngineRegistry({ db: database, secret: SECRET(), autoFollow: false, ...opts });
  registries.push(r);
  return r;
};
const drain = (database: Db = db()) => drainAll({ db: database, secret: SECRET() });

const base = () => ({
  products: [{ id: "1" }, { id: "2" }, { id: "3" }, { id: "4" }],
  customers: ["100", "200"],
  orders: [
    { id: "10", customerId: "100", lines: ["1", "2"] },
    { id: "11", customerId: "200", lines: ["1", "3"] },
    { id: "12", customerId: null, lines: ["2", "3"] },
  ],
});

beforeEach(async () => {
  shop = `e-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
});
afterEach(() => {
  while (registries.length) registries.pop()!.close();
});

describe("EngineRegistry on SQLite", () => {
  it("builds lazily once for concurrent callers, and returns null for an unknown shop", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    expect(reg.peek(shop)).toBeNull();
    const [a, b] = await Promise.all([reg.get(shop), reg.get(shop)]);
    expect(a).not.toBeNull();
    expect(a).toBe(b);
    expect(a!.model.orderCount).toBe(3);
    expect(a!.model.ordersOf("100").map((o) => o.id)).toEqual(["10"]);
    expect(a!.variantProduct.get("11")).toBe("1");
    expect(await reg.get("nobody.myshopify.com")).toBeNull();
  });

  it("reflects a new webhook order after drainAll + follow", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    const engine = (await reg.get(shop))!;
    expect((await sendWebhook("orders/create", orderWebhook(shop, { id: "13", customerId: "100", lines: ["3", "4"] }), { shop })).status).toBe(200);
    expect(engine.model.ordersOf("100")).toHaveLength(1); // not applied yet
    await drain();
    const r = await reg.follow(shop);
    expect(r.applied).toBeGreaterThan(0);
    expect(engine.model.ordersOf("100").map((o) => o.id).sort()).toEqual(["10", "13"]);
    expect(engine.model.orderCount).toBe(4);
    // Following again is a no-op; orders/delete removes it.
    expect((await reg.follow(shop)).applied).toBe(0);
    const del = sample("orders/delete", shop);
    del.id = 13;
    await sendWebhook("orders/delete", del, { shop });
    await drain();
    await reg.follow(shop);
    expect(engine.model.ordersOf("100").map((o) => o.id)).toEqual(["10"]);
  });

  it("notify() (the in-process onDataApplied hook) follows at once", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    const engine = (await reg.get(shop))!;
    await sendWebhook("orders/create", orderWebhook(shop, { id: "14", customerId: "200", lines: ["4"] }), { shop });
    await drainAll({ db: db(), secret: SECRET(), onApplied: (shops) => reg.notify(shops) });
    await expect.poll(() => engine.model.ordersOf("200").length, { timeout: 2000 }).toBe(2);
  });

  it("applies product updates and deletions, keeping the variant index current", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    const engine = (await reg.get(shop))!;
    await seedStore(db(), shop, { products: [{ id: "5", variantId: "55", priceCents: 999 }] });
    const del = sample("products/delete", shop);
    del.id = 2;
    await sendWebhook("products/delete", del, { shop });
    await drain();
    await reg.follow(shop);
    expect(engine.model.product("5")?.priceCents).toBe(999);
    expect(engine.variantProduct.get("55")).toBe("5");
    expect(engine.model.product("2")).toBeUndefined();
    expect(engine.variantProduct.get("21")).toBeUndefined();
  });

  it("customers/redact removes the customer from the model (found by its keyed hash)", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    const engine = (await reg.get(shop))!;
    expect(engine.model.customer("100")).toBeDefined();
    const body = sample("customers/redact", shop);
    body.customer.id = 100;
    body.orders_to_redact = [10];
    expect((await sendWebhook("customers/redact", body, { shop })).status).toBe(200);
    await drain();
    await reg.follow(shop);
    expect(engine.model.customer("100")).toBeUndefined();
    expect(engine.model.ordersOf("100")).toEqual([]);
    expect(engine.model.orderCount).toBe(3); // the order stays, anonymized
    expect(engine.model.customer("200")).toBeDefined();
  });

  it("a redaction with no order to re-link is found by scanning the model's customers", async () => {
    await seedStore(db(), shop, { ...base(), customers: ["100", "200", "300"] });
    const reg = registry();
    const engine = (await reg.get(shop))!;
    expect(engine.model.customer("300")).toBeDefined();
    const body = sample("customers/redact", shop);
    body.customer.id = 300;
    body.orders_to_redact = [];
    await sendWebhook("customers/redact", body, { shop });
    await drain();
    await reg.follow(shop);
    expect(engine.model.customer("300")).toBeUndefined();
  });

  it("shop/redact drops the model", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    await reg.get(shop);
    await sendWebhook("shop/redact", sample("shop/redact", shop), { shop });
    await drain();
    expect((await reg.follow(shop)).dropped).toBe(true);
    expect(reg.peek(shop)).toBeNull();
    expect(await reg.get(shop)).toBeNull();
  });

  it("rebuilds when the feed was pruned past its cursor", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    const engine = (await reg.get(shop))!;
    // A change lands and is pruned before this instance follows (e.g. it was paused for days).
    await seedStore(db(), shop, { orders: [{ id: "15", customerId: "100", lines: ["4"] }] });
    await db().changeEvent.deleteMany({ where: { id: { lte: (await db().changeEvent.findFirstOrThrow({ orderBy: { id: "desc" } })).id } } });
    await seedStore(db(), shop, { orders: [{ id: "16", customerId: "200", lines: ["4"] }] });
    const r = await reg.follow(shop);
    expect(r.rebuilt).toBe(true);
    const next = reg.peek(shop)!;
    expect(next).not.toBe(engine);
    expect(next.model.ordersOf("100").map((o) => o.id).sort()).toEqual(["10", "15"]);
    expect(next.model.ordersOf("200").map((o) => o.id).sort()).toEqual(["11", "16"]);
  });

  it("reloads the configuration when a saved rule's config event is followed, and only then", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    const engine = (await reg.get(shop))!;
    expect(engine.config.rules).toEqual([]);
    // A row written without its event is not seen: the feed is the only channel.
    await db().rule.create({ data: { shopId: shop, id: "r0", name: "Unannounced", definition: JSON.stringify({ placements: ["home"], segmentIds: [], content: {}, strategy: "trending" }) } });
    await reg.follow(shop);
    expect(engine.config.rules).toEqual([]);
    await putRule(db(), shop, { id: "r1", name: "Trending", definition: { placements: ["home"], segmentIds: [], content: {}, strategy: "trending" } });
    expect((await reg.follow(shop)).applied).toBe(1);
    expect(engine.config.rules.map((r) => r.id)).toEqual(["r0", "r1"]);
    expect(await removeRule(db(), shop, "r1")).toBe(true);
    await reg.follow(shop);
    expect(engine.config.rules.map((r) => r.id)).toEqual(["r0"]);
  });
});

describe("the feed's config and loyalty events", () => {
  it("an admin save (settings written, config event appended in its transaction) reloads the storefront settings; loyalty events are followed", async () => {
    await seedStore(db(), shop, base());
    const reg = registry();
    const engine = (await reg.get(shop))!;
    expect(engine.storefront.freeShippingThresholdCents).toBeNull();
    await db().$transaction(async (tx) => {
      await tx.shop.update({ where: { id: shop }, data: { settings: JSON.stringify({ freeShippingThresholdCents: 4000 }) } });
      await appendChanges(tx, shop, [{ kind: "config", entityId: "settings" }, { kind: "loyalty", entityId: "100" }]);
    });
    const r = await reg.follow(shop);
    expect(r).toEqual({ applied: 2, rebuilt: false, dropped: false });
    expect(engine.storefront.freeShippingThresholdCents).toBe(4000);
    expect(engine.cursor).toBe((await db().changeEvent.findFirstOrThrow({ orderBy: { id: "desc" } })).id);
  });
});

describe.each(backendNames())("two instances on one %s database", (name) => {
  let backend: Backend;
  let second: Db;
  beforeEach(async () => {
    backend = await createBackend(name);
    second = createDb(backend.url);
  });
  afterEach(async () => {
    await second.$disconnect();
  });
  afterAll(async () => {
    await backend?.drop();
  });

  it("both see an order applied by one instance's worker within a poll", async () => {
    await seedStore(backend.db, shop, base());
    const a = registry(backend.db, { autoFollow: true, pollMs: 100 });
    const b = registry(second, { autoFollow: true, pollMs: 100 });
    const [ea, eb] = [(await a.get(shop))!, (await b.get(shop))!];
    expect(ea.model.orderCount).toBe(3);
    expect(eb.model.orderCount).toBe(3);
    // Instance A's ingest path receives and applies the webhook.
    const prev = process.env.DATABASE_URL;
    process.env.DATABASE_URL = backend.url;
    reloadEnv();
    try {
      expect((await sendWebhook("orders/create", orderWebhook(shop, { id: "20", customerId: "200", lines: ["4"] }), { shop })).status).toBe(200);
      await drainAll({ db: backend.db, secret: SECRET(), onApplied: (shops) => a.notify(shops) });
    } finally {
      process.env.DATABASE_URL = prev;
      reloadEnv();
    }
    await expect.poll(() => ea.model.ordersOf("200").length, { timeout: 3000 }).toBe(2);
    await expect.poll(() => eb.model.ordersOf("200").length, { timeout: 3000 }).toBe(2);
  });

  it("a rule saved through one instance's database is in the other's configuration after one feed poll", async () => {
    await seedStore(backend.db, shop, base());
    const a = registry(backend.db);
    const b = registry(second);
    const [ea, eb] = [(await a.get(shop))!, (await b.get(shop))!];
    await putRule(backend.db, shop, { id: "summer", name: "Summer", priority: 5, definition: { placements: ["home"], segmentIds: [], content: { heading: "Summer picks" }, strategy: "trending" } });
    expect((await b.follow(shop)).applied).toBe(1);
    expect(eb.config.rules.map((r) => [r.id, r.content.heading])).toEqual([["summer", "Summer picks"]]);
    // The writing instance learns it the same way, not by a side channel.
    expect(ea.config.rules).toEqual([]);
    await a.follow(shop);
    expect(ea.config.rules.map((r) => r.id)).toEqual(["summer"]);
  });

  it.runIf(name === "postgresql")("applies a feed event that commits after a later id was already followed", async () => {
    await seedStore(backend.db, shop, base());
    const reg = registry(backend.db, { lateCommitWindowMs: 60_000 });
    const engine = (await reg.get(shop))!;
    // Transaction X takes an id from the sequence but has not committed yet...
    const [{ id: reserved }] = await backend.db.$queryRawUnsafe<{ id: bigint }[]>(`SELECT nextval(pg_get_serial_sequence('"ChangeEvent"', 'id')) AS "id"`);
    // ...while transaction Y (a later id) commits and is followed.
    await seedStore(backend.db, shop, { orders: [{ id: "21", customerId: "100", lines: ["3"] }] });
    await reg.follow(shop);
    expect(engine.cursor).toBeGreaterThan(Number(reserved));
    // X commits now, with its earlier id.
    await backend.db.$transaction(async (tx) => {
      await upsertOrder(tx, shop, orderRecord({ id: "22", customerId: "200", lines: ["4"] }), { customerRedacted: false });
      await tx.$executeRawUnsafe(`INSERT INTO "ChangeEvent" ("id", "shopId", "kind", "entityId") VALUES ($1, $2, 'order', '22')`, Number(reserved), shop);
    });
    await reg.follow(shop);
    expect(engine.model.ordersOf("200").map((o) => o.id).sort()).toEqual(["11", "22"]);
    expect(engine.model.ordersOf("100").map((o) => o.id).sort()).toEqual(["10", "21"]);
  });
});
