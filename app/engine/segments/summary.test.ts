import { describe, expect, it } from "vitest";
import { summarizeCondition } from "./summary";
import { OPS_BY_TYPE, FIELDS } from "./fields";
import { validateCondition, type Condition, type Leaf } from "./condition";

const s = (c: Condition) => summarizeCondition(c, { currency: "USD" });

describe("summarizeCondition", () => {
  it("reads the issue's example as a sentence", () => {
    expect(
      s({ all: [
        { field: "customer_country", op: "eq", value: "CA" },
        { field: "days_since_last_order", op: "lt", value: 90 },
        { field: "lifetime_value_cents", op: "gt", value: 20000 },
      ] }),
    ).toBe("Customers in Canada who ordered in the last 90 days and spent over $200");
  });

  it("says Visitors when only request context is read, and words sources, devices and countries", () => {
    expect(s({ all: [{ field: "traffic_source", op: "eq", value: "pinterest" }, { field: "device", op: "eq", value: "mobile" }] })).toBe("Visitors coming from Pinterest on mobile");
    expect(s({ field: "country", op: "in", value: ["FR", "DE", "IT"] })).toBe("Visitors browsing from France, Germany or Italy");
    expect(s({ field: "cart_value_cents", op: "gte", value: 20000 })).toBe("Visitors who have a cart worth at least $200");
  });

  it("words OR groups, nested groups and negations", () => {
    expect(s({ any: [{ field: "orders_count", op: "gte", value: 2 }, { field: "customer_tags", op: "contains", value: "vip" }] })).toBe(
      "Customers who placed at least 2 orders or are tagged vip",
    );
    expect(
      s({ all: [{ field: "customer_country", op: "eq", value: "US" }, { any: [{ field: "birthday_soon", op: "eq", value: true }, { field: "days_since_last_order", op: "gte", value: 180 }] }] }),
    ).toBe("Customers in the United States who either have a birthday coming up or haven't ordered in 180 days");
    expect(s({ not: { field: "customer_tags", op: "contains", value: "wholesale" } })).toBe("Customers who are not tagged wholesale");
    expect(s({ not: { field: "days_since_last_order", op: "lt", value: 30 } })).toBe("Customers who haven't ordered in 30 days");
    expect(s({ not: { field: "lifetime_value_cents", op: "between", value: [0, 5000] } })).toBe("Customers who are not among those who spent between $0 and $50");
    expect(s({ not: { any: [{ field: "logged_in", op: "eq", value: true }, { field: "returning_visitor", op: "eq", value: true }] } })).toBe(
      "Visitors who are not logged in and are visiting for the first time",
    );
  });

  it("names chosen products when titles are known, counts them otherwise", () => {
    const leaf: Leaf = { field: "purchased_product_ids", op: "contains_any", value: ["1", "2"] };
    expect(s(leaf)).toBe("Customers who bought any of 2 chosen products");
    expect(summarizeCondition(leaf, { productTitle: (id) => ({ "1": "Linen Shirt", "2": "Wool Cap" })[id] })).toBe("Customers who bought Linen Shirt or Wool Cap");
  });

  it("gives every field and operator of the catalogue a sentence without placeholders", () => {
    for (const f of Object.values(FIELDS)) {
      for (const op of OPS_BY_TYPE[f.type]) {
        const value =
          op === "exists" || op === "is_empty" ? undefined
          : op === "between" ? [1, 5]
          : ["in", "not_in", "contains_any", "contains_all"].includes(op) ? [f.values?.[0] ?? "ca"]
          : f.type === "boolean" ? true
          : f.type === "number" || f.type === "money" ? 3
          : (f.values?.[0] ?? "ca");
        const leaf = { field: f.name, op, ...(value === undefined ? {} : { value }) } as Leaf;
        expect(validateCondition(leaf).ok, `${f.name} ${op}`).toBe(true);
        const text = s(leaf);
        expect(text, `${f.name} ${op}`).toMatch(/^(Customers|Visitors) \S/);
        expect(text).not.toMatch(/undefined|null|NaN|\[object/);
      }
    }
  });
});
