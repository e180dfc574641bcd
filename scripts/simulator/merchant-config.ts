/**
 * An example merchant configuration, as a merchant would set it in the admin: storefront settings
 * (free shipping over $50, visitor-type offers), one merchant segment and two rules, and the example
 * loyalty program turned on. The demo store and the e2e store both use it, so what the demo shows is
 * what the e2e tests check.
 */
import type { Db } from "../../app/db.server";
import { appendChanges } from "../../app/models/changes.server";
import { createAdminClient } from "../../app/shopify/admin-api/client.server";
import type { OfferInput } from "../../app/models/offers.server";
import { discountInput } from "../../app/services/offers.server";
import type { CodeDiscountNode, DiscountUserError } from "../../app/shopify/admin-api/documents";
import { EXAMPLE_PROGRAM } from "../../app/engine/loyalty/program";
import type { ProgramConfig } from "../../app/engine/loyalty/types";
import { saveProgram } from "../../app/models/loyalty.server";

export const PINTEREST_HEADING = "Trending on Pinterest";
export const CANADA_HEADING = "Hello from our Canadian shelf";
export const WELCOME_CODE = "WELCOME10";

/** Storefront settings: free shipping over $50; the welcome offer is an exit-intent popup. */
export const SHOP_SETTINGS = {
  freeShippingThresholdCents: 5000,
  visitorOffers: {
    welcome: { enabled: true, message: "Welcome! Take 10% off your first order with code {code}.", discountCode: WELCOME_CODE, trigger: { type: "exit_intent" } },
    freeShippingReminder: { enabled: true, message: "Welcome back! Free shipping is waiting on orders over $50.", discountCode: null, trigger: { type: "exit_intent" } },
    prioritySupport: { enabled: true, message: "Questions about your order? Chat with our team: you're first in line.", discountCode: null, trigger: { type: "delay", seconds: 20 }, minCartValueCents: 20_000 },
    earlyAccess: { enabled: true, message: "Thanks for being a regular: you get early access to our new arrivals.", discountCode: null, trigger: { type: "exit_intent" } },
    winBack: { enabled: true, message: "We miss you! Here's 15% off with code {code}.", discountCode: "COMEBACK15", trigger: { type: "exit_intent" } },
  },
};

/**
 * The codes the visitor offers above show: created in Shopify (the simulator) through the Admin API
 * with the app's own discount input, then stored as Offer rows, as the Offers page would.
 */
export const OFFERS: OfferInput[] = [
  { title: "Welcome: 10% off a first order", code: WELCOME_CODE, kind: "percentage", value: 10, minSubtotalCents: null, endsAt: null },
  { title: "Win back: 15% off", code: "COMEBACK15", kind: "percentage", value: 15, minSubtotalCents: null, endsAt: null },
];

export const SEGMENTS = [{ id: "canadian_customers", name: "Canadian customers", definition: { field: "customer_country", op: "eq", value: "CA" } }];

export const RULES = [
  {
    id: "rule_pinterest",
    name: "Pinterest visitors",
    priority: 50,
    definition: { segmentIds: ["source:pinterest"], placements: ["home"], strategy: "trending", content: { heading: PINTEREST_HEADING, message: "The pieces pinned most this week." }, offer: null },
  },
  {
    id: "rule_canada",
    name: "Visitors from Canada",
    priority: 40,
    // country:ca is the request's storefront country; canadian_customers is the signed-in customer's.
    definition: { segmentIds: ["country:ca", "canadian_customers"], placements: ["home"], strategy: "picked_for_you", content: { heading: CANADA_HEADING, message: "Ships from Toronto in 2 days." }, offer: { id: "off_ca", kind: "free_shipping", title: "Free shipping to Canada over $50" } },
  },
];

/**
 * Writes the configuration for a shop (the Shop row must exist), with its `config` events in the
 * same transaction, as an admin save does: a running app's engines reload it on their next poll.
 */
export async function writeMerchantConfig(db: Db, shop: string) {
  await db.$transaction(async (tx) => {
    await tx.shop.update({ where: { id: shop }, data: { settings: JSON.stringify(SHOP_SETTINGS) } });
    for (const s of SEGMENTS) {
      await tx.segment.upsert({
        where: { shopId_id: { shopId: shop, id: s.id } },
        create: { shopId: shop, id: s.id, name: s.name, definition: JSON.stringify(s.definition) },
        update: { name: s.name, definition: JSON.stringify(s.definition) },
      });
    }
    for (const r of RULES) {
      const data = { name: r.name, priority: r.priority, enabled: true, definition: JSON.stringify(r.definition) };
      await tx.rule.upsert({ where: { shopId_id: { shopId: shop, id: r.id } }, create: { shopId: shop, id: r.id, ...data }, update: data });
    }
    await appendChanges(tx, shop, [
      { kind: "config", entityId: "settings" },
      ...SEGMENTS.map((s) => ({ kind: "config" as const, entityId: `segment:${s.id}` })),
      ...RULES.map((r) => ({ kind: "config" as const, entityId: `rule:${r.id}` })),
    ]);
  });
}

/** Creates OFFERS in the Admin API stand-in and stores them (the Shop row must exist). */
export async function createMerchantOffers(db: Db, shop: string, admin: { origin: string; accessToken: string }) {
  const client = createAdminClient(shop, admin.accessToken, { simulator: { origin: admin.origin } });
  const startsAt = new Date(Date.now() - 86_400_000);
  for (const o of OFFERS) {
    const { document, root, variables } = discountInput(o, startsAt);
    const payload = (await client.request<Record<string, { codeDiscountNode: CodeDiscountNode | null; userErrors: DiscountUserError[] }>>(document, variables))[root];
    if (!payload.codeDiscountNode) throw new Error(`creating ${o.code}: ${payload.userErrors.map((e) => e.message).join("; ")}`);
    const row = { discountId: payload.codeDiscountNode.id, code: o.code, title: o.title, kind: o.kind, value: o.value, minSubtotalCents: o.minSubtotalCents, status: "active", startsAt, endsAt: o.endsAt };
    await db.offer.upsert({ where: { shopId_code: { shopId: shop, code: o.code } }, create: { shopId: shop, id: `off_${o.code.toLowerCase()}`, ...row }, update: row });
  }
}

/**
 * The demo's loyalty program: the example the admin prefills (spend tiers Bronze from $0, Silver from
 * $500, Gold from $1,500 over a rolling 12 months), turned on. On the demo store (seed 42) a year of
 * orders puts members in every tier.
 */
export const LOYALTY_PROGRAM: ProgramConfig = { ...EXAMPLE_PROGRAM, enabled: true };

/**
 * Saves LOYALTY_PROGRAM as the shop's program version in effect since `since` (before the store's
 * first order), as if the merchant had turned it on then: the history the app then imports earns
 * points under it (an order earns under the version in effect when it was placed).
 */
export async function writeLoyaltyProgram(db: Db, shop: string, since: Date) {
  const r = await saveProgram(db, shop, "demo", LOYALTY_PROGRAM, since);
  if (!r.ok) throw new Error(`the demo loyalty program is invalid: ${JSON.stringify(r.errors)}`);
  return r.value.version;
}
