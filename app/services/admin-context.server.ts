/**
 * Who is acting in the embedded admin: the shop (from the verified session, never a parameter) and
 * the staff member (the session token's `sub`), for every loader and action and the audit log.
 *
 * Demo mode (npm run demo): with the explicit simulator flag (ATTUNE_SIMULATOR=1, which env() refuses
 * under NODE_ENV=production) and ATTUNE_DEMO_SHOP set, /app/* opens in a normal browser tab as that
 * shop with no Shopify login; the actor is "demo". Without the flag every request goes through
 * authenticate.admin, whatever it carries: there is no header, cookie or parameter that turns demo
 * mode on.
 */
import { authenticate } from "~/shopify.server";
import { env, type Env } from "~/utils/env.server";

export interface AdminContext {
  shop: string;
  /** The session token's `sub`: the staff member who made a write ("demo" in demo mode). */
  actor: string;
  /** True only in demo mode (outside Shopify's admin: no App Bridge). */
  demo: boolean;
}

/** The demo shop when demo mode is on, else null. Pure on its input (tested with both flags). */
export function demoShopOf(e: Pick<Env, "ATTUNE_SIMULATOR" | "NODE_ENV" | "ATTUNE_DEMO_SHOP">): string | null {
  if (e.ATTUNE_SIMULATOR !== "1" || e.NODE_ENV === "production" || !e.ATTUNE_DEMO_SHOP) return null;
  return e.ATTUNE_DEMO_SHOP;
}

export function demoShop(): string | null {
  return demoShopOf(env());
}

export async function adminContext(request: Request): Promise<AdminContext> {
  const demo = demoShop();
  if (demo) return { shop: demo, actor: "demo", demo: true };
  const { session, sessionToken } = await authenticate.admin(request);
  return { shop: session.shop, actor: sessionToken?.sub ? String(sessionToken.sub) : "staff", demo: false };
}
