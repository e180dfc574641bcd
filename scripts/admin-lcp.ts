/**
 * `npm run lcp`: the largest contentful paint of each admin page, in Chromium, on the demo.
 *
 *   npm run lcp                          # starts a small demo (scripts/demo.ts), measures, stops it
 *   npm run lcp -- --url http://localhost:3000   # measures a demo that is already running
 *
 * Each page is loaded once to warm the server and the browser's cache of the build's assets (as a
 * merchant moving around the admin has), then --runs times; the median and worst are printed against
 * the target (≤ 1 s locally; Built for Shopify asks ≤ 2.5 s at p75). Exit 1 when a median misses it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PAGES = [
  "/app",
  "/app/segments",
  "/app/segments/canadian_customers",
  "/app/segments/new",
  "/app/rules",
  "/app/rules/rule_canada",
  "/app/rules/new?template=instagram_visitors",
  "/app/preview?rule=rule_canada",
  "/app/offers",
  "/app/settings",
  "/app/customers",
  "/app/activity",
  "/app/privacy",
];
const TARGET_MS = 1000;

const { values: args } = parseArgs({ options: { url: { type: "string" }, runs: { type: "string", default: "5" }, orders: { type: "string", default: "3000" } } });

async function startDemo(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/demo.ts", "--orders", args.orders!, "--customers", "800", "--products", "150"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${path.join(ROOT, "prisma", "lcp-demo.sqlite")}` },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /Admin \(demo mode[^:]*\):\s+(http:\/\/\S+)\/app/.exec(out);
      if (m) resolve({ url: m[1], child });
    });
    child.once("exit", (code) => reject(new Error(`the demo exited (${code}) before it was ready:\n${out.slice(-2000)}`)));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const demo = args.url ? null : await startDemo();
  const base = (args.url ?? demo!.url).replace(/\/$/, "");
  const browser = await chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const origin = new URL(base).origin;
  await context.route("**/*", (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort("blockedbyclient")));
  const page = await context.newPage();
  const lcp = async (p: string) => {
    await page.goto(`${base}${p}`, { waitUntil: "load" });
    // The last largest-contentful-paint candidate (buffered), once the page has been quiet for 300 ms.
    // (A string: tsx's name helpers do not exist in the page.)
    return page.evaluate<number>(`new Promise((resolve, reject) => {
      let last = 0;
      const started = performance.now();
      new PerformanceObserver((list) => { for (const e of list.getEntries()) last = e.startTime; }).observe({ type: "largest-contentful-paint", buffered: true });
      (function check() {
        if (last > 0 && performance.now() - started >= 300) resolve(last);
        else if (performance.now() - started > 5000) reject(new Error("no largest-contentful-paint entry on " + location.pathname));
        else setTimeout(check, 100);
      })();
    })`);
  };
  const runs = Math.max(1, Number(args.runs));
  let worstMedian = 0;
  console.log(`LCP of the admin pages on ${base} (Chromium, ${runs} runs after a warm-up; target ≤ ${TARGET_MS} ms)`);
  for (const p of PAGES) {
    await lcp(p);
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) xs.push(await lcp(p));
    const m = median(xs);
    worstMedian = Math.max(worstMedian, m);
    console.log(`  ${p.padEnd(44)} median ${String(Math.round(m)).padStart(5)} ms   worst ${String(Math.round(Math.max(...xs))).padStart(5)} ms   ${m <= TARGET_MS ? "ok" : "OVER TARGET"}`);
  }
  await browser.close();
  if (demo) {
    demo.child.kill("SIGINT");
    await new Promise((r) => demo.child.once("exit", r));
  }
  process.exit(worstMedian <= TARGET_MS ? 0 : 1);
}

main().catch((e) => {
  console.error(`lcp: ${(e as Error).message}`);
  process.exit(1);
});
