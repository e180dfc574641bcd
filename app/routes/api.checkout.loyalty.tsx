/**
 * GET /api/checkout/loyalty?order=gid://shopify/Order/<id> for the thank-you line of
 * extensions/attune-checkout ("You earned N points"): `{ enabled, signedIn, order: { earned, pending,
 * reversed } | null }`, authenticated by the checkout session token (shop from `dest`, customer from
 * `sub`; a guest gets `signedIn: false`). See docs/storefront-api.md.
 */
import { getOnlyAction, orderPointsLoader } from "~/services/loyalty-extensions.server";

export const loader = orderPointsLoader("checkout");
export const action = getOnlyAction("checkout");
