/**
 * Who is acting in the embedded admin: the shop (from the verified session, never a parameter) and
 * the staff member (the session token's `sub`), for every loader and action and the audit log.
 * Demo mode (the local simulator, never production) extends this in one place.
 */
import { authenticate } from "~/shopify.server";

export interface AdminContext {
  shop: string;
  /** The session token's `sub`: the staff member who made a write. */
  actor: string;
}

export async function adminContext(request: Request): Promise<AdminContext> {
  const { session, sessionToken } = await authenticate.admin(request);
  return { shop: session.shop, actor: sessionToken?.sub ? String(sessionToken.sub) : "staff" };
}
