/**
 * Offline recommendation quality: `npm run eval -- --dataset tafeng [--json]`.
 *
 *   --dataset tafeng|groceries-kaggle|groceries-arules   read from --data-dir (default ../shared/data/datasets)
 *   --history <file> --future <file>                     any dataset in the Reality Check JSON layout
 *   --validation                                         score on the history-only validation split instead
 *   --tune                                               grid-search picked_for_you on the validation split
 *   --no-tifu                                            skip TIFU-KNN (slow: brute-force user kNN)
 *   --json                                               print exactly one JSON object to stdout
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DATASETS,
  loadGroceriesArules,
  loadGroceriesKaggle,
  loadRealityCheck,
  loadTafeng,
  validationSplit,
  type DatasetName,
  type NextBasketTask,
} from "../app/engine/eval/datasets";
import { runCompletion, runNextBasket, type Report } from "../app/engine/eval/harness";
import { METRICS } from "../app/engine/eval/metrics";
import { tunePicks } from "../app/engine/eval/tune";

interface Args {
  dataset?: DatasetName;
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
  const args: Args = { dataDir: path.resolve(root, "../shared/data/datasets"), json: false, validation: false, tune: false, tifu: true };
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
      args.dataset = d as DatasetName;
    } else if (a === "--data-dir") args.dataDir = path.resolve(value());
    else if (a === "--history") args.history = path.resolve(value());
    else if (a === "--future") args.future = path.resolve(value());
    else if (a === "--json") args.json = true;
    else if (a === "--validation") args.validation = true;
    else if (a === "--tune") args.tune = true;
    else if (a === "--no-tifu") args.tifu = false;
    else fail(`Unknown argument ${a}`);
  }
  if (!args.dataset && !(args.history && args.future)) fail("Give --dataset <name> or both --history and --future");
  return args;
}

function fail(message: string): never {
  process.stderr.write(`eval: ${message}\n`);
  process.exit(2);
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function printTable(title: string, report: Report): void {
  const width = Math.max(...Object.keys(report).map((k) => k.length), 8);
  log(`\n${title}`);
  log(`${"".padEnd(width)}  ${METRICS.map((m) => m.padStart(10)).join("  ")}`);
  for (const [name, row] of Object.entries(report)) {
    log(`${name.padEnd(width)}  ${METRICS.map((m) => row[m].toFixed(4).padStart(10)).join("  ")}`);
  }
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  let report: Report;
  let title: string;
  try {
    if (args.dataset === "groceries-arules") {
      const task = loadGroceriesArules(args.dataDir);
      title = `groceries-arules: leave-one-out over ${task.testBaskets.length} test baskets`;
      report = runCompletion(task);
    } else {
      let task: NextBasketTask = args.history
        ? loadRealityCheck(args.history, args.future!, path.basename(args.history))
        : args.dataset === "tafeng"
          ? loadTafeng(args.dataDir)
          : loadGroceriesKaggle(args.dataDir);
      if (args.tune) {
        const result = tunePicks(task, undefined, (p, m) => log(`${JSON.stringify(p)}  R@10 ${m["Recall@10"].toFixed(4)}  NDCG@10 ${m["NDCG@10"].toFixed(4)}`));
        log(`best on validation: ${JSON.stringify(result.best)}`);
        if (args.json) process.stdout.write(`${JSON.stringify({ best: result.best, validation: result.bestScore })}\n`);
        return;
      }
      if (args.validation) task = validationSplit(task);
      title = `${task.name}: next basket for ${task.users.length} users`;
      report = runNextBasket(task, { skipTifu: !args.tifu, onProgress: (name, ms) => log(`  ${name}: ${(ms / 1000).toFixed(1)} s`) });
    }
  } catch (e) {
    fail((e as Error).message);
  }
  if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else printTable(title, report);
}

main();
