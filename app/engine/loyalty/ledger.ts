/**
 * How a credit or a debit splits across a member's balances. Pure: no I/O.
 * The balance never goes negative: a debit takes pending points (when it may), then available points,
 * and records the rest as owed; a credit settles owed points first.
 */
export interface Balances {
  points: number;
  pending: number;
  owed: number;
}

export interface Split {
  points: number;
  pending: number;
  owed: number;
}

/** A credit of `amount`, to available or to pending points, after settling what is owed. */
export function creditSplit(b: Balances, amount: number, into: "points" | "pending"): Split {
  const a = Math.max(0, Math.floor(amount));
  const settle = Math.min(b.owed, a);
  const rest = a - settle;
  return { points: into === "points" ? rest : 0, pending: into === "pending" ? rest : 0, owed: -settle };
}

/**
 * A reversal of `amount` points: up to `fromPending` of them out of pending (the reversed earn's own
 * points still pending), then out of available points; what neither covers becomes owed.
 */
export function reverseSplit(b: Balances, amount: number, fromPending: number): Split {
  const a = Math.max(0, Math.floor(amount));
  const p = Math.min(a, Math.max(0, Math.min(fromPending, b.pending)));
  const avail = Math.min(a - p, Math.max(0, b.points));
  return { points: -avail, pending: -p, owed: a - p - avail };
}

export function applySplit(b: Balances, s: Split): Balances {
  return { points: b.points + s.points, pending: b.pending + s.pending, owed: b.owed + s.owed };
}
