import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { IntCounter } from "./int-counter";

describe("IntCounter", () => {
  it("behaves like a Map of counts under any sequence of adds, including back to zero", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: -3, max: 3 })), { maxLength: 400 }), (ops) => {
        const c = new IntCounter();
        const ref = new Map<number, number>();
        for (const [k, d] of ops) {
          const want = (ref.get(k) ?? 0) + d;
          ref.set(k, want);
          expect(c.add(k, d)).toBe(want);
        }
        c.compact();
        for (const [k, v] of ref) expect(c.get(k)).toBe(v);
        const seen = new Map<number, number>();
        c.forEach((k, v) => seen.set(k, v));
        expect(seen).toEqual(new Map([...ref].filter(([, v]) => v !== 0)));
        expect(c.size).toBe(seen.size);
      }),
    );
  });
});
