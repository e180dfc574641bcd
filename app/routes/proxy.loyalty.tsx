/**
 * GET /apps/attune/loyalty: the shopper's points, tier, rewards and history (docs/storefront-api.md,
 * §Loyalty; docs/loyalty.md "Storefront contract"). Identity only from the signed
 * `logged_in_customer_id`: a guest gets the catalogue and no points; a disabled program `{enabled:false}`.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { loyaltyView } from "~/services/loyalty.server";
import { authenticateProxy, json } from "~/services/proxy.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const who = await authenticateProxy(request);
  return json(await loyaltyView(who.shop, who.customerId));
};
