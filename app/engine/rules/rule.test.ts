import { describe, expect, it } from "vitest";
import { validateRule } from "./rule";
import { DEFAULT_SHOP_CONFIG, parseShopConfig } from "./config";

const valid = {
  id: "77",
  name: "Pinterest summer",
  segmentIds: ["source:pinterest", "vip"],
  placements: ["home", "product"],
  content: { heading: "Summer picks", bannerImageUrl: "https://cdn.shopify.com/banner.jpg" },
  strategy: "trending",
  offer: { id: "o1", kind: "discount_code", title: "10% off", code: "SUMMER10", percentOff: 10 },
  priority: 10,
  startsAt: Date.UTC(2025, 5, 1),
  endsAt: Date.UTC(2025, 8, 1),
  enabled: true,
};

const errorsOf = (input: unknown, known?: string[]) => {
  const r = validateRule(input, { knownSegmentIds: known });
  return r.ok ? [] : r.errors;
};

describe("validateRule", () => {
  it("accepts a complete rule (dimension and built-in segment ids are always known)", () => {
    expect(errorsOf(valid, [])).toEqual([]);
  });

  it("names the field and the allowed values", () => {
    expect(errorsOf({ ...valid, placements: ["home", "footer"] })).toEqual([
      { path: "placements[1]", message: "placement must be one of home, product, cart, checkout, thank_you, app_embed" },
    ]);
    expect(errorsOf({ ...valid, strategy: "bestsellers" })[0]).toMatchObject({ path: "strategy", message: expect.stringContaining("strategy must be one of bought_together") });
    expect(errorsOf({ ...valid, placements: [] })).toEqual([{ path: "placements", message: "choose at least one placement" }]);
    expect(errorsOf({ ...valid, priority: 1.5 })).toEqual([{ path: "priority", message: "priority must be a whole number" }]);
  });

  it("checks the schedule, offers and URLs", () => {
    expect(errorsOf({ ...valid, endsAt: valid.startsAt })).toEqual([{ path: "endsAt", message: "endsAt must be after startsAt" }]);
    expect(errorsOf({ ...valid, offer: { id: "o1", kind: "discount_code", title: "x" } })).toEqual([{ path: "offer.code", message: "a discount_code offer needs the Shopify discount code" }]);
    expect(errorsOf({ ...valid, content: { bannerImageUrl: "javascript:alert(1)" } })).toEqual([{ path: "content.bannerImageUrl", message: "must be an https:// URL" }]);
  });

  it("rejects unknown and duplicated segment ids", () => {
    expect(errorsOf({ ...valid, segmentIds: ["vip", "12"] }, ["11"])).toEqual([{ path: "segmentIds[1]", message: 'unknown segment "12"' }]);
    expect(errorsOf({ ...valid, segmentIds: ["vip", "vip"] })).toEqual([{ path: "segmentIds[1]", message: 'segment "vip" is listed twice' }]);
  });
});

describe("parseShopConfig", () => {
  it("fills defaults and accepts them", () => {
    const r = parseShopConfig({});
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.vipThresholdCents).toBe(DEFAULT_SHOP_CONFIG.vipThresholdCents);
  });

  it("reports nested problems with full paths", () => {
    const r = parseShopConfig({
      segments: [{ id: "5", name: "Tea", condition: { field: "affinity_product_types", op: "eq", value: "tea" } }],
      rules: [valid, { ...valid, id: "77", segmentIds: ["6"] }],
      lapsedChurnRatio: 1,
      currency: "usd",
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual(expect.arrayContaining([
        { path: "segments[0].condition.op", message: 'operator "eq" cannot be used with field "affinity_product_types" (string_list); use one of: contains, not_contains, contains_any, contains_all, is_empty' },
        { path: "currency", message: "currency is an ISO 4217 code such as USD" },
      ]));
  });

  it("cross-checks rules against the config's own segments", () => {
    const r = parseShopConfig({
      segments: [{ id: "5", name: "Tea", condition: { field: "affinity_product_types", op: "contains", value: "tea" } }],
      rules: [valid, { ...valid, id: "77", segmentIds: ["6"] }],
      lapsedChurnRatio: 1,
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        { path: "lapsedChurnRatio", message: "lapsedChurnRatio must be above atRiskChurnRatio" },
        { path: "rules[1].id", message: 'duplicate rule id "77"' },
        { path: "rules[1].segmentIds[0]", message: 'unknown segment "6"' },
      ]);
  });
});
