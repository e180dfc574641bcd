/**
 * A deterministic synthetic Shopify store for benchmarks: Zipf-like product popularity, product
 * types of very different sizes, shoppers with a favourite type, repeat buyers who re-buy their
 * consumables, skewed order counts per customer, and ids above 2^53 as Shopify's are.
 */
import type { CatalogProduct, CustomerFact, OrderFact } from "../app/engine/types";

export interface SyntheticStoreOptions {
  customers: number;
  products: number;
  /** Target total order lines; orders are generated until it is reached. */
  orderLines: number;
  seed: number;
  /** Orders are spread over this many days before `now` (default 365). */
  days?: number;
  now?: number;
}

export interface SyntheticStore {
  products: CatalogProduct[];
  customers: CustomerFact[];
  orders: OrderFact[];
}

const DAY = 86_400_000;
export const SYNTHETIC_NOW = Date.UTC(2026, 0, 1);
export const CONSUMABLE_TYPES = ["Coffee", "Tea", "Snacks", "Skincare", "Supplements", "Pet Food", "Candles", "Soap"];
const OTHER_TYPES = [
  "Mugs", "Shirts", "Pants", "Hats", "Bags", "Shoes", "Jewelry", "Posters", "Books", "Toys",
  "Kitchen", "Lamps", "Rugs", "Plants", "Phone Cases", "Socks", "Scarves", "Wallets", "Watches", "Games",
  "Notebooks", "Pens", "Towels", "Bedding", "Glassware", "Cutlery", "Planters", "Frames", "Clocks", "Vases",
  "Gloves", "Belts",
];
const TYPES = [...CONSUMABLE_TYPES, ...OTHER_TYPES];
const COUNTRIES = ["US", "US", "US", "US", "CA", "GB", "GB", "AU", "DE", "FR", "NL", "SE", "JP", "TW", "BR"];
const TAGS = Array.from({ length: 120 }, (_, i) => `tag-${i}`);
const ADJ = ["Classic", "Organic", "Everyday", "Premium", "Vintage", "Cozy", "Bold", "Mini", "Large", "Eco"];
const COLOURS = ["Black", "White", "Blue", "Green", "Red", "Sand", "Olive", "Navy"];

/** mulberry32: small, fast, good enough for benchmark data, and identical on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative Zipf weights 1/rank^s, for sampling by binary search. */
function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += 1 / Math.pow(k + 1, s);
  for (let k = 0; k < n; k++) cdf[k] /= sum;
  return cdf;
}

function sample(cdf: Float64Array, r: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const bigId = (base: bigint, i: number) => (base + BigInt(i)).toString();

export function generateStore(opts: SyntheticStoreOptions): SyntheticStore {
  const rnd = prng(opts.seed);
  const now = opts.now ?? SYNTHETIC_NOW;
  const days = opts.days ?? 365;
  const typeCdf = zipfCdf(TYPES.length, 0.8);

  const products: CatalogProduct[] = [];
  const byType: number[][] = TYPES.map(() => []);
  for (let i = 0; i < opts.products; i++) {
    const t = sample(typeCdf, rnd());
    byType[t].push(i);
    const type = TYPES[t];
    const tags = [TAGS[Math.floor(rnd() * TAGS.length)], TAGS[Math.floor(rnd() * 20)]];
    products.push({
      id: bigId(9_100_000_000_000_000n, i),
      title: `${ADJ[Math.floor(rnd() * ADJ.length)]} ${type} ${i % 97} - ${COLOURS[Math.floor(rnd() * COLOURS.length)]}`,
      handle: `product-${i}`,
      productType: type,
      vendor: `Vendor ${Math.floor(Math.pow(rnd(), 2) * 200)}`,
      tags,
      collections: [`col-${t}`, `col-${40 + Math.floor(rnd() * 20)}`],
      priceCents: Math.round(Math.exp(6 + rnd() * 3)) * 5,
      available: rnd() > 0.05,
      published: rnd() > 0.02,
      createdAt: now - Math.floor(rnd() * 2 * 365) * DAY,
      imageUrl: null,
      defaultVariantId: bigId(9_200_000_000_000_000n, i),
    });
  }
  // Popularity rank is independent of id order; each type has its own Zipf over its members.
  const rankToProduct = Array.from({ length: opts.products }, (_, i) => i);
  for (let i = rankToProduct.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rankToProduct[i], rankToProduct[j]] = [rankToProduct[j], rankToProduct[i]];
  }
  const globalCdf = zipfCdf(opts.products, 1.0);
  const typeCdfs = byType.map((l) => zipfCdf(Math.max(1, l.length), 0.9));

  const customers: CustomerFact[] = [];
  const favourite = new Int32Array(opts.customers);
  for (let c = 0; c < opts.customers; c++) {
    favourite[c] = sample(typeCdf, rnd());
    customers.push({
      id: bigId(9_300_000_000_000_000n, c),
      createdAt: now - Math.floor(rnd() * 3 * 365) * DAY,
      countryCode: COUNTRIES[Math.floor(rnd() * COUNTRIES.length)],
      tags: rnd() < 0.1 ? ["vip"] : [],
      personalizationOptOut: rnd() < 0.02,
    });
  }

  const orders: OrderFact[] = [];
  const bought = new Map<number, number[]>();
  let lines = 0;
  for (let k = 0; lines < opts.orderLines; k++) {
    const guest = rnd() < 0.1;
    // u^1.5 skews order counts: most customers order once or twice, a few dozens of times.
    const c = Math.floor(Math.pow(rnd(), 1.5) * opts.customers);
    const n = Math.min(30, 1 + Math.floor(-Math.log(1 - rnd()) * 2.3));
    const items = new Set<number>();
    const past = guest ? undefined : bought.get(c);
    for (let tries = 0; items.size < n && tries < n * 4; tries++) {
      const r = rnd();
      if (past && r < 0.3) items.add(past[Math.floor(rnd() * past.length)]);
      else if (r < 0.65) {
        const t = guest ? sample(typeCdf, rnd()) : favourite[c];
        if (byType[t].length) items.add(byType[t][sample(typeCdfs[t], rnd())]);
      } else items.add(rankToProduct[sample(globalCdf, rnd())]);
    }
    const list = [...items];
    if (!guest) {
      const p = bought.get(c) ?? [];
      for (const i of list) if (p.length < 40 && !p.includes(i)) p.push(i);
      bought.set(c, p);
    }
    lines += list.length;
    const country = guest ? COUNTRIES[Math.floor(rnd() * COUNTRIES.length)] : customers[c].countryCode;
    const orderLines = list.map((i) => ({
      productId: products[i].id,
      variantId: products[i].defaultVariantId,
      quantity: 1 + (rnd() < 0.15 ? 1 : 0),
      priceCents: products[i].priceCents,
    }));
    orders.push({
      id: bigId(9_400_000_000_000_000n, k),
      customerId: guest ? null : customers[c].id,
      createdAt: now - Math.floor(rnd() * days * DAY),
      countryCode: country,
      totalCents: orderLines.reduce((a, l) => a + l.priceCents * l.quantity, 0),
      cancelled: rnd() < 0.01,
      trafficSource: null,
      lines: orderLines,
    });
  }
  return { products, customers, orders };
}
