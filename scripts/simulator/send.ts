/**
 * Sends signed webhooks to a running app like Shopify does: POST {appUrl}/webhooks/<topic> with the
 * X-Shopify-* headers and HMAC (sign.ts), several in flight at once, a 5 s limit per delivery, and
 * non-2xx answers (or timeouts) retried with backoff. Shopify retries 8 times over 4 hours; this
 * compresses the schedule to milliseconds.
 */
import type { Delivery } from "./events";
import { webhookHeaders } from "./sign";

export interface SendOptions {
  appUrl: string;
  shop: string;
  secret: string;
  concurrency?: number;
  /** Retries after the first attempt (Shopify: 8). */
  retries?: number;
  retryDelayMs?: number;
  timeoutMs?: number;
  apiVersion?: string;
  onDelivered?: (d: Delivery, status: number, attempts: number) => void;
}

export interface SendReport {
  sent: number;
  ok: number;
  failed: number;
  retries: number;
  statuses: Record<number, number>;
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendDelivery(d: Delivery, o: SendOptions): Promise<{ status: number; attempts: number }> {
  const maxAttempts = 1 + (o.retries ?? 8);
  let status = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const headers = webhookHeaders({ topic: d.topic, shop: o.shop, body: d.body, secret: o.secret, webhookId: d.webhookId, apiVersion: o.apiVersion ?? "2026-10", triggeredAt: d.at.toISOString() });
    try {
      const res = await fetch(`${o.appUrl.replace(/\/$/, "")}/webhooks/${d.topic}`, { method: "POST", headers, body: d.body, signal: AbortSignal.timeout(o.timeoutMs ?? 5000) });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = 0; // connection refused / timed out: Shopify counts it as a failed delivery
    }
    if (status >= 200 && status < 300) return { status, attempts: attempt };
    // Like Shopify: a 401/4xx is retried too (the app might be mid-deploy); only the schedule differs.
    if (attempt < maxAttempts) await sleep((o.retryDelayMs ?? 100) * 2 ** (attempt - 1));
  }
  return { status, attempts: maxAttempts };
}

export async function sendWebhooks(deliveries: Delivery[], o: SendOptions): Promise<SendReport> {
  const started = Date.now();
  const report: SendReport = { sent: 0, ok: 0, failed: 0, retries: 0, statuses: {}, ms: 0 };
  let next = 0;
  const worker = async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++];
      const { status, attempts } = await sendDelivery(d, o);
      report.sent++;
      report.retries += attempts - 1;
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      if (status >= 200 && status < 300) report.ok++;
      else report.failed++;
      o.onDelivered?.(d, status, attempts);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency ?? 8) }, worker));
  report.ms = Date.now() - started;
  return report;
}
