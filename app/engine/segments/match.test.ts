import { describe, expect, it } from "vitest";
import { compileSegments, matchSegments } from "./match";
import { isDimensionSegmentId } from "./builtin";
import { subject } from "./segments.test-helpers";

const ids = (m: { id: string }[]) => m.map((x) => x.id);

describe("built-in segments", () => {
  const set = compileSegments([], { vipThresholdCents: 100_000, atRiskChurnRatio: 1.5, lapsedChurnRatio: 3 });
  const match = (s: ReturnType<typeof subject>, allowPersonal = true) => matchSegments(set, s, { allowPersonal });

  it("new vs returning visitor come from the request alone", () => {
    expect(ids(match(subject()))).toEqual(["new_visitor"]);
    expect(ids(match(subject({}, { returningVisitor: true })))).toEqual(["returning_visitor"]);
    expect(ids(match(subject({}, { customerId: "7" })))).toEqual(["returning_visitor"]);
  });

  it("first-time vs repeat buyer by counted orders", () => {
    expect(ids(match(subject({ ordersCount: 1 }, { customerId: "7" })))).toContain("first_time_buyer");
    const repeat = ids(match(subject({ ordersCount: 2 }, { customerId: "7" })));
    expect(repeat).toContain("repeat_buyer");
    expect(repeat).not.toContain("first_time_buyer");
  });

  it("VIP at the configured lifetime value, inclusive, and says why", () => {
    const at = match(subject({ lifetimeValueCents: 100_000, ordersCount: 3 }));
    expect(at.find((m) => m.id === "vip")!.reasons).toEqual(["lifetime value $1,000 ≥ $1,000"]);
    expect(ids(match(subject({ lifetimeValueCents: 99_999 })))).not.toContain("vip");
    const cheap = compileSegments([], { vipThresholdCents: 50_000, atRiskChurnRatio: 1.5, lapsedChurnRatio: 3 });
    expect(ids(matchSegments(cheap, subject({ lifetimeValueCents: 60_000 }), { allowPersonal: true }))).toContain("vip");
  });

  it("at risk and lapsed split on the churn ratio", () => {
    const churn = (ratio: number) => ids(match(subject({ churn: { ratio, expectedIntervalDays: 30, level: "active" } })));
    expect(churn(1.49)).not.toContain("at_risk");
    expect(churn(1.5)).toContain("at_risk");
    expect(churn(2.99)).toContain("at_risk");
    expect(churn(3)).toContain("lapsed");
    expect(churn(3)).not.toContain("at_risk");
  });

  it("adds dimension segments for country, traffic source and device", () => {
    const m = match(subject({}, { country: "fr", trafficSource: "Pinterest", device: "mobile" }));
    expect(ids(m)).toEqual(["new_visitor", "country:fr", "source:pinterest", "device:mobile"]);
    expect(m[1].reasons).toEqual(["visitor country is FR"]);
    expect(isDimensionSegmentId("country:fr")).toBe(true);
    expect(isDimensionSegmentId("device:watch")).toBe(false);
  });

  it("skips personal segments for a shopper who opted out", () => {
    const m = match(subject({ lifetimeValueCents: 500_000, ordersCount: 9 }, { customerId: "7", device: "desktop" }), false);
    expect(ids(m)).toEqual(["returning_visitor", "device:desktop"]);
  });
});

describe("merchant segments", () => {
  it("are matched after built-ins, with reasons", () => {
    const set = compileSegments([{ id: "11", name: "Tea lovers", condition: { field: "affinity_product_types", op: "contains", value: "Tea" } }]);
    const s = subject({ affinities: { productTypes: [{ value: "tea", score: 1 }], vendors: [], tags: [], collections: [] } });
    const m = matchSegments(set, s, { allowPersonal: true });
    expect(m.find((x) => x.id === "11")).toEqual({ id: "11", name: "Tea lovers", reasons: ["favourite product types include Tea (tea)"], personal: true });
  });

  it("invalid, duplicate or reserved ones are rejected without breaking the rest", () => {
    const set = compileSegments([
      { id: "1", name: "ok", condition: { field: "device", op: "eq", value: "mobile" } },
      { id: "2", name: "bad", condition: { field: "device", op: "gt", value: 1 } },
      { id: "1", name: "dup", condition: { field: "device", op: "eq", value: "tablet" } },
      { id: "vip", name: "mine", condition: { field: "device", op: "eq", value: "tablet" } },
      { id: "country:us", name: "mine", condition: { field: "device", op: "eq", value: "tablet" } },
    ]);
    expect(set.segments.filter((s) => !s.builtIn).map((s) => s.name)).toEqual(["ok"]);
    expect(set.rejected.map((r) => [r.id, r.errors[0].path])).toEqual([
      ["2", "condition.op"],
      ["1", "id"],
      ["vip", "id"],
      ["country:us", "id"],
    ]);
  });
});

describe("explain option", () => {
  it("explain: false matches exactly the same segments, without reasons", () => {
    const set = compileSegments([], { vipThresholdCents: 100_000, atRiskChurnRatio: 1.5, lapsedChurnRatio: 3 });
    const s = subject({ lifetimeValueCents: 150_000, ordersCount: 3 }, { customerId: "7" });
    const full = matchSegments(set, s, { allowPersonal: true });
    const lean = matchSegments(set, s, { allowPersonal: true, explain: false });
    expect(ids(lean)).toEqual(ids(full));
    expect(full.find((m) => m.id === "vip")!.reasons.length).toBeGreaterThan(0);
    expect(lean.filter((m) => !isDimensionSegmentId(m.id)).every((m) => m.reasons.length === 0)).toBe(true);
  });
});
