/** The merchant configuration model, one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { orderRecord, seedStore } from "../../tests/helpers/store";
import { upsertOrder } from "./orders.server";
import { writeTransaction } from "./sql.server";
import { feedPosition, readChanges } from "./changes.server";
import { loadShopConfig, putRule, removeRule, setShopCurrency, shopExists } from "./shop-config.server";

eachBackend("shop config model", (b) => {
  let shop: string;
  let other: string;
  const fresh = () => {
    shop = uniqueShop("s");
    other = uniqueShop("o");
  };

  it("shopExists: only a shop with a row", async () => {
    fresh();
    await seedStore(b().db, shop, {});
    expect(await shopExists(b().db, shop)).toBe(true);
    expect(await shopExists(b().db, other)).toBe(false);
  });

  it("build the ShopConfig from Shop.settings, Segment and Rule rows, skipping invalid rows", async () => {
    fresh();
    await seedStore(b().db, shop, { settings: { freeShippingThresholdCents: 5000, vipThresholdCents: 50000 }, currency: "EUR" });
    await b().db.segment.create({ data: { shopId: shop, id: "big_spenders", name: "Big spenders", definition: JSON.stringify({ field: "lifetime_value_cents", op: "gte", value: 1000 }) } });
    await b().db.rule.create({
      data: {
        shopId: shop,
        id: "r1",
        name: "Trending for big spenders",
        priority: 5,
        definition: JSON.stringify({ placements: ["home"], segmentIds: ["big_spenders"], content: { heading: "Hot now" }, strategy: "trending" }),
      },
    });
    await b().db.rule.create({ data: { shopId: shop, id: "r2", name: "Broken", definition: JSON.stringify({ placements: ["nowhere"], strategy: "trending" }) } });
    const loaded = (await loadShopConfig(b().db, shop))!;
    expect(loaded.config.currency).toBe("EUR");
    expect(loaded.config.vipThresholdCents).toBe(50000);
    expect(loaded.config.segments.map((s) => s.id)).toEqual(["big_spenders"]);
    expect(loaded.config.rules.map((r) => r.id)).toEqual(["r1"]);
    expect(loaded.config.rules[0]).toMatchObject({ priority: 5, enabled: true, strategy: "trending", placements: ["home"] });
    expect(loaded.storefront.freeShippingThresholdCents).toBe(5000);
    expect(loaded.problems.some((p) => p.startsWith("rule r2"))).toBe(true);
    expect(await loadShopConfig(b().db, other)).toBeNull();
  });

  it("config writers append a config event in their transaction, and only when something changed", async () => {
    fresh();
    await seedStore(b().db, shop, {});
    await seedStore(b().db, other, {});
    const events = async (s: string) => (await readChanges(b().db, s, 0, await feedPosition(b().db))).filter((e) => e.kind === "config").map((e) => e.entityId);
    const before = await events(shop);
    await putRule(b().db, shop, { id: "r1", name: "R", definition: { placements: ["home"], strategy: "trending" } });
    await setShopCurrency(b().db, shop, "EUR");
    await setShopCurrency(b().db, shop, "EUR"); // unchanged: no event
    expect(await removeRule(b().db, shop, "r1")).toBe(true);
    expect(await removeRule(b().db, shop, "r1")).toBe(false); // nothing removed: no event
    expect((await events(shop)).slice(before.length)).toEqual(["rule:r1", "settings", "rule:r1"]);
    expect(await events(other)).toEqual([]);
    // A store-data write is not configuration.
    await writeTransaction(b().db, (tx) => upsertOrder(tx, shop, orderRecord({ id: "9", lines: ["1"] }), { customerRedacted: false }));
    expect((await events(shop)).slice(before.length)).toHaveLength(3);
  });
});
