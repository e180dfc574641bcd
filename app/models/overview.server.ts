import { IMPORT_STAGES, type ImportProgress } from "../utils/admin-shared";
import { parseJsonObject, type Tx } from "./types";

export { IMPORT_STAGES, type ImportProgress };

export function importProgress(job: { status: string; stage: string; counts: string; error: string | null; finishedAt?: Date | null } | null): ImportProgress {
  if (!job) return { status: "not_started", stage: "products", counts: { products: 0, customers: 0, orders: 0 }, percent: 0, error: null, finishedAt: null };
  const raw = parseJsonObject(job.counts);
  const counts = { products: Number(raw.products) || 0, customers: Number(raw.customers) || 0, orders: Number(raw.orders) || 0 };
  const stageIndex = job.stage === "done" ? 3 : Math.max(0, IMPORT_STAGES.indexOf(job.stage as never));
  const status = (["pending", "running", "done", "failed"].includes(job.status) ? job.status : "pending") as ImportProgress["status"];
  return { status, stage: job.stage, counts, percent: status === "done" ? 100 : Math.round((stageIndex / 3) * 100), error: job.error, finishedAt: job.finishedAt ?? null };
}

export async function storeOverview(tx: Tx, shop: string) {
  const since = new Date();
  since.setUTCHours(0, 0, 0, 0);
  const [products, customers, orders, backfill, recentDeliveries, rules, activeRules, offers, viewsToday, optedOut] = await Promise.all([
    tx.product.count({ where: { shopId: shop, deletedAt: null } }),
    tx.customer.count({ where: { shopId: shop, deletedAt: null } }),
    tx.order.count({ where: { shopId: shop, deletedAt: null } }),
    tx.backfillJob.findUnique({ where: { shopId: shop }, select: { stage: true, status: true, counts: true, error: true, finishedAt: true } }),
    tx.webhookDelivery.findMany({
      where: { shopId: shop },
      orderBy: { seq: "desc" },
      take: 10,
      select: { topic: true, status: true, outcome: true, receivedAt: true },
    }),
    tx.rule.count({ where: { shopId: shop } }),
    tx.rule.count({ where: { shopId: shop, enabled: true } }),
    tx.offer.count({ where: { shopId: shop, status: "active" } }),
    tx.browsingEvent.count({ where: { shopId: shop, createdAt: { gte: since } } }),
    tx.customer.count({ where: { shopId: shop, personalizationOptOut: true, deletedAt: null } }),
  ]);
  return { products, customers, orders, import: importProgress(backfill), recentDeliveries, rules, activeRules, offers, viewsToday, optedOut };
}
