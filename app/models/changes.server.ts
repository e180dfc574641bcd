/**
 * The change feed: every change an engine must see (data applied, a merchant's configuration saved,
 * a shopper's signals written) is appended here in the same transaction as the change itself, and
 * every engine on every instance and thread follows it (app/services/engine-feed.server.ts). It is
 * the only channel from the database to the engines: nothing reaches them by a side channel or a
 * timer.
 *
 * Positions are global ChangeEvent ids. Reads filter on the kinds this version knows, so paging and
 * the late-commit count (below) agree on which rows exist.
 */
import type { Db } from "../db.server";
import { exec, query, ts, valuesList } from "./sql.server";
import { CHANGE_KINDS, type ChangeKind, type Tx } from "./types";

export { CHANGE_KINDS, type ChangeKind };

export interface Change {
  kind: ChangeKind;
  entityId: string;
}

export interface FeedEvent extends Change {
  /** The event's global position. */
  id: number;
}

/** Call inside the transaction that makes the change: both commit, or neither does. */
export async function appendChanges(tx: Tx, shop: string, changes: Change[]) {
  if (!changes.length) return;
  const now = ts(new Date());
  await exec(
    tx,
    `INSERT INTO "ChangeEvent" ("shopId", "kind", "entityId", "createdAt") VALUES ${valuesList(changes.length, 4)}`,
    changes.flatMap((c) => [shop, c.kind, c.entityId, now]),
  );
}

const KNOWN = `"kind" IN (${CHANGE_KINDS.map(() => "?").join(", ")})`;

/** The newest position in the whole feed (0 when empty): where a follower starts after a build. */
export async function feedPosition(tx: Tx): Promise<number> {
  const [row] = await query<{ hi: number | null }>(tx, `SELECT MAX("id") AS "hi" FROM "ChangeEvent"`, []);
  return row?.hi == null ? 0 : Number(row.hi);
}

export interface FeedHead {
  /** Newest and oldest positions in the whole feed (null when it is empty). */
  newest: number | null;
  oldest: number | null;
  /** false once shop/redact erased the shop. */
  shopExists: boolean;
}

/** One round trip per poll: how far the feed reaches, and whether the shop is still there. */
export async function feedHead(tx: Tx, shop: string): Promise<FeedHead> {
  const [h] = await query<{ hi: number | null; lo: number | null; shop: number | string }>(
    tx,
    `SELECT (SELECT MAX("id") FROM "ChangeEvent") AS "hi", (SELECT MIN("id") FROM "ChangeEvent") AS "lo",
            (SELECT COUNT(*) FROM "Shop" WHERE "id" = ?) AS "shop"`,
    [shop],
  );
  return {
    newest: h?.hi == null ? null : Number(h.hi),
    oldest: h?.lo == null ? null : Number(h.lo),
    shopExists: Boolean(h) && Number(h.shop) > 0,
  };
}

/** The shop's events with after < id <= upTo, oldest first (at most `limit`). */
export async function readChanges(tx: Tx, shop: string, after: number, upTo: number, limit?: number): Promise<FeedEvent[]> {
  const rows = await query<{ id: number | bigint; kind: string; entityId: string }>(
    tx,
    `SELECT "id", "kind", "entityId" FROM "ChangeEvent" WHERE "shopId" = ? AND "id" > ? AND "id" <= ? AND ${KNOWN} ORDER BY "id"${limit ? ` LIMIT ${Math.floor(limit)}` : ""}`,
    [shop, after, upTo, ...CHANGE_KINDS],
  );
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind as ChangeKind, entityId: r.entityId }));
}

/** How many of the shop's events lie in after < id <= upTo (the late-commit check). */
export async function countChanges(tx: Tx, shop: string, after: number, upTo: number): Promise<number> {
  const [{ n }] = await query<{ n: number | string | bigint }>(
    tx,
    `SELECT COUNT(*) AS "n" FROM "ChangeEvent" WHERE "shopId" = ? AND "id" > ? AND "id" <= ? AND ${KNOWN}`,
    [shop, after, upTo, ...CHANGE_KINDS],
  );
  return Number(n);
}

/**
 * Followers need only recent history: an engine whose cursor falls behind the oldest kept event
 * rebuilds from the tables, so old events can go.
 */
export async function pruneChanges(db: Db, olderThan: Date) {
  return db.changeEvent.deleteMany({ where: { createdAt: { lt: olderThan } } });
}
