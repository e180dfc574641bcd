import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { CatalogProduct, CustomerFact, OrderFact, OrderLineFact } from "../types";
import { anonymousProfile, buildProfile } from "./build";
import { daysUntilBirthday, priceBandsFromPrices, quintileCuts } from "./stats";

const DAY = 86_400_000;
const NOW = Date.UTC(2025, 5, 15, 12); // 2025-06-15 12:00 UTC

function product(id: string, over: Partial<CatalogProduct> = {}): CatalogProduct {
  return {
    id,
    title: `P${id}`,
    handle: `p-${id}`,
    productType: "Shirts",
    vendor: "Acme",
    tags: [],
    collections: [],
    priceCents: 2000,
    available: true,
    published: true,
    createdAt: 0,
    ...over,
  };
}

const CATALOG = new Map<string, CatalogProduct>([
  ["101", product("101", { productType: "Coffee", vendor: "Roastery", tags: ["Organic"], collections: ["morning"] })],
  ["102", product("102", { productType: "Mugs", vendor: "Clayworks", tags: ["gift"], collections: ["kitchen"] })],
  ["103", product("103", { productType: "Tea", vendor: "Roastery", tags: ["organic", "loose-leaf"], collections: ["morning"] })],
]);
const lookup = (id: string) => CATALOG.get(id);

let seq = 0;
function order(daysAgo: number, lines: OrderLineFact[], over: Partial<OrderFact> = {}): OrderFact {
  const total = lines.reduce((s, l) => s + l.quantity * l.priceCents, 0);
  return { id: String(++seq), customerId: "1", createdAt: NOW - daysAgo * DAY, totalCents: total, lines, ...over };
}
const line = (productId: string, quantity = 1, priceCents = 2000, refundedQuantity = 0): OrderLineFact => ({
  productId,
  quantity,
  priceCents,
  refundedQuantity,
});
const customer = (over: Partial<CustomerFact> = {}): CustomerFact => ({ id: "1", createdAt: 0, tags: [], ...over });

describe("buildProfile: counting orders, refunds and cancellations", () => {
  it("a customer with no orders is a non-buyer with neutral scores", () => {
    const p = buildProfile(customer(), [], lookup, NOW);
    expect(p.ordersCount).toBe(0);
    expect(p.buyerType).toBe("none");
    expect(p.recencyDays).toBeNull();
    expect(p.lifetimeValueCents).toBe(0);
    expect(p.averageOrderValueCents).toBe(0);
    expect(p.rfm).toEqual({ recency: 1, frequency: 1, monetary: 1, code: "111" });
    expect(p.churn).toEqual({ ratio: null, expectedIntervalDays: null, level: "none" });
  });

  it("ignores cancelled orders entirely (spend, count, recency, affinities)", () => {
    const p = buildProfile(customer(), [order(100, [line("101")]), order(5, [line("102", 1, 9000)], { cancelled: true })], lookup, NOW);
    expect(p.ordersCount).toBe(1);
    expect(p.buyerType).toBe("first_time");
    expect(p.recencyDays).toBe(100);
    expect(p.lifetimeValueCents).toBe(2000);
    expect(p.affinities.productTypes.map((a) => a.value)).toEqual(["coffee"]);
  });

  it("deducts refunded units from spend and does not count a fully refunded order as a purchase", () => {
    const partly = order(20, [line("101", 2, 1500, 1), line("102", 1, 3000)], { totalCents: 6500 }); // 500 shipping
    const fully = order(3, [line("103", 1, 4000, 1)]);
    const p = buildProfile(customer(), [partly, fully], lookup, NOW);
    expect(p.ordersCount).toBe(1);
    expect(p.lifetimeValueCents).toBe(6500 - 1500);
    expect(p.recencyDays).toBe(20); // the refunded order is not the last purchase
    expect(p.products.map((x) => x.productId).sort()).toEqual(["101", "102"]);
    expect(p.affinities.productTypes.map((a) => a.value)).not.toContain("tea");
  });

  it("clamps net spend at zero when refunds exceed the order total (e.g. discounts)", () => {
    const p = buildProfile(customer(), [order(10, [line("101", 3, 1000, 2)], { totalCents: 1500 })], lookup, NOW);
    expect(p.lifetimeValueCents).toBe(0);
    expect(p.ordersCount).toBe(1);
  });

  it("accepts orders in any sequence and computes the same profile", () => {
    const hist = [order(300, [line("101")]), order(200, [line("102")]), order(10, [line("103")])];
    const a = buildProfile(customer(), hist, lookup, NOW);
    const b = buildProfile(customer(), [...hist].reverse(), lookup, NOW);
    expect(b).toEqual(a);
  });
});

describe("buildProfile: RFM, value and buyer type", () => {
  it("computes AOV, LTV and window-limited frequency/monetary", () => {
    const hist = [order(500, [line("101", 1, 10_000)]), order(100, [line("102", 1, 4_000)]), order(10, [line("103", 1, 6_000)])];
    const p = buildProfile(customer(), hist, lookup, NOW);
    expect(p.ordersCount).toBe(3);
    expect(p.buyerType).toBe("returning");
    expect(p.lifetimeValueCents).toBe(20_000);
    expect(p.averageOrderValueCents).toBe(6_667);
    expect(p.frequency).toBe(2); // the 500-day-old order is outside the 365-day window
    expect(p.monetaryCents).toBe(10_000);
    // R: 10 days ≤ 30 → 5; F: 2 orders → 2; M: $100 ≥ $75 → 3
    expect(p.rfm.code).toBe("523");
  });

  it("scores recency at the documented boundaries", () => {
    const r = (days: number) => buildProfile(customer(), [order(days, [line("101")])], lookup, NOW).rfm.recency;
    expect([r(0), r(30), r(31), r(90), r(91), r(180), r(181), r(365), r(366)]).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1]);
  });

  it("takes custom thresholds such as the shop's quintiles", () => {
    const cuts = quintileCuts([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(cuts).toEqual([200, 400, 600, 800]);
    const p = buildProfile(customer(), [order(1, [line("101", 1, 650)])], lookup, NOW, {
      rfmThresholds: { recencyDays: [30, 90, 180, 365], frequency: [2, 3, 4, 6], monetaryCents: cuts },
    });
    expect(p.rfm.monetary).toBe(4);
  });
});

describe("buildProfile: intervals and churn", () => {
  it("uses the median gap between orders and the median gap per product", () => {
    // orders 100, 70, 40, 0 days ago → gaps 30, 30, 40 → median 30
    const hist = [
      order(100, [line("101"), line("102")]),
      order(70, [line("101")]),
      order(40, [line("101"), line("101")]), // same product twice in one order is one purchase
      order(0, [line("103")]),
    ];
    const p = buildProfile(customer(), hist, lookup, NOW);
    expect(p.medianOrderIntervalDays).toBe(30);
    const coffee = p.products.find((x) => x.productId === "101")!;
    expect(coffee.purchases).toBe(3);
    expect(coffee.medianIntervalDays).toBe(30);
    expect(coffee.dueInDays).toBeCloseTo(-10); // last bought 40 days ago, usual gap 30
    expect(p.products.find((x) => x.productId === "102")!.medianIntervalDays).toBeNull();
    expect(p.products[0].productId).toBe("103"); // most recently bought first
  });

  it("churn ratio = days since last order / own median interval", () => {
    const hist = [order(80, [line("101")]), order(60, [line("101")]), order(40, [line("101")])];
    const p = buildProfile(customer(), hist, lookup, NOW);
    expect(p.churn.expectedIntervalDays).toBe(20);
    expect(p.churn.ratio).toBeCloseTo(2);
    expect(p.churn.level).toBe("at_risk");
  });

  it("one-order customers are judged against the shop default interval", () => {
    const p = buildProfile(customer(), [order(45, [line("101")])], lookup, NOW, { defaultReorderIntervalDays: 30 });
    expect(p.churn.ratio).toBeCloseTo(1.5);
    expect(p.churn.level).toBe("at_risk");
    const q = buildProfile(customer(), [order(45, [line("101")])], lookup, NOW);
    expect(q.churn.expectedIntervalDays).toBe(90);
    expect(q.churn.level).toBe("active");
    const lapsed = buildProfile(customer(), [order(300, [line("101")])], lookup, NOW);
    expect(lapsed.churn.level).toBe("lapsed");
  });

  it("same-day repeat orders do not make the expected interval zero", () => {
    const p = buildProfile(customer(), [order(10, [line("101")]), order(10, [line("102")])], lookup, NOW);
    expect(p.churn.expectedIntervalDays).toBe(1);
    expect(Number.isFinite(p.churn.ratio!)).toBe(true);
  });
});

describe("buildProfile: affinities", () => {
  it("decays with the half-life and normalises the strongest to 1", () => {
    // Tea bought today, coffee 90 days ago (one half-life) → coffee = 0.5 of tea.
    const p = buildProfile(customer(), [order(90, [line("101")]), order(0, [line("103")])], lookup, NOW, { halfLifeDays: 90 });
    expect(p.affinities.productTypes).toEqual([
      { value: "tea", score: 1 },
      { value: "coffee", score: 0.5 },
    ]);
    // Both are Roastery; tags are lowercased so "Organic" and "organic" add up.
    expect(p.affinities.vendors).toEqual([{ value: "roastery", score: 1 }]);
    expect(p.affinities.tags[0]).toEqual({ value: "organic", score: 1 });
    expect(p.affinities.tags.find((t) => t.value === "loose-leaf")!.score).toBeCloseTo(1 / 1.5);
    expect(p.affinities.collections).toEqual([{ value: "morning", score: 1 }]);
  });

  it("keeps only the top N per dimension", () => {
    const hist = [order(1, [line("101")]), order(2, [line("102")]), order(3, [line("103")])];
    const p = buildProfile(customer(), hist, lookup, NOW, { topN: 2 });
    expect(p.affinities.productTypes.map((a) => a.value)).toEqual(["coffee", "mugs"]);
  });

  it("merges quiz answers (customer's and this session's) as fresh purchases", () => {
    const p = buildProfile(
      customer({ quizAnswers: { preferred_brand: ["Clayworks"], style: ["Minimal"] } }),
      [order(90, [line("101")])],
      lookup,
      NOW,
      { quizAnswers: { product_type: ["Tea"] } },
    );
    expect(p.affinities.vendors[0]).toEqual({ value: "clayworks", score: 1 });
    expect(p.affinities.vendors[1].value).toBe("roastery");
    expect(p.affinities.tags[0]).toEqual({ value: "minimal", score: 1 });
    expect(p.affinities.productTypes.map((a) => a.value)).toEqual(["tea", "coffee"]);
  });

  it("survives hostile quiz keys and values from the storefront", () => {
    const answers = JSON.parse('{"__proto__": ["x"], "constructor": ["Brand"], "type": "not-a-list", "brand": [1, "Acme"]}');
    const p = buildProfile(customer(), [], lookup, NOW, { quizAnswers: answers, quizDimensions: {} });
    expect(p.affinities.vendors).toEqual([{ value: "acme", score: 1 }]);
    expect(p.affinities.tags.map((a) => a.value).sort()).toEqual(["brand", "x"]);
  });

  it("scores stay within 0..1 and are sorted, whatever the history", () => {
    const ids = ["101", "102", "103", "999"];
    const arbOrder = fc.record({
      daysAgo: fc.integer({ min: -5, max: 1000 }),
      lines: fc.array(fc.record({ productId: fc.constantFrom(...ids), quantity: fc.integer({ min: 1, max: 3 }), refunded: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 4 }),
      cancelled: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbOrder, { maxLength: 15 }), (raw) => {
        const hist = raw.map((o) => order(o.daysAgo, o.lines.map((l) => line(l.productId, l.quantity, 1000, l.refunded)), { cancelled: o.cancelled }));
        const p = buildProfile(customer(), hist, lookup, NOW);
        for (const list of Object.values(p.affinities)) {
          for (let i = 0; i < list.length; i++) {
            expect(list[i].score).toBeGreaterThan(0);
            expect(list[i].score).toBeLessThanOrEqual(1);
            if (i > 0) expect(list[i].score).toBeLessThanOrEqual(list[i - 1].score);
          }
          if (list.length) expect(list[0].score).toBe(1);
        }
        expect(p.lifetimeValueCents).toBeGreaterThanOrEqual(0);
        expect(p.ordersCount).toBeLessThanOrEqual(hist.filter((o) => !o.cancelled).length);
      }),
    );
  });
});

describe("buildProfile: price band, location, birthday", () => {
  it("places the typical unit price in the shop's tertiles", () => {
    const bands = priceBandsFromPrices([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(bands).toEqual({ budgetBelowCents: 3000, premiumFromCents: 5000 });
    const band = (price: number) => buildProfile(customer(), [order(1, [line("101", 1, price)])], lookup, NOW, { priceBands: bands }).priceBand;
    expect([band(2999), band(3000), band(4999), band(5000)]).toEqual(["budget", "mid", "mid", "premium"]);
    expect(buildProfile(customer(), [order(1, [line("101")])], lookup, NOW).priceBand).toBeNull();
  });

  it("prefers the last order's shipping address, else the customer's", () => {
    const c = customer({ countryCode: "CA", provinceCode: "QC" });
    const p = buildProfile(c, [order(50, [line("101")], { countryCode: "fr" }), order(5, [line("101")], { countryCode: "US", provinceCode: "NY" })], lookup, NOW);
    expect(p.location).toEqual({ country: "US", province: "NY", source: "order" });
    expect(buildProfile(c, [order(5, [line("101")])], lookup, NOW).location).toEqual({ country: "CA", province: "QC", source: "customer" });
    expect(buildProfile(customer(), [], lookup, NOW).location.source).toBeNull();
  });

  it("reports days until the birthday and whether it is inside the window", () => {
    const p = buildProfile(customer({ birthday: "06-20" }), [], lookup, NOW);
    expect(p.birthday).toEqual({ date: "06-20", daysUntil: 5, withinWindow: true });
    expect(buildProfile(customer({ birthday: "06-14" }), [], lookup, NOW).birthday.daysUntil).toBe(364);
    expect(buildProfile(customer({ birthday: "06-15" }), [], lookup, NOW).birthday.daysUntil).toBe(0);
    expect(buildProfile(customer({ birthday: "13-01" }), [], lookup, NOW).birthday).toEqual({ date: null, daysUntil: null, withinWindow: false });
  });

  it("celebrates Feb 29 birthdays on Feb 28 in common years and respects the shop's offset", () => {
    expect(daysUntilBirthday(2, 29, Date.UTC(2025, 1, 27), 0)).toBe(1);
    expect(daysUntilBirthday(2, 29, Date.UTC(2024, 1, 27), 0)).toBe(2);
    // 23:00 UTC on Dec 31 is already Jan 1 in UTC+2.
    expect(daysUntilBirthday(1, 1, Date.UTC(2025, 11, 31, 23), 120)).toBe(0);
  });
});

describe("anonymousProfile", () => {
  it("uses nothing but the session's quiz answers", () => {
    const p = anonymousProfile(NOW, { collection: ["Summer"] });
    expect(p.customerId).toBeNull();
    expect(p.ordersCount).toBe(0);
    expect(p.affinities.collections).toEqual([{ value: "summer", score: 1 }]);
  });
});
