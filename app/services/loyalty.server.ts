/**
 * The shopper's side of the loyalty program, shared by the app proxy routes (app/routes/proxy.loyalty*.tsx)
 * and the customer-account routes: the view, redemption and the birthday (docs/loyalty.md, "Service API").
 *
 * A redemption is one local transaction, with no Shopify call on the request path:
 *   same (shop, customer, idempotency key) seen before -> the same code again;
 *   else debit the points (the ledger's conditional update: a balance that covers one redemption
 *   covers exactly one, however many race) -> claim one code from the reward's pool (a conditional
 *   update: one code, one redemption) -> record the redemption. Anything refused or failing rolls the
 *   whole transaction back: no points move and no code leaves the pool. An empty pool (the Admin
 *   API is down, or redemptions outran the refill) is a 503 `codes_unavailable`.
 */
import crypto from "node:crypto";
import { db } from "../db.server";
import type { LedgerLine, Reward, Tier } from "../engine/loyalty/types";
import { debitPoints, getProgram, memberSummary, setBirthday } from "../models/loyalty.server";
import { availableCodeCounts, claimCode, findRedemption, insertRedemption, listRedemptions } from "../models/rewards.server";
import { writeTransaction } from "../models/sql.server";
import { activeRewards, wakeRewardPool } from "./reward-pool.server";

export interface LoyaltyRewardView {
  id: string;
  title: string;
  kind: Reward["kind"];
  value: number;
  cost: number;
  minOrderCents: number | null;
  /** Signed in, the balance covers it, and a code is ready. */
  redeemable: boolean;
}

export type LoyaltyView =
  | { enabled: false }
  | {
      enabled: true;
      signedIn: boolean;
      points?: number;
      pending?: number;
      owed?: number;
      tier: { id: string; name: string } | null;
      nextTier: { id: string; name: string; remaining: number; basis: "spend" | "points" } | null;
      nextExpiry: { points: number; at: string } | null;
      rewards: LoyaltyRewardView[];
      tiers: Pick<Tier, "id" | "name" | "threshold">[];
      history?: LedgerLine[];
      birthdaySet?: boolean;
      redemptions?: { rewardId: string; code: string; points: number; createdAt: string }[];
    };

export type RedeemResult =
  | { ok: true; code: string; rewardId: string; points: number }
  | { ok: false; status: 401 | 404 | 409 | 422 | 503; error: string; message: string };

const REWARD_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Shopper-chosen keys: a UUID or similar; printable, no spaces. */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

export async function loyaltyView(shop: string, customerId: string | null, opts: { historyLimit?: number } = {}): Promise<LoyaltyView> {
  const database = db();
  const program = await getProgram(database, shop);
  if (!program?.config.enabled) return { enabled: false };
  const config = program.config;
  const [summary, stock, redemptions] = await Promise.all([
    customerId ? memberSummary(database, shop, customerId, { historyLimit: opts.historyLimit ?? 10 }) : null,
    availableCodeCounts(database, shop),
    customerId ? listRedemptions(database, shop, customerId, 10) : [],
  ]);
  const points = summary?.points ?? 0;
  const rewards = activeRewards(config).map((r) => ({
    id: r.id,
    title: r.title,
    kind: r.kind,
    value: r.value,
    cost: r.cost,
    minOrderCents: r.minOrderCents,
    redeemable: customerId !== null && points >= r.cost && (stock.get(r.id) ?? 0) > 0,
  }));
  const tiers = config.tiers.map((t) => ({ id: t.id, name: t.name, threshold: t.threshold }));
  if (!customerId) return { enabled: true, signedIn: false, tier: null, nextTier: null, nextExpiry: null, rewards, tiers };
  return {
    enabled: true,
    signedIn: true,
    points,
    pending: summary?.pending ?? 0,
    owed: summary?.owed ?? 0,
    tier: summary?.tier ?? null,
    nextTier: summary?.nextTier ?? null,
    nextExpiry: summary?.nextExpiry ?? null,
    rewards,
    tiers,
    history: summary?.history ?? [],
    birthdaySet: Boolean(summary?.birthday),
    redemptions: redemptions.map((r) => ({ rewardId: r.rewardId, code: r.code, points: r.points, createdAt: r.createdAt.toISOString() })),
  };
}

/** A refusal inside the transaction: thrown to roll it back, returned to the caller. */
class Refusal extends Error {
  constructor(readonly result: Extract<RedeemResult, { ok: false }>) {
    super(result.error);
  }
}
class Replay extends Error {}
const refuse = (status: Extract<RedeemResult, { ok: false }>["status"], error: string, message: string): Extract<RedeemResult, { ok: false }> => ({ ok: false, status, error, message });

/** A shopper's key names one redemption for ever: the id derives from it, so a retry can never debit twice. */
function redemptionIdFor(shop: string, customerId: string, key: string): string {
  return `rd_${crypto.createHash("sha256").update(`${shop}\n${customerId}\n${key}`).digest("hex").slice(0, 24)}`;
}

async function balanceOf(shop: string, customerId: string): Promise<number> {
  return (await memberSummary(db(), shop, customerId, { historyLimit: 0 }))?.points ?? 0;
}

export async function redeemReward(shop: string, customerId: string, rewardId: string, idempotencyKey?: string): Promise<RedeemResult> {
  if (!customerId) return refuse(401, "login_required", "Sign in to redeem rewards.");
  if (typeof rewardId !== "string" || !REWARD_ID.test(rewardId)) return refuse(422, "invalid_reward_id", "rewardId must be 1-64 letters, digits, '-' or '_'.");
  if (idempotencyKey !== undefined && (typeof idempotencyKey !== "string" || !IDEMPOTENCY_KEY.test(idempotencyKey))) {
    return refuse(422, "invalid_idempotency_key", "idempotencyKey must be 1-100 letters, digits or . _ : -");
  }
  const database = db();
  const key = idempotencyKey ?? crypto.randomUUID();
  const replay = async (): Promise<RedeemResult | null> => {
    const seen = await findRedemption(database, shop, customerId, key);
    if (!seen) return null;
    if (seen.rewardId !== rewardId) return refuse(422, "idempotency_key_reused", "This idempotencyKey was used for another reward.");
    return { ok: true, code: seen.code, rewardId, points: await balanceOf(shop, customerId) };
  };
  if (idempotencyKey) {
    const again = await replay();
    if (again) return again;
  }
  const program = await getProgram(database, shop);
  if (!program?.config.enabled) return refuse(404, "program_disabled", "This shop has no loyalty program.");
  const reward = activeRewards(program.config).find((r) => r.id === rewardId);
  if (!reward) return refuse(404, "unknown_reward", "There is no such reward.");
  const redemptionId = idempotencyKey ? redemptionIdFor(shop, customerId, key) : `rd_${crypto.randomBytes(12).toString("hex")}`;
  try {
    const done = await writeTransaction(database, async (tx) => {
      // Inside the transaction too: a retry that raced this one may have committed meanwhile.
      if (idempotencyKey && (await findRedemption(tx, shop, customerId, key))) throw new Replay();
      const debit = await debitPoints(tx, shop, customerId, { key: `redeem:${redemptionId}`, points: reward.cost, redemptionId, rewardId });
      if (!debit.ok) {
        if (debit.reason === "program_disabled") throw new Refusal(refuse(404, "program_disabled", "This shop has no loyalty program."));
        throw new Refusal(refuse(409, "insufficient_points", `This reward costs ${reward.cost} points; you have ${debit.balance}.`));
      }
      const code = await claimCode(tx, shop, rewardId, redemptionId);
      if (!code) throw new Refusal(refuse(503, "codes_unavailable", "No code is available for this reward right now. Your points were not used; please try again in a few minutes."));
      await insertRedemption(tx, shop, { id: redemptionId, customerId, rewardId, idempotencyKey: key, code, points: reward.cost, programVersion: program.version });
      return { code, points: debit.balance };
    });
    wakeRewardPool();
    return { ok: true, code: done.code, rewardId, points: done.points };
  } catch (e) {
    if (e instanceof Replay) return (await replay())!;
    if (e instanceof Refusal) {
      if (e.result.status === 503) wakeRewardPool();
      return e.result;
    }
    // A concurrent request with the same key committed first (unique key): answer what it got.
    const again = idempotencyKey ? await replay() : null;
    if (again) return again;
    throw e;
  }
}

export async function saveBirthday(shop: string, customerId: string, birthday: string): Promise<{ ok: true } | { ok: false; status: 422; error: string; message: string }> {
  if (typeof birthday !== "string" || !/^\d{2}-\d{2}$/.test(birthday)) return { ok: false, status: 422, error: "invalid_birthday", message: "birthday must be MM-DD." };
  const r = await setBirthday(db(), shop, customerId, birthday);
  if (!r.ok) return { ok: false, status: 422, error: "invalid_birthday", message: Object.values(r.errors)[0] ?? "birthday must be MM-DD." };
  return { ok: true };
}
