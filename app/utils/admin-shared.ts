/**
 * Pure pieces the admin's server modules and its pages (browser bundle) share: names and formatting.
 * `*.server.ts` modules are stripped from the browser bundle, so anything a page renders with lives here.
 */

export const IMPORT_STAGES = ["products", "customers", "orders"] as const;

export interface ImportProgress {
  status: "not_started" | "pending" | "running" | "done" | "failed";
  stage: string;
  /** Records stored per stage so far. */
  counts: Record<(typeof IMPORT_STAGES)[number], number>;
  /** Whole stages done out of three (what we know for sure; a bulk operation's size is unknown until it ends). */
  percent: number;
  error: string | null;
  finishedAt: Date | string | null;
}

export const VISITOR_OFFER_KEYS = ["welcome", "freeShippingReminder", "prioritySupport", "earlyAccess", "winBack"] as const;
export type VisitorOfferKey = (typeof VISITOR_OFFER_KEYS)[number];

/** Offers shoppers may be shown: created in Shopify and not expired or deleted there. */
export function isUsable(o: { discountId: string | null; status: string }): boolean {
  return Boolean(o.discountId) && (o.status === "active" || o.status === "scheduled");
}

export function describeOffer(o: { kind: string; value: number | null; minSubtotalCents: number | null }, currency = "USD"): string {
  const money = (c: number) => new Intl.NumberFormat("en-US", { style: "currency", currency }).format(c / 100);
  const what = o.kind === "percentage" ? `${o.value}% off` : o.kind === "amount" ? `${money(o.value ?? 0)} off` : "Free shipping";
  return o.minSubtotalCents ? `${what} orders over ${money(o.minSubtotalCents)}` : `${what} the whole order`;
}
