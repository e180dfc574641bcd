/**
 * Loyalty tier, points and pending points as segment fields: conditions on them validate, compile
 * and agree with the reference interpreter; non-members (and opted-out shoppers) match none of
 * them; and a rule targeting a tier applies through decide() and counts in segment sizes, reading
 * the standings a StoreModel holds.
 */
import { describe, expect, it } from "vitest";
import { decide, withDefaults } from "../decide";
import { StoreModel } from "../model/store-model";
import { customer, order, product, T0, DAY } from "../model/test-store";
import { recommenderFor } from "../recs/recommend";
import type { Rule } from "../rules/rule";
import type { LoyaltyStanding } from "../types";
import { compileCondition, evaluateCondition, explainCondition } from "./compile";
import { validateCondition, type Condition } from "./condition";
import { compileSegments } from "./match";
import { segmentSizes } from "./sizes";
import { summarizeCondition } from "./summary";
import type { SegmentSubject } from "./fields";
import { subject } from "./segments.test-helpers";

const member = (loyalty: LoyaltyStanding | null): SegmentSubject => ({ ...subject({}, { customerId: "1" }), loyalty });
const GOLD = member({ tierId: "gold", points: 1200, pending: 300 });
const SILVER_NO_PENDING = member({ tierId: "Silver", points: 80, pending: 0 });
const BELOW_TIERS = member({ tierId: null, points: 0, pending: 40 });
const NON_MEMBER = member(null);
const GUEST = subject();

const holds = (c: Condition, s: SegmentSubject) => {
  expect(validateCondition(c)).toMatchObject({ ok: true });
  const compiled = compileCondition(c)(s);
  expect(evaluateCondition(c, s), "the compiled predicate agrees with the interpreter").toBe(compiled);
  return compiled;
};

describe("loyalty segment fields", () => {
  it("tier compares case-insensitively against the tier id and is missing below every tier", () => {
    const gold: Condition = { field: "loyalty_tier", op: "eq", value: "GOLD" };
    expect([GOLD, SILVER_NO_PENDING, BELOW_TIERS, NON_MEMBER, GUEST].map((s) => holds(gold, s))).toEqual([true, false, false, false, false]);
    const either: Condition = { field: "loyalty_tier", op: "in", value: ["silver", "gold"] };
    expect([GOLD, SILVER_NO_PENDING, BELOW_TIERS, NON_MEMBER].map((s) => holds(either, s))).toEqual([true, true, false, false]);
    // Missing values satisfy no comparison, "is not gold" included: non-members are not "not gold" members.
    const notGold: Condition = { field: "loyalty_tier", op: "neq", value: "gold" };
    expect([GOLD, SILVER_NO_PENDING, BELOW_TIERS, NON_MEMBER].map((s) => holds(notGold, s))).toEqual([false, true, false, false]);
    expect([GOLD, BELOW_TIERS, NON_MEMBER].map((s) => holds({ field: "loyalty_tier", op: "exists" }, s))).toEqual([true, false, false]);
  });

  it("points and pending points compare as numbers; non-members have neither", () => {
    const rich: Condition = { field: "loyalty_points", op: "gte", value: 500 };
    expect([GOLD, SILVER_NO_PENDING, BELOW_TIERS, NON_MEMBER].map((s) => holds(rich, s))).toEqual([true, false, false, false]);
    const poor: Condition = { field: "loyalty_points", op: "lt", value: 100 };
    expect([GOLD, SILVER_NO_PENDING, BELOW_TIERS, NON_MEMBER].map((s) => holds(poor, s))).toEqual([false, true, true, false]);
    const waiting: Condition = { field: "loyalty_pending", op: "between", value: [1, 300] };
    expect([GOLD, SILVER_NO_PENDING, BELOW_TIERS, NON_MEMBER].map((s) => holds(waiting, s))).toEqual([true, false, true, false]);
    const isMember: Condition = { field: "loyalty_points", op: "exists" };
    expect([GOLD, BELOW_TIERS, NON_MEMBER, GUEST].map((s) => holds(isMember, s))).toEqual([true, true, false, false]);
  });

  it("validates operators and values by type, and counts as personal data", () => {
    const bad = validateCondition({ all: [{ field: "loyalty_points", op: "contains", value: "x" }, { field: "loyalty_tier", op: "gt", value: 3 }, { field: "loyalty_pending", op: "gte", value: "10" }] });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors.map((e) => e.path)).toEqual(["condition.all[0].op", "condition.all[1].op", "condition.all[2].value"]);
    const set = compileSegments([{ id: "gold", name: "Gold members", condition: { field: "loyalty_tier", op: "eq", value: "gold" } }]);
    expect(set.rejected).toEqual([]);
    expect(set.segments.find((s) => s.id === "gold")!.personal).toBe(true);
  });

  it("explains and summarizes in the merchant's words, with tier names when known", () => {
    const c: Condition = { all: [{ field: "loyalty_tier", op: "eq", value: "gold" }, { field: "loyalty_points", op: "gte", value: 500 }, { field: "loyalty_pending", op: "gt", value: 0 }] };
    expect(explainCondition(c, GOLD)).toEqual(["loyalty tier gold = gold", "points 1200 ≥ 500", "pending points 300 > 0"]);
    expect(summarizeCondition(c, { tierName: (id) => ({ gold: "Gold" })[id] })).toBe("Customers who are in the Gold loyalty tier, have at least 500 points and have over 0 pending points");
    expect(summarizeCondition({ field: "loyalty_points", op: "exists" })).toBe("Customers who are loyalty members");
  });
});

describe("loyalty segments in a decision", () => {
  const products = ["1", "2", "3", "4", "5"].map((id) => product(id, { createdAt: T0 - Number(id) * DAY }));
  const rule: Rule = { id: "r-gold", name: "Gold members see new arrivals", segmentIds: ["gold"], placements: ["home"], content: { heading: "For our Gold members" }, strategy: "new_arrivals", priority: 10, enabled: true };
  const config = withDefaults({ segments: [{ id: "gold", name: "Gold members", condition: { field: "loyalty_tier", op: "eq", value: "gold" } }], rules: [rule] });
  const build = () =>
    StoreModel.build({
      products,
      customers: [customer("1"), customer("2"), customer("3", { personalizationOptOut: true })],
      orders: [order("1", ["1"], T0 - 5 * DAY), order("2", ["2"], T0 - 4 * DAY)],
      loyalty: new Map([
        ["1", { tierId: "gold", points: 900, pending: 0 }],
        ["3", { tierId: "gold", points: 900, pending: 0 }],
      ]),
    });
  const home = (m: StoreModel, customerId: string | null) => decide({ store: m, recommender: recommenderFor(m), config }, { placement: "home", customerId, now: T0 }, { limit: 3 });

  it("a rule targeting tier gold applies to gold members only, and follows a member's standing as it changes", () => {
    const m = build();
    expect(home(m, "1").rule?.id).toBe("r-gold");
    expect(home(m, "1").segments).toContain("gold");
    expect(home(m, "1").matched!.find((s) => s.id === "gold")!.reasons).toEqual(["loyalty tier gold = gold"]);
    expect(home(m, "2").rule).toBeNull();
    expect(home(m, null).rule).toBeNull();
    // Opted out of automated decisions: loyalty fields are personal, so the rule does not apply.
    expect(home(m, "3").rule).toBeNull();

    m.setLoyalty("2", { tierId: "gold", points: 1000, pending: 0 });
    m.setLoyalty("1", { tierId: "silver", points: 100, pending: 0 });
    expect(home(m, "2").rule?.id).toBe("r-gold");
    expect(home(m, "1").rule).toBeNull();
    m.setLoyalty("2", null);
    expect(home(m, "2").rule).toBeNull();
  });

  it("segment sizes count members by tier (opted-out members excluded); a redaction forgets the standing", () => {
    const m = build();
    const set = compileSegments(config.segments);
    const count = () => segmentSizes(m.customers(), m, set, {}, T0).sizes.gold;
    expect(count()).toBe(1);
    m.removeCustomer("1");
    expect(m.loyaltyOf("1")).toBeUndefined();
    expect(count()).toBe(0);
  });
});
