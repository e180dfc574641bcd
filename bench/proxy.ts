/**
 * Storefront decision benchmark: `npx tsx bench/proxy.ts`.
 *
 * Seeds a SQLite database with a synthetic store (100k customers, 1M order lines, 20k products,
 * bench/synthetic-store.ts) using raw multi-row INSERTs in big transactions, starts the real built
 * server (server.mjs), warms the shop's engine (cold build = what a restart costs), then drives it
 * with realistic signed app proxy requests:
 *   (a) GET /proxy/recommendations: placements home/product/cart/thank_you, ~50% logged-in customers,
 *       product pages, carts, vids with stored browsing events, utm sources, viewed lists;
 *   (b) GET /proxy/ping: verifies the same signature and answers {ok:true} (the trivial baseline).
 * Each at a steady 500 req/s (paced open loop, and autocannon -R) for ~15 s (p50/p99), then each at
 * max throughput (32 connections, a wrk-style client): five alternating 5 s rounds (--rounds), median
 * of the per-round ratios. Every run also reports the CPU the server and the client spent per
 * request. Targets (GUIDE.md §5): p99 <= 20 ms at 500 req/s; decision peak >= 70% of the trivial route's.
 *
 * Options: --customers N --products N --lines N --steady S --peak S (per round pair) --rounds N --rate R --semi-space MB (overrides the
 * server's V8 --max-semi-space-size; default: startApp's, as `npm start`); --autocannon-peak drives the
 * peak rounds with autocannon instead of the wrk-style client.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { execFileSync, spawn } from "node:child_process";
import { pathToFileURL } from "node:url";
import { migrate } from "../scripts/db/migrate";
import { appProxySignature } from "../scripts/simulator/sign";
import { ROOT, startApp } from "../tests/helpers/server";
import { generateStore, prng, type SyntheticStore } from "./synthetic-store";
import { arg, printTable } from "./util";

const require = createRequire(import.meta.url);

const SHOP = "bench-proxy.myshopify.com";
const SECRET = "bench-proxy-secret";

interface Size {
  customers: number;
  products: number;
  orderLines: number;
}

const ts = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/** Writes the synthetic store with multi-row INSERTs straight through better-sqlite3. */
export function seed(file: string, store: SyntheticStore, visitors: string[]): Record<string, number> {
  const Database = require("better-sqlite3") as typeof import("better-sqlite3");
  const sql = new Database(file);
  sql.pragma("journal_mode = WAL");
  sql.pragma("synchronous = OFF");
  const now = ts(Date.now());
  const counts: Record<string, number> = {};

  function insert(table: string, columns: string[], rows: Iterable<unknown[]>, perStatement = Math.floor(30_000 / columns.length)) {
    const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES `;
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    const full = sql.prepare(head + Array(perStatement).fill(tuple).join(", "));
    let buf: unknown[] = [];
    let n = 0;
    let pending = 0;
    const tx = sql.transaction((fn: () => void) => fn());
    tx(() => {
      for (const row of rows) {
        for (const v of row) buf.push(v);
        n++;
        if (++pending === perStatement) {
          full.run(buf);
          buf = [];
          pending = 0;
        }
      }
      if (pending) sql.prepare(head + Array(pending).fill(tuple).join(", ")).run(buf);
    });
    counts[table] = n;
  }

  sql.prepare(`INSERT INTO "Shop" ("id", "currency", "settings", "updatedAt") VALUES (?, 'USD', ?, ?)`).run(SHOP, JSON.stringify({ freeShippingThresholdCents: 7500 }), now);
  insert(
    "Product",
    ["shopId", "id", "title", "handle", "productType", "vendor", "tags", "collections", "status", "publishedAt", "imageUrl", "priceMinCents", "available", "defaultVariantId", "shopifyCreatedAt", "updatedAt"],
    (function* () {
      for (const p of store.products) {
        yield [SHOP, p.id, p.title, p.handle, p.productType, p.vendor, JSON.stringify(p.tags), JSON.stringify(p.collections), "active", p.published ? ts(p.createdAt) : null,
          `https://cdn.shopify.com/s/files/1/bench/${p.handle}.jpg`, p.priceCents, p.available ? 1 : 0, p.defaultVariantId, ts(p.createdAt), now];
      }
    })(),
  );
  insert(
    "Variant",
    ["shopId", "id", "productId", "title", "priceCents", "available", "position"],
    (function* () {
      for (const p of store.products) yield [SHOP, p.defaultVariantId, p.id, "Default", p.priceCents, p.available ? 1 : 0, 1];
    })(),
  );
  insert(
    "Customer",
    ["shopId", "id", "countryCode", "tags", "personalizationOptOut", "shopifyCreatedAt", "updatedAt"],
    (function* () {
      for (const c of store.customers) yield [SHOP, c.id, c.countryCode ?? null, JSON.stringify(c.tags), c.personalizationOptOut ? 1 : 0, ts(c.createdAt), now];
    })(),
  );
  insert(
    "Order",
    ["shopId", "id", "name", "customerId", "totalCents", "countryCode", "shopifyCreatedAt", "shopifyUpdatedAt", "cancelledAt", "updatedAt"],
    (function* () {
      let k = 0;
      for (const o of store.orders) yield [SHOP, o.id, `#${++k}`, o.customerId, o.totalCents, o.countryCode ?? null, ts(o.createdAt), ts(o.createdAt), o.cancelled ? ts(o.createdAt + 3_600_000) : null, now];
    })(),
  );
  let line = 9_500_000_000_000_000n;
  insert(
    "OrderLine",
    ["shopId", "id", "orderId", "productId", "variantId", "quantity", "priceCents"],
    (function* () {
      for (const o of store.orders) for (const l of o.lines) yield [SHOP, String(line++), o.id, l.productId, l.variantId ?? null, l.quantity, l.priceCents];
    })(),
  );
  // Consented browsing history for the anonymous visitors the load uses (5 views each).
  const rnd = prng(7);
  insert(
    "BrowsingEvent",
    ["shopId", "visitorId", "kind", "productId", "createdAt"],
    (function* () {
      for (const v of visitors) for (let i = 0; i < 5; i++) yield [SHOP, v, "product_view", store.products[Math.floor(rnd() * store.products.length)].id, now];
    })(),
  );
  sql.pragma("wal_checkpoint(TRUNCATE)");
  sql.close();
  return counts;
}

/** Signs query sets now, as Shopify's proxy would (signatures are valid for 90 s). */
export function signPaths(route: string, list: Record<string, string>[]): string[] {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return list.map((q) => {
    const params: Record<string, string> = { shop: SHOP, path_prefix: "/apps/attune", timestamp, ...q };
    return `/proxy/${route}?${new URLSearchParams({ ...params, signature: appProxySignature(SECRET, params) })}`;
  });
}

/** A pool of signed storefront decision requests, signed now. */
export function requestPool(store: SyntheticStore, visitors: string[], n: number, seed: number): string[] {
  return signPaths("recommendations", requestParams(store, visitors, n, seed));
}

/** Realistic storefront decision queries (unsigned), reproducible by seed. */
export function requestParams(store: SyntheticStore, visitors: string[], n: number, seed: number): Record<string, string>[] {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  // Popular products are viewed more: take product pages from purchased lines.
  const orders = store.orders;
  const buyers = orders.filter((o) => o.customerId).map((o) => o.customerId!);
  const sources = ["instagram", "google", "newsletter", "pinterest", "tiktok"];
  const devices = ["mobile", "desktop", "tablet"];
  const out: Record<string, string>[] = [];
  for (let i = 0; i < n; i++) {
    const loggedIn = rnd() < 0.5;
    const customer = loggedIn ? (rnd() < 0.85 ? pick(buyers) : pick(store.customers).id) : "";
    const r = rnd();
    const order = pick(orders);
    const q: Record<string, string> = {};
    if (r < 0.4) {
      q.placement = "product";
      q.product_id = pick(order.lines).productId;
      q.limit = "6";
    } else if (r < 0.65) {
      q.placement = "home";
      q.limit = String(4 + Math.floor(rnd() * 5));
    } else if (r < 0.9) {
      q.placement = "cart";
      q.cart = order.lines.slice(0, 1 + Math.floor(rnd() * 3)).map((l) => `${l.variantId}:${1 + Math.floor(rnd() * 2)}`).join(",");
      q.limit = "4";
      if (rnd() < 0.5) q.max_price = "2500";
    } else {
      q.placement = "thank_you";
      q.limit = "4";
    }
    if (!loggedIn || rnd() < 0.5) if (rnd() < 0.7) q.vid = pick(visitors);
    if (rnd() < 0.3) q.viewed = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pick(store.products).id).join(",");
    if (rnd() < 0.2) q.utm_source = pick(sources);
    q.device = pick(devices);
    out.push({ logged_in_customer_id: customer, ...q });
  }
  return out;
}

export function pingPool(n: number): string[] {
  return signPaths("ping", Array.from({ length: n }, (_, i) => ({ logged_in_customer_id: i % 2 ? String(9_300_000_000_000_000n + BigInt(i)) : "" })));
}

interface RunResult {
  requests: number;
  /** CPU the server process (all its threads) spent per request in this run, from /proc. */
  serverUsPerReq?: number;
  /** CPU the load generator spent per request (same machine, same cores). */
  clientUsPerReq: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/**
 * Load runs in a fresh child process (bench/load-generator.mjs): this process has held a million
 * synthetic order lines, and its garbage collections would stall the client mid-measurement and be
 * counted as server latency (seen: 0.7 s p99 stalls in one round out of five).
 */
async function generateLoad(job: { kind: "autocannon" | "paced" | "lean"; url: string; paths: string[]; seconds: number; connections?: number; rate?: number }): Promise<RunResult> {
  const cpu0 = serverCpuUs();
  const child = spawn(process.execPath, [path.join(ROOT, "bench", "load-generator.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  const done = new Promise<number | null>((resolve) => child.on("close", resolve));
  child.stdin.end(JSON.stringify(job));
  const code = await done;
  if (code !== 0) throw new Error(`load generator exited with ${code}`);
  const result = JSON.parse(out) as RunResult;
  const cpu1 = serverCpuUs();
  if (cpu0 != null && cpu1 != null) result.serverUsPerReq = Math.round((cpu1 - cpu0) / Math.max(1, result.requests));
  return result;
}

let serverPid: number | undefined;

/**
 * The server's CPU time so far (user + system, every thread) in µs, from /proc/<pid>/stat; null
 * where there is no /proc. Throughput on a 2-core machine shared with the client swings ±25% per
 * round; CPU per request says what a request costs the server whatever the client is doing.
 */
function serverCpuUs(): number | null {
  if (serverPid == null) return null;
  try {
    const stat = fs.readFileSync(`/proc/${serverPid}/stat`, "utf8");
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function drive(url: string, paths: string[], opts: { seconds: number; connections: number; rate?: number }): Promise<RunResult> {
  return generateLoad({ kind: "autocannon", url, paths, ...opts });
}

/** Closed-loop peak load from a wrk-style client (see bench/load-generator.mjs). */
function lean(url: string, paths: string[], opts: { seconds: number; connections: number }): Promise<RunResult> {
  return generateLoad({ kind: "lean", url, paths, ...opts });
}

/** A truly open-loop load at a fixed rate (see bench/load-generator.mjs). */
function paced(url: string, paths: string[], opts: { seconds: number; rate: number }): Promise<RunResult> {
  return generateLoad({ kind: "paced", url, paths, ...opts });
}

/** Who drives the peak rounds: the wrk-style client (default) or autocannon (as before 2026-11-23). */
export type PeakClient = "lean" | "autocannon";

export async function runProxyBench(
  size: Size = { customers: 100_000, products: 20_000, orderLines: 1_000_000 },
  o: { steadySeconds?: number; peakSeconds?: number; rate?: number; semiSpaceMb?: number; rounds?: number; peakClient?: PeakClient } = {},
) {
  const steady = o.steadySeconds ?? 15;
  const peak = o.peakSeconds ?? 10;
  const rate = o.rate ?? 500;
  const t0 = performance.now();
  const out: Record<string, number | string> = {};

  let t = performance.now();
  let store: SyntheticStore | null = generateStore({ ...size, seed: 42 });
  out.generate_ms = Math.round(performance.now() - t);
  const visitors = Array.from({ length: 10_000 }, (_, i) => `bench-visitor-${String(i).padStart(6, "0")}`);

  const file = path.join(os.tmpdir(), `attune-bench-proxy-${crypto.randomUUID()}.sqlite`);
  const url = `file:${file}`;
  t = performance.now();
  await migrate(url);
  const counts = seed(file, store, visitors);
  out.seed_ms = Math.round(performance.now() - t);
  // Query sets for every phase, then the store is dropped: the load generator shares this machine,
  // and a heap holding 1M synthetic order lines would add its GC pauses to measured latencies.
  const pools = { first: requestParams(store, visitors, 1, 1), warm: requestParams(store, visitors, 12_000, 2), steady: requestParams(store, visitors, 8000, 3), peak: requestParams(store, visitors, 8000, 4), ac: requestParams(store, visitors, 8000, 5) };
  store = null;
  out.order_lines = counts.OrderLine;
  out.orders = counts.Order;

  // The server must be built from the current app/ (rebuilt when any source is newer than the build).
  const buildFile = path.join(ROOT, "build", "index.js");
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs), 0);
  if (!fs.existsSync(buildFile) || fs.statSync(buildFile).mtimeMs < newest(path.join(ROOT, "app"))) {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], { cwd: ROOT, stdio: "ignore" });
  }
  const app = await startApp({
    DATABASE_URL: url,
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: "https://attune.example.com",
    // Optional V8 young-generation size for the server (a large old heap makes each scavenge costly).
    ...(o.semiSpaceMb ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-semi-space-size=${o.semiSpaceMb}`.trim() } : {}),
  });
  serverPid = app.child.pid;
  try {
    // Cold start: the first decision builds the shop's engine from the database (restart = rebuild).
    t = performance.now();
    const first = await fetch(app.url + signPaths("recommendations", pools.first)[0]);
    if (first.status !== 200) throw new Error(`warm-up request failed: ${first.status} ${await first.text()}`);
    out.cold_first_decision_ms = Math.round(performance.now() - t);
    // Warm-up: JIT, and the engine's lazily filled per-product caches (neighbour lists, similarity),
    // as a shop that has been serving traffic for a while has them.
    await drive(app.url, signPaths("recommendations", pools.warm), { seconds: 8, connections: 8 });
    await drive(app.url, pingPool(2000), { seconds: 2, connections: 8 });

    const rows: Record<string, unknown>[] = [];
    const steadyDecision = await paced(app.url, signPaths("recommendations", pools.steady), { seconds: steady, rate });
    rows.push({ run: `decision @ ${rate}/s (paced, open loop)`, ...steadyDecision });
    const steadyPing = await paced(app.url, pingPool(4000), { seconds: steady, rate });
    rows.push({ run: `trivial @ ${rate}/s (paced, open loop)`, ...steadyPing });
    const acDecision = await drive(app.url, signPaths("recommendations", pools.ac), { seconds: Math.min(steady, 10), connections: 50, rate });
    rows.push({ run: `decision @ ${rate}/s (autocannon -R, bursty)`, ...acDecision });
    const acPing = await drive(app.url, pingPool(4000), { seconds: Math.min(steady, 10), connections: 50, rate });
    rows.push({ run: `trivial @ ${rate}/s (autocannon -R, bursty)`, ...acPing });
    // Peak: alternate decision and trivial rounds and take medians, so drift in the machine's load
    // during the run (other processes, GC) hits both routes alike instead of skewing one ratio.
    const rounds = o.rounds ?? 5;
    const peakClient = o.peakClient ?? "lean";
    const peakLoad = peakClient === "lean" ? lean : drive;
    const decisionRounds: RunResult[] = [];
    const pingRounds: RunResult[] = [];
    const roundRatios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const d = await peakLoad(app.url, signPaths("recommendations", pools.peak), { seconds: peak / 2, connections: 32 });
      const p = await peakLoad(app.url, pingPool(4000), { seconds: peak / 2, connections: 32 });
      decisionRounds.push(d);
      pingRounds.push(p);
      roundRatios.push(d.rps / Math.max(1, p.rps));
      rows.push({ run: `decision max (round ${r + 1})`, ...d }, { run: `trivial max (round ${r + 1})`, ...p });
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const byMedianRps = (xs: RunResult[]) => [...xs].sort((a, b) => a.rps - b.rps)[Math.floor(xs.length / 2)];
    const peakDecision = byMedianRps(decisionRounds);
    const peakPing = byMedianRps(pingRounds);

    printTable(`Storefront decision via app proxy (${size.customers} customers, ${counts.OrderLine} order lines, ${size.products} products; ${os.cpus().length} CPUs, load client on the same machine)`, rows);
    out.steady_rate = rate;
    out.server_semi_space_mb = o.semiSpaceMb ?? "npm start's";
    out.decision_p50_ms = steadyDecision.p50;
    out.decision_p99_ms = steadyDecision.p99;
    out.trivial_p50_ms = steadyPing.p50;
    out.trivial_p99_ms = steadyPing.p99;
    out.peak_client = peakClient;
    out.decision_peak_rps = peakDecision.rps;
    out.trivial_peak_rps = peakPing.rps;
    out.peak_ratio = Math.round(med(roundRatios) * 1000) / 1000; // median of the per-round ratios
    out.peak_ratio_rounds = roundRatios.map((x) => x.toFixed(3)).join(" ");
    // What each request cost the server and the client in the peak rounds (medians over rounds).
    const medOf = (xs: RunResult[], k: "serverUsPerReq" | "clientUsPerReq") => med(xs.map((x) => x[k] ?? NaN));
    const decisionUs = medOf(decisionRounds, "serverUsPerReq");
    const trivialUs = medOf(pingRounds, "serverUsPerReq");
    out.decision_server_us_per_req = decisionUs;
    out.trivial_server_us_per_req = trivialUs;
    // The peak ratio the server alone would allow (no client on its cores).
    out.server_cpu_ratio = Math.round((trivialUs / decisionUs) * 1000) / 1000;
    out.decision_client_us_per_req = medOf(decisionRounds, "clientUsPerReq");
    out.trivial_client_us_per_req = medOf(pingRounds, "clientUsPerReq");
    out.autocannon_R_decision_p99_ms = acDecision.p99;
    out.errors = acDecision.errors + acDecision.non2xx + steadyDecision.errors + steadyDecision.non2xx + decisionRounds.reduce((a, r) => a + r.errors + r.non2xx, 0) + steadyPing.non2xx + pingRounds.reduce((a, r) => a + r.errors + r.non2xx, 0);
    out.target_p99_le_20ms = steadyDecision.p99 <= 20 ? "met" : "MISSED";
    out.target_peak_ratio_ge_0_7 = (out.peak_ratio as number) >= 0.7 ? "met" : "MISSED";
    out.total_s = Math.round((performance.now() - t0) / 1000);
    printTable("Summary", [out]);
    return out;
  } finally {
    serverPid = undefined;
    await app.stop();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runProxyBench(
    { customers: arg("customers") ?? 100_000, products: arg("products") ?? 20_000, orderLines: arg("lines") ?? 1_000_000 },
    {
      steadySeconds: arg("steady"),
      peakSeconds: arg("peak"),
      rate: arg("rate"),
      semiSpaceMb: arg("semi-space"),
      rounds: arg("rounds"),
      peakClient: process.argv.includes("--autocannon-peak") ? "autocannon" : "lean",
    },
  ).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
