/** The merchant configuration model, one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { orderRecord, seedStore } from "../../tests/helpers/store";
import { upsertOrder } from "./orders.server";
import { writeTransaction } from "./sql.server";
import { configFingerprint, loadShopConfig, shopExists } from "./shop-config.server";

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

  it("the fingerprint changes with settings, currency, segments and rules, and only with them", async () => {
    fresh();
    expect(await configFingerprint(b().db, shop)).toBeNull();
    await seedStore(b().db, shop, { settings: { freeShippingThresholdCents: 5000 } });
    const history: string[] = [];
    const fp = async () => (await configFingerprint(b().db, shop))!;
    const changed = async (what: string) => {
      const f = await fp();
      expect(typeof f).toBe("string");
      expect(f, `${what} did not change the fingerprint`).not.toBe(history.at(-1));
      history.push(f);
    };
    await changed("start");
    await writeTransaction(b().db, (tx) => upsertOrder(tx, shop, orderRecord({ id: "9", lines: ["1"] }), { customerRedacted: false }));
    expect(await fp()).toBe(history.at(-1)); // store data is not configuration
    await b().db.shop.update({ where: { id: shop }, data: { settings: JSON.stringify({ freeShippingThresholdCents: 7500 }) } });
    await changed("settings");
    await b().db.shop.update({ where: { id: shop }, data: { currency: "EUR" } });
    await changed("currency");
    await b().db.segment.create({ data: { shopId: shop, id: "s1", name: "S", definition: "{}" } });
    await changed("a new segment");
    await b().db.rule.create({ data: { shopId: shop, id: "r1", name: "R", definition: "{}" } });
    await changed("a new rule");
    await b().db.rule.update({ where: { shopId_id: { shopId: shop, id: "r1" } }, data: { name: "R2", updatedAt: new Date(Date.now() + 5_000) } });
    await changed("an edited rule");
    await b().db.rule.delete({ where: { shopId_id: { shopId: shop, id: "r1" } } });
    await changed("a deleted rule");
    expect(history.at(-1)).toBe(history[3]); // back to the configuration it had before the rule
    // Another shop's edits do not touch this shop's fingerprint.
    const before = await fp();
    await seedStore(b().db, other, {});
    await b().db.rule.create({ data: { shopId: other, id: "r9", name: "R", definition: "{}" } });
    expect(await fp()).toBe(before);
  });
});
