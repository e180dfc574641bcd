/**
 * Rule templates from the customer-journey playbook: one click in the admin gives a pre-filled
 * rule (`/app/rules/new?template=<id>`). Templates that need a segment the engine has no built-in
 * for (high-value carts, birthdays) bring its definition along; saving the rule creates it.
 */
import type { SegmentDefinition } from "../segments/condition";
import type { Rule } from "./rule";

export interface RuleTemplate {
  id: string;
  name: string;
  /** One line for the template card. */
  description: string;
  /** Journey stage, for grouping the cards. */
  stage: "first visit" | "returning" | "cart" | "loyalty" | "win-back" | "traffic" | "location";
  rule: Omit<Rule, "id" | "createdAt" | "enabled" | "priority"> & { priority: number };
  /** Merchant segments the rule targets that the shop may not have yet. */
  segments: SegmentDefinition[];
}

const HIGH_VALUE_CART: SegmentDefinition = {
  id: "high_value_cart",
  name: "High-value carts",
  description: "Cart worth $200 or more",
  condition: { field: "cart_value_cents", op: "gte", value: 20_000 },
};

const BIRTHDAY_THIS_WEEK: SegmentDefinition = {
  id: "birthday_this_week",
  name: "Birthday this week",
  description: "Customers whose birthday falls within the next 7 days",
  condition: { field: "birthday_soon", op: "eq", value: true },
};

export const RULE_TEMPLATES: readonly RuleTemplate[] = [
  {
    id: "welcome_first_visit",
    name: "Welcome offer for first-time visitors",
    description: "Greets new visitors with the store's best-sellers and a first-order discount.",
    stage: "first visit",
    rule: {
      name: "Welcome offer for first-time visitors",
      segmentIds: ["new_visitor"],
      placements: ["home", "app_embed"],
      strategy: "trending",
      priority: 30,
      content: { heading: "Welcome! Here's what everyone loves", message: "Take 10% off your first order." },
      offer: { id: "welcome10", kind: "discount_code", title: "10% off your first order", code: "WELCOME10", percentOff: 10 },
    },
    segments: [],
  },
  {
    id: "free_shipping_returning",
    name: "Free-shipping reminder for returning visitors",
    description: "Reminds returning visitors in the cart that free shipping is close.",
    stage: "returning",
    rule: {
      name: "Free-shipping reminder for returning visitors",
      segmentIds: ["returning_visitor"],
      placements: ["cart"],
      strategy: "cart_complements",
      priority: 20,
      content: { heading: "Free shipping is almost yours", message: "Add one of these to reach free shipping." },
      offer: { id: "free_shipping", kind: "free_shipping", title: "Free shipping on orders over $50" },
    },
    segments: [],
  },
  {
    id: "priority_support_high_value",
    name: "Priority support for high-value carts",
    description: "Offers a direct line to the team when the cart is worth $200 or more.",
    stage: "cart",
    rule: {
      name: "Priority support for high-value carts",
      segmentIds: [HIGH_VALUE_CART.id],
      placements: ["cart", "app_embed"],
      strategy: "cart_complements",
      priority: 40,
      content: { heading: "You're first in line", message: "Questions about your order? Our team answers you first." },
      offer: { id: "priority_support", kind: "message", title: "Priority support" },
    },
    segments: [HIGH_VALUE_CART],
  },
  {
    id: "early_access_loyal",
    name: "Early access for loyal members",
    description: "Shows new arrivals first to repeat buyers and VIPs.",
    stage: "loyalty",
    rule: {
      name: "Early access for loyal members",
      segmentIds: ["vip", "repeat_buyer"],
      placements: ["home"],
      strategy: "new_arrivals",
      priority: 50,
      content: { heading: "Early access, just for you", message: "Our newest pieces, before everyone else." },
      offer: { id: "early_access", kind: "message", title: "Early access to new arrivals" },
    },
    segments: [],
  },
  {
    id: "win_back_lapsed",
    name: "Win-back for lapsed customers",
    description: "Brings back customers who stopped buying with their favourites and a discount.",
    stage: "win-back",
    rule: {
      name: "Win-back for lapsed customers",
      segmentIds: ["lapsed", "at_risk"],
      placements: ["home", "app_embed"],
      strategy: "picked_for_you",
      priority: 45,
      content: { heading: "We saved these for you", message: "Come back for 15% off." },
      offer: { id: "comeback15", kind: "discount_code", title: "15% off your next order", code: "COMEBACK15", percentOff: 15 },
    },
    segments: [],
  },
  {
    id: "birthday_reward",
    name: "Birthday reward",
    description: "A birthday discount for customers whose birthday is this week.",
    stage: "loyalty",
    rule: {
      name: "Birthday reward",
      segmentIds: [BIRTHDAY_THIS_WEEK.id],
      placements: ["home", "app_embed"],
      strategy: "picked_for_you",
      priority: 60,
      content: { heading: "Happy birthday!", message: "A little gift from us: 20% off this week." },
      offer: { id: "birthday20", kind: "discount_code", title: "20% off for your birthday", code: "BIRTHDAY20", percentOff: 20 },
    },
    segments: [BIRTHDAY_THIS_WEEK],
  },
  {
    id: "pinterest_visitors",
    name: "Pinterest visitors",
    description: "Shows what's trending to visitors who arrive from Pinterest.",
    stage: "traffic",
    rule: {
      name: "Pinterest visitors",
      segmentIds: ["source:pinterest"],
      placements: ["home"],
      strategy: "trending",
      priority: 35,
      content: { heading: "Trending on Pinterest", message: "The pieces pinned most this week." },
      offer: null,
    },
    segments: [],
  },
  {
    id: "instagram_visitors",
    name: "Instagram visitors",
    description: "Greets visitors from Instagram with the looks they came for.",
    stage: "traffic",
    rule: {
      name: "Instagram visitors",
      segmentIds: ["source:instagram"],
      placements: ["home"],
      strategy: "trending",
      priority: 35,
      content: { heading: "Seen on Instagram", message: "The looks everyone is asking about." },
      offer: null,
    },
    segments: [],
  },
  {
    id: "country_collections",
    name: "Country collections",
    description: "Shows what sells in the visitor's country (change the country to yours).",
    stage: "location",
    rule: {
      name: "Visitors from Canada",
      segmentIds: ["country:ca"],
      placements: ["home"],
      strategy: "trending_in_country",
      priority: 25,
      content: { heading: "Popular in Canada", message: null },
      offer: null,
    },
    segments: [],
  },
  {
    id: "buy_again_repeat",
    name: "Buy again for repeat buyers",
    description: "Puts the products repeat buyers reorder first.",
    stage: "returning",
    rule: {
      name: "Buy again for repeat buyers",
      segmentIds: ["repeat_buyer"],
      placements: ["home", "product"],
      strategy: "buy_again",
      priority: 15,
      content: { heading: "Ready for a refill?", message: "Your favourites, one click away." },
      offer: null,
    },
    segments: [],
  },
];

export function ruleTemplate(id: string): RuleTemplate | undefined {
  return RULE_TEMPLATES.find((t) => t.id === id);
}

/** The rule a template pre-fills (enabled, no schedule); the caller gives it an id when saving. */
export function ruleFromTemplate(id: string, ruleId = ""): { rule: Rule; segments: SegmentDefinition[] } | null {
  const t = ruleTemplate(id);
  if (!t) return null;
  const rule: Rule = { ...structuredClone(t.rule), id: ruleId, enabled: true, startsAt: null, endsAt: null };
  return { rule, segments: structuredClone(t.segments) };
}
