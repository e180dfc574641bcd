/**
 * What an order earns and what its refunds and cancellation reverse. Pure: no I/O.
 *
 * An earn records a snapshot of how it was computed (the rate, and the points allotted to each line);
 * a reversal is computed from that snapshot alone, never from the current program, so a program
 * change or a deleted rule cannot change what a refund takes back.
 */
import type { ProgramConfig } from "./types";

/** The stored order as the ledger reads it (integer cents; Shopify ids as strings). */
export interface LoyaltyOrder {
  id: string;
  customerId: string | null;
  financialStatus: string | null;
  cancelled: boolean;
  deleted: boolean;
  test: boolean;
  /** processed_at, else created_at: the program version in effect then applies. */
  at: number;
  totalCents: number;
  shippingCents: number | null;
  taxCents: number | null;
  lines: { id: string; quantity: number; priceCents: number; discountCents: number | null }[];
  refunds: { id: string; at: number; lines: { lineItemId: string; quantity: number }[] }[];
}

export interface EarnSnapshot {
  programVersion: number;
  pointsPerUnit: number;
  multiplier: number;
  tierId: string | null;
  /** Qualifying cents the points were computed on. */
  basisCents: number;
  /** Points the order earned. */
  points: number;
  /** Per line: units, qualifying cents and the points allotted to it (they sum to `points` less `otherPoints`). */
  lines: { id: string; qty: number; cents: number; points: number }[];
  /** Points on shipping/tax, when the program counts them; reversed by a cancellation only. */
  otherPoints: number;
}

/** Financial statuses of an order that was paid (a later refund does not undo that it was). */
const PAID = new Set(["paid", "partially_refunded", "refunded"]);

export function orderEarns(o: LoyaltyOrder): boolean {
  return Boolean(o.customerId) && !o.deleted && !o.test && PAID.has((o.financialStatus ?? "").toLowerCase());
}

/** A cancelled or deleted order keeps none of its points. */
export function orderVoided(o: LoyaltyOrder): boolean {
  return o.cancelled || o.deleted;
}

/**
 * Qualifying merchandise per line: price × quantity − the line's discount allocations. When discounts
 * are unknown (backfilled orders carry none), merchandise is capped at the order total so a discount
 * never earns points.
 */
export function qualifyingLines(o: LoyaltyOrder): { id: string; qty: number; cents: number }[] {
  const lines = o.lines.map((l) => ({ id: l.id, qty: l.quantity, cents: Math.max(0, l.priceCents * l.quantity - (l.discountCents ?? 0)) }));
  if (o.lines.some((l) => l.discountCents == null)) {
    const merch = lines.reduce((s, l) => s + l.cents, 0);
    const cap = Math.max(0, o.totalCents - (o.shippingCents ?? 0) - (o.taxCents ?? 0));
    if (merch > cap && merch > 0) {
      const shares = allocate(cap, lines.map((l) => l.cents));
      return lines.map((l, i) => ({ ...l, cents: shares[i] }));
    }
  }
  return lines;
}

/** Points for an amount of cents: floor(units × rate × multiplier), robust to binary fractions. */
export function pointsFor(cents: number, pointsPerUnit: number, multiplier: number): number {
  if (cents <= 0) return 0;
  // Scale to integers where the rates allow (e.g. 1.25 × 1.5), so 0.1 + 0.2 style errors cannot floor down.
  const exact = (cents * Math.round(pointsPerUnit * 1e4) * Math.round(multiplier * 1e4)) / (100 * 1e8);
  return Math.floor(exact + 1e-9);
}

/** Splits `total` over `weights` in proportion, integers summing to total (largest remainder, ties by index). */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let rest = total - out.reduce((s, v) => s + v, 0);
  const order = raw.map((r, i) => ({ i, frac: r - Math.floor(r) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (rest <= 0) break;
    out[i]++;
    rest--;
  }
  return out;
}

export function earnSnapshot(o: LoyaltyOrder, program: ProgramConfig, programVersion: number, tier: { id: string; multiplier: number } | null): EarnSnapshot {
  const lines = qualifyingLines(o);
  const merch = lines.reduce((s, l) => s + l.cents, 0);
  const other = (program.includeShipping ? o.shippingCents ?? 0 : 0) + (program.includeTax ? o.taxCents ?? 0 : 0);
  const multiplier = tier?.multiplier ?? 1;
  const points = pointsFor(merch + other, program.pointsPerUnit, multiplier);
  const otherPoints = merch + other > 0 ? Math.floor((points * other) / (merch + other)) : 0;
  const linePoints = allocate(points - otherPoints, lines.map((l) => l.cents));
  return {
    programVersion,
    pointsPerUnit: program.pointsPerUnit,
    multiplier,
    tierId: tier?.id ?? null,
    basisCents: merch + other,
    points,
    lines: lines.map((l, i) => ({ ...l, points: linePoints[i] })),
    otherPoints,
  };
}

/**
 * What one refund reverses: for each refunded line, its allotted points × refunded units / units,
 * floored per line. Each refund's share depends only on itself and the snapshot, so refunds give the
 * same entries whatever order they arrive in; a cancellation takes whatever they leave.
 */
export function refundReversal(snap: EarnSnapshot, refundLines: { lineItemId: string; quantity: number }[]): { points: number; spendCents: number } {
  let points = 0;
  let spendCents = 0;
  for (const rl of refundLines) {
    const line = snap.lines.find((l) => l.id === rl.lineItemId);
    if (!line || line.qty <= 0) continue;
    const q = Math.min(rl.quantity, line.qty);
    points += Math.floor((line.points * q) / line.qty);
    spendCents += Math.floor((line.cents * q) / line.qty);
  }
  return { points, spendCents };
}
