/**
 * Normalized store records: the one shape every source (webhooks, bulk backfill, simulator) is
 * converted into before it reaches the models, so there is exactly one upsert path.
 * Only the fields personalization needs are kept; names, emails, phones and street addresses are
 * dropped here, at the edge.
 */

export interface VariantRecord {
  id: string;
  title: string;
  priceCents: number;
  available: boolean;
  position: number;
}

export interface ProductRecord {
  id: string;
  title: string;
  handle: string;
  productType: string;
  vendor: string;
  tags: string[];
  /** Collection handles; undefined when the source does not carry them (webhooks), so they are kept. */
  collections?: string[];
  status: string;
  publishedAt: Date | null;
  imageUrl: string | null;
  variants: VariantRecord[];
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface CustomerRecord {
  id: string;
  state: string;
  countryCode: string | null;
  provinceCode: string | null;
  tags: string[];
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface OrderLineRecord {
  id: string;
  productId: string | null;
  variantId: string | null;
  title: string;
  quantity: number;
  priceCents: number;
  /** `_attune_placement` / `_attune_rule` line properties (see attribution.ts); absent = none. */
  placement?: string | null;
  ruleId?: string | null;
  /** Sum of the line's discount allocations in cents; absent = unknown (loyalty then caps at the order total). */
  discountCents?: number | null;
}

export interface RefundRecord {
  id: string;
  orderId: string;
  createdAt: Date;
  amountCents: number;
  lines: { id: string; lineItemId: string; quantity: number }[];
}

export interface OrderRecord {
  id: string;
  name: string;
  customerId: string | null;
  /** Customer fields carried inside the order (country/tags), applied only if newer than what we hold. */
  customer: CustomerRecord | null;
  currency: string;
  totalCents: number;
  financialStatus: string | null;
  countryCode: string | null;
  provinceCode: string | null;
  sourceName: string | null;
  trafficSource: string | null;
  test: boolean;
  createdAt: Date;
  updatedAt: Date | null;
  cancelledAt: Date | null;
  lines: OrderLineRecord[];
  refunds: RefundRecord[];
  /** The `_attune_last_placement` cart attribute (see attribution.ts); absent = none. */
  lastPlacement?: string | null;
  /** Loyalty earn inputs; absent = unknown. */
  processedAt?: Date | null;
  shippingCents?: number | null;
  taxCents?: number | null;
}

export function splitTags(tags: string | string[] | null | undefined): string[] {
  if (!tags) return [];
  const list = Array.isArray(tags) ? tags : tags.split(",");
  return [...new Set(list.map((t) => t.trim()).filter(Boolean))];
}

/**
 * Where the shopper came from, without keeping the URL (it can carry personal data in its query):
 * the utm_source value if the landing page had one, else the referrer's host.
 */
export function trafficSourceOf(landingSite: string | null | undefined, referringSite: string | null | undefined): string | null {
  if (landingSite) {
    try {
      const utm = new URL(landingSite, "https://shop.invalid").searchParams.get("utm_source");
      if (utm) return utm.trim().toLowerCase().slice(0, 40);
    } catch {
      /* not a URL: fall through to the referrer */
    }
  }
  if (referringSite) {
    try {
      return new URL(referringSite).hostname.replace(/^www\./, "").toLowerCase().slice(0, 80);
    } catch {
      return null;
    }
  }
  return null;
}
