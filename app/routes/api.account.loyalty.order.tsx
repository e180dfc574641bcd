/**
 * GET /api/account/loyalty/order?order=gid://shopify/Order/<id> for the order-status block of
 * extensions/attune-account: the points that order earned (and reversed since), for the customer in
 * the customer account session token's `sub`. See docs/storefront-api.md.
 */
import { getOnlyAction, orderPointsLoader } from "~/services/loyalty-extensions.server";

export const loader = orderPointsLoader("customerAccount");
export const action = getOnlyAction("customerAccount");
