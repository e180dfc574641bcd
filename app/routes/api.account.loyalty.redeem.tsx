/**
 * POST /api/account/loyalty/redeem {"rewardId", "idempotencyKey"?} from the customer account page:
 * 200 {code, rewardId, points}; 401 without a customer; 404 unknown reward; 409 insufficient_points;
 * 422 bad body; 503 codes_unavailable (nothing debited). Same service as the app proxy's redeem.
 */
import { accountRedeemAction, postOnlyLoader } from "~/services/loyalty-extensions.server";

export const loader = postOnlyLoader("customerAccount");
export const action = accountRedeemAction;
