/**
 * What the local storefront preview knows about the shop: its catalog (for theme pages and the
 * Ajax cart) and the persona customers, read from the same database the app uses (read only).
 *
 * Personas are picked deterministically from the stored order history, so the same seed gives the
 * same people. First names are made up here (Attune stores no names): they exist only in the
 * preview, as the Liquid `customer.first_name` a real theme would have.
 */
import { createDb, type Db } from "../../app/db.server";

export interface PreviewVariant {
  id: string;
  productId: string;
  title: string;
  priceCents: number;
  available: boolean;
}

export interface PreviewProduct {
  id: string;
  title: string;
  handle: string;
  productType: string;
  vendor: string;
  priceCents: number;
  available: boolean;
  variants: PreviewVariant[];
}

export type PersonaId = "new" | "returning" | "vip" | "lapsed" | "pinterest" | "canada" | "full_cart";

export interface Persona {
  id: PersonaId;
  label: string;
  /** What makes this persona what it is, from the data (shown in the persona bar). */
  why: string;
  /** Signed in as this customer (logged_in_customer_id); null = guest. */
  customerId: string | null;
  firstName: string | null;
  /** Storefront country (Liquid localization.country.iso_code). */
  country: string;
  /** Landing URL query, e.g. utm_source=pinterest. */
  landing: string | null;
  /** Variant ids to put in the cart when the persona is chosen. */
  cart: { variantId: string; quantity: number }[];
}

export interface PreviewData {
  shop: string;
  currency: string;
  products: PreviewProduct[];
  byHandle: Map<string, PreviewProduct>;
  variants: Map<string, PreviewVariant>;
  personas: Map<PersonaId, Persona>;
  /**
   * The app-data metafields the theme reads as `app.metafields.attune.*` (in Shopify, written by the
   * admin's Settings save with metafieldsSet; here read from the same Shop.settings).
   */
  appMetafields: { attune: { free_shipping_threshold_cents?: { value: number } } };
  /** Re-reads the catalog and personas (e.g. after more orders arrived). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

export const PERSONA_ORDER: PersonaId[] = ["new", "returning", "vip", "lapsed", "pinterest", "canada", "full_cart"];

const FIRST_NAMES = ["Avery", "Jordan", "Riley", "Morgan", "Quinn", "Harper", "Rowan", "Emerson", "Sasha", "Kai", "Noor", "Mika"];
const DAY = 86_400_000;

function nameFor(customerId: string): string {
  let h = 0;
  for (const ch of customerId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return FIRST_NAMES[h % FIRST_NAMES.length];
}

interface History {
  id: string;
  country: string | null;
  orders: { id: string; at: number; totalCents: number; country: string | null }[];
}

function stats(h: History, now: number) {
  const times = h.orders.map((o) => o.at).sort((a, b) => a - b);
  const ltv = h.orders.reduce((s, o) => s + o.totalCents, 0);
  const last = times[times.length - 1] ?? 0;
  const gaps = times.slice(1).map((t, i) => t - times[i]);
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : null;
  const ratio = median && median > 0 ? (now - last) / median : null;
  return { count: times.length, ltv, last, ratio, daysSince: Math.floor((now - last) / DAY) };
}

const money = (c: number) => `$${(c / 100).toFixed(0)}`;

export async function loadPreviewData(opts: { databaseUrl: string; shop: string; db?: Db }): Promise<PreviewData> {
  const db = opts.db ?? createDb(opts.databaseUrl);
  const shop = opts.shop;
  const data: PreviewData = {
    shop,
    currency: "USD",
    products: [],
    byHandle: new Map(),
    variants: new Map(),
    personas: new Map(),
    appMetafields: { attune: {} },
    reload: async () => {
      await read();
    },
    close: async () => {
      if (!opts.db) await db.$disconnect();
    },
  };

  async function read() {
    const shopRow = await db.shop.findUnique({ where: { id: shop } });
    data.currency = shopRow?.currency || "USD";
    let settings: Record<string, unknown> = {};
    try {
      settings = JSON.parse(shopRow?.settings ?? "{}") as Record<string, unknown>;
    } catch {
      /* defaults */
    }
    const threshold = Number(settings.freeShippingThresholdCents);
    data.appMetafields = { attune: Number.isInteger(threshold) && threshold > 0 ? { free_shipping_threshold_cents: { value: threshold } } : {} };
    const vipThreshold = Number(settings.vipThresholdCents) > 0 ? Number(settings.vipThresholdCents) : 100_000;

    const rows = await db.product.findMany({
      where: { shopId: shop, deletedAt: null, status: "active", publishedAt: { not: null } },
      orderBy: [{ title: "asc" }, { id: "asc" }],
    });
    const variantRows = await db.variant.findMany({ where: { shopId: shop }, orderBy: [{ productId: "asc" }, { position: "asc" }] });
    const byProduct = new Map<string, PreviewVariant[]>();
    data.variants = new Map();
    for (const v of variantRows) {
      const pv: PreviewVariant = { id: v.id, productId: v.productId, title: v.title, priceCents: v.priceCents, available: v.available };
      if (!byProduct.has(v.productId)) byProduct.set(v.productId, []);
      byProduct.get(v.productId)!.push(pv);
    }
    data.products = rows.map((p) => ({
      id: p.id,
      title: p.title,
      handle: p.handle,
      productType: p.productType,
      vendor: p.vendor,
      priceCents: p.priceMinCents,
      available: p.available,
      variants: byProduct.get(p.id) ?? [],
    }));
    data.byHandle = new Map(data.products.map((p) => [p.handle, p]));
    for (const p of data.products) for (const v of p.variants) data.variants.set(v.id, v);

    // Personas from order history.
    const customers = await db.customer.findMany({ where: { shopId: shop, deletedAt: null, personalizationOptOut: false }, select: { id: true, countryCode: true } });
    const orders = await db.order.findMany({
      where: { shopId: shop, deletedAt: null, cancelledAt: null, test: false, customerId: { not: null } },
      select: { id: true, customerId: true, totalCents: true, shopifyCreatedAt: true, countryCode: true },
      orderBy: [{ shopifyCreatedAt: "asc" }, { id: "asc" }],
    });
    const hist = new Map<string, History>(customers.map((c) => [c.id, { id: c.id, country: c.countryCode, orders: [] }]));
    for (const o of orders) hist.get(o.customerId!)?.orders.push({ id: o.id, at: o.shopifyCreatedAt.getTime(), totalCents: o.totalCents, country: o.countryCode });
    const now = Date.now();
    const all = [...hist.values()].filter((h) => h.orders.length > 0).map((h) => ({ h, s: stats(h, now) }));
    all.sort((a, b) => (a.h.id < b.h.id ? -1 : a.h.id > b.h.id ? 1 : 0));
    const taken = new Set<string>();
    const pick = (pred: (x: (typeof all)[number]) => boolean, score: (x: (typeof all)[number]) => number) => {
      let best: (typeof all)[number] | null = null;
      for (const x of all) if (!taken.has(x.h.id) && pred(x) && (!best || score(x) > score(best))) best = x;
      if (best) taken.add(best.h.id);
      return best;
    };
    const active = (x: (typeof all)[number]) => x.s.ratio !== null && x.s.ratio < 1.2 && x.s.daysSince < 60;
    const vip = pick((x) => x.s.ltv >= vipThreshold && active(x), (x) => x.s.ltv);
    // Lapsed: really away (60+ days) and past the engine's lapsed threshold (3x their usual gap);
    // small stores may have nobody that old, so fall back to the ratio alone.
    const lapsed =
      pick((x) => x.s.count >= 2 && x.s.daysSince >= 60 && x.s.ratio !== null && x.s.ratio >= 3 && x.s.ltv < vipThreshold, (x) => x.s.daysSince) ??
      pick((x) => x.s.count >= 2 && x.s.ratio !== null && x.s.ratio >= 4 && x.s.ltv < vipThreshold, (x) => x.s.ratio! - x.s.count);
    const fullCart = pick((x) => x.s.count >= 3 && x.s.ltv < vipThreshold && active(x), (x) => x.s.count);
    const returning = pick((x) => x.s.count >= 2 && x.s.count <= 5 && x.s.ltv < vipThreshold && active(x), (x) => -x.s.daysSince);
    const canada = pick((x) => (x.h.country ?? "").toUpperCase() === "CA" && x.h.orders[x.h.orders.length - 1].country?.toUpperCase() === "CA" && x.s.ltv < vipThreshold && (x.s.ratio === null || x.s.ratio < 3), (x) => x.s.count);

    // The repeat buyer's cart: available variants from their most recent orders, up to 3 lines.
    const cart: Persona["cart"] = [];
    if (fullCart) {
      const recent = [...fullCart.h.orders].reverse().map((o) => o.id);
      const lines = await db.orderLine.findMany({ where: { shopId: shop, orderId: { in: recent } }, select: { orderId: true, variantId: true, productId: true } });
      for (const oid of recent)
        for (const l of lines.filter((x) => x.orderId === oid)) {
          const v = l.variantId ? data.variants.get(l.variantId) : undefined;
          if (v && v.available && !cart.some((c) => data.variants.get(c.variantId)?.productId === v.productId) && cart.length < 3) cart.push({ variantId: v.id, quantity: 1 });
        }
    }

    const persona = (id: PersonaId, label: string, x: (typeof all)[number] | null, why: (s: ReturnType<typeof stats>) => string, extra: Partial<Persona> = {}): Persona => ({
      id,
      label,
      why: x ? why(x.s) : "no matching customer in this store: browsing as a guest",
      customerId: x?.h.id ?? null,
      firstName: x ? nameFor(x.h.id) : null,
      country: "US",
      landing: null,
      cart: [],
      ...extra,
    });
    const P: Persona[] = [
      { id: "new", label: "New visitor", why: "guest, first visit, no history", customerId: null, firstName: null, country: "US", landing: null, cart: [] },
      persona("returning", "Returning customer", returning, (s) => `${s.count} orders, last ${s.daysSince} days ago`),
      persona("vip", "VIP", vip, (s) => `lifetime value ${money(s.ltv)} over ${s.count} orders`),
      persona("lapsed", "Lapsed", lapsed, (s) => `${s.count} orders, none for ${s.daysSince} days (${s.ratio!.toFixed(1)}x the usual gap)`),
      { id: "pinterest", label: "From Pinterest", why: "guest landing with utm_source=pinterest", customerId: null, firstName: null, country: "US", landing: "utm_source=pinterest&utm_medium=social&utm_campaign=pins", cart: [] },
      persona("canada", "From Canada", canada, (s) => `Canadian customer, ${s.count} order${s.count === 1 ? "" : "s"}; storefront country CA`, { country: "CA" }),
      persona("full_cart", "Repeat buyer, full cart", fullCart, (s) => `${s.count} orders; cart holds ${cart.length} items from past orders`, { cart }),
    ];
    data.personas = new Map(P.map((p) => [p.id, p]));
  }

  await read();
  return data;
}
