/**
 * Signs requests exactly as Shopify does. Shared by the simulator, the demo and the tests.
 * - Webhooks: X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(secret, raw body)).
 * - App proxy: signature = hex(HMAC-SHA256(secret, sorted "key=value" pairs joined with "")),
 *   repeated keys joined with ",".
 */
import crypto from "node:crypto";

export function webhookHmac(secret: string, body: string): string {
  return crypto.createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export interface WebhookHeadersInput {
  topic: string; // "orders/create"
  shop: string;
  body: string;
  secret: string;
  webhookId?: string;
  apiVersion?: string;
  triggeredAt?: string;
}

export function webhookHeaders(i: WebhookHeadersInput): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": i.topic,
    "X-Shopify-Shop-Domain": i.shop,
    "X-Shopify-API-Version": i.apiVersion ?? "2026-10",
    "X-Shopify-Webhook-Id": i.webhookId ?? crypto.randomUUID(),
    "X-Shopify-Triggered-At": i.triggeredAt ?? new Date().toISOString(),
    "X-Shopify-Event-Id": crypto.randomUUID(),
    "X-Shopify-Hmac-Sha256": webhookHmac(i.secret, i.body),
  };
}

export function appProxySignature(secret: string, params: Record<string, string | string[]>): string {
  const message = Object.keys(params)
    .filter((k) => k !== "signature")
    .sort()
    .map((k) => `${k}=${Array.isArray(params[k]) ? (params[k] as string[]).join(",") : params[k]}`)
    .join("");
  return crypto.createHmac("sha256", secret).update(message).digest("hex");
}

/** Query string for a proxied storefront request, as Shopify forwards it. */
export function signedProxyQuery(secret: string, shop: string, extra: Record<string, string> = {}, loggedInCustomerId = ""): URLSearchParams {
  const params: Record<string, string> = {
    shop,
    path_prefix: "/apps/attune",
    timestamp: String(Math.floor(Date.now() / 1000)),
    logged_in_customer_id: loggedInCustomerId,
    ...extra,
  };
  return new URLSearchParams({ ...params, signature: appProxySignature(secret, params) });
}
