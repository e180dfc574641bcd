/**
 * Shopper opt-out of personalization (Customer.personalizationOptOut, which the engine honours: an
 * opted-out customer is served as an anonymous visitor). Two writers: the storefront control (the
 * logged-in customer, through the signed app proxy) and the merchant's per-customer toggle. Both
 * append a "customer" change in the same transaction, so every engine reloads that customer.
 */
import { recordAudit } from "./audit.server";
import { appendChanges } from "./changes.server";
import type { Tx } from "./types";

export async function setPersonalizationOptOut(
  tx: Tx,
  shop: string,
  customerId: string,
  optOut: boolean,
  by: { actor: string; source: "admin" | "storefront" },
): Promise<boolean> {
  const r = await tx.customer.updateMany({ where: { shopId: shop, id: customerId, deletedAt: null }, data: { personalizationOptOut: optOut } });
  if (r.count === 0) return false;
  await appendChanges(tx, shop, [{ kind: "customer", entityId: customerId }]);
  if (by.source === "admin") {
    await recordAudit(tx, shop, { actor: by.actor, action: optOut ? "opt_out" : "opt_in", entityType: "customer", entityId: customerId, summary: `${optOut ? "Turned off" : "Turned back on"} personalization for customer ${customerId}` });
  }
  return true;
}

export async function getPersonalizationOptOut(tx: Tx, shop: string, customerId: string): Promise<boolean | null> {
  const c = await tx.customer.findFirst({ where: { shopId: shop, id: customerId, deletedAt: null }, select: { personalizationOptOut: true } });
  return c ? c.personalizationOptOut : null;
}

export async function listCustomersForAdmin(tx: Tx, shop: string, opts: { query?: string; optedOutOnly?: boolean; take?: number }) {
  const q = opts.query?.trim().replace(/^gid:\/\/shopify\/Customer\//, "");
  return tx.customer.findMany({
    where: { shopId: shop, deletedAt: null, ...(q ? { id: { startsWith: q } } : {}), ...(opts.optedOutOnly ? { personalizationOptOut: true } : {}) },
    orderBy: { id: "asc" },
    take: Math.min(opts.take ?? 25, 100),
    select: { id: true, countryCode: true, personalizationOptOut: true, shopifyCreatedAt: true },
  });
}
