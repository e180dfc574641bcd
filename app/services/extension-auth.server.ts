/**
 * Who is asking, for routes called by Attune's UI extensions (checkout, thank-you, customer accounts):
 * the session token (Authorization: Bearer <JWT>, HS256 with our app secret, verified by the library)
 * names the shop in `dest` and, when a customer is signed in, the customer in `sub`
 * ("gid://shopify/Customer/<id>"). Nothing the extension sends in the query or body says who it is.
 * The extensions run on Shopify's sandbox origin: answers carry the library's CORS headers, and the
 * OPTIONS preflight is answered (thrown) by the library itself.
 */
import { authenticate } from "~/shopify.server";
import { env } from "~/utils/env.server";
import { json } from "./proxy.server";

export interface ExtensionCaller {
  shop: string;
  /** Numeric customer id as a string; null for a guest (or a token without a customer). */
  customerId: string | null;
  cors: (response: Response) => Response;
}

export function shopFromDest(dest: unknown): string | null {
  if (typeof dest !== "string") return null;
  try {
    const host = new URL(dest).hostname;
    return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host) ? host : null;
  } catch {
    return null;
  }
}

/** "gid://shopify/Customer/123" -> "123"; anything else (staff ids, absent) -> guest. */
export function customerFromSub(sub: unknown): string | null {
  if (typeof sub !== "string") return null;
  const m = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/.exec(sub);
  return m ? m[1] : null;
}

/**
 * Verifies the token (the library throws 401 for a missing, badly signed or expired one) and checks
 * that it is meant for this app; a token for another app or shop-less is answered 401 here (thrown).
 */
export async function authenticateExtension(request: Request, surface: "checkout" | "customerAccount"): Promise<ExtensionCaller> {
  const { sessionToken, cors } = await (surface === "checkout" ? authenticate.public.checkout(request) : authenticate.public.customerAccount(request));
  const shop = shopFromDest(sessionToken.dest);
  if (!shop || sessionToken.aud !== env().SHOPIFY_API_KEY) throw cors(json({ error: "invalid_token" }, 401));
  return { shop, customerId: customerFromSub(sessionToken.sub), cors };
}
