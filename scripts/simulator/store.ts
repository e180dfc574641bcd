/**
 * A deterministic seeded Shopify store: catalog, customers and a year of orders with realistic
 * structure (complements and bundles per product type, repeat buyers on reorder cadences, traffic
 * sources, refunds, cancellations). Same seed + same `now` => byte-identical output.
 *
 * The store is plain data. It is emitted two ways:
 * - REST webhook bodies (restBody.*), shaped like Shopify's 2026-04 samples, ids as exact big
 *   integers in the JSON text (all ids here are >= 2^53, so a lossy JSON.parse corrupts them);
 * - Admin GraphQL objects (graphql.ts views), from which the Admin API stand-in answers queries and
 *   writes bulk JSONL.
 * It holds no real personal data; webhook bodies carry obviously fake names/emails so tests can show
 * the app drops them.
 */

export interface SimVariant {
  id: string;
  title: string;
  priceCents: number;
  available: boolean;
  position: number;
  sku: string;
}

export interface SimProduct {
  id: string;
  title: string;
  handle: string;
  productType: string;
  vendor: string;
  tags: string[];
  collections: string[];
  status: "active" | "draft" | "archived";
  publishedAt: Date | null;
  imageUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
  variants: SimVariant[];
}

export interface SimCustomer {
  id: string;
  state: "enabled" | "disabled" | "invited" | "declined";
  tags: string[];
  countryCode: string;
  provinceCode: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SimLine {
  id: string;
  productId: string;
  variantId: string;
  title: string;
  variantTitle: string;
  vendor: string;
  sku: string;
  quantity: number;
  priceCents: number;
  /** Line item properties as the cart carried them (`[{name, value}]`, REST's shape). */
  properties?: { name: string; value: string }[];
}

export interface SimRefund {
  id: string;
  orderId: string;
  createdAt: Date;
  lines: { id: string; lineItemId: string; quantity: number; subtotalCents: number }[];
}

export interface SimOrder {
  id: string;
  number: number;
  name: string;
  customerId: string | null;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  currency: string;
  test: boolean;
  sourceName: string;
  landingSite: string | null;
  referringSite: string | null;
  financialStatus: "paid" | "partially_refunded" | "refunded" | "voided";
  countryCode: string | null;
  provinceCode: string | null;
  shippingCents: number;
  lines: SimLine[];
  refunds: SimRefund[];
  /** Cart attributes (REST `note_attributes`, GraphQL `customAttributes`). */
  attributes?: { name: string; value: string }[];
}

export interface SimStore {
  shop: string;
  currency: string;
  seed: number;
  now: Date;
  products: SimProduct[];
  customers: SimCustomer[];
  /** Chronological. */
  orders: SimOrder[];
}

export interface StoreOptions {
  seed?: number;
  shop?: string;
  products?: number;
  customers?: number;
  orders?: number;
  /** The store's "today"; defaults to the current UTC day at 00:00 (stable within a day). */
  now?: Date;
}

/* ---------------------------------------------------------------- randomness */

export function rng(seed: number) {
  let a = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
    weighted: <T>(xs: readonly (readonly [T, number])[]): T => {
      const total = xs.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [x, w] of xs) if ((r -= w) < 0) return x;
      return xs[xs.length - 1][0];
    },
  };
}
type Rng = ReturnType<typeof rng>;

/* ---------------------------------------------------------------- ids (all >= 2^53) */

const TWO_53 = 9007199254740992n;
const BASES = { product: 1n, variant: 2n, customer: 3n, order: 4n, line: 5n, refund: 6n, refundLine: 7n, collection: 8n } as const;
/** Kind-specific ranges above 2^53, spaced by an odd stride so ids do not look consecutive. */
export function simId(kind: keyof typeof BASES, n: number): string {
  return String(TWO_53 * (BASES[kind] + 1n) + BigInt(n) * 7919n + 13n);
}

/* ---------------------------------------------------------------- catalog design */

interface TypeSpec {
  type: string;
  nouns: string[];
  vendors: string[];
  price: [number, number]; // dollars
  complements: string[];
  consumable: boolean;
  variants: string[][]; // option sets to choose from
  tags: string[];
}

const TYPES: TypeSpec[] = [
  { type: "Coffee", nouns: ["Espresso Roast", "Single Origin", "House Blend", "Decaf", "Cold Brew Blend", "Breakfast Roast"], vendors: ["Northbound Roasters", "Kettle & Crow"], price: [14, 24], complements: ["Coffee Gear", "Mugs"], consumable: true, variants: [["250g", "500g", "1kg"], ["Whole Bean", "Ground"]], tags: ["organic", "fair-trade"] },
  { type: "Coffee Gear", nouns: ["Burr Grinder", "Pour-Over Dripper", "Paper Filters", "Milk Frother", "Gooseneck Kettle", "French Press"], vendors: ["Kettle & Crow", "Brewlab"], price: [12, 140], complements: ["Coffee"], consumable: false, variants: [["Black", "Steel"], ["Default"]], tags: ["gear"] },
  { type: "Tea", nouns: ["Sencha", "Earl Grey", "Chamomile", "Masala Chai", "Oolong", "Peppermint"], vendors: ["Leaf & Lantern"], price: [9, 22], complements: ["Mugs", "Pantry"], consumable: true, variants: [["50g", "100g"], ["Loose Leaf", "Sachets"]], tags: ["organic", "caffeine-free"] },
  { type: "Mugs", nouns: ["Stoneware Mug", "Travel Tumbler", "Glass Cup", "Espresso Cup Set"], vendors: ["Fired Clay Co.", "Brewlab"], price: [16, 38], complements: ["Coffee", "Tea"], consumable: false, variants: [["Sand", "Slate", "Moss"]], tags: ["gift"] },
  { type: "Pantry", nouns: ["Wildflower Honey", "Dark Chocolate Bar", "Almond Biscotti", "Maple Syrup"], vendors: ["Hive Provisions", "Cocoa Works"], price: [6, 18], complements: ["Tea", "Coffee"], consumable: true, variants: [["Default"]], tags: ["vegan", "snack"] },
  { type: "Yoga", nouns: ["Cork Yoga Mat", "Yoga Block", "Yoga Strap", "Meditation Cushion"], vendors: ["Asana Supply"], price: [18, 95], complements: ["Activewear", "Bottles"], consumable: false, variants: [["Natural", "Indigo", "Clay"]], tags: ["eco"] },
  { type: "Activewear", nouns: ["High-Rise Leggings", "Sports Bra", "Running Shorts", "Merino Tee", "Zip Hoodie"], vendors: ["Asana Supply", "Tempo Athletics"], price: [28, 89], complements: ["Activewear", "Bottles", "Yoga"], consumable: false, variants: [["XS", "S", "M", "L", "XL"], ["Black", "Navy"]], tags: ["apparel"] },
  { type: "Bottles", nouns: ["Insulated Bottle", "Glass Bottle", "Kids Bottle"], vendors: ["Tempo Athletics"], price: [22, 42], complements: ["Yoga", "Activewear"], consumable: false, variants: [["500ml", "750ml"], ["Black", "Sage"]], tags: ["eco"] },
  { type: "Candles", nouns: ["Soy Candle", "Travel Tin Candle", "Pillar Candle", "Reed Diffuser"], vendors: ["Ember & Wick"], price: [14, 48], complements: ["Home Fragrance", "Candles"], consumable: true, variants: [["Cedar", "Fig", "Sea Salt", "Amber"]], tags: ["gift", "handmade"] },
  { type: "Home Fragrance", nouns: ["Safety Matches", "Wick Trimmer", "Room Spray", "Candle Snuffer"], vendors: ["Ember & Wick"], price: [6, 28], complements: ["Candles"], consumable: false, variants: [["Default"]], tags: ["accessory"] },
  { type: "Skincare", nouns: ["Vitamin C Serum", "Daily Moisturizer", "Gentle Cleanser", "Night Balm", "SPF 30 Lotion"], vendors: ["Fern Botanics"], price: [18, 64], complements: ["Skincare", "Bath"], consumable: true, variants: [["30ml", "50ml"]], tags: ["vegan", "cruelty-free"] },
  { type: "Bath", nouns: ["Bath Salts", "Bar Soap", "Body Oil", "Linen Towel"], vendors: ["Fern Botanics", "Hearth Linen"], price: [8, 45], complements: ["Skincare", "Candles"], consumable: true, variants: [["Lavender", "Eucalyptus", "Unscented"]], tags: ["self-care"] },
];
const ADJECTIVES = ["Classic", "Everyday", "Signature", "Little", "Studio", "Field", "Harbor", "Alpine", "Golden", "Quiet", "Morning", "Coastal", "Heritage", "Nordic", "Wild"];
const EXTRA_TAGS = ["bestseller", "new", "sale", "limited", "staff-pick"];

const COUNTRIES: readonly (readonly [[string, string[] | null], number])[] = [
  [["US", ["CA", "NY", "TX", "WA", "FL", "IL", "OR", "CO", "MA", "GA"]], 50],
  [["CA", ["ON", "BC", "QC", "AB"]], 12],
  [["GB", null], 10],
  [["AU", ["NSW", "VIC", "QLD"]], 8],
  [["DE", null], 7],
  [["FR", null], 5],
  [["NL", null], 4],
  [["NZ", null], 2],
  [["IE", null], 2],
];
const CUSTOMER_TAGS: readonly (readonly [string, number])[] = [["newsletter", 30], ["vip", 6], ["wholesale", 2], ["loyalty-gold", 5], ["loyalty-silver", 10], ["yoga-club", 4]];

const DAY = 86_400_000;
const slug = (s: string) => s.toLowerCase().replace(/&/g, "and").replace(/[^a-z0-9]+/g, "-").replace(/(^-|-$)/g, "");

/* ---------------------------------------------------------------- generator */

export function generateStore(o: StoreOptions = {}): SimStore {
  const seed = o.seed ?? 42;
  const nProducts = o.products ?? 300;
  const nCustomers = o.customers ?? 3000;
  const nOrders = o.orders ?? 20000;
  const now = o.now ?? new Date(Math.floor(Date.now() / DAY) * DAY);
  const r = rng(seed);
  const t0 = now.getTime();
  let lineSeq = 0;
  let refundSeq = 0;
  let refundLineSeq = 0;

  /* catalog */
  const products: SimProduct[] = [];
  const byType = new Map<string, SimProduct[]>();
  const handles = new Set<string>();
  for (let i = 0; i < nProducts; i++) {
    const spec = TYPES[i % TYPES.length];
    const noun = r.pick(spec.nouns);
    let title = `${r.pick(ADJECTIVES)} ${noun}`;
    let handle = slug(title);
    for (let k = 2; handles.has(handle); k++) {
      title = `${title.replace(/ No\. \d+$/, "")} No. ${k}`;
      handle = slug(title);
    }
    handles.add(handle);
    const createdAt = new Date(t0 - r.int(40, 900) * DAY - r.int(0, DAY - 1));
    const status = r.chance(0.03) ? "draft" : r.chance(0.02) ? "archived" : "active";
    const options = r.pick(spec.variants);
    const nVariants = Math.min(options.length, r.int(1, 4));
    const base = r.int(spec.price[0] * 100, spec.price[1] * 100);
    const basePrice = Math.round(base / 100) * 100 - (r.chance(0.7) ? 1 : 0);
    const allSoldOut = r.chance(0.06);
    const pid = simId("product", i);
    const variants: SimVariant[] = [];
    for (let v = 0; v < nVariants; v++) {
      variants.push({
        id: simId("variant", i * 8 + v),
        title: options.length === 1 && options[0] === "Default" ? "Default Title" : options[v],
        priceCents: basePrice + v * (r.chance(0.5) ? 200 : 0),
        available: !allSoldOut && !r.chance(0.08),
        position: v + 1,
        sku: `${slug(spec.type).slice(0, 4).toUpperCase()}-${String(i).padStart(4, "0")}-${v + 1}`,
      });
    }
    const tags = [...spec.tags.filter(() => r.chance(0.6)), ...(r.chance(0.35) ? [r.pick(EXTRA_TAGS)] : [])];
    const collections = [slug(spec.type)];
    if (tags.includes("bestseller")) collections.push("bestsellers");
    if (tags.includes("sale")) collections.push("sale");
    if (spec.tags.includes("gift") || r.chance(0.1)) collections.push("gifts");
    const p: SimProduct = {
      id: pid,
      title,
      handle,
      productType: spec.type,
      vendor: r.pick(spec.vendors),
      tags: [...new Set(tags)],
      collections: [...new Set(collections)],
      status,
      publishedAt: status === "active" ? new Date(createdAt.getTime() + DAY) : null,
      imageUrl: r.chance(0.95) ? `https://cdn.shopify.com/s/files/1/0000/0001/products/${handle}.jpg` : null,
      createdAt,
      updatedAt: new Date(createdAt.getTime() + r.int(1, 30) * DAY),
      variants,
    };
    products.push(p);
    if (!byType.has(spec.type)) byType.set(spec.type, []);
    byType.get(spec.type)!.push(p);
  }
  const sellable = (p: SimProduct) => p.status === "active";
  // Popularity: Zipf-like per type, so every type has a few hits.
  const popularity = new Map<string, number>();
  for (const [, list] of byType) list.forEach((p, k) => popularity.set(p.id, 1 / (k + 1) ** 0.9));
  // Bundles: each product has a "buddy" among its complements, bought with it unusually often.
  const specOf = new Map(TYPES.map((t) => [t.type, t]));
  const buddy = new Map<string, SimProduct>();
  for (const p of products) {
    const compType = r.pick(specOf.get(p.productType)!.complements);
    const pool = (byType.get(compType) ?? []).filter((q) => q.id !== p.id && sellable(q));
    if (pool.length) buddy.set(p.id, pool[Math.floor(r.next() ** 2 * pool.length)]);
  }
  const pickFromType = (type: string): SimProduct | null => {
    const pool = (byType.get(type) ?? []).filter(sellable);
    if (!pool.length) return null;
    return r.weighted(pool.map((p) => [p, popularity.get(p.id)!] as const));
  };

  /* customers */
  const customers: SimCustomer[] = [];
  const prefs: { types: string[]; weight: number; cadenceDays: number; staples: SimProduct[] }[] = [];
  for (let i = 0; i < nCustomers; i++) {
    const [country, provinces] = r.weighted(COUNTRIES);
    const createdAt = new Date(t0 - r.int(1, 540) * DAY - r.int(0, DAY - 1));
    const tags = CUSTOMER_TAGS.filter(([, w]) => r.chance(w / 100)).map(([t]) => t);
    customers.push({
      id: simId("customer", i),
      state: r.weighted([["enabled", 70], ["disabled", 24], ["invited", 5], ["declined", 1]] as const),
      tags,
      countryCode: country,
      provinceCode: provinces ? r.pick(provinces) : null,
      createdAt,
      updatedAt: new Date(createdAt.getTime() + r.int(0, 20) * DAY),
    });
    const t1 = r.pick(TYPES);
    const types = [t1.type, ...(r.chance(0.6) ? [r.pick(t1.complements)] : []), ...(r.chance(0.3) ? [r.pick(TYPES).type] : [])];
    // Pareto-ish loyalty: most buy once or twice, a few buy monthly.
    const weight = tags.includes("vip") ? 8 : 1 / (1 - r.next() * 0.97) ** 0.8;
    const staples = types.map((t) => pickFromType(t)).filter((p): p is SimProduct => Boolean(p) && specOf.get(p!.productType)!.consumable);
    prefs.push({ types, weight, cadenceDays: r.pick([14, 21, 30, 30, 45, 60, 90]), staples });
  }

  /* orders: allot counts to customers by weight, then lay each customer's orders on a cadence */
  const guestShare = 0.1;
  const nCustomerOrders = Math.round(nOrders * (1 - guestShare));
  const totalWeight = prefs.reduce((s, p) => s + p.weight, 0);
  const counts = prefs.map((p) => (p.weight / totalWeight) * nCustomerOrders);
  const floors = counts.map(Math.floor);
  let missing = nCustomerOrders - floors.reduce((s, c) => s + c, 0);
  counts.map((c, i) => [c - floors[i], i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).forEach(([, i]) => {
    if (missing > 0) {
      floors[i]++;
      missing--;
    }
  });
  const yearAgo = t0 - 365 * DAY;
  type Draft = { at: number; customer: number | null; n: number };
  const drafts: Draft[] = [];
  floors.forEach((k, ci) => {
    if (!k) return;
    const c = customers[ci];
    const from = Math.max(yearAgo, c.createdAt.getTime());
    const span = t0 - from - DAY;
    const cadence = Math.min(prefs[ci].cadenceDays * DAY, span / k);
    let at = from + r.next() * Math.max(DAY, span - cadence * (k - 1));
    for (let n = 0; n < k; n++) {
      drafts.push({ at: Math.min(at, t0 - 3600_000), customer: ci, n });
      at += cadence * (0.7 + r.next() * 0.6);
    }
  });
  for (let g = drafts.length; g < nOrders; g++) drafts.push({ at: yearAgo + r.next() * (365 * DAY - 3600_000), customer: null, n: 0 });
  drafts.sort((a, b) => a.at - b.at || (a.customer ?? -1) - (b.customer ?? -1));

  const traffic = (handle: string): [string | null, string | null] =>
    r.weighted<[string | null, string | null]>([
      [[`/products/${handle}?utm_source=pinterest&utm_medium=social&utm_campaign=pins`, "https://www.pinterest.com/"], 10],
      [[`/products/${handle}?utm_source=instagram&utm_medium=social`, "https://l.instagram.com/"], 14],
      [[`/collections/all?utm_source=google&utm_medium=cpc&utm_campaign=brand`, "https://www.google.com/"], 16],
      [[`/?utm_source=email&utm_medium=newsletter&utm_campaign=weekly`, null], 12],
      [["/", "https://www.google.com/"], 18],
      [["/", null], 30],
    ]);

  const orders: SimOrder[] = drafts.map((d, k) => {
    const id = simId("order", k);
    const pref = d.customer === null ? null : prefs[d.customer];
    const cust = d.customer === null ? null : customers[d.customer];
    const picked: SimProduct[] = [];
    const add = (p: SimProduct | null | undefined) => {
      if (p && sellable(p) && !picked.includes(p)) picked.push(p);
    };
    // Reorders of staples on the customer's cadence.
    if (pref && d.n > 0 && pref.staples.length && r.chance(0.55)) add(r.pick(pref.staples));
    if (!picked.length) add(pickFromType(pref && r.chance(0.8) ? r.pick(pref.types) : r.pick(TYPES).type));
    const anchor = picked[0];
    if (anchor) {
      if (r.chance(0.35)) add(buddy.get(anchor.id));
      const spec = specOf.get(anchor.productType)!;
      if (r.chance(0.3)) add(pickFromType(r.pick(spec.complements)));
      if (r.chance(0.12)) add(pickFromType(r.pick(spec.complements)));
    }
    if (r.chance(0.08)) add(pickFromType(r.pick(TYPES).type));
    const lines: SimLine[] = picked.map((p) => {
      const buyable = p.variants.filter((v) => v.available);
      const v = r.pick(buyable.length ? buyable : p.variants);
      return {
        id: simId("line", lineSeq++),
        productId: p.id,
        variantId: v.id,
        title: p.title,
        variantTitle: v.title,
        vendor: p.vendor,
        sku: v.sku,
        quantity: r.weighted([[1, 80], [2, 15], [3, 5]] as const),
        priceCents: v.priceCents,
      };
    });
    const createdAt = new Date(Math.floor(d.at / 1000) * 1000);
    const subtotal = lines.reduce((s, l) => s + l.priceCents * l.quantity, 0);
    const [landingSite, referringSite] = traffic(anchor?.handle ?? "all");
    const order: SimOrder = {
      id,
      number: 1001 + k,
      name: `#${1001 + k}`,
      customerId: cust?.id ?? null,
      createdAt,
      updatedAt: new Date(createdAt.getTime() + r.int(5, 600) * 1000),
      cancelledAt: null,
      currency: "USD",
      test: r.chance(0.002),
      sourceName: r.weighted([["web", 88], ["pos", 6], ["shopify_draft_order", 3], ["iphone", 3]] as const),
      landingSite,
      referringSite,
      financialStatus: "paid",
      countryCode: cust && r.chance(0.92) ? cust.countryCode : r.weighted(COUNTRIES)[0],
      provinceCode: null,
      shippingCents: subtotal >= 5000 ? 0 : 599,
      lines,
      refunds: [],
    };
    order.provinceCode = cust && order.countryCode === cust.countryCode ? cust.provinceCode : null;
    attribute(order, k);
    const age = t0 - createdAt.getTime();
    if (r.chance(0.015) && age > 2 * DAY) {
      order.cancelledAt = new Date(createdAt.getTime() + r.int(1, 36) * 3600_000);
      order.financialStatus = "voided";
      order.updatedAt = order.cancelledAt;
    } else if (r.chance(0.045) && age > 4 * DAY && lines.length) {
      const l = r.pick(lines);
      const qty = r.int(1, l.quantity);
      const at = new Date(Math.min(t0 - 3600_000, createdAt.getTime() + r.int(2, 20) * DAY));
      const refundId = simId("refund", refundSeq++);
      order.refunds.push({ id: refundId, orderId: id, createdAt: at, lines: [{ id: simId("refundLine", refundLineSeq++), lineItemId: l.id, quantity: qty, subtotalCents: l.priceCents * qty }] });
      const refundedAll = lines.length === 1 && qty === l.quantity;
      order.financialStatus = refundedAll ? "refunded" : "partially_refunded";
      order.updatedAt = new Date(at.getTime() + 1000);
    }
    return order;
  });

  return { shop: o.shop ?? "attune-demo.myshopify.com", currency: "USD", seed, now, products, customers, orders };
}

/**
 * What the theme wrote into the cart (extensions/attune-theme/assets/attune.js): some lines were
 * added from an Attune block, with the hidden `_attune_placement` / `_attune_rule` properties and the
 * `_attune_last_placement` cart attribute; another app's properties ride along on a few lines.
 * Derived from the order's index, not the random stream, so the rest of the store is unchanged.
 */
function attribute(order: SimOrder, k: number) {
  let last: string | null = null;
  order.lines.forEach((l, i) => {
    const h = (k * 7 + i * 3) % 10;
    const props: { name: string; value: string }[] = [];
    if (i === 0 && h < 2 && order.landingSite?.includes("utm_source=pinterest")) {
      props.push({ name: "_attune_placement", value: "home" }, { name: "_attune_rule", value: "rule_pinterest" });
      last = "home";
    } else if (i > 0 && h < 4) {
      props.push({ name: "_attune_placement", value: h < 2 ? "product" : "cart" });
      last = h < 2 ? "product" : "cart";
    }
    if ((k + i) % 17 === 0) props.push({ name: "Gift wrap", value: "Yes" }, { name: "_other_app_token", value: `t${k}` });
    if (props.length) l.properties = props;
  });
  if (last) order.attributes = [{ name: "_attune_last_placement", value: last }];
}

/* ---------------------------------------------------------------- money & ids helpers */

export const money = (cents: number) => `${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}`;
export const orderSubtotalCents = (o: SimOrder) => o.lines.reduce((s, l) => s + l.priceCents * l.quantity, 0);
export const orderTotalCents = (o: SimOrder) => orderSubtotalCents(o) + o.shippingCents;
export const gid = (type: string, id: string) => `gid://shopify/${type}/${id}`;
export const collectionId = (handle: string) => {
  let h = 0;
  for (const ch of handle) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return simId("collection", h % 1_000_000);
};
