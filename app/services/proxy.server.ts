/**
 * App proxy request handling shared by every app/routes/proxy.*.tsx route: signature verification,
 * identity, parameter validation and the JSON response shape.
 *
 * Identity comes ONLY from what Shopify signed: the shop from the verified session or the verified
 * `shop` parameter, the customer from the signed `logged_in_customer_id` (blank = guest). A
 * tampered parameter breaks the signature and the library answers 400 before we read anything.
 */
import { z } from "zod";
import { db } from "../db.server";
import { forgetInstalled, isInstalled } from "../models/shop.server";
import { authenticate } from "../shopify.server";
import { isShopDomain } from "../utils/shop-domain";
import { onDataApplied } from "./data-applied.server";
import type { ShopperIdentity } from "./storefront.server";

// An uninstall (or redaction) applied by ingest is answered from the next storefront request on.
onDataApplied(forgetInstalled);

const NUMERIC_ID = /^\d{1,20}$/;

/** Personalized answers: never cached by the proxy, a CDN or a shared browser cache. */
export const PRIVATE_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "private, no-store",
  "X-Content-Type-Options": "nosniff",
} as const;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return jsonText(JSON.stringify(body), status, headers);
}

/** A response whose JSON is already serialized. */
export function jsonText(text: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { ...PRIVATE_HEADERS, ...headers } });
}

export function noContent(): Response {
  return new Response(null, { status: 204, headers: { "Cache-Control": "private, no-store" } });
}

export function badRequest(issues: { param: string; message: string }[]): Response {
  return json({ error: "invalid_request", issues }, 400);
}

/** The request's query, parsed once for the identity and the route's own parameters. */
const parsedQueries = new WeakMap<Request, URLSearchParams>();
function queryOf(request: Request): URLSearchParams {
  let params = parsedQueries.get(request);
  if (!params) parsedQueries.set(request, (params = new URL(request.url).searchParams));
  return params;
}

/**
 * Parameters that say who is asking and where: each must appear at most once. Shopify signs a
 * repeated parameter as its values joined with ",", so a second `logged_in_customer_id` would pass
 * the signature while `get()` read the first one.
 */
const IDENTITY_PARAMS = ["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"] as const;

export function notInstalled(): Response {
  return json({ error: "shop_not_installed" }, 404);
}

/**
 * Verifies the app proxy signature (throws the library's 400 Response) and returns who is asking.
 * A shop that is not installed (never, or uninstalled since) gets 404 before any route work.
 */
export async function authenticateProxy(request: Request): Promise<ShopperIdentity> {
  const params = queryOf(request);
  for (const name of IDENTITY_PARAMS) {
    if (params.getAll(name).length > 1) throw badRequest([{ param: name, message: "must appear at most once" }]);
  }
  if (!isShopDomain(params.get("shop") ?? "")) throw badRequest([{ param: "shop", message: "not a myshopify.com domain" }]);
  const { session } = await authenticate.public.appProxy(request);
  // Verified: the signature covers every query parameter, `shop` included.
  const shop = session?.shop ?? params.get("shop") ?? "";
  if (!isShopDomain(shop)) throw badRequest([{ param: "shop", message: "not a myshopify.com domain" }]);
  if (!(await isInstalled(db(), shop))) throw notInstalled();
  const raw = params.get("logged_in_customer_id") ?? "";
  if (raw !== "" && !NUMERIC_ID.test(raw)) throw badRequest([{ param: "logged_in_customer_id", message: "must be a numeric customer id" }]);
  return { shop, customerId: raw === "" ? null : raw };
}

// ---- parameter schemas ----

const blank = (v: unknown) => (v === "" || v === null ? undefined : v);
/** An optional JSON body field: "" and null count as absent. */
export const optional = <T extends z.ZodType>(s: T) => z.preprocess(blank, s.optional());
/** An optional query parameter: parseQuery drops blank ones, so no per-field preprocessing is needed. */
export const param = <T extends z.ZodType>(s: T) => s.optional();

export const numericId = z.string().regex(NUMERIC_ID, "must be a numeric Shopify id");
export const visitorId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "must be 8-64 letters, digits or dashes");

/** Storefront context every proxy endpoint accepts (see docs/storefront-api.md). */
export const contextParams = {
  vid: param(visitorId),
  utm_source: param(z.string().max(64, "at most 64 characters")),
  ref: param(z.string().max(255, "at most 255 characters").regex(/^[A-Za-z0-9.-]+$/, "must be a host name")),
  device: param(z.enum(["mobile", "tablet", "desktop"], { error: "must be mobile, tablet or desktop" })),
  // The storefront's market country (window.Shopify.country): varies content, never identifies.
  country: param(z.string().regex(/^[A-Za-z]{2}$/, "must be a two-letter country code").transform((c) => c.toUpperCase())),
};

/**
 * Parses the query with a zod object schema; a failure becomes a 400 naming each bad parameter.
 * A blank parameter (`?vid=`) counts as absent.
 */
export function parseQuery<T extends z.ZodType>(request: Request, schema: T): z.infer<T> {
  const params = queryOf(request);
  const raw: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "") raw[k] = v;
  const r = schema.safeParse(raw);
  if (!r.success) throw badRequest(r.error.issues.map((i) => ({ param: i.path.join(".") || "(query)", message: i.message })));
  return r.data;
}

/** Reads a small JSON body and validates it; 400 for anything else. */
export async function parseJsonBody<T extends z.ZodType>(request: Request, schema: T, maxBytes = 8192): Promise<z.infer<T>> {
  const text = await request.text();
  if (text.length > maxBytes) throw badRequest([{ param: "(body)", message: `body is larger than ${maxBytes} bytes` }]);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badRequest([{ param: "(body)", message: "body is not valid JSON" }]);
  }
  const r = schema.safeParse(body);
  if (!r.success) throw badRequest(r.error.issues.map((i) => ({ param: i.path.join(".") || "(body)", message: i.message })));
  return r.data;
}
