import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decide, withDefaults, type ShopConfig } from "./decide";
import { FakeStore, fakeProduct } from "./decide.test-helpers";
import type { Rule } from "./rules/rule";
import { DEFAULT_SHOP_CONFIG } from "./rules/config";
import type { OrderFact, ShopperContext, StrategyName } from "./types";

const NOW = Date.UTC(2025, 5, 15);
const DAY = 86_400_000;
const products = Array.from({ length: 30 }, (_, i) => fakeProduct(String(100 + i), { productType: i % 2 ? "Tea" : "Mugs" }));

function order(id: string, daysAgo: number, totalCents: number, productId = "100"): OrderFact {
  return { id, customerId: "1", createdAt: NOW - daysAgo * DAY, totalCents, countryCode: "US", lines: [{ productId, quantity: 1, priceCents: totalCents }] };
}

function store(): FakeStore {
  return new FakeStore(products)
    .addCustomer({ id: "1", createdAt: 0, tags: [] }, [order("9001", 100, 60_000), order("9002", 20, 64_000)]) // VIP: $1,240
    .addCustomer({ id: "2", createdAt: 0, tags: [], personalizationOptOut: true }, [order("9003", 10, 500_000)])
    .script("picked_for_you", ["110", "111"])
    .script("recently_viewed", ["111", "112"])
    .script("trending", ["101", "110", "113", "114", "115", "116", "117", "118"])
    .script("bought_together", ["120", "121", "122"])
    .script("also_bought", ["121", "123"])
    .script("similar_products", ["124"])
    .script("cart_complements", ["125"]);
}

const ctx = (over: Partial<ShopperContext> = {}): ShopperContext => ({ placement: "home", customerId: null, now: NOW, ...over });
const rule = (id: string, over: Partial<Rule> = {}): Rule => ({
  id,
  name: `Rule ${id}`,
  segmentIds: [],
  placements: ["home"],
  content: { heading: `Heading ${id}` },
  strategy: "new_arrivals",
  priority: 0,
  enabled: true,
  ...over,
});
/** Every visitor offer turned on (a fresh shop has them all off), the codes created in Shopify. */
const OFFERS_ON: Partial<ShopConfig> = {
  visitorOffers: Object.fromEntries(
    Object.entries(DEFAULT_SHOP_CONFIG.visitorOffers).map(([k, v]) => [k, { ...v, enabled: true, discountCode: k === "welcome" ? "WELCOME10" : k === "winBack" ? "COMEBACK15" : null }]),
  ) as unknown as ShopConfig["visitorOffers"],
};
const run = (s: FakeStore, config: Partial<ShopConfig>, c: ShopperContext, limit = 4) => decide({ store: s, recommender: s, config: withDefaults(config) }, c, { limit });

describe("decide", () => {
  it("a guest on home with no rules gets the default strategy, filled from its fallback chain", () => {
    const s = store();
    const d = run(s, {}, ctx());
    expect(d.rule).toBeNull();
    expect(d.strategy).toBe("picked_for_you");
    expect(d.segments).toEqual(["new_visitor"]);
    expect(d.content).toEqual({}); // no merchant content without a rule: blocks use their own headings
    // 110, 111 from picked_for_you; 112 from recently_viewed (111 deduplicated); 101 from trending.
    expect(d.products.map((p) => [p.productId, p.strategy])).toEqual([
      ["110", "picked_for_you"],
      ["111", "picked_for_you"],
      ["112", "recently_viewed"],
      ["101", "trending"],
    ]);
    expect(d.products[2].reason).toBe("recently_viewed #2"); // each item keeps its own reason
    expect(d.explanation).toEqual([
      "no rule matched on home: default strategy picked_for_you",
      "strategy picked_for_you: 2 of 4 products",
      "filled 1 from fallback recently_viewed",
      "filled 1 from fallback trending",
    ]);
    expect(s.requests.map((r) => r.strategy)).toEqual(["picked_for_you", "recently_viewed", "trending"]);
  });

  it("a VIP matches the VIP rule, and the decision explains which segment and why", () => {
    const s = store();
    const offer = { id: "o1", kind: "discount_code" as const, title: "VIP 15%", code: "VIP15", percentOff: 15 };
    const d = run(s, { rules: [rule("1", { segmentIds: ["vip"], priority: 10, name: "VIP row", offer, strategy: "trending" }), rule("2", { priority: 1 })] }, ctx({ customerId: "1" }));
    expect(d.rule).toEqual({ id: "1", name: "VIP row" });
    expect(d.segments).toEqual(expect.arrayContaining(["returning_visitor", "repeat_buyer", "vip"]));
    expect(d.explanation.slice(0, 2)).toEqual(['rule "VIP row" (priority 10) matched', "segment VIP: lifetime value $1,240 ≥ $1,000"]);
    expect(d.offer).toEqual(offer);
    expect(d.content).toEqual({ heading: "Heading 1" });
    expect(d.personalized).toBe(true);
    // The recommender owns the ranking; decide keeps its order.
    expect(d.products.map((p) => p.productId)).toEqual(["101", "110", "113", "114"]);
  });

  it("explains skipped higher-priority rules", () => {
    const d = run(store(), { rules: [rule("1", { segmentIds: ["vip"], priority: 10, name: "VIP row" }), rule("2", { priority: 1, name: "Everyone" })] }, ctx());
    expect(d.rule?.id).toBe("2");
    expect(d.explanation).toContain('skipped rule "VIP row" (priority 10): shopper is not in segment VIP');
  });

  it("lists skipped rules and matched segments as data, and sends the winning rule's filters merged with the shop's", () => {
    const s = store();
    const filters = { maxPriceCents: 3_000, pinnedProductIds: ["129"], excludeProductIds: ["113"], maxPerProductType: 2 };
    const config = { filters: { maxPriceCents: 5_000, excludeProductIds: ["114"] }, rules: [rule("1", { segmentIds: ["vip"], priority: 10, name: "VIP row" }), rule("2", { priority: 1, name: "Everyone", filters })] };
    const d = run(s, config, ctx());
    expect(d.skipped).toEqual([{ id: "1", name: "VIP row", priority: 10, reason: "shopper is not in segment VIP" }]);
    expect(d.matched?.map((m) => m.id)).toEqual(d.segments);
    expect(s.requests.at(-1)!.filters).toEqual({ maxPriceCents: 3_000, excludeProductIds: ["114", "113"], pinnedProductIds: ["129"], maxPerProductType: 2 });
    // A rule without filters leaves the shop's filters object as it is.
    const s2 = store();
    run(s2, { ...config, rules: [rule("3")] }, ctx());
    expect(s2.requests.at(-1)!.filters).toBe(config.filters);
  });

  it("an opted-out customer gets context segments only and trending only, with no personal signals sent", () => {
    const s = store();
    const d = run(
      s,
      { rules: [rule("1", { segmentIds: ["vip"], priority: 10, strategy: "buy_again" }), rule("2", { segmentIds: ["device:mobile"], priority: 5, strategy: "picked_for_you" })] },
      ctx({ customerId: "2", device: "mobile", recentlyViewed: ["120"], quizAnswers: { style: ["boho"] } }),
    );
    expect(d.personalized).toBe(false);
    expect(d.segments).toEqual(["returning_visitor", "device:mobile"]);
    expect(d.rule?.id).toBe("2");
    expect(d.strategy).toBe("trending");
    expect(d.products.every((p) => p.strategy === "trending")).toBe(true);
    expect(s.requests.map((r) => r.strategy)).toEqual(["trending"]);
    expect(s.requests[0].context.customerId).toBeNull();
    expect(s.requests[0].context.recentlyViewed).toEqual([]);
    expect(s.requests[0].context.quizAnswers).toBeUndefined();
    expect(d.explanation[0]).toBe("customer opted out of personalization: context-only segments, trending products");
  });

  it("never recommends the viewed product or cart items, and never the same product twice", () => {
    const s = store().script("bought_together", ["120", "100", "121"]).script("also_bought", ["121", "122", "123"]);
    const d = run(s, {}, ctx({ placement: "product", productId: "100", cart: [{ productId: "122", quantity: 1 }] }), 4);
    expect(d.strategy).toBe("bought_together");
    expect(d.products.map((p) => p.productId)).toEqual(["120", "121", "123", "124"]);
    expect(d.products.map((p) => p.strategy)).toEqual(["bought_together", "bought_together", "also_bought", "similar_products"]);
  });

  it("a failing strategy is skipped and reported, the chain continues", () => {
    const s = store().fail("picked_for_you");
    const d = run(s, {}, ctx(), 2);
    expect(d.products.map((p) => p.productId)).toEqual(["111", "112"]);
    expect(d.explanation).toContain("strategy picked_for_you failed: picked_for_you index not built");
  });

  it("uses the merchant's fallback chain override and reports shortfalls", () => {
    const s = store();
    const d = run(s, { fallbacks: { picked_for_you: ["cart_complements"] } }, ctx(), 5);
    expect(d.products.map((p) => p.productId)).toEqual(["110", "111", "125"]);
    expect(d.explanation.at(-1)).toBe("only 3 of 5 products available");
  });

  it("targets dimension segments such as the traffic source", () => {
    const d = run(store(), { rules: [rule("7", { segmentIds: ["source:pinterest"], strategy: "trending", name: "Pinterest" })] }, ctx({ trafficSource: "pinterest" }));
    expect(d.rule?.id).toBe("7");
    expect(d.explanation[1]).toBe("segment Traffic from pinterest: traffic source is pinterest");
  });

  it("merchant segments take part; an invalid stored segment is ignored rather than failing the page", () => {
    const segments = [
      { id: "50", name: "Tea drinkers", condition: { field: "affinity_product_types", op: "contains", value: "tea" } },
      { id: "51", name: "Broken", condition: { field: "nope", op: "eq", value: 1 } },
    ] as ShopConfig["segments"];
    const s = store().addCustomer({ id: "3", createdAt: 0, tags: [] }, [order("9100", 5, 2_000, "101")]);
    const d = run(s, { segments, rules: [rule("8", { segmentIds: ["50"], name: "Tea" })] }, ctx({ customerId: "3" }));
    expect(d.segments).toContain("50");
    expect(d.rule?.id).toBe("8");
    expect(d.explanation[1]).toBe("segment Tea drinkers: favourite product types include tea (tea)");
  });

  it("reads orders for a logged-in customer whose record has not synced yet", () => {
    const s = store().addOrders("4", [order("9200", 3, 150_000)]);
    const d = run(s, {}, ctx({ customerId: "4" }));
    expect(d.segments).toEqual(expect.arrayContaining(["first_time_buyer", "vip"]));
  });

  it("the app embed shows a visitor offer and no products, even under a rule", () => {
    const s = store();
    const d = run(s, { ...OFFERS_ON, rules: [rule("9", { placements: ["app_embed"], strategy: "trending", content: { message: "Hi" } })] }, ctx({ placement: "app_embed" }));
    expect(d.strategy).toBeNull();
    expect(d.products).toEqual([]);
    expect(s.requests).toEqual([]);
    expect(d.content).toEqual({ message: "Hi" });
    expect(d.visitorOffer?.kind).toBe("welcome");
    expect(d.explanation.at(-1)).toBe("visitor offer welcome: first visit");
    expect(run(store(), {}, ctx({ placement: "home" })).visitorOffer).toBeUndefined();
  });

  it("prices unpriced cart lines from the catalogue for cart-value offers", () => {
    const cart = [{ productId: "100", quantity: 10 }]; // 10 x $20 = $200
    const d = run(store(), OFFERS_ON, ctx({ placement: "app_embed", cart }));
    expect(d.visitorOffer?.kind).toBe("priority_support");
  });

  it("lapsed customers get the win-back offer; opted-out ones never get history-based offers", () => {
    const s = store().addCustomer({ id: "5", createdAt: 0, tags: [] }, [order("9300", 400, 1_000), order("9301", 370, 1_000)]);
    expect(run(s, OFFERS_ON, ctx({ placement: "app_embed", customerId: "5" })).visitorOffer?.kind).toBe("win_back");
    expect(run(s, OFFERS_ON, ctx({ placement: "app_embed", customerId: "2" })).visitorOffer?.kind).toBe("free_shipping_reminder");
  });

  it("whatever the recommender returns: at most `limit`, unique, never the viewed product or cart items", () => {
    const strategies: StrategyName[] = ["bought_together", "also_bought", "similar_products", "trending"];
    const idArb = fc.constantFrom(...products.slice(0, 12).map((p) => p.id));
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(idArb, { maxLength: 8 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 10 }), idArb, fc.array(idArb, { maxLength: 3 }), (lists, limit, viewed, cartIds) => {
        const s = new FakeStore(products);
        strategies.forEach((st, i) => s.script(st, lists[i]));
        const d = run(s, {}, ctx({ placement: "product", productId: viewed, cart: cartIds.map((productId) => ({ productId, quantity: 1 })) }), limit);
        const ids = d.products.map((p) => p.productId);
        expect(ids.length).toBeLessThanOrEqual(limit);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids).not.toContain(viewed);
        for (const c of cartIds) expect(ids).not.toContain(c);
        const available = new Set(lists.flat().filter((id) => id !== viewed && !cartIds.includes(id)));
        expect(ids.length).toBe(Math.min(limit, available.size)); // the chain is exhausted before giving up
      }),
      { numRuns: 300 },
    );
  });
});
