import type { Candidate } from "./context";

/**
 * The k highest-scoring indexes in [0, n), best first, skipping scores <= 0. A bounded min-heap:
 * O(n log k), so ranking 20k items for a storefront request stays well under a millisecond.
 */
export function topIndexes(n: number, score: (i: number) => number, k: number): Int32Array {
  if (k <= 0) return new Int32Array(0);
  const heapIdx = new Int32Array(k);
  const heapScore = new Float64Array(k);
  let size = 0;
  for (let i = 0; i < n; i++) {
    const s = score(i);
    if (!(s > 0)) continue;
    if (size < k) {
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(s, i, heapScore[p], heapIdx[p])) break;
        heapIdx[c] = heapIdx[p];
        heapScore[c] = heapScore[p];
        c = p;
      }
      heapIdx[c] = i;
      heapScore[c] = s;
    } else if (worse(heapScore[0], heapIdx[0], s, i)) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && worse(heapScore[r], heapIdx[r], heapScore[l], heapIdx[l]) ? r : l;
        if (!worse(heapScore[m], heapIdx[m], s, i)) break;
        heapIdx[c] = heapIdx[m];
        heapScore[c] = heapScore[m];
        c = m;
      }
      heapIdx[c] = i;
      heapScore[c] = s;
    }
  }
  const order = Array.from({ length: size }, (_, j) => j).sort(
    (a, b) => heapScore[b] - heapScore[a] || heapIdx[a] - heapIdx[b],
  );
  return Int32Array.from(order, (j) => heapIdx[j]);
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
