/** Small numeric helpers shared by the profile builder; kept allocation-light for the hot path. */

export const DAY_MS = 86_400_000;

/** Median of a numeric array. Sorts in place: callers pass scratch arrays they own. */
export function medianInPlace(values: number[]): number | null {
  const n = values.length;
  if (n === 0) return null;
  if (n === 1) return values[0];
  values.sort((a, b) => a - b);
  const mid = n >> 1;
  return n % 2 === 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/**
 * Cut points at the 20/40/60/80th percentiles (nearest rank), ascending: pass them as
 * RfmThresholds.monetaryCents to score M against the shop's own customers instead of the defaults.
 */
export function quintileCuts(values: readonly number[]): [number, number, number, number] {
  if (values.length === 0) return [0, 0, 0, 0];
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return [at(0.2), at(0.4), at(0.6), at(0.8)];
}

/**
 * Shop price tertiles: a customer whose typical unit price is below the 33rd percentile of the
 * catalogue is "budget", at or above the 67th "premium". Computed once per shop by the caller.
 */
export function priceBandsFromPrices(prices: readonly number[]): { budgetBelowCents: number; premiumFromCents: number } | null {
  if (prices.length === 0) return null;
  const sorted = [...prices].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { budgetBelowCents: at(1 / 3), premiumFromCents: at(2 / 3) };
}

const BIRTHDAY = /^(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Validates "MM-DD" (Feb 29 allowed) and returns it, else null. */
export function parseBirthday(value: string | null | undefined): { month: number; day: number } | null {
  if (!value) return null;
  const m = BIRTHDAY.exec(value);
  if (!m) return null;
  const month = Number(m[1]);
  const day = Number(m[2]);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return null;
  return { month, day };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Whole days from the merchant's "today" to the next occurrence of the birthday (0 = today).
 * A Feb 29 birthday is celebrated on Feb 28 in common years, so it is never skipped.
 */
export function daysUntilBirthday(month: number, day: number, now: number, utcOffsetMinutes = 0): number {
  const local = new Date(now + utcOffsetMinutes * 60_000);
  const y = local.getUTCFullYear();
  const today = Date.UTC(y, local.getUTCMonth(), local.getUTCDate());
  const occurrence = (year: number) => Date.UTC(year, month - 1, month === 2 && day === 29 && !isLeap(year) ? 28 : day);
  let next = occurrence(y);
  if (next < today) next = occurrence(y + 1);
  return Math.round((next - today) / DAY_MS);
}
