/**
 * Loyalty redemption end to end (issue #13): the real built server (server.mjs) on SQLite and on
 * PostgreSQL, the simulator's Admin API, and real signed app proxy requests.
 *
 * - The server's background pool creates one app-owned discount per active reward (`context`) and
 *   fills each reward's pool through asynchronous discountRedeemCodeBulkAdd jobs; every code it hands
 *   out exists in Shopify (the simulator).
 * - 100 simultaneous redemptions against a balance that covers one: one code, one debit.
 * - The same idempotency key returns the same code and debits once, also when the retries race.
 * - Signed proxy identity: a shopper reads and redeems only their own points; guests get none;
 *   another shop's customer id gets nothing; tampered or repeated identity parameters are refused.
 * - Failure: the Admin API fails while codes are being added and while a shopper redeems: no points
 *   lost, no code handed out twice or without Shopify having it, and the pool recovers with the API.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/db.server";
import { EXAMPLE_PROGRAM } from "../../app/engine/loyalty/program";
import type { ProgramConfig } from "../../app/engine/loyalty/types";
import { adjustPoints, memberSummary, saveProgram } from "../../app/models/loyalty.server";
import { markInstalled } from "../../app/models/shop.server";
import { type AdminApi, generateStore, startAdminApi } from "../../scripts/simulator/index";
import { signedProxyQuery } from "../../scripts/simulator/sign";
import { type Backend, backendNames, createBackend } from "../helpers/databases";
import { type AppServer, ensureBuilt, startApp } from "../helpers/server";

const SECRET = "loyalty-redeem-secret";
const PROGRAM: ProgramConfig = {
  ...EXAMPLE_PROGRAM,
  enabled: true,
  rewards: [
    { id: "r5", title: "$5 off", kind: "amount", value: 500, cost: 500, minOrderCents: null, active: true },
    { id: "r10pct", title: "10% off", kind: "percentage", value: 10, cost: 800, minOrderCents: 5000, active: true },
    { id: "ship", title: "Free shipping", kind: "free_shipping", value: 0, cost: 300, minOrderCents: null, active: true },
    { id: "old", title: "Retired reward", kind: "amount", value: 1000, cost: 100, minOrderCents: null, active: false },
  ],
};
const ACTIVE = ["r10pct", "r5", "ship"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe.each(backendNames())("loyalty redemption through the real server on %s", (backend) => {
  const id = crypto.randomUUID().slice(0, 6);
  const A = `loy-a-${id}.myshopify.com`;
  const B = `loy-b-${id}.myshopify.com`;
  const F = `loy-f-${id}.myshopify.com`;
  let b: Backend;
  let api: AdminApi;
  let app: AppServer;

  const proxyUrl = (path: string, shop: string, customer: string, extra = "") => `${app.url}/proxy/${path}?${signedProxyQuery(SECRET, shop, {}, customer)}${extra}`;
  const view = async (shop: string, customer = "") => {
    const r = await fetch(proxyUrl("loyalty", shop, customer));
    return { status: r.status, body: (await r.json()) as any };
  };
  const redeem = async (shop: string, customer: string, body: unknown, extra = "") => {
    const r = await fetch(proxyUrl("loyalty/redeem", shop, customer, extra), { method: "POST", headers: { "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as any };
  };
  const balance = async (shop: string, customer: string) => (await memberSummary(b.db, shop, customer, { historyLimit: 0 }))?.points ?? 0;
  const give = async (shop: string, customer: string, points: number) => {
    const r = await adjustPoints(b.db, shop, "staff:1", customer, points, "test balance");
    expect(r.ok).toBe(true);
  };
  const codes = (db: Db, shop: string, where: Record<string, unknown> = {}) => db.rewardCode.findMany({ where: { shopId: shop, ...where } });
  const available = async (shop: string, rewardId: string) => (await codes(b.db, shop, { rewardId, status: "available" })).length;

  beforeAll(async () => {
    ensureBuilt();
    b = await createBackend(backend);
    const tokens = { [A]: "shpat_a", [B]: "shpat_b", [F]: "shpat_f" };
    api = await startAdminApi({ store: generateStore({ seed: 5, shop: A, now: new Date(), products: 2, customers: 2, orders: 2 }), tokens, before: new Date(0) });
    for (const shop of [A, B, F]) {
      await markInstalled(b.db, shop, "write_discounts");
      await b.db.session.create({ data: { id: `offline_${shop}`, shop, state: "t", isOnline: false, scope: "write_discounts", accessToken: tokens[shop] } });
      expect((await saveProgram(b.db, shop, "staff:1", PROGRAM)).ok).toBe(true);
    }
    // Shop F: Shopify takes the discounts but refuses every batch of codes, from the start.
    api.failAdminApi({ shops: [F], operations: ["AttuneDiscountRedeemCodeBulkAdd"] });
    app = await startApp({
      DATABASE_URL: b.url,
      NODE_ENV: "development",
      ATTUNE_SIMULATOR: "1",
      ATTUNE_ADMIN_ORIGIN: api.origin,
      SHOPIFY_API_KEY: "loyalty-key",
      SHOPIFY_API_SECRET: SECRET,
      SHOPIFY_APP_URL: "https://attune.example.com",
    });
    // The background pool fills A's pools (discount, then a bulk job done after two polls).
    await waitFor("shop A's pools", async () => {
      for (const r of ACTIVE) if ((await available(A, r)) < 50) return false;
      return true;
    });
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await api?.close();
    await b?.drop();
  });

  it("creates one app-owned discount per active reward, for every buyer, and every pooled code exists in Shopify", async () => {
    const rows = await b.db.loyaltyReward.findMany({ where: { shopId: A }, orderBy: { rewardId: "asc" } });
    expect(rows.map((r) => [r.rewardId, r.status])).toEqual(ACTIVE.map((r) => [r, "active"]));
    const discounts = api.discounts(A);
    expect(discounts).toHaveLength(3);
    expect(new Set(discounts.map((d) => d.id))).toEqual(new Set(rows.map((r) => r.discountId)));
    for (const d of discounts) expect(d.context).toEqual({ all: "ALL" });
    const pct = discounts.find((d) => d.id === rows.find((r) => r.rewardId === "r10pct")!.discountId)!;
    expect(pct.customerGets).toMatchObject({ value: { percentage: 0.1 } });
    expect(pct.minimumRequirement).toEqual({ subtotal: { greaterThanOrEqualToSubtotal: "50.00" } });
    expect(discounts.find((d) => d.type === "DiscountCodeFreeShipping")).toBeDefined();
    for (const c of await codes(b.db, A, { status: "available" })) expect(api.findCode(A, c.code)?.discount.id).toBe(c.discountId);
  });

  it("100 simultaneous redemptions against a balance that covers one: one code, one debit", async () => {
    const customer = "9007199254740993";
    await give(A, customer, 700);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => redeem(A, customer, { rewardId: "r5", idempotencyKey: `race-${i}` })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error === "insufficient_points")).toBe(true);
    expect(results.filter((r) => r.status === 409)).toHaveLength(99);
    expect(ok[0].body).toMatchObject({ rewardId: "r5", points: 200 });
    expect(await balance(A, customer)).toBe(200);
    const claimed = await codes(b.db, A, { status: "claimed", rewardId: "r5" });
    expect(claimed.map((c) => c.code)).toEqual([ok[0].body.code]);
    expect(await b.db.redemption.count({ where: { shopId: A, customerId: customer } })).toBe(1);
    expect(await b.db.loyaltyEntry.count({ where: { shopId: A, customerId: customer, kind: "redeem" } })).toBe(1);
    expect(api.findCode(A, ok[0].body.code)).not.toBeNull();
  });

  it("the same idempotency key returns the same code and debits once, sequentially and racing", async () => {
    const customer = "9007199254740994";
    await give(A, customer, 2000);
    const first = await redeem(A, customer, { rewardId: "r5", idempotencyKey: "order-page-1" });
    const again = await redeem(A, customer, { rewardId: "r5", idempotencyKey: "order-page-1" });
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
    const racing = await Promise.all(Array.from({ length: 10 }, () => redeem(A, customer, { rewardId: "r5", idempotencyKey: "order-page-2" })));
    expect(racing.every((r) => r.status === 200)).toBe(true);
    expect(new Set(racing.map((r) => r.body.code)).size).toBe(1);
    expect(racing[0].body.code).not.toBe(first.body.code);
    expect(await balance(A, customer)).toBe(1000);
    // The key names one reward: reusing it for another is refused, nothing moves.
    expect((await redeem(A, customer, { rewardId: "ship", idempotencyKey: "order-page-1" })).body.error).toBe("idempotency_key_reused");
    expect(await balance(A, customer)).toBe(1000);
  });

  it("signed proxy: a shopper reads and redeems only their own points; guests get none; another shop's customer id gets nothing", async () => {
    const customer = "9007199254740995";
    await give(A, customer, 900);
    const mine = await view(A, customer);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ enabled: true, signedIn: true, points: 900, pending: 0 });
    expect(mine.body.history.length).toBeGreaterThan(0);
    expect(Object.fromEntries(mine.body.rewards.map((r: any) => [r.id, r.redeemable]))).toEqual({ r5: true, r10pct: true, ship: true });
    expect(mine.body.rewards.find((r: any) => r.id === "old")).toBeUndefined();

    const guest = await view(A);
    expect(guest.body).toMatchObject({ enabled: true, signedIn: false, tier: null });
    for (const k of ["points", "pending", "owed", "history", "redemptions"]) expect(guest.body).not.toHaveProperty(k);
    expect(guest.body.rewards.map((r: any) => r.id).sort()).toEqual(ACTIVE);
    expect(guest.body.rewards.every((r: any) => r.redeemable === false)).toBe(true);
    expect((await redeem(A, "", { rewardId: "r5" })).status).toBe(401);

    // The same customer id signed for shop B: B's member (none), never A's points.
    expect((await view(B, customer)).body).toMatchObject({ signedIn: true, points: 0 });
    expect(await redeem(B, customer, { rewardId: "r5" })).toMatchObject({ status: 409, body: { error: "insufficient_points" } });
    expect(await balance(A, customer)).toBe(900);

    // Identity comes only from the signature: a changed or repeated logged_in_customer_id is refused.
    const signed = signedProxyQuery(SECRET, A, {}, "1");
    signed.set("logged_in_customer_id", customer);
    expect((await fetch(`${app.url}/proxy/loyalty?${signed}`)).status).toBe(400);
    expect((await redeem(A, "1", { rewardId: "r5" }, `&logged_in_customer_id=${customer}`)).status).toBe(400);
    expect((await view(A, "1")).body.points).toBe(0);
    expect(await balance(A, customer)).toBe(900);

    // Bad requests write nothing.
    expect(await redeem(A, customer, { rewardId: "nope" })).toMatchObject({ status: 404, body: { error: "unknown_reward" } });
    expect(await redeem(A, customer, { rewardId: "old" })).toMatchObject({ status: 404, body: { error: "unknown_reward" } });
    expect((await redeem(A, customer, "{not json")).status).toBe(422);
    expect((await redeem(A, customer, { rewardId: "r5", pad: "x".repeat(4000) })).status).toBe(422);
    expect((await redeem(A, customer, { rewardId: 5 })).status).toBe(422);
    expect((await redeem(A, customer, { rewardId: "r5", idempotencyKey: "has spaces" })).status).toBe(422);
    expect(await balance(A, customer)).toBe(900);

    // The birthday goes to the shopper's own member record only.
    const birthday = async (shop: string, who: string, body: unknown) => (await fetch(proxyUrl("loyalty/birthday", shop, who), { method: "POST", body: JSON.stringify(body) })).status;
    expect(await birthday(A, "", { birthday: "05-17" })).toBe(401);
    expect(await birthday(A, customer, { birthday: "13-01" })).toBe(422);
    expect(await birthday(A, customer, { day: "05-17" })).toBe(422);
    expect(mine.body.birthdaySet).toBe(false);
    expect(await birthday(A, customer, { birthday: "05-17" })).toBe(200);
    expect((await view(A, customer)).body.birthdaySet).toBe(true);
    expect((await memberSummary(b.db, A, customer))?.birthday).toBe("05-17");
    expect((await memberSummary(b.db, B, customer))?.birthday ?? null).toBeNull();

    const got = await redeem(A, customer, { rewardId: "r10pct" });
    expect(got).toMatchObject({ status: 200, body: { rewardId: "r10pct", points: 100 } });
    const after = await view(A, customer);
    expect(after.body.points).toBe(100);
    expect(after.body.redemptions[0]).toMatchObject({ rewardId: "r10pct", code: got.body.code, points: 800 });
    expect(Object.fromEntries(after.body.rewards.map((r: any) => [r.id, r.redeemable]))).toEqual({ r5: false, r10pct: false, ship: false });
  });

  it("Admin API failures while codes are added and while a shopper redeems: no points lost, no code twice, the pool recovers", async () => {
    const customer = "9007199254740996";
    await give(F, customer, 3000);
    // Discounts exist (their own codes are the only codes); every batch of codes was refused.
    await waitFor("shop F's discounts", async () => (await b.db.loyaltyReward.count({ where: { shopId: F, status: "active" } })) === 3);
    await waitFor("a refused batch", async () => (await codes(b.db, F, { status: "failed" })).length > 0);
    expect(await available(F, "r5")).toBe(1);
    const handed: string[] = [];
    const first = await redeem(F, customer, { rewardId: "r5" });
    expect(first.status).toBe(200);
    handed.push(first.body.code);
    expect(await redeem(F, customer, { rewardId: "r5" })).toMatchObject({ status: 503, body: { error: "codes_unavailable" } });
    expect(await balance(F, customer)).toBe(2500);

    // Batches go through now, but their outcome cannot be read: those codes stay out of reach.
    api.failAdminApi({ shops: [F], operations: ["AttuneDiscountRedeemCodeBulkCreation"] });
    await waitFor("a batch in flight", async () => (await codes(b.db, F, { rewardId: "r5", status: "adding", bulkId: { not: null } })).length > 0, 90_000);
    expect((await redeem(F, customer, { rewardId: "r5" })).status).toBe(503);
    expect(await balance(F, customer)).toBe(2500);

    // Shopify entirely down while a shopper redeems: a pooled code still comes at once (no Shopify call).
    api.failAdminApi({ shops: [F] });
    const ship = await redeem(F, customer, { rewardId: "ship" });
    expect(ship).toMatchObject({ status: 200, body: { points: 2200 } });
    handed.push(ship.body.code);

    api.failAdminApi(null);
    await waitFor("shop F's r5 pool to recover", async () => (await available(F, "r5")) >= 50, 120_000);
    for (let i = 0; i < 3; i++) {
      const r = await redeem(F, customer, { rewardId: "r5" });
      expect(r.status).toBe(200);
      handed.push(r.body.code);
    }
    expect(new Set(handed).size).toBe(handed.length);
    for (const code of handed) expect(api.findCode(F, code)).not.toBeNull();
    expect(await balance(F, customer)).toBe(700);
    const claimed = await codes(b.db, F, { status: "claimed" });
    expect(claimed.map((c) => c.code).sort()).toEqual([...handed].sort());
    expect(await b.db.loyaltyEntry.count({ where: { shopId: F, customerId: customer, kind: "redeem" } })).toBe(handed.length);
    // Every code that was refused or never confirmed stays failed: none was handed out, none reached a shopper.
    for (const c of await codes(b.db, F, { status: "failed" })) expect(c.redemptionId).toBeNull();
  }, 240_000);
});
