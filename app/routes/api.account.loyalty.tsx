/**
 * GET /api/account/loyalty for the Rewards page of extensions/attune-account: the storefront loyalty
 * view (docs/loyalty.md) for the customer in the customer account session token's `sub`.
 * POST under it: ./api.account.loyalty.redeem.tsx, ./api.account.loyalty.birthday.tsx. See docs/storefront-api.md.
 */
import { accountViewLoader, getOnlyAction } from "~/services/loyalty-extensions.server";

export const loader = accountViewLoader;
export const action = getOnlyAction("customerAccount");
