/** The rewards model (discounts, code pools, redemptions), one shared suite on every backend. */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import {
  availableCodeCounts,
  claimCode,
  deleteShopRewards,
  failCodes,
  failOrphanCodes,
  findRedemption,
  insertCodes,
  insertRedemption,
  listRedemptions,
  listRewardDiscounts,
  markRewardDiscount,
  pendingBulks,
  poolCounts,
  redactRewardsCustomer,
  resetRewardDiscount,
  retireCodes,
  setCodesBulk,
  settleBulk,
} from "./rewards.server";
import { writeTransaction } from "./sql.server";

const D = "gid://shopify/DiscountCodeNode/1";

eachBackend("rewards model", (b) => {
  async function rewardWithDiscount(shop: string, rewardId = "r5") {
    await resetRewardDiscount(b().db, shop, { rewardId, kind: "amount", value: 500, minOrderCents: null });
    await markRewardDiscount(b().db, shop, rewardId, { status: "active", discountId: D });
  }

  it("a reward row is pending until its discount exists; a reset of terms forgets the old discount", async () => {
    const shop = uniqueShop();
    await resetRewardDiscount(b().db, shop, { rewardId: "r5", kind: "amount", value: 500, minOrderCents: 2000 });
    expect(await listRewardDiscounts(b().db, shop)).toEqual([{ rewardId: "r5", discountId: null, kind: "amount", value: 500, minOrderCents: 2000, status: "pending", error: null }]);
    await markRewardDiscount(b().db, shop, "r5", { status: "active", discountId: D });
    expect((await listRewardDiscounts(b().db, shop))[0]).toMatchObject({ status: "active", discountId: D });
    await resetRewardDiscount(b().db, shop, { rewardId: "r5", kind: "percentage", value: 10, minOrderCents: null });
    expect((await listRewardDiscounts(b().db, shop))[0]).toMatchObject({ status: "pending", discountId: null, kind: "percentage", value: 10, minOrderCents: null });
    expect(await listRewardDiscounts(b().db, uniqueShop())).toEqual([]);
  });

  it("codes go adding -> available when the bulk job created them, failed otherwise; only available ones are claimed", async () => {
    const shop = uniqueShop();
    await rewardWithDiscount(shop);
    await insertCodes(b().db, shop, { rewardId: "r5", discountId: D, codes: ["AAA1", "AAA2", "AAA3"], status: "adding" });
    await setCodesBulk(b().db, shop, ["AAA1", "AAA2", "AAA3"], "bulk-1");
    expect(await pendingBulks(b().db, shop, 10)).toEqual(["bulk-1"]);
    expect(await writeTransaction(b().db, (tx) => claimCode(tx, shop, "r5", "rd_x"))).toBeNull(); // nothing available yet
    expect(await settleBulk(b().db, shop, "bulk-1", ["AAA1", "AAA3"])).toEqual({ available: 2, failed: 1 });
    expect(await pendingBulks(b().db, shop, 10)).toEqual([]);
    expect(await poolCounts(b().db, shop)).toEqual([{ rewardId: "r5", available: 2, adding: 0, claimed: 0, failed: 1 }]);
    const claimed = [await writeTransaction(b().db, (tx) => claimCode(tx, shop, "r5", "rd_1")), await writeTransaction(b().db, (tx) => claimCode(tx, shop, "r5", "rd_2"))];
    expect(claimed.sort()).toEqual(["AAA1", "AAA3"]);
    expect(await writeTransaction(b().db, (tx) => claimCode(tx, shop, "r5", "rd_3"))).toBeNull(); // AAA2 failed: never handed out
    const rows = await b().db.rewardCode.findMany({ where: { shopId: shop }, orderBy: { code: "asc" } });
    expect(rows.map((r) => [r.code, r.status, r.redemptionId])).toEqual([
      ["AAA1", "claimed", expect.stringMatching(/^rd_[12]$/)],
      ["AAA2", "failed", null],
      ["AAA3", "claimed", expect.stringMatching(/^rd_[12]$/)],
    ]);
  });

  it("concurrent claims never hand one code out twice", async () => {
    const shop = uniqueShop();
    await rewardWithDiscount(shop);
    const codes = Array.from({ length: 30 }, (_, i) => `C${String(i).padStart(3, "0")}`);
    await insertCodes(b().db, shop, { rewardId: "r5", discountId: D, codes, status: "available" });
    const got = await Promise.all(Array.from({ length: 40 }, (_, i) => writeTransaction(b().db, (tx) => claimCode(tx, shop, "r5", `rd_${i}`))));
    const handed = got.filter((c): c is string => c !== null);
    expect(handed).toHaveLength(30);
    expect(new Set(handed).size).toBe(30);
    expect((await availableCodeCounts(b().db, shop)).get("r5") ?? 0).toBe(0);
  });

  it("a rolled-back claim puts the code back", async () => {
    const shop = uniqueShop();
    await rewardWithDiscount(shop);
    await insertCodes(b().db, shop, { rewardId: "r5", discountId: D, codes: ["ONLY1"], status: "available" });
    await expect(
      writeTransaction(b().db, async (tx) => {
        expect(await claimCode(tx, shop, "r5", "rd_1")).toBe("ONLY1");
        throw new Error("debit failed");
      }),
    ).rejects.toThrow("debit failed");
    expect((await availableCodeCounts(b().db, shop)).get("r5")).toBe(1);
  });

  it("failed calls, orphans and retirement keep codes from ever being handed out", async () => {
    const shop = uniqueShop();
    await rewardWithDiscount(shop);
    const past = new Date(Date.now() - 3_600_000);
    await insertCodes(b().db, shop, { rewardId: "r5", discountId: D, codes: ["F1", "F2"], status: "adding" });
    expect(await failCodes(b().db, shop, ["F1"])).toBe(1);
    await insertCodes(b().db, shop, { rewardId: "r5", discountId: D, codes: ["OLD"], status: "adding" }, past);
    expect(await failOrphanCodes(b().db, shop, new Date(Date.now() - 60_000))).toBe(1); // F2 is recent: its call may still answer
    await insertCodes(b().db, shop, { rewardId: "r5", discountId: D, codes: ["A1"], status: "available" });
    expect(await retireCodes(b().db, shop, "r5", D)).toBe(2); // F2 and A1
    const rows = await b().db.rewardCode.findMany({ where: { shopId: shop }, orderBy: { code: "asc" } });
    expect(rows.map((r) => `${r.code}:${r.status}`)).toEqual(["A1:retired", "F1:failed", "F2:retired", "OLD:failed"]);
  });

  it("redemptions are unique per (customer, key), listed newest first, and redacted per customer", async () => {
    const shop = uniqueShop();
    const r = { id: "rd_1", customerId: "9007199254740993", rewardId: "r5", idempotencyKey: "k1", code: "AAA1", points: 500, programVersion: 2 };
    await rewardWithDiscount(shop);
    await insertCodes(b().db, shop, { rewardId: "r5", discountId: D, codes: ["AAA1"], status: "available" });
    await writeTransaction(b().db, (tx) => claimCode(tx, shop, "r5", "rd_1"));
    await insertRedemption(b().db, shop, r, new Date("2026-01-01T00:00:00Z"));
    await insertRedemption(b().db, shop, { ...r, id: "rd_2", idempotencyKey: "k2", code: "AAA2" }, new Date("2026-01-02T00:00:00Z"));
    await expect(insertRedemption(b().db, shop, { ...r, id: "rd_3" })).rejects.toThrow();
    expect(await findRedemption(b().db, shop, r.customerId, "k1")).toMatchObject({ ...r, createdAt: new Date("2026-01-01T00:00:00Z") });
    expect(await findRedemption(b().db, shop, "1", "k1")).toBeNull();
    expect((await listRedemptions(b().db, shop, r.customerId)).map((x) => x.id)).toEqual(["rd_2", "rd_1"]);
    expect(await redactRewardsCustomer(b().db, shop, r.customerId)).toBe(2);
    expect(await listRedemptions(b().db, shop, r.customerId)).toEqual([]);
    expect((await b().db.rewardCode.findFirst({ where: { shopId: shop, code: "AAA1" } }))).toMatchObject({ status: "claimed", redemptionId: null });
    expect(await deleteShopRewards(b().db, shop)).toBe(2);
  });
});
