/**
 * Background work: the ingest worker, backfills and the loyalty sync to Shopify. ATTUNE_WORKER chooses where the worker runs:
 * - inline: in this thread, started with the server (dev server, the demo's child app);
 * - thread: server.mjs runs it on a worker thread, so acknowledging a webhook never queues behind
 *   applying one (the acks and the applies each get a core); the thread relays "applied" here;
 * - off: nowhere in this process (tests drain explicitly; or dedicated workers elsewhere).
 */
import { isMainThread } from "node:worker_threads";
import { db } from "../db.server";
import { env } from "../utils/env.server";
import { log } from "../utils/log.server";
import { resumeBackfills } from "./backfill.server";
import { startWorker } from "./ingest-worker.server";
import { pruneChanges } from "../models/changes.server";
import { emitApplied } from "./data-applied.server";
import { engineThread } from "./engine-link.server";
import { warmEngines } from "./engine.server";
import { installedShops } from "../models/shop.server";
import { startRewardPool } from "./reward-pool.server";
import { startLoyaltySync } from "./loyalty-sync.server";
import { startLoyaltyJobs } from "./loyalty-jobs.server";

declare global {
  // eslint-disable-next-line no-var
  var __attuneWorker: ReturnType<typeof startWorker> | undefined;
  // eslint-disable-next-line no-var
  var __attuneRuntimeStarted: boolean | undefined;
  /** Set by server.mjs in thread mode: wakes the worker thread. */
  // eslint-disable-next-line no-var
  var __attuneNotifyWorker: (() => void) | undefined;
}

const HOUR = 3_600_000;
/** Change events older than this are pruned; a follower that far behind rebuilds anyway. */
export const CHANGE_RETENTION_MS = 24 * HOUR;

/** Starts the ingest worker, change-feed retention and backfill resumption in the calling thread. */
export function runIngestWorker(onApplied: (shops: Set<string>) => void = emitApplied) {
  const worker = startWorker({ db: db(), secret: env().SHOPIFY_API_SECRET, onApplied });
  // Backfills interrupted by a restart (or seeded as pending) continue in the background.
  resumeBackfills().catch((e) => log.error("backfill resume failed", { error: (e as Error).message }));
  // The worker is SQLite's one writer, so retention runs here too.
  const prune = () => pruneChanges(db(), new Date(Date.now() - CHANGE_RETENTION_MS)).catch((e) => log.error("change feed pruning failed", { error: (e as Error).message }));
  const timer = setInterval(prune, HOUR);
  timer.unref();
  // Loyalty changes reach Shopify (metafields, tier tags, Flow) from the outbox, off the request path.
  const loyaltySync = startLoyaltySync({ db: db() });
  // The ledger's scheduled work: releases, reconciliation, expiry, birthdays (idempotent by key).
  const loyaltyJobs = startLoyaltyJobs();
  return { ...worker, stop: async () => (clearInterval(timer), await loyaltyJobs.stop(), await loyaltySync.stop(), worker.stop()) };
}

export function ensureRuntime() {
  if (global.__attuneRuntimeStarted) return;
  global.__attuneRuntimeStarted = true;
  if (env().ATTUNE_WORKER === "off") return;
  // Serving process: build installed shops' engines now, not on a shopper's first request (where
  // the engines live: on the engine thread, which warms its own, or here).
  if (!engineThread()) setTimeout(() => void warmInstalledShops(), 0);
  // Loyalty reward code pools: Admin API work in the background, on the thread that takes the
  // redemptions (a redemption wakes it to refill; reward-pool.server.ts). The worker and engine
  // threads load this module too: one loop per process.
  if (isMainThread) {
    const pool = startRewardPool();
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void pool.stop());
  }
  if (env().ATTUNE_WORKER !== "inline") return;
  global.__attuneWorker = runIngestWorker();
  // On shutdown, let the worker finish its current transaction (an interrupted one would only be redone).
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => void global.__attuneWorker?.stop());
  }
}

/** Builds the installed shops' engines; returns those shops. */
export async function warmInstalledShops(): Promise<string[]> {
  try {
    const shops = await installedShops(db());
    await warmEngines(shops);
    return shops;
  } catch (e) {
    log.error("engine warm-up failed", { error: (e as Error).message });
    return [];
  }
}

export function notifyWorker() {
  ensureRuntime();
  if (global.__attuneWorker) global.__attuneWorker.notify();
  else global.__attuneNotifyWorker?.();
}
