import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { MatchedSegment } from "../segments/builtin";
import { compareRules, resolveRule, sortRules } from "./resolve";
import type { Rule } from "./rule";

const T = Date.UTC(2025, 5, 15);

function rule(id: string, over: Partial<Rule> = {}): Rule {
  return { id, name: `Rule ${id}`, segmentIds: [], placements: ["home"], content: { heading: `H${id}` }, strategy: "trending", priority: 0, enabled: true, ...over };
}
const seg = (id: string, name = id, reasons = [`${id} reason`]): MatchedSegment => ({ id, name, reasons, personal: true });
const resolve = (rules: Rule[], over: Partial<Parameters<typeof resolveRule>[1]> = {}) =>
  resolveRule(sortRules(rules), { placement: "home", now: T, segments: [], ...over });

describe("resolveRule precedence", () => {
  it("highest priority wins among eligible rules", () => {
    const r = resolve([rule("1", { priority: 1 }), rule("2", { priority: 5, strategy: "new_arrivals" }), rule("3", { priority: 3 })]);
    expect(r.rule?.id).toBe("2");
    expect(r.strategy).toBe("new_arrivals");
    expect(r.content).toEqual({ heading: "H2" });
    expect(r.skipped).toEqual([]);
  });

  it("breaks ties by earlier createdAt, then by numeric id", () => {
    expect(resolve([rule("5", { createdAt: 200 }), rule("9", { createdAt: 100 })]).rule?.id).toBe("9");
    // "10" > "9" numerically although it sorts first as text.
    expect(resolve([rule("10"), rule("9")]).rule?.id).toBe("9");
    expect(resolve([rule("123456789012345678901"), rule("123456789012345678900")]).rule?.id).toBe("123456789012345678900");
  });

  it("ignores input order (deterministic for any permutation)", () => {
    const rules = [rule("1", { priority: 2 }), rule("2", { priority: 2, createdAt: 5 }), rule("3", { priority: 2, createdAt: 5 }), rule("4", { priority: 1 })];
    fc.assert(
      fc.property(fc.shuffledSubarray(rules, { minLength: rules.length, maxLength: rules.length }), (perm) => {
        expect(resolve(perm).rule?.id).toBe("1");
        expect(sortRules(perm).map((r) => r.id)).toEqual(["1", "2", "3", "4"]);
      }),
    );
    expect(compareRules(rules[0], rules[0])).toBe(0);
    // Unsorted input is sorted by resolveRule itself.
    expect(resolveRule([...rules].reverse(), { placement: "home", now: T, segments: [] }).rule?.id).toBe("1");
  });

  it("only considers rules for the placement and does not report the others", () => {
    const r = resolve([rule("1", { placements: ["cart"], priority: 9 }), rule("2", { placements: ["home", "cart"] })]);
    expect(r.rule?.id).toBe("2");
    expect(r.skipped).toEqual([]);
  });

  it("skips disabled rules and says so", () => {
    const r = resolve([rule("1", { priority: 9, enabled: false, name: "Summer" }), rule("2")]);
    expect(r.rule?.id).toBe("2");
    expect(r.skipped).toEqual([{ id: "1", name: "Summer", priority: 9, reason: "disabled" }]);
    expect(r.explanation).toContain('skipped rule "Summer" (priority 9): disabled');
  });

  it("schedule: start is inclusive, end is exclusive", () => {
    const scheduled = rule("1", { priority: 9, startsAt: T, endsAt: T + 1000 });
    expect(resolve([scheduled, rule("2")], { now: T - 1 }).rule?.id).toBe("2");
    expect(resolve([scheduled, rule("2")], { now: T }).rule?.id).toBe("1");
    expect(resolve([scheduled, rule("2")], { now: T + 999 }).rule?.id).toBe("1");
    const after = resolve([scheduled, rule("2")], { now: T + 1000 });
    expect(after.rule?.id).toBe("2");
    expect(after.skipped[0].reason).toBe("ended 2025-06-15T00:00Z");
    expect(resolve([scheduled], { now: T - 1 }).skipped[0].reason).toBe("starts 2025-06-15T00:00Z");
  });

  it("needs any one of the rule's segments; explains the match with the segment's reasons", () => {
    const vipRule = rule("1", { priority: 9, segmentIds: ["vip", "42"], name: "VIP picks" });
    const r = resolve([vipRule, rule("2")], { segments: [seg("new_visitor"), seg("vip", "VIP", ["lifetime value $1,240 ≥ $1,000"])] });
    expect(r.rule?.id).toBe("1");
    expect(r.matchedSegments.map((s) => s.id)).toEqual(["vip"]);
    expect(r.explanation).toEqual(['rule "VIP picks" (priority 9) matched', "segment VIP: lifetime value $1,240 ≥ $1,000"]);

    const miss = resolve([vipRule, rule("2")], { segments: [seg("new_visitor")], segmentName: (id) => (id === "vip" ? "VIP" : id === "42" ? "Tea lovers" : undefined) });
    expect(miss.rule?.id).toBe("2");
    expect(miss.skipped[0].reason).toBe("shopper is not in any of segments VIP, Tea lovers");
    expect(miss.explanation[0]).toBe('rule "Rule 2" (priority 0) applies to everyone');
  });

  it("lists every higher-ranked rule that was skipped, in rank order, but not lower ones", () => {
    const r = resolve([rule("1", { priority: 9, enabled: false }), rule("2", { priority: 5, segmentIds: ["vip"] }), rule("3", { priority: 3 }), rule("4", { priority: 1, enabled: false })]);
    expect(r.rule?.id).toBe("3");
    expect(r.skipped.map((s) => s.id)).toEqual(["1", "2"]);
  });

  it("falls back to the placement default when nothing matches", () => {
    const defaults = (["home", "product", "cart", "checkout", "thank_you", "app_embed"] as const).map((placement) => resolve([], { placement }).strategy);
    expect(defaults).toEqual(["picked_for_you", "bought_together", "cart_complements", "cart_complements", "also_bought", null]);
    const r = resolve([rule("1", { enabled: false })]);
    expect(r.rule).toBeNull();
    expect(r.offer).toBeNull();
    expect(r.content).toEqual({}); // no banner without a matching rule
    expect(r.explanation).toEqual(["no rule matched on home: default strategy picked_for_you", 'skipped rule "Rule 1" (priority 0): disabled']);
  });

  it("carries the winning rule's offer", () => {
    const offer = { id: "o1", kind: "discount_code" as const, title: "10% off", code: "TEN", percentOff: 10 };
    expect(resolve([rule("1", { offer })]).offer).toEqual(offer);
  });
});
