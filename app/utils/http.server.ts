/**
 * JSON responses that work with both Node's native Response and the polyfill remix-serve installs
 * (which lacks the static Response.json).
 */
export function jsonResponse(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: { "Content-Type": "application/json; charset=utf-8", ...init.headers },
  });
}

/** Per-merchant answers: never stored by a shared cache, never content-sniffed. Keeps a route's own Cache-Control. */
export function markPrivate(headers: Headers): void {
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "private, no-store");
  headers.set("X-Content-Type-Options", "nosniff");
}
