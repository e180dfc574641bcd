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
import { json, optional } from "~/services/proxy.server";
import { authenticateExtension } from "~/services/extension-auth.server";
import { enginePort } from "~/services/engine-port.server";

const schema = z.object({
  placement: z.enum(["checkout", "thank_you"], { error: "must be checkout or thank_you" }),
  limit: optional(z.coerce.number({ error: "must be a number" }).int().min(1, "at least 1").max(24, "at most 24")),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  // The token is signed with our secret; its audience must be our app too (else a 401 is thrown).
  const { shop, customerId, cors } = await authenticateExtension(request, "checkout");
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const q = schema.safeParse(params);
  if (!q.success) return cors(json({ error: "invalid_request", issues: q.error.issues.map((i) => ({ param: i.path.join("."), message: i.message })) }, 400));
  const res = await enginePort.upsell({ shop, customerId }, q.data.placement, q.data.limit ?? 8);
  return cors(json(res ?? { products: [] }));
};

/** OPTIONS preflight: authenticate.public.checkout throws the 204 with CORS headers. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { cors } = await authenticate.public.checkout(request);
  return cors(json({ error: "method_not_allowed" }, 405, { Allow: "GET, OPTIONS" }));
};
