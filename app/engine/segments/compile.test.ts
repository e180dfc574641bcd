import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Condition, Leaf } from "./condition";
import { validateCondition } from "./condition";
import { compileCondition, evaluateCondition, explainCondition } from "./compile";
import { FIELDS, FIELD_NAMES, OPS_BY_TYPE, type FieldSpec, type Op } from "./fields";
import { subject, NOW } from "./segments.test-helpers";
import type { Device, Placement } from "../types";

const DAY = 86_400_000;

describe("compileCondition semantics", () => {
  const vip = subject({ lifetimeValueCents: 124_000, ordersCount: 5, tags: ["Wholesale"] }, { country: "fr", cart: [{ productId: "1", quantity: 2, priceCents: 1500 }] });

  it("compares strings and list items case-insensitively", () => {
    expect(compileCondition({ field: "country", op: "eq", value: "FR" })(vip)).toBe(true);
    expect(compileCondition({ field: "customer_tags", op: "contains", value: "wholesale" })(vip)).toBe(true);
    expect(compileCondition({ field: "country", op: "in", value: ["DE", "Fr"] })(vip)).toBe(true);
  });

  it("treats a missing value as matching nothing except exists:false", () => {
    const guest = subject();
    const c = (leaf: Leaf) => compileCondition(leaf)(guest);
    expect(c({ field: "days_since_last_order", op: "lt", value: 30 })).toBe(false);
    expect(c({ field: "days_since_last_order", op: "neq", value: 30 })).toBe(false);
    expect(c({ field: "country", op: "not_in", value: ["US"] })).toBe(false);
    expect(c({ field: "days_since_last_order", op: "exists", value: false })).toBe(true);
    expect(c({ field: "days_since_last_order", op: "exists" })).toBe(false);
    expect(c({ field: "cart_product_ids", op: "is_empty" })).toBe(true);
  });

  it("between is inclusive and money is in cents", () => {
    expect(compileCondition({ field: "cart_value_cents", op: "between", value: [3000, 3000] })(vip)).toBe(true);
    expect(compileCondition({ field: "lifetime_value_cents", op: "gte", value: 124_001 })(vip)).toBe(false);
  });

  it("explains a match with the shopper's own values", () => {
    const c: Condition = { all: [{ field: "lifetime_value_cents", op: "gte", value: 100_000 }, { any: [{ field: "device", op: "eq", value: "mobile" }, { field: "country", op: "eq", value: "FR" }] }, { not: { field: "returning_visitor", op: "eq", value: true } }] };
    expect(explainCondition(c, vip)).toEqual(["lifetime value $1,240 ≥ $1,000", "visitor country FR = FR", "not returning visitor"]);
    expect(explainCondition(c, subject())).toEqual([]);
    expect(explainCondition({ field: "affinity_tags", op: "contains_any", value: ["linen"] }, subject({ affinities: { productTypes: [], vendors: [], collections: [], tags: [{ value: "linen", score: 1 }] } }))).toEqual([
      "favourite product tags include any of linen (linen)",
    ]);
  });
});

// ------------------------------------------------------------------ property: compiled == interpreted

const STRINGS = ["us", "FR", "pinterest", "instagram", "direct", "mobile", "vip", "linen", "1", "2", "3", "tea"];

function valueArb(f: FieldSpec, op: Op): fc.Arbitrary<unknown> {
  const str = f.values ? fc.constantFrom(...f.values) : fc.constantFrom(...STRINGS);
  const num = f.type === "money" ? fc.constantFrom(0, 1000, 5000, 100_000) : fc.constantFrom(0, 1, 2, 3, 5, 30, 1.5);
  switch (op) {
    case "exists":
    case "is_empty":
      return fc.option(fc.boolean(), { nil: undefined });
    case "between":
      return fc.tuple(num, num).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
    case "in":
    case "not_in":
    case "contains_any":
    case "contains_all":
      return fc.array(str, { minLength: 1, maxLength: 3 });
    default:
      if (f.type === "number" || f.type === "money") return num;
      if (f.type === "boolean") return fc.boolean();
      return str;
  }
}

const leafArb: fc.Arbitrary<Condition> = fc
  .constantFrom(...FIELD_NAMES)
  .chain((name) => fc.constantFrom(...OPS_BY_TYPE[FIELDS[name].type]).map((op) => [name, op] as const))
  .chain(([field, op]) => valueArb(FIELDS[field], op).map((value) => (value === undefined ? { field, op } : { field, op, value }) as Condition));

const treeArb: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.array(tie("node"), { minLength: 1, maxLength: 4 }).map((all) => ({ all })),
    fc.array(tie("node"), { minLength: 1, maxLength: 4 }).map((any) => ({ any })),
    tie("node").map((not) => ({ not })),
  ),
})).node.filter((c) => validateCondition(c).ok);

const listArb = fc.array(fc.constantFrom(...STRINGS.map((s) => s.toLowerCase())), { maxLength: 3 });
const affinityArb = listArb.map((l) => [...new Set(l)].map((value) => ({ value, score: 1 })));

const subjectArb = fc
  .record({
    ordersCount: fc.integer({ min: 0, max: 6 }),
    recencyDays: fc.option(fc.constantFrom(0, 5, 30, 200), { nil: null }),
    ltv: fc.constantFrom(0, 1000, 5000, 100_000, 250_000),
    ratio: fc.option(fc.constantFrom(0, 1, 1.5, 3, 5), { nil: null }),
    band: fc.option(fc.constantFrom("budget", "mid", "premium" as const), { nil: null }),
    tags: listArb,
    country: fc.option(fc.constantFrom("us", "FR", "de"), { nil: null }),
    aff: affinityArb,
    birthday: fc.option(fc.integer({ min: 0, max: 364 }), { nil: null }),
    ctxCountry: fc.option(fc.constantFrom("US", "fr"), { nil: undefined }),
    source: fc.option(fc.constantFrom("pinterest", "direct", "google"), { nil: null }),
    device: fc.option(fc.constantFrom<Device>("mobile", "tablet", "desktop"), { nil: null }),
    returning: fc.boolean(),
    loggedIn: fc.boolean(),
    placement: fc.constantFrom<Placement>("home", "product", "cart"),
    cart: fc.array(fc.record({ productId: fc.constantFrom("1", "2", "3"), quantity: fc.integer({ min: 1, max: 3 }), priceCents: fc.constantFrom(500, 2500) }), { maxLength: 3 }),
    viewed: listArb,
    loyalty: fc.option(fc.record({ tierId: fc.option(fc.constantFrom(...STRINGS), { nil: null }), points: fc.constantFrom(0, 5, 30, 200), pending: fc.constantFrom(0, 30) }), { nil: null }),
  })
  .map((r) => ({
    loyalty: r.loyalty,
    ...subject(
      {
        ordersCount: r.ordersCount,
        buyerType: r.ordersCount === 0 ? "none" : r.ordersCount === 1 ? "first_time" : "returning",
        recencyDays: r.recencyDays,
        lastOrderAt: r.recencyDays === null ? null : NOW - r.recencyDays * DAY,
        lifetimeValueCents: r.ltv,
        averageOrderValueCents: r.ordersCount ? Math.round(r.ltv / r.ordersCount) : 0,
        churn: { ratio: r.ratio, expectedIntervalDays: r.ratio === null ? null : 30, level: r.ratio === null ? "none" : r.ratio >= 3 ? "lapsed" : "active" },
        priceBand: r.band,
        tags: r.tags,
        location: { country: r.country, province: null, source: r.country ? "order" : null },
        affinities: { productTypes: r.aff, vendors: r.aff.slice(1), tags: r.aff, collections: [] },
        birthday: { date: r.birthday === null ? null : "01-01", daysUntil: r.birthday, withinWindow: r.birthday !== null && r.birthday <= 7 },
        products: r.viewed.map((productId) => ({ productId, purchases: 1, lastPurchasedAt: NOW, medianIntervalDays: null, dueInDays: null })),
      },
      {
        country: r.ctxCountry,
        trafficSource: r.source,
        device: r.device,
        returningVisitor: r.returning,
        customerId: r.loggedIn ? "5" : null,
        placement: r.placement,
        cart: r.cart,
        recentlyViewed: r.viewed,
        productId: r.cart[0]?.productId ?? null,
      },
    ),
  }));

describe("compileCondition vs the reference interpreter", () => {
  it("agree on random valid trees and subjects", () => {
    fc.assert(
      fc.property(treeArb, fc.array(subjectArb, { minLength: 1, maxLength: 5 }), (tree, subjects) => {
        const compiled = compileCondition(tree);
        for (const s of subjects) expect(compiled(s)).toBe(evaluateCondition(tree, s));
      }),
      { numRuns: 1500 },
    );
  });

  it("explainCondition is non-empty exactly when the tree matches", () => {
    fc.assert(
      fc.property(treeArb, subjectArb, (tree, s) => {
        expect(explainCondition(tree, s).length > 0).toBe(evaluateCondition(tree, s));
      }),
      { numRuns: 500 },
    );
  });

  it("a compiled predicate evaluates in microseconds", () => {
    // Not a timing assertion (CI noise): a sanity bound 100x above the expected cost.
    const tree: Condition = {
      all: [
        { field: "lifetime_value_cents", op: "gte", value: 50_000 },
        { any: [{ field: "traffic_source", op: "in", value: ["pinterest", "instagram"] }, { field: "device", op: "eq", value: "mobile" }] },
        { not: { field: "customer_tags", op: "contains", value: "wholesale" } },
      ],
    };
    const p = compileCondition(tree);
    const s = subject({ lifetimeValueCents: 60_000 }, { trafficSource: "pinterest" });
    const n = 100_000;
    const t = performance.now();
    let hits = 0;
    for (let i = 0; i < n; i++) if (p(s)) hits++;
    const us = ((performance.now() - t) * 1000) / n;
    expect(hits).toBe(n);
    expect(us).toBeLessThan(50);
  });
});
