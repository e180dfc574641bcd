/**
 * The e2e store: small, deterministic, pushed through the real app the way Shopify would fill it.
 *
 * - a fresh migrated SQLite database;
 * - what OAuth leaves behind (Shop with storefront settings, offline Session) plus the merchant's
 *   segments and rules (Pinterest and Canada variants);
 * - the simulated store (scripts/simulator/store.ts, fixed seed and "today") sent as signed
 *   webhooks (products, customers, orders, refunds, cancellations, with duplicates) to the real
 *   webhook routes of the running app, then waits until the ingest queue is drained.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb } from "../../app/db.server";
import { migrate } from "../../scripts/db/migrate";
import { recentDeliveries } from "../../scripts/simulator/events";
import { sendWebhooks } from "../../scripts/simulator/send";
import { generateStore } from "../../scripts/simulator/store";

export const E2E_SHOP = "attune-e2e.myshopify.com";
export const E2E_SECRET = "attune-e2e-secret";
export const E2E_API_KEY = "attune-e2e-key";
const DAY = 86_400_000;

import { CANADA_HEADING, PINTEREST_HEADING, WELCOME_CODE } from "./constants";

export { CANADA_HEADING, PINTEREST_HEADING, WELCOME_CODE };

export { RULES, SEGMENTS, SHOP_SETTINGS } from "../../scripts/simulator/merchant-config";
import { createMerchantOffers, RULES, SEGMENTS, SHOP_SETTINGS } from "../../scripts/simulator/merchant-config";

export const E2E_ACCESS_TOKEN = "shpat_e2e";
/** The seeded import failure the admin e2e retries (the history itself arrives as webhooks). */
export const E2E_IMPORT_ERROR = "bulk operation FAILED (INTERNAL_SERVER_ERROR) while importing customers";

export interface SeedResult {
  databaseUrl: string;
  file: string;
  deliveries: number;
  ms: number;
}

export async function createDatabase(admin: { origin: string }): Promise<{ databaseUrl: string; file: string }> {
  const file = path.join(os.tmpdir(), `attune-e2e-${process.pid}-${crypto.randomUUID().slice(0, 8)}.sqlite`);
  for (const s of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + s, { force: true });
  const databaseUrl = `file:${file}`;
  await migrate(databaseUrl);
  const db = createDb(databaseUrl);
  try {
    await db.shop.create({ data: { id: E2E_SHOP, scopes: "read_products,write_customers,read_orders,write_discounts", settings: JSON.stringify(SHOP_SETTINGS) } });
    await db.session.create({
      data: { id: `offline_${E2E_SHOP}`, shop: E2E_SHOP, state: "e2e", isOnline: false, scope: "read_products,write_customers,read_orders,write_discounts", accessToken: E2E_ACCESS_TOKEN },
    });
    await createMerchantOffers(db, E2E_SHOP, { origin: admin.origin, accessToken: E2E_ACCESS_TOKEN });
    await db.backfillJob.create({ data: { shopId: E2E_SHOP, status: "failed", stage: "customers", counts: JSON.stringify({ products: 48 }), error: E2E_IMPORT_ERROR } });
    for (const s of SEGMENTS) await db.segment.create({ data: { shopId: E2E_SHOP, id: s.id, name: s.name, definition: JSON.stringify(s.definition) } });
    for (const r of RULES) await db.rule.create({ data: { shopId: E2E_SHOP, id: r.id, name: r.name, priority: r.priority, enabled: true, definition: JSON.stringify(r.definition) } });
  } finally {
    await db.$disconnect();
  }
  return { databaseUrl, file };
}

/** The deterministic store: same seed and same "today" every run. */
export function e2eStore() {
  // A fixed "today" keeps ids, dates and personas identical run to run; order ages are relative to it,
  // and the app compares them with the real clock, so keep it near now (start of the current UTC day).
  const now = new Date(Math.floor(Date.now() / DAY) * DAY);
  return generateStore({ seed: 7, shop: E2E_SHOP, now, products: 48, customers: 160, orders: 600 });
}

export async function sendStore(appUrl: string): Promise<{ deliveries: number; ms: number }> {
  const store = e2eStore();
  const deliveries = recentDeliveries(store, { since: new Date(0) });
  const report = await sendWebhooks(deliveries, { appUrl, shop: E2E_SHOP, secret: E2E_SECRET, concurrency: 8, retries: 6, retryDelayMs: 50 });
  if (report.failed) throw new Error(`e2e seed: ${report.failed}/${report.sent} webhooks were never acknowledged (statuses ${JSON.stringify(report.statuses)})`);
  return { deliveries: report.sent, ms: report.ms };
}
