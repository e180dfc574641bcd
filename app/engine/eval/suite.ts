import type { PicksParams } from "../recs/params";
import { buildTaskShop, rowsFor, withPicks } from "./adapter";
import { DATASETS, loadGroceriesArules, loadGroceriesKaggle, loadTafeng, loadUciRetail, type DatasetName, type NextBasketTask } from "./datasets";
import { DEPTH, evaluatedUsers, runCompletion, runNextBasket, scoreLists, type Report } from "./harness";
import type { MetricRow } from "./metrics";
import { tunePicks } from "./tune";

/** The row name of picked_for_you under the parameters tuned on the dataset's validation split. */
export const TUNED = "picked_for_you (tuned)";
export const BASELINES = ["G-TopFreq", "P-TopFreq", "GP-TopFreq", "TIFU-KNN"] as const;

export interface DatasetResult {
  dataset: string;
  task: "next basket" | "basket completion";
  /** Users (or test baskets) every row averages over. */
  users: number;
  rows: Report;
  tuning?: {
    params: PicksParams;
    validationUsers: number;
    /** Validation scores: what the choice was made on. */
    validation: { defaults: MetricRow; tuned: MetricRow };
  };
  seconds: number;
}

export interface SuiteOptions {
  tune?: boolean;
  tifu?: boolean;
  log?: (line: string) => void;
}

/**
 * Every baseline and home strategy on the test split; then, if asked, picked_for_you tuned on the
 * validation split (history only) and scored once on the test split.
 */
export function evaluateNextBasketTask(task: NextBasketTask, opts: SuiteOptions = {}): DatasetResult {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const rows = runNextBasket(task, { skipTifu: opts.tifu === false, onProgress: (name, ms) => log(`  ${task.name} ${name}: ${(ms / 1000).toFixed(1)} s`) });
  const result: DatasetResult = { dataset: task.name, task: "next basket", users: evaluatedUsers(task), rows, seconds: 0 };
  if (opts.tune !== false) {
    const t = performance.now();
    const tuned = tunePicks(task);
    log(`  ${task.name} tuning (${tuned.tried.length} points on ${tuned.validationUsers} validation users): ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const shop = buildTaskShop(task);
    withPicks(shop, tuned.best);
    rows[TUNED] = scoreLists(task, rowsFor(task, shop, "picked_for_you", DEPTH));
    result.tuning = { params: tuned.best, validationUsers: tuned.validationUsers, validation: { defaults: tuned.defaultScore, tuned: tuned.bestScore } };
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

export const NEXT_BASKET_LOADERS: Partial<Record<DatasetName, (dir: string) => NextBasketTask>> = {
  tafeng: loadTafeng,
  "groceries-kaggle": loadGroceriesKaggle,
  "uci-online-retail": loadUciRetail,
};

export function evaluateDataset(name: DatasetName, dataDir: string, opts: SuiteOptions = {}): DatasetResult {
  if (name === "groceries-arules") {
    const started = performance.now();
    const task = loadGroceriesArules(dataDir);
    const rows = runCompletion(task);
    return { dataset: name, task: "basket completion", users: task.testBaskets.length, rows, seconds: (performance.now() - started) / 1000 };
  }
  return evaluateNextBasketTask(NEXT_BASKET_LOADERS[name]!(dataDir), opts);
}

export const ALL_DATASETS = Object.keys(DATASETS) as DatasetName[];
