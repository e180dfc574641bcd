/** A seeded linear congruential generator in [0, 1) for reproducible randomized engine tests. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
