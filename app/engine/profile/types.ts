import type { Id } from "../types";

/** first_time = exactly one counted order; returning = two or more; none = never bought. */
export type BuyerType = "none" | "first_time" | "returning";
export type PriceBand = "budget" | "mid" | "premium";
/** none = no orders to judge by; the others follow ProfileOptions.churnThresholds. */
export type ChurnLevel = "none" | "active" | "at_risk" | "lapsed";
export type AffinityDimension = "productTypes" | "vendors" | "tags" | "collections";

/** One affinity: a lowercase catalogue value and its score, 1 for the strongest. */
export interface Affinity {
  value: string;
  score: number;
}

export interface ProductPurchase {
  productId: Id;
  /** Distinct orders in which at least one unit was kept (not refunded). */
  purchases: number;
  lastPurchasedAt: number;
  /** Median gap between consecutive purchases of this product; null when bought once. */
  medianIntervalDays: number | null;
  /** Days until the usual interval has elapsed again (negative = overdue); null when bought once. */
  dueInDays: number | null;
}

export interface RfmScores {
  /** 1..5, 5 = most recent. */
  recency: number;
  /** 1..5, 5 = most orders in the window. */
  frequency: number;
  /** 1..5, 5 = highest net spend in the window. */
  monetary: number;
  /** The classic "R F M" code, e.g. "545". */
  code: string;
}

export interface CustomerProfile {
  customerId: Id | null;
  computedAt: number;
  /** The shopper opted out of automated decisions; callers must not act on personal fields. */
  personalizationOptOut: boolean;
  /** Customer tags as Shopify holds them (merchant-assigned, e.g. "wholesale"). */
  tags: string[];

  /** Counted orders: not cancelled and with at least one unit not refunded. */
  ordersCount: number;
  buyerType: BuyerType;
  firstOrderAt: number | null;
  lastOrderAt: number | null;
  /** Recency: whole days since the last counted order; null when none. */
  recencyDays: number | null;
  /** Counted orders inside the RFM window. */
  frequency: number;
  /** Net spend (refunds deducted) inside the RFM window, cents. */
  monetaryCents: number;
  /** Net spend over all time, cents. */
  lifetimeValueCents: number;
  /** lifetimeValueCents / ordersCount, rounded; 0 when no orders. */
  averageOrderValueCents: number;
  rfm: RfmScores;

  affinities: Record<AffinityDimension, Affinity[]>;

  /** Median unit price of kept lines, cents; null when nothing bought. */
  typicalUnitPriceCents: number | null;
  /** Where typicalUnitPriceCents sits in the shop's price distribution; null without both. */
  priceBand: PriceBand | null;

  location: {
    country: string | null;
    province: string | null;
    source: "order" | "customer" | null;
  };

  /** Median gap between consecutive counted orders, days; null with fewer than two orders. */
  medianOrderIntervalDays: number | null;
  /** Every product kept at least once, most recently bought first. */
  products: ProductPurchase[];

  churn: {
    /** recency / expected interval (own median, else the shop default); null when no orders. */
    ratio: number | null;
    expectedIntervalDays: number | null;
    level: ChurnLevel;
  };

  birthday: {
    /** "MM-DD". */
    date: string | null;
    /** 0 = today; null when unknown. */
    daysUntil: number | null;
    withinWindow: boolean;
  };
}

export interface RfmThresholds {
  /** Ascending day limits for R = 5,4,3,2 (beyond the last: 1). */
  recencyDays: readonly [number, number, number, number];
  /** Ascending minimum order counts for F = 2,3,4,5. */
  frequency: readonly [number, number, number, number];
  /** Ascending minimum net cents for M = 2,3,4,5. */
  monetaryCents: readonly [number, number, number, number];
}

export interface ProfileOptions {
  /** Affinity half-life: a purchase this old counts half as much as one today. Default 90. */
  halfLifeDays?: number;
  /** Affinities kept per dimension. Default 10. */
  topN?: number;
  /** Window for RFM frequency and monetary. Default 365. */
  rfmWindowDays?: number;
  rfmThresholds?: RfmThresholds;
  /** Shop price distribution cut points (see priceBandsFromPrices). Without them priceBand is null. */
  priceBands?: { budgetBelowCents: number; premiumFromCents: number } | null;
  /** Expected reorder gap for customers with a single order (the shop's typical gap). Default 90. */
  defaultReorderIntervalDays?: number;
  /** Churn ratio at which a customer is at risk (default 1.5) and lapsed (default 3). */
  churnThresholds?: { atRisk: number; lapsed: number };
  /** birthday.withinWindow is true when the birthday is at most this many days away. Default 7. */
  birthdayWindowDays?: number;
  /** Shop's offset from UTC, minutes, so "today" matches the merchant's calendar. Default 0. */
  utcOffsetMinutes?: number;
  /** Extra zero-party answers (e.g. a guest's quiz in this session), merged with the customer's. */
  quizAnswers?: Record<string, string[]> | null;
  /** Quiz question key -> affinity dimension; unknown keys are guessed from the key's name. */
  quizDimensions?: Record<string, AffinityDimension>;
  /** Weight of one quiz answer, in "purchases made today". Default 1. */
  quizWeight?: number;
}
