/** The per-store profile cache in decide(): reused between requests, never stale. */
import { describe, expect, it } from "vitest";
import { DEFAULT_SHOP_CONFIG, decide, withDefaults } from "./decide";
import { StoreModel } from "./model/store-model";
import { recommenderFor } from "./recs/recommend";
import { DAY, T0, customer, order, product } from "./model/test-store";
import type { ShopperContext } from "./types";

const now = T0 + 10 * DAY;
const ctx = (over: Partial<ShopperContext> = {}): ShopperContext => ({ placement: "home", customerId: "7", now, ...over });

function store() {
  const products = ["1", "2", "3", "4"].map((id) => product(id));
  return StoreModel.build({ products, customers: [customer("7")], orders: [order("7", ["1"], T0)] });
}

describe("decide() profile cache", () => {
  it("sees a new order at once: first-time buyer becomes repeat buyer", () => {
    const m = store();
    const deps = { store: m, recommender: recommenderFor(m), config: DEFAULT_SHOP_CONFIG };
    expect(decide(deps, ctx(), { limit: 4 }).segments).toContain("first_time_buyer");
    expect(decide(deps, ctx(), { limit: 4 }).segments).toContain("first_time_buyer"); // served from the cache
    m.upsertOrder(order("7", ["2"], T0 + 5 * DAY));
    const after = decide(deps, ctx(), { limit: 4 }).segments;
    expect(after).toContain("repeat_buyer");
    expect(after).not.toContain("first_time_buyer");
  });

  it("sees a changed customer record and a changed config at once", () => {
    const m = store();
    const deps = { store: m, recommender: recommenderFor(m), config: DEFAULT_SHOP_CONFIG };
    expect(decide(deps, ctx(), { limit: 4 }).segments).toContain("first_time_buyer");
    m.upsertCustomer(customer("7", { personalizationOptOut: true }));
    expect(decide(deps, ctx(), { limit: 4 }).segments).not.toContain("first_time_buyer"); // opted out: no personal segments
    m.upsertCustomer(customer("7"));
    const vip = withDefaults({ vipThresholdCents: 500 });
    expect(decide({ ...deps, config: vip }, ctx(), { limit: 4 }).segments).toContain("vip");
    expect(decide(deps, ctx(), { limit: 4 }).segments).not.toContain("vip");
  });

  it("keeps shoppers apart", () => {
    const m = store();
    m.upsertCustomer(customer("8"));
    const deps = { store: m, recommender: recommenderFor(m), config: DEFAULT_SHOP_CONFIG };
    expect(decide(deps, ctx(), { limit: 4 }).segments).toContain("first_time_buyer");
    expect(decide(deps, ctx({ customerId: "8" }), { limit: 4 }).segments).not.toContain("first_time_buyer");
  });

  it("builds a shopper's profile once: their next request is served from the cache while it has room", () => {
    const m = store();
    let builds = 0;
    // Profiles are built from ordersOf(); count those calls through a view of the same store.
    const counted = new Proxy(m, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (key === "ordersOf") builds++;
          return value.apply(target, args);
        };
      },
    });
    const deps = { store: counted, recommender: recommenderFor(m), config: DEFAULT_SHOP_CONFIG };
    decide(deps, ctx(), { limit: 4 });
    decide(deps, ctx(), { limit: 4 });
    decide(deps, ctx({ placement: "product", productId: "1" }), { limit: 4 });
    expect(builds).toBe(1);
    m.upsertOrder(order("7", ["2"], T0 + 5 * DAY));
    decide(deps, ctx(), { limit: 4 });
    expect(builds).toBe(2); // a new order: rebuilt
  });
});
