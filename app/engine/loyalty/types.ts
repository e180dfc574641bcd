/**
 * The loyalty program's shared types (docs/loyalty.md is the contract). Pure: no I/O.
 * Points are integers, money is integer cents, Shopify ids are strings.
 */

/** Tiers qualify on qualifying spend (cents) or on points earned, over a window. */
export type TierBasis = "spend" | "points";
export type TierWindow = "rolling12" | "calendar" | "lifetime";

export interface Tier {
  id: string;
  name: string;
  /** Cents of spend, or points earned, within the window. The first tier usually has 0. */
  threshold: number;
  /** Points multiplier on earn (1 = none). */
  multiplier: number;
  /** Bonus points granted once when a member first reaches the tier. */
  entryRewardPoints: number;
  freeShipping: boolean;
  earlyAccess: boolean;
}

export type RewardKind = "amount" | "percentage" | "free_shipping";

export interface Reward {
  id: string;
  title: string;
  kind: RewardKind;
  /** Cents (amount), percent 1-100 (percentage), 0 (free shipping). */
  value: number;
  /** Cost in points. */
  cost: number;
  minOrderCents: number | null;
  active: boolean;
}

export interface ProgramConfig {
  enabled: boolean;
  /** Points per whole unit of the shop currency on qualifying spend. */
  pointsPerUnit: number;
  includeShipping: boolean;
  includeTax: boolean;
  signupBonus: number;
  birthdayBonus: number;
  /** Points stay pending this many days after the order (the return window); 0 = spendable at once. */
  pendingDays: number;
  tierBasis: TierBasis;
  tierWindow: TierWindow;
  /** Ascending threshold. */
  tiers: Tier[];
  /** Points expire after this many months without activity; null = never. */
  expiryMonths: number | null;
  rewards: Reward[];
}

export type EntryKind = "earn" | "release" | "reverse" | "redeem" | "expire" | "adjust" | "import" | "bonus";

/** One ledger line as the admin, the widget and the account page show it. */
export interface LedgerLine {
  id: string;
  key: string;
  kind: EntryKind;
  points: number;
  pending: number;
  owed: number;
  reason: string | null;
  orderId: string | null;
  actor: string | null;
  createdAt: string;
}

export interface MemberSummary {
  customerId: string;
  points: number;
  pending: number;
  owed: number;
  tier: { id: string; name: string } | null;
  nextTier: { id: string; name: string; remaining: number; basis: TierBasis } | null;
  nextExpiry: { points: number; at: string } | null;
  lifetimePoints: number;
  /** "MM-DD" */
  birthday: string | null;
  history: LedgerLine[];
}

/** What the tier preview needs of each member: their qualifying amounts inside each window. */
export interface MemberStanding {
  customerId: string;
  tierId: string | null;
  /** Dated qualifying amounts (spend cents and points earned), so any window can be summed. */
  activity: { at: number; spendCents: number; earnedPoints: number }[];
}

export interface ProgramPreview {
  members: number;
  changeTier: number;
  moveUp: number;
  moveDown: number;
  byTier: { tierId: string | null; name: string; before: number; after: number }[];
}
