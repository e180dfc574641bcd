/**
 * What the loyalty proxy routes share: the signed-in shopper, a bounded JSON body, and the JSON
 * answers of docs/storefront-api.md §Loyalty. Bad bodies are 422 (the contract's "bad body").
 */
import { authenticateProxy, json } from "./proxy.server";

/** Redemption and birthday bodies are a few dozen bytes. */
export const MAX_BODY_BYTES = 2048;

export const loginRequired = () => json({ error: "login_required", message: "Sign in to use your points." }, 401);
export const methodNotAllowed = () => json({ error: "method_not_allowed" }, 405, { Allow: "POST" });
const badBody = (message: string) => json({ error: "invalid_body", message }, 422);

/** The signed-in shopper of a POST, or the Response to answer instead (405 / 401). */
export async function signedInShopper(request: Request): Promise<{ shop: string; customerId: string } | Response> {
  if (request.method !== "POST") return methodNotAllowed();
  const who = await authenticateProxy(request);
  if (!who.customerId) return loginRequired();
  return { shop: who.shop, customerId: who.customerId };
}

/**
 * Reads at most MAX_BODY_BYTES and parses a JSON object; anything else is a 422 Response. The
 * body is read as a stream and abandoned past the limit, so an oversized one costs nothing more.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown> | Response> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) return badBody(`body is larger than ${MAX_BODY_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        return badBody(`body is larger than ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(value);
    }
  }
  let v: unknown;
  try {
    v = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return badBody("body is not valid JSON");
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return badBody("body must be a JSON object");
  return v as Record<string, unknown>;
}

/** A loyalty POST: signed-in shopper and bounded JSON body first, then the route's own work. */
export async function loyaltyPost(request: Request, handle: (who: { shop: string; customerId: string }, body: Record<string, unknown>) => Promise<Response>): Promise<Response> {
  const who = await signedInShopper(request);
  if (who instanceof Response) return who;
  const body = await readJsonObject(request);
  if (body instanceof Response) return body;
  return handle(who, body);
}
