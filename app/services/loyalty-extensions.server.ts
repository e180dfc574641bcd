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
