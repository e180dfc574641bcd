/** Build and send HMAC-signed webhook requests through the app's real route modules. */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { webhookHeaders } from "../../scripts/simulator/sign";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "webhooks");
export const SECRET = () => process.env.SHOPIFY_API_SECRET!;

/** Parse keeping ids above 2^53 exact (as raw JSON), so a mutated fixture re-serializes exactly. */
export function parseExact(text: string): any {
  return JSON.parse(text, (_k, v, ctx?: { source?: string }) =>
    typeof v === "number" && !Number.isSafeInteger(v) && ctx?.source ? (JSON as any).rawJSON(ctx.source) : v,
  );
}

/** Shopify's documented sample body for a topic ("orders/create" -> fixtures/webhooks/orders_create.json). */
export function sample(topic: string, shop = "attune-test.myshopify.com"): any {
  const text = fs.readFileSync(path.join(FIXTURES, `${topic.replace("/", "_")}.json`), "utf8");
  return parseExact(text.replaceAll("{shop}.myshopify.com", shop));
}

export interface SendOptions {
  shop?: string;
  webhookId?: string;
  secret?: string;
  /** Send this exact string instead of JSON.stringify(body). */
  raw?: string;
  /** Topic header value, when testing a mismatch. */
  topicHeader?: string;
}

export function webhookRequest(topic: string, body: unknown, o: SendOptions = {}): Request {
  const raw = o.raw ?? JSON.stringify(body);
  const headers = webhookHeaders({
    topic: o.topicHeader ?? topic,
    shop: o.shop ?? "attune-test.myshopify.com",
    body: raw,
    secret: o.secret ?? SECRET(),
    webhookId: o.webhookId ?? crypto.randomUUID(),
  });
  return new Request(`https://attune.example.com/webhooks/${topic}`, { method: "POST", headers, body: raw });
}

const routes = new Map<string, (args: any) => Promise<Response>>();
async function routeFor(topic: string) {
  let action = routes.get(topic);
  if (!action) {
    const mod = await import(`../../app/routes/webhooks.${topic.replace("/", ".")}.tsx`);
    action = mod.action as (args: any) => Promise<Response>;
    routes.set(topic, action);
  }
  return action;
}

/** Calls the topic's route action like Remix does; a thrown Response becomes the response. */
export async function sendWebhook(topic: string, body: unknown, o: SendOptions = {}): Promise<Response> {
  const action = await routeFor(topic);
  try {
    return await action({ request: webhookRequest(topic, body, o), params: {}, context: {} });
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
