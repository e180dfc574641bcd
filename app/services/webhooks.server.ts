/**
 * The webhook request path: verify, validate, persist, acknowledge. Nothing else happens here.
 * - bad HMAC: the library answers 401 before we read anything; nothing is written.
 * - a body that is not JSON, or not the shape the topic needs: 400/422 with the reason logged.
 * - a webhook id seen before (retry, duplicate, concurrent twin): 200, nothing changes.
 * - otherwise the sealed body is committed to the queue, then 200. A crash after that loses nothing:
 *   the worker applies pending deliveries on restart.
 */
import { jsonResponse } from "../utils/http.server";
import { z } from "zod";
import { TOPICS, type Topic, describeZodError, topicFromHeader } from "../ingest/webhook-payloads";
import { authenticate } from "../shopify.server";
import { seal } from "../utils/crypto.server";
import { env } from "../utils/env.server";
import { parseJsonLossless } from "../utils/json";
import { log } from "../utils/log.server";
import { persistDelivery } from "./delivery-writer.server";

function reject(status: number, reason: string, fields: Record<string, unknown>) {
  log.warn("webhook rejected", { status, reason, ...fields });
  return jsonResponse({ error: reason }, { status });
}

export async function receiveWebhook(request: Request, expected: Topic): Promise<Response> {
  // Read the body once; the library verifies the HMAC over exactly these bytes.
  const raw = await request.text();
  let ctx: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    ctx = await authenticate.webhook(new Request(request.url, { method: request.method, headers: request.headers, body: raw }));
  } catch (e) {
    if (e instanceof Response) throw e; // 401 bad HMAC, 400 missing headers, 405 wrong method
    if (e instanceof SyntaxError) return reject(400, "body is not valid JSON", { topic: expected });
    throw e;
  }
  const { shop, webhookId, apiVersion } = ctx;
  const topic = topicFromHeader(String(ctx.topic));
  if (topic !== expected) return reject(400, `topic ${String(ctx.topic)} sent to the ${expected} endpoint`, { shop, webhookId });

  try {
    TOPICS[topic].parse(parseJsonLossless(raw));
  } catch (e) {
    if (e instanceof z.ZodError) return reject(422, `payload does not match ${topic}: ${describeZodError(e)}`, { shop, webhookId, topic });
    return reject(422, `payload does not match ${topic}: ${(e as Error).message}`, { shop, webhookId, topic });
  }

  await persistDelivery({ webhookId, shopId: shop, topic, apiVersion: apiVersion ?? null, sealedPayload: seal(env().SHOPIFY_API_SECRET, raw) });
  return new Response(null, { status: 200 });
}
