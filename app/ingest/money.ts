/**
 * Money as integer hundredths of the currency unit, parsed from Shopify's decimal strings without
 * floating point (0.1 + 0.2 style errors would drift totals over thousands of orders).
 */
export function toCents(amount: string | number | null | undefined): number {
  if (amount === null || amount === undefined || amount === "") return 0;
  const s = typeof amount === "number" ? amount.toFixed(2) : amount.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`not a money amount: ${JSON.stringify(amount)}`);
  const frac = (m[3] ?? "").padEnd(3, "0");
  // Round half away from zero on the third decimal (3-decimal currencies lose one digit).
  let cents = Number(m[2]) * 100 + Number(frac.slice(0, 2)) + (Number(frac[2]) >= 5 ? 1 : 0);
  if (m[1]) cents = -cents;
  return cents;
}
