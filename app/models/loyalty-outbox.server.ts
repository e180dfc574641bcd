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

/* ---------------------------------------------------------------- claiming (sync service) */

/**
 * Takes up to `limit` due rows and leases them until `leaseUntil`: another drainer (another instance)
 * skips them, and if this one dies mid-send they fall due again when the lease ends (at least once).
 */
export async function claimOutbox(tx: Tx, limit: number, leaseUntil: Date, now = new Date()): Promise<OutboxRow[]> {
  const due = await dueOutbox(tx, limit, now);
  if (!due.length) return [];
  const claimed = new Set<number>();
  // One conditional UPDATE per chunk: a row a concurrent drainer leased first no longer matches.
  for (let i = 0; i < due.length; i += 500) {
    const ids = due.slice(i, i + 500).map((r) => r.id);
    const rows = await query<{ id: number | bigint }>(
      tx,
      `UPDATE "LoyaltyOutbox" SET "availableAt" = ?
       WHERE "status" = 'pending' AND "availableAt" <= ? AND "id" IN (${ids.map(() => "?").join(", ")})
       RETURNING "id"`,
      [ts(leaseUntil), ts(now), ...ids],
    );
    for (const r of rows) claimed.add(Number(r.id));
  }
  return due.filter((r) => claimed.has(r.id));
}

/** A permanent failure (Shopify refused the write for good): kept, with its reason, never resent. */
export async function failOutbox(tx: Tx, ids: number[], error: string) {
  if (!ids.length) return;
  await exec(
    tx,
    `UPDATE "LoyaltyOutbox" SET "status" = 'failed', "attempts" = "attempts" + 1, "error" = ? WHERE "id" IN (${ids.map(() => "?").join(", ")})`,
    [error.slice(0, 500), ...ids],
  );
}

/* ---------------------------------------------------------------- what was last written to Shopify */

export interface SyncState {
  customerId: string;
  /** Metafield key -> the compareDigest Shopify returned for the value we last wrote. */
  digests: Record<string, string>;
  tierTag: string | null;
}

function parseDigests(s: string | null): Record<string, string> {
  try {
    const v = JSON.parse(s ?? "{}");
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export async function syncStates(tx: Tx, shop: string, customerIds: string[]): Promise<Map<string, SyncState>> {
  const out = new Map<string, SyncState>();
  for (let i = 0; i < customerIds.length; i += 500) {
    const ids = customerIds.slice(i, i + 500);
    const rows = await query<{ customerId: string; digests: string; tierTag: string | null }>(
      tx,
      `SELECT "customerId", "digests", "tierTag" FROM "LoyaltySyncState" WHERE "shopId" = ? AND "customerId" IN (${ids.map(() => "?").join(", ")})`,
      [shop, ...ids],
    );
    for (const r of rows) out.set(r.customerId, { customerId: r.customerId, digests: parseDigests(r.digests), tierTag: r.tierTag });
  }
  return out;
}

export async function saveSyncStates(tx: Tx, shop: string, states: SyncState[], now = new Date()) {
  for (let i = 0; i < states.length; i += 200) {
    const chunk = states.slice(i, i + 200);
    await exec(
      tx,
      `INSERT INTO "LoyaltySyncState" ("shopId", "customerId", "digests", "tierTag", "syncedAt") VALUES ${valuesList(chunk.length, 5)}
       ON CONFLICT ("shopId", "customerId") DO UPDATE SET "digests" = excluded."digests", "tierTag" = excluded."tierTag", "syncedAt" = excluded."syncedAt"`,
      chunk.flatMap((s) => [shop, s.customerId, JSON.stringify(s.digests), s.tierTag, ts(now)]),
    );
  }
}

export async function definitionsCreatedAt(tx: Tx, shop: string): Promise<Date | null> {
  const row = await tx.loyaltySyncShop.findUnique({ where: { shopId: shop } });
  return row?.definitionsAt ?? null;
}

export async function markDefinitionsCreated(tx: Tx, shop: string, now = new Date()) {
  await tx.loyaltySyncShop.upsert({ where: { shopId: shop }, create: { shopId: shop, definitionsAt: now }, update: { definitionsAt: now } });
}

/* ---------------------------------------------------------------- the member state to write */

export interface MemberSyncRow {
  customerId: string;
  points: number;
  pending: number;
  tierId: string | null;
  lastActivityAt: Date | null;
  joinedAt: Date;
}

/** The cached balances (written by the ledger in the entries' transaction), for many members at once. */
export async function membersForSync(tx: Tx, shop: string, customerIds: string[]): Promise<Map<string, MemberSyncRow>> {
  const out = new Map<string, MemberSyncRow>();
  for (let i = 0; i < customerIds.length; i += 500) {
    const rows = await tx.loyaltyMember.findMany({
      where: { shopId: shop, customerId: { in: customerIds.slice(i, i + 500) } },
      select: { customerId: true, points: true, pending: true, tierId: true, lastActivityAt: true, joinedAt: true },
    });
    for (const r of rows) out.set(r.customerId, r);
  }
  return out;
}
