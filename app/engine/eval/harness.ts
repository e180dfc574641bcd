import { StoreModel, type ModelOptions } from "../model/store-model";
import { completionStore, completionStrategy, DatasetCatalog, hiddenItem, strategyPredictor, type CompletionPredictor } from "./adapter";
import { gpTopFreq, gTopFreq, pTopFreq, tifuKnn, TIFU_TAFENG, globalPopularity, type Predictor, type TifuParams } from "./baselines";
import type { CompletionTask, NextBasketTask } from "./datasets";
import { MetricAccumulator, type MetricRow } from "./metrics";

export type Report = Record<string, MetricRow>;
/** Ranked lists are cut at 20, the largest K reported. */
export const DEPTH = 20;

export function evaluatePredictor(task: NextBasketTask, predict: Predictor): MetricRow {
  const ranked = predict(task, DEPTH);
  const acc = new MetricAccumulator();
  task.users.forEach((_, u) => acc.add(new Set(task.future[u]), ranked[u]));
  return acc.result();
}

export interface NextBasketOptions {
  model?: ModelOptions;
  tifu?: TifuParams;
  /** Skip TIFU-KNN (its brute-force neighbour search is the slow part). */
  skipTifu?: boolean;
  onProgress?: (name: string, ms: number) => void;
}

/** Baselines and our picked_for_you on one next-basket task, same users, same metrics. */
export function runNextBasket(task: NextBasketTask, opts: NextBasketOptions = {}): Report {
  const predictors: Record<string, Predictor> = {
    "G-TopFreq": gTopFreq,
    "P-TopFreq": pTopFreq,
    "GP-TopFreq": gpTopFreq,
    ...(opts.skipTifu ? {} : { "TIFU-KNN": tifuKnn(opts.tifu ?? TIFU_TAFENG) }),
    picked_for_you: strategyPredictor("picked_for_you", opts.model),
  };
  const report: Report = {};
  for (const [name, predict] of Object.entries(predictors)) {
    const t = performance.now();
    report[name] = evaluatePredictor(task, predict);
    opts.onProgress?.(name, performance.now() - t);
  }
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
