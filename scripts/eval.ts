/**
 * Offline recommendation quality. `npm run eval` evaluates every dataset and prints the whole table.
 *
 *   --dataset <name>                  one dataset: tafeng, groceries-kaggle, groceries-arules, uci-online-retail
 *   --data-dir <dir>                  where the datasets live (default ../shared/data/datasets)
 *   --history <file> --future <file>  any next-basket data in the Reality Check JSON layout
 *   --validation                      score on the history-only validation split instead of the test split
 *   --no-tune                         skip tuning picked_for_you on each dataset's validation split
 *   --no-tifu                         skip TIFU-KNN (slow: brute-force user kNN)
 *   --quick                           both of the above
 *   --json                            print exactly one JSON object to stdout (tables go to stderr)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DATASETS, loadRealityCheck, validationSplit, type DatasetName } from "../app/engine/eval/datasets";
import { METRICS } from "../app/engine/eval/metrics";
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
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv: string[]): Args {
  const args: Args = { datasets: [], dataDir: path.resolve(root, "../shared/data/datasets"), json: false, validation: false, tune: true, tifu: true };
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
    else if (a === "--quick") (args.tune = false), (args.tifu = false);
    else fail(`Unknown argument ${a}`);
  }
  if (Boolean(args.history) !== Boolean(args.future)) fail("Give both --history and --future");
  if (!args.history && args.datasets.length === 0) args.datasets = ALL_DATASETS;
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

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const opts = { tune: args.tune && !args.validation, tifu: args.tifu, log };
  const results: DatasetResult[] = [];
  const started = performance.now();
  try {
    if (args.history) {
      const task = loadRealityCheck(args.history, args.future!, path.basename(args.history));
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
  if (args.history) printResult(results[0]);
  printSummary(results);
  log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (args.json) process.stdout.write(`${JSON.stringify({ datasets: results })}\n`);
}

main();
