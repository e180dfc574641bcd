/**
 * The loyalty outbox: work to send to Shopify for a member (metafields, the tier tag, Flow triggers).
 * The ledger enqueues in the same transaction as the entries that cause it, so a committed change is
 * always eventually sent and a rolled-back one never is; app/services/loyalty-sync.server.ts drains it
 * within the Admin API rate limit.
 */
import { exec, query, ts, valuesList } from "./sql.server";
import type { Tx } from "./types";

/** What a ledger write asks to tell Shopify. `member` = rewrite the member's metafields. */
export type LoyaltySyncEvent =
  | { type: "member" }
  | { type: "tier_changed"; from: string | null; to: string | null }
  | { type: "points_earned"; points: number; orderId: string | null }
  | { type: "reward_redeemed"; rewardId: string; points: number };

export type OutboxKind = "metafields" | "tags" | "flow";

export interface OutboxRow {
  id: number;
  shopId: string;
  customerId: string;
  kind: OutboxKind;
  payload: string;
  attempts: number;
}

/** Rows for one member's events: metafields once, a tag change and a Flow trigger per event. */
export function outboxRowsFor(events: LoyaltySyncEvent[]): { kind: OutboxKind; payload: unknown }[] {
  const rows: { kind: OutboxKind; payload: unknown }[] = [];
  if (events.length) rows.push({ kind: "metafields", payload: {} });
  for (const e of events) {
    if (e.type === "tier_changed") {
      rows.push({ kind: "tags", payload: { from: e.from, to: e.to } });
      rows.push({ kind: "flow", payload: e });
    } else if (e.type === "points_earned" || e.type === "reward_redeemed") {
      rows.push({ kind: "flow", payload: e });
    }
  }
  return rows;
}

/** Call inside the ledger's transaction. */
export async function enqueueLoyaltySync(tx: Tx, shop: string, customerId: string, events: LoyaltySyncEvent[], now = new Date()) {
  const rows = outboxRowsFor(events);
  if (!rows.length) return;
  const at = ts(now);
  await exec(
    tx,
    `INSERT INTO "LoyaltyOutbox" ("shopId", "customerId", "kind", "payload", "status", "attempts", "availableAt", "createdAt")
     VALUES ${valuesList(rows.length, 8)}`,
    rows.flatMap((r) => [shop, customerId, r.kind, JSON.stringify(r.payload), "pending", 0, at, at]),
  );
}

/** The oldest due rows, across shops. The sync service claims and completes them. */
export async function dueOutbox(tx: Tx, limit: number, now = new Date()): Promise<OutboxRow[]> {
  const rows = await query<OutboxRow & { id: number | bigint }>(
    tx,
    `SELECT "id", "shopId", "customerId", "kind", "payload", "attempts" FROM "LoyaltyOutbox"
     WHERE "status" = 'pending' AND "availableAt" <= ? ORDER BY "id" LIMIT ${Math.max(1, Math.floor(limit))}`,
    [ts(now)],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function completeOutbox(tx: Tx, ids: number[], now = new Date()) {
  if (!ids.length) return;
  await exec(
    tx,
    `UPDATE "LoyaltyOutbox" SET "status" = 'done', "doneAt" = ? WHERE "id" IN (${ids.map(() => "?").join(", ")})`,
    [ts(now), ...ids],
  );
}

/** A failed attempt: retried later with backoff, given up after `maxAttempts`. */
export async function retryOutbox(tx: Tx, id: number, error: string, retryAt: Date, maxAttempts = 8) {
  await exec(
    tx,
    `UPDATE "LoyaltyOutbox" SET "attempts" = "attempts" + 1, "error" = ?, "availableAt" = ?,
       "status" = CASE WHEN "attempts" + 1 >= ? THEN 'failed' ELSE 'pending' END
     WHERE "id" = ?`,
    [error.slice(0, 500), ts(retryAt), maxAttempts, id],
  );
}

export async function pendingOutboxCount(tx: Tx, shop?: string): Promise<number> {
  const [row] = await query<{ n: number | bigint }>(
    tx,
    `SELECT COUNT(*) AS "n" FROM "LoyaltyOutbox" WHERE "status" = 'pending'${shop ? ` AND "shopId" = ?` : ""}`,
    shop ? [shop] : [],
  );
  return Number(row?.n ?? 0);
}
