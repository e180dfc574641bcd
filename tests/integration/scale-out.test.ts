/**
 * Scale-out on PostgreSQL (issue #16, item 10): two `npm start` processes on one PostgreSQL
 * database behind a real nginx (tests/helpers/scale-out.ts; the configuration docs/deploy.md
 * describes). Protects three behaviours:
 * - routing: a shop's storefront requests always reach the same instance, webhooks reach both;
 * - exactly once: a delivery sent to both instances, through nginx and directly, at the same time
 *   and again later, is stored once and applied once;
 * - freshness: a new order is in every instance's storefront decisions within 2 s, whichever
 *   instance received and whichever applied it.
 * Needs nginx and PostgreSQL (ATTUNE_TEST_PG_URL); skipped, with the reason logged, without them.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../app/db.server";
import { signedProxyQuery, webhookHeaders } from "../../scripts/simulator/sign";
import { listMigrations, migrate } from "../../scripts/db/migrate";
import { createPgDatabase, nginxConfig, scaleOutUnavailable, startTopology, type Topology } from "../helpers/scale-out";
import { ROOT, waitForDrain } from "../helpers/server";
import { orderWebhook, seedStore } from "../helpers/store";

const SECRET = "scale-out-secret";
const SHOP = "scale-out-a.myshopify.com";
const PRODUCTS = Array.from({ length: 12 }, (_, i) => ({ id: String(9007199254740993n + BigInt(i)), title: `Thing ${i}` }));
const P = PRODUCTS[5].id;

const unavailable = await scaleOutUnavailable();
if (unavailable) console.warn(`scale-out test skipped: ${unavailable}`);

let topo: Topology;
let sql: pg.Client;

async function postWebhook(base: string, topic: string, shop: string, body: string, webhookId: string) {
  const r = await fetch(`${base}/webhooks/${topic}`, { method: "POST", headers: webhookHeaders({ topic, shop, body, secret: SECRET, webhookId }), body });
  await r.arrayBuffer();
  return { status: r.status, upstream: r.headers.get("x-attune-upstream") };
}

async function recommendations(base: string, customer: string) {
  const q = signedProxyQuery(SECRET, SHOP, { placement: "product", product_id: P }, customer);
  const r = await fetch(`${base}/proxy/recommendations?${q}`);
  if (r.status !== 200) throw new Error(`recommendations answered ${r.status}: ${await r.text()}`);
  return (await r.json()) as { lastPurchase: { productId: string } | null; customer: { firstOrder: boolean } };
}

it("docs/deploy.md quotes the upstream and location blocks this topology runs", () => {
  const conf = nginxConfig({ listenPort: 8080, upstreams: ["10.0.0.11:3000", "10.0.0.12:3000"], prefix: "/tmp/x" }).split("\n");
  const doc = fs.readFileSync(path.join(ROOT, "docs", "deploy.md"), "utf8").split("\n").map((l) => l.trim()).join("\n");
  const blocks: string[] = [];
  for (let i = 0; i < conf.length; i++) {
    const open = /^(\s*)(upstream|location) .*\{$/.exec(conf[i]);
    if (!open) continue;
    const end = conf.indexOf(`${open[1]}}`, i);
    blocks.push(conf.slice(i, end + 1).map((l) => l.trim()).join("\n"));
  }
  expect(blocks.length).toBe(5);
  for (const block of blocks) expect(doc).toContain(block);
});

it.skipIf(!process.env.ATTUNE_TEST_PG_URL)("npm run setup from several deploy steps at once, on PostgreSQL: each migration applied once, none fails", async () => {
  const fresh = await createPgDatabase(process.env.ATTUNE_TEST_PG_URL!, { migrated: false });
  try {
    const runs = await Promise.all([1, 2, 3].map(() => migrate(fresh.url)));
    const all = listMigrations("postgresql").map((m) => m.name);
    expect(runs.flat().sort()).toEqual(all);
    const c = new pg.Client({ connectionString: fresh.url });
    await c.connect();
    const rows = await c.query(`SELECT "migration_name" FROM "_prisma_migrations" ORDER BY 1`);
    await c.end();
    expect(rows.rows.map((r) => r.migration_name)).toEqual(all);
  } finally {
    await fresh.drop();
  }
}, 120_000);

describe.skipIf(unavailable)("scale-out: 2 instances, one PostgreSQL, nginx", () => {
  beforeAll(async () => {
    topo = await startTopology({
      instances: 2,
      env: { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: SECRET, SHOPIFY_APP_URL: "https://attune.example.com" },
      seed: async (url) => {
        const db = createDb(url);
        const orders = Array.from({ length: 30 }, (_, n) => ({ id: String(5000 + n), customerId: null, lines: [PRODUCTS[n % 12].id, PRODUCTS[(n + 3) % 12].id] }));
        await seedStore(db, SHOP, { products: PRODUCTS, orders });
        await db.$disconnect();
      },
    });
    sql = new pg.Client({ connectionString: topo.dbUrl });
    await sql.connect();
  }, 180_000);

  afterAll(async () => {
    await sql?.end();
    await topo?.stop();
  }, 60_000);

  it("routes each shop's storefront requests to one instance, and webhooks to every instance", async () => {
    const byShop = new Map<string, Set<string | null>>();
    for (let s = 0; s < 24; s++) {
      const shop = `route-${s}.myshopify.com`;
      const seen = new Set<string | null>();
      for (let k = 0; k < 3; k++) {
        const r = await fetch(`${topo.lb.url}/proxy/ping?${signedProxyQuery(SECRET, shop)}`);
        await r.arrayBuffer();
        seen.add(r.headers.get("x-attune-upstream"));
      }
      byShop.set(shop, seen);
    }
    for (const seen of byShop.values()) expect(seen.size).toBe(1);
    const used = new Set([...byShop.values()].map((s) => topo.instanceOf([...s][0])));
    expect([...used].sort()).toEqual([0, 1]); // 24 shops all hashed to one instance: ~1e-7

    const webhookUpstreams = new Set<number>();
    for (let k = 0; k < 6; k++) {
      const body = JSON.stringify(orderWebhook("route-hooks.myshopify.com", { id: String(100 + k), lines: [P] }));
      const r = await postWebhook(topo.lb.url, "orders/create", "route-hooks.myshopify.com", body, `route-${k}`);
      expect(r.status).toBe(200);
      webhookUpstreams.add(topo.instanceOf(r.upstream));
    }
    expect([...webhookUpstreams].sort()).toEqual([0, 1]);
  }, 60_000);

  it("applies every delivery exactly once, though each reaches both instances, concurrently and again later", async () => {
    const shop = `once-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
    const N = 60;
    const deliveries = Array.from({ length: N }, (_, n) => ({
      id: `once-${n}`,
      orderId: String(9007199254740993n + 1000n + BigInt(n)),
      body: "",
    }));
    for (const d of deliveries) d.body = JSON.stringify(orderWebhook(shop, { id: d.orderId, lines: [PRODUCTS[0].id, PRODUCTS[1].id] }));
    const [a, b] = topo.instances.map((i) => i.url);
    // Ten deliveries at a time, each sent three ways at once: nginx, instance A, instance B.
    for (let i = 0; i < N; i += 10) {
      const sends = deliveries.slice(i, i + 10).flatMap((d) => [topo.lb.url, a, b].map((base) => postWebhook(base, "orders/create", shop, d.body, d.id)));
      for (const r of await Promise.all(sends)) expect(r.status).toBe(200);
    }
    await waitForDrain(topo.lb.url);
    // Shopify's at-least-once retries, after everything was applied: to the other instance each time.
    for (const [n, d] of deliveries.entries()) expect((await postWebhook(n % 2 ? a : b, "orders/create", shop, d.body, d.id)).status).toBe(200);
    await waitForDrain(topo.lb.url);

    const rows = await sql.query(`SELECT "status", count(*)::int AS n FROM "WebhookDelivery" WHERE "shopId" = $1 GROUP BY "status"`, [shop]);
    expect(rows.rows).toEqual([{ status: "processed", n: N }]);
    const orders = await sql.query(`SELECT "id" FROM "Order" WHERE "shopId" = $1 ORDER BY "id"`, [shop]);
    expect(orders.rows.map((r) => r.id)).toEqual(deliveries.map((d) => d.orderId).sort());
    // One change event per order = each applied once (an apply appends one).
    const applied = await sql.query(`SELECT "entityId", count(*)::int AS n FROM "ChangeEvent" WHERE "shopId" = $1 AND "kind" = 'order' GROUP BY "entityId"`, [shop]);
    expect(applied.rows.length).toBe(N);
    expect(applied.rows.every((r) => r.n === 1)).toBe(true);
    const lines = await sql.query(`SELECT count(*)::int AS n FROM "OrderLine" WHERE "shopId" = $1`, [shop]);
    expect(lines.rows[0].n).toBe(2 * N);
  }, 120_000);

  it("every instance's storefront decisions show a new order within 2 s, whichever instance received it", async () => {
    const lags: number[][] = [];
    const receivers = [topo.instances[0].url, topo.instances[1].url, topo.lb.url, topo.lb.url];
    for (const [round, receiver] of receivers.entries()) {
      const customer = String(8000000000000000001n + BigInt(round));
      // Before: no instance knows of a purchase (also builds the engine where it is not built yet).
      for (const inst of topo.instances) {
        const before = await recommendations(inst.url, customer);
        expect(before.lastPurchase).toBeNull();
        expect(before.customer.firstOrder).toBe(true);
      }
      const body = JSON.stringify(orderWebhook(SHOP, { id: String(9007199254750000n + BigInt(round)), customerId: customer, lines: [P, PRODUCTS[7].id] }));
      expect((await postWebhook(receiver, "orders/create", SHOP, body, `fresh-${round}`)).status).toBe(200);
      const acked = performance.now();
      const lag = await Promise.all(
        topo.instances.map(async (inst) => {
          for (;;) {
            const r = await recommendations(inst.url, customer);
            if (r.lastPurchase?.productId === P && !r.customer.firstOrder) return performance.now() - acked;
            if (performance.now() - acked > 10_000) return Infinity;
            await new Promise((res) => setTimeout(res, 20));
          }
        }),
      );
      lags.push(lag);
    }
    console.log(`scale-out: order → decision lag per round, [instance A, instance B] ms: ${lags.map((l) => `[${l.map((x) => Math.round(x)).join(", ")}]`).join(" ")}`);
    for (const l of lags) for (const ms of l) expect(ms).toBeLessThanOrEqual(2000);
  }, 120_000);
});
