/**
 * Process-wide background work: the ingest worker (and, through its onApplied hook, the engine
 * followers). Started once per process on first use; ATTUNE_INLINE_WORKER=0 leaves draining to a
 * dedicated worker process (or to tests, which drain explicitly).
 */
import { db } from "../db.server";
import { env } from "../utils/env.server";
import { log } from "../utils/log.server";
import { resumeBackfills } from "./backfill.server";
import { startWorker } from "./ingest-worker.server";

type Listener = (shops: Set<string>) => void;
const listeners = new Set<Listener>();

declare global {
  // eslint-disable-next-line no-var
  var __attuneWorker: ReturnType<typeof startWorker> | undefined;
}

export function ensureRuntime() {
  if (global.__attuneWorker || env().ATTUNE_INLINE_WORKER !== "1") return;
  global.__attuneWorker = startWorker({
    db: db(),
    secret: env().SHOPIFY_API_SECRET,
    onApplied: (shops) => listeners.forEach((l) => l(shops)),
  });
  // Backfills interrupted by a restart (or seeded as pending) continue in the background.
  resumeBackfills().catch((e) => log.error("backfill resume failed", { error: (e as Error).message }));
}

export function notifyWorker() {
  ensureRuntime();
  global.__attuneWorker?.notify();
}

/** Subscribe to "data changed for these shops" (in this process). */
export function onDataApplied(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
