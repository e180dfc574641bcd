import type { Candidate } from "./context";

/** Scored ids, best first, as parallel typed arrays (cheap to iterate and to keep cached). */
export interface Ranked {
  ids: Int32Array;
  scores: Float64Array;
}

export const NO_RANKED: Ranked = { ids: new Int32Array(0), scores: new Float64Array(0) };

/**
 * Keeps the k best (id, score) offers in a bounded min-heap: a best-seller has thousands of
 * partners and a popular attribute thousands of products, and only the top k are ever shown, so
 * ranking is O(n log k) with no per-offer garbage. Ties go to the lower id, so results are
 * deterministic.
 */
export class TopK {
  private readonly ids: Int32Array;
  private readonly scores: Float64Array;
  private size = 0;

  constructor(private readonly k: number) {
    this.ids = new Int32Array(Math.max(0, k));
    this.scores = new Float64Array(Math.max(0, k));
  }

  offer(id: number, score: number): void {
    const { ids, scores, k } = this;
    if (this.size < k) {
      let c = this.size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(score, id, scores[p], ids[p])) break;
        ids[c] = ids[p];
        scores[c] = scores[p];
        c = p;
      }
      ids[c] = id;
      scores[c] = score;
      return;
    }
    if (k === 0 || !worse(scores[0], ids[0], score, id)) return;
    this.siftDown(id, score, this.size);
  }

  /** The kept offers, best first. Empties the selector (heap-sorted in place, no comparator calls). */
  result(): Ranked {
    const n = this.size;
    const { ids, scores } = this;
    // Repeatedly move the heap's worst to the end of the shrinking heap: the array ends best-first.
    for (let end = n - 1; end > 0; end--) {
      const worstId = ids[0];
      const worstScore = scores[0];
      this.siftDown(ids[end], scores[end], end);
      ids[end] = worstId;
      scores[end] = worstScore;
    }
    this.size = 0;
    return { ids: ids.slice(0, n), scores: scores.slice(0, n) };
  }

  /** Places (id, score) from the root down within heap[0, size). */
  private siftDown(id: number, score: number, size: number): void {
    const { ids, scores } = this;
    let c = 0;
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && worse(scores[r], ids[r], scores[l], ids[l]) ? r : l;
      if (!worse(scores[m], ids[m], score, id)) break;
      ids[c] = ids[m];
      scores[c] = scores[m];
      c = m;
    }
    ids[c] = id;
    scores[c] = score;
  }
}

/**
 * A best-first list as candidates, produced on demand: a row takes a handful of a neighbour list's
 * hundred entries, and one candidate object per entry would be garbage on every request.
 */
export function* listCandidates(list: Ranked, reason: Candidate["reason"], max = list.ids.length): Generator<Candidate> {
  const n = Math.min(max, list.ids.length);
  for (let k = 0; k < n; k++) yield { idx: list.ids[k], score: list.scores[k], reason };
}

/** The k highest-scoring indexes in [0, n), best first, skipping scores <= 0. */
export function topIndexes(n: number, score: (i: number) => number, k: number): Int32Array {
  const top = new TopK(k);
  for (let i = 0; i < n; i++) {
    const s = score(i);
    if (s > 0) top.offer(i, s);
  }
  return top.result().ids;
}

/** Lower score is worse; on ties the higher index is worse, so results are deterministic. */
function worse(sa: number, ia: number, sb: number, ib: number): boolean {
  return sa < sb || (sa === sb && ia > ib);
}

/**
 * Positions 0..n-1 of (ids, scores), best score first (ties: lower id first), produced on demand:
 * heapify is O(n) and each step O(log n). A storefront row consumes a handful of a strategy's
 * hundreds of candidates, so sorting them all would be wasted work.
 */
export function* bestFirst(ids: ArrayLike<number>, scores: ArrayLike<number>, n: number): Generator<number> {
  const heap = new Int32Array(n);
  for (let k = 0; k < n; k++) heap[k] = k;
  // Max-heap of positions: `better(a, b)` = a ranks before b.
  const better = (a: number, b: number) => scores[a] > scores[b] || (scores[a] === scores[b] && ids[a] < ids[b]);
  const down = (c: number, size: number) => {
    const v = heap[c];
    for (;;) {
      const l = 2 * c + 1;
      if (l >= size) break;
      const r = l + 1;
      const m = r < size && better(heap[r], heap[l]) ? r : l;
      if (!better(heap[m], v)) break;
      heap[c] = heap[m];
      c = m;
    }
    heap[c] = v;
  };
  for (let c = (n >> 1) - 1; c >= 0; c--) down(c, n);
  for (let size = n; size > 0; size--) {
    const top = heap[0];
    heap[0] = heap[size - 1];
    down(0, size - 1);
    yield top;
  }
}

/** Accumulated scores as candidates, best first, at most `max` of them, each with the given reason. */
export function* rankedCandidates(scores: Map<number, number>, reason: Candidate["reason"], max: number): Generator<Candidate> {
  const n = scores.size;
  const ids = new Int32Array(n);
  const values = new Float64Array(n);
  let k = 0;
  for (const [j, v] of scores) (ids[k] = j), (values[k++] = v);
  let emitted = 0;
  for (const pos of bestFirst(ids, values, n)) {
    if (emitted++ >= max) return;
    yield { idx: ids[pos], score: values[pos], reason };
  }
}
