/**
 * Next-basket metrics exactly as the Reality Check evaluation defines them (Li et al., TOIS 2023,
 * evaluation/metrics.py): per user, recall = |top-K ∩ truth| / |truth|; hit rate = any hit in top-K;
 * NDCG with binary relevance where the ideal DCG sums over ALL truth items (not min(|truth|, K)), so a
 * 15-item basket cannot score NDCG@10 = 1. Averaged over every user with a non-empty truth.
 */
export type MetricName = "Recall@10" | "Recall@20" | "NDCG@10" | "NDCG@20" | "HitRate@10";
export const METRICS: readonly MetricName[] = ["Recall@10", "Recall@20", "NDCG@10", "NDCG@20", "HitRate@10"];
export type MetricRow = Record<MetricName, number>;

export function recallAt<T>(truth: ReadonlySet<T>, ranked: readonly T[], k: number): number {
  if (truth.size === 0) return 0;
  let hits = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (truth.has(ranked[r])) hits++;
  return hits / truth.size;
}

export function hitAt<T>(truth: ReadonlySet<T>, ranked: readonly T[], k: number): number {
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (truth.has(ranked[r])) return 1;
  return 0;
}

export function ndcgAt<T>(truth: ReadonlySet<T>, ranked: readonly T[], k: number): number {
  if (truth.size === 0) return 0;
  let dcg = 0;
  for (let r = 0; r < Math.min(k, ranked.length); r++) if (truth.has(ranked[r])) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  for (let r = 0; r < truth.size; r++) idcg += 1 / Math.log2(r + 2);
  return dcg / idcg;
}

/** Running means of every metric over users. */
export class MetricAccumulator {
  private sums: MetricRow = { "Recall@10": 0, "Recall@20": 0, "NDCG@10": 0, "NDCG@20": 0, "HitRate@10": 0 };
  users = 0;

  add<T>(truth: ReadonlySet<T>, ranked: readonly T[]): void {
    if (truth.size === 0) return;
    this.users++;
    this.sums["Recall@10"] += recallAt(truth, ranked, 10);
    this.sums["Recall@20"] += recallAt(truth, ranked, 20);
    this.sums["NDCG@10"] += ndcgAt(truth, ranked, 10);
    this.sums["NDCG@20"] += ndcgAt(truth, ranked, 20);
    this.sums["HitRate@10"] += hitAt(truth, ranked, 10);
  }

  result(): MetricRow {
    const out = { ...this.sums };
    for (const m of METRICS) out[m] = this.users ? out[m] / this.users : 0;
    return out;
  }
}
