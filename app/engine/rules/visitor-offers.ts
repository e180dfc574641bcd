/**
 * Visitor-type offers shown by the app embed (a small popup or bar): one offer per visit, chosen
 * by who the visitor is. Precedence, most specific signal first:
 *   1. high-value cart    → priority support (the cart in front of us is the strongest signal)
 *   2. lapsed customer    → "we miss you" (a returning lapsed VIP needs winning back, not perks)
 *   3. loyal member       → early access (repeat buyer or VIP)
 *   4. returning visitor  → free-shipping reminder
 *   5. first-time visitor → welcome offer
 * A disabled offer falls through to the next one that applies.
 */
import { z } from "zod";
import type { CustomerProfile } from "../profile/types";
import type { ShopperContext } from "../types";
import { cartValueCents } from "../segments/fields";
import { formatMoney } from "../segments/compile";
import { DEFAULT_SEGMENT_SETTINGS } from "../segments/builtin";

export type VisitorOfferKind = "priority_support" | "win_back" | "early_access" | "free_shipping_reminder" | "welcome";
export type VisitorOfferTrigger = { type: "exit_intent" } | { type: "delay"; seconds: number };

export interface VisitorOfferSetting {
  enabled: boolean;
  /** Shown to the shopper; "{code}" is replaced with the discount code. */
  message: string;
  discountCode?: string | null;
  trigger: VisitorOfferTrigger;
}

export interface VisitorOffersConfig {
  welcome: VisitorOfferSetting;
  freeShippingReminder: VisitorOfferSetting;
  prioritySupport: VisitorOfferSetting & { minCartValueCents: number };
  earlyAccess: VisitorOfferSetting;
  winBack: VisitorOfferSetting;
}

export interface VisitorOffer {
  kind: VisitorOfferKind;
  message: string;
  discountCode: string | null;
  trigger: VisitorOfferTrigger;
  /** Why this visitor got it, e.g. "cart value $320 ≥ $200". */
  reason: string;
}

/**
 * Every visitor-type offer is off until the merchant turns it on (Offers page): a fresh install
 * must never show shoppers a code that does not exist in Shopify, so no default carries a code.
 */
export const DEFAULT_VISITOR_OFFERS: VisitorOffersConfig = {
  welcome: { enabled: false, message: "Welcome! Take 10% off your first order with code {code}.", discountCode: null, trigger: { type: "delay", seconds: 8 } },
  freeShippingReminder: { enabled: false, message: "Welcome back! Free shipping is waiting on your next order.", discountCode: null, trigger: { type: "exit_intent" } },
  prioritySupport: { enabled: false, message: "Questions about your order? Chat with our team: you're first in line.", discountCode: null, trigger: { type: "delay", seconds: 20 }, minCartValueCents: 20_000 },
  earlyAccess: { enabled: false, message: "Thanks for being a regular: you get early access to our new arrivals.", discountCode: null, trigger: { type: "delay", seconds: 5 } },
  winBack: { enabled: false, message: "We miss you! Here's 15% off with code {code}.", discountCode: null, trigger: { type: "exit_intent" } },
};

const triggerSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("exit_intent") }),
  z.object({ type: z.literal("delay"), seconds: z.number().int("seconds must be a whole number").min(0, "seconds cannot be negative").max(600, "at most 600 seconds") }),
]);

const settingSchema = z
  .object({
    enabled: z.boolean(),
    message: z.string().trim().min(1, "message is required").max(500, "message is at most 500 characters"),
    discountCode: z.string().trim().max(255).nullish(),
    trigger: triggerSchema,
  })
  .superRefine((s, ctx) => {
    if (s.enabled && s.message.includes("{code}") && !s.discountCode) ctx.addIssue({ code: "custom", path: ["discountCode"], message: "the message shows {code} but no discount code is set" });
  });

export const visitorOffersSchema = z.object({
  welcome: settingSchema,
  freeShippingReminder: settingSchema,
  prioritySupport: settingSchema.and(z.object({ minCartValueCents: z.number().int().nonnegative("minCartValueCents cannot be negative") })),
  earlyAccess: settingSchema,
  winBack: settingSchema,
});

export interface VisitorThresholds {
  vipThresholdCents: number;
  lapsedChurnRatio: number;
}

function offer(kind: VisitorOfferKind, s: VisitorOfferSetting, reason: string): VisitorOffer {
  const code = s.discountCode?.trim() || null;
  return { kind, message: code ? s.message.split("{code}").join(code) : s.message, discountCode: code, trigger: s.trigger, reason };
}

export function resolveVisitorOffer(
  profile: CustomerProfile,
  context: ShopperContext,
  config: VisitorOffersConfig,
  thresholds: VisitorThresholds = DEFAULT_SEGMENT_SETTINGS,
  currency = "USD",
): VisitorOffer | null {
  const cart = cartValueCents(context);
  const ps = config.prioritySupport;
  if (ps.enabled && cart > 0 && cart >= ps.minCartValueCents) {
    return offer("priority_support", ps, `cart value ${formatMoney(cart, currency)} ≥ ${formatMoney(ps.minCartValueCents, currency)}`);
  }
  const ratio = profile.churn.ratio;
  if (config.winBack.enabled && ratio !== null && ratio >= thresholds.lapsedChurnRatio) {
    return offer("win_back", config.winBack, `lapsed: ${profile.recencyDays} days since last order (${Math.round(ratio * 10) / 10}× the usual gap)`);
  }
  if (config.earlyAccess.enabled) {
    if (profile.lifetimeValueCents >= thresholds.vipThresholdCents && profile.ordersCount > 0) {
      return offer("early_access", config.earlyAccess, `VIP: lifetime value ${formatMoney(profile.lifetimeValueCents, currency)} ≥ ${formatMoney(thresholds.vipThresholdCents, currency)}`);
    }
    if (profile.ordersCount >= 2) return offer("early_access", config.earlyAccess, `repeat buyer: ${profile.ordersCount} orders`);
  }
  const returning = context.returningVisitor === true || context.customerId != null || profile.ordersCount > 0;
  if (returning) {
    return config.freeShippingReminder.enabled ? offer("free_shipping_reminder", config.freeShippingReminder, "returning visitor") : null;
  }
  return config.welcome.enabled ? offer("welcome", config.welcome, "first visit") : null;
}
