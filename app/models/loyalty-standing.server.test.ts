/** Loyalty standings as engines read them, one shared suite on every backend. */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import type { Db } from "../db.server";
import { loadLoyaltyStandings, loadLoyaltyStandingsByIds, loyaltyTiers } from "./loyalty-standing.server";

// Ids beyond 2^53 stay exact strings.
const BIG = "9007199254740993";

/** Test fixture rows (the ledger owns LoyaltyMember writes in the app). */
async function member(db: Db, shop: string, customerId: string, m: { points: number; pending?: number; tierId?: string | null }) {
  await db.shop.upsert({ where: { id: shop }, create: { id: shop }, update: {} });
  await db.loyaltyMember.create({ data: { shopId: shop, customerId, points: m.points, pending: m.pending ?? 0, tierId: m.tierId ?? null } });
}

eachBackend("loyalty standing model", (b) => {
  it("loads every member of the shop (tier, points, pending) and nobody else's", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await member(b().db, shop, BIG, { points: 1200, pending: 300, tierId: "gold" });
    await member(b().db, shop, "2", { points: 0 });
    await member(b().db, other, "3", { points: 50, tierId: "silver" });
    const all = await loadLoyaltyStandings(b().db, shop);
    expect([...all.entries()].sort()).toEqual([
      ["2", { tierId: null, points: 0, pending: 0 }],
      [BIG, { tierId: "gold", points: 1200, pending: 300 }],
    ]);
    expect(await loadLoyaltyStandings(b().db, uniqueShop())).toEqual(new Map());
  });

  it("loads named members only, absent for non-members and another shop's customers", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await member(b().db, shop, BIG, { points: 10, pending: 5, tierId: "bronze" });
    await member(b().db, other, "7", { points: 99 });
    const found = await loadLoyaltyStandingsByIds(b().db, shop, [BIG, "7", "8", BIG]);
    expect([...found.keys()]).toEqual([BIG]);
    expect(found.get(BIG)).toEqual({ tierId: "bronze", points: 10, pending: 5 });
    expect(await loadLoyaltyStandingsByIds(b().db, shop, [])).toEqual(new Map());
  });

  it("names the current program version's tiers; none without a program or with an unreadable one", async () => {
    const shop = uniqueShop();
    await b().db.shop.create({ data: { id: shop } });
    expect(await loyaltyTiers(b().db, shop)).toEqual([]);
    const tiers = (list: object[]) => JSON.stringify({ enabled: true, tiers: list });
    await b().db.loyaltyProgram.create({ data: { shopId: shop, version: 1, actor: "system", config: tiers([{ id: "old", name: "Old" }]) } });
    await b().db.loyaltyProgram.create({ data: { shopId: shop, version: 2, actor: "system", config: tiers([{ id: "silver", name: "Silver" }, { id: "gold", name: "" }, { name: "no id" }]) } });
    expect(await loyaltyTiers(b().db, shop)).toEqual([
      { id: "silver", name: "Silver" },
      { id: "gold", name: "gold" },
    ]);
    await b().db.loyaltyProgram.create({ data: { shopId: shop, version: 3, actor: "system", config: "{not json" } });
    expect(await loyaltyTiers(b().db, shop)).toEqual([]);
  });
});
