/**
 * The reward code pool (issue #13, docs/loyalty.md "Rewards and redemption"): one app-owned Shopify
 * code discount per active catalogue reward (Built for Shopify 5.5.3), and a pool of its single-use
 * codes kept topped up in the background with discountRedeemCodeBulkAdd, so that a redemption is a
 * local transaction with no Shopify call on the request path.
 *
 * One pass for a shop (syncShopPool), bounded in Shopify calls:
 *  1. rewards that left the catalogue (or changed terms) are retired: their unclaimed codes are never
 *     handed out; the discount is deactivated in Shopify only when none of its codes was handed out
 *     (a shopper who paid points for a code keeps a working code);
 *  2. an active reward without a discount gets one (discountCodeBasicCreate / discountCodeFreeShippingCreate,
 *     `context: { all: ALL }`, `usageLimit: 1` per code); its own code joins the pool;
 *  3. in-flight bulk creations are polled; created codes become available, every other code failed;
 *  4. a reward below the low watermark gets one batch of new random codes: written locally as
 *     `adding` first, then sent; if the call fails they are failed (never handed out).
 * The loop (startRewardPool) runs a pass per installed shop with an enabled program every
 * IDLE_MS, every BUSY_MS while bulk creations are in flight, at once when woken after a redemption,
 * and backs off per shop when the Admin API fails.
 */
import crypto from "node:crypto";
import { db } from "../db.server";
import type { ProgramConfig, Reward } from "../engine/loyalty/types";
import { getProgram } from "../models/loyalty.server";
import {
  claimedCodeCount,
  failCodes,
  failOrphanCodes,
  insertCodes,
  listRewardDiscounts,
  markRewardDiscount,
  pendingBulks,
  poolCounts,
  resetRewardDiscount,
  retireCodes,
  setCodesBulk,
  settleBulk,
  type RewardDiscount,
} from "../models/rewards.server";
import { installedShops, offlineAccessToken } from "../models/shop.server";
import { createAdminClient, type AdminClient } from "../shopify/admin-api/client.server";
import {
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_DEACTIVATE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  DISCOUNT_REDEEM_CODE_BULK_ADD,
  DISCOUNT_REDEEM_CODE_BULK_CREATION,
  DISCOUNT_REDEEM_CODE_BULK_CREATION_CODES,
  REDEEM_CODE_BATCH,
  type CodeDiscountNode,
  type DiscountUserError,
  type RedeemCodeBulkAddResult,
  type RedeemCodeBulkCreationCodesResult,
  type RedeemCodeBulkCreationResult,
} from "../shopify/admin-api/documents";
import { log } from "../utils/log.server";

/** Below this many available (or incoming) codes a reward's pool is refilled... */
export const POOL_LOW = 50;
/** ...with one batch of this many (at most REDEEM_CODE_BATCH). */
export const POOL_REFILL = 200;
/** Bulk creations polled per pass. */
const POLLS_PER_PASS = 10;
/** Codes written but never sent (the process stopped mid-call) are failed after this. */
const ORPHAN_AFTER_MS = 10 * 60_000;

// Unambiguous letters and digits (no 0/O, 1/I/L): read aloud or typed from a screenshot.
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** A random, unguessable code: 16 symbols of 31 (~79 bits), grouped for reading. */
export function randomCode(): string {
  const bytes = crypto.randomBytes(16);
  let s = "";
  for (let i = 0; i < 16; i++) s += ALPHABET[bytes[i] % ALPHABET.length];
  return `ATN-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12)}`;
}

export interface PoolOptions {
  client?: AdminClient;
  now?: Date;
  low?: number;
  refill?: number;
}

export interface PoolReport {
  created: number;
  retired: number;
  polled: number;
  added: number;
  failed: number;
  /** Bulk creations still in flight after the pass. */
  inFlight: number;
}

const decimal = (cents: number) => (cents / 100).toFixed(2);

/** The discount for a reward (exported for tests). `usageLimit: 1` counts per code on a discount with several codes. */
export function rewardDiscountInput(reward: Pick<Reward, "id" | "title" | "kind" | "value" | "minOrderCents">, code: string, startsAt: Date) {
  const common = {
    title: `${reward.title} (loyalty reward ${reward.id})`,
    code,
    startsAt: startsAt.toISOString(),
    context: { all: "ALL" },
    usageLimit: 1,
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    ...(reward.minOrderCents ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: decimal(reward.minOrderCents) } } } : {}),
  };
  if (reward.kind === "free_shipping") {
    return { document: DISCOUNT_CODE_FREE_SHIPPING_CREATE, root: "discountCodeFreeShippingCreate", variables: { freeShippingCodeDiscount: { ...common, destination: { all: true } } } };
  }
  const value = reward.kind === "percentage" ? { percentage: reward.value / 100 } : { discountAmount: { amount: decimal(reward.value), appliesOnEachItem: false } };
  return { document: DISCOUNT_CODE_BASIC_CREATE, root: "discountCodeBasicCreate", variables: { basicCodeDiscount: { ...common, customerGets: { value, items: { all: true } } } } };
}

const sameTerms = (row: RewardDiscount, r: Reward) => row.kind === r.kind && row.value === r.value && (row.minOrderCents ?? null) === (r.minOrderCents ?? null);
const userErrorText = (errors: DiscountUserError[]) => errors.map((e) => e.message).join("; ");

/** Admin API client for background work: few retries (the loop backs off itself). */
export async function poolClientFor(shop: string): Promise<AdminClient> {
  const token = await offlineAccessToken(db(), shop);
  if (!token) throw new Error(`no offline session for ${shop}: reinstall the app`);
  return createAdminClient(shop, token, { maxAttempts: 2 });
}

/** The rewards a program hands out now (none while it is disabled). */
export function activeRewards(config: ProgramConfig | null | undefined): Reward[] {
  return config?.enabled ? config.rewards.filter((r) => r.active) : [];
}

/** Stops handing out a discount's codes; deactivates it in Shopify when nobody holds one. */
async function retire(shop: string, client: () => Promise<AdminClient>, row: RewardDiscount, now: Date) {
  const database = db();
  if (row.discountId) {
    await retireCodes(database, shop, row.rewardId, row.discountId);
    if ((await claimedCodeCount(database, shop, row.discountId)) === 0) {
      const r = (await (await client()).request<{ discountCodeDeactivate: { userErrors: DiscountUserError[] } }>(DISCOUNT_CODE_DEACTIVATE, { id: row.discountId })).discountCodeDeactivate;
      // "Discount does not exist": deleted in the admin already, which is what retiring wants.
      if (r.userErrors.length && !/does not exist/i.test(userErrorText(r.userErrors))) throw new Error(`Shopify did not deactivate ${row.discountId}: ${userErrorText(r.userErrors)}`);
    }
  }
  await markRewardDiscount(database, shop, row.rewardId, { status: "retired" }, now);
}

async function createDiscount(shop: string, client: AdminClient, reward: Reward, now: Date): Promise<boolean> {
  const code = randomCode();
  const { document, root, variables } = rewardDiscountInput(reward, code, now);
  const payload = (await client.request<Record<string, { codeDiscountNode: CodeDiscountNode | null; userErrors: DiscountUserError[] }>>(document, variables))[root];
  if (!payload.codeDiscountNode) {
    // A refusal (bad terms) is not retried every pass: the merchant must change the reward.
    await markRewardDiscount(db(), shop, reward.id, { status: "failed", error: `Shopify: ${userErrorText(payload.userErrors) || "no discount returned"}` }, now);
    return false;
  }
  const discountId = payload.codeDiscountNode.id;
  await markRewardDiscount(db(), shop, reward.id, { status: "active", discountId }, now);
  await insertCodes(db(), shop, { rewardId: reward.id, discountId, codes: [code], status: "available" }, now);
  return true;
}

/** One pass over a shop's rewards (see the module comment). Throws on an Admin API failure; what was done stays done. */
export async function syncShopPool(shop: string, opts: PoolOptions = {}): Promise<PoolReport> {
  const database = db();
  const now = opts.now ?? new Date();
  const low = opts.low ?? POOL_LOW;
  const refill = Math.min(opts.refill ?? POOL_REFILL, REDEEM_CODE_BATCH);
  let cached = opts.client ?? null;
  const client = async () => (cached ??= await poolClientFor(shop));
  const report: PoolReport = { created: 0, retired: 0, polled: 0, added: 0, failed: 0, inFlight: 0 };
  const program = await getProgram(database, shop);
  if (!program?.config.enabled) return report;
  const active = new Map(activeRewards(program.config).map((r) => [r.id, r]));

  // 1. retire what left the catalogue or changed terms
  for (const row of await listRewardDiscounts(database, shop)) {
    const reward = active.get(row.rewardId);
    if (row.status === "retired" && !reward) continue;
    if (reward && sameTerms(row, reward) && row.status !== "retired") continue;
    if (row.status !== "retired") {
      await retire(shop, client, row, now);
      report.retired++;
    }
    if (reward) await resetRewardDiscount(database, shop, { rewardId: reward.id, kind: reward.kind, value: reward.value, minOrderCents: reward.minOrderCents }, now);
  }

  // 2. a discount for every active reward
  const rows = new Map((await listRewardDiscounts(database, shop)).map((r) => [r.rewardId, r]));
  for (const reward of active.values()) {
    const row = rows.get(reward.id);
    if (!row) await resetRewardDiscount(database, shop, { rewardId: reward.id, kind: reward.kind, value: reward.value, minOrderCents: reward.minOrderCents }, now);
    if (!row || row.status === "pending") if (await createDiscount(shop, await client(), reward, now)) report.created++;
  }

  // 3. poll the bulk creations in flight
  for (const bulkId of await pendingBulks(database, shop, POLLS_PER_PASS)) {
    const bulk = (await (await client()).request<RedeemCodeBulkCreationResult>(DISCOUNT_REDEEM_CODE_BULK_CREATION, { id: bulkId })).discountRedeemCodeBulkCreation;
    report.polled++;
    if (bulk && !bulk.done) continue;
    let created: string[] | "all" = [];
    let firstError = "bulk creation not found";
    if (bulk && bulk.failedCount === 0 && bulk.importedCount === bulk.codesCount) created = "all";
    else if (bulk) {
      const nodes = (await (await client()).request<RedeemCodeBulkCreationCodesResult>(DISCOUNT_REDEEM_CODE_BULK_CREATION_CODES, { id: bulkId })).discountRedeemCodeBulkCreation?.codes.nodes ?? [];
      created = nodes.filter((n) => n.discountRedeemCode).map((n) => n.code);
      firstError = nodes.find((n) => n.errors.length)?.errors[0]?.message ?? "not reported";
    }
    const settled = await settleBulk(database, shop, bulkId, created);
    report.added += settled.available;
    report.failed += settled.failed;
    if (settled.failed) log.warn("reward codes refused by Shopify", { shop, bulkId, failed: settled.failed, error: firstError });
  }
  report.failed += await failOrphanCodes(database, shop, new Date(now.getTime() - ORPHAN_AFTER_MS));

  // 4. top up pools below the watermark
  const counts = new Map((await poolCounts(database, shop)).map((c) => [c.rewardId, c]));
  for (const row of await listRewardDiscounts(database, shop)) {
    if (row.status !== "active" || !row.discountId || !active.has(row.rewardId)) continue;
    const c = counts.get(row.rewardId);
    if ((c?.available ?? 0) + (c?.adding ?? 0) >= low) continue;
    const codes = Array.from({ length: refill }, randomCode);
    await insertCodes(database, shop, { rewardId: row.rewardId, discountId: row.discountId, codes, status: "adding" }, now);
    let result: RedeemCodeBulkAddResult["discountRedeemCodeBulkAdd"];
    try {
      result = (await (await client()).request<RedeemCodeBulkAddResult>(DISCOUNT_REDEEM_CODE_BULK_ADD, { discountId: row.discountId, codes: codes.map((code) => ({ code })) })).discountRedeemCodeBulkAdd;
    } catch (e) {
      // Shopify may or may not have queued them: nobody ever gets these codes.
      report.failed += await failCodes(database, shop, codes);
      throw e;
    }
    if (!result?.bulkCreation) {
      report.failed += await failCodes(database, shop, codes);
      const text = userErrorText(result?.userErrors ?? []);
      // The discount is gone in Shopify (deleted in the admin): make a new one next pass.
      if (/does not exist/i.test(text)) await resetRewardDiscount(database, shop, { rewardId: row.rewardId, kind: row.kind, value: row.value, minOrderCents: row.minOrderCents }, now);
      log.warn("reward code batch refused", { shop, rewardId: row.rewardId, error: text });
      continue;
    }
    await setCodesBulk(database, shop, codes, result.bulkCreation.id);
  }
  report.inFlight = (await pendingBulks(database, shop, 1)).length;
  return report;
}

/* ---------------------------------------------------------------- the background loop */

export const IDLE_MS = 30_000;
export const BUSY_MS = 1_000;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;

export interface RewardPoolLoop {
  wake(): void;
  stop(): Promise<void>;
}

let running: RewardPoolLoop | null = null;

/**
 * Runs pool passes for every installed shop, one shop at a time. Each shop backs off on its own
 * (1 s doubling to 30 s) after a failed pass; a wake-up does not bypass a backoff, so a storm of
 * redemptions while Shopify is down does not become a storm of Admin API calls.
 */
export function startRewardPool(opts: { idleMs?: number; busyMs?: number; shops?: () => Promise<string[]> } = {}): RewardPoolLoop {
  const idleMs = opts.idleMs ?? IDLE_MS;
  const busyMs = opts.busyMs ?? BUSY_MS;
  const shops = opts.shops ?? (() => installedShops(db()));
  const backoff = new Map<string, { until: number; ms: number }>();
  let stopped = false;
  let wake: (() => void) | null = null;
  let woken = false;

  async function pass(): Promise<boolean> {
    let busy = false;
    for (const shop of await shops()) {
      const b = backoff.get(shop);
      if (b && b.until > Date.now()) {
        busy = true;
        continue;
      }
      try {
        const r = await syncShopPool(shop);
        backoff.delete(shop);
        if (r.inFlight) busy = true;
      } catch (e) {
        const ms = Math.min(BACKOFF_MAX_MS, b ? b.ms * 2 : BACKOFF_MIN_MS);
        backoff.set(shop, { until: Date.now() + ms, ms });
        busy = true;
        log.warn("reward pool pass failed", { shop, error: (e as Error).message, retryInMs: ms });
      }
    }
    return busy;
  }

  const done = (async () => {
    while (!stopped) {
      let busy = false;
      try {
        busy = await pass();
      } catch (e) {
        log.error("reward pool error", { error: (e as Error).message });
      }
      if (stopped) break;
      if (woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, busy ? busyMs : idleMs);
        t.unref();
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  })();

  const loop: RewardPoolLoop = {
    wake: () => {
      if (wake) wake();
      else woken = true;
    },
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
      if (running === loop) running = null;
    },
  };
  running = loop;
  return loop;
}

/** After a redemption: refill soon (no-op where no loop runs, e.g. ATTUNE_WORKER=off in tests). */
export function wakeRewardPool() {
  running?.wake();
}
