/**
 * Mandatory compliance topics: export, redact a customer, erase a shop.
 * Redaction anonymizes orders (they are the merchant's sales record and feed anonymous
 * co-purchase statistics) and deletes everything else that names the customer.
 */
import { query } from "./sql.server";
import type { Tx } from "./types";
import { parseJsonArray } from "./types";

export async function isRedacted(tx: Tx, shop: string, hash: string): Promise<boolean> {
  const rows = await query<{ one: number }>(tx, `SELECT 1 AS "one" FROM "Redaction" WHERE "shopId" = ? AND "customerHash" = ?`, [shop, hash]);
  return rows.length > 0;
}

export async function redactCustomer(tx: Tx, shop: string, customerId: string, orderIds: string[], hash: string) {
  const orders = await tx.order.findMany({
    where: { shopId: shop, OR: [{ customerId }, { id: { in: orderIds } }] },
    select: { id: true },
  });
  await tx.order.updateMany({
    where: { shopId: shop, id: { in: orders.map((o) => o.id) } },
    data: { customerId: null, provinceCode: null },
  });
  await tx.customer.deleteMany({ where: { shopId: shop, id: customerId } });
  await tx.browsingEvent.deleteMany({ where: { shopId: shop, customerId } });
  await tx.quizResponse.deleteMany({ where: { shopId: shop, customerId } });
  await tx.dataRequest.deleteMany({ where: { shopId: shop, customerId } });
  await tx.changeEvent.deleteMany({ where: { shopId: shop, kind: "customer", entityId: customerId } });
  await tx.changeEvent.deleteMany({ where: { shopId: shop, kind: "signals", entityId: `c:${customerId}` } });
  // The points ledger names the customer: all of it goes (the one exception to "append-only").
  await tx.loyaltyEntry.deleteMany({ where: { shopId: shop, customerId } });
  await tx.loyaltyMember.deleteMany({ where: { shopId: shop, customerId } });
  await tx.redemption.deleteMany({ where: { shopId: shop, customerId } });
  await tx.loyaltyOutbox.deleteMany({ where: { shopId: shop, customerId } });
  await tx.loyaltySyncState.deleteMany({ where: { shopId: shop, customerId } });
  await tx.changeEvent.deleteMany({ where: { shopId: shop, kind: "loyalty", entityId: customerId } });
  await tx.redaction.upsert({
    where: { shopId_customerHash: { shopId: shop, customerHash: hash } },
    create: { shopId: shop, customerHash: hash },
    update: {},
  });
  return {
    outcome: `customer redacted; ${orders.length} orders anonymized`,
    changes: [
      ...orders.map((o) => ({ kind: "order" as const, entityId: o.id })),
      { kind: "customer_redacted" as const, entityId: hash },
    ],
  };
}

/** Everything Attune holds about one customer, as the merchant hands it to them. */
export async function exportCustomerData(tx: Tx, shop: string, customerId: string, orderIds: string[]) {
  const customer = await tx.customer.findUnique({ where: { shopId_id: { shopId: shop, id: customerId } } });
  const orders = await tx.order.findMany({
    where: { shopId: shop, deletedAt: null, OR: [{ customerId }, { id: { in: orderIds } }] },
    orderBy: { shopifyCreatedAt: "asc" },
  });
  const lines = await tx.orderLine.findMany({ where: { shopId: shop, orderId: { in: orders.map((o) => o.id) } } });
  const events = await tx.browsingEvent.findMany({ where: { shopId: shop, customerId }, orderBy: { createdAt: "asc" } });
  const quiz = await tx.quizResponse.findMany({ where: { shopId: shop, customerId } });
  const member = await tx.loyaltyMember.findUnique({ where: { shopId_customerId: { shopId: shop, customerId } } });
  const entries = await tx.loyaltyEntry.findMany({ where: { shopId: shop, customerId }, orderBy: { seq: "asc" } });
  const redemptions = await tx.redemption.findMany({ where: { shopId: shop, customerId }, orderBy: { createdAt: "asc" } });
  return {
    shop,
    customerId,
    generatedAt: new Date().toISOString(),
    note: "Attune stores no names, email addresses, phone numbers or street addresses.",
    profile: customer && {
      state: customer.state,
      countryCode: customer.countryCode,
      provinceCode: customer.provinceCode,
      tags: parseJsonArray(customer.tags),
      birthday: customer.birthday,
      personalizationOptOut: customer.personalizationOptOut,
    },
    orders: orders.map((o) => ({
      id: o.id,
      name: o.name,
      createdAt: o.shopifyCreatedAt.toISOString(),
      totalCents: o.totalCents,
      currency: o.currency,
      countryCode: o.countryCode,
      trafficSource: o.trafficSource,
      lines: lines
        .filter((l) => l.orderId === o.id)
        .map((l) => ({ productId: l.productId, title: l.title, quantity: l.quantity, refundedQuantity: l.refundedQuantity, priceCents: l.priceCents })),
    })),
    browsing: events.map((e) => ({ kind: e.kind, productId: e.productId, at: e.createdAt.toISOString() })),
    quizAnswers: quiz.map((q) => ({ quizId: q.quizId, answers: JSON.parse(q.answers), at: q.createdAt.toISOString() })),
    loyalty: member && {
      points: member.points,
      pending: member.pending,
      owed: member.owed,
      lifetimePoints: member.lifetimePoints,
      tierId: member.tierId,
      birthday: member.birthday,
      joinedAt: member.joinedAt.toISOString(),
      ledger: entries.map((e) => ({ key: e.key, kind: e.kind, points: e.points, pending: e.pending, owed: e.owed, orderId: e.orderId, reason: e.reason, at: e.createdAt.toISOString() })),
      redemptions: redemptions.map((r) => ({ id: r.id, rewardId: r.rewardId, code: r.code, points: r.points, at: r.createdAt.toISOString() })),
    },
  };
}

export async function recordDataRequest(tx: Tx, shop: string, customerId: string, requestId: string | null, orderIds: string[]) {
  const data = await exportCustomerData(tx, shop, customerId, orderIds);
  await tx.dataRequest.create({
    data: { shopId: shop, customerId, requestId, completedAt: new Date(), export: JSON.stringify(data) },
  });
  return { outcome: `data export ready (${data.orders.length} orders)`, changes: [] };
}

export async function listDataRequests(tx: Tx, shop: string) {
  return tx.dataRequest.findMany({ where: { shopId: shop }, orderBy: { requestedAt: "desc" }, select: { id: true, customerId: true, requestId: true, requestedAt: true, completedAt: true } });
}

export async function getDataRequest(tx: Tx, shop: string, id: string) {
  return tx.dataRequest.findFirst({ where: { shopId: shop, id } });
}

/** shop/redact: every row the shop owns, in every table. */
export async function deleteShopData(tx: Tx, shop: string) {
  const where = { shopId: shop };
  const counts = await Promise.all([
    tx.orderLine.deleteMany({ where }),
    tx.refundLine.deleteMany({ where }),
    tx.refund.deleteMany({ where }),
    tx.order.deleteMany({ where }),
    tx.variant.deleteMany({ where }),
    tx.product.deleteMany({ where }),
    tx.customer.deleteMany({ where }),
    tx.changeEvent.deleteMany({ where }),
    tx.redaction.deleteMany({ where }),
    tx.dataRequest.deleteMany({ where }),
    tx.backfillJob.deleteMany({ where }),
    tx.segment.deleteMany({ where }),
    tx.rule.deleteMany({ where }),
    tx.browsingEvent.deleteMany({ where }),
    tx.quizResponse.deleteMany({ where }),
    tx.auditLog.deleteMany({ where }),
    tx.offer.deleteMany({ where }),
    tx.webhookDelivery.deleteMany({ where }),
    tx.loyaltyEntry.deleteMany({ where }),
    tx.loyaltyMember.deleteMany({ where }),
    tx.loyaltyProgram.deleteMany({ where }),
    tx.loyaltyReward.deleteMany({ where }),
    tx.rewardCode.deleteMany({ where }),
    tx.redemption.deleteMany({ where }),
    tx.loyaltyOutbox.deleteMany({ where }),
    tx.loyaltySyncState.deleteMany({ where }),
    tx.loyaltySyncShop.deleteMany({ where }),
    tx.session.deleteMany({ where: { shop } }),
    tx.shop.deleteMany({ where: { id: shop } }),
  ]);
  return { outcome: `shop erased (${counts.reduce((s, c) => s + c.count, 0)} rows)`, changes: [] };
}
