/**
 * GET /apps/attune/recommendations (Shopify forwards it to /proxy/recommendations, signed).
 * Contract: docs/storefront-api.md §3 and extensions/attune-theme/assets/attune.js.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { authenticateProxy, contextParams, json, jsonText, numericId, param, parseQuery } from "~/services/proxy.server";
import { enginePort } from "~/services/engine-port.server";

const CART_LINE = /^(\d{1,20}):(\d{1,4})$/;
const NUMERIC = /^\d{1,20}$/;

/** Up to max numeric product ids, comma-separated. */
const idList = (max: number, maxChars: number) =>
  param(
    z
      .string()
      .max(maxChars, `at most ${maxChars} characters`)
      .transform((s, ctx) => {
        const ids = s.split(",").filter(Boolean);
        if (ids.length > max || ids.some((id) => !NUMERIC.test(id))) {
          ctx.addIssue({ code: "custom", message: `must be up to ${max} numeric product ids, comma-separated` });
          return z.NEVER;
        }
        return ids;
      }),
  );

const schema = z.object({
  placement: z.enum(["home", "product", "cart", "thank_you"], { error: "must be home, product, cart or thank_you" }),
  product_id: param(numericId),
  cart: param(
    z
      .string()
      .max(4000, "at most 4000 characters")
      .transform((s, ctx) => {
        const items = s.split(",").filter(Boolean);
        if (items.length > 100) {
          ctx.addIssue({ code: "custom", message: "at most 100 cart lines" });
          return z.NEVER;
        }
        const out: { variantId: string; quantity: number }[] = [];
        for (const item of items) {
          const m = CART_LINE.exec(item);
          if (!m || Number(m[2]) < 1) {
            ctx.addIssue({ code: "custom", message: "must be <variantId>:<quantity>,..." });
            return z.NEVER;
          }
          out.push({ variantId: m[1], quantity: Number(m[2]) });
        }
        return out;
      }),
  ),
  limit: param(z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "at least 1").max(24, "at most 24")),
  max_price: param(z.coerce.number({ error: "must be a number of cents" }).int("must be whole cents").min(0, "cannot be negative").max(1e11)),
  viewed: idList(20, 1000),
  // Products another row on the page shows already (the cart block's under-$X row sends the complements row's).
  exclude: idList(24, 24 * 21),
  ...contextParams,
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const who = await authenticateProxy(request);
  const q = parseQuery(request, schema);
  const body = await enginePort.recommendationsJson(who, {
    placement: q.placement,
    productId: q.product_id ?? null,
    cart: q.cart ?? [],
    limit: q.limit ?? 8,
    maxPriceCents: q.max_price ?? null,
    viewed: q.viewed ?? [],
    exclude: q.exclude ?? [],
    vid: q.vid ?? null,
    utmSource: q.utm_source ?? null,
    ref: q.ref ?? null,
    device: q.device ?? null,
    country: q.country ?? null,
  });
  if (body === null) return json({ error: "shop_not_installed" }, 404);
  return jsonText(body);
};
