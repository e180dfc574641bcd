import { describe, expect, it } from "vitest";
import { SecondSighting } from "./second-sighting";

describe("SecondSighting", () => {
  it("admits a key on its second sighting, not its first", () => {
    const s = new SecondSighting(1024);
    expect(s.seenBefore("9007199254740993")).toBe(false);
    expect(s.seenBefore("9007199254740993")).toBe(true);
    expect(s.seenBefore("9007199254740993")).toBe(true);
    // Ids that differ only past 2^53 are different shoppers.
    expect(s.seenBefore("9007199254740995")).toBe(false);
  });

  it("remembers about as many recent keys as it has slots, and forgets older ones", () => {
    const s = new SecondSighting(4096);
    const keys = Array.from({ length: 1000 }, (_, i) => `customer-${i}`);
    for (const k of keys) s.seenBefore(k);
    const remembered = keys.filter((k) => s.seenBefore(k)).length;
    // 1000 keys in 4096 slots: ~11% are overwritten by a later key, and re-checking a colliding pair
    // in order overwrites again, so ~77% answer "seen" (with half the slots usable it would be ~60%).
    expect(remembered).toBeGreaterThan(720);
    for (let i = 0; i < 100_000; i++) s.seenBefore(`other-${i}`);
    expect(keys.filter((k) => s.seenBefore(k)).length).toBeLessThan(50);
  });
});
