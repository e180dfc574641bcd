import { describe, expect, it } from "vitest";
import { ATTRIBUTION_MAX, attributionValue, cartPlacement, lineAttribution, propertyValue } from "./attribution";
import { orderFromBulk } from "./bulk";
import { orderPayload } from "./webhook-payloads";
import { sample } from "../../tests/helpers/webhooks";
import { parseJsonLossless } from "../utils/json";

/** A body as the route sees it: serialized, then parsed losslessly. */
const parseBody = (body: unknown) => orderPayload.parse(parseJsonLossless(JSON.stringify(body)));

describe("attribution from cart properties", () => {
  it("reads every shape Shopify uses: REST [{name, value}], GraphQL [{key, value}], Ajax cart {name: value}", () => {
    expect(lineAttribution([{ name: "_attune_placement", value: "cart" }, { name: "_attune_rule", value: "rule_7" }])).toEqual({ placement: "cart", ruleId: "rule_7" });
    expect(lineAttribution([{ key: "_attune_placement", value: "home" }])).toEqual({ placement: "home", ruleId: null });
    expect(lineAttribution({ _attune_placement: "product", _attune_rule: "r" })).toEqual({ placement: "product", ruleId: "r" });
  });

  it("ignores other apps' properties, malformed lists and non-text values; never throws", () => {
    expect(lineAttribution([{ name: "Engraving", value: "For Alex" }, { name: "_other_token", value: "x" }])).toEqual({ placement: null, ruleId: null });
    for (const junk of [null, undefined, "x", 5, [null, 3, "a", { value: "v" }], [{ name: "_attune_placement", value: { nested: 1 } }]]) {
      expect(lineAttribution(junk)).toEqual({ placement: null, ruleId: null });
    }
    expect(propertyValue([{ name: "_attune_rule", value: 42 }], ["_attune_rule"])).toBe("42");
  });

  it("bounds each value: trimmed, no control characters, at most 64 characters, blank is none", () => {
    expect(attributionValue("  home \n")).toBe("home");
    expect(attributionValue("ho\u0000me\u001b")).toBe("home");
    expect(attributionValue("x".repeat(5000))).toHaveLength(ATTRIBUTION_MAX);
    expect(attributionValue("   ")).toBeNull();
  });

  it("the cart attribute: the hidden _attune_last_placement wins over the legacy name", () => {
    expect(cartPlacement([{ name: "attune_last_placement", value: "home" }, { name: "_attune_last_placement", value: "cart" }])).toBe("cart");
    expect(cartPlacement([{ name: "attune_last_placement", value: "home" }])).toBe("home");
    expect(cartPlacement([{ name: "gift_note", value: "Happy birthday" }])).toBeNull();
    expect(cartPlacement([])).toBeNull();
  });
});

describe("attribution in the normalized order", () => {
  it("webhook body: line_items[].properties and note_attributes, other apps' entries dropped", () => {
    const body = sample("orders/create");
    body.line_items[0].properties = [{ name: "_attune_placement", value: "product" }, { name: "_attune_rule", value: "rule_pinterest" }, { name: "Gift wrap", value: "Yes" }];
    body.line_items[1].properties = [{ name: "Engraving", value: "For Alex" }];
    body.note_attributes = [{ name: "_attune_last_placement", value: "product" }, { name: "gift_note", value: "Happy birthday" }];
    const o = parseBody(body);
    expect(o.lines[0]).toMatchObject({ placement: "product", ruleId: "rule_pinterest" });
    expect(o.lines[1]).toMatchObject({ placement: null, ruleId: null });
    expect(o.lastPlacement).toBe("product");
    expect(JSON.stringify(o)).not.toMatch(/Alex|birthday|Gift wrap/);
  });

  it("webhook body: Shopify's sample (empty lists) and absent fields mean no attribution, and still validate", () => {
    const body = sample("orders/create");
    expect(parseBody(body).lastPlacement).toBeNull();
    delete body.note_attributes;
    for (const l of body.line_items) delete l.properties;
    const o = parseBody(body);
    expect(o.lastPlacement).toBeNull();
    expect(o.lines.every((l) => l.placement === null && l.ruleId === null)).toBe(true);
    body.note_attributes = "not a list";
    expect(orderPayload.safeParse(parseJsonLossless(JSON.stringify(body))).success).toBe(true);
  });

  it("bulk JSONL: customAttributes on the Order and on each LineItem", () => {
    const row = { id: "gid://shopify/Order/9007199254740993", createdAt: "2026-01-01T00:00:00Z", customAttributes: [{ key: "_attune_last_placement", value: "cart" }, { key: "po", value: "1" }] };
    const lines = [
      { id: "gid://shopify/LineItem/9007199254740995", quantity: 1, customAttributes: [{ key: "_attune_placement", value: "cart" }, { key: "_attune_rule", value: "r1" }], __parentId: row.id },
      { id: "gid://shopify/LineItem/9007199254740997", quantity: 1, customAttributes: [], __parentId: row.id },
      { id: "gid://shopify/LineItem/9007199254740999", quantity: 1, __parentId: row.id },
    ];
    const o = orderFromBulk(row, lines);
    expect(o.lastPlacement).toBe("cart");
    expect(o.lines.map((l) => [l.id, l.placement, l.ruleId])).toEqual([
      ["9007199254740995", "cart", "r1"],
      ["9007199254740997", null, null],
      ["9007199254740999", null, null],
    ]);
  });
});
