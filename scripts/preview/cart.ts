/**
 * A minimal, in-memory Shopify Ajax Cart API for the preview (one cart per preview session):
 * GET /cart.js, POST /cart/add.js, /cart/update.js, /cart/change.js, plus the theme's own
 * non-Ajax form posts (/cart/add, /cart/change) that redirect to /cart.
 *
 * Shapes follow shopify.dev "Cart API reference" for what blocks and themes read: line items with
 * `key`, `variant_id`, `product_id`, `quantity`, `properties`, prices in cents; the cart with
 * `items`, `item_count`, `total_price`, `attributes`, `currency`. One deliberate difference: ids are
 * JSON strings (the seeded ids exceed 2^53 and would be corrupted as JSON numbers).
 */
import crypto from "node:crypto";
import type { PreviewData } from "./data";

export interface CartLine {
  key: string;
  variantId: string;
  quantity: number;
  properties: Record<string, string>;
}

/** A discount code applied with Shopify's shareable link (`/discount/<code>`), as the Admin API stand-in knows it. */
export interface CartDiscount {
  code: string;
  /** false: the store has no such code (Shopify shows the code as not applicable). */
  applicable: boolean;
  /** Off the merchandise: a fraction (0.1 = 10%) or fixed cents; free shipping takes nothing here. */
  percentage?: number;
  amountCents?: number;
  freeShipping?: boolean;
  minSubtotalCents?: number;
}

export interface Cart {
  token: string;
  note: string;
  attributes: Record<string, string>;
  lines: CartLine[];
  discount?: CartDiscount | null;
}

/** What a code takes off a subtotal (0 below its minimum, never more than the subtotal). */
export function discountCents(d: CartDiscount | null | undefined, subtotal: number): number {
  if (!d?.applicable || subtotal <= 0) return 0;
  if (d.minSubtotalCents && subtotal < d.minSubtotalCents) return 0;
  if (d.percentage) return Math.min(subtotal, Math.round(subtotal * d.percentage));
  if (d.amountCents) return Math.min(subtotal, d.amountCents);
  return 0;
}

export class CartError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

export function emptyCart(): Cart {
  return { token: crypto.randomUUID().replace(/-/g, ""), note: "", attributes: {}, lines: [] };
}

const propsKey = (p: Record<string, string>) => JSON.stringify(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : 1)));

function lineKey(variantId: string, properties: Record<string, string>) {
  return `${variantId}:${crypto.createHash("md5").update(propsKey(properties)).digest("hex")}`;
}

function cleanProps(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw && typeof raw === "object") for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (v != null && v !== "") out[String(k)] = String(v);
  return out;
}

export function lineJson(data: PreviewData, l: CartLine) {
  const v = data.variants.get(l.variantId)!;
  const p = data.products.find((x) => x.id === v.productId)!;
  return {
    id: l.variantId,
    key: l.key,
    variant_id: l.variantId,
    product_id: p.id,
    quantity: l.quantity,
    properties: l.properties,
    title: v.title && v.title !== "Default Title" ? `${p.title} - ${v.title}` : p.title,
    product_title: p.title,
    variant_title: v.title === "Default Title" ? null : v.title,
    handle: p.handle,
    url: `/products/${p.handle}?variant=${l.variantId}`,
    vendor: p.vendor,
    product_type: p.productType,
    price: v.priceCents,
    original_price: v.priceCents,
    final_price: v.priceCents,
    line_price: v.priceCents * l.quantity,
    original_line_price: v.priceCents * l.quantity,
    final_line_price: v.priceCents * l.quantity,
    requires_shipping: true,
  };
}

export function cartJson(data: PreviewData, c: Cart) {
  const items = c.lines.map((l) => lineJson(data, l));
  const total = items.reduce((s, i) => s + i.line_price, 0);
  const off = discountCents(c.discount, total);
  return {
    token: c.token,
    note: c.note,
    attributes: c.attributes,
    original_total_price: total,
    total_price: total - off,
    total_discount: off,
    discount_codes: c.discount ? [{ code: c.discount.code, applicable: c.discount.applicable && (off > 0 || Boolean(c.discount.freeShipping)) }] : [],
    total_weight: 0,
    item_count: items.reduce((s, i) => s + i.quantity, 0),
    items,
    requires_shipping: items.length > 0,
    currency: data.currency,
    items_subtotal_price: total,
    cart_level_discount_applications: [],
  };
}

/** The Liquid `cart` object. */
export function cartLiquid(data: PreviewData, c: Cart) {
  const j = cartJson(data, c);
  return {
    items: j.items.map((i) => ({ ...i, id: i.variant_id, variant: { id: i.variant_id, title: i.variant_title }, product: { id: i.product_id, title: i.product_title, handle: i.handle } })),
    item_count: j.item_count,
    total_price: j.total_price,
    original_total_price: j.original_total_price,
    attributes: j.attributes,
    note: j.note,
    currency: { iso_code: data.currency },
  };
}

function addOne(data: PreviewData, c: Cart, item: { id?: unknown; quantity?: unknown; properties?: unknown }): CartLine {
  const variantId = String(item.id ?? "").trim();
  const v = data.variants.get(variantId);
  if (!/^\d+$/.test(variantId) || !v) throw new CartError(404, "Cannot find variant");
  if (!v.available) throw new CartError(422, `${v.title} is sold out.`);
  const qty = item.quantity == null || item.quantity === "" ? 1 : Number(item.quantity);
  if (!Number.isInteger(qty) || qty < 1) throw new CartError(422, "Quantity must be a positive whole number");
  const properties = cleanProps(item.properties);
  const key = lineKey(variantId, properties);
  const existing = c.lines.find((l) => l.key === key);
  if (existing) {
    existing.quantity += qty;
    return existing;
  }
  const line = { key, variantId, quantity: qty, properties };
  c.lines.push(line);
  return line;
}

/** POST /cart/add.js: `{items: [...]}` or a single `{id, quantity, properties}`. */
export function add(data: PreviewData, c: Cart, body: Record<string, unknown>) {
  const items = Array.isArray(body.items) ? (body.items as Record<string, unknown>[]) : [body];
  if (!items.length) throw new CartError(422, "No items");
  // All or nothing, like Shopify: validate against a copy first.
  const trial: Cart = { ...c, lines: c.lines.map((l) => ({ ...l })) };
  for (const i of items) addOne(data, trial, i);
  const added = items.map((i) => addOne(data, c, i));
  const json = [...new Set(added)].map((l) => lineJson(data, l));
  return Array.isArray(body.items) ? { items: json } : json[0];
}

function setQuantity(c: Cart, line: CartLine, qty: number) {
  if (!Number.isInteger(qty) || qty < 0) throw new CartError(422, "Quantity must be a whole number");
  if (qty === 0) c.lines = c.lines.filter((l) => l !== line);
  else line.quantity = qty;
}

/** POST /cart/update.js: `updates` (by variant id/key or positional array), `attributes`, `note`. */
export function update(data: PreviewData, c: Cart, body: Record<string, unknown>) {
  const updates = body.updates;
  if (Array.isArray(updates)) {
    const lines = [...c.lines];
    updates.forEach((q, i) => lines[i] && setQuantity(c, lines[i], Number(q)));
  } else if (updates && typeof updates === "object") {
    for (const [k, q] of Object.entries(updates as Record<string, unknown>)) {
      const line = c.lines.find((l) => l.key === k) ?? c.lines.find((l) => l.variantId === k);
      if (line) setQuantity(c, line, Number(q));
      else if (Number(q) > 0) addOne(data, c, { id: k, quantity: q });
    }
  }
  if (body.attributes && typeof body.attributes === "object") {
    for (const [k, v] of Object.entries(body.attributes as Record<string, unknown>)) {
      if (v == null || v === "") delete c.attributes[k];
      else c.attributes[k] = String(v);
    }
  }
  if (typeof body.note === "string") c.note = body.note;
  return cartJson(data, c);
}

/** POST /cart/change.js: one line by `line` (1-based), `id` (key or variant id); `quantity`, `properties`. */
export function change(data: PreviewData, c: Cart, body: Record<string, unknown>) {
  let line: CartLine | undefined;
  if (body.line != null && body.line !== "") line = c.lines[Number(body.line) - 1];
  else if (body.id != null) line = c.lines.find((l) => l.key === String(body.id)) ?? c.lines.find((l) => l.variantId === String(body.id));
  if (!line) throw new CartError(400, "no valid id or line parameter");
  if (body.properties && typeof body.properties === "object") {
    line.properties = cleanProps(body.properties);
    line.key = lineKey(line.variantId, line.properties);
  }
  if (body.quantity != null && body.quantity !== "") setQuantity(c, line, Number(body.quantity));
  return cartJson(data, c);
}
