/**
 * Kill -9 in the middle of a delivery stream. Shopify re-sends whatever it did not get a 2xx for
 * (and sometimes what it did). After a restart the stored data must equal an uninterrupted run:
 * nothing acknowledged is lost, nothing is applied twice.
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, type Db } from "../../app/db.server";
import { migrate } from "../../scripts/db/migrate";
import { orderCreateBody } from "../../scripts/simulator/orders";
import { webhookHeaders } from "../../scripts/simulator/sign";
import { type AppServer, ensureBuilt, startApp, waitForDrain } from "../helpers/server";

const SECRET = "crash-test-secret";
const SHOP = "crash-test.myshopify.com";
const N = 400;
const t0 = Date.now();
const step = (m: string) => process.env.ATTUNE_LOG && console.log(`${Date.now() - t0}ms ${m}`);
const deliveries = Array.from({ length: N }, (_, n) => ({ id: `crash-${n}`, body: orderCreateBody(n) }));

let dbUrl: string;
let app: AppServer | undefined;
const env = () => ({ DATABASE_URL: dbUrl, SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: SECRET, SHOPIFY_APP_URL: "https://attune.example.com" });

async function post(url: string, d: { id: string; body: string }): Promise<number> {
  try {
    const r = await fetch(`${url}/webhooks/orders/create`, {
      method: "POST",
      headers: webhookHeaders({ topic: "orders/create", shop: SHOP, body: d.body, secret: SECRET, webhookId: d.id }),
      body: d.body,
    });
    await r.arrayBuffer();
    return r.status;
  } catch {
    return 0; // connection refused or reset: Shopify would retry
  }
}

/** The stored result, without columns that legitimately differ between runs (timestamps of our own). */
async function stored(db: Db) {
  const orders = await db.order.findMany({ where: { shopId: SHOP }, orderBy: { id: "asc" } });
  const lines = await db.orderLine.findMany({ where: { shopId: SHOP }, orderBy: { id: "asc" } });
  const customers = await db.customer.findMany({ where: { shopId: SHOP }, orderBy: { id: "asc" } });
  const changes = await db.changeEvent.groupBy({ by: ["kind", "entityId"], where: { shopId: SHOP }, _count: true });
  const strip = (rows: object[]) => rows.map(({ updatedAt, ...r }: any) => r);
  return { orders: strip(orders), lines, customers: strip(customers), orderChanges: changes.filter((c) => c.kind === "order").map((c) => c._count) };
}

beforeAll(() => {
  ensureBuilt();
  dbUrl = `file:${path.join(os.tmpdir(), `attune-crash-${crypto.randomUUID()}.sqlite`)}`;
}, 120_000);

afterAll(async () => {
  await app?.stop("SIGKILL");
});

it("SIGKILL mid-stream, restart, Shopify-style retries: data equals an uninterrupted run", async () => {
  await migrate(dbUrl);
  app = await startApp(env());
  const acked = new Set<string>();
  let next = 0;
  let killed = false;
  // Eight concurrent senders, like Shopify's parallel deliveries; kill -9 once a third are acknowledged.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < N) {
        const d = deliveries[next++];
        const status = await post(app!.url, d);
        if (status === 200) acked.add(d.id);
        if (!killed && acked.size >= N / 3) {
          killed = true;
          app!.child.kill("SIGKILL");
        }
      }
    }),
  );
  step(`stream done, acked ${acked.size}`);
  await app.stop("SIGKILL");
  expect(killed).toBe(true);
  expect(acked.size).toBeGreaterThanOrEqual(N / 3);
  expect(acked.size).toBeLessThan(N);

  // Restart on the same database; the worker recovers whatever was acknowledged but not yet applied.
  step("restarting");
  app = await startApp(env());
  step("restarted");
  // Shopify retries everything it did not get a 200 for, plus (at-least-once) a few it did.
  const retry = deliveries.filter((d) => !acked.has(d.id) || Number(d.id.split("-")[1]) % 10 === 0);
  for (let i = 0; i < retry.length; i += 8) {
    const statuses = await Promise.all(retry.slice(i, i + 8).map((d) => post(app!.url, d)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  }
  step("retries sent");
  await waitForDrain(app.url);
  step("drained");
  await app.stop();

  // The uninterrupted run: every delivery once, on a fresh database, through the same worker code.
  const cleanUrl = `file:${path.join(os.tmpdir(), `attune-clean-${crypto.randomUUID()}.sqlite`)}`;
  await migrate(cleanUrl);
  const clean = await startApp({ ...env(), DATABASE_URL: cleanUrl });
  for (let i = 0; i < N; i += 8) await Promise.all(deliveries.slice(i, i + 8).map((d) => post(clean.url, d)));
  await waitForDrain(clean.url);
  await clean.stop();

  const crashed = createDb(dbUrl);
  const uninterrupted = createDb(cleanUrl);
  const a = await stored(crashed);
  const b = await stored(uninterrupted);
  expect(a.orders.length).toBe(N);
  expect(a.orderChanges.every((c) => c === 1)).toBe(true); // each order applied exactly once
  expect(a).toEqual(b);
  expect(await crashed.webhookDelivery.count({ where: { shopId: SHOP } })).toBe(N);
  await crashed.$disconnect();
  await uninterrupted.$disconnect();
}, 180_000);
