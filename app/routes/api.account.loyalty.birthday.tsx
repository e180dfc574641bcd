/** POST /api/account/loyalty/birthday {"birthday": "MM-DD"} from the customer account page: 200 {ok: true}; 401; 422. */
import { accountBirthdayAction, postOnlyLoader } from "~/services/loyalty-extensions.server";

export const loader = postOnlyLoader("customerAccount");
export const action = accountBirthdayAction;
