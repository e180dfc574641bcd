import { describe, expect, it } from "vitest";
import { StoreModel } from "../model/store-model";
import { T0, DAY, order, product } from "../model/test-store";
import { topIndexes } from "./top-k";
import { warmProductLists } from "./warmup";

describe("warmProductLists", () => {
  it("computes the best-sellers' bought-together, also-bought and similar lists, best-sellers first", () => {
    const products = Array.from({ length: 12 }, (_, i) => product(String(i + 1), { productType: i % 2 ? "tea" : "mug" }));
    // Product k+1 is in 12-k orders: 1 sells best, 12 least.
    const orders = products.flatMap((p, k) => Array.from({ length: 12 - k }, (_, n) => order(null, [p.id, products[(k + 1 + n) % 12].id], T0 + n * DAY)));
    const m = StoreModel.build({ products, customers: [], orders });
    const cached = (key: string) => (m as unknown as { perItem: Map<string, unknown>; derived: Map<string, unknown> }).perItem.has(key) || (m as unknown as { derived: Map<string, unknown> }).derived.has(key);
    const steps = warmProductLists(m, 4);
    const first = steps.next().value as number;
    expect(m.productAt(first)!.id).toBe("1");
    expect(cached(`bt:${first}`) && cached(`ab:${first}:100`) && cached(`sim:${first}`)).toBe(true);
    const rest = [...steps];
    expect([first, ...rest]).toEqual(Array.from(topIndexes(m.productCapacity, (j) => m.stats.basketsWith[j], 4)));
    const fifth = m.productIndex("5");
    expect(cached(`bt:${fifth}`) || cached(`sim:${fifth}`)).toBe(false);
  });
});
