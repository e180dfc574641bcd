/**
 * BackfillJob: one row per shop, the resumable state of its install-time history load
 * (app/services/backfill.server.ts runs it). Progress moves only by compare-and-set on the exact
 * resume point a runner started from, so two runners (two processes after a restart) can never
 * both count a batch.
 */
import type { Db } from "../db.server";
import type { Tx } from "./types";

export type BackfillJob = NonNullable<Awaited<ReturnType<Db["backfillJob"]["findUnique"]>>>;

/** Where a running stage stands: its bulk operation and the last JSONL line applied. */
export interface StagePosition {
  stage: string;
  opId: string;
  linesApplied: number;
}

type Counts = Partial<Record<string, number>>;

export function getBackfillJob(db: Tx, shop: string): Promise<BackfillJob | null> {
  return db.backfillJob.findUnique({ where: { shopId: shop } });
}

/** The shop's job, created "running" on first sight (a later call leaves it as it is). */
export function ensureBackfillJob(db: Tx, shop: string): Promise<BackfillJob> {
  return db.backfillJob.upsert({ where: { shopId: shop }, create: { shopId: shop, status: "running" }, update: {} });
}

export function markBackfillRunning(db: Tx, shop: string): Promise<BackfillJob> {
  return db.backfillJob.update({ where: { shopId: shop }, data: { status: "running", error: null } });
}

export function markBackfillDone(db: Tx, shop: string): Promise<BackfillJob> {
  return db.backfillJob.update({ where: { shopId: shop }, data: { status: "done", finishedAt: new Date(), error: null } });
}

export function markBackfillFailed(db: Tx, shop: string, error: string): Promise<BackfillJob> {
  return db.backfillJob.update({ where: { shopId: shop }, data: { status: "failed", error: error.slice(0, 2000) } });
}

/** A failed job goes back to pending, its stage to be redone with a fresh bulk operation. */
export function retryBackfill(db: Tx, shop: string): Promise<BackfillJob> {
  return db.backfillJob.update({ where: { shopId: shop }, data: { status: "pending", bulkOperationId: null, linesApplied: 0, error: null } });
}

/** The current stage starts over (its bulk result is gone): no operation, nothing applied. */
export function restartBackfillStage(db: Tx, shop: string): Promise<BackfillJob> {
  return db.backfillJob.update({ where: { shopId: shop }, data: { bulkOperationId: null, linesApplied: 0 } });
}

/** The current stage runs under a new bulk operation, from its first line. */
export async function beginBackfillStage(db: Tx, shop: string, opId: string, counts: Counts): Promise<void> {
  await db.backfillJob.update({ where: { shopId: shop }, data: { bulkOperationId: opId, linesApplied: 0, counts: JSON.stringify(counts), status: "running" } });
}

/**
 * Records a committed batch, in the batch's transaction: false when the job is no longer at `from`
 * (another runner moved it), and the caller must roll the batch back.
 */
export async function advanceBackfill(tx: Tx, shop: string, from: StagePosition, to: { linesApplied: number; counts: Counts }): Promise<boolean> {
  const moved = await tx.backfillJob.updateMany({
    where: { shopId: shop, stage: from.stage, bulkOperationId: from.opId, linesApplied: from.linesApplied },
    data: { linesApplied: to.linesApplied, counts: JSON.stringify(to.counts) },
  });
  return moved.count === 1;
}

/** The stage run under `opId` is complete: move to `next` (a no-op if another runner already did). */
export async function finishBackfillStage(db: Tx, shop: string, from: { stage: string; opId: string }, next: string, counts: Counts): Promise<void> {
  await db.backfillJob.updateMany({
    where: { shopId: shop, stage: from.stage, bulkOperationId: from.opId },
    data: { stage: next, bulkOperationId: null, linesApplied: 0, counts: JSON.stringify(counts) },
  });
}

/**
 * Jobs to resume at start-up, across shops: the one unscoped read here, like the ingest queue's
 * claim, because it runs before any shop is known.
 */
export function resumableBackfills(db: Tx): Promise<BackfillJob[]> {
  return db.backfillJob.findMany({ where: { status: { in: ["pending", "running"] } } });
}
