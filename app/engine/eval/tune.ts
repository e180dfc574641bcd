import { DEFAULT_PICKS, type PicksParams } from "../recs/params";
import { buildTaskShop, rowsFor, withPicks } from "./adapter";
import { validationSplit, type NextBasketTask } from "./datasets";
import { DEPTH, scoreLists } from "./harness";
import type { MetricRow } from "./metrics";

export type Grid = Partial<Record<keyof PicksParams, number[]>>;

/**
 * The search for picked_for_you, in stages (each a full grid, the best point of a stage fixed for
 * the next): first the blend of the three signals (repeatWeight stays 1: only the ratios matter),
 * then how the shopper's history is grouped and decayed. groupSize 1 makes withinDecay moot and
 * groupDecay a per-order decay.
 */
export const PICKS_STAGES: Grid[] = [
  { repeatPropensityExp: [0, 0.5, 1], neighbourWeight: [0, 0.25, 1, 4], popularityWeight: [0.25, 1, 4, 16] },
  { groupSize: [1, 3, 7], withinDecay: [0.8, 0.9, 1], groupDecay: [0.5, 0.7, 0.9, 1] },
];

/** Validation users scored per grid point at most (every n-th user, deterministic). */
export const TUNE_MAX_USERS = 5000;

export interface TuneResult {
  best: PicksParams;
  bestScore: MetricRow;
  /** The production defaults on the same validation users. */
  defaultScore: MetricRow;
  validationUsers: number;
  tried: { params: Partial<PicksParams>; metrics: MetricRow }[];
}

/** Every n-th user, so that at most `max` remain (the same users on every run). */
export function sampleUsers(task: NextBasketTask, max: number): NextBasketTask {
  const step = Math.max(1, Math.ceil(task.users.length / max));
  if (step === 1) return task;
  const idx = task.users.map((_, u) => u).filter((u) => u % step === 0);
  return {
    ...task,
    users: idx.map((u) => task.users[u]),
    history: idx.map((u) => task.history[u]),
    future: idx.map((u) => task.future[u]),
    times: task.times ? idx.map((u) => task.times![u]) : undefined,
  };
}

/**
 * Grid search on the validation split carved from the history (each user's last history basket is
 * the truth); the real future baskets are never looked at. The model is built from every
 * validation user's history; a deterministic sample of at most TUNE_MAX_USERS is scored. Selects on
 * Recall@10, ties on NDCG@10. The defaults are a candidate too, so tuning never returns a point
 * that scored below them on validation.
 */
export function tunePicks(
  task: NextBasketTask,
  stages = PICKS_STAGES,
  onTry?: (p: Partial<PicksParams>, m: MetricRow) => void,
  maxUsers = TUNE_MAX_USERS,
): TuneResult {
  const validation = validationSplit(task);
  const shop = buildTaskShop(validation);
  const scored = sampleUsers(validation, maxUsers);
  const score = (params: Partial<PicksParams>) => {
    withPicks(shop, params);
    return scoreLists(scored, rowsFor(scored, shop, "picked_for_you", DEPTH));
  };
  const defaultScore = score({});
  const tried: TuneResult["tried"] = [{ params: {}, metrics: defaultScore }];
  let best = tried[0];
  let fixed: Partial<PicksParams> = {};
  for (const grid of stages) {
    for (const params of gridPoints(grid, fixed)) {
      const metrics = score(params);
      tried.push({ params, metrics });
      onTry?.(params, metrics);
      if (better(metrics, best.metrics)) best = { params, metrics };
    }
    fixed = best.params;
  }
  return { best: { ...DEFAULT_PICKS, ...best.params }, bestScore: best.metrics, defaultScore, validationUsers: scored.users.length, tried };
}

function better(a: MetricRow, b: MetricRow): boolean {
  return a["Recall@10"] > b["Recall@10"] || (a["Recall@10"] === b["Recall@10"] && a["NDCG@10"] > b["NDCG@10"]);
}

export function gridPoints(grid: Grid, fixed: Partial<PicksParams>): Partial<PicksParams>[] {
  let points: Partial<PicksParams>[] = [{ ...fixed }];
  for (const k of Object.keys(grid) as (keyof PicksParams)[]) {
    const next: Partial<PicksParams>[] = [];
    for (const p of points) for (const v of grid[k]!) next.push({ ...p, [k]: v });
    points = next;
  }
  // groupSize 1 has one order per group: every withinDecay is the same point.
  const seen = new Set<string>();
  return points.filter((p) => {
    const key = JSON.stringify(p.groupSize === 1 ? { ...p, withinDecay: 1 } : p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
