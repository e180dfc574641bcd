/**
 * Consented storefront signals: product views and quiz answers. Stored only against an anonymous
 * visitor id or the signed customer id, with bounded retention; customers/redact deletes the
 * customer's rows (app/models/privacy.server.ts).
 */
import { exec, query, ts } from "./sql.server";
import type { Tx } from "./types";

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

/** Returns false when there is no identity to store it under (nothing is written then). */
export async function recordProductView(tx: Tx, shop: string, who: { visitorId: string | null; customerId: string | null }, productId: string): Promise<boolean> {
  if (!who.visitorId && !who.customerId) return false;
  await exec(
    tx,
    `INSERT INTO "BrowsingEvent" ("shopId", "visitorId", "customerId", "kind", "productId", "createdAt") VALUES (?, ?, ?, 'product_view', ?, ?)`,
    [shop, who.visitorId, who.customerId, productId, ts(new Date())],
  );
  if (who.visitorId) await trimViews(tx, shop, "visitorId", who.visitorId);
  if (who.customerId) await trimViews(tx, shop, "customerId", who.customerId);
  return true;
}

/** One answer set per quiz and shopper: a new submission replaces the previous one. */
export async function recordQuizResponse(
  tx: Tx,
  shop: string,
  who: { visitorId: string | null; customerId: string | null },
  quizId: string,
  answers: Record<string, string[]>,
): Promise<boolean> {
  if (!who.visitorId && !who.customerId) return false;
  if (who.customerId) await exec(tx, `DELETE FROM "QuizResponse" WHERE "shopId" = ? AND "quizId" = ? AND "customerId" = ?`, [shop, quizId, who.customerId]);
  if (who.visitorId) await exec(tx, `DELETE FROM "QuizResponse" WHERE "shopId" = ? AND "quizId" = ? AND "visitorId" = ?`, [shop, quizId, who.visitorId]);
  await exec(
    tx,
    `INSERT INTO "QuizResponse" ("shopId", "quizId", "visitorId", "customerId", "answers", "createdAt") VALUES (?, ?, ?, ?, ?, ?)`,
    [shop, quizId, who.visitorId, who.customerId, JSON.stringify(answers), ts(new Date())],
  );
  return true;
}
