/**
 * The webhook delivery table doubles as the durable ingest queue.
 * enqueue() is the only write on the request path: one INSERT, committed before Shopify gets its 200.
 * claim() hands a batch of due deliveries to a worker inside the worker's transaction; on
 * PostgreSQL it locks them with SKIP LOCKED so several app instances share the queue without
 * ever applying one delivery twice (the lock dies with a crashed instance's transaction).
 */
import { type Db, providerOf } from "../db.server";
import { exec, query, ts, writeTransaction } from "./sql.server";
import type { Tx } from "./types";

export interface NewDelivery {
  webhookId: string;
  shopId: string;
  topic: string;
  apiVersion: string | null;
  sealedPayload: string;
}

/**
 * Returns false when this webhook id was already received (a retry, or a concurrent twin: the
 * unique index decides, so exactly one of two simultaneous inserts wins).
 */
export async function enqueue(db: Db, d: NewDelivery): Promise<boolean> {
  const now = ts(new Date());
  const inserted = await exec(
    db,
    `INSERT INTO "WebhookDelivery" ("webhookId", "shopId", "topic", "apiVersion", "payload", "status", "attempts", "availableAt", "receivedAt")
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)
     ON CONFLICT ("webhookId") DO NOTHING`,
    [d.webhookId, d.shopId, d.topic, d.apiVersion, d.sealedPayload, now, now],
  );
  return inserted === 1;
}

/**
 * Group commit: many deliveries in one statement (and one transaction). Returns, per input, whether
 * it was new; a webhook id repeated within the batch counts as new only once.
 */
export async function enqueueMany(db: Db, ds: NewDelivery[]): Promise<boolean[]> {
  if (!ds.length) return [];
  const now = ts(new Date());
  const rows = await writeTransaction(db, (tx) => query<{ webhookId: string }>(
    tx,
    `INSERT INTO "WebhookDelivery" ("webhookId", "shopId", "topic", "apiVersion", "payload", "status", "attempts", "availableAt", "receivedAt")
     VALUES ${ds.map(() => "(?, ?, ?, ?, ?, 'pending', 0, ?, ?)").join(", ")}
     ON CONFLICT ("webhookId") DO NOTHING
     RETURNING "webhookId"`,
    ds.flatMap((d) => [d.webhookId, d.shopId, d.topic, d.apiVersion, d.sealedPayload, now, now]),
  ));
  const inserted = new Set(rows.map((r) => r.webhookId));
  const seen = new Set<string>();
  return ds.map((d) => {
    const fresh = inserted.has(d.webhookId) && !seen.has(d.webhookId);
    seen.add(d.webhookId);
    return fresh;
  });
}

export interface ClaimedDelivery {
  seq: number;
  webhookId: string;
  shopId: string;
  topic: string;
  payload: string | null;
  attempts: number;
}

export async function claim(db: Db, tx: Tx, limit: number): Promise<ClaimedDelivery[]> {
  const now = new Date();
  if (providerOf(db) === "postgresql") {
    const rows = await tx.$queryRaw<{ seq: number }[]>`
      SELECT "seq" FROM "WebhookDelivery"
      WHERE "status" = 'pending' AND "availableAt" <= ${now}
      ORDER BY "seq" LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (!rows.length) return [];
    return tx.webhookDelivery.findMany({
      where: { seq: { in: rows.map((r) => Number(r.seq)) } },
      orderBy: { seq: "asc" },
      select: { seq: true, webhookId: true, shopId: true, topic: true, payload: true, attempts: true },
    });
  }
  // SQLite has a single writer: the enclosing write transaction already excludes other workers.
  return tx.webhookDelivery.findMany({
    where: { status: "pending", availableAt: { lte: now } },
    orderBy: { seq: "asc" },
    take: limit,
    select: { seq: true, webhookId: true, shopId: true, topic: true, payload: true, attempts: true },
  });
}

/** Applied (or deliberately ignored): the sealed body is dropped, only the outcome stays. */
export async function markDone(tx: Tx, seq: number, outcome: string) {
  await exec(tx, `UPDATE "WebhookDelivery" SET "status" = ?, "outcome" = ?, "payload" = NULL, "processedAt" = ? WHERE "seq" = ?`, [
    outcome.startsWith("ignored") ? "ignored" : "processed",
    outcome.slice(0, 500),
    ts(new Date()),
    seq,
  ]);
}

export const MAX_ATTEMPTS = 8;

/** A server fault while applying: retry with backoff, give up (dead letter, logged) after MAX_ATTEMPTS. */
/** One delivery by its queue position (the worker isolating a failure), or null once it is gone. */
export function getDelivery(tx: Tx, seq: number) {
  return tx.webhookDelivery.findUnique({ where: { seq } });
}

export async function markFailed(tx: Tx, seq: number, attempts: number, error: string) {
  const next = attempts + 1;
  const dead = next >= MAX_ATTEMPTS;
  await tx.webhookDelivery.updateMany({
    where: { seq },
    data: {
      attempts: next,
      status: dead ? "dead" : "pending",
      outcome: `error: ${error}`.slice(0, 500),
      availableAt: new Date(Date.now() + Math.min(60_000 * 2 ** next, 3_600_000)),
    },
  });
  return dead;
}

export async function queueDepth(db: Db): Promise<number> {
  return db.webhookDelivery.count({ where: { status: "pending" } });
}
