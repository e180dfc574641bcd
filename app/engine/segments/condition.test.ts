import { describe, expect, it } from "vitest";
import { usesPersonalData, validateCondition, validateSegment } from "./condition";
import { fieldCatalogue } from "./fields";

const errorsOf = (input: unknown) => {
  const r = validateSegment(input);
  if (r.ok) throw new Error("expected validation to fail");
  return r.errors;
};

describe("validateSegment", () => {
  it("accepts a well-formed nested tree", () => {
    const r = validateSegment({
      id: "42",
      name: "Big spenders from Pinterest",
      condition: {
        all: [
          { field: "lifetime_value_cents", op: "gte", value: 50_000 },
          { any: [{ field: "traffic_source", op: "in", value: ["pinterest", "instagram"] }, { not: { field: "device", op: "eq", value: "desktop" } }] },
          { field: "affinity_tags", op: "contains", value: "Linen" },
          { field: "days_since_last_order", op: "exists" },
        ],
      },
    });
    expect(r.ok).toBe(true);
  });

  it("points at an unknown field and suggests the closest name", () => {
    const errors = errorsOf({ id: "1", name: "x", condition: { all: [{ field: "orders_count", op: "gt", value: 1 }, { field: "lifetime_value", op: "gte", value: 1 }] } });
    expect(errors).toEqual([{ path: "condition.all[1].field", message: 'unknown field "lifetime_value"; did you mean "lifetime_value_cents"?' }]);
  });

  it("rejects an operator that does not fit the field's type and lists the allowed ones", () => {
    const errors = errorsOf({ id: "1", name: "x", condition: { any: [{ not: { field: "country", op: "gt", value: "FR" } }] } });
    expect(errors[0].path).toBe("condition.any[0].not.op");
    expect(errors[0].message).toBe('operator "gt" cannot be used with field "country" (string); use one of: eq, neq, in, not_in, exists');
  });

  it("rejects a value of the wrong type, naming what was expected", () => {
    expect(errorsOf({ id: "1", name: "x", condition: { field: "lifetime_value_cents", op: "gte", value: "1000" } })).toEqual([
      { path: "condition.value", message: 'field "lifetime_value_cents" (money) with "gte" needs a number of cents, got "1000"' },
    ]);
    expect(errorsOf({ id: "1", name: "x", condition: { field: "device", op: "eq", value: "phone" } })[0].message).toBe(
      'field "device" (enum) with "eq" needs one of mobile | tablet | desktop, got "phone"',
    );
    expect(errorsOf({ id: "1", name: "x", condition: { field: "churn_ratio", op: "between", value: [3, 1] } })[0].message).toContain("[min, max]");
    expect(errorsOf({ id: "1", name: "x", condition: { field: "cart_product_ids", op: "contains_any", value: [] } })[0].message).toContain("non-empty array");
  });

  it("reports malformed groups and extra keys", () => {
    expect(errorsOf({ id: "1", name: "x", condition: { all: [] } })).toEqual([{ path: "condition.all", message: '"all" needs a non-empty array of conditions' }]);
    expect(errorsOf({ id: "1", name: "x", condition: { all: [{ field: "orders_count", op: "gt", value: 1 }], any: [] } })[0].message).toContain("exactly one key");
    expect(errorsOf({ id: "1", name: "x", condition: { field: "orders_count", op: "gt", value: 1, vlaue: 2 } })[0]).toEqual({
      path: "condition.vlaue",
      message: 'unexpected key "vlaue" (a condition has field, op and value)',
    });
    expect(errorsOf({ id: "1", name: "x", condition: "vip" })[0].message).toContain("expected a condition object");
  });

  it("collects every error in one pass, alongside the definition's own fields", () => {
    const errors = errorsOf({ id: "", name: "x", condition: { all: [{ field: "nope", op: "eq", value: 1 }, { field: "device", op: "contains", value: "x" }] } });
    expect(errors.map((e) => e.path)).toEqual(["id", "condition.all[0].field", "condition.all[1].op"]);
  });

  it("bounds depth so stored trees stay cheap", () => {
    let c: unknown = { field: "orders_count", op: "gt", value: 0 };
    for (let i = 0; i < 10; i++) c = { not: c };
    const r = validateCondition(c);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toContain("at most 8 levels");
  });
});

describe("field catalogue", () => {
  it("gives every field at least one operator and flags personal fields", () => {
    const cat = fieldCatalogue();
    expect(cat.length).toBeGreaterThan(30);
    for (const f of cat) expect(f.ops.length).toBeGreaterThan(0);
    expect(cat.find((f) => f.name === "lifetime_value_cents")!.personal).toBe(true);
    expect(cat.find((f) => f.name === "traffic_source")!.personal).toBe(false);
  });

  it("a tree is personal when any leaf reads a personal field", () => {
    expect(usesPersonalData({ all: [{ field: "device", op: "eq", value: "mobile" }] })).toBe(false);
    expect(usesPersonalData({ all: [{ field: "device", op: "eq", value: "mobile" }, { not: { field: "orders_count", op: "eq", value: 0 } }] })).toBe(true);
  });
});
