import type { Prisma, PrismaClient } from "@prisma/client";

/** A Prisma client or an open transaction: model functions work inside the caller's transaction. */
export type Tx = Prisma.TransactionClient | PrismaClient;

/** What applying one record did, for the delivery's outcome column and the change feed. */
export interface Applied {
  outcome: string;
  changes: { kind: ChangeKind; entityId: string }[];
}
/**
 * Everything an engine must see reaches it as one of these events on the change feed
 * (changes.server.ts), appended in the same transaction as the change itself. A follower applies a
 * batch kind by kind in this order: products before the orders that name them, customers and orders
 * before the redactions that look for their ids.
 * - product, customer, order: the entity id; the follower re-reads the row (gone = deleted).
 * - customer_redacted: HMAC(secret, shop + customer id), never the id itself.
 * - signals: a shopper's stored signals changed: `c:<customer>` or `v:<visitor>`.
 * - config: a merchant setting changed (`settings`, `rule:<id>`, `segment:<id>`, `offer:<id>`, ...):
 *   the follower reloads the shop's whole configuration.
 * - loyalty: a points ledger entry (`<customer id>`); the follower re-reads the member's standing
 *   (tier, points, pending: segment fields) from LoyaltyMember.
 */
export const CHANGE_KINDS = ["product", "customer", "order", "customer_redacted", "signals", "config", "loyalty"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const json = (v: unknown) => JSON.stringify(v);
export function parseJsonArray(s: string | null | undefined): string[] {
  if (!s) return [];
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** Strictly older than what we hold (both known)? Then the payload must not overwrite. */
export function isStale(incoming: Date | null | undefined, stored: Date | null | undefined): boolean {
  return Boolean(incoming && stored && incoming.getTime() < stored.getTime());
}

/** A JSON object column (settings); anything else reads as {}. */
export function parseJsonObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
