import { z } from "zod";

/** A Shopify numeric id, accepted as a digit string (lossless parse) or a safe integer, kept as a string. */
export const shopifyId = z
  .union([z.string().regex(/^\d+$/, "expected a numeric id"), z.number().int().nonnegative().refine(Number.isSafeInteger, "id lost precision")])
  .transform((v) => String(v));

/** "gid://shopify/Product/123" -> "123"; a bare numeric id passes through. */
export function fromGid(gid: string): string {
  const m = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)/.exec(gid);
  if (m) return m[1];
  if (/^\d+$/.test(gid)) return gid;
  throw new Error(`not a Shopify id: ${gid}`);
}
