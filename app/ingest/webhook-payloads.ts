/**
 * Webhook bodies (REST JSON, parsed losslessly) -> normalized records.
 * Each schema names only what we use and is lenient about the rest: Shopify adds fields across API
 * versions and sends nulls freely (see ../shared/data/webhooks/anonymized-deliveries). A body that
 * lacks what we need fails validation with a path-pointing message and is refused with a 422.
 */
import { z } from "zod";
import { cartPlacement, lineAttribution } from "./attribution";
import { shopifyId } from "./ids";
import { toCents } from "./money";
import { type CustomerRecord, type OrderRecord, type ProductRecord, type RefundRecord, splitTags, trafficSourceOf } from "./records";

// An amount: non-negative, at most 13 integer digits (cents stay exact integers below 2^53, and fit
// a 64-bit column). Anything else is refused with 422 rather than stored negative or as a REAL.
const MONEY = /^\s*\d{1,13}(?:\.\d+)?\s*$/;
const money = z
  .union([z.string(), z.number()])
  .nullish()
  .refine((v) => v == null || v === "" || (typeof v === "number" ? Number.isFinite(v) && v >= 0 && v < 1e13 : MONEY.test(v)), "must be a non-negative amount below 10^13");
const quantity = z.number().int().nonnegative().max(2_147_483_647);
const date = z
  .string()
  .nullish()
  .transform((s, ctx) => {
    if (!s) return null;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: `invalid date "${s}"` });
      return z.NEVER;
    }
    return d;
  });
const requiredDate = date.refine((d): d is Date => d !== null, "required date is missing");
const address = z
  .object({ country_code: z.string().nullish(), province_code: z.string().nullish() })
  .passthrough()
  .nullish();

const customerBody = z
  .object({
    id: shopifyId,
    state: z.string().nullish(),
    tags: z.union([z.string(), z.array(z.string())]).nullish(),
    created_at: date,
    updated_at: date,
    default_address: address,
  })
  .passthrough();

function customerRecord(c: z.infer<typeof customerBody>): CustomerRecord {
  return {
    id: c.id,
    state: c.state ?? "enabled",
    countryCode: c.default_address?.country_code ?? null,
    provinceCode: c.default_address?.province_code ?? null,
    tags: splitTags(c.tags),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}

export const customerPayload = customerBody.transform(customerRecord);

const variant = z
  .object({
    id: shopifyId,
    title: z.string().nullish(),
    price: money,
    position: z.number().int().nullish(),
    inventory_quantity: z.number().int().nullish(),
    inventory_policy: z.string().nullish(),
  })
  .passthrough();

export const productPayload = z
  .object({
    id: shopifyId,
    title: z.string(),
    handle: z.string(),
    product_type: z.string().nullish(),
    vendor: z.string().nullish(),
    tags: z.union([z.string(), z.array(z.string())]).nullish(),
    status: z.string().nullish(),
    published_at: date,
    created_at: date,
    updated_at: date,
    image: z.object({ src: z.string().nullish() }).passthrough().nullish(),
    images: z.array(z.object({ src: z.string().nullish() }).passthrough()).nullish(),
    variants: z.array(variant).default([]),
  })
  .passthrough()
  .transform(
    (p): ProductRecord => ({
      id: p.id,
      title: p.title,
      handle: p.handle,
      productType: p.product_type ?? "",
      vendor: p.vendor ?? "",
      tags: splitTags(p.tags),
      status: (p.status ?? "active").toLowerCase(),
      publishedAt: p.published_at,
      imageUrl: p.image?.src ?? p.images?.[0]?.src ?? null,
      createdAt: p.created_at,
      updatedAt: p.updated_at,
      variants: p.variants.map((v, i) => ({
        id: v.id,
        title: v.title ?? "",
        priceCents: toCents(v.price),
        // Shopify sells past zero stock when the policy is "continue"; unknown stock counts as available.
        available: v.inventory_policy === "continue" || v.inventory_quantity == null || v.inventory_quantity > 0,
        position: v.position ?? i + 1,
      })),
    }),
  );

const shopMoney = z.object({ shop_money: z.object({ amount: money }).passthrough() }).passthrough().nullish();

const refundBody = z
  .object({
    id: shopifyId,
    order_id: shopifyId,
    created_at: requiredDate,
    refund_line_items: z
      .array(
        z
          .object({
            id: shopifyId,
            line_item_id: shopifyId,
            quantity,
            subtotal_set: z.object({ shop_money: z.object({ amount: money }).passthrough() }).passthrough().nullish(),
            subtotal: money,
          })
          .passthrough(),
      )
      .default([]),
  })
  .passthrough();

function refundRecord(r: z.infer<typeof refundBody>): RefundRecord {
  return {
    id: r.id,
    orderId: r.order_id,
    createdAt: r.created_at as Date,
    amountCents: r.refund_line_items.reduce((s, l) => s + toCents(l.subtotal_set?.shop_money.amount ?? l.subtotal), 0),
    lines: r.refund_line_items.map((l) => ({ id: l.id, lineItemId: l.line_item_id, quantity: l.quantity })),
  };
}

export const refundPayload = refundBody.transform(refundRecord);

export const orderPayload = z
  .object({
    id: shopifyId,
    name: z.string().nullish(),
    currency: z.string().nullish(),
    total_price: money,
    financial_status: z.string().nullish(),
    source_name: z.string().nullish(),
    landing_site: z.string().nullish(),
    referring_site: z.string().nullish(),
    test: z.boolean().nullish(),
    created_at: requiredDate,
    updated_at: date,
    cancelled_at: date,
    processed_at: date,
    total_tax: money.nullish(),
    total_shipping_price_set: shopMoney,
    customer: customerBody.nullish(),
    shipping_address: address,
    billing_address: address,
    line_items: z.array(
      z
        .object({
          id: shopifyId,
          product_id: shopifyId.nullish(),
          variant_id: shopifyId.nullish(),
          title: z.string().nullish(),
          quantity,
          price: money,
          discount_allocations: z.array(z.object({ amount: money }).passthrough()).nullish(),
          // Read leniently by attribution.ts: other apps' properties must never reject an order.
          properties: z.unknown().optional(),
        })
        .passthrough(),
    ),
    refunds: z.array(refundBody).nullish(),
    note_attributes: z.unknown().optional(),
  })
  .passthrough()
  .transform((o): OrderRecord => {
    const addr = o.shipping_address ?? o.billing_address;
    const customer = o.customer ? customerRecord(o.customer) : null;
    return {
      id: o.id,
      name: o.name ?? "",
      customerId: customer?.id ?? null,
      customer,
      currency: o.currency ?? "USD",
      totalCents: toCents(o.total_price),
      financialStatus: o.financial_status ?? null,
      countryCode: addr?.country_code ?? customer?.countryCode ?? null,
      provinceCode: addr?.province_code ?? customer?.provinceCode ?? null,
      sourceName: o.source_name ?? null,
      trafficSource: trafficSourceOf(o.landing_site, o.referring_site),
      test: o.test ?? false,
      createdAt: o.created_at as Date,
      updatedAt: o.updated_at,
      cancelledAt: o.cancelled_at,
      lines: o.line_items.map((l) => ({
        id: l.id,
        productId: l.product_id ?? null,
        variantId: l.variant_id ?? null,
        title: l.title ?? "",
        quantity: l.quantity,
        priceCents: toCents(l.price),
        discountCents: l.discount_allocations ? l.discount_allocations.reduce((sum, d) => sum + toCents(d.amount), 0) : null,
        ...lineAttribution(l.properties),
      })),
      refunds: (o.refunds ?? []).map(refundRecord),
      lastPlacement: cartPlacement(o.note_attributes),
      processedAt: o.processed_at ?? null,
      shippingCents: o.total_shipping_price_set ? toCents(o.total_shipping_price_set.shop_money.amount) : null,
      taxCents: o.total_tax == null ? null : toCents(o.total_tax),
    };
  });

export const idOnlyPayload = z.object({ id: shopifyId }).passthrough();

export const customersRedactPayload = z
  .object({
    shop_domain: z.string(),
    customer: z.object({ id: shopifyId }).passthrough(),
    orders_to_redact: z.array(shopifyId).default([]),
  })
  .passthrough();

export const customersDataRequestPayload = z
  .object({
    shop_domain: z.string(),
    customer: z.object({ id: shopifyId }).passthrough(),
    orders_requested: z.array(shopifyId).default([]),
    data_request: z.object({ id: shopifyId }).passthrough().nullish(),
  })
  .passthrough();

export const shopRedactPayload = z.object({ shop_domain: z.string() }).passthrough();

export const scopesUpdatePayload = z
  .object({ current: z.array(z.string()), updated_at: date })
  .passthrough();

/** The shop object: `myshopify_domain` (and `domain` when it is a myshopify one) must name the header's shop. */
export const appUninstalledPayload = z
  .object({ id: shopifyId, name: z.string().nullable(), myshopify_domain: z.string().nullable(), domain: z.string().nullable(), plan_name: z.string().nullable() })
  .passthrough();

/** Every topic we subscribe to, with the schema its body must satisfy. */
export const TOPICS = {
  "orders/create": orderPayload,
  "orders/updated": orderPayload,
  "orders/paid": orderPayload,
  "orders/cancelled": orderPayload,
  "orders/delete": idOnlyPayload,
  "refunds/create": refundPayload,
  "customers/create": customerPayload,
  "customers/update": customerPayload,
  "customers/delete": idOnlyPayload,
  "products/create": productPayload,
  "products/update": productPayload,
  "products/delete": idOnlyPayload,
  "app/uninstalled": appUninstalledPayload,
  "app/scopes_update": scopesUpdatePayload,
  "customers/data_request": customersDataRequestPayload,
  "customers/redact": customersRedactPayload,
  "shop/redact": shopRedactPayload,
} as const;

export type Topic = keyof typeof TOPICS;
export const TOPIC_NAMES = Object.keys(TOPICS) as Topic[];

/** "orders/create" (header form) or "ORDERS_CREATE" (the library's enum form) -> "orders/create". */
export function topicFromHeader(header: string): Topic | null {
  const lower = header.toLowerCase();
  const t = lower.includes("/") ? lower : lower.replace("_", "/");
  return (TOPIC_NAMES as string[]).includes(t) ? (t as Topic) : null;
}

/** Paths and zod's own messages; custom messages may quote the value, so they are not repeated (logs, 422s). */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join(".") : "(body)"}: ${i.code === "custom" ? "invalid value" : i.message}`)
    .join("; ");
}
