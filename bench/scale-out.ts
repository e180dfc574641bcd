/**
 * Scale-out benchmark: the same workload on one and on two `npm start` instances, each time on a
 * fresh PostgreSQL database behind the same nginx configuration (tests/helpers/scale-out.ts,
 * docs/deploy.md): storefront traffic hashed by shop, webhooks round-robin.
 *
 * Per topology:
 * 1. Ingest: real HMAC-signed orders/create deliveries for 8 shops (20% re-sent duplicates), 64 in
 *    flight through nginx, as fast as they are acknowledged. Reports acks/s and ack p50/p99, and the
 *    end-to-end rate (distinct orders applied per second, from the first send until the shared
 *    queue is empty), then checks every order was stored and applied exactly once.
 * 2. Storefront: signed app proxy recommendations (home/product/cart, guests and logged-in
 *    customers of those orders) over the 8 shops through nginx: peak (closed loop, 32 connections,
 *    wrk-style client in its own process, bench/load-generator.mjs) and a steady open loop.
 * Also the app processes' CPU per request (every instance's threads, from /proc), which says what a
 * request costs whatever else shares the cores.
 *
 * Needs nginx and PostgreSQL (ATTUNE_TEST_PG_URL, e.g. postgresql://postgres@127.0.0.1:5432/test).
 * Run: npm run bench -- scale-out   (or npx tsx bench/scale-out.ts [--deliveries 8000] [--seconds 10] [--rate 400])
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import pg from "pg";
import { createDb } from "../app/db.server";
import { orderCreateBody } from "../scripts/simulator/orders";
import { signedProxyQuery, webhookHeaders } from "../scripts/simulator/sign";
import { scaleOutUnavailable, startTopology, type Topology } from "../tests/helpers/scale-out";
import { ROOT, waitForDrain } from "../tests/helpers/server";
import { seedStore } from "../tests/helpers/store";
import { arg, percentile, printTable } from "./util";

const SECRET = "bench-scale-out-secret";
const SHOPS = Array.from({ length: 8 }, (_, i) => `bench-scale-${i}.myshopify.com`);
const BASE = 9007199254740993n; // orderCreateBody's ids
const PRODUCTS = 300;
const CUSTOMERS = 400;
const productId = (k: number) => String(BASE + 10_000_000n + BigInt(k));
const customerId = (k: number) => String(BASE + 50_000_000n + BigInt(k));

interface Delivery {
  shop: string;
  body: string;
  headers: Record<string, string>;
}

/** `total` deliveries over the shops, the last 20% re-sending earlier ones (same webhook id). */
function deliveries(total: number): { list: Delivery[]; distinct: number } {
  const distinct = Math.round(total * 0.8);
  const originals = Array.from({ length: distinct }, (_, i) => {
    const shop = SHOPS[i % SHOPS.length];
    const body = orderCreateBody(Math.floor(i / SHOPS.length), { productCount: PRODUCTS, customerCount: CUSTOMERS });
    return { shop, body, headers: webhookHeaders({ topic: "orders/create", shop, body, secret: SECRET, webhookId: `bench-${i}` }) };
  });
  const list = [...originals];
  for (let i = 0; i < total - distinct; i++) list.splice(Math.floor(distinct / 5) + i * 4, 0, originals[(i * 7919) % distinct]);
  return { list, distinct };
}

async function ingest(topo: Topology, total: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const { list, distinct } = deliveries(total);
  const lat: number[] = [];
  let errors = 0;
  let next = 0;
  const post = (d: Delivery) =>
    new Promise<number>((resolve) => {
      const req = http.request(`${topo.lb.url}/webhooks/orders/create`, { method: "POST", agent, headers: { ...d.headers, "Content-Length": Buffer.byteLength(d.body) } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", () => resolve(0));
      req.end(d.body);
    });
  const cpu0 = appCpuUs(topo);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < list.length) {
        const d = list[next++];
        const t = performance.now();
        if ((await post(d)) !== 200) errors++;
        lat.push(performance.now() - t);
      }
    }),
  );
  const ackSeconds = (performance.now() - start) / 1000;
  await waitForDrain(topo.lb.url, 600_000);
  const appliedSeconds = (performance.now() - start) / 1000;
  const cpu = appCpuUs(topo) - cpu0;
  agent.destroy();

  const sql = new pg.Client({ connectionString: topo.dbUrl });
  await sql.connect();
  const count = async (text: string) => (await sql.query(text, [SHOPS])).rows[0].n as number;
  const stored = await count(`SELECT count(*)::int AS n FROM "Order" WHERE "shopId" = ANY($1)`);
  const applications = await count(`SELECT count(*)::int AS n FROM "ChangeEvent" WHERE "shopId" = ANY($1) AND "kind" = 'order'`);
  const rows = await count(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "shopId" = ANY($1) AND "status" = 'processed'`);
  await sql.end();
  return {
    sent: total,
    "acks/s": Math.round(total / ackSeconds),
    "ack p50 ms": +percentile(lat, 50).toFixed(1),
    "ack p99 ms": +percentile(lat, 99).toFixed(1),
    "applied/s (end to end)": Math.round(distinct / appliedSeconds),
    "app CPU µs/delivery": Math.round(cpu / total),
    errors,
    "exactly once": stored === distinct && applications === distinct && rows === distinct,
  };
}

/** Signed storefront requests over every shop: home, product and cart pages, guests and customers. */
function storefrontPaths(count: number): string[] {
  let s = 7;
  const rand = (n: number) => ((s = (s * 1103515245 + 12345) % 2147483648) % n);
  return Array.from({ length: count }, (_, i) => {
    const shop = SHOPS[i % SHOPS.length];
    const customer = rand(2) ? customerId(rand(CUSTOMERS)) : "";
    const kind = rand(3);
    const extra: Record<string, string> =
      kind === 0 ? { placement: "home" } : kind === 1 ? { placement: "product", product_id: productId(rand(PRODUCTS)) } : { placement: "cart", cart: `${BigInt(productId(rand(PRODUCTS))) + 5_000_000n}:1` };
    return `/proxy/recommendations?${signedProxyQuery(SECRET, shop, extra, customer)}`;
  });
}

interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** bench/load-generator.mjs in its own process (its GCs and ours stay apart). */
async function load(job: { kind: "lean" | "paced"; url: string; paths: string[]; seconds: number; connections?: number; rate?: number }): Promise<LoadResult> {
  const child = spawn(process.execPath, [path.join(ROOT, "bench", "load-generator.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  const code = await new Promise<number | null>((resolve) => {
    child.on("close", resolve);
    child.stdin.end(JSON.stringify(job));
  });
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  return JSON.parse(out) as LoadResult;
}

async function storefront(topo: Topology, seconds: number, rate: number) {
  const paths = storefrontPaths(4000);
  // Warm: every shop's engine built on its instance, JIT hot.
  await load({ kind: "lean", url: topo.lb.url, paths, seconds: 3, connections: 8 });
  const cpu0 = appCpuUs(topo);
  const peak = await load({ kind: "lean", url: topo.lb.url, paths, seconds, connections: 32 });
  const cpu = appCpuUs(topo) - cpu0;
  const steady = await load({ kind: "paced", url: topo.lb.url, paths, seconds, rate });
  return {
    "peak req/s": peak.rps,
    "peak p50 ms": peak.p50,
    "peak p99 ms": peak.p99,
    "app CPU µs/req": Math.round(cpu / Math.max(1, peak.requests)),
    [`steady @${rate}/s p50 ms`]: steady.p50,
    [`steady @${rate}/s p99 ms`]: steady.p99,
    "non-2xx": peak.non2xx + steady.non2xx,
    errors: peak.errors + steady.errors,
  };
}

/** Which instance each shop's storefront traffic reaches (nginx's consistent hash). */
async function shopsPerInstance(topo: Topology): Promise<string> {
  const counts = topo.instances.map(() => 0);
  for (const shop of SHOPS) {
    const r = await fetch(`${topo.lb.url}/proxy/ping?${signedProxyQuery(SECRET, shop)}`);
    await r.arrayBuffer();
    counts[topo.instanceOf(r.headers.get("x-attune-upstream"))]++;
  }
  return counts.join("/");
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU (user + system, all threads) the app instances have used so far, in µs. */
function appCpuUs(topo: Topology): number {
  let total = 0;
  for (const inst of topo.instances) {
    try {
      const stat = fs.readFileSync(`/proc/${inst.child.pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += ((Number(f[11]) + Number(f[12])) * 1e6) / CLOCK_TICKS;
    } catch {
      return NaN; // no /proc
    }
  }
  return total;
}

async function seed(url: string) {
  const db = createDb(url);
  const products = Array.from({ length: PRODUCTS }, (_, k) => ({ id: productId(k), variantId: String(BigInt(productId(k)) + 5_000_000n), title: `Product ${k}`, priceCents: 1000 + (k % 90) * 100 }));
  for (const shop of SHOPS) await seedStore(db, shop, { products, settings: { freeShippingThresholdCents: 7500 } });
  await db.$disconnect();
}

export async function runScaleOutBench(o: { deliveries?: number; seconds?: number; rate?: number } = {}) {
  const reason = await scaleOutUnavailable();
  if (reason) {
    console.log(`scale-out bench skipped: ${reason}`);
    return { ok: true, skipped: reason };
  }
  const total = o.deliveries ?? 8000;
  const seconds = o.seconds ?? 10;
  const rate = o.rate ?? 400;
  const ingestRows: Record<string, unknown>[] = [];
  const storefrontRows: Record<string, unknown>[] = [];
  for (const n of [1, 2]) {
    const topo = await startTopology({ instances: n, env: { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: SECRET, SHOPIFY_APP_URL: "https://attune.example.com" }, seed });
    try {
      const spread = await shopsPerInstance(topo);
      ingestRows.push({ instances: n, ...(await ingest(topo, total)) });
      // Let every engine follow the feed to the end before measuring decisions.
      await new Promise((r) => setTimeout(r, 2000));
      storefrontRows.push({ instances: n, "shops per instance": spread, ...(await storefront(topo, seconds, rate)) });
    } finally {
      await topo.stop();
    }
  }
  const ratio = (rows: Record<string, unknown>[], key: string) => +((rows[1][key] as number) / (rows[0][key] as number)).toFixed(2);
  console.log(`\nmachine: ${(await import("node:os")).cpus().length} cores, shared by the load client, nginx, PostgreSQL and every instance`);
  printTable(`Webhook ingest through nginx (round-robin), orders/create for ${SHOPS.length} shops, 20% duplicates, 64 in flight`, ingestRows);
  printTable(`Storefront decisions through nginx (hash $arg_shop consistent), ${SHOPS.length} shops; peak = 32 connections for ${seconds} s`, storefrontRows);
  console.log(
    `two/one instance ratios: acks/s ${ratio(ingestRows, "acks/s")}, applied/s ${ratio(ingestRows, "applied/s (end to end)")}, storefront peak req/s ${ratio(storefrontRows, "peak req/s")}`,
  );
  const ok = ingestRows.every((r) => r["exactly once"] && r.errors === 0) && storefrontRows.every((r) => r.errors === 0 && r["non-2xx"] === 0);
  return { ok, ingest: ingestRows, storefront: storefrontRows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runScaleOutBench({ deliveries: arg("deliveries"), seconds: arg("seconds"), rate: arg("rate") });
  process.exit(r.ok ? 0 : 1);
}
