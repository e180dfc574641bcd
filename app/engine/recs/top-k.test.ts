import { describe, expect, it } from "vitest";
import { bestFirst, rankedCandidates, TopK, topIndexes } from "./top-k";
import { rng } from "./test-rng";

describe("bestFirst", () => {
  it("yields every position once, in the order a full sort by score (then id) gives, ties included", () => {
    const r = rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(r() * 60);
      // Few distinct scores, so ties are common and the id tie-break is exercised.
      const ids = Int32Array.from({ length: n }, () => Math.floor(r() * 1000));
      const scores = Float64Array.from({ length: n }, () => Math.floor(r() * 5));
      const got = [...bestFirst(ids, scores, n)].map((k) => [scores[k], ids[k]]);
      const want = Array.from({ length: n }, (_, k) => [scores[k], ids[k]]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      expect(got).toEqual(want);
    }
  });

  it("agrees with topIndexes on the first k", () => {
    const r = rng(3);
    const n = 500;
    const scores = Float64Array.from({ length: n }, () => 1 + Math.floor(r() * 40));
    const ids = Int32Array.from({ length: n }, (_, i) => i);
    const lazy: number[] = [];
    for (const k of bestFirst(ids, scores, n)) if (lazy.push(ids[k]) === 25) break;
    expect(lazy).toEqual([...topIndexes(n, (i) => scores[i], 25)]);
  });
});

describe("TopK", () => {
  it("keeps the k best offers, best first, exactly as a full sort truncated to k (ties: lower id first)", () => {
    const r = rng(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(r() * 300);
      const k = Math.floor(r() * 40);
      const offers = Array.from({ length: n }, () => [Math.floor(r() * 8), Math.floor(r() * 500)] as const);
      const top = new TopK(k);
      for (const [score, id] of offers) top.offer(id, score);
      const { ids, scores } = top.result();
      const want = [...offers].sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k);
      expect(Array.from(ids, (id, j) => [scores[j], id])).toEqual(want);
    }
  });
});

describe("rankedCandidates", () => {
  it("stops after max candidates and keeps the reason unevaluated", () => {
    const scores = new Map([[4, 1], [9, 3], [2, 3], [7, 2]]);
    const reason = (idx: number) => `about ${idx}`;
    const out = [...rankedCandidates(scores, reason, 3)];
    expect(out.map((c) => [c.idx, c.score])).toEqual([[2, 3], [9, 3], [7, 2]]);
    expect(out[0].reason).toBe(reason);
  });
});
