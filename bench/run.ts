export {};
// `npm run bench [-- engine|ingest|proxy|scale-out ...]`: the performance targets, measured and printed.
// Each benchmark also runs on its own (npx tsx bench/<name>.ts). Numbers vary with machine load:
// compare medians and ratios from one run, not across runs.
const all = ["engine", "ingest", "proxy", "scale-out"] as const;
const chosen = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const run = chosen.length ? chosen : [...all];
let ok = true;
for (const name of run) {
  console.log(`\n=== bench: ${name} ===`);
  if (name === "engine") {
    const { printEngineBench, runEngineBench } = await import("./engine");
    printEngineBench(await runEngineBench());
    const { benchProfile } = await import("../app/engine/profile/bench");
    console.log("profile build (20 orders):", benchProfile());
  } else if (name === "ingest") {
    const { runIngestBench } = await import("./ingest");
    const r = await runIngestBench();
    ok &&= r.steady.ok && r.peak.ok;
  } else if (name === "proxy") {
    const mod = await import("./proxy").catch(() => null);
    if (!mod) console.log("bench/proxy.ts not present");
    else await mod.runProxyBench();
  } else if (name === "scale-out") {
    // Needs nginx and PostgreSQL (ATTUNE_TEST_PG_URL); says why and skips without them.
    const { runScaleOutBench } = await import("./scale-out");
    ok &&= (await runScaleOutBench()).ok;
  } else {
    console.error(`unknown benchmark "${name}"; choose from ${all.join(", ")}`);
    process.exit(2);
  }
}
process.exit(ok ? 0 : 1);
