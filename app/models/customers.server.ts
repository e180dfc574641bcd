import type { CustomerRecord } from "../ingest/records";
import { excludedSet, query, ts } from "./sql.server";
import { type Applied, type Tx, json } from "./types";

const CUSTOMER_COLUMNS = ["state", "countryCode", "provinceCode", "tags", "shopifyCreatedAt", "shopifyUpdatedAt", "updatedAt"];

/**
 * One conditional upsert: applies unless the stored row is a tombstone or newer than this payload.
 * (Equal timestamps re-apply: the same version carries the same data.)
 */
export async function upsertCustomer(tx: Tx, shop: string, c: CustomerRecord): Promise<Applied> {
  const rows = await query<{ id: string }>(
    tx,
    `INSERT INTO "Customer" ("shopId", "id", ${CUSTOMER_COLUMNS.map((c) => `"${c}"`).join(", ")})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT ("shopId", "id") DO UPDATE SET ${excludedSet(CUSTOMER_COLUMNS)}
     WHERE "Customer"."deletedAt" IS NULL
       AND ("Customer"."shopifyUpdatedAt" IS NULL OR excluded."shopifyUpdatedAt" IS NULL OR excluded."shopifyUpdatedAt" >= "Customer"."shopifyUpdatedAt")
     RETURNING "id"`,
    [shop, c.id, c.state, c.countryCode, c.provinceCode, json(c.tags), ts(c.createdAt), ts(c.updatedAt), ts(new Date())],
  );
  if (rows.length) return { outcome: "customer applied", changes: [{ kind: "customer", entityId: c.id }] };
  const existing = await tx.customer.findUnique({ where: { shopId_id: { shopId: shop, id: c.id } }, select: { deletedAt: true } });
  return { outcome: existing?.deletedAt ? "ignored: customer was deleted" : "ignored: older than stored", changes: [] };
}

/** customers/delete: the account is gone; keep a data-free tombstone so late updates can't revive it. */
export async function deleteCustomer(tx: Tx, shop: string, id: string): Promise<Applied> {
  const tomb = { state: "deleted", countryCode: null, provinceCode: null, tags: "[]", birthday: null, deletedAt: new Date() };
  await tx.customer.upsert({ where: { shopId_id: { shopId: shop, id } }, create: { shopId: shop, id, ...tomb }, update: tomb });
  return { outcome: "customer deleted", changes: [{ kind: "customer", entityId: id }] };
}


/** Which of these ids are customers of the shop (not deleted), in chunks under the bind-parameter limits. */
export async function knownCustomerIds(tx: Tx, shop: string, ids: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = await query<{ id: string }>(tx, `SELECT "id" FROM "Customer" WHERE "shopId" = ? AND "deletedAt" IS NULL AND "id" IN (${chunk.map(() => "?").join(", ")})`, [shop, ...chunk]);
    for (const r of rows) known.add(r.id);
  }
  return known;
}
