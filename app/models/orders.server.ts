import type { OrderRecord, RefundRecord } from "../ingest/records";
import { upsertCustomer } from "./customers.server";
import { exec, excludedSet, query, ts, valuesList } from "./sql.server";
import { type Applied, type Tx } from "./types";

const ORDER_COLUMNS = [
  "name", "customerId", "currency", "totalCents", "financialStatus", "countryCode", "provinceCode",
  "sourceName", "trafficSource", "test", "shopifyCreatedAt", "shopifyUpdatedAt", "cancelledAt", "updatedAt", "lastPlacement",
  "processedAt", "shippingCents", "taxCents",
];
const LINE_COLUMNS = ["shopId", "id", "orderId", "productId", "variantId", "title", "quantity", "priceCents", "placement", "ruleId", "discountCents"];

/**
 * Applies an order (create/updated/paid/cancelled, or a backfilled one).
 * Rules: a deleted order stays deleted; an older payload never overwrites a newer one; lines are
 * replaced wholesale (order edits remove lines); refunds may arrive before their order, so refunded
 * quantities are always recomputed from the stored refund lines.
 */
export async function upsertOrder(tx: Tx, shop: string, o: OrderRecord, opts: { customerRedacted: boolean }): Promise<Applied> {
  const incomingAt = o.updatedAt ?? o.createdAt;
  const customerId = opts.customerRedacted ? null : o.customerId;
  // One conditional upsert: a tombstone or a newer stored version wins (equal versions re-apply).
  const applied = await query<{ id: string }>(
    tx,
    `INSERT INTO "Order" ("shopId", "id", ${ORDER_COLUMNS.map((c) => `"${c}"`).join(", ")})
     VALUES (${Array(ORDER_COLUMNS.length + 2).fill("?").join(", ")})
     ON CONFLICT ("shopId", "id") DO UPDATE SET ${excludedSet(ORDER_COLUMNS)}
     WHERE "Order"."deletedAt" IS NULL
       AND ("Order"."shopifyUpdatedAt" IS NULL OR excluded."shopifyUpdatedAt" >= "Order"."shopifyUpdatedAt")
     RETURNING "id"`,
    [
      shop, o.id, o.name, customerId, o.currency, o.totalCents, o.financialStatus, o.countryCode,
      opts.customerRedacted ? null : o.provinceCode, o.sourceName, o.trafficSource, o.test,
      ts(o.createdAt), ts(incomingAt), ts(o.cancelledAt), ts(new Date()), o.lastPlacement ?? null,
      ts(o.processedAt ?? null), o.shippingCents ?? null, o.taxCents ?? null,
    ],
  );
  if (!applied.length) {
    const existing = await tx.order.findUnique({ where: { shopId_id: { shopId: shop, id: o.id } }, select: { deletedAt: true } });
    return { outcome: existing?.deletedAt ? "ignored: order was deleted" : "ignored: older than stored", changes: [] };
  }

  const changes: Applied["changes"] = [{ kind: "order", entityId: o.id }];
  if (o.customer && customerId) {
    const c = await upsertCustomer(tx, shop, o.customer);
    changes.push(...c.changes);
  }
  // Lines are replaced wholesale: an order edit can remove lines.
  await exec(tx, `DELETE FROM "OrderLine" WHERE "shopId" = ? AND "orderId" = ?`, [shop, o.id]);
  if (o.lines.length) {
    await exec(
      tx,
      `INSERT INTO "OrderLine" (${LINE_COLUMNS.map((c) => `"${c}"`).join(", ")}) VALUES ${valuesList(o.lines.length, LINE_COLUMNS.length)}`,
      o.lines.flatMap((l) => [shop, l.id, o.id, l.productId, l.variantId, l.title, l.quantity, l.priceCents, l.placement ?? null, l.ruleId ?? null, l.discountCents ?? null]),
    );
  }
  for (const r of o.refunds) await storeRefund(tx, shop, r);
  await recomputeRefunded(tx, shop, o.id);
  return { outcome: "order applied", changes };
}

async function storeRefund(tx: Tx, shop: string, r: RefundRecord) {
  const data = { orderId: r.orderId, amountCents: r.amountCents, shopifyCreatedAt: r.createdAt };
  await tx.refund.upsert({ where: { shopId_id: { shopId: shop, id: r.id } }, create: { shopId: shop, id: r.id, ...data }, update: data });
  for (const l of r.lines) {
    const line = { refundId: r.id, orderId: r.orderId, lineItemId: l.lineItemId, quantity: l.quantity };
    await tx.refundLine.upsert({ where: { shopId_id: { shopId: shop, id: l.id } }, create: { shopId: shop, id: l.id, ...line }, update: line });
  }
}

/** Refunds may arrive before or after their order: always derive refunded units from stored refund lines. */
async function recomputeRefunded(tx: Tx, shop: string, orderId: string) {
  await exec(
    tx,
    `UPDATE "OrderLine" SET "refundedQuantity" = COALESCE((
       SELECT SUM(rl."quantity") FROM "RefundLine" rl WHERE rl."shopId" = "OrderLine"."shopId" AND rl."lineItemId" = "OrderLine"."id"
     ), 0)
     WHERE "shopId" = ? AND "orderId" = ?`,
    [shop, orderId],
  );
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
