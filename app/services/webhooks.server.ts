/**
 * The webhook request path: verify, validate, persist, acknowledge. Nothing else happens here.
 * - the body is read once (server.mjs bounds it), HMAC-verified over its raw bytes, decoded once.
 * - bad HMAC: 401, nothing is parsed or written; missing Shopify headers or a shop header that is
 *   not a shop domain: 400.
 * - a body that is not JSON, or not the shape the topic needs: 400/422. The log line and the answer
 *   name the failing paths and zod's own messages, never a value from the body.
 * - the HMAC covers the body only: the shop and topic headers are unsigned. A body that names its
 *   shop (`shop_domain`, `myshopify_domain`) must name the header's shop, else 400 and nothing is
 *   written; bodies that do not name a shop (orders, products...) are bound to the header's shop.
 * - a webhook id seen before (retry, duplicate, concurrent twin): 200, nothing changes.
 * - otherwise the sealed body is committed to the queue, then 200. A crash after that loses nothing:
 *   the worker applies pending deliveries on restart.
 */
import crypto from "node:crypto";
import { z } from "zod";
import { TOPICS, type Topic, describeZodError, topicFromHeader } from "../ingest/webhook-payloads";
import { seal } from "../utils/crypto.server";
import { env } from "../utils/env.server";
import { jsonResponse } from "../utils/http.server";
import { parseJsonLossless } from "../utils/json";
import { log } from "../utils/log.server";
import { isShopDomain } from "../utils/shop-domain";
import { persistDelivery } from "./delivery-writer.server";

function reject(status: number, reason: string, fields: Record<string, unknown>) {
  log.warn("webhook rejected", { status, reason, ...fields });
  return jsonResponse({ error: reason }, { status });
}

/** base64(HMAC-SHA256(secret, body)) compared in constant time with the header's value. */
function validHmac(secret: string, body: Uint8Array, header: string): boolean {
  const expected = crypto.createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

/** The shop domains a compliance or app body names; none for bodies that do not name their shop. */
function shopNamedBy(topic: Topic, body: Record<string, unknown>): string[] {
  switch (topic) {
    case "shop/redact":
    case "customers/redact":
    case "customers/data_request":
      return [String(body.shop_domain)];
    case "app/uninstalled": {
      // `domain` is the primary domain: a custom domain is not comparable, a myshopify one is.
      return [body.myshopify_domain, body.domain].filter((d): d is string => typeof d === "string" && d.endsWith(".myshopify.com"));
    }
    default:
      return [];
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });
// Unsigned headers that are stored: bounded to what Shopify sends (a UUID; "2026-10" or "unstable").
const WEBHOOK_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const API_VERSION = /^(?:\d{4}-\d{2}|unstable)$/;

export async function receiveWebhook(request: Request, expected: Topic): Promise<Response> {
  if (request.method !== "POST") return jsonResponse({ error: "method not allowed" }, { status: 405, headers: { Allow: "POST" } });
  const h = request.headers;
  const hmac = h.get("x-shopify-hmac-sha256");
  const shop = h.get("x-shopify-shop-domain");
  const topicHeader = h.get("x-shopify-topic");
  const webhookId = h.get("x-shopify-webhook-id");
  if (!hmac || !shop || !topicHeader || !webhookId) return reject(400, "missing Shopify webhook headers", { topic: expected });
  // Read once, as bytes; the HMAC is over exactly these bytes.
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (!validHmac(env().SHOPIFY_API_SECRET, bytes, hmac)) return reject(401, "invalid HMAC", { topic: expected });
  if (!WEBHOOK_ID.test(webhookId)) return reject(400, "malformed webhook id header", { topic: expected });
  if (!isShopDomain(shop)) return reject(400, "shop header is not a shop domain", { topic: expected, webhookId });
  const topic = topicFromHeader(topicHeader);
  if (topic !== expected) return reject(400, `topic header does not match the ${expected} endpoint`, { shop, webhookId });

  let raw: string;
  let body: unknown;
  try {
    raw = utf8.decode(bytes);
    body = parseJsonLossless(raw);
  } catch {
    return reject(400, "body is not valid JSON", { shop, webhookId, topic });
  }
  try {
    TOPICS[topic].parse(body);
  } catch (e) {
    if (e instanceof z.ZodError) return reject(422, `payload does not match ${topic}: ${describeZodError(e)}`, { shop, webhookId, topic });
    return reject(422, `payload does not match ${topic}`, { shop, webhookId, topic });
  }
  for (const named of shopNamedBy(topic, body as Record<string, unknown>)) {
    if (named !== shop) return reject(400, "body names another shop than the shop header", { shop, webhookId, topic });
  }

  const apiVersion = h.get("x-shopify-api-version");
  await persistDelivery({ webhookId, shopId: shop, topic, apiVersion: apiVersion && API_VERSION.test(apiVersion) ? apiVersion : null, sealedPayload: seal(env().SHOPIFY_API_SECRET, raw) });
  return new Response(null, { status: 200 });
}
