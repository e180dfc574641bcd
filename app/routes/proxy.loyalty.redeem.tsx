/**
 * POST /apps/attune/loyalty/redeem {"rewardId", "idempotencyKey"?} -> 200 {code, rewardId, points};
 * 401 guest, 404 unknown reward or no program, 409 insufficient_points, 422 bad body, 503
 * codes_unavailable (nothing debited). The same key returns the same code. See app/services/loyalty.server.ts.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { loyaltyPost, methodNotAllowed } from "~/services/loyalty-proxy.server";
import { redeemReward } from "~/services/loyalty.server";
import { json } from "~/services/proxy.server";

export const loader = async () => methodNotAllowed();

export const action = async ({ request }: ActionFunctionArgs) =>
  loyaltyPost(request, async (who, body) => {
    const key = body.idempotencyKey === null || body.idempotencyKey === "" ? undefined : body.idempotencyKey;
    const r = await redeemReward(who.shop, who.customerId, body.rewardId as string, key as string | undefined);
    if (!r.ok) return json({ error: r.error, message: r.message }, r.status, r.status === 503 ? { "Retry-After": "30" } : {});
    return json({ code: r.code, rewardId: r.rewardId, points: r.points });
  });
