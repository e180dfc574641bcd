/**
 * The loyalty answers of Attune's UI extensions (checkout thank-you line, customer account page and
 * order-status block), authenticated by the extension's session token (extension-auth.server.ts).
 * The customer is the token's `sub` only: an order, a reward or a birthday names nothing else.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { db } from "../db.server";
import { getProgram, pointsForOrder } from "../models/loyalty.server";
import { authenticateExtension, type ExtensionCaller } from "./extension-auth.server";
import { loginRequired, readJsonObject } from "./loyalty-proxy.server";
import { loyaltyView, redeemReward, saveBirthday } from "./loyalty.server";
import { json, parseQuery } from "./proxy.server";

type Surface = "checkout" | "customerAccount";

export type OrderPointsAnswer =
  | { enabled: false }
  | { enabled: true; signedIn: false }
  | { enabled: true; signedIn: true; order: { earned: number; pending: boolean; reversed: number } | null };

/**
 * What one order earned, for its buyer. `order: null` = not in the ledger (yet: the order webhook may
 * still be on its way) or not this customer's order: both answer the same, so nothing about another
 * customer's order can be learned.
 */
export async function orderPoints(shop: string, customerId: string | null, orderId: string): Promise<OrderPointsAnswer> {
  const program = await getProgram(db(), shop);
  if (!program?.config.enabled) return { enabled: false };
  if (!customerId) return { enabled: true, signedIn: false };
  const p = await pointsForOrder(db(), shop, orderId);
  return { enabled: true, signedIn: true, order: p && p.customerId === customerId ? { earned: p.earned, pending: p.pending, reversed: p.reversed } : null };
}

/** `?order=` as the extensions have it (gid://shopify/Order/<id>), or the bare numeric id. */
const orderQuery = z.object({
  order: z
    .string({ error: "is required" })
    .regex(/^(?:gid:\/\/shopify\/Order\/)?\d{1,20}$/, "must be gid://shopify/Order/<id> or a numeric order id")
    .transform((v) => v.slice(v.lastIndexOf("/") + 1)),
});

/** Runs `handle` for an authenticated caller; every answer, errors included, gets the CORS headers. */
export async function extensionRoute(request: Request, surface: Surface, handle: (caller: ExtensionCaller) => Promise<Response>): Promise<Response> {
  const caller = await authenticateExtension(request, surface);
  try {
    return caller.cors(await handle(caller));
  } catch (e) {
    if (e instanceof Response) return caller.cors(e);
    throw e;
  }
}

/** GET ?order=<gid>: the order's points for the signed-in customer. */
export function orderPointsLoader(surface: Surface) {
  return ({ request }: LoaderFunctionArgs) =>
    extensionRoute(request, surface, async ({ shop, customerId }) => json(await orderPoints(shop, customerId, parseQuery(request, orderQuery).order)));
}

/** A GET-only route's action: the OPTIONS preflight (answered by the library), 405 for anything else. */
export function getOnlyAction(surface: Surface) {
  return ({ request }: ActionFunctionArgs) => extensionRoute(request, surface, async () => json({ error: "method_not_allowed" }, 405, { Allow: "GET, OPTIONS" }));
}

/** A POST-only route's loader: 405 (with CORS headers) for a GET. */
export function postOnlyLoader(surface: Surface) {
  return ({ request }: LoaderFunctionArgs) => extensionRoute(request, surface, async () => json({ error: "method_not_allowed" }, 405, { Allow: "POST, OPTIONS" }));
}

/** A customer account POST: the token's customer (401 without one) and a bounded JSON object body (422 otherwise). */
function accountPost(handle: (customer: { shop: string; customerId: string }, body: Record<string, unknown>) => Promise<Response>) {
  return ({ request }: ActionFunctionArgs) =>
    extensionRoute(request, "customerAccount", async ({ shop, customerId }) => {
      if (request.method !== "POST") return json({ error: "method_not_allowed" }, 405, { Allow: "POST, OPTIONS" });
      if (!customerId) return loginRequired();
      const body = await readJsonObject(request);
      return body instanceof Response ? body : handle({ shop, customerId }, body);
    });
}

/** GET /api/account/loyalty: the storefront view (docs/loyalty.md) with a longer history for the full page. */
export const accountViewLoader = ({ request }: LoaderFunctionArgs) =>
  extensionRoute(request, "customerAccount", async ({ shop, customerId }) => json(await loyaltyView(shop, customerId, { historyLimit: 25 })));

/** POST /api/account/loyalty/redeem {rewardId, idempotencyKey?}: the proxy's redeem answers, same codes. */
export const accountRedeemAction = accountPost(async ({ shop, customerId }, body) => {
  const key = body.idempotencyKey === null || body.idempotencyKey === "" ? undefined : body.idempotencyKey;
  const r = await redeemReward(shop, customerId, body.rewardId as string, key as string | undefined);
  if (r.ok) return json({ code: r.code, rewardId: r.rewardId, points: r.points });
  return json({ error: r.error, message: r.message }, r.status, r.status === 503 ? { "Retry-After": "30" } : {});
});

/** POST /api/account/loyalty/birthday {birthday: "MM-DD"}. */
export const accountBirthdayAction = accountPost(async ({ shop, customerId }, body) => {
  const r = await saveBirthday(shop, customerId, body.birthday as string);
  return r.ok ? json({ ok: true }) : json({ error: r.error, message: r.message }, r.status);
});
