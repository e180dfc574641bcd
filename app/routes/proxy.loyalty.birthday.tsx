/**
 * POST /apps/attune/loyalty/birthday {"birthday": "MM-DD"} -> 200 {ok: true}; 401 guest, 422 bad body
 * or date. The ledger guards the birthday bonus against edits (once per 12 months).
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { loyaltyPost, methodNotAllowed } from "~/services/loyalty-proxy.server";
import { saveBirthday } from "~/services/loyalty.server";
import { json } from "~/services/proxy.server";

export const loader = async () => methodNotAllowed();

export const action = async ({ request }: ActionFunctionArgs) =>
  loyaltyPost(request, async (who, body) => {
    const r = await saveBirthday(who.shop, who.customerId, body.birthday as string);
    return r.ok ? json({ ok: true }) : json({ error: r.error, message: r.message }, r.status);
  });
