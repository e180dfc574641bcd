/**
 * Consented storefront signals: product views and quiz answers. Stored only against an anonymous
 * visitor id or the signed customer id, with bounded retention; customers/redact deletes the
 * customer's rows (app/models/privacy.server.ts).
 *
 * Reads go through the SQLite fast reader (sqlite-reader.server.ts): they are on every storefront
 * decision for a shopper not yet in the engine's cache.
 *
 * Every write also appends a `signals` event per identity to the change feed, in the same
 * transaction: engines cache recent shoppers' signals (app/services/shopper-signals.server.ts)
 * and evict on it. Returns the feed entity ids written, so the caller can evict locally at once.
 */
import type { Db } from "../db.server";
import type { Id } from "../engine/types";
import { appendChanges } from "./changes.server";
import { exec, ms, query, ts, writeTransaction, type Time } from "./sql.server";
import { readQuery } from "./sqlite-reader.server";
import type { Tx } from "./types";
import { parseJsonObject } from "./types";

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

// ---------------------------------------------------------------------------------------------
// Reads: what a decision knows about a shopper

export interface ShopperSignals {
  /** Product ids, most recent first, de-duplicated. */
  recentlyViewed: Id[];
  /** Latest answer per question across the shopper's quiz responses. */
  quizAnswers: Record<string, string[]> | undefined;
  /** This visitor id / customer has been seen before (an event or quiz answer exists). */
  seenBefore: boolean;
}

export const EMPTY_SIGNALS: ShopperSignals = Object.freeze({ recentlyViewed: Object.freeze([]) as unknown as Id[], quizAnswers: undefined, seenBefore: false });

/** One identity's stored signals (a customer's or an anonymous visitor's), newest first. */
export interface IdentitySignals {
  views: { productId: Id; at: number }[];
  quizzes: { answers: Record<string, string[]>; at: number }[];
}

export type SignalIdentity = { column: "customerId" | "visitorId"; value: string };

/** The identities a shopper's signals are stored under: the signed customer id and/or the visitor id. */
export function identitiesOf(who: { customerId: Id | null; visitorId: string | null }): SignalIdentity[] {
  const out: SignalIdentity[] = [];
  if (who.customerId) out.push({ column: "customerId", value: who.customerId });
  if (who.visitorId) out.push({ column: "visitorId", value: who.visitorId });
  return out;
}

/** How many views of one identity a decision reads (the newest). */
export const VIEWED_LIMIT = 20;

/** The last browsing events and quiz answers stored under one identity, in one statement. */
export async function loadIdentitySignals(tx: Tx, shop: string, who: SignalIdentity, viewedLimit = VIEWED_LIMIT): Promise<IdentitySignals> {
  // Each half is served by its (shopId, <identity>[, createdAt]) index.
  const column = who.column === "customerId" ? "customerId" : "visitorId";
  const rows = await readQuery<{ k: string; v: string; at: Time }>(
    tx,
    `SELECT * FROM (SELECT 'v' AS "k", "productId" AS "v", "createdAt" AS "at" FROM "BrowsingEvent" WHERE "shopId" = ? AND "${column}" = ? ORDER BY "createdAt" DESC LIMIT ${viewedLimit}) AS "b"
     UNION ALL SELECT * FROM (SELECT 'q' AS "k", "answers" AS "v", "createdAt" AS "at" FROM "QuizResponse" WHERE "shopId" = ? AND "${column}" = ? ORDER BY "id" DESC LIMIT 5) AS "q"`,
    [shop, who.value, shop, who.value],
  );
  const out: IdentitySignals = { views: [], quizzes: [] };
  for (const r of rows) {
    if (r.k === "v") out.views.push({ productId: r.v, at: ms(r.at) });
    else out.quizzes.push({ answers: parseAnswers(r.v), at: ms(r.at) });
  }
  out.views.sort((a, b) => b.at - a.at);
  out.quizzes.sort((a, b) => b.at - a.at);
  return out;
}

function parseAnswers(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [q, vals] of Object.entries(parseJsonObject(text))) if (Array.isArray(vals)) out[q] = vals.map(String);
  return out;
}

/**
 * What a decision reads from a shopper's identities (a logged-in shopper may also carry a visitor
 * id): views newest first across both, de-duplicated; per question, the newest answer wins.
 */
export function mergeSignals(parts: readonly IdentitySignals[], viewedLimit = VIEWED_LIMIT): ShopperSignals {
  const views = parts.length === 1 ? parts[0].views : parts.flatMap((p) => p.views).sort((a, b) => b.at - a.at);
  const quizzes = parts.length === 1 ? parts[0].quizzes : parts.flatMap((p) => p.quizzes).sort((a, b) => b.at - a.at);
  if (!views.length && !quizzes.length) return EMPTY_SIGNALS;
  const viewed: Id[] = [];
  const seen = new Set<Id>();
  for (const v of views) {
    if (viewed.length >= viewedLimit) break;
    if (!seen.has(v.productId)) (seen.add(v.productId), viewed.push(v.productId));
  }
  let quiz: Record<string, string[]> | undefined;
  for (const q of quizzes) {
    for (const [question, answers] of Object.entries(q.answers)) {
      quiz ??= {};
      if (!(question in quiz)) quiz[question] = answers;
    }
  }
  return { recentlyViewed: viewed, quizAnswers: quiz, seenBefore: true };
}

/** The signals of this customer (from the signed logged_in_customer_id) and/or anonymous visitor id. */
export async function loadShopperSignals(tx: Tx, shop: string, who: { customerId: Id | null; visitorId: string | null }, viewedLimit = VIEWED_LIMIT): Promise<ShopperSignals> {
  const parts: IdentitySignals[] = [];
  for (const id of identitiesOf(who)) parts.push(await loadIdentitySignals(tx, shop, id, viewedLimit));
  return mergeSignals(parts, viewedLimit);
}
