import fs from "node:fs";
process.env.NODE_ENV = "production";
process.env.SHOPIFY_API_KEY = "bench-key";
process.env.SHOPIFY_API_SECRET = "bench-proxy-secret";
process.env.SHOPIFY_APP_URL = "https://attune.example.com";
process.env.ATTUNE_INLINE_WORKER = "0";
const file = "/tmp/att/inproc.sqlite";
process.env.DATABASE_URL = "file:" + file;
const { migrate } = await import("/work/main/scripts/db/migrate");
const { generateStore } = await import("/work/main/bench/synthetic-store");
const bench = await import("/work/main/bench/proxy");
const size = { customers: Number(process.argv[2] ?? 20000), products: Number(process.argv[3] ?? 5000), orderLines: Number(process.argv[4] ?? 200000) };
const store = generateStore({ ...size, seed: 42 });
const visitors = Array.from({ length: 10_000 }, (_, i) => `bench-visitor-${String(i).padStart(6, "0")}`);
if (!fs.existsSync(file + ".done." + size.orderLines)) {
  for (const f of fs.readdirSync("/tmp/att").filter((f) => f.startsWith("inproc.sqlite"))) fs.rmSync("/tmp/att/" + f);
  await migrate(process.env.DATABASE_URL);
  bench.seed(file, store, visitors);
  fs.writeFileSync(file + ".done." + size.orderLines, "");
}
const route = await import("/work/main/app/routes/proxy.recommendations");
const ping = await import("/work/main/app/routes/proxy.ping");
const run = async (mod: any, paths: string[]) => {
  const t = performance.now();
  for (const p of paths) {
    const res: Response = await mod.loader({ request: new Request("http://localhost" + p), params: {}, context: {} });
    await res.text();
  }
  return (performance.now() - t) / paths.length;
};
let t = performance.now();
await run(route, bench.requestPool(store, visitors, 1, 1));
console.log("cold build ms", Math.round(performance.now() - t));
await run(route, bench.requestPool(store, visitors, 3000, 2));
await run(ping, bench.pingPool(2000));
const { PerformanceObserver } = await import("node:perf_hooks");
const gcs: { kind: number; d: number }[] = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcs.push({ kind: (e as any).detail?.kind, d: e.duration }); }).observe({ entryTypes: ["gc"] });
{
  const paths = bench.requestPool(store, visitors, 8000, 3);
  const lat: number[] = [];
  for (const p of paths) { const t0 = performance.now(); const res: Response = await route.loader({ request: new Request("http://localhost" + p), params: {}, context: {} }); await res.text(); lat.push(performance.now() - t0); }
  lat.sort((a, b) => a - b);
  const q = (x: number) => lat[Math.floor(x * lat.length)].toFixed(2);
  console.log("per-request ms p50", q(0.5), "p90", q(0.9), "p99", q(0.99), "max", lat[lat.length - 1].toFixed(1));
  const byKind: Record<string, { n: number; total: number; max: number }> = {};
  for (const g of gcs) { const k = String(g.kind); byKind[k] ??= { n: 0, total: 0, max: 0 }; byKind[k].n++; byKind[k].total += g.d; byKind[k].max = Math.max(byKind[k].max, g.d); }
  console.log("gc by kind (1=minor,2=major,4=incremental,8=weak)", JSON.stringify(byKind));
  console.log("heap MB", Math.round(process.memoryUsage().heapUsed / 1048576));
}
const { Session } = await import("node:inspector/promises");
const session = new Session(); session.connect();
await session.post("Profiler.enable"); await session.post("Profiler.start");
console.log("decision ms/req", (await run(route, bench.requestPool(store, visitors, 5000, 3))).toFixed(3));
const { profile } = await session.post("Profiler.stop");
fs.writeFileSync("/tmp/att/inproc.cpuprofile", JSON.stringify(profile));
console.log("ping ms/req", (await run(ping, bench.pingPool(5000))).toFixed(3));
// per placement
const pool = bench.requestPool(store, visitors, 6000, 9);
for (const pl of ["home", "product", "cart", "thank_you"]) {
  const ps = pool.filter((p) => p.includes(`placement=${pl}`));
  console.log(pl, ps.length, (await run(route, ps)).toFixed(3));
}
process.exit(0);
