import { describe, expect, it } from "vitest";
import { StoreModel } from "../model/store-model";
import { customer, DAY, order, product, T0 } from "../model/test-store";
import { buildProfile } from "../profile/build";
import { evaluateCondition } from "./compile";
import { compileSegments } from "./match";
import { SegmentCounter, segmentSizes } from "./sizes";

const NOW = T0 + 30 * DAY;
const customers = Array.from({ length: 30 }, (_, i) => customer(String(i + 1), { countryCode: i % 3 === 0 ? "CA" : "US", personalizationOptOut: i === 3 }));
const orders = customers.flatMap((c, i) => Array.from({ length: i % 4 }, (_, j) => order(c.id, [String((i + j) % 5 + 1)], NOW - (i * 9 + j * 30) * DAY, { countryCode: c.countryCode })));
const model = StoreModel.build({ products: Array.from({ length: 5 }, (_, i) => product(String(i + 1))), customers, orders });
const merchant = [
  { id: "ca", name: "Canada", condition: { field: "customer_country", op: "eq", value: "CA" } },
  { id: "spent", name: "Spent", condition: { all: [{ field: "orders_count", op: "gte", value: 2 }, { field: "days_since_last_order", op: "lt", value: 100 }] } },
  { id: "desktop", name: "Desktop", condition: { field: "device", op: "eq", value: "desktop" } },
];
const set = compileSegments(merchant);

describe("segment sizes", () => {
  it("equal a brute-force count with the reference interpreter (opted-out customers only in non-personal segments)", () => {
    const r = segmentSizes(model.customers(), model, set, {}, NOW);
    expect(r.customers).toBe(30);
    for (const seg of set.segments) {
      const expected = customers.filter((c) => {
        if (c.personalizationOptOut && seg.personal) return false;
        const profile = buildProfile(c.personalizationOptOut ? undefined : c, c.personalizationOptOut ? [] : model.ordersOf(c.id), (id) => model.product(id), NOW);
        return evaluateCondition(seg.condition, { profile, context: { placement: "home", customerId: c.id, returningVisitor: true, now: NOW } });
      }).length;
      expect(r.sizes[seg.id], seg.id).toBe(expected);
      expect(r.samples[seg.id].length).toBe(Math.min(3, expected));
    }
    expect(r.sizes.ca).toBe(9); // customer 4 (index 3) is Canadian but opted out
    expect(r.sizes.returning_visitor).toBe(30);
    expect(r.sizes.desktop).toBe(0);
  });

  it("counts the same in small steps", () => {
    const whole = segmentSizes(model.customers(), model, set, {}, NOW);
    const counter = new SegmentCounter(model.customers(), model, set, {}, NOW);
    let steps = 0;
    while (!counter.step(7)) steps++;
    expect(steps).toBe(4);
    expect(counter.result).toEqual(whole);
  });
});
