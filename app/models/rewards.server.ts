/**
 * Loyalty rewards in Shopify and their code pools (issue #13, docs/loyalty.md "Rewards and redemption").
 *
 * - LoyaltyReward: one app-owned Shopify code discount per catalogue reward (Built for Shopify 5.5.3).
 * - RewardCode: that discount's single-use codes. Life of a code: `adding` (written here before the
 *   discountRedeemCodeBulkAdd call, so a code Shopify may know is never lost track of) -> `available`
 *   (the bulk creation reported it created) or `failed` (Shopify refused it, the call failed, or the job
 *   vanished: never handed out) -> `claimed` (by exactly one redemption). `retired` = the reward left
 *   the catalogue before the code was handed out.
 * - Redemption: one per (shop, customer, idempotency key); points debited and the code handed out.
 *
 * A claim is a conditional UPDATE (`... AND "status" = 'available'`), written once for SQLite and
 * PostgreSQL: two transactions that pick the same code cannot both claim it (on PostgreSQL the loser
 * re-checks the row after the winner commits and updates nothing), so the loser picks again.
 */
import { exec, ms, query, ts, valuesList, type Time } from "./sql.server";
import type { Tx } from "./types";

export type RewardDiscountStatus = "pending" | "active" | "failed" | "retired";
export type RewardCodeStatus = "adding" | "available" | "claimed" | "failed" | "retired";

export interface RewardDiscount {
  rewardId: string;
  discountId: string | null;
  kind: string;
  value: number;
  minOrderCents: number | null;
  status: RewardDiscountStatus;
  error: string | null;
}

/** The terms a discount is created with; a change of terms needs a new discount. */
export interface RewardTerms {
  rewardId: string;
  kind: string;
  value: number;
  minOrderCents: number | null;
}

export async function listRewardDiscounts(tx: Tx, shop: string): Promise<RewardDiscount[]> {
  const rows = await query<RewardDiscount & { value: number | bigint; minOrderCents: number | bigint | null }>(
    tx,
    `SELECT "rewardId", "discountId", "kind", "value", "minOrderCents", "status", "error" FROM "LoyaltyReward" WHERE "shopId" = ? ORDER BY "rewardId"`,
    [shop],
  );
  return rows.map((r) => ({ ...r, value: Number(r.value), minOrderCents: r.minOrderCents == null ? null : Number(r.minOrderCents) }));
}

export async function getRewardDiscount(tx: Tx, shop: string, rewardId: string): Promise<RewardDiscount | null> {
  return (await listRewardDiscounts(tx, shop)).find((r) => r.rewardId === rewardId) ?? null;
}

/** A reward's row with new terms and no discount yet (`pending`): the pool creates the discount. */
export async function resetRewardDiscount(tx: Tx, shop: string, t: RewardTerms, now = new Date()) {
  await exec(
    tx,
    `INSERT INTO "LoyaltyReward" ("shopId", "rewardId", "discountId", "kind", "value", "minOrderCents", "status", "error", "createdAt", "updatedAt")
     VALUES (?, ?, NULL, ?, ?, ?, 'pending', NULL, ?, ?)
     ON CONFLICT ("shopId", "rewardId") DO UPDATE SET "discountId" = NULL, "kind" = excluded."kind", "value" = excluded."value",
       "minOrderCents" = excluded."minOrderCents", "status" = 'pending', "error" = NULL, "updatedAt" = excluded."updatedAt"`,
    [shop, t.rewardId, t.kind, t.value, t.minOrderCents, ts(now), ts(now)],
  );
}

export async function markRewardDiscount(
  tx: Tx,
  shop: string,
  rewardId: string,
  d: { status: RewardDiscountStatus; discountId?: string | null; error?: string | null },
  now = new Date(),
) {
  await exec(
    tx,
    `UPDATE "LoyaltyReward" SET "status" = ?, "discountId" = COALESCE(?, "discountId"), "error" = ?, "updatedAt" = ? WHERE "shopId" = ? AND "rewardId" = ?`,
    [d.status, d.discountId ?? null, d.error ?? null, ts(now), shop, rewardId],
  );
}

/** Codes written before Shopify is asked to add them (status `adding`, or `available` for a discount's own code). */
export async function insertCodes(
  tx: Tx,
  shop: string,
  c: { rewardId: string; discountId: string; codes: string[]; status: "adding" | "available" },
  now = new Date(),
) {
  if (!c.codes.length) return;
  await exec(
    tx,
    `INSERT INTO "RewardCode" ("shopId", "code", "rewardId", "discountId", "status", "createdAt") VALUES ${valuesList(c.codes.length, 6)}`,
    c.codes.flatMap((code) => [shop, code, c.rewardId, c.discountId, c.status, ts(now)]),
  );
}

export async function setCodesBulk(tx: Tx, shop: string, codes: string[], bulkId: string) {
  if (!codes.length) return;
  await exec(tx, `UPDATE "RewardCode" SET "bulkId" = ? WHERE "shopId" = ? AND "status" = 'adding' AND "code" IN (${codes.map(() => "?").join(", ")})`, [bulkId, shop, ...codes]);
}

/** Codes that must never be handed out (Shopify refused them, or the call that carried them failed). */
export async function failCodes(tx: Tx, shop: string, codes: string[]): Promise<number> {
  if (!codes.length) return 0;
  return exec(tx, `UPDATE "RewardCode" SET "status" = 'failed' WHERE "shopId" = ? AND "status" = 'adding' AND "code" IN (${codes.map(() => "?").join(", ")})`, [shop, ...codes]);
}

/**
 * A finished bulk creation: the codes Shopify created (or "all": it reported no failure) become
 * available, every other code of the batch (refused, or not reported at all) failed.
 */
export async function settleBulk(tx: Tx, shop: string, bulkId: string, created: string[] | "all"): Promise<{ available: number; failed: number }> {
  if (created === "all") {
    const available = await exec(tx, `UPDATE "RewardCode" SET "status" = 'available' WHERE "shopId" = ? AND "bulkId" = ? AND "status" = 'adding'`, [shop, bulkId]);
    return { available, failed: 0 };
  }
  const available = created.length
    ? await exec(
        tx,
        `UPDATE "RewardCode" SET "status" = 'available' WHERE "shopId" = ? AND "bulkId" = ? AND "status" = 'adding' AND "code" IN (${created.map(() => "?").join(", ")})`,
        [shop, bulkId, ...created],
      )
    : 0;
  const failed = await exec(tx, `UPDATE "RewardCode" SET "status" = 'failed' WHERE "shopId" = ? AND "bulkId" = ? AND "status" = 'adding'`, [shop, bulkId]);
  return { available, failed };
}

/** Bulk creations still in flight, oldest first. */
export async function pendingBulks(tx: Tx, shop: string, limit: number): Promise<string[]> {
  const rows = await query<{ bulkId: string }>(
    tx,
    `SELECT "bulkId", MIN("createdAt") AS "at" FROM "RewardCode" WHERE "shopId" = ? AND "status" = 'adding' AND "bulkId" IS NOT NULL
     GROUP BY "bulkId" ORDER BY MIN("createdAt") LIMIT ${Math.max(1, Math.floor(limit))}`,
    [shop],
  );
  return rows.map((r) => r.bulkId);
}

/**
 * Codes left `adding` without a bulk id (the process stopped between writing them and hearing back
 * from Shopify) are failed after `olderThan`: Shopify may or may not have them, so nobody gets them.
 */
export async function failOrphanCodes(tx: Tx, shop: string, olderThan: Date): Promise<number> {
  return exec(tx, `UPDATE "RewardCode" SET "status" = 'failed' WHERE "shopId" = ? AND "status" = 'adding' AND "bulkId" IS NULL AND "createdAt" < ?`, [shop, ts(olderThan)]);
}

export interface PoolCount {
  rewardId: string;
  available: number;
  adding: number;
  claimed: number;
  failed: number;
}

/** Codes per reward and status, for the current discount of each reward. */
export async function poolCounts(tx: Tx, shop: string): Promise<PoolCount[]> {
  const rows = await query<{ rewardId: string; status: string; n: number | bigint }>(
    tx,
    `SELECT c."rewardId", c."status", COUNT(*) AS "n" FROM "RewardCode" c
     JOIN "LoyaltyReward" r ON r."shopId" = c."shopId" AND r."rewardId" = c."rewardId" AND r."discountId" = c."discountId"
     WHERE c."shopId" = ? GROUP BY c."rewardId", c."status"`,
    [shop],
  );
  const out = new Map<string, PoolCount>();
  for (const r of rows) {
    const p = out.get(r.rewardId) ?? { rewardId: r.rewardId, available: 0, adding: 0, claimed: 0, failed: 0 };
    if (r.status in p) (p as unknown as Record<string, number>)[r.status] += Number(r.n);
    out.set(r.rewardId, p);
  }
  return [...out.values()];
}

/** Available codes per reward (the storefront's "can this be redeemed right now"). */
export async function availableCodeCounts(tx: Tx, shop: string): Promise<Map<string, number>> {
  const rows = await query<{ rewardId: string; n: number | bigint }>(
    tx,
    `SELECT "rewardId", COUNT(*) AS "n" FROM "RewardCode" WHERE "shopId" = ? AND "status" = 'available' GROUP BY "rewardId"`,
    [shop],
  );
  return new Map(rows.map((r) => [r.rewardId, Number(r.n)]));
}

/** A reward left the catalogue (or changed terms): its unclaimed codes are never handed out. */
export async function retireCodes(tx: Tx, shop: string, rewardId: string, discountId: string): Promise<number> {
  return exec(tx, `UPDATE "RewardCode" SET "status" = 'retired' WHERE "shopId" = ? AND "rewardId" = ? AND "discountId" = ? AND "status" IN ('available', 'adding')`, [shop, rewardId, discountId]);
}

export async function claimedCodeCount(tx: Tx, shop: string, discountId: string): Promise<number> {
  const rows = await query<{ n: number | bigint }>(tx, `SELECT COUNT(*) AS "n" FROM "RewardCode" WHERE "shopId" = ? AND "discountId" = ? AND "status" = 'claimed'`, [shop, discountId]);
  return Number(rows[0]?.n ?? 0);
}

const CLAIM_ATTEMPTS = 25;

/**
 * Claims one available code of the reward for a redemption, inside the caller's transaction.
 * Returns null when the pool is empty. Candidates are taken in a random order among the first few,
 * so concurrent claimers mostly pick different codes; a lost race is retried.
 */
export async function claimCode(tx: Tx, shop: string, rewardId: string, redemptionId: string, now = new Date()): Promise<string | null> {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const candidates = await query<{ code: string }>(
      tx,
      `SELECT "code" FROM "RewardCode" WHERE "shopId" = ? AND "rewardId" = ? AND "status" = 'available' ORDER BY "code" LIMIT 8`,
      [shop, rewardId],
    );
    if (!candidates.length) return null;
    const code = candidates[Math.floor(Math.random() * candidates.length)].code;
    const won = await exec(
      tx,
      `UPDATE "RewardCode" SET "status" = 'claimed', "redemptionId" = ?, "claimedAt" = ? WHERE "shopId" = ? AND "code" = ? AND "status" = 'available'`,
      [redemptionId, ts(now), shop, code],
    );
    if (won === 1) return code;
  }
  return null;
}

export interface RedemptionRow {
  id: string;
  customerId: string;
  rewardId: string;
  idempotencyKey: string;
  code: string;
  points: number;
  programVersion: number;
  createdAt: Date;
}

type RawRedemption = Omit<RedemptionRow, "createdAt" | "points" | "programVersion"> & { points: number | bigint; programVersion: number | bigint; createdAt: Time };
const toRedemption = (r: RawRedemption): RedemptionRow => ({ ...r, points: Number(r.points), programVersion: Number(r.programVersion), createdAt: new Date(ms(r.createdAt)) });
const REDEMPTION_COLUMNS = `"id", "customerId", "rewardId", "idempotencyKey", "code", "points", "programVersion", "createdAt"`;

export async function findRedemption(tx: Tx, shop: string, customerId: string, idempotencyKey: string): Promise<RedemptionRow | null> {
  const rows = await query<RawRedemption>(
    tx,
    `SELECT ${REDEMPTION_COLUMNS} FROM "Redemption" WHERE "shopId" = ? AND "customerId" = ? AND "idempotencyKey" = ?`,
    [shop, customerId, idempotencyKey],
  );
  return rows[0] ? toRedemption(rows[0]) : null;
}

export async function insertRedemption(tx: Tx, shop: string, r: Omit<RedemptionRow, "createdAt">, now = new Date()) {
  await exec(
    tx,
    `INSERT INTO "Redemption" ("shopId", ${REDEMPTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [shop, r.id, r.customerId, r.rewardId, r.idempotencyKey, r.code, r.points, r.programVersion, ts(now)],
  );
}

/** A member's redemptions, newest first (the widget's "your codes"). */
export async function listRedemptions(tx: Tx, shop: string, customerId: string, limit = 10): Promise<RedemptionRow[]> {
  const rows = await query<RawRedemption>(
    tx,
    `SELECT ${REDEMPTION_COLUMNS} FROM "Redemption" WHERE "shopId" = ? AND "customerId" = ? ORDER BY "createdAt" DESC, "id" DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    [shop, customerId],
  );
  return rows.map(toRedemption);
}

/** customers/redact: the customer's redemptions go; their codes stay claimed (never reissued) but no longer name them. */
export async function redactRewardsCustomer(tx: Tx, shop: string, customerId: string): Promise<number> {
  const ids = (await query<{ id: string }>(tx, `SELECT "id" FROM "Redemption" WHERE "shopId" = ? AND "customerId" = ?`, [shop, customerId])).map((r) => r.id);
  if (!ids.length) return 0;
  await exec(tx, `UPDATE "RewardCode" SET "redemptionId" = NULL WHERE "shopId" = ? AND "redemptionId" IN (${ids.map(() => "?").join(", ")})`, [shop, ...ids]);
  return exec(tx, `DELETE FROM "Redemption" WHERE "shopId" = ? AND "customerId" = ?`, [shop, customerId]);
}

/** shop/redact: every rewards row of the shop. */
export async function deleteShopRewards(tx: Tx, shop: string): Promise<number> {
  let n = 0;
  for (const table of ["Redemption", "RewardCode", "LoyaltyReward"]) n += await exec(tx, `DELETE FROM "${table}" WHERE "shopId" = ?`, [shop]);
  return n;
}
