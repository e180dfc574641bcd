/**
 * GET /api/checkout/upsell?placement=checkout|thank_you for extensions/attune-checkout.
 * Authenticated by the checkout session token (Authorization: Bearer ...): the shop comes from the
 * token's `dest`, the customer from its `sub` when the buyer is logged in. The extension runs on
 * Shopify's sandbox origin, so every answer carries the library's CORS headers, and the OPTIONS
 * preflight (which Remix routes to the action) is answered by authenticate.public.checkout itself.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { authenticate } from "~/shopify.server";
import { env } from "~/utils/env.server";
import { json, optional } from "~/services/proxy.server";
import { enginePort } from "~/services/engine-port.server";

const schema = z.object({
  placement: z.enum(["checkout", "thank_you"], { error: "must be checkout or thank_you" }),
  limit: optional(z.coerce.number({ error: "must be a number" }).int().min(1, "at least 1").max(24, "at most 24")),
});

function shopFromDest(dest: unknown): string | null {
  if (typeof dest !== "string") return null;
  try {
    const host = new URL(dest).hostname;
    return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host) ? host : null;
  } catch {
    return null;
  }
}

/** "gid://shopify/Customer/123" (or "123") -> "123"; anything else (staff ids, absent) -> guest. */
function customerFromSub(sub: unknown): string | null {
  if (typeof sub !== "string") return null;
  const m = /^(?:gid:\/\/shopify\/Customer\/)?(\d{1,20})$/.exec(sub);
  return m && sub.startsWith("gid://shopify/Customer/") ? m[1] : null;
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { sessionToken, cors } = await authenticate.public.checkout(request);
  const shop = shopFromDest(sessionToken.dest);
  // The token is signed with our secret; its audience must be our app too.
  if (!shop || sessionToken.aud !== env().SHOPIFY_API_KEY) return cors(json({ error: "invalid_token" }, 401));
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const q = schema.safeParse(params);
  if (!q.success) return cors(json({ error: "invalid_request", issues: q.error.issues.map((i) => ({ param: i.path.join("."), message: i.message })) }, 400));
  const res = await enginePort.upsell({ shop, customerId: customerFromSub(sessionToken.sub) }, q.data.placement, q.data.limit ?? 8);
  return cors(json(res ?? { products: [] }));
};

/** OPTIONS preflight: authenticate.public.checkout throws the 204 with CORS headers. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { cors } = await authenticate.public.checkout(request);
  return cors(json({ error: "method_not_allowed" }, 405, { Allow: "GET, OPTIONS" }));
};
