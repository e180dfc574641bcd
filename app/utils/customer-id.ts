/** A Shopify customer id as a merchant may type or paste it (the number, or its gid): the digits, or null. */
export function customerIdOf(raw: unknown): string | null {
  const s = typeof raw === "string" ? raw.trim().replace(/^gid:\/\/shopify\/Customer\//i, "") : "";
  return /^\d{1,20}$/.test(s) ? s : null;
}
