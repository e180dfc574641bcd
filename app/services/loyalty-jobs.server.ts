/**
 * The loyalty ledger's scheduled work, each pass bounded and idempotent (every entry's key is derived
 * from what caused it, so a rerun, a crash mid-pass or two instances running it write nothing twice):
 * - release: pending points whose return window has ended become spendable (`release:<earn key>`);
 * - reconcile: paid orders, refunds and cancellations the ledger missed (a webhook lost, the program
 *   enabled before a backfill) are applied through the same applyOrderPoints as ingest;
 * - expiry: available points of members inactive for the program's expiryMonths;
 * - birthday: the birthday bonus, once a year and never twice within 365 days.
 * Releases run every minute (a shopper waits for them); the rest hourly.
 */
import { db } from "../db.server";
import { applyOrderPoints, expireInactive, grantBirthdayBonuses, ordersDueForRelease, ordersToReconcile } from "../models/loyalty.server";
import { installedShops } from "../models/shop.server";
import { writeTransaction } from "../models/sql.server";
import { log } from "../utils/log.server";

export interface LoyaltyJobReport {
  released: number;
  reconciled: number;
  expired: number;
  birthdays: number;
}

const BATCH = 200;

/** Applies each order's loyalty in its own transaction; returns how many wrote entries. */
async function applyOrders(shop: string, orderIds: string[], now: Date): Promise<number> {
  let wrote = 0;
  for (const id of orderIds) {
    try {
      const keys = await writeTransaction(db(), (tx) => applyOrderPoints(tx, shop, id, now));
      if (keys.length) wrote++;
    } catch (e) {
      // A concurrent writer (ingest, another instance) got there first: the next pass sees its entries.
      log.warn("loyalty job: order not applied", { shop, order: id, error: (e as Error).message });
    }
  }
  return wrote;
}

export async function releaseDuePoints(shop: string, now = new Date()): Promise<number> {
  return applyOrders(shop, await ordersDueForRelease(db(), shop, now, BATCH), now);
}

export async function reconcileOrders(shop: string, now = new Date()): Promise<number> {
  return applyOrders(shop, await ordersToReconcile(db(), shop, BATCH), now);
}

export async function runLoyaltyJobs(shop: string, now = new Date(), which: { hourly: boolean } = { hourly: true }): Promise<LoyaltyJobReport> {
  const report: LoyaltyJobReport = { released: await releaseDuePoints(shop, now), reconciled: 0, expired: 0, birthdays: 0 };
  if (which.hourly) {
    report.reconciled = await reconcileOrders(shop, now);
    report.expired = (await expireInactive(db(), shop, now, BATCH)).length;
    report.birthdays = (await grantBirthdayBonuses(db(), shop, now, BATCH)).length;
  }
  if (report.released || report.reconciled || report.expired || report.birthdays) log.info("loyalty jobs", { shop, ...report });
  return report;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The background loop (started with the ingest worker). Shops with no program cost one indexed read each. */
export function startLoyaltyJobs(opts: { everyMs?: number; hourlyMs?: number } = {}): { stop: () => Promise<void> } {
  const everyMs = opts.everyMs ?? MINUTE;
  const hourlyMs = opts.hourlyMs ?? HOUR;
  let lastHourly = 0;
  let running: Promise<void> | null = null;
  const pass = async () => {
    const now = new Date();
    const hourly = now.getTime() - lastHourly >= hourlyMs;
    if (hourly) lastHourly = now.getTime();
    for (const shop of await installedShops(db())) {
      try {
        await runLoyaltyJobs(shop, now, { hourly });
      } catch (e) {
        log.error("loyalty jobs failed", { shop, error: (e as Error).message });
      }
    }
  };
  const tick = () => {
    if (running) return;
    running = pass()
      .catch((e) => log.error("loyalty jobs pass failed", { error: (e as Error).message }))
      .finally(() => (running = null));
  };
  const first = setTimeout(tick, Math.min(everyMs, 5_000));
  first.unref();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
