import type { OrderRecord } from "../model/order-record";
import { alsoBought, alsoBoughtOf } from "./association";
import { cohortFor, type Cohort } from "./cohort";
import { labelled, titleOf, type Candidate, type RecsContext } from "./context";
import type { PicksParams } from "./params";
import { popularRanking, trending } from "./popularity";
import { similarProducts } from "./similarity";
import { learnedRebuyable, repeatEvidence, repeatProfile, repeatRate } from "./repeat";
import { bestFirst } from "./top-k";

const DAY = 86_400_000;

/**
 * The shopper's decayed item-frequency vector, as in TIFU-KNN (Hu et al., SIGIR 2020): orders are cut
 * into groups of groupSize (the oldest group may be short), each group is the within-decayed mean of
 * its orders' item sets, and the vector is the group-decayed mean of the groups. Recent and
 * habitual purchases weigh most; one-off purchases fade.
 */
export function personalVector(history: readonly OrderRecord[], p: PicksParams): Map<number, number> {
  const baskets = history.filter((r) => r.items.length > 0);
  const vec = new Map<number, number>();
  const n = baskets.length;
  if (n === 0) return vec;
  const groups = Math.ceil(n / p.groupSize);
  const firstSize = n - (groups - 1) * p.groupSize;
  let start = 0;
  for (let g = 0; g < groups; g++) {
    const size = g === 0 ? firstSize : p.groupSize;
    const groupWeight = Math.pow(p.groupDecay, groups - 1 - g) / groups / size;
    for (let j = 0; j < size; j++) {
      const w = groupWeight * Math.pow(p.withinDecay, size - 1 - j);
      for (const i of baskets[start + j].items) vec.set(i, (vec.get(i) ?? 0) + w);
    }
    start += size;
  }
  return vec;
}

/**
 * Personal picks: the shopper's own decayed history (weighted by how often each item is re-bought
 * shop-wide), plus items that the buyers of their items also bought, plus shop-wide popularity, one
 * linear blend. Shoppers with no history get catalog and co-purchase neighbours of what they are
 * looking at, then trending.
 */
export function pickedForYou(ctx: RecsContext): Iterable<Candidate> {
  const { model } = ctx;
  const p = model.picks;
  const st = model.stats;
  const u = personalVector(ctx.history, p);
  if (u.size === 0) return coldStart(ctx);

  // Dense scratch rows indexed by product: a heavy shopper touches thousands of neighbours.
  const s = scratch(model.productCapacity);
  const touch = (j: number) => {
    if (s.mark[j] === 0) (s.mark[j] = 1), s.touched.push(j);
  };
  let uSum = 0;
  for (const w of u.values()) uSum += w;
  for (const [i, w] of u) {
    touch(i);
    const propensity = (st.repeatBuyers[i] + 1) / (st.buyers[i] + 2);
    s.repeat[i] = w * Math.pow(propensity, p.repeatPropensityExp);
  }
  if (p.neighbourWeight > 0) {
    for (const [i, w] of u) {
      const nb = alsoBoughtOf(model, i, p.neighbourK);
      for (let k = 0; k < nb.ids.length; k++) {
        const j = nb.ids[k];
        const v = (w * nb.scores[k]) / uSum;
        touch(j);
        s.neighbour[j] += v;
        if (v > s.bestVote[j]) (s.bestVote[j] = v), (s.because[j] = i);
      }
    }
  }
  let taken = 0;
  for (const j of popularRanking(model)) {
    touch(j);
    if (++taken >= ctx.want * 3) break;
  }
  // What shoppers who buy the shopper's favourite type buy: a real cohort, or none at all.
  const cohort = p.cohortWeight > 0 ? cohortFor(model, ctx.history) : null;
  if (cohort) {
    taken = 0;
    for (const j of cohort.share.keys()) {
      touch(j);
      if (++taken >= ctx.want * 3) break;
    }
  }

  const N = Math.max(1, st.totalBaskets);
  const n = s.touched.length;
  const ids = Int32Array.from(s.touched);
  const scores = new Float64Array(n);
  // Which component dominates decides the reason; kept per candidate because the shared scratch
  // is cleared before the (lazily consumed) candidates are read.
  const kind = new Uint8Array(n);
  const because = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const j = ids[k];
    const r = p.repeatWeight * s.repeat[j];
    const nb = p.neighbourWeight * s.neighbour[j];
    const pop = (p.popularityWeight * st.basketsWith[j]) / N;
    // The better of shop-wide and cohort popularity: the cohort re-ranks the fill, it adds no mass.
    const co = cohort ? p.cohortWeight * (cohort.share.get(j) ?? 0) : 0;
    scores[k] = r + nb + Math.max(pop, co);
    kind[k] = r >= nb && r >= pop && r >= co ? REPEAT : nb >= pop && nb >= co && s.bestVote[j] > 0 ? NEIGHBOUR : co > pop ? COHORT : POPULAR;
    because[k] = s.because[j];
  }
  s.reset();
  return picks(ctx, ids, scores, kind, because, cohort);
}

const REPEAT = 0;
const NEIGHBOUR = 1;
const POPULAR = 2;
const COHORT = 3;

/**
 * Best first; the row takes the few it needs, so only those are ever ranked and explained. Each
 * reason names the signal that dominated the score, with its real numbers; only a candidate whose
 * score the cohort dominated says "Popular with shoppers who buy <type>".
 */
function* picks(ctx: RecsContext, ids: Int32Array, scores: Float64Array, kind: Uint8Array, because: Int32Array, cohort: Cohort | null): Generator<Candidate> {
  for (const k of bestFirst(ids, scores, ids.length)) {
    const j = ids[k];
    if (!ctx.eligible(j)) continue;
    const reason =
      kind[k] === REPEAT
        ? ownRepeatReason(ctx, j)
        : kind[k] === NEIGHBOUR
          ? `Because you bought ${titleOf(ctx.model, because[k])}`
          : kind[k] === COHORT
            ? `Popular with shoppers who buy ${cohort!.type}`
            : popularReason(ctx, j);
    yield { idx: j, score: scores[k], reason };
  }
}

/** "Bought by 412 shoppers": the shop-wide count behind a popularity pick, never a cohort. */
export function popularReason(ctx: RecsContext, idx: number): string {
  const n = ctx.model.stats.buyers[idx] ?? 0;
  return n >= 2 ? `Bought by ${n} shoppers` : "Popular in this shop";
}

/** The shopper's own history: their interval when they re-buy it, else when they bought it. */
function ownRepeatReason(ctx: RecsContext, idx: number): string {
  const times: number[] = [];
  for (const r of ctx.history) if (r.items.includes(idx)) times.push(r.createdAt);
  if (times.length >= 2) return `You buy this about every ${days(meanIntervalMs(times))}`;
  return "You bought this before";
}

function meanIntervalMs(times: readonly number[]): number {
  return Math.max(DAY, (times[times.length - 1] - times[0]) / (times.length - 1));
}

function days(ms: number): string {
  const n = Math.max(1, Math.round(ms / DAY));
  return `${n} day${n === 1 ? "" : "s"}`;
}

interface Scratch {
  repeat: Float64Array;
  neighbour: Float64Array;
  bestVote: Float64Array;
  because: Int32Array;
  mark: Uint8Array;
  touched: number[];
  reset(): void;
}

let shared: Scratch | null = null;

/** Reused across calls (requests are synchronous), grown with the catalog, cleared sparsely. */
function scratch(n: number): Scratch {
  if (!shared || shared.mark.length < n) {
    const size = Math.max(n, 1024) * 2;
    const s: Scratch = {
      repeat: new Float64Array(size),
      neighbour: new Float64Array(size),
      bestVote: new Float64Array(size),
      because: new Int32Array(size),
      mark: new Uint8Array(size),
      touched: [],
      reset() {
        for (const j of s.touched) (s.repeat[j] = 0), (s.neighbour[j] = 0), (s.bestVote[j] = 0), (s.mark[j] = 0);
        s.touched.length = 0;
      },
    };
    shared = s;
  }
  return shared;
}

/** Each source is computed only if the row is still short after the previous one. */
function* coldStart(ctx: RecsContext): Generator<Candidate> {
  yield* labelled(alsoBought(ctx), "also_bought");
  yield* labelled(similarProducts(ctx), "similar_products");
  yield* trending(ctx);
}

/**
 * Replenishment. For each product the shopper bought in two or more orders, their own mean interval
 * between purchases says when the next one is due: the score peaks when it is due (log-normal in the
 * ratio elapsed / interval) and grows with how established the habit is. Products they bought once
 * follow when the shop's orders say they are bought again (recs/repeat.ts), scored by that learned
 * rate, so buy-again works without any consumable setting.
 */
export function buyAgain(ctx: RecsContext): Candidate[] {
  const times = new Map<number, number[]>();
  for (const r of ctx.history) {
    for (const i of r.items) {
      const t = times.get(i);
      if (t) t.push(r.createdAt);
      else times.set(i, [r.createdAt]);
    }
  }
  const out: Candidate[] = [];
  const profile = repeatProfile(ctx.model);
  for (const [idx, t] of times) {
    if (t.length < 2) {
      if (!learnedRebuyable(ctx.model, idx, profile)) continue;
      // Below every habit (scored from 0.5 up): the learned rate, 0..1, halved.
      const evidence = repeatEvidence(ctx.model, idx, profile);
      out.push({ idx, score: 0.5 * repeatRate(ctx.model, idx, profile), reason: evidence ? `You bought this before; ${evidence}` : "You bought this before" });
      continue;
    }
    const last = t[t.length - 1];
    const interval = meanIntervalMs(t);
    const ratio = Math.max(ctx.now - last, DAY / 24) / interval;
    const due = Math.exp(-(Math.log(ratio) ** 2) / (2 * 0.5 ** 2));
    const reason = ratio >= 0.8 ? `Time to restock? You buy this about every ${days(interval)}` : `You buy this about every ${days(interval)}`;
    out.push({ idx, score: 0.5 + due * (1 + Math.log(t.length)), reason });
  }
  return out.sort((a, b) => b.score - a.score || a.idx - b.idx);
}
