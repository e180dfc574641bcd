/**
 * Consented storefront signals: product views and quiz answers. Stored only against an anonymous
 * visitor id or the signed customer id, with bounded retention; customers/redact deletes the
 * customer's rows (app/models/privacy.server.ts).
 *
 * Every write also appends a `signals` event per identity to the change feed, in the same
 * transaction: engines cache recent shoppers' signals (app/services/shopper-signals.server.ts)
 * and evict on it. Returns the feed entity ids written, so the caller can evict locally at once.
 */
import type { Db } from "../db.server";
import { appendChanges } from "./changes.server";
import { exec, query, ts, writeTransaction } from "./sql.server";
import { identitiesOf, type SignalIdentity } from "./store-data.server";
import type { Tx } from "./types";

type Who = { visitorId: string | null; customerId: string | null };

/** The feed entity id of one identity's signals. */
export function signalsEntity(who: SignalIdentity): string {
  return `${who.column === "customerId" ? "c" : "v"}:${who.value}`;
}

/** Appends one `signals` feed event per identity; returns their entity ids. */
async function announce(tx: Tx, shop: string, ids: SignalIdentity[]): Promise<string[]> {
  const entities = ids.map(signalsEntity);
  await appendChanges(tx, shop, entities.map((entityId) => ({ kind: "signals" as const, entityId })));
  return entities;
}

/** Product views kept per visitor (and per customer). */
export const VIEWS_KEPT = 50;
/** Views older than this are deleted whenever the visitor is seen again. */
export const VIEW_MAX_AGE_DAYS = 90;

export async function productExists(tx: Tx, shop: string, productId: string): Promise<boolean> {
  const rows = await query<{ one: number }>(tx, `SELECT 1 AS "one" FROM "Product" WHERE "shopId" = ? AND "id" = ? AND "deletedAt" IS NULL`, [shop, productId]);
  return rows.length > 0;
}

async function trimViews(tx: Tx, shop: string, column: "visitorId" | "customerId", value: string) {
  const cutoff = ts(new Date(Date.now() - VIEW_MAX_AGE_DAYS * 86_400_000));
  await exec(
    tx,
    `DELETE FROM "BrowsingEvent" WHERE "shopId" = ? AND "${column}" = ? AND ("createdAt" < ? OR "id" NOT IN (
       SELECT "id" FROM "BrowsingEvent" WHERE "shopId" = ? AND "${column}" = ? ORDER BY "createdAt" DESC LIMIT ${VIEWS_KEPT}))`,
    [shop, value, cutoff, shop, value],
  );
}

/** Records a product view; [] (nothing written) when there is no identity to store it under. */
export async function recordProductView(db: Db, shop: string, who: Who, productId: string): Promise<string[]> {
  const ids = identitiesOf(who);
  if (!ids.length) return [];
  return writeTransaction(db, async (tx) => {
    await exec(
      tx,
      `INSERT INTO "BrowsingEvent" ("shopId", "visitorId", "customerId", "kind", "productId", "createdAt") VALUES (?, ?, ?, 'product_view', ?, ?)`,
      [shop, who.visitorId, who.customerId, productId, ts(new Date())],
    );
    for (const id of ids) await trimViews(tx, shop, id.column, id.value);
    return announce(tx, shop, ids);
  });
}

/** One answer set per quiz and shopper: a new submission replaces the previous one. [] when nothing was stored. */
export async function recordQuizResponse(db: Db, shop: string, who: Who, quizId: string, answers: Record<string, string[]>): Promise<string[]> {
  const ids = identitiesOf(who);
  if (!ids.length) return [];
  return writeTransaction(db, async (tx) => {
    for (const id of ids) await exec(tx, `DELETE FROM "QuizResponse" WHERE "shopId" = ? AND "quizId" = ? AND "${id.column}" = ?`, [shop, quizId, id.value]);
    await exec(
      tx,
      `INSERT INTO "QuizResponse" ("shopId", "quizId", "visitorId", "customerId", "answers", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`,
      [shop, quizId, who.visitorId, who.customerId, JSON.stringify(answers), ts(new Date())],
    );
    return announce(tx, shop, ids);
  });
}
