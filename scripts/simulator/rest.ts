/**
 * REST webhook bodies for the simulated store, in the shape of Shopify's 2026-04 samples
 * (../shared/data/webhooks/samples/2026-04/*.json): snake_case, money as decimal strings, ids as bare
 * JSON integers. Our ids are >= 2^53, so they are written with JSON.rawJSON to stay exact.
 */
import { type SimCustomer, type SimOrder, type SimProduct, type SimRefund, type SimStore, gid, money, orderSubtotalCents, orderTotalCents } from "./store";

const rawJSON = (JSON as unknown as { rawJSON(s: string): unknown }).rawJSON;
const big = (id: string) => rawJSON(id);
const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);
const set = (cents: number, currency: string) => ({
  shop_money: { amount: money(cents), currency_code: currency },
  presentment_money: { amount: money(cents), currency_code: currency },
});

export function productBody(p: SimProduct): Record<string, unknown> {
  return {
    id: big(p.id),
    admin_graphql_api_id: gid("Product", p.id),
    title: p.title,
    body_html: `<p>${p.title}</p>`,
    vendor: p.vendor,
    product_type: p.productType,
    handle: p.handle,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
    published_at: iso(p.publishedAt),
    template_suffix: null,
    published_scope: "web",
    tags: p.tags.join(", "),
    status: p.status,
    variants: p.variants.map((v) => ({
      id: big(v.id),
      product_id: big(p.id),
      title: v.title,
      price: money(v.priceCents),
      position: v.position,
      inventory_policy: "deny",
      compare_at_price: null,
      option1: v.title,
      option2: null,
      option3: null,
      created_at: iso(p.createdAt),
      updated_at: iso(p.updatedAt),
      taxable: true,
      barcode: null,
      sku: v.sku,
      inventory_quantity: v.available ? 25 : 0,
      admin_graphql_api_id: gid("ProductVariant", v.id),
      image_id: null,
    })),
    options: [{ name: "Title", position: 1, values: p.variants.map((v) => v.title) }],
    images: p.imageUrl ? [{ id: big(p.variants[0].id), position: 1, src: p.imageUrl, alt: null, width: 1200, height: 1200 }] : [],
    image: p.imageUrl ? { id: big(p.variants[0].id), position: 1, src: p.imageUrl, alt: null, width: 1200, height: 1200 } : null,
    media: [],
    variant_gids: p.variants.map((v) => ({ admin_graphql_api_id: gid("ProductVariant", v.id), updated_at: iso(p.updatedAt) })),
  };
}

/** Fake identity fields (never real people) so tests can prove the app does not keep them. */
function fakeIdentity(id: string) {
  const n = id.slice(-5);
  return { email: `shopper-${n}@example.com`, first_name: "Sim", last_name: `Shopper ${n}`, phone: null };
}

function address(countryCode: string | null, provinceCode: string | null) {
  return countryCode ? { first_name: "Sim", last_name: "Shopper", address1: "1 Example Street", city: "Exampleville", zip: "00000", country_code: countryCode, province_code: provinceCode, country: countryCode, province: provinceCode } : null;
}

export function customerBody(c: SimCustomer): Record<string, unknown> {
  return {
    id: big(c.id),
    ...fakeIdentity(c.id),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    state: c.state,
    note: null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    tags: c.tags.join(", "),
    currency: "USD",
    tax_exemptions: [],
    admin_graphql_api_id: gid("Customer", c.id),
    default_address: { id: big(c.id), customer_id: big(c.id), ...address(c.countryCode, c.provinceCode), default: true },
    email_marketing_consent: null,
    sms_marketing_consent: null,
  };
}

function refundLines(o: SimOrder, r: SimRefund) {
  return r.lines.map((l) => {
    const line = o.lines.find((x) => x.id === l.lineItemId)!;
    return {
      id: big(l.id),
      line_item_id: big(l.lineItemId),
      location_id: null,
      quantity: l.quantity,
      restock_type: "return",
      subtotal: Number(money(l.subtotalCents)),
      subtotal_set: set(l.subtotalCents, o.currency),
      total_tax: 0,
      total_tax_set: set(0, o.currency),
      line_item: lineBody(o, line),
    };
  });
}

function lineBody(o: SimOrder, l: SimOrder["lines"][number]) {
  return {
    id: big(l.id),
    admin_graphql_api_id: gid("LineItem", l.id),
    name: `${l.title} - ${l.variantTitle}`,
    title: l.title,
    variant_title: l.variantTitle,
    vendor: l.vendor,
    sku: l.sku,
    price: money(l.priceCents),
    price_set: set(l.priceCents, o.currency),
    quantity: l.quantity,
    current_quantity: l.quantity,
    product_exists: true,
    product_id: big(l.productId),
    variant_id: big(l.variantId),
    requires_shipping: true,
    taxable: true,
    gift_card: false,
    total_discount: "0.00",
    total_discount_set: set(0, o.currency),
    discount_allocations: [],
    tax_lines: [],
    properties: l.properties ?? [],
    fulfillment_status: null,
  };
}

export function refundBody(o: SimOrder, r: SimRefund): Record<string, unknown> {
  return {
    id: big(r.id),
    admin_graphql_api_id: gid("Refund", r.id),
    order_id: big(o.id),
    created_at: iso(r.createdAt),
    processed_at: iso(r.createdAt),
    note: null,
    restock: true,
    user_id: null,
    refund_line_items: refundLines(o, r),
    transactions: [],
    order_adjustments: [],
    duties: [],
  };
}

/**
 * An order as a webhook carries it. `asOf` gives the state at that moment: refunds and cancellation
 * after it are left out (orders/create shows the order as placed).
 */
export function orderBody(store: SimStore, o: SimOrder, asOf: Date = o.updatedAt): Record<string, unknown> {
  const customer = o.customerId ? store.customers.find((c) => c.id === o.customerId) ?? null : null;
  const refunds = o.refunds.filter((r) => r.createdAt <= asOf);
  const cancelled = o.cancelledAt && o.cancelledAt <= asOf ? o.cancelledAt : null;
  const financial = cancelled ? "voided" : refunds.length ? o.financialStatus : "paid";
  const updatedAt = asOf < o.updatedAt ? asOf : o.updatedAt;
  const subtotal = orderSubtotalCents(o);
  const total = orderTotalCents(o);
  const identity = customer ? fakeIdentity(customer.id) : { email: null };
  return {
    id: big(o.id),
    admin_graphql_api_id: gid("Order", o.id),
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: cancelled ? "customer" : null,
    cancelled_at: iso(cancelled),
    confirmed: true,
    contact_email: identity.email,
    created_at: iso(o.createdAt),
    currency: o.currency,
    current_subtotal_price: money(subtotal),
    current_total_price: money(total),
    customer_locale: "en",
    discount_codes: [],
    email: identity.email,
    financial_status: financial,
    fulfillment_status: null,
    landing_site: o.landingSite,
    landing_site_ref: null,
    name: o.name,
    number: o.number - 1000,
    order_number: o.number,
    presentment_currency: o.currency,
    processed_at: iso(o.createdAt),
    referring_site: o.referringSite,
    source_name: o.sourceName,
    subtotal_price: money(subtotal),
    subtotal_price_set: set(subtotal, o.currency),
    tags: "",
    taxes_included: false,
    test: o.test,
    total_price: money(total),
    total_price_set: set(total, o.currency),
    total_shipping_price_set: set(o.shippingCents, o.currency),
    total_tax: "0.00",
    updated_at: iso(updatedAt),
    billing_address: address(o.countryCode, o.provinceCode),
    shipping_address: address(o.countryCode, o.provinceCode),
    customer: customer ? customerBody(customer) : null,
    line_items: o.lines.map((l) => lineBody(o, l)),
    refunds: refunds.map((r) => refundBody(o, r)),
    note_attributes: o.attributes ?? [],
    shipping_lines: o.shippingCents ? [{ id: big(o.id), title: "Standard", price: money(o.shippingCents), code: "Standard", source: "shopify" }] : [],
  };
}

/** JSON text with ids as exact integers. */
export const toJson = (body: unknown) => JSON.stringify(body);
