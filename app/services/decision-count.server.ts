/**
 * Storefront decisions served per shop per UTC day, counted where the decisions are made (the
 * engine thread under `npm start`, this thread with ATTUNE_ENGINE=inline) and read by Home through
 * enginePort.decisionsToday.
 *
 * Per instance, in memory, on purpose: counting is one Map lookup and an increment on the hot path
 * (no database write per decision, nothing to batch or flush), and Home's figure is "what this
 * instance is doing now". It starts at zero when the process starts and when the UTC day changes;
 * with several instances each counts its own share (docs/architecture.md). A persisted daily total
 * would need batched writes from the engine thread through the writer and is not built.
 *
 * What counts: one answer of the recommendations, visitor offer or checkout upsell call for an
 * installed shop. Admin previews do not.
 */
const DAY_MS = 86_400_000;
const counts = new Map<string, { day: number; n: number }>();

/** One storefront decision for `shop`, at wall-clock time `now`. */
export function countDecision(shop: string, now = Date.now()): void {
  const day = Math.floor(now / DAY_MS);
  const c = counts.get(shop);
  if (c && c.day === day) c.n++;
  else counts.set(shop, { day, n: 1 });
}

/** Decisions this instance served for `shop` since 00:00 UTC. */
export function decisionsToday(shop: string, now = Date.now()): number {
  const c = counts.get(shop);
  return c && c.day === Math.floor(now / DAY_MS) ? c.n : 0;
}
