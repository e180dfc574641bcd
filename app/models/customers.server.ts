import type { CustomerRecord } from "../ingest/records";
import { type Applied, type Tx, isStale, json } from "./types";

export async function upsertCustomer(tx: Tx, shop: string, c: CustomerRecord): Promise<Applied> {
  const existing = await tx.customer.findUnique({
    where: { shopId_id: { shopId: shop, id: c.id } },
    select: { shopifyUpdatedAt: true, deletedAt: true },
  });
  if (existing?.deletedAt) return { outcome: "ignored: customer was deleted", changes: [] };
  if (isStale(c.updatedAt, existing?.shopifyUpdatedAt)) return { outcome: "ignored: older than stored", changes: [] };
  const data = {
    state: c.state,
    countryCode: c.countryCode,
    provinceCode: c.provinceCode,
    tags: json(c.tags),
    shopifyCreatedAt: c.createdAt,
    shopifyUpdatedAt: c.updatedAt,
  };
  await tx.customer.upsert({
    where: { shopId_id: { shopId: shop, id: c.id } },
    create: { shopId: shop, id: c.id, ...data },
    update: data,
  });
  return { outcome: existing ? "customer updated" : "customer created", changes: [{ kind: "customer", entityId: c.id }] };
}

/** customers/delete: the account is gone; keep a data-free tombstone so late updates can't revive it. */
export async function deleteCustomer(tx: Tx, shop: string, id: string): Promise<Applied> {
  const tomb = { state: "deleted", countryCode: null, provinceCode: null, tags: "[]", birthday: null, deletedAt: new Date() };
  await tx.customer.upsert({ where: { shopId_id: { shopId: shop, id } }, create: { shopId: shop, id, ...tomb }, update: tomb });
  return { outcome: "customer deleted", changes: [{ kind: "customer", entityId: id }] };
}
