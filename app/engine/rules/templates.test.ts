import { describe, expect, it } from "vitest";
import { RULE_TEMPLATES, ruleFromTemplate } from "./templates";
import { validateRule } from "./rule";
import { validateSegment } from "../segments/condition";
import { isReservedSegmentId } from "../segments/builtin";

describe("rule templates", () => {
  it("cover the playbook with unique ids", () => {
    expect(RULE_TEMPLATES.map((t) => t.id)).toEqual([
      "welcome_first_visit",
      "free_shipping_returning",
      "priority_support_high_value",
      "early_access_loyal",
      "win_back_lapsed",
      "birthday_reward",
      "pinterest_visitors",
      "instagram_visitors",
      "country_collections",
      "buy_again_repeat",
    ]);
  });

  it.each(RULE_TEMPLATES.map((t) => [t.id]))("%s gives a rule the engine's validateRule accepts, with the segments it needs", (id) => {
    const made = ruleFromTemplate(id, "r1")!;
    for (const s of made.segments) {
      expect(validateSegment(s)).toMatchObject({ ok: true });
      expect(isReservedSegmentId(s.id)).toBe(false);
    }
    // Only built-in, dimension and the template's own segments are known: nothing else is needed.
    const v = validateRule(made.rule, { knownSegmentIds: made.segments.map((s) => s.id) });
    expect(v.ok ? [] : v.errors).toEqual([]);
    expect(made.rule).toMatchObject({ id: "r1", enabled: true });
  });

  it("hands out copies (editing a pre-filled rule never changes the template)", () => {
    const a = ruleFromTemplate("welcome_first_visit")!;
    a.rule.segmentIds.push("vip");
    expect(ruleFromTemplate("welcome_first_visit")!.rule.segmentIds).toEqual(["new_visitor"]);
    expect(ruleFromTemplate("nope")).toBeNull();
  });
});
