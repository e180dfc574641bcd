/**
 * "Data changed for these shops", within one thread: the ingest worker (or, under `npm start`,
 * server.mjs relaying the ingest thread's notices) tells the engine registry, which follows the
 * change feed at once instead of waiting for its next poll. A hint only: the feed is the truth, and
 * other instances see the same changes on their next poll.
 */
type Listener = (shops: Set<string>) => void;
const listeners = new Set<Listener>();

/** Tell this thread's listeners that data changed for these shops. */
export function emitApplied(shops: Set<string>): void {
  listeners.forEach((l) => l(shops));
}

/** Subscribe to "data changed for these shops" (in this thread). */
export function onDataApplied(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
