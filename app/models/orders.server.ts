import type { OrderRecord, RefundRecord } from "../ingest/records";
import { upsertCustomer } from "./customers.server";
import { type Applied, type Tx, isStale } from "./types";

/**
 * Applies an order (create/updated/paid/cancelled, or a backfilled one).
 * Rules: a deleted order stays deleted; an older payload never overwrites a newer one; lines are
 * replaced wholesale (order edits remove lines); refunds may arrive before their order, so refunded
 * quantities are always recomputed from the stored refund lines.
 */
export async function upsertOrder(tx: Tx, shop: string, o: OrderRecord, opts: { customerRedacted: boolean }): Promise<Applied> {
  const existing = await tx.order.findUnique({
    where: { shopId_id: { shopId: shop, id: o.id } },
    select: { shopifyUpdatedAt: true, deletedAt: true },
  });
  if (existing?.deletedAt) return { outcome: "ignored: order was deleted", changes: [] };
  const incomingAt = o.updatedAt ?? o.createdAt;
  if (isStale(incomingAt, existing?.shopifyUpdatedAt)) return { outcome: "ignored: older than stored", changes: [] };

  const changes: Applied["changes"] = [{ kind: "order", entityId: o.id }];
  const customerId = opts.customerRedacted ? null : o.customerId;
  if (o.customer && customerId) {
    const c = await upsertCustomer(tx, shop, o.customer);
    changes.push(...c.changes);
  }
  const data = {
    name: o.name,
    customerId,
    currency: o.currency,
    totalCents: o.totalCents,
    financialStatus: o.financialStatus,
    countryCode: o.countryCode,
    provinceCode: opts.customerRedacted ? null : o.provinceCode,
    sourceName: o.sourceName,
    trafficSource: o.trafficSource,
    test: o.test,
    shopifyCreatedAt: o.createdAt,
    shopifyUpdatedAt: incomingAt,
    cancelledAt: o.cancelledAt,
  };
  await tx.order.upsert({ where: { shopId_id: { shopId: shop, id: o.id } }, create: { shopId: shop, id: o.id, ...data }, update: data });
  await tx.orderLine.deleteMany({ where: { shopId: shop, orderId: o.id } });
  if (o.lines.length) {
    await tx.orderLine.createMany({
      data: o.lines.map((l) => ({ shopId: shop, id: l.id, orderId: o.id, productId: l.productId, variantId: l.variantId, title: l.title, quantity: l.quantity, priceCents: l.priceCents })),
    });
  }
  for (const r of o.refunds) await storeRefund(tx, shop, r);
  await recomputeRefunded(tx, shop, o.id);
  return { outcome: existing ? "order updated" : "order created", changes };
}

async function storeRefund(tx: Tx, shop: string, r: RefundRecord) {
  const data = { orderId: r.orderId, amountCents: r.amountCents, shopifyCreatedAt: r.createdAt };
  await tx.refund.upsert({ where: { shopId_id: { shopId: shop, id: r.id } }, create: { shopId: shop, id: r.id, ...data }, update: data });
  for (const l of r.lines) {
    const line = { refundId: r.id, orderId: r.orderId, lineItemId: l.lineItemId, quantity: l.quantity };
    await tx.refundLine.upsert({ where: { shopId_id: { shopId: shop, id: l.id } }, create: { shopId: shop, id: l.id, ...line }, update: line });
  }
}

async function recomputeRefunded(tx: Tx, shop: string, orderId: string) {
  const sums = await tx.refundLine.groupBy({ by: ["lineItemId"], where: { shopId: shop, orderId }, _sum: { quantity: true } });
  for (const s of sums) {
    await tx.orderLine.updateMany({ where: { shopId: shop, id: s.lineItemId }, data: { refundedQuantity: s._sum.quantity ?? 0 } });
  }
}

export async function applyRefund(tx: Tx, shop: string, r: RefundRecord): Promise<Applied> {
  const known = await tx.refund.findUnique({ where: { shopId_id: { shopId: shop, id: r.id } }, select: { id: true } });
  await storeRefund(tx, shop, r);
  await recomputeRefunded(tx, shop, r.orderId);
  return { outcome: known ? "refund already recorded" : "refund recorded", changes: [{ kind: "order", entityId: r.orderId }] };
}

/** orders/delete: drop the lines, keep a tombstone so a late orders/updated cannot resurrect it. */
export async function deleteOrder(tx: Tx, shop: string, id: string): Promise<Applied> {
  await tx.orderLine.deleteMany({ where: { shopId: shop, orderId: id } });
  const tomb = { customerId: null, countryCode: null, provinceCode: null, totalCents: 0, deletedAt: new Date() };
  await tx.order.upsert({
    where: { shopId_id: { shopId: shop, id } },
    create: { shopId: shop, id, shopifyCreatedAt: new Date(0), ...tomb },
    update: tomb,
  });
  return { outcome: "order deleted", changes: [{ kind: "order", entityId: id }] };
}
