/**
 * The backfill end to end against the simulator's Admin API stand-in (real HTTP on 127.0.0.1),
 * through the real apply path into a real SQLite database.
 */
process.env.ATTUNE_SIMULATOR = "1";
process.env.ATTUNE_ADMIN_ORIGIN ??= "http://127.0.0.1:9";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Backend, createBackend } from "../../tests/helpers/databases";
import { type AdminApi, startAdminApi } from "../../scripts/simulator/admin-api";
import { generateStore } from "../../scripts/simulator/store";
import type { Db } from "../db.server";
import { createAdminClient } from "../shopify/admin-api/client.server";
import { type BackfillOptions, resumeBackfills, runBackfill, startBackfill } from "./backfill.server";

const NOW = new Date("2026-06-01T00:00:00Z");
const store = generateStore({ seed: 7, products: 36, customers: 120, orders: 500, now: NOW });
const SHOP = store.shop;
const TOKEN = "shpat_backfill_test";
let api: AdminApi;
const backends: Backend[] = [];

beforeAll(async () => {
  api = await startAdminApi({ store, tokens: { [SHOP]: TOKEN }, bulkStepMs: 5 });
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  while (backends.length) await backends.pop()!.drop();
});

async function freshDb(): Promise<Db> {
  const b = await createBackend("sqlite");
  backends.push(b);
  await b.db.shop.create({ data: { id: SHOP } });
  return b.db;
}

const opts = (db: Db, extra: Partial<BackfillOptions> = {}): BackfillOptions => ({
  db,
  secret: "attune-test-secret",
  client: (shop, token) => createAdminClient(shop, token, { simulator: { origin: api.origin } }),
  pollMs: 5,
  maxPollMs: 20,
  ordersSince: new Date(NOW.getTime() - 365 * 86_400_000),
  ...extra,
});

/** Everything the backfill writes, without the @updatedAt bookkeeping columns. */
async function dump(db: Db) {
  const strip = <T extends Record<string, unknown>>(rows: T[]) => rows.map(({ updatedAt: _u, ...r }) => r);
  return {
    products: strip(await db.product.findMany({ orderBy: { id: "asc" } })),
    variants: await db.variant.findMany({ orderBy: { id: "asc" } }),
    customers: strip(await db.customer.findMany({ orderBy: { id: "asc" } })),
    orders: strip(await db.order.findMany({ orderBy: { id: "asc" } })),
    lines: await db.orderLine.findMany({ orderBy: { id: "asc" } }),
    refunds: await db.refund.findMany({ orderBy: { id: "asc" } }),
    refundLines: await db.refundLine.findMany({ orderBy: { id: "asc" } }),
  };
}

let reference: Awaited<ReturnType<typeof dump>>;

describe("backfill via bulk operations", () => {
  it("loads products, customers and a year of orders through the apply path", async () => {
    const db = await freshDb();
    const job = await runBackfill(SHOP, TOKEN, opts(db, { batchSize: 40 }));
    expect(job).toMatchObject({ status: "done", stage: "done", error: null, bulkOperationId: null });
    const counts = JSON.parse(job!.counts);
    const ordersInWindow = store.orders.filter((o) => o.createdAt.getTime() >= NOW.getTime() - 365 * 86_400_000).length;
    expect(counts).toEqual({ products: store.products.length, customers: store.customers.length, orders: ordersInWindow });

    reference = await dump(db);
    expect(reference.products).toHaveLength(store.products.length);
    expect(reference.variants).toHaveLength(store.products.reduce((s, p) => s + p.variants.length, 0));
    expect(reference.customers).toHaveLength(store.customers.length);
    expect(reference.orders).toHaveLength(ordersInWindow);
    expect(reference.lines).toHaveLength(store.orders.reduce((s, o) => s + o.lines.length, 0));

    // Ids >= 2^53 arrive exact; money in cents; collections from the nested connection.
    const p = store.products[3];
    const row = reference.products.find((r) => r.id === p.id)!;
    expect(BigInt(row.id)).toBeGreaterThan(2n ** 53n);
    expect(row).toMatchObject({ handle: p.handle, productType: p.productType, status: p.status, collections: JSON.stringify(p.collections) });
    // Refund line items (read with REFUND_LINES_QUERY: not bulk-queryable) became refunded quantities.
    const refunded = store.orders.find((o) => o.refunds.length)!;
    const rl = refunded.refunds[0].lines[0];
    expect(reference.refundLines.find((r) => r.id === rl.id)).toMatchObject({ lineItemId: rl.lineItemId, quantity: rl.quantity });
    expect(reference.lines.find((l) => l.id === rl.lineItemId)!.refundedQuantity).toBe(rl.quantity);
    expect(reference.refunds.find((r) => r.id === refunded.refunds[0].id)!.amountCents).toBe(rl.subtotalCents);
    // Traffic source from the customer journey; the engine's change feed saw every record.
    const pinned = store.orders.find((o) => o.landingSite?.includes("utm_source=pinterest"))!;
    expect(reference.orders.find((o) => o.id === pinned.id)!.trafficSource).toBe("pinterest");
    // Attribution from customAttributes: exactly the theme's hidden properties, nothing of other apps'.
    const prop = (l: { properties?: { name: string; value: string }[] }, n: string) => l.properties?.find((p) => p.name === n)?.value ?? null;
    const simLines = store.orders.flatMap((o) => o.lines);
    for (const l of reference.lines) {
      const sim = simLines.find((x) => x.id === l.id)!;
      expect([l.placement, l.ruleId]).toEqual([prop(sim, "_attune_placement"), prop(sim, "_attune_rule")]);
    }
    expect(reference.lines.filter((l) => l.placement).length).toBeGreaterThan(10);
    expect(reference.lines.some((l) => l.ruleId === "rule_pinterest")).toBe(true);
    expect(simLines.some((l) => prop(l, "Gift wrap"))).toBe(true); // carried by the store, never stored
    for (const o of reference.orders) {
      const sim = store.orders.find((x) => x.id === o.id)!;
      expect(o.lastPlacement).toBe(sim.attributes?.find((a) => a.name === "_attune_last_placement")?.value ?? null);
    }
    expect(reference.orders.filter((o) => o.lastPlacement).length).toBeGreaterThan(10);
    expect(await db.changeEvent.count({ where: { shopId: SHOP, kind: "order" } })).toBe(ordersInWindow);
    expect((await db.shop.findUnique({ where: { id: SHOP } }))!.currency).toBe("USD");
    // Every request the app sent was a valid 2026-10 document (the stand-in validates them all).
    expect(api.log.filter((l) => l.status !== 200)).toEqual([]);
  });

  it("resumes after an interruption at the exact line, without a new bulk operation, and ends identical", async () => {
    const db = await freshDb();
    const stop = new AbortController();
    let batches = 0;
    const first = await runBackfill(
      SHOP,
      TOKEN,
      opts(db, {
        batchSize: 25,
        signal: stop.signal,
        onProgress: (p) => {
          if (p.stage === "orders" && ++batches === 3) stop.abort();
        },
      }),
    );
    expect(first).toMatchObject({ status: "running", stage: "orders" });
    expect(first!.linesApplied).toBeGreaterThan(0);
    // Progress is exact: the recorded count is what the database holds.
    expect(JSON.parse(first!.counts).orders).toBe(75);
    expect(await db.order.count()).toBe(75);

    const opsBefore = api.operations.size;
    const downloadsBefore = api.downloads;
    const done = await runBackfill(SHOP, TOKEN, opts(db, { batchSize: 25 }));
    expect(done).toMatchObject({ status: "done", stage: "done" });
    expect(api.operations.size).toBe(opsBefore); // same operation, downloaded again
    expect(api.downloads).toBe(downloadsBefore + 1);
    expect(JSON.parse(done!.counts).orders).toBe(reference.orders.length);
    expect(await dump(db)).toEqual(reference);
  });

  it("restarts a stage whose result expired, and still ends identical", async () => {
    const db = await freshDb();
    const stop = new AbortController();
    await runBackfill(SHOP, TOKEN, opts(db, { batchSize: 50, signal: stop.signal, onProgress: (p) => p.stage === "customers" && stop.abort() }));
    api.expireBulkOperations();
    const opsBefore = api.operations.size;
    const done = await runBackfill(SHOP, TOKEN, opts(db));
    expect(done).toMatchObject({ status: "done" });
    expect(api.operations.size).toBe(opsBefore + 2); // customers again, then orders
    expect(JSON.parse(done!.counts).customers).toBe(store.customers.length);
    expect(await dump(db)).toEqual(reference);
  });

  it("records a failed bulk operation, and a retry (re-install) completes", async () => {
    const db = await freshDb();
    api.failNextBulk("INTERNAL_SERVER_ERROR", "customers");
    await startBackfill(SHOP, TOKEN, opts(db));
    const failed = await db.backfillJob.findUnique({ where: { shopId: SHOP } });
    expect(failed).toMatchObject({ status: "failed", stage: "customers" });
    expect(failed!.error).toMatch(/ended FAILED \(INTERNAL_SERVER_ERROR\)/);
    expect(await db.product.count()).toBe(store.products.length);
    expect(await db.customer.count()).toBe(0); // partial data is never applied

    await startBackfill(SHOP, TOKEN, opts(db));
    expect(await db.backfillJob.findUnique({ where: { shopId: SHOP } })).toMatchObject({ status: "done", error: null });
    expect(await dump(db)).toEqual(reference);
  });

  it("one run per shop at a time; a finished backfill is not repeated", async () => {
    const db = await freshDb();
    const a = startBackfill(SHOP, TOKEN, opts(db));
    const b = startBackfill(SHOP, TOKEN, opts(db));
    expect(b).toBe(a);
    await a;
    const ops = api.operations.size;
    await startBackfill(SHOP, TOKEN, opts(db));
    expect(api.operations.size).toBe(ops);
  });

  it("resumeBackfills continues pending jobs with the offline session; no session -> failed", async () => {
    const db = await freshDb();
    await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: TOKEN, scope: "read_products" } });
    await db.backfillJob.create({ data: { shopId: SHOP } });
    await db.shop.create({ data: { id: "no-session.myshopify.com" } });
    await db.backfillJob.create({ data: { shopId: "no-session.myshopify.com" } });
    await db.shop.create({ data: { id: "gone.myshopify.com", uninstalledAt: new Date() } });
    await db.backfillJob.create({ data: { shopId: "gone.myshopify.com" } });

    const resumed = await resumeBackfills(opts(db));
    expect(resumed).toEqual([SHOP]);
    const { backfillInFlight } = await import("./backfill.server");
    await backfillInFlight(SHOP);
    expect(await db.backfillJob.findUnique({ where: { shopId: SHOP } })).toMatchObject({ status: "done" });
    expect(await db.backfillJob.findUnique({ where: { shopId: "no-session.myshopify.com" } })).toMatchObject({ status: "failed", error: "no offline session to resume with" });
    expect(await db.backfillJob.findUnique({ where: { shopId: "gone.myshopify.com" } })).toMatchObject({ status: "pending" });
  });
});
