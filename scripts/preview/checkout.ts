/**
 * The preview's checkout: the session's cart becomes an order that the simulator sends to the app
 * as Shopify would, a signed `orders/create` webhook (scripts/simulator/rest.ts shapes the body,
 * send.ts signs and retries). Line properties become `line_items[].properties` and cart attributes
 * `note_attributes`, both `[{name, value}]`, exactly as Shopify carries a cart into its order, so the
 * theme's attribution (`_attune_placement`, `_attune_rule`, `_attune_last_placement`) reaches ingest.
 */
import crypto from "node:crypto";
import { orderBody } from "../simulator/rest";
import type { Delivery } from "../simulator/events";
import { sendDelivery } from "../simulator/send";
import type { SimCustomer, SimOrder, SimStore } from "../simulator/store";
import type { Cart } from "./cart";
import type { Persona, PreviewData } from "./data";

/** Order ids above 2^53 (and below 2^63), unique per millisecond and sequence; line ids follow the order's. */
const ID_BASE = 8_000_000_000_000_000n;
let seq = 0;
let number = 5000;

export function orderFromCart(data: PreviewData, cart: Cart, persona: Persona, now = new Date()): SimOrder {
  if (!cart.lines.length) throw new Error("the cart is empty");
  const id = ID_BASE + BigInt(now.getTime()) * 100_000n + BigInt(seq++ % 100) * 1000n;
  const n = number++;
  const lines = cart.lines.map((l, i) => {
    const v = data.variants.get(l.variantId)!;
    const p = data.products.find((x) => x.id === v.productId)!;
    return {
      id: String(id + BigInt(i + 1)),
      productId: p.id,
      variantId: v.id,
      title: p.title,
      variantTitle: v.title,
      vendor: p.vendor,
      sku: "",
      quantity: l.quantity,
      priceCents: v.priceCents,
      properties: Object.entries(l.properties).map(([name, value]) => ({ name, value })),
    };
  });
  const subtotal = lines.reduce((s, l) => s + l.priceCents * l.quantity, 0);
  const at = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return {
    id: String(id),
    number: n,
    name: `#P${n}`,
    customerId: persona.customerId,
    createdAt: at,
    updatedAt: at,
    cancelledAt: null,
    currency: data.currency,
    test: false,
    sourceName: "web",
    landingSite: persona.landing ? `/?${persona.landing}` : null,
    referringSite: null,
    financialStatus: "paid",
    countryCode: persona.country,
    provinceCode: null,
    shippingCents: subtotal >= 5000 ? 0 : 599,
    lines,
    refunds: [],
    attributes: Object.entries(cart.attributes).map(([name, value]) => ({ name, value })),
  };
}

/** The orders/create body for a cart; the signed-in persona's customer carries an old version so it never overwrites what the app holds. */
export function checkoutBody(data: PreviewData, cart: Cart, persona: Persona, now = new Date()) {
  const order = orderFromCart(data, cart, persona, now);
  const customers: SimCustomer[] = persona.customerId
    ? [{ id: persona.customerId, state: "enabled", tags: [], countryCode: persona.country, provinceCode: null, createdAt: new Date(0), updatedAt: new Date(0) }]
    : [];
  const store = { shop: data.shop, currency: data.currency, customers } as unknown as SimStore;
  return { order, body: orderBody(store, order) };
}

export interface CheckoutResult {
  status: number;
  attempts: number;
  order: { id: string; name: string };
}

/** Places the order: sends the signed webhook to the app (retrying like Shopify) and reports its answer. */
export async function checkout(o: { appUrl: string; secret: string; shop: string; data: PreviewData; cart: Cart; persona: Persona }): Promise<CheckoutResult> {
  const { order, body } = checkoutBody(o.data, o.cart, o.persona);
  const delivery: Delivery = { topic: "orders/create", body: JSON.stringify(body), webhookId: crypto.randomUUID(), at: new Date() };
  const r = await sendDelivery(delivery, { appUrl: o.appUrl, shop: o.shop, secret: o.secret, retries: 2, retryDelayMs: 200 });
  return { ...r, order: { id: order.id, name: order.name } };
}
