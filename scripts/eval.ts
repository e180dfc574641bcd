/**
 * Offline recommendation quality. `npm run eval` evaluates every dataset and prints the whole table.
 *
 *   --dataset <name>                  one dataset: tafeng, groceries-kaggle, groceries-arules, uci-online-retail
 *   --data-dir <dir>                  where the datasets live (default ../shared/data/datasets, or ../../ from a worktree)
 *   --history <file> --future <file>  any next-basket data in the Reality Check JSON layout
 *   --shop <domain> [--out <dir>]     export a stored shop's orders (DATABASE_URL) in that layout to --out
 *                                     (default <tmp>/attune-eval) and evaluate them
 *   --validation                      score on the history-only validation split instead of the test split
 *   --no-tune                         skip tuning picked_for_you on each dataset's validation split
 *   --no-tifu                         skip TIFU-KNN (slow: brute-force user kNN)
 *   --quick                           both of the above
 *   --defaults                        choose shared picked_for_you defaults on every next-basket dataset's
 *                                     validation split, jointly and leaving each dataset out, and score
 *                                     each choice on the test splits (slow: minutes per dataset)
 *   --json                            print exactly one JSON object to stdout (tables go to stderr)
 */
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "../app/db.server";
import { DATASETS, loadRealityCheck, validationSplit, type DatasetName, type NextBasketTask } from "../app/engine/eval/datasets";
import { buildTaskShop, rowsFor, withPicks } from "../app/engine/eval/adapter";
import { DefaultsSearch } from "../app/engine/eval/defaults";
import { DEPTH, scoreLists } from "../app/engine/eval/harness";
import { METRICS, type MetricRow } from "../app/engine/eval/metrics";
import { DEFAULT_PICKS, type PicksParams } from "../app/engine/recs/params";
import { writeShopHistory } from "../app/services/shop-history-export.server";
import { ALL_DATASETS, BASELINES, evaluateDataset, evaluateNextBasketTask, NEXT_BASKET_LOADERS, TUNED, type DatasetResult } from "../app/engine/eval/suite";

interface Args {
  datasets: DatasetName[];
  dataDir: string;
  history?: string;
  future?: string;
  json: boolean;
  validation: boolean;
  tune: boolean;
  tifu: boolean;
  defaults: boolean;
  shop?: string;
  out: string;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The shared data sits next to the checkout (or next to the folder of worktrees). */
const defaultDataDir =
  [path.resolve(root, "../shared/data/datasets"), path.resolve(root, "../../shared/data/datasets")].find((d) => existsSync(d)) ??
  path.resolve(root, "../shared/data/datasets");

function parseArgs(argv: string[]): Args {
  const args: Args = { datasets: [], dataDir: defaultDataDir, json: false, validation: false, tune: true, tifu: true, defaults: false, out: path.join(os.tmpdir(), "attune-eval") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === "--dataset") {
      const d = value();
      if (!(d in DATASETS)) fail(`Unknown dataset "${d}"; expected one of ${Object.keys(DATASETS).join(", ")}`);
      args.datasets.push(d as DatasetName);
    } else if (a === "--data-dir") args.dataDir = path.resolve(value());
    else if (a === "--history") args.history = path.resolve(value());
    else if (a === "--future") args.future = path.resolve(value());
    else if (a === "--json") args.json = true;
    else if (a === "--validation") args.validation = true;
    else if (a === "--no-tune") args.tune = false;
    else if (a === "--no-tifu") args.tifu = false;
    else if (a === "--defaults") args.defaults = true;
    else if (a === "--shop") args.shop = value();
    else if (a === "--out") args.out = path.resolve(value());
    else if (a === "--quick") (args.tune = false), (args.tifu = false);
    else fail(`Unknown argument ${a}`);
  }
  if (Boolean(args.history) !== Boolean(args.future)) fail("Give both --history and --future");
  if (args.shop && !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(args.shop)) fail(`--shop needs a shop domain like example.myshopify.com, got "${args.shop}"`);
  if (!args.history && !args.shop && args.datasets.length === 0) args.datasets = ALL_DATASETS;
  return args;
}

function fail(message: string): never {
  process.stderr.write(`eval: ${message}\n`);
  process.exit(2);
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function printResult(r: DatasetResult): void {
  const names = Object.keys(r.rows);
  const width = Math.max(...names.map((k) => k.length), 8);
  log(`\n${r.dataset}: ${r.task}, ${r.users} ${r.task === "next basket" ? "users" : "test baskets"} (${r.seconds.toFixed(0)} s)`);
  log(`${"".padEnd(width)}  ${METRICS.map((m) => m.padStart(10)).join("  ")}`);
  for (const name of names) log(`${name.padEnd(width)}  ${METRICS.map((m) => r.rows[name][m].toFixed(4).padStart(10)).join("  ")}`);
  if (r.tuning) {
    const v = r.tuning.validation;
    log(`tuned on validation (${r.tuning.validationUsers} users): Recall@10 ${v.defaults["Recall@10"].toFixed(4)} -> ${v.tuned["Recall@10"].toFixed(4)}; ${JSON.stringify(r.tuning.params)}`);
  }
}

/** One line per next-basket dataset: the strongest baseline against picked_for_you, defaults and tuned. */
function printSummary(results: DatasetResult[]): void {
  const nb = results.filter((r) => r.task === "next basket");
  if (nb.length === 0) return;
  log(`\nRecall@10 (NDCG@10)       best baseline                 picked_for_you defaults   tuned`);
  for (const r of nb) {
    const base = BASELINES.filter((b) => r.rows[b]).sort((a, b) => r.rows[b]["Recall@10"] - r.rows[a]["Recall@10"])[0];
    const cell = (row: (typeof r.rows)[string] | undefined) => (row ? `${row["Recall@10"].toFixed(4)} (${row["NDCG@10"].toFixed(4)})` : "-");
    log(`${r.dataset.padEnd(24)}  ${`${base} ${cell(r.rows[base])}`.padEnd(28)}  ${cell(r.rows.picked_for_you).padEnd(24)}  ${cell(r.rows[TUNED])}`);
  }
}

/**
 * Shared defaults: chosen on all datasets' validation splits, and once per dataset without it; each
 * choice (and the current DEFAULT_PICKS) scored on every dataset's test split.
 */
function chooseDefaults(args: Args): unknown {
  const names = args.datasets.filter((n) => NEXT_BASKET_LOADERS[n]);
  const tasks = names.map((n) => NEXT_BASKET_LOADERS[n]!(args.dataDir));
  const search = new DefaultsSearch(tasks);
  const choices = [search.choose(), ...names.map((n) => search.choose(n))];
  for (const c of choices) log(`chosen on ${c.chosenOn.join(" + ")}: objective ${c.objective.toFixed(4)}  ${JSON.stringify(c.params)}`);
  const table: Record<string, Record<string, MetricRow>> = {};
  tasks.forEach((task, t) => {
    const shop = buildTaskShop(task);
    const row = (params: Partial<PicksParams>) => {
      withPicks(shop, params);
      return scoreLists(task, rowsFor(task, shop, "picked_for_you", DEPTH));
    };
    const without = choices.find((c) => c.chosenOn.length === names.length - 1 && !c.chosenOn.includes(names[t]))!;
    table[names[t]] = { current: row(DEFAULT_PICKS), joint: row(choices[0].params), "left out": row(without.params) };
    log(`${names[t].padEnd(20)}  ${Object.entries(table[names[t]]).map(([k, m]) => `${k} ${m["Recall@10"].toFixed(4)} (${m["NDCG@10"].toFixed(4)})`).join("   ")}`);
  });
  return { choices, test: table };
}

/** The stored shop's history, exported as Reality Check files and read back like any dataset. */
async function shopTask(shop: string, out: string): Promise<NextBasketTask> {
  const url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
  const db = createDb(url);
  try {
    const files = await writeShopHistory(db, shop, out);
    if (files.customers === 0) fail(`${shop} has no customer with two or more orders in ${url.startsWith("file:") ? url : "the database"}: nothing to evaluate`);
    log(`exported ${files.customers} customers to ${files.history}, ${files.future} (item numbers -> product ids: ${files.items})`);
    return { ...loadRealityCheck(files.history, files.future, shop), itemNames: files.titles };
  } finally {
    await db.$disconnect();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.defaults) {
    const out = chooseDefaults(args);
    if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const opts = { tune: args.tune && !args.validation, tifu: args.tifu, log };
  const results: DatasetResult[] = [];
  const started = performance.now();
  try {
    if (args.history || args.shop) {
      const task = args.shop ? await shopTask(args.shop, args.out) : loadRealityCheck(args.history!, args.future!, path.basename(args.history!));
      results.push(evaluateNextBasketTask(args.validation ? validationSplit(task) : task, opts));
    } else {
      for (const name of args.datasets) {
        if (args.validation && NEXT_BASKET_LOADERS[name]) results.push(evaluateNextBasketTask(validationSplit(NEXT_BASKET_LOADERS[name]!(args.dataDir)), opts));
        else results.push(evaluateDataset(name, args.dataDir, opts));
        printResult(results[results.length - 1]);
      }
    }
  } catch (e) {
    fail((e as Error).message);
  }
  if (args.history || args.shop) printResult(results[0]);
  printSummary(results);
  log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (args.json) process.stdout.write(`${JSON.stringify({ datasets: results })}\n`);
}

void main();
