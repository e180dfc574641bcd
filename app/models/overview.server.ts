import type { Tx } from "./types";

export async function storeOverview(tx: Tx, shop: string) {
  const [products, customers, orders, backfill, recentDeliveries] = await Promise.all([
    tx.product.count({ where: { shopId: shop, deletedAt: null } }),
    tx.customer.count({ where: { shopId: shop, deletedAt: null } }),
    tx.order.count({ where: { shopId: shop, deletedAt: null } }),
    tx.backfillJob.findUnique({ where: { shopId: shop }, select: { stage: true, status: true, counts: true } }),
    tx.webhookDelivery.findMany({
      where: { shopId: shop },
      orderBy: { seq: "desc" },
      take: 10,
      select: { topic: true, status: true, outcome: true, receivedAt: true },
    }),
  ]);
  return { products, customers, orders, backfill, recentDeliveries };
}
