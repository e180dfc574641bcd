/**
 * Where a verified delivery is persisted before Shopify gets its 200.
 * On SQLite under server.mjs, the worker thread is the only writer: the web thread hands each
 * delivery over and waits for the commit, and the writer group-commits everything that arrived in
 * the same tick in one statement. One writer means no lock contention between threads (SQLite's
 * busy handler sleeps synchronously and would stall the web thread's event loop), and group commit
 * turns thousands of tiny transactions into a few hundred larger ones.
 * Elsewhere (PostgreSQL, tests, the dev server) the request inserts directly.
 */
import { db, type Db } from "../db.server";
import { type NewDelivery, enqueue, enqueueMany } from "../models/deliveries.server";
import { ensureShop } from "../models/shop.server";
import { notifyWorker } from "./runtime.server";

declare global {
  /** Set by server.mjs when the worker thread owns SQLite writes. */
  // eslint-disable-next-line no-var
  var __attuneWriter: ((d: NewDelivery) => Promise<boolean>) | undefined;
}

/** Persist one verified delivery (creating its shop on first sight). Resolves once committed: true if new. */
export async function persistDelivery(d: NewDelivery): Promise<boolean> {
  if (global.__attuneWriter) return global.__attuneWriter(d);
  const database = db();
  await ensureShop(database, d.shopId);
  const fresh = await enqueue(database, d);
  if (fresh) notifyWorker();
  return fresh;
}

const MAX_BATCH = 200;

/** The writer side: batches deliveries arriving in one tick into one INSERT. */
export function createGroupWriter(database: Db, onInserted: () => void) {
  let queue: { d: NewDelivery; resolve: (fresh: boolean) => void; reject: (e: Error) => void }[] = [];
  let scheduled = false;

  async function flush() {
    const items = queue.splice(0, MAX_BATCH);
    try {
      for (const shop of new Set(items.map((i) => i.d.shopId))) await ensureShop(database, shop);
      const fresh = await enqueueMany(database, items.map((i) => i.d));
      items.forEach((item, k) => item.resolve(fresh[k]));
      if (fresh.some(Boolean)) onInserted();
    } catch (e) {
      items.forEach((item) => item.reject(e as Error));
    }
    if (queue.length) setImmediate(flush);
    else scheduled = false;
  }

  return (d: NewDelivery) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ d, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
