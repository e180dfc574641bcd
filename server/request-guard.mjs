// What server.mjs checks before a request reaches a route: the request line and Host are well
// formed, the method is one we serve, and the body is bounded and read exactly once.
//
// - A body whose declared Content-Length is over its route's limit is refused with 413 before a byte
//   of it is read; a chunked body is read until it passes the limit, then refused the same way. The
//   connection is closed after a 413 (the rest of the body is never read).
// - Request URLs are built from the configured app origin (SHOPIFY_APP_URL), never from Host or
//   X-Forwarded-Proto: those are client input.
// - Anything malformed gets a 4xx here, so it never reaches Remix or undici as an exception (500).

const KiB = 1024;
const MiB = 1024 * KiB;

/** Per-route body limits. Shopify's largest webhook bodies (orders with hundreds of lines) stay well under 5 MiB. */
export const BODY_LIMITS = { webhooks: 5 * MiB, proxy: 64 * KiB, other: 1 * MiB };

export function bodyLimit(pathname) {
  if (pathname.startsWith("/webhooks/")) return BODY_LIMITS.webhooks;
  if (pathname.startsWith("/proxy/")) return BODY_LIMITS.proxy;
  return BODY_LIMITS.other;
}

/** A refusal answered by server.mjs itself: status, a one-line reason, extra headers. */
export class Refusal {
  /** `drop`: the body is not read; the connection is dropped soon after the answer. */
  constructor(status, reason, headers = {}, drop = false) {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.drop = drop;
  }
}

// Methods undici's Request accepts and Remix routes can answer (TRACE and CONNECT are refused by both).
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
export const ALLOW = [...METHODS].join(", ");
// host[:port] or [ipv6][:port]: what a Host header may hold (RFC 9110 uri-host, no user info).
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Returns a Refusal for a request we will not route, or null. No allocation on the accepted path. */
export function checkRequest(req) {
  if (!METHODS.has(req.method)) return new Refusal(405, "method not allowed", { Allow: ALLOW });
  // Origin-form only ("/path?query"): absolute-form ("http://other/...") and "*" are not ours to serve.
  if (req.url.charCodeAt(0) !== 47 /* "/" */ || req.url.charCodeAt(1) === 47) return new Refusal(400, "request target must be a path");
  const host = req.headers.host;
  if (host !== undefined && !HOST.test(host)) return new Refusal(400, "malformed Host header");
  return null;
}

/** The app's public origin, from configuration ("https://attune.example.com"). */
export function appOrigin(configured = process.env.SHOPIFY_APP_URL) {
  try {
    return new URL(configured).origin;
  } catch {
    return "http://localhost";
  }
}

/**
 * Reads the request body into one Buffer, refusing (Refusal 413) a declared length over `limit`
 * before reading, and a streamed body as soon as it passes `limit`.
 */
export async function readBody(req, limit) {
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    const length = Number(declared);
    if (length > limit) throw new Refusal(413, "body too large", {}, true);
    if (length === 0) return Buffer.alloc(0);
  }
  // Listeners, not `for await`: leaving that loop early destroys the socket, and the 413 with it.
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const done = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      done();
      req.pause();
      chunks.length = 0;
      reject(new Refusal(413, "body too large", {}, true));
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    // The client went away (or the stream failed) before the end: nothing to route.
    const onClose = () => {
      done();
      reject(new Refusal(400, "request aborted", {}, true));
    };
    const onError = onClose;
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/**
 * Answers a Refusal, logged as one line (never a stack, never a header or body value). After a 413
 * the unread rest of the body is dropped with the connection.
 */
export function refuse(req, res, refusal) {
  process.stderr.write(`${JSON.stringify({ level: "warn", msg: "request refused", status: refusal.status, reason: refusal.reason, method: req.method, time: new Date().toISOString() })}\n`);
  if (res.headersSent) return res.destroy();
  const body = `${refusal.reason}\n`;
  res.writeHead(refusal.status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...refusal.headers,
  });
  res.end(body);
  if (refusal.drop) {
    // Not "Connection: close": Node would close at once, and the client's unsent body would then
    // meet a reset that can discard our answer before the client reads it. Instead Node discards
    // what keeps arriving (nothing is buffered) while the answer is read, and we drop the
    // connection shortly after.
    res.once("finish", () => {
      req.resume();
      setTimeout(() => req.socket?.destroy(), 500).unref();
    });
  }
}
