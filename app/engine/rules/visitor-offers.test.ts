import { describe, expect, it } from "vitest";
import { anonymousProfile } from "../profile/build";
import type { CustomerProfile } from "../profile/types";
import type { ShopperContext } from "../types";
import { DEFAULT_VISITOR_OFFERS, resolveVisitorOffer, visitorOffersSchema, type VisitorOffersConfig } from "./visitor-offers";

const NOW = Date.UTC(2025, 5, 15);
const profile = (over: Partial<CustomerProfile> = {}): CustomerProfile => ({ ...anonymousProfile(NOW), ...over });
const ctx = (over: Partial<ShopperContext> = {}): ShopperContext => ({ placement: "app_embed", customerId: null, now: NOW, ...over });
const thresholds = { vipThresholdCents: 100_000, lapsedChurnRatio: 3 };
/** What a merchant turns on in the Offers page (the defaults are all off). */
const CONFIGURED: VisitorOffersConfig = {
  welcome: { ...DEFAULT_VISITOR_OFFERS.welcome, enabled: true, discountCode: "WELCOME10" },
  freeShippingReminder: { ...DEFAULT_VISITOR_OFFERS.freeShippingReminder, enabled: true },
  prioritySupport: { ...DEFAULT_VISITOR_OFFERS.prioritySupport, enabled: true },
  earlyAccess: { ...DEFAULT_VISITOR_OFFERS.earlyAccess, enabled: true },
  winBack: { ...DEFAULT_VISITOR_OFFERS.winBack, enabled: true, discountCode: "COMEBACK15" },
};
const pick = (p: CustomerProfile, c: ShopperContext, cfg: VisitorOffersConfig = CONFIGURED) => resolveVisitorOffer(p, c, cfg, thresholds);
const disable = (key: keyof VisitorOffersConfig): VisitorOffersConfig => ({ ...CONFIGURED, [key]: { ...CONFIGURED[key], enabled: false } });

describe("resolveVisitorOffer", () => {
  it("a fresh install (the defaults) offers nothing to anyone: no code that Shopify does not have", () => {
    for (const c of Object.values(DEFAULT_VISITOR_OFFERS)) expect(c).toMatchObject({ enabled: false, discountCode: null });
    const lapsedVip = profile({ ordersCount: 4, lifetimeValueCents: 300_000, recencyDays: 200, churn: { ratio: 5, expectedIntervalDays: 40, level: "lapsed" } });
    for (const [p, c] of [[profile(), ctx()], [profile(), ctx({ returningVisitor: true })], [lapsedVip, ctx({ customerId: "9" })], [profile(), ctx({ cart: [{ productId: "1", quantity: 3, priceCents: 10_000 }] })]] as const) {
      expect(pick(p, c, DEFAULT_VISITOR_OFFERS)).toBeNull();
    }
  });

  it("first-time visitor gets the welcome offer with its code filled in", () => {
    const o = pick(profile(), ctx());
    expect(o).toEqual({
      kind: "welcome",
      message: "Welcome! Take 10% off your first order with code WELCOME10.",
      discountCode: "WELCOME10",
      trigger: { type: "delay", seconds: 8 },
      reason: "first visit",
    });
  });

  it("returning visitor (browser seen before, or logged in) gets the free-shipping reminder", () => {
    expect(pick(profile(), ctx({ returningVisitor: true }))?.kind).toBe("free_shipping_reminder");
    expect(pick(profile(), ctx({ customerId: "9" }))?.kind).toBe("free_shipping_reminder");
    expect(pick(profile({ ordersCount: 1 }), ctx())?.trigger).toEqual({ type: "exit_intent" });
  });

  it("a high-value cart gets priority support, before anything else", () => {
    const cart = [{ productId: "1", quantity: 2, priceCents: 10_000 }];
    const o = pick(profile({ ordersCount: 5, churn: { ratio: 4, expectedIntervalDays: 30, level: "lapsed" } }), ctx({ cart }));
    expect(o?.kind).toBe("priority_support");
    expect(o?.reason).toBe("cart value $200 ≥ $200");
    expect(pick(profile(), ctx({ cart: [{ productId: "1", quantity: 1, priceCents: 19_999 }] }))?.kind).toBe("welcome");
  });

  it("lapsed customers are won back before loyalty perks", () => {
    const lapsedVip = profile({ ordersCount: 4, lifetimeValueCents: 300_000, recencyDays: 200, churn: { ratio: 5, expectedIntervalDays: 40, level: "lapsed" } });
    const o = pick(lapsedVip, ctx({ customerId: "9" }));
    expect(o?.kind).toBe("win_back");
    expect(o?.message).toBe("We miss you! Here's 15% off with code COMEBACK15.");
    expect(o?.reason).toBe("lapsed: 200 days since last order (5× the usual gap)");
  });

  it("loyal members (repeat buyers or VIPs) get early access", () => {
    expect(pick(profile({ ordersCount: 2 }), ctx())?.reason).toBe("repeat buyer: 2 orders");
    expect(pick(profile({ ordersCount: 1, lifetimeValueCents: 150_000 }), ctx())?.reason).toBe("VIP: lifetime value $1,500 ≥ $1,000");
  });

  it("a disabled offer falls through to the next that applies", () => {
    const lapsed = profile({ ordersCount: 3, churn: { ratio: 5, expectedIntervalDays: 40, level: "lapsed" } });
    expect(pick(lapsed, ctx(), disable("winBack"))?.kind).toBe("early_access");
    expect(pick(profile({ ordersCount: 2 }), ctx(), disable("earlyAccess"))?.kind).toBe("free_shipping_reminder");
    expect(pick(profile(), ctx({ returningVisitor: true }), disable("freeShippingReminder"))).toBeNull();
    expect(pick(profile(), ctx(), disable("welcome"))).toBeNull();
  });
});

describe("visitorOffersSchema", () => {
  it("accepts the defaults and rejects a {code} message without a code or a bad trigger", () => {
    expect(visitorOffersSchema.safeParse(DEFAULT_VISITOR_OFFERS).success).toBe(true);
    const bad = { ...CONFIGURED, welcome: { ...CONFIGURED.welcome, discountCode: null, trigger: { type: "delay", seconds: -1 } } };
    const r = visitorOffersSchema.safeParse(bad);
    expect(r.success).toBe(false);
    if (!r.success) {
      const paths = r.error.issues.map((i) => i.path.join("."));
      expect(paths).toEqual(expect.arrayContaining(["welcome.trigger.seconds", "welcome.discountCode"]));
    }
  });
});
