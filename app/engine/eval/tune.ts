import { DEFAULT_PICKS, type PicksParams } from "../recs/params";
import { strategyPredictor } from "./adapter";
import { validationSplit, type NextBasketTask } from "./datasets";
import { evaluatePredictor } from "./harness";
import type { MetricRow } from "./metrics";

type Grid = Partial<Record<keyof PicksParams, number[]>>;

/**
 * The search for picked_for_you, in stages (each a full grid, the best point of a stage fixed for
 * the next): first the blend, then the history decays. Every point is scored on the validation
 * split only.
 */
export const PICKS_STAGES: Grid[] = [
  { repeatPropensityExp: [0, 0.5, 1], neighbourWeight: [0, 0.25, 0.5, 1], popularityWeight: [0.5, 1, 2] },
  { withinDecay: [0.8, 0.9, 1], groupDecay: [0.5, 0.7, 0.9] },
];

export interface TuneResult {
  best: PicksParams;
  bestScore: MetricRow;
  tried: { params: Partial<PicksParams>; metrics: MetricRow }[];
}

/**
 * Grid search on the validation split carved from the history (each user's last history basket is
 * the truth); the real future baskets are never looked at. Selects on Recall@10, ties on NDCG@10.
 */
export function tunePicks(task: NextBasketTask, stages = PICKS_STAGES, onTry?: (p: Partial<PicksParams>, m: MetricRow) => void): TuneResult {
  const validation = validationSplit(task);
  let fixed: Partial<PicksParams> = {};
  let result: TuneResult | null = null;
  const tried: TuneResult["tried"] = [];
  for (const grid of stages) {
    result = searchGrid(validation, grid, fixed, onTry);
    tried.push(...result.tried);
    fixed = result.best;
  }
  return { ...result!, tried };
}

function searchGrid(
  validation: NextBasketTask,
  grid: Grid,
  fixed: Partial<PicksParams>,
  onTry?: (p: Partial<PicksParams>, m: MetricRow) => void,
): TuneResult {
  const keys = Object.keys(grid) as (keyof PicksParams)[];
  const points: Partial<PicksParams>[] = [{ ...fixed }];
  for (const k of keys) {
    const next: Partial<PicksParams>[] = [];
    for (const p of points) for (const v of grid[k]!) next.push({ ...p, [k]: v });
    points.splice(0, points.length, ...next);
  }
  const tried: TuneResult["tried"] = [];
  let best: TuneResult["tried"][number] | null = null;
  for (const params of points) {
    const metrics = evaluatePredictor(validation, strategyPredictor("picked_for_you", { picks: params }));
    tried.push({ params, metrics });
    onTry?.(params, metrics);
    if (
      !best ||
      metrics["Recall@10"] > best.metrics["Recall@10"] ||
      (metrics["Recall@10"] === best.metrics["Recall@10"] && metrics["NDCG@10"] > best.metrics["NDCG@10"])
    ) {
      best = { params, metrics };
    }
  }
  return { best: { ...DEFAULT_PICKS, ...best!.params }, bestScore: best!.metrics, tried };
}
