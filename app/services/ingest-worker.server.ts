/**
 * Drains the delivery queue: applies each delivery and marks it done in ONE transaction, so a
 * delivery is applied exactly once even if the process dies at any point (an interrupted
 * transaction rolls back and the delivery is still pending on restart).
 */
import type { Db } from "../db.server";
import { providerOf } from "../db.server";
import { topicFromHeader } from "../ingest/webhook-payloads";
import { appendChanges } from "../models/changes.server";
import { type ClaimedDelivery, claim, getDelivery, markDone, markFailed } from "../models/deliveries.server";
import { forgetShop } from "../models/shop.server";
import { writeTransaction } from "../models/sql.server";
import type { Tx } from "../models/types";
import { unseal } from "../utils/crypto.server";
import { log } from "../utils/log.server";
import { applyDelivery } from "./apply.server";

export interface WorkerOptions {
  db: Db;
  secret: string;
  /** Deliveries per transaction. Small on SQLite: the one connection is shared with webhook acks. */
  batchSize?: number;
  /** Called after a batch commits, with the shops whose data changed (engine followers). */
  onApplied?: (shops: Set<string>) => void;
}

async function applyOne(opts: WorkerOptions, tx: Tx, d: ClaimedDelivery) {
  const topic = topicFromHeader(d.topic);
  // Both are validated before enqueueing, so either means a bug or a tampered row: fail loudly.
  if (!topic) throw new Error(`unknown topic ${d.topic}`);
  if (d.payload === null) throw new Error("pending delivery has no payload");
  const raw = unseal(opts.secret, d.payload);
  const applied = await applyDelivery(tx, { shop: d.shopId, secret: opts.secret }, topic, raw);
  if (topic !== "shop/redact") {
    await appendChanges(tx, d.shopId, applied.changes);
    await markDone(tx, d.seq, applied.outcome);
  } else {
    forgetShop(opts.db, d.shopId);
  }
}

/** Processes one batch. Returns how many deliveries were taken (0 = queue empty). */
export async function drainOnce(opts: WorkerOptions): Promise<number> {
  const { db } = opts;
  // SQLite: acks wait behind an open apply transaction (one writer), so keep transactions short.
  const limit = opts.batchSize ?? (providerOf(db) === "sqlite" ? 8 : 50);
  const shops = new Set<string>();
  let taken = 0;
  let failedSeq: number | null = null;
  try {
    await writeTransaction(db, async (tx) => {
      const batch = await claim(db, tx, limit);
      taken = batch.length;
      for (const d of batch) {
        failedSeq = d.seq;
        await applyOne(opts, tx, d);
        shops.add(d.shopId);
      }
      failedSeq = null;
    });
  } catch (e) {
    if (failedSeq === null) throw e;
    // One delivery broke the batch (everything rolled back): isolate it, keep the rest flowing.
    await isolateFailure(opts, failedSeq, e as Error);
    return taken || 1;
  }
  if (shops.size) opts.onApplied?.(shops);
  return taken;
}

async function isolateFailure(opts: WorkerOptions, seq: number, error: Error) {
  const { db } = opts;
  const d = await getDelivery(db, seq);
  if (!d) return;
  const dead = await markFailed(db, seq, d.attempts, error.message);
  log[dead ? "error" : "warn"]("webhook apply failed", { webhookId: d.webhookId, shop: d.shopId, topic: d.topic, attempts: d.attempts + 1, dead, error: error.message });
}

/** Drains until the queue is empty. */
export async function drainAll(opts: WorkerOptions): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await drainOnce(opts);
    if (n === 0) return total;
    total += n;
  }
}

/**
 * The background loop: wakes on notify() (a webhook was just enqueued here) or every pollMs
 * (work enqueued by another instance, retries coming due, recovery after a restart).
 */
export function startWorker(opts: WorkerOptions & { pollMs?: number }) {
  let stopped = false;
  let wake: (() => void) | null = null;
  const pollMs = opts.pollMs ?? 1000;
  const loop = async () => {
    while (!stopped) {
      try {
        const n = await drainOnce(opts);
        // Yield between batches so webhook acks on the shared connection are not starved.
        if (n > 0) {
          await new Promise((r) => setImmediate(r));
          continue;
        }
      } catch (e) {
        log.error("ingest worker error", { error: (e as Error).message });
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        t.unref();
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  };
  const done = loop();
  return {
    notify: () => wake?.(),
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
    },
  };
}
