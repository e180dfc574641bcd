import { describe, expect, it } from "vitest";
import type { RecommendRequest, ShopperContext, StrategyName } from "../types";
import { StoreModel } from "../model/store-model";
import { recommend } from "./recommend";
import { customer, DAY, order, product, T0 } from "../model/test-store";

const NOW = T0 + 100 * DAY;
const ctx = (over: Partial<ShopperContext> = {}): ShopperContext => ({ placement: "home", customerId: null, now: NOW, ...over });
const ids = (m: StoreModel, req: RecommendRequest) => recommend(m, req).map((r) => r.productId);

describe("bought_together", () => {
  // "bag" is in most orders; "filter" goes specifically with "kettle".
  const products = ["kettle", "filter", "bag", "mug", "spoon"].map((id) => product(id, { title: id[0].toUpperCase() + id.slice(1), productType: id }));
  const orders = [
    ...Array.from({ length: 4 }, (_, k) => order(null, ["kettle", "filter", "bag"], T0 + k * DAY)),
    ...Array.from({ length: 3 }, (_, k) => order(null, ["kettle", "bag"], T0 + k * DAY)),
    ...Array.from({ length: 30 }, (_, k) => order(null, ["bag", k % 2 ? "mug" : "spoon"], T0 + k * DAY)),
  ];
  const m = StoreModel.build({ products, customers: [], orders });

  it("ranks the specific complement above the item that is in every basket", () => {
    const rows = recommend(m, { strategy: "bought_together", context: ctx({ placement: "product", productId: "kettle" }), limit: 3 });
    expect(rows[0].productId).toBe("filter");
    expect(rows[0].reason).toBe("Often bought with Kettle");
    expect(rows.map((r) => r.productId)).not.toContain("kettle");
  });

});

describe("already bought", () => {
  it("a product the shopper buys after a first request is not recommended on the next one", () => {
    const products = ["kettle", "filter", "mug"].map((id) => product(id, { productType: id }));
    const orders = [order(null, ["kettle", "filter"], T0), order(null, ["kettle", "mug"], T0), order("u1", ["mug"], T0 + DAY)];
    const m = StoreModel.build({ products, customers: [customer("u1")], orders });
    const req: RecommendRequest = { strategy: "bought_together", context: ctx({ placement: "product", productId: "kettle", customerId: "u1" }), limit: 3 };
    expect(ids(m, req)).toEqual(["filter"]);
    m.upsertOrder(order("u1", ["filter"], T0 + 2 * DAY));
    expect(ids(m, req)).not.toContain("filter");
  });
});

describe("cart_complements", () => {
  it("votes across the whole cart, so a partner of every cart item beats each item's own best partner", () => {
    const products = ["kettle", "mug", "filter", "saucer", "tray", "spoon"].map((id) => product(id, { title: id[0].toUpperCase() + id.slice(1), productType: id }));
    const orders = [
      ...Array.from({ length: 4 }, () => order(null, ["kettle", "filter"], T0)),
      ...Array.from({ length: 3 }, () => order(null, ["kettle", "tray"], T0)),
      ...Array.from({ length: 4 }, () => order(null, ["mug", "saucer"], T0)),
      ...Array.from({ length: 3 }, () => order(null, ["mug", "tray"], T0)),
      ...Array.from({ length: 20 }, () => order(null, ["spoon"], T0)),
    ];
    const m = StoreModel.build({ products, customers: [], orders });
    const rows = recommend(m, { strategy: "cart_complements", context: ctx({ placement: "cart", cart: [{ productId: "kettle", quantity: 1 }, { productId: "mug", quantity: 1 }] }), limit: 5 });
    expect(rows[0].productId).toBe("tray");
    expect(rows[0].reason).toBe("Goes well with Kettle and Mug in your cart");
    expect(rows.slice(1, 3).map((r) => r.productId).sort()).toEqual(["filter", "saucer"]);
    expect(rows.map((r) => r.productId)).not.toContain("kettle");
  });
});

describe("also_bought", () => {
  it("uses buyers across orders, not only same-basket pairs", () => {
    const products = ["a", "b", "c", "d"].map((id) => product(id, { productType: id }));
    // b is bought by the same customers as a, in later orders; c only by strangers.
    const orders = [
      order("u1", ["a"], T0), order("u1", ["b"], T0 + DAY),
      order("u2", ["a"], T0), order("u2", ["b"], T0 + DAY),
      order("u3", ["c"], T0), order("u4", ["c", "d"], T0), order("u5", ["c"], T0),
    ];
    const m = StoreModel.build({ products, customers: [], orders });
    const rows = recommend(m, { strategy: "also_bought", context: ctx({ productId: "a" }), limit: 2 });
    expect(rows[0]).toMatchObject({ productId: "b", strategy: "also_bought" });
    expect(rows[0].reason).toBe("Customers who bought Product a also bought this");
  });
});

describe("picked_for_you and buy_again", () => {
  const products = [
    product("milk", { productType: "Dairy", title: "Milk" }),
    product("bread", { productType: "Bakery", title: "Bread" }),
    product("jam", { productType: "Pantry", title: "Jam" }),
    product("tv", { productType: "Electronics", title: "TV" }),
    product("hit", { productType: "Snacks", title: "Chips" }),
  ];
  const orders = [
    order("me", ["milk", "tv"], T0),
    order("me", ["milk", "bread"], T0 + 10 * DAY),
    order("me", ["milk"], T0 + 20 * DAY),
    ...Array.from({ length: 6 }, (_, k) => order(`o${k}`, ["bread", "jam"], T0 + k * DAY)),
    ...Array.from({ length: 10 }, (_, k) => order(`p${k}`, ["hit"], T0 + 90 * DAY)),
  ];
  const m = StoreModel.build({ products, customers: [customer("me"), customer("shy", { personalizationOptOut: true })], orders });
  const filters = { consumableProductTypes: ["Dairy", "Bakery", "Pantry", "Snacks"] };

  it("puts the shopper's regulars first and never re-sells a bought non-consumable", () => {
    const rows = recommend(m, { strategy: "picked_for_you", context: ctx({ customerId: "me" }), limit: 5, filters });
    expect(rows[0]).toMatchObject({ productId: "milk", reason: "You buy this about every 10 days" });
    expect(rows.map((r) => r.productId)).not.toContain("tv");
    expect(rows.map((r) => r.productId)).toContain("jam"); // bought by buyers of bread
  });

  it("gives a cold shopper trending items, labelled as such", () => {
    const rows = recommend(m, { strategy: "picked_for_you", context: ctx({ customerId: "stranger" }), limit: 2, filters });
    expect(rows[0]).toMatchObject({ productId: "hit", strategy: "trending", reason: "Trending right now" });
  });

  it("buy_again surfaces a product whose usual interval has elapsed", () => {
    const rows = recommend(m, { strategy: "buy_again", context: ctx({ customerId: "me", now: T0 + 30 * DAY }), limit: 5, filters });
    expect(rows.map((r) => r.productId)).toEqual(["milk"]);
    expect(rows[0].reason).toBe("Time to restock? You buy this about every 10 days");
    expect(recommend(m, { strategy: "buy_again", context: ctx(), limit: 5, filters })).toEqual([]);
  });

  it("an opted-out shopper only gets the non-personal trending row", () => {
    m.upsertOrder(order("shy", ["jam"], T0));
    m.upsertOrder(order("shy", ["jam"], T0 + 10 * DAY));
    for (const strategy of ["picked_for_you", "buy_again", "recently_viewed", "new_arrivals"] as StrategyName[]) {
      const rows = recommend(m, { strategy, context: ctx({ customerId: "shy", recentlyViewed: ["tv"] }), limit: 3, filters });
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.strategy === "trending")).toBe(true);
      expect(rows[0].productId).toBe("hit");
    }
  });
});

describe("trending", () => {
  it("prefers recent orders over a larger but older pile", () => {
    const products = ["old", "new"].map((id) => product(id));
    const orders = [
      ...Array.from({ length: 10 }, () => order(null, ["old"], NOW - 90 * DAY)),
      ...Array.from({ length: 3 }, () => order(null, ["new"], NOW - DAY, { countryCode: "TW" })),
    ];
    const m = StoreModel.build({ products, customers: [], orders });
    expect(ids(m, { strategy: "trending", context: ctx(), limit: 2 })).toEqual(["new", "old"]);
    const tw = recommend(m, { strategy: "trending_in_country", context: ctx({ country: "tw" }), limit: 1 });
    expect(tw[0]).toMatchObject({ productId: "new", reason: "Bought by 3 shoppers in Taiwan this month" });
  });
});

describe("catalog strategies", () => {
  const products = [
    product("shirt", { productType: "Shirts", vendor: "Linen Co", collections: ["summer"], priceCents: 4000 }),
    product("shirt2", { productType: "Shirts", vendor: "Linen Co", collections: ["summer"], priceCents: 4500, createdAt: NOW - 2 * DAY }),
    product("pants", { productType: "Pants", vendor: "Other", priceCents: 4000, createdAt: NOW - DAY }),
    product("hat", { productType: "Hats", vendor: "Other", priceCents: 900, collections: ["summer"] }),
  ];
  const m = StoreModel.build({ products, customers: [], orders: [order("fan", ["shirt"], T0)] });

  it("similar_products works for a product nobody has bought yet", () => {
    const rows = recommend(m, { strategy: "similar_products", context: ctx({ productId: "shirt2" }), limit: 3 });
    expect(rows[0]).toMatchObject({ productId: "shirt", reason: "Similar to Product shirt2" });
  });

  it("new_arrivals favours the shopper's favourite product type over a newer product", () => {
    const rows = recommend(m, { strategy: "new_arrivals", context: ctx({ customerId: "fan" }), limit: 2 });
    expect(rows[0]).toMatchObject({ productId: "shirt2", reason: "New in Shirts, one of your favourites" });
  });

  it("recently_viewed keeps the shopper's order and drops the product on screen", () => {
    const rows = recommend(m, { strategy: "recently_viewed", context: ctx({ productId: "hat", recentlyViewed: ["pants", "hat", "shirt2"] }), limit: 5 });
    expect(rows.map((r) => r.productId)).toEqual(["pants", "shirt2"]);
  });
});

describe("row assembly", () => {
  const products = [
    product("p1", { productType: "Shirts", title: "Linen Shirt - Blue" }),
    product("p2", { productType: "Shirts", title: "Linen Shirt - White" }),
    product("p3", { productType: "Shirts", title: "Oxford Shirt" }),
    product("p4", { productType: "Pants", title: "Chinos" }),
    product("p5", { productType: "Pants", title: "Shorts", priceCents: 1400 }),
  ];
  const orders = ["p1", "p2", "p3", "p4", "p5"].flatMap((id, k) => Array.from({ length: 10 - k }, () => order(null, [id], NOW - DAY)));
  const m = StoreModel.build({ products, customers: [], orders });

  it("drops near-duplicate titles and caps a product type", () => {
    const rows = ids(m, { strategy: "trending", context: ctx(), limit: 5, filters: { maxPerProductType: 1 } });
    expect(rows).toEqual(["p1", "p4"]);
    expect(ids(m, { strategy: "trending", context: ctx(), limit: 5 })).toEqual(["p1", "p3", "p4", "p5"]);
  });

  it("puts eligible pins first and honours exclusions and the price ceiling", () => {
    const rows = recommend(m, {
      strategy: "trending",
      context: ctx({ cart: [{ productId: "p4", quantity: 1 }] }),
      limit: 3,
      filters: { pinnedProductIds: ["p4", "p5"], excludeProductIds: ["p3"], maxPriceCents: 1500 },
    });
    expect(rows[0]).toMatchObject({ productId: "p5", reason: "Handpicked by the shop" });
    expect(rows.map((r) => r.productId)).toEqual(["p5", "p1"]);
  });
});
