import { DEFAULT_PICKS, type PicksParams } from "../recs/params";
import { buildTaskShop, rowsFor, withPicks, type TaskShop } from "./adapter";
import { gpTopFreq } from "./baselines";
import { validationSplit, type NextBasketTask } from "./datasets";
import { DEPTH, evaluatePredictor, scoreLists } from "./harness";
import type { MetricRow } from "./metrics";
import { gridPoints, PICKS_STAGES, sampleUsers, type Grid } from "./tune";

/** Validation users scored per dataset and grid point when choosing shared defaults. */
export const DEFAULTS_MAX_USERS = 3000;

interface Arena {
  name: string;
  shop: TaskShop;
  scored: NextBasketTask;
  /** GP-TopFreq's validation Recall@10 on the same users: each dataset's yardstick. */
  yardstick: number;
}

export interface DefaultsChoice {
  /** Datasets whose validation splits chose the point. */
  chosenOn: string[];
  params: PicksParams;
  /** Mean over those datasets of Recall@10 / GP-TopFreq Recall@10, on validation. */
  objective: number;
}

/**
 * Parameters shared by every shop, chosen so no dataset dominates: each dataset's validation
 * Recall@10 is divided by GP-TopFreq's on the same users (a dataset where everyone scores 0.35 and
 * one where everyone scores 0.12 then count alike), and the mean of those ratios is maximised by the
 * same staged grid as per-dataset tuning. Leave-one-dataset-out choices (`without`) show how
 * defaults do on a shop whose data played no part in choosing them.
 */
export class DefaultsSearch {
  private readonly arenas: Arena[];
  private readonly cache = new Map<string, number>();

  constructor(tasks: NextBasketTask[], maxUsers = DEFAULTS_MAX_USERS) {
    this.arenas = tasks.map((task) => {
      const validation = validationSplit(task);
      const scored = sampleUsers(validation, maxUsers);
      return { name: task.name, shop: buildTaskShop(validation), scored, yardstick: evaluatePredictor(scored, gpTopFreq)["Recall@10"] };
    });
  }

  /** Validation Recall@10 of picked_for_you under `params`, relative to GP-TopFreq. */
  ratio(arena: Arena, params: Partial<PicksParams>): number {
    const key = `${arena.name} ${JSON.stringify({ ...DEFAULT_PICKS, ...params })}`;
    let r = this.cache.get(key);
    if (r === undefined) {
      withPicks(arena.shop, params);
      const m: MetricRow = scoreLists(arena.scored, rowsFor(arena.scored, arena.shop, "picked_for_you", DEPTH));
      r = m["Recall@10"] / Math.max(1e-9, arena.yardstick);
      this.cache.set(key, r);
    }
    return r;
  }

  choose(without?: string, stages: Grid[] = PICKS_STAGES, onTry?: (p: Partial<PicksParams>, objective: number) => void): DefaultsChoice {
    const arenas = this.arenas.filter((a) => a.name !== without);
    const objective = (p: Partial<PicksParams>) => arenas.reduce((s, a) => s + this.ratio(a, p), 0) / arenas.length;
    let best = { params: {} as Partial<PicksParams>, objective: objective({}) };
    let fixed: Partial<PicksParams> = {};
    for (const grid of stages) {
      for (const params of gridPoints(grid, fixed)) {
        const o = objective(params);
        onTry?.(params, o);
        if (o > best.objective) best = { params, objective: o };
      }
      fixed = best.params;
    }
    return { chosenOn: arenas.map((a) => a.name), params: { ...DEFAULT_PICKS, ...best.params }, objective: best.objective };
  }
}
