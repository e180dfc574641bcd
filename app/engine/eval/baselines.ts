import type { NextBasketTask } from "./datasets";

/** Produces a ranked list (best first, at least `k` long when the data allows) for every task user. */
export type Predictor = (task: NextBasketTask, k: number) => string[][];

/**
 * Items by the number of history baskets containing them, each item counted once per basket
 * (ties: item first seen first, so the order is deterministic).
 */
export function globalPopularity(task: NextBasketTask): string[] {
  const count = new Map<string, number>();
  for (const baskets of task.history) for (const b of baskets) for (const i of new Set(b)) count.set(i, (count.get(i) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1]).map(([i]) => i);
}

/** G-TopFreq: the same global best-sellers for everybody. */
export const gTopFreq: Predictor = (task, k) => {
  const top = globalPopularity(task).slice(0, k);
  return task.users.map(() => top);
};

/**
 * The user's items by how many of their baskets contain them (once per basket), ties broken by
 * global popularity: the strongest form of the baseline. Breaking ties by first purchase instead
 * (Python's stable sort in the Reality Check reference) costs 0.015 Recall@10 on Ta-Feng, because
 * most of a shopper's items are tied at one basket.
 */
export function personalRanking(baskets: string[][], globalRank: ReadonlyMap<string, number>): string[] {
  const count = new Map<string, number>();
  for (const b of baskets) for (const i of new Set(b)) count.set(i, (count.get(i) ?? 0) + 1);
  const rank = (i: string) => globalRank.get(i) ?? Number.MAX_SAFE_INTEGER;
  return [...count].sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0])).map(([i]) => i);
}

function rankOf(order: readonly string[]): Map<string, number> {
  return new Map(order.map((item, r) => [item, r]));
}

/** P-TopFreq: the user's own most frequent items only. */
export const pTopFreq: Predictor = (task, k) => {
  const rank = rankOf(globalPopularity(task));
  return task.history.map((h) => personalRanking(h, rank).slice(0, k));
};

/** GP-TopFreq: P-TopFreq, filled up with G-TopFreq items not already in the list. */
export const gpTopFreq: Predictor = (task, k) => {
  const popular = globalPopularity(task);
  const rank = rankOf(popular);
  const global = popular.slice(0, k * 2);
  return task.history.map((h) => {
    const out = personalRanking(h, rank).slice(0, k);
    const seen = new Set(out);
    for (const g of global) {
      if (out.length >= k) break;
      if (!seen.has(g)) out.push(g);
    }
    return out;
  });
};

export interface TifuParams {
  /** Nearest neighbours (users). */
  k: number;
  /** r_b: decay between baskets inside a group. */
  withinDecay: number;
  /** r_g: decay between groups. */
  groupDecay: number;
  /** alpha: weight of the user's own vector versus the neighbours' mean. */
  alpha: number;
  /** m: baskets per group. */
  groupSize: number;
}

/**
 * Hu et al., "Modeling Personalized Item Frequency Information for Next-basket Recommendation"
 * (SIGIR 2020), Ta-Feng setting as published with the method: k = 300 neighbours, r_b = 0.9,
 * r_g = 0.7, alpha = 0.7, group size m = 7.
 */
export const TIFU_TAFENG: TifuParams = { k: 300, withinDecay: 0.9, groupDecay: 0.7, alpha: 0.7, groupSize: 7 };

/** TIFU's user vector: group-decayed mean of within-decayed group means (oldest group may be short). */
export function tifuVector(baskets: number[][], p: TifuParams): Map<number, number> {
  const v = new Map<number, number>();
  const n = baskets.length;
  if (n === 0) return v;
  const groups = Math.ceil(n / p.groupSize);
  const first = n - (groups - 1) * p.groupSize;
  let at = 0;
  for (let g = 0; g < groups; g++) {
    const size = g === 0 ? first : p.groupSize;
    const gw = Math.pow(p.groupDecay, groups - 1 - g) / groups / size;
    for (let j = 0; j < size; j++) {
      const w = gw * Math.pow(p.withinDecay, size - 1 - j);
      for (const i of baskets[at + j]) v.set(i, (v.get(i) ?? 0) + w);
    }
    at += size;
  }
  return v;
}

/**
 * TIFU-KNN: prediction = alpha * own vector + (1 - alpha) * mean of the k nearest users' vectors
 * (Euclidean distance, as the reference implementation's brute-force NearestNeighbors; the user
 * itself is excluded from its neighbours). Exact brute force via an inverted index for the dot
 * products.
 */
export function tifuKnn(p: TifuParams = TIFU_TAFENG): Predictor {
  return (task, k) => {
    const ids = new Map<string, number>();
    const names: string[] = [];
    const intern = (s: string) => {
      let i = ids.get(s);
      if (i === undefined) ids.set(s, (i = names.length)), names.push(s);
      return i;
    };
    const U = task.users.length;
    const vecItems: Int32Array[] = [];
    const vecVals: Float64Array[] = [];
    const norm2 = new Float64Array(U);
    for (let u = 0; u < U; u++) {
      const v = tifuVector(task.history[u].map((b) => b.map(intern)), p);
      vecItems.push(Int32Array.from(v.keys()));
      vecVals.push(Float64Array.from(v.values()));
      let s = 0;
      for (const x of v.values()) s += x * x;
      norm2[u] = s;
    }
    const postings: { users: number[]; vals: number[] }[] = names.map(() => ({ users: [], vals: [] }));
    for (let u = 0; u < U; u++) {
      for (let a = 0; a < vecItems[u].length; a++) {
        postings[vecItems[u][a]].users.push(u);
        postings[vecItems[u][a]].vals.push(vecVals[u][a]);
      }
    }
    const dot = new Float64Array(U);
    const dist = new Float64Array(U);
    const order = new Int32Array(U);
    const out: string[][] = [];
    for (let u = 0; u < U; u++) {
      dot.fill(0);
      for (let a = 0; a < vecItems[u].length; a++) {
        const pl = postings[vecItems[u][a]];
        const x = vecVals[u][a];
        for (let b = 0; b < pl.users.length; b++) dot[pl.users[b]] += x * pl.vals[b];
      }
      for (let v = 0; v < U; v++) dist[v] = norm2[u] + norm2[v] - 2 * dot[v];
      dist[u] = Infinity;
      const nn = smallest(dist, order, Math.min(p.k, U - 1));
      const score = new Map<number, number>();
      for (let a = 0; a < vecItems[u].length; a++) score.set(vecItems[u][a], p.alpha * vecVals[u][a]);
      const w = (1 - p.alpha) / Math.max(1, nn.length);
      for (const v of nn) {
        for (let a = 0; a < vecItems[v].length; a++) {
          const i = vecItems[v][a];
          score.set(i, (score.get(i) ?? 0) + w * vecVals[v][a]);
        }
      }
      out.push(
        [...score]
          .sort((x, y) => y[1] - x[1] || x[0] - y[0])
          .slice(0, k)
          .map(([i]) => names[i]),
      );
    }
    return out;
  };
}

/** Indexes of the n smallest values (ties by index), via quickselect on a scratch index array. */
function smallest(values: Float64Array, scratch: Int32Array, n: number): number[] {
  const m = values.length;
  for (let i = 0; i < m; i++) scratch[i] = i;
  const less = (a: number, b: number) => values[a] < values[b] || (values[a] === values[b] && a < b);
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const pivot = scratch[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (less(scratch[i], pivot)) i++;
      while (less(pivot, scratch[j])) j--;
      if (i <= j) {
        const t = scratch[i];
        scratch[i] = scratch[j];
        scratch[j] = t;
        i++;
        j--;
      }
    }
    if (n - 1 <= j) hi = j;
    else if (n - 1 >= i) lo = i;
    else break;
  }
  return Array.from(scratch.subarray(0, n));
}
