/**
 * The typed field catalogue that merchant-defined segment conditions may refer to.
 *
 * Getters return *normalised* values (strings and list items lowercased, missing values null) so
 * that both the compiler and the reference interpreter compare like with like, case-insensitively,
 * without re-normalising per comparison. `personal` marks fields derived from the customer's own
 * history or browsing: they are never evaluated for a shopper who opted out of automated decisions.
 */
import type { CustomerProfile } from "../profile/types";
import { PLACEMENTS, type LoyaltyStanding, type ShopperContext } from "../types";

export interface SegmentSubject {
  profile: CustomerProfile;
  context: ShopperContext;
  /** The shopper's loyalty standing; null or absent for guests, non-members and opted-out shoppers. */
  loyalty?: LoyaltyStanding | null;
}

export type FieldType = "number" | "money" | "string" | "enum" | "boolean" | "string_list";

export type Op =
  | "eq"
  | "neq"
  | "gt"
  | "gte"
  | "lt"
  | "lte"
  | "between"
  | "in"
  | "not_in"
  | "exists"
  | "contains"
  | "not_contains"
  | "contains_any"
  | "contains_all"
  | "is_empty";

export const OPS_BY_TYPE: Record<FieldType, readonly Op[]> = {
  number: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "exists"],
  money: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "exists"],
  string: ["eq", "neq", "in", "not_in", "exists"],
  enum: ["eq", "neq", "in", "not_in", "exists"],
  boolean: ["eq"],
  string_list: ["contains", "not_contains", "contains_any", "contains_all", "is_empty"],
};

export type FieldValue = number | string | boolean | readonly string[] | null;

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** Human wording used in explanations ("lifetime value"). */
  label: string;
  personal: boolean;
  /** Allowed values for enum fields (lowercase). */
  values?: readonly string[];
  description: string;
  get(s: SegmentSubject): FieldValue;
}

const lower = (v: string | null | undefined): string | null => (v ? v.toLowerCase() : null);
const lowerList = (v: readonly string[]): string[] => v.map((x) => x.toLowerCase());
const values = (list: { value: string }[]): string[] => list.map((a) => a.value);

export function cartValueCents(ctx: ShopperContext): number {
  let sum = 0;
  for (const item of ctx.cart ?? []) sum += (item.priceCents ?? 0) * item.quantity;
  return sum;
}

function fields(list: FieldSpec[]): Record<string, FieldSpec> {
  const out: Record<string, FieldSpec> = Object.create(null);
  for (const f of list) out[f.name] = f;
  return out;
}

export const FIELDS: Readonly<Record<string, FieldSpec>> = fields([
  // --- profile (the customer's own history): personal ---
  { name: "orders_count", type: "number", label: "orders", personal: true, description: "Counted orders (not cancelled, not fully refunded).", get: (s) => s.profile.ordersCount },
  { name: "buyer_type", type: "enum", label: "buyer type", personal: true, values: ["none", "first_time", "returning"], description: "none, first_time (1 order) or returning (2+).", get: (s) => s.profile.buyerType },
  { name: "days_since_last_order", type: "number", label: "days since last order", personal: true, description: "Whole days since the last counted order; missing for non-buyers.", get: (s) => s.profile.recencyDays },
  { name: "frequency", type: "number", label: "orders in the last year", personal: true, description: "Counted orders inside the RFM window (365 days by default).", get: (s) => s.profile.frequency },
  { name: "monetary_cents", type: "money", label: "spend in the last year", personal: true, description: "Net spend inside the RFM window.", get: (s) => s.profile.monetaryCents },
  { name: "lifetime_value_cents", type: "money", label: "lifetime value", personal: true, description: "Net spend over all time.", get: (s) => s.profile.lifetimeValueCents },
  { name: "average_order_value_cents", type: "money", label: "average order value", personal: true, description: "Lifetime value / orders.", get: (s) => (s.profile.ordersCount > 0 ? s.profile.averageOrderValueCents : null) },
  { name: "rfm_recency", type: "number", label: "RFM recency score", personal: true, description: "1..5, 5 = bought most recently.", get: (s) => s.profile.rfm.recency },
  { name: "rfm_frequency", type: "number", label: "RFM frequency score", personal: true, description: "1..5.", get: (s) => s.profile.rfm.frequency },
  { name: "rfm_monetary", type: "number", label: "RFM monetary score", personal: true, description: "1..5.", get: (s) => s.profile.rfm.monetary },
  { name: "churn_ratio", type: "number", label: "churn ratio", personal: true, description: "Days since last order / usual interval; 1 = due now.", get: (s) => s.profile.churn.ratio },
  { name: "churn_level", type: "enum", label: "churn level", personal: true, values: ["none", "active", "at_risk", "lapsed"], description: "Churn ratio bucketed by the profile thresholds.", get: (s) => s.profile.churn.level },
  { name: "price_band", type: "enum", label: "price band", personal: true, values: ["budget", "mid", "premium"], description: "Typical unit price against the shop's price tertiles.", get: (s) => s.profile.priceBand },
  { name: "customer_tags", type: "string_list", label: "customer tags", personal: true, description: "Tags on the Shopify customer.", get: (s) => lowerList(s.profile.tags) },
  { name: "customer_country", type: "string", label: "customer country", personal: true, description: "Last order's shipping country, else the customer's (ISO alpha-2).", get: (s) => lower(s.profile.location.country) },
  { name: "customer_province", type: "string", label: "customer province", personal: true, description: "Province code matching customer_country.", get: (s) => lower(s.profile.location.province) },
  { name: "affinity_product_types", type: "string_list", label: "favourite product types", personal: true, description: "Top product types by recency-weighted purchases and quiz answers.", get: (s) => values(s.profile.affinities.productTypes) },
  { name: "affinity_vendors", type: "string_list", label: "favourite vendors", personal: true, description: "Top vendors.", get: (s) => values(s.profile.affinities.vendors) },
  { name: "affinity_tags", type: "string_list", label: "favourite product tags", personal: true, description: "Top product tags.", get: (s) => values(s.profile.affinities.tags) },
  { name: "affinity_collections", type: "string_list", label: "favourite collections", personal: true, description: "Top collections.", get: (s) => values(s.profile.affinities.collections) },
  { name: "purchased_product_ids", type: "string_list", label: "purchased products", personal: true, description: "Products kept at least once.", get: (s) => s.profile.products.map((p) => p.productId) },
  { name: "birthday_soon", type: "boolean", label: "birthday soon", personal: true, description: "Birthday within the profile's window (7 days by default).", get: (s) => s.profile.birthday.withinWindow },
  { name: "days_until_birthday", type: "number", label: "days until birthday", personal: true, description: "0 = today; missing when unknown.", get: (s) => s.profile.birthday.daysUntil },
  // --- loyalty program (LoyaltyMember): personal; missing for non-members, so "points < 100" leaves them out ---
  { name: "loyalty_tier", type: "string", label: "loyalty tier", personal: true, description: "The member's tier id in the loyalty program; missing for non-members and members below every tier.", get: (s) => lower(s.loyalty?.tierId) },
  { name: "loyalty_points", type: "number", label: "points", personal: true, description: "Spendable loyalty points; missing for non-members.", get: (s) => s.loyalty?.points ?? null },
  { name: "loyalty_pending", type: "number", label: "pending points", personal: true, description: "Points earned but not yet spendable (pending period); missing for non-members.", get: (s) => s.loyalty?.pending ?? null },
  { name: "recently_viewed_product_ids", type: "string_list", label: "recently viewed products", personal: true, description: "Consented storefront browsing.", get: (s) => s.context.recentlyViewed ?? [] },

  // --- request context: not personal ---
  { name: "logged_in", type: "boolean", label: "logged in", personal: false, description: "The request carries Shopify's signed customer id.", get: (s) => s.context.customerId != null },
  { name: "placement", type: "enum", label: "placement", personal: false, values: PLACEMENTS, description: "Where on the storefront the decision is made.", get: (s) => s.context.placement },
  { name: "country", type: "string", label: "visitor country", personal: false, description: "Storefront country of this request (ISO alpha-2).", get: (s) => lower(s.context.country) },
  { name: "province", type: "string", label: "visitor province", personal: false, description: "Province of this request, when known.", get: (s) => lower(s.context.province) },
  { name: "traffic_source", type: "string", label: "traffic source", personal: false, description: "Normalised source: pinterest, instagram, facebook, tiktok, google, email, direct, referral or a custom UTM source.", get: (s) => lower(s.context.trafficSource) },
  { name: "device", type: "enum", label: "device", personal: false, values: ["mobile", "tablet", "desktop"], description: "From the user agent.", get: (s) => s.context.device ?? null },
  { name: "returning_visitor", type: "boolean", label: "returning visitor", personal: false, description: "This browser has been here before.", get: (s) => s.context.returningVisitor === true },
  { name: "cart_value_cents", type: "money", label: "cart value", personal: false, description: "Sum of quantity x unit price of the cart.", get: (s) => cartValueCents(s.context) },
  { name: "cart_item_count", type: "number", label: "items in cart", personal: false, description: "Sum of cart quantities.", get: (s) => (s.context.cart ?? []).reduce((n, i) => n + i.quantity, 0) },
  { name: "cart_product_ids", type: "string_list", label: "cart products", personal: false, description: "Product ids in the cart.", get: (s) => (s.context.cart ?? []).map((i) => i.productId) },
  { name: "viewed_product_id", type: "string", label: "viewed product", personal: false, description: "Product page being viewed.", get: (s) => s.context.productId ?? null },
]);

export const FIELD_NAMES: readonly string[] = Object.keys(FIELDS);

/** Catalogue without getters, for the admin UI's condition builder. */
export function fieldCatalogue(): { name: string; type: FieldType; label: string; personal: boolean; ops: readonly Op[]; values?: readonly string[]; description: string }[] {
  return FIELD_NAMES.map((n) => {
    const f = FIELDS[n];
    return { name: f.name, type: f.type, label: f.label, personal: f.personal, ops: OPS_BY_TYPE[f.type], values: f.values, description: f.description };
  });
}
