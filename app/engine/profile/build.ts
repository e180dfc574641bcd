/**
 * Customer profile from a customer's own orders. Profiles are computed on demand (a few
 * microseconds for a typical history), so there is no incremental state to keep consistent.
 *
 * Counting rules, applied everywhere below:
 * - cancelled orders are ignored entirely;
 * - a line's kept units are quantity - refundedQuantity; a line with none kept is not a purchase;
 * - an order with no kept units is not counted (it is as if it never happened), so a fully
 *   refunded first order leaves the customer a non-buyer;
 * - net spend of a counted order = totalCents - refunded units x unit price, clamped to [0, total].
 */
import type { CatalogProduct, CustomerFact, Id, OrderFact } from "../types";
import { DAY_MS, daysUntilBirthday, medianInPlace, parseBirthday } from "./stats";
import type {
  Affinity,
  AffinityDimension,
  BuyerType,
  ChurnLevel,
  CustomerProfile,
  PriceBand,
  ProductPurchase,
  ProfileOptions,
  RfmScores,
  RfmThresholds,
} from "./types";

/**
 * Default RFM cut points, chosen for a typical DTC shop selling $20–$100 items:
 *   R: last order ≤ 30 days → 5, ≤ 90 → 4, ≤ 180 → 3, ≤ 365 → 2, older → 1
 *   F: orders in the window ≥ 6 → 5, ≥ 4 → 4, ≥ 3 → 3, ≥ 2 → 2, else 1
 *   M: net spend in the window ≥ $400 → 5, ≥ $150 → 4, ≥ $75 → 3, ≥ $25 → 2, else 1
 * A shop with enough customers should pass its own quintiles (see quintileCuts).
 * A customer with no orders scores 1 on every axis.
 */
export const DEFAULT_RFM_THRESHOLDS: RfmThresholds = {
  recencyDays: [30, 90, 180, 365],
  frequency: [2, 3, 4, 6],
  monetaryCents: [2_500, 7_500, 15_000, 40_000],
};

export const PROFILE_DEFAULTS = {
  halfLifeDays: 90,
  topN: 10,
  rfmWindowDays: 365,
  defaultReorderIntervalDays: 90,
  churnThresholds: { atRisk: 1.5, lapsed: 3 },
  birthdayWindowDays: 7,
  quizWeight: 1,
} as const;

interface ProductKeys {
  productType: string;
  vendor: string;
  tags: string[];
  collections: string[];
}

// Catalogue products are immutable snapshots held by the store model, so their lowercased
// affinity keys can be memoised per object; this removes most string work from the hot path.
const keyCache = new WeakMap<CatalogProduct, ProductKeys>();

function keysOf(p: CatalogProduct): ProductKeys {
  let k = keyCache.get(p);
  if (k === undefined) {
    k = {
      productType: p.productType.trim().toLowerCase(),
      vendor: p.vendor.trim().toLowerCase(),
      tags: p.tags.map((t) => t.trim().toLowerCase()).filter(Boolean),
      collections: p.collections.map((c) => c.trim().toLowerCase()).filter(Boolean),
    };
    keyCache.set(p, k);
  }
  return k;
}

function bump(map: Map<string, number>, key: string, w: number): void {
  if (key === "") return;
  map.set(key, (map.get(key) ?? 0) + w);
}

function topAffinities(map: Map<string, number>, n: number): Affinity[] {
  if (map.size === 0) return [];
  const entries: Affinity[] = [];
  for (const [value, score] of map) entries.push({ value, score });
  // Ties resolve alphabetically so equal histories always give the same profile.
  entries.sort((a, b) => b.score - a.score || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  if (entries.length > n) entries.length = n;
  const top = entries[0].score;
  if (top > 0) for (const e of entries) e.score = e.score / top;
  return entries;
}

function scoreAscending(value: number, mins: readonly number[]): number {
  let s = 1;
  for (let i = 0; i < mins.length; i++) if (value >= mins[i]) s = i + 2;
  return s;
}

function recencyScore(days: number | null, limits: readonly number[]): number {
  if (days === null) return 1;
  for (let i = 0; i < limits.length; i++) if (days <= limits[i]) return 5 - i;
  return 1;
}

/** Guesses the affinity dimension of a quiz question from its key ("preferred_brand" → vendors). */
export function quizDimensionOf(key: string, overrides?: Record<string, AffinityDimension>): AffinityDimension {
  // Keys come from shoppers' quiz submissions: own properties only, never the prototype.
  if (overrides && Object.hasOwn(overrides, key)) return overrides[key];
  const k = key.toLowerCase();
  if (k.includes("vendor") || k.includes("brand")) return "vendors";
  if (k.includes("collection")) return "collections";
  if (k.includes("type") || k.includes("category")) return "productTypes";
  return "tags";
}

function isSorted(orders: readonly OrderFact[]): boolean {
  for (let i = 1; i < orders.length; i++) if (orders[i].createdAt < orders[i - 1].createdAt) return false;
  return true;
}

interface ProductAcc {
  times: number[];
  last: number;
}

export function buildProfile(
  customer: CustomerFact | undefined,
  orders: readonly OrderFact[],
  catalog: (id: Id) => CatalogProduct | undefined,
  now: number,
  opts: ProfileOptions = {},
): CustomerProfile {
  const halfLifeMs = (opts.halfLifeDays ?? PROFILE_DEFAULTS.halfLifeDays) * DAY_MS;
  const topN = opts.topN ?? PROFILE_DEFAULTS.topN;
  const windowStart = now - (opts.rfmWindowDays ?? PROFILE_DEFAULTS.rfmWindowDays) * DAY_MS;
  const thresholds = opts.rfmThresholds ?? DEFAULT_RFM_THRESHOLDS;
  const churnT = opts.churnThresholds ?? PROFILE_DEFAULTS.churnThresholds;
  const sorted = isSorted(orders) ? orders : [...orders].sort((a, b) => a.createdAt - b.createdAt);

  const types = new Map<string, number>();
  const vendors = new Map<string, number>();
  const tags = new Map<string, number>();
  const collections = new Map<string, number>();
  const products = new Map<Id, ProductAcc>();
  const unitPrices: number[] = [];
  const orderTimes: number[] = [];

  let lifetime = 0;
  let windowOrders = 0;
  let windowNet = 0;
  let country: string | null = null;
  let province: string | null = null;

  for (const order of sorted) {
    if (order.cancelled) continue;
    let kept = 0;
    let refundedCents = 0;
    for (const line of order.lines) {
      const refunded = Math.min(line.quantity, Math.max(0, line.refundedQuantity ?? 0));
      refundedCents += refunded * line.priceCents;
      if (line.quantity - refunded > 0) kept++;
    }
    if (kept === 0) continue;

    const t = order.createdAt;
    const net = Math.min(order.totalCents, Math.max(0, order.totalCents - refundedCents));
    lifetime += net;
    if (t >= windowStart) {
      windowOrders++;
      windowNet += net;
    }
    orderTimes.push(t);
    if (order.countryCode) {
      country = order.countryCode;
      province = order.provinceCode ?? null;
    }

    // Exponential decay: weight halves every half-life; future-dated orders (clock skew) count as today.
    const w = Math.pow(0.5, Math.max(0, now - t) / halfLifeMs);
    for (const line of order.lines) {
      const refunded = Math.min(line.quantity, Math.max(0, line.refundedQuantity ?? 0));
      if (line.quantity - refunded <= 0) continue;
      unitPrices.push(line.priceCents);
      let acc = products.get(line.productId);
      if (acc === undefined) {
        acc = { times: [t], last: t };
        products.set(line.productId, acc);
      } else if (acc.last !== t) {
        // Two lines of the same product in one order are one purchase, not a zero-day reorder.
        acc.times.push(t);
        acc.last = t;
      }
      // Quantity is deliberately ignored: six pairs of socks in one order are one signal, not six.
      const p = catalog(line.productId);
      if (p === undefined) continue;
      const k = keysOf(p);
      bump(types, k.productType, w);
      bump(vendors, k.vendor, w);
      for (const tag of k.tags) bump(tags, tag, w);
      for (const c of k.collections) bump(collections, c, w);
    }
  }

  // Zero-party answers are stated preferences: each counts like a purchase made today.
  const quizWeight = opts.quizWeight ?? PROFILE_DEFAULTS.quizWeight;
  const dims: Record<AffinityDimension, Map<string, number>> = { productTypes: types, vendors, tags, collections };
  for (const answers of [customer?.quizAnswers, opts.quizAnswers]) {
    if (!answers) continue;
    for (const key of Object.keys(answers)) {
      const list = answers[key];
      const map = dims[quizDimensionOf(key, opts.quizDimensions)];
      if (!Array.isArray(list) || map === undefined) continue;
      for (const v of list) if (typeof v === "string") bump(map, v.trim().toLowerCase(), quizWeight);
    }
  }

  const ordersCount = orderTimes.length;
  const lastOrderAt = ordersCount > 0 ? orderTimes[ordersCount - 1] : null;
  const recencyDays = lastOrderAt === null ? null : Math.max(0, Math.floor((now - lastOrderAt) / DAY_MS));

  const gaps: number[] = [];
  for (let i = 1; i < ordersCount; i++) gaps.push((orderTimes[i] - orderTimes[i - 1]) / DAY_MS);
  const medianOrderIntervalDays = medianInPlace(gaps);

  const productList: ProductPurchase[] = [];
  for (const [productId, acc] of products) {
    let median: number | null = null;
    if (acc.times.length > 1) {
      const g: number[] = [];
      for (let i = 1; i < acc.times.length; i++) g.push((acc.times[i] - acc.times[i - 1]) / DAY_MS);
      median = medianInPlace(g);
    }
    productList.push({
      productId,
      purchases: acc.times.length,
      lastPurchasedAt: acc.last,
      medianIntervalDays: median,
      dueInDays: median === null ? null : (acc.last - now) / DAY_MS + median,
    });
  }
  productList.sort((a, b) => b.lastPurchasedAt - a.lastPurchasedAt || (a.productId < b.productId ? -1 : 1));

  // Churn: how overdue the next order is against the customer's own rhythm. Same-day repeat
  // orders would give a zero interval, so the expectation never drops below one day.
  let ratio: number | null = null;
  let expected: number | null = null;
  let level: ChurnLevel = "none";
  if (lastOrderAt !== null) {
    expected = Math.max(1, medianOrderIntervalDays ?? opts.defaultReorderIntervalDays ?? PROFILE_DEFAULTS.defaultReorderIntervalDays);
    ratio = Math.max(0, now - lastOrderAt) / DAY_MS / expected;
    level = ratio >= churnT.lapsed ? "lapsed" : ratio >= churnT.atRisk ? "at_risk" : "active";
  }

  const typicalUnitPriceCents = medianInPlace(unitPrices);
  let priceBand: PriceBand | null = null;
  if (typicalUnitPriceCents !== null && opts.priceBands) {
    const b = opts.priceBands;
    priceBand = typicalUnitPriceCents < b.budgetBelowCents ? "budget" : typicalUnitPriceCents >= b.premiumFromCents ? "premium" : "mid";
  }

  let locationSource: "order" | "customer" | null = country ? "order" : null;
  if (!country && customer?.countryCode) {
    country = customer.countryCode;
    province = customer.provinceCode ?? null;
    locationSource = "customer";
  }

  const bday = parseBirthday(customer?.birthday);
  const daysUntil = bday ? daysUntilBirthday(bday.month, bday.day, now, opts.utcOffsetMinutes ?? 0) : null;

  const rfm: RfmScores = {
    recency: recencyScore(recencyDays, thresholds.recencyDays),
    frequency: scoreAscending(windowOrders, thresholds.frequency),
    monetary: scoreAscending(windowNet, thresholds.monetaryCents),
    code: "",
  };
  rfm.code = `${rfm.recency}${rfm.frequency}${rfm.monetary}`;

  const buyerType: BuyerType = ordersCount === 0 ? "none" : ordersCount === 1 ? "first_time" : "returning";

  return {
    customerId: customer?.id ?? null,
    computedAt: now,
    personalizationOptOut: customer?.personalizationOptOut === true,
    tags: customer?.tags ?? [],
    ordersCount,
    buyerType,
    firstOrderAt: ordersCount > 0 ? orderTimes[0] : null,
    lastOrderAt,
    recencyDays,
    frequency: windowOrders,
    monetaryCents: windowNet,
    lifetimeValueCents: lifetime,
    averageOrderValueCents: ordersCount > 0 ? Math.round(lifetime / ordersCount) : 0,
    rfm,
    affinities: {
      productTypes: topAffinities(types, topN),
      vendors: topAffinities(vendors, topN),
      tags: topAffinities(tags, topN),
      collections: topAffinities(collections, topN),
    },
    typicalUnitPriceCents,
    priceBand,
    location: { country: country ? country.toUpperCase() : null, province: province ?? null, source: locationSource },
    medianOrderIntervalDays,
    products: productList,
    churn: { ratio, expectedIntervalDays: expected, level },
    birthday: {
      date: bday ? customer!.birthday! : null,
      daysUntil,
      withinWindow: daysUntil !== null && daysUntil <= (opts.birthdayWindowDays ?? PROFILE_DEFAULTS.birthdayWindowDays),
    },
  };
}

/**
 * The profile used when no personal data may be used (opt-out) or none exists: only the
 * session's own quiz answers, if any, shape it.
 */
export function anonymousProfile(now: number, quizAnswers?: Record<string, string[]> | null, opts: ProfileOptions = {}): CustomerProfile {
  return buildProfile(undefined, [], () => undefined, now, { ...opts, quizAnswers: quizAnswers ?? null });
}
