/**
 * The store's recent history as the webhook deliveries Shopify would have sent, in event order:
 * products/create, customers/create, orders/create, refunds/create + orders/updated,
 * orders/cancelled. Some deliveries are sent twice with the same X-Shopify-Webhook-Id (Shopify
 * retries and duplicates happen), so ingest must be idempotent.
 */
import crypto from "node:crypto";
import { customerBody, orderBody, productBody, refundBody, toJson } from "./rest";
import { type SimStore, rng } from "./store";

export interface Delivery {
  topic: string;
  body: string;
  webhookId: string;
  at: Date;
  /** Sent again (same webhook id): a duplicate the app must ignore. */
  duplicate?: boolean;
}

export interface RecentOptions {
  /** Events at or after this instant become deliveries. */
  since: Date;
  /** Share of deliveries re-sent with the same webhook id (default 0.03). */
  duplicateRate?: number;
}

const webhookId = (seed: number, topic: string, id: string, n = 0) => {
  const h = crypto.createHash("sha256").update(`${seed}:${topic}:${id}:${n}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export function recentDeliveries(store: SimStore, o: RecentOptions): Delivery[] {
  const since = o.since.getTime();
  const r = rng(store.seed ^ 0x5eed);
  const out: Delivery[] = [];
  const push = (topic: string, id: string, at: Date, body: unknown, n = 0) => out.push({ topic, body: toJson(body), webhookId: webhookId(store.seed, topic, id, n), at });
  for (const p of store.products) if (p.createdAt.getTime() >= since) push("products/create", p.id, p.createdAt, productBody(p));
  for (const c of store.customers) if (c.createdAt.getTime() >= since) push("customers/create", c.id, c.createdAt, customerBody(c));
  for (const ord of store.orders) {
    if (ord.createdAt.getTime() < since) continue;
    push("orders/create", ord.id, ord.createdAt, orderBody(store, ord, ord.createdAt));
    for (const ref of ord.refunds) {
      push("refunds/create", ref.id, ref.createdAt, refundBody(ord, ref));
      push("orders/updated", ord.id, ord.updatedAt, orderBody(store, ord), 1);
    }
    if (ord.cancelledAt) push("orders/cancelled", ord.id, ord.cancelledAt, orderBody(store, ord));
  }
  out.sort((a, b) => a.at.getTime() - b.at.getTime());
  const dupRate = o.duplicateRate ?? 0.03;
  const withDups: Delivery[] = [];
  for (const d of out) {
    withDups.push(d);
    if (r.chance(dupRate)) withDups.push({ ...d, duplicate: true });
  }
  return withDups;
}
