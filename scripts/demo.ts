/**
 * `npm run demo` (= `tsx scripts/demo.ts`): the whole app, locally, on a realistic seeded store,
 * with Shopify simulated (docs/simulator.md).
 *
 * 0. refuses while another demo uses the same database (it would delete that demo's data), picks
 *    the app's port, and only then builds the app (`remix build`) and touches the database;
 * 1. migrates DATABASE_URL (default file:./prisma/demo.sqlite, recreated each run);
 * 2. generates the store (deterministic: --seed) and starts the Admin API stand-in with the part of
 *    it that existed before the last --recent-days days;
 * 3. seeds what OAuth would have left: an offline Session for attune-demo.myshopify.com, the Shop,
 *    and a pending BackfillJob;
 * 4. starts the real built app (server.mjs, as `npm start` does) with ATTUNE_SIMULATOR=1 pointing at the
 *    stand-in; its runtime resumes the backfill (products, customers, older orders via bulk ops);
 * 5. sends the recent days as signed webhooks through the real routes (with duplicates), waits until
 *    the queue is drained, prints what is stored and the URLs, and keeps running until Ctrl-C
 *    (or exits with --exit-when-ready, for CI).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDb, type Db } from "../app/db.server";
import { migrate, sqlitePath } from "./db/migrate";
import { DemoBusy, type DemoLock, lockDemoDatabase } from "./demo-lock";
import { StartupError, checkNode } from "../server-startup.mjs";
import { generateStore, recentDeliveries, sendWebhooks, startAdminApi } from "./simulator/index";
import { createMerchantOffers, LOYALTY_PROGRAM, writeLoyaltyProgram, writeMerchantConfig } from "./simulator/merchant-config";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHOP = "attune-demo.myshopify.com";
const API_KEY = "attune-demo-key";
const API_SECRET = "attune-demo-secret";
const ACCESS_TOKEN = "shpat_attune_demo_offline_token";
const DAY = 86_400_000;

const { values: args } = parseArgs({
  options: {
    seed: { type: "string", default: "42" },
    orders: { type: "string", default: "20000" },
    products: { type: "string", default: "300" },
    customers: { type: "string", default: "3000" },
    "recent-days": { type: "string", default: "30" },
    port: { type: "string" },
    /** Serve the existing build/ (tests and CI that built already). */
    "skip-build": { type: "boolean", default: false },
    "exit-when-ready": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  },
});

if (process.env.NODE_ENV === "production") {
  console.error("demo: refusing to run with NODE_ENV=production (the simulator fakes Shopify; it must never face real traffic)");
  process.exit(1);
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const say = (msg: string) => console.log(`[demo ${elapsed().padStart(6)}] ${msg}`);

async function freePort(preferred?: number): Promise<number> {
  const tryPort = (p: number) =>
    new Promise<number | null>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(null));
      s.listen(p, "127.0.0.1", () => {
        const got = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(got));
      });
    });
  if (preferred !== undefined) {
    const p = await tryPort(preferred);
    if (p) return p;
    if (args.port) throw new Error(`port ${preferred} is in use (another demo or \`npm start\`?); choose another with --port, or leave --port out to take a free one`);
  }
  const got = (await tryPort(0))!;
  if (preferred !== undefined) say(`port ${preferred} is in use; using ${got} instead`);
  return got;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

let stopDemo: ((code: number) => Promise<void>) | null = null;
let lock: DemoLock | null = null;
process.once("exit", () => lock?.release());

async function main() {
  checkNode();
  const databaseUrl = process.env.DATABASE_URL || "file:./prisma/demo.sqlite";
  const seed = Number(args.seed);
  const sizes = { products: Number(args.products), customers: Number(args.customers), orders: Number(args.orders) };
  const recentDays = Number(args["recent-days"]);
  for (const [k, v] of Object.entries({ seed, ...sizes, recentDays })) if (!Number.isInteger(v) || v < 0) throw new Error(`--${k} must be a non-negative integer`);

  // 0. Nothing is touched (build, database) until this demo knows it has the database and a port.
  if (databaseUrl.startsWith("file:")) lock = lockDemoDatabase(sqlitePath(databaseUrl));
  const port = await freePort(args.port ? Number(args.port) : 3000);
  if (!args["skip-build"]) execFileSync(process.execPath, [path.join(ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], { cwd: ROOT, stdio: "inherit" });
  const build = path.join(ROOT, "build", "index.js");
  if (!fs.existsSync(build)) throw new Error("build/index.js is missing: run `npm run build`, or leave out --skip-build");

  // 1. database
  if (databaseUrl.startsWith("file:")) {
    const file = sqlitePath(databaseUrl);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
  }
  await migrate(databaseUrl);
  const db = createDb(databaseUrl);
  say(`database ${databaseUrl.startsWith("file:") ? databaseUrl : databaseUrl.replace(/\/\/[^@/]*@/, "//***@")} migrated`);

  // 2. store + Admin API stand-in
  const now = new Date(Math.floor(Date.now() / DAY) * DAY);
  const store = generateStore({ seed, shop: SHOP, now, ...sizes });
  const cutoff = new Date(now.getTime() - recentDays * DAY);
  const api = await startAdminApi({ store, tokens: { [SHOP]: ACCESS_TOKEN }, before: cutoff, bulkStepMs: 50, verbose: args.verbose });
  const history = store.orders.filter((o) => o.createdAt < cutoff).length;
  say(`seeded store (seed ${seed}): ${store.products.length} products, ${store.customers.length} customers, ${store.orders.length} orders over 12 months`);
  say(`Admin API stand-in on ${api.origin} (validates every document against the 2026-10 schema); ${history} orders before ${cutoff.toISOString().slice(0, 10)} are history`);

  // 3. what OAuth would have left behind
  await db.shop.upsert({ where: { id: SHOP }, create: { id: SHOP, scopes: "read_products,write_customers,read_orders,read_all_orders,write_discounts" }, update: { uninstalledAt: null } });
  await db.session.upsert({
    where: { id: `offline_${SHOP}` },
    create: { id: `offline_${SHOP}`, shop: SHOP, state: "demo", isOnline: false, scope: "read_products,write_customers,read_orders,read_all_orders,write_discounts", accessToken: ACCESS_TOKEN },
    update: { accessToken: ACCESS_TOKEN },
  });
  // The merchant's storefront settings, segment and rules (what the admin would have saved).
  await writeMerchantConfig(db, SHOP);
  // The example loyalty program, on since before the first order, so that the history earns points.
  const loyaltyVersion = await writeLoyaltyProgram(db, SHOP, new Date(store.orders.reduce((t, o) => Math.min(t, o.createdAt.getTime()), now.getTime()) - DAY));
  say(`loyalty program version ${loyaltyVersion} on (tiers ${LOYALTY_PROGRAM.tiers.map((t) => t.name).join(", ")}), in effect since before the first order`);
  // Its visitor offers show codes: create them in Shopify (the stand-in) first, as the Offers page does.
  await createMerchantOffers(db, SHOP, { origin: api.origin, accessToken: ACCESS_TOKEN });
  await db.backfillJob.upsert({ where: { shopId: SHOP }, create: { shopId: SHOP }, update: { status: "pending", stage: "products", bulkOperationId: null, linesApplied: 0, counts: "{}", error: null } });

  // 4. the real app
  const appUrl = `http://localhost:${port}`;
  // Chosen now so the admin's "preview as" pages can link to the storefront preview with a persona.
  const previewPort = await freePort(args.port ? undefined : 9292);
  const logFile = path.join(os.tmpdir(), `attune-demo-app-${port}.log`);
  const logStream = fs.createWriteStream(logFile);
  // `npm start`'s server, with NODE_ENV=development (the simulator is refused in production).
  const child: ChildProcess = spawn(process.execPath, ["--max-semi-space-size=32", path.join(ROOT, "server.mjs")], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "development",
      PORT: String(port),
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      SHOPIFY_APP_URL: appUrl,
      DATABASE_URL: databaseUrl,
      ATTUNE_SIMULATOR: "1",
      ATTUNE_ADMIN_ORIGIN: api.origin,
      // Demo mode: /app opens in a normal browser tab as this shop, no Shopify login (simulator only).
      ATTUNE_DEMO_SHOP: SHOP,
      ATTUNE_WORKER: "thread",
      ATTUNE_PREVIEW_URL: `http://127.0.0.1:${previewPort}/`,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(logStream);
  child.stderr!.pipe(logStream);
  if (args.verbose) {
    child.stdout!.pipe(process.stdout);
    child.stderr!.pipe(process.stderr);
  }
  let exited = false;
  const childExit = new Promise<number | null>((resolve) => child.once("exit", (code) => ((exited = true), resolve(code))));
  void childExit.then((code) => {
    if (!stopping) {
      console.error(`demo: the app exited (code ${code}); its log: ${logFile}\n${fs.readFileSync(logFile, "utf8").split("\n").slice(-30).join("\n")}`);
      process.exit(1);
    }
  });
  let stopping = false;
  const stop = async (code: number) => {
    stopping = true;
    if (!exited) child.kill("SIGTERM");
    await Promise.race([childExit, new Promise((r) => setTimeout(r, 5000))]);
    if (!exited) child.kill("SIGKILL");
    await api.close();
    await db.$disconnect();
    process.exit(code);
  };
  stopDemo = stop;
  process.once("SIGINT", () => void stop(0));
  process.once("SIGTERM", () => void stop(0));

  await waitFor("the app's /healthz", async () => (await fetch(`${appUrl}/healthz`)).ok, 60_000);
  lock?.update({ appUrl });
  say(`app up on ${appUrl} (log: ${logFile}); its runtime resumes the pending backfill`);

  // 5a. the backfill, driven by the app itself
  let last = "";
  const job = await waitFor(
    "the backfill",
    async () => {
      const j = await db.backfillJob.findUnique({ where: { shopId: SHOP } });
      if (!j) return null;
      const line = `backfill ${j.status}: stage ${j.stage}, ${j.counts}`;
      if (line !== last) say((last = line));
      return j.status === "done" || j.status === "failed" ? j : null;
    },
    10 * 60_000,
    500,
  );
  if (job.status === "failed") throw new Error(`backfill failed: ${job.error}`);

  // 5b. the recent days, live, as signed webhooks
  const deliveries = recentDeliveries(store, { since: cutoff });
  const dups = deliveries.filter((d) => d.duplicate).length;
  say(`sending ${deliveries.length} webhooks for the last ${recentDays} days (${dups} duplicates) to ${appUrl}/webhooks/*`);
  const report = await sendWebhooks(deliveries, { appUrl, shop: SHOP, secret: API_SECRET, concurrency: 8, retries: 8, retryDelayMs: 100 });
  say(`webhooks: ${report.ok}/${report.sent} acknowledged in ${(report.ms / 1000).toFixed(1)}s (${Math.round(report.sent / Math.max(report.ms / 1000, 0.001))}/s), ${report.retries} retries, statuses ${JSON.stringify(report.statuses)}`);
  if (report.failed) throw new Error(`${report.failed} webhooks were never acknowledged; see ${logFile}`);
  await waitFor("the ingest queue to drain", async () => (await db.webhookDelivery.count({ where: { status: "pending" } })) === 0, 5 * 60_000);
  const failedDeliveries = await db.webhookDelivery.count({ where: { status: { in: ["failed", "dead"] } } });

  // Summary
  const where = { shopId: SHOP };
  const [products, customers, orders, lines, refunds, attributed] = await Promise.all([
    db.product.count({ where: { ...where, deletedAt: null } }),
    db.customer.count({ where: { ...where, deletedAt: null } }),
    db.order.count({ where: { ...where, deletedAt: null } }),
    db.orderLine.count({ where }),
    db.refund.count({ where }),
    db.orderLine.count({ where: { ...where, placement: { not: null } } }),
  ]);
  const expectedOrders = store.orders.length;
  const expectedAttributed = store.orders.reduce((n, o) => n + o.lines.filter((l) => l.properties?.some((p) => p.name === "_attune_placement")).length, 0);
  say(`stored: ${products} products, ${customers} customers, ${orders} orders (${lines} lines, ${refunds} refunds); store has ${expectedOrders} orders${orders === expectedOrders ? " - all present" : " - MISMATCH"}; ${failedDeliveries} failed deliveries`);
  say(`attribution: ${attributed} lines added from an Attune placement (store: ${expectedAttributed})${attributed === expectedAttributed ? "" : " - MISMATCH"}`);
  const loyalty = await loyaltySummary(db);
  say(`loyalty: ${loyalty.members} members (${loyalty.byTier.map((t) => `${t.name} ${t.count}`).join(", ")}), ${loyalty.entries} ledger entries; ${loyalty.canRedeem} can redeem a reward now${loyalty.emptyTiers.length ? ` - NO MEMBERS IN ${loyalty.emptyTiers.join(", ")}` : ""}`);
  // The local storefront preview (scripts/preview): theme pages with the real blocks, signed app proxy, Ajax cart.
  const { startPreview } = await import("./preview/index");
  const preview = await startPreview({ appUrl, secret: API_SECRET, shop: SHOP, port: previewPort, databaseUrl, adminApiUrl: api.origin });
  const standing = await personaStanding(db, [...preview.data.personas.values()].map((p) => p.customerId));
  const personas = preview.personaLinks().map((l) => {
    const s = standing.get(preview.data.personas.get(l.id)?.customerId ?? "");
    return `      ${l.label.padEnd(24)} ${l.url}\n        ${l.why}${s ? `; loyalty: ${s}` : ""}`;
  });
  console.log(
    [
      "",
      "  Attune demo is ready",
      `  Admin (demo mode, no Shopify login): ${appUrl}/app`,
      `  Loyalty admin:      ${appUrl}/app/loyalty  (members: ${appUrl}/app/loyalty/members)`,
      `  Health:             ${appUrl}/healthz`,
      `  Storefront preview: ${preview.url}  (personas below; /apps/attune/* is proxied to ${appUrl}/proxy/*, signed)`,
      ...personas,
      `  Admin API stand-in: ${api.url}`,
      `  Shop:               ${SHOP}`,
      `  Database:           ${databaseUrl}`,
      `  Ready in ${elapsed()}.${args["exit-when-ready"] ? "" : " Ctrl-C to stop."}`,
      "",
    ].join("\n"),
  );
  // An empty tier is reported, not fatal: the ledger's earning on the imported history (backfill and
  // nightly reconciliation) is another module's, and the rest of the demo is still worth running.
  if (loyalty.emptyTiers.length) console.log(`  WARNING: no loyalty members in ${loyalty.emptyTiers.join(", ")}: the store history has not earned points under the demo program\n`);
  if (orders !== expectedOrders || attributed !== expectedAttributed || failedDeliveries) await stop(1);
  if (args["exit-when-ready"]) await stop(0);
}

const cheapestReward = () => Math.min(...LOYALTY_PROGRAM.rewards.filter((r) => r.active).map((r) => r.cost));

/** Members per tier of the demo program (every tier must have some), and how many can redeem now. */
async function loyaltySummary(db: Db) {
  const where = { shopId: SHOP };
  const [groups, members, entries, canRedeem] = await Promise.all([
    db.loyaltyMember.groupBy({ by: ["tierId"], where, _count: { _all: true } }),
    db.loyaltyMember.count({ where }),
    db.loyaltyEntry.count({ where }),
    db.loyaltyMember.count({ where: { ...where, points: { gte: cheapestReward() } } }),
  ]);
  const count = (id: string | null) => groups.find((g) => g.tierId === id)?._count._all ?? 0;
  const byTier = LOYALTY_PROGRAM.tiers.map((t) => ({ name: t.name, count: count(t.id) }));
  return { members, entries, canRedeem, byTier, emptyTiers: byTier.filter((t) => t.count === 0).map((t) => t.name) };
}

/** "Gold, 2,340 points (can redeem)" for the preview personas that are members. */
async function personaStanding(db: Db, customerIds: (string | null)[]): Promise<Map<string, string>> {
  const ids = customerIds.filter((c): c is string => Boolean(c));
  const rows = await db.loyaltyMember.findMany({ where: { shopId: SHOP, customerId: { in: ids } } });
  const tierName = new Map(LOYALTY_PROGRAM.tiers.map((t) => [t.id, t.name]));
  return new Map(
    rows.map((m) => [m.customerId, `${m.tierId ? (tierName.get(m.tierId) ?? m.tierId) : "no tier"}, ${m.points.toLocaleString("en-US")} points${m.pending ? ` (+${m.pending.toLocaleString("en-US")} pending)` : ""}${m.points >= cheapestReward() ? ", can redeem a reward" : ""}`]),
  );
}

main().catch(async (e) => {
  console.error(e instanceof DemoBusy || e instanceof StartupError ? e.message : `demo: ${(e as Error).message}`);
  if (stopDemo) await stopDemo(1);
  process.exit(1);
});
