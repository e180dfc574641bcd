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
