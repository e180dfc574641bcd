/**
 * The engine's vocabulary: plain data in, decisions with reasons out.
 *
 * Nothing here (or anywhere under app/engine/) imports Prisma, Remix or the network. Services load
 * store data from the database, convert it into these shapes and hand them over; that is what lets
 * the engine be unit-tested, benchmarked and evaluated offline on public datasets.
 *
 * Ids are Shopify's numeric ids as decimal strings: they exceed 2^53 and must never become numbers.
 * Times are epoch milliseconds (numbers are safe for those). Money is integer minor units (cents).
 */

export type Id = string;

export interface CatalogProduct {
  id: Id;
  title: string;
  handle: string;
  productType: string;
  vendor: string;
  tags: string[];
  collections: string[];
  /** Lowest variant price, minor units. */
  priceCents: number;
  /** Any variant can be bought now. */
  available: boolean;
  /** Active and published to the online store. */
  published: boolean;
  createdAt: number;
  imageUrl?: string | null;
  /** First available variant, so the storefront can add to cart in one click. */
  defaultVariantId?: Id | null;
}

export interface OrderLineFact {
  productId: Id;
  variantId?: Id | null;
  quantity: number;
  /** Unit price, minor units. */
  priceCents: number;
  /** Units refunded so far; a fully refunded line no longer counts as a purchase. */
  refundedQuantity?: number;
}

export interface OrderFact {
  id: Id;
  /** null for guest checkouts. */
  customerId: Id | null;
  createdAt: number;
  /** Shipping (or billing) country, ISO 3166-1 alpha-2. */
  countryCode?: string | null;
  provinceCode?: string | null;
  totalCents: number;
  cancelled?: boolean;
  /** Where the order came from (landing_site UTM / referring_site host), when known. */
  trafficSource?: string | null;
  lines: OrderLineFact[];
}

export interface CustomerFact {
  id: Id;
  createdAt: number;
  countryCode?: string | null;
  provinceCode?: string | null;
  tags: string[];
  /** "MM-DD" when the merchant collects birthdays (customer metafield or quiz). */
  birthday?: string | null;
  /** Zero-party answers from the quiz: question key -> chosen values. */
  quizAnswers?: Record<string, string[]>;
  /** The shopper opted out of automated decisions: no personal signals are used. */
  personalizationOptOut?: boolean;
}

/**
 * A loyalty member's standing as the engine holds it (LoyaltyMember, kept current by the feed's
 * `loyalty` events), read by the segment fields loyalty_tier, loyalty_points and loyalty_pending.
 */
export interface LoyaltyStanding {
  /** The program tier's id; null for a member below every tier. */
  tierId: string | null;
  /** Spendable points. */
  points: number;
  /** Points earned but not yet spendable (inside the pending period). */
  pending: number;
}

/** A storefront moment where Attune decides something. */
export type Placement = "home" | "product" | "cart" | "checkout" | "thank_you" | "app_embed";
export const PLACEMENTS: readonly Placement[] = ["home", "product", "cart", "checkout", "thank_you", "app_embed"];

export type Device = "mobile" | "tablet" | "desktop";

/** What we know about the request in front of us (never trusted for identity: see customerId). */
export interface ShopperContext {
  placement: Placement;
  /** From Shopify's signed logged_in_customer_id only; null for guests. */
  customerId: Id | null;
  /** Product page being viewed. */
  productId?: Id | null;
  cart?: { productId: Id; variantId?: Id | null; quantity: number; priceCents?: number }[];
  /** Products another row on the same page already shows: never repeated in this one. */
  exclude?: Id[];
  /** Storefront-side browsing signals (consented): product ids, most recent first. */
  recentlyViewed?: Id[];
  country?: string | null;
  province?: string | null;
  /** Normalized traffic source: "pinterest", "instagram", "google", "email", "direct", ... */
  trafficSource?: string | null;
  device?: Device | null;
  /** Has this browser been here before (first-party id seen earlier)? */
  returningVisitor?: boolean;
  quizAnswers?: Record<string, string[]>;
  now: number;
}

export type StrategyName =
  | "bought_together"
  | "also_bought"
  | "picked_for_you"
  | "trending"
  | "trending_in_country"
  | "buy_again"
  | "recently_viewed"
  | "new_arrivals"
  | "cart_complements"
  | "similar_products";

export interface Recommendation {
  productId: Id;
  score: number;
  strategy: StrategyName;
  /** Shopper-facing, e.g. "Often bought with Linen Shirt". */
  reason: string;
}

/** Merchant-controlled business filters applied to every strategy. */
export interface RecommendationFilters {
  excludeProductIds?: Id[];
  /** Always shown first when eligible. */
  pinnedProductIds?: Id[];
  maxPriceCents?: number | null;
  /** Product types that are bought again (consumables); others are not recommended once bought. */
  consumableProductTypes?: string[];
  /** At most this many products of the same product type in one row. */
  maxPerProductType?: number;
}

export interface Offer {
  id: string;
  kind: "discount_code" | "free_shipping" | "message";
  title: string;
  /** Shopify discount code the storefront applies, when kind is discount_code. */
  code?: string | null;
  percentOff?: number | null;
}

export interface Content {
  heading?: string | null;
  message?: string | null;
  bannerImageUrl?: string | null;
  /** Where the banner (or heading) links: an https:// URL or a storefront path ("/collections/sale"). */
  linkUrl?: string | null;
}

/** Read access to the store's data as the engine holds it (implemented by the in-memory StoreModel). */
export interface StoreView {
  product(id: Id): CatalogProduct | undefined;
  products(): Iterable<CatalogProduct>;
  customer(id: Id): CustomerFact | undefined;
  /** The customer's orders, oldest first (cancelled ones excluded). */
  ordersOf(customerId: Id): readonly OrderFact[];
  /** Changes whenever orders or the catalog change: lets callers reuse values derived from them. */
  dataVersion?(): number;
  /** The customer's loyalty standing; undefined for a non-member (or a view without loyalty data). */
  loyaltyOf?(customerId: Id): LoyaltyStanding | undefined;
}

export interface RecommendRequest {
  strategy: StrategyName;
  context: ShopperContext;
  limit: number;
  filters?: RecommendationFilters;
}

export interface Recommender {
  recommend(req: RecommendRequest): Recommendation[];
}
