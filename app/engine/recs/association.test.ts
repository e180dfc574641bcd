import { describe, expect, it } from "vitest";
import { StoreModel } from "../model/store-model";
import { DAY, T0, customer, order, product } from "../model/test-store";
import { alsoBoughtOf } from "./association";
import { rng } from "./test-rng";

describe("alsoBoughtOf", () => {
  it("a shorter list (picked_for_you's neighbours) is exactly the top of a brute-force cosine ranking", () => {
    const r = rng(5);
    const products = Array.from({ length: 40 }, (_, i) => product(String(i + 1)));
    const customers = Array.from({ length: 60 }, (_, i) => customer(String(1000 + i)));
    const orders = Array.from({ length: 400 }, (_, k) => {
      const items = new Set(Array.from({ length: 1 + Math.floor(r() * 4) }, () => String(1 + Math.floor(r() ** 2 * 40))));
      return order(String(1000 + Math.floor(r() * 60)), [...items], T0 + k * DAY);
    });
    const m = StoreModel.build({ products, customers, orders });
    const st = m.stats;
    for (let i = 0; i < 40; i++) {
      const idx = m.productIndex(String(i + 1));
      const brute: [number, number][] = [];
      st.coBuyer[idx]?.forEach((j, c) => {
        if (c > 0) brute.push([c / Math.sqrt(st.buyers[idx] * Math.max(1, st.buyers[j])), j]);
      });
      brute.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (const k of [3, 10, 100]) {
        const got = alsoBoughtOf(m, idx, k);
        expect(Array.from(got.ids)).toEqual(brute.slice(0, k).map(([, j]) => j));
        expect(Array.from(got.scores)).toEqual(brute.slice(0, k).map(([s]) => s));
      }
    }
  });
});
