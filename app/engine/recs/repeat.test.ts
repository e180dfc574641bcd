/**
 * Issue #14 items 1 and 2: re-buying learned from the shop's orders (no consumable setting needed),
 * and reasons that carry real counts and never claim a cohort that was not used.
 *
 * The shop: eight teas that shoppers re-buy, kettles that nobody buys twice, and mugs. "me" bought
 * every tea once and a kettle (the tea drinker); "habit" re-buys one mug, a type nobody else
 * re-buys.
 */
import { describe, expect, it } from "vitest";
import { decide, withDefaults } from "../decide";
import { StoreModel } from "../model/store-model";
import { customer, DAY, order, product, T0 } from "../model/test-store";
import type { OrderFact, RecommendRequest, ShopperContext, StrategyName } from "../types";
import { cohortFor } from "./cohort";
import { recommend, recommenderFor } from "./recommend";
import { learnedRebuyable, repeatRate } from "./repeat";

const NOW = T0 + 200 * DAY;
const TEAS = Array.from({ length: 8 }, (_, i) => `tea${i + 1}`);
const KETTLES = ["kettle1", "kettle2"];
const MUGS = ["mug1", "mug2", "mug3"];
const products = [
  ...TEAS.map((id, i) => product(id, { title: `Tea no. ${i + 1}`, productType: "Tea" })),
  ...KETTLES.map((id, i) => product(id, { title: `Kettle model ${"AB"[i]}`, productType: "Kettles" })),
  ...MUGS.map((id, i) => product(id, { title: `Mug style ${"XYZ"[i]}`, productType: "Mugs" })),
];

function shopOrders(): OrderFact[] {
  const orders: OrderFact[] = [];
  // 12 tea regulars: each re-buys two teas every ~30 days, and half of them own a kettle.
  for (let c = 0; c < 12; c++) {
    const mine = [TEAS[c % 8], TEAS[(c + 3) % 8]];
    for (let k = 0; k < 4; k++) orders.push(order(`reg${c}`, k === 0 && c % 2 === 0 ? [...mine, KETTLES[c % 2]] : mine, T0 + (20 + 30 * k + c) * DAY, { countryCode: "CA" }));
  }
  // 20 kettle buyers, once each; 10 of them also take a mug.
  for (let c = 0; c < 20; c++) orders.push(order(`k${c}`, c < 10 ? [KETTLES[c % 2], MUGS[c % 3]] : [KETTLES[c % 2]], T0 + (40 + c) * DAY, { countryCode: "US" }));
  // Guests buy mugs (and mugs alone).
  for (let g = 0; g < 18; g++) orders.push(order(null, [MUGS[g % 3]], NOW - (g + 1) * DAY, { countryCode: "CA" }));
  // The tea drinker: every tea once, and a kettle.
  orders.push(order("me", [...TEAS.slice(0, 4), "kettle1"], T0 + 100 * DAY), order("me", TEAS.slice(4), T0 + 150 * DAY));
  // A shopper who re-buys a mug nobody else re-buys.
  orders.push(order("habit", ["mug2"], T0 + 90 * DAY), order("habit", ["mug2"], T0 + 150 * DAY));
  return orders;
}

const customers = ["me", "habit", ...Array.from({ length: 12 }, (_, c) => `reg${c}`), ...Array.from({ length: 20 }, (_, c) => `k${c}`)].map((id) => customer(id));
const build = () => StoreModel.build({ products, customers, orders: shopOrders() });
const ctx = (over: Partial<ShopperContext> = {}): ShopperContext => ({ placement: "home", customerId: null, now: NOW, ...over });
const rows = (m: StoreModel, strategy: StrategyName, over: Partial<ShopperContext> = {}, filters?: RecommendRequest["filters"]) => recommend(m, { strategy, context: ctx(over), limit: 8, filters });
const idx = (m: StoreModel, id: string) => m.productIndex(id);

describe("repeat purchases learned per shop", () => {
  it("teas are learned as re-bought, kettles and mugs as one-offs, from the orders alone", () => {
    const m = build();
    for (const t of TEAS) expect(learnedRebuyable(m, idx(m, t)), t).toBe(true);
    for (const k of KETTLES) expect(learnedRebuyable(m, idx(m, k)), k).toBe(false);
    // mug2's one repeat buyer ("habit") is not enough to make mugs re-buyable for everybody.
    for (const g of MUGS) expect(learnedRebuyable(m, idx(m, g)), g).toBe(false);
    expect(repeatRate(m, idx(m, "tea1"))).toBeGreaterThan(0.5);
    expect(repeatRate(m, idx(m, "kettle1"))).toBeLessThan(0.05);
  });

  it("under the default configuration the home block gives the tea drinker tea back, and never the kettle they own", () => {
    const m = build();
    const config = withDefaults({});
    expect(config.filters.consumableProductTypes ?? []).toEqual([]);
    const d = decide({ store: m, recommender: recommenderFor(m), config }, ctx({ customerId: "me" }), { limit: 4 });
    expect(d.strategy).toBe("picked_for_you");
    const shown = d.products.map((p) => p.productId);
    expect(shown.length).toBe(4);
    expect(shown.filter((id) => TEAS.includes(id)).length).toBeGreaterThanOrEqual(3);
    expect(shown).not.toContain("kettle1");
    for (const s of ["picked_for_you", "buy_again", "trending", "trending_in_country", "also_bought", "new_arrivals"] as StrategyName[]) {
      expect(rows(m, s, { customerId: "me", country: "CA" }).map((r) => r.productId), s).not.toContain("kettle1");
    }
  });

  it("a shopper who re-buys a product gets it back (their own history is enough), and buy-again works with no setting", () => {
    const m = build();
    const config = withDefaults({});
    const home = decide({ store: m, recommender: recommenderFor(m), config }, ctx({ customerId: "habit" }), { limit: 4 });
    expect(home.products.map((p) => p.productId)).toContain("mug2");
    const again = rows(m, "buy_again", { customerId: "habit" });
    expect(again[0]).toMatchObject({ productId: "mug2", reason: "Time to restock? You buy this about every 60 days" });
    // The tea drinker bought each tea once: buy-again offers them on the shop's evidence, with its numbers.
    const teas = rows(m, "buy_again", { customerId: "me" });
    expect(teas.map((r) => r.productId).sort()).toEqual([...TEAS].sort());
    // tea1 has fewer than 10 buyers of its own: the evidence is the Tea type's, recomputed here from the orders.
    const pairs = new Map<string, number>();
    for (const o of shopOrders()) for (const l of o.lines) if (l.productId.startsWith("tea")) pairs.set(`${o.customerId ?? o.id}|${l.productId}`, (pairs.get(`${o.customerId ?? o.id}|${l.productId}`) ?? 0) + 1);
    const pct = Math.round((100 * [...pairs.values()].filter((n) => n >= 2).length) / pairs.size);
    expect(teas.find((r) => r.productId === "tea1")!.reason).toBe(`You bought this before; shoppers here re-buy ${pct}% of the Tea they try`);
  });

  it("the merchant's consumable types stay an override", () => {
    const m = build();
    const viewed = (filters?: RecommendRequest["filters"]) => rows(m, "recently_viewed", { customerId: "me", recentlyViewed: ["kettle1", "mug1"] }, filters).map((r) => r.productId);
    expect(viewed()).toEqual(["mug1"]);
    expect(viewed({ consumableProductTypes: ["kettles"] })).toEqual(["kettle1", "mug1"]);
  });
});

describe("honest reasons", () => {
  it("'Bought by N shoppers in Canada this month' counts distinct shoppers of the last 30 days in that country", () => {
    const m = build();
    const top = rows(m, "trending_in_country", { country: "CA" });
    expect(top.length).toBeGreaterThan(0);
    const since = NOW - 30 * DAY;
    for (const r of top) {
      const buyers = new Set(
        shopOrders()
          .filter((o) => o.countryCode === "CA" && o.createdAt >= since - DAY && o.lines.some((l) => l.productId === r.productId))
          .map((o, k) => o.customerId ?? `guest${k}`),
      ).size;
      expect(r.reason, r.productId).toBe(buyers >= 2 ? `Bought by ${buyers} shoppers in Canada this month` : "Popular in Canada");
    }
    expect(top.some((r) => r.reason.startsWith("Bought by "))).toBe(true);
  });

  it("the cohort label appears only when the cohort ranked the product, and names the shopper's favourite type", () => {
    const m = build();
    const cohort = cohortFor(m, m.historyOf("me"))!;
    expect(cohort.type).toBe("Tea");
    // A new shopper whose only order is a mug: their cohort (mug buyers) is real; nobody's label says "like you".
    m.upsertOrder(order("fresh", ["mug1"], NOW - 2 * DAY));
    const fresh = rows(m, "picked_for_you", { customerId: "fresh" });
    const labels = fresh.map((r) => r.reason);
    expect(labels.join("|")).not.toMatch(/like you/);
    for (const r of fresh.filter((x) => x.reason.startsWith("Popular with shoppers who buy"))) {
      expect(r.reason).toBe("Popular with shoppers who buy Mugs");
      const mugBuyers = new Set(shopOrders().filter((o) => o.lines.some((l) => l.productId.startsWith("mug"))).map((o) => o.customerId));
      expect(shopOrders().some((o) => mugBuyers.has(o.customerId) && o.customerId && o.lines.some((l) => l.productId === r.productId)), r.productId).toBe(true);
    }
    expect(labels.some((l) => l === "Popular with shoppers who buy Mugs")).toBe(true);
  });

  it("without a cohort (the favourite type is bought by most of the shop), best-seller fill carries its real buyer count", () => {
    // One product type across the whole shop: "shoppers who buy Tea" would be everybody.
    const all = [...TEAS, "other"].map((id) => product(id, { productType: "Tea" }));
    const orders = [...TEAS.flatMap((t, i) => Array.from({ length: i + 2 }, (_, k) => order(`b${i}-${k}`, [t], T0 + k * DAY))), order("solo", ["other"], T0)];
    const m = StoreModel.build({ products: all, customers: [customer("solo")], orders });
    expect(cohortFor(m, m.historyOf("solo"))).toBeNull();
    const picks = rows(m, "picked_for_you", { customerId: "solo" });
    expect(picks.length).toBeGreaterThan(0);
    for (const r of picks) {
      const buyers = orders.filter((o) => o.lines.some((l) => l.productId === r.productId)).length; // one order per buyer here
      expect(r.reason, r.productId).toBe(`Bought by ${buyers} shoppers`);
    }
  });

  it("'You buy this about every N days' is the shopper's own mean interval", () => {
    const m = build();
    // reg0 bought tea1 and tea4 at days 20, 50, 80, 110 after T0: every 30 days.
    const picks = rows(m, "picked_for_you", { customerId: "reg0" });
    expect(picks.find((r) => r.productId === "tea1")?.reason).toBe("You buy this about every 30 days");
  });
});
