import { StoreModel, type ModelOptions } from "../model/store-model";
import type { StrategyName } from "../types";
import { buildTaskShop, completionStore, completionStrategy, DatasetCatalog, hiddenItem, rowsFor, type CompletionPredictor } from "./adapter";
import { gpTopFreq, gTopFreq, pTopFreq, tifuKnn, TIFU_TAFENG, globalPopularity, type Predictor, type TifuParams } from "./baselines";
import type { CompletionTask, NextBasketTask } from "./datasets";
import { MetricAccumulator, type MetricRow } from "./metrics";

export type Report = Record<string, MetricRow>;
/** Ranked lists are cut at 20, the largest K reported. */
export const DEPTH = 20;

export function scoreLists(task: NextBasketTask, ranked: string[][]): MetricRow {
  const acc = new MetricAccumulator();
  task.users.forEach((_, u) => acc.add(new Set(task.future[u]), ranked[u]));
  return acc.result();
}

export function evaluatePredictor(task: NextBasketTask, predict: Predictor): MetricRow {
  return scoreLists(task, predict(task, DEPTH));
}

/** Users the metrics average over: those whose truth basket is not empty. */
export function evaluatedUsers(task: NextBasketTask): number {
  return task.future.filter((b) => b.length > 0).length;
}

/**
 * The production strategies a home-page row can use for a known shopper. The others need signals
 * these datasets do not have (catalog attributes, views, countries, creation dates).
 */
export const HOME_STRATEGIES: readonly StrategyName[] = ["picked_for_you", "buy_again", "also_bought", "trending"];

export interface NextBasketOptions {
  model?: ModelOptions;
  tifu?: TifuParams;
  /** Skip TIFU-KNN (its brute-force neighbour search is the slow part). */
  skipTifu?: boolean;
  onProgress?: (name: string, ms: number) => void;
}

/** Baselines and the production strategies on one next-basket task, same users, same metrics. */
export function runNextBasket(task: NextBasketTask, opts: NextBasketOptions = {}): Report {
  const report: Report = {};
  const timed = (name: string, run: () => MetricRow) => {
    const t = performance.now();
    report[name] = run();
    opts.onProgress?.(name, performance.now() - t);
  };
  const baselines: Record<string, Predictor> = {
    "G-TopFreq": gTopFreq,
    "P-TopFreq": pTopFreq,
    "GP-TopFreq": gpTopFreq,
    ...(opts.skipTifu ? {} : { "TIFU-KNN": tifuKnn(opts.tifu ?? TIFU_TAFENG) }),
  };
  for (const [name, predict] of Object.entries(baselines)) timed(name, () => evaluatePredictor(task, predict));
  const t = performance.now();
  const shop = buildTaskShop(task, opts.model);
  opts.onProgress?.("model build", performance.now() - t);
  for (const strategy of HOME_STRATEGIES) timed(strategy, () => scoreLists(task, rowsFor(task, shop, strategy, DEPTH)));
  return report;
}

/**
 * Basket completion (arules Groceries): for each test basket one item is hidden and the rest is the
 * cart (or, for bought_together, the product page plus cart). Truth is the single hidden item, so
 * Recall@K equals HitRate@K.
 */
export function runCompletion(task: CompletionTask, opts: { model?: ModelOptions } = {}): Report {
  const catalog = new DatasetCatalog();
  const model = StoreModel.build(completionStore(task, catalog), opts.model);
  const train = { name: task.name, users: [], history: [[...task.baskets.filter((_, i) => !task.testBaskets.includes(i))]], future: [] } as NextBasketTask;
  const popular = globalPopularity(train);
  const predictors: Record<string, CompletionPredictor> = {
    "G-TopFreq": (_m, _c, rest, k) => popular.filter((i) => !rest.includes(i)).slice(0, k),
    bought_together: completionStrategy("bought_together"),
    cart_complements: completionStrategy("cart_complements"),
    also_bought: completionStrategy("also_bought"),
  };
  const report: Report = {};
  for (const [name, predict] of Object.entries(predictors)) {
    const acc = new MetricAccumulator();
    for (const b of task.testBaskets) {
      const basket = task.baskets[b];
      const h = hiddenItem(basket, b);
      const rest = basket.filter((_, i) => i !== h);
      acc.add(new Set([basket[h]]), predict(model, catalog, rest, DEPTH));
    }
    report[name] = acc.result();
  }
  return report;
}
