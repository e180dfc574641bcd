import { describe, expect, it } from "vitest";
import type { OrderFact } from "../types";
import { Interner } from "./interner";
import { OrderLog } from "./order-log";

const products = new Interner();
const intern = (id: string) => products.intern(id);

const full: OrderFact = {
  id: "9400000000000000001",
  customerId: "9300000000000000007",
  createdAt: 1_752_177_813_470,
  countryCode: "ca",
  provinceCode: null,
  totalCents: 13_210.5,
  cancelled: false,
  trafficSource: "pinterest",
  lines: [
    { productId: "9100000000000000194", variantId: "9200000000000000194", quantity: 2, priceCents: 2830, refundedQuantity: 1 },
    { productId: "9100000000000000027", variantId: null, quantity: 1, priceCents: 10_380, refundedQuantity: 0 },
    { productId: "9100000000000000194", quantity: 3, priceCents: 2830 },
  ],
};

describe("OrderLog", () => {
  it("gives back each fact exactly as appended: optional fields absent stay absent, nulls stay null", () => {
    const log = new OrderLog();
    const bare: OrderFact = { id: "2", customerId: null, createdAt: 5, totalCents: 0, lines: [] };
    const cancelled: OrderFact = { ...full, id: "3", cancelled: true, countryCode: undefined };
    delete (cancelled as Partial<OrderFact>).countryCode;
    const slots = [full, bare, cancelled].map((o) => log.append(o, o.customerId ? 0 : -1, intern));
    expect(log.fact(slots[0])).toStrictEqual(full);
    expect(log.fact(slots[1])).toStrictEqual(bare);
    expect(log.fact(slots[2])).toStrictEqual(cancelled);
    expect("countryCode" in log.fact(slots[2])).toBe(false);
    expect("refundedQuantity" in log.fact(slots[0]).lines[2]).toBe(false);
  });

  it("counts net purchased units per product, and nothing for a cancelled order", () => {
    const log = new OrderLog();
    const k = log.append(full, 0, intern);
    const rec = log.record(k);
    // Product ...194: 2 - 1 refunded + 3 = 4 units; ...027 fully counted (1 - 0).
    const a = products.find("9100000000000000194");
    const b = products.find("9100000000000000027");
    expect([...rec.items]).toEqual([a, b].sort((x, y) => x - y));
    expect(rec.quantities[[...rec.items].indexOf(a)]).toBe(4);
    expect(rec.quantities[[...rec.items].indexOf(b)]).toBe(1);
    expect(rec).toMatchObject({ id: full.id, customer: 0, createdAt: full.createdAt, country: "CA" });
    const c = log.record(log.append({ ...full, id: "x", cancelled: true }, 0, intern));
    expect(c.items.length).toBe(0);
    expect(c.fact.lines.length).toBe(3);
  });

  it("keeps earlier records valid while the log grows past its first arrays", () => {
    const log = new OrderLog();
    const first = log.record(log.append(full, 0, intern));
    const before = [...first.items];
    for (let i = 0; i < 5000; i++) log.append({ ...full, id: String(i), lines: [{ productId: `p${i % 97}`, quantity: 1, priceCents: 1 }] }, -1, intern);
    expect([...first.items]).toEqual(before);
    expect(first.fact).toStrictEqual(full);
    expect(log.slots).toBe(5001);
    expect(log.fact(5000).lines[0].productId).toBe(`p${4999 % 97}`);
    expect([...log.itemsOf(5000)]).toEqual([products.find(`p${4999 % 97}`)]);
  });

  it("orders slots oldest first with ties broken by id, as orders arrive out of order", () => {
    const log = new OrderLog();
    const at = (id: string, createdAt: number) => log.append({ id, customerId: null, createdAt, totalCents: 0, lines: [] }, -1, intern);
    const list: number[] = [];
    for (const k of [at("b", 20), at("c", 10), at("a", 20), at("d", 5)]) log.insertSorted(list, k);
    expect(list.map((k) => log.id(k))).toEqual(["d", "c", "a", "b"]);
  });
});
