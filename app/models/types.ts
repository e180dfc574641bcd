import type { Prisma, PrismaClient } from "@prisma/client";

/** A Prisma client or an open transaction: model functions work inside the caller's transaction. */
export type Tx = Prisma.TransactionClient | PrismaClient;

/** What applying one record did, for the delivery's outcome column and the change feed. */
export interface Applied {
  outcome: string;
  changes: { kind: ChangeKind; entityId: string }[];
}
export type ChangeKind = "order" | "product" | "customer" | "customer_redacted" | "signals" | "config";

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
