/**
 * The merchant-readable audit log: every admin write records who (the session token's `sub`) and
 * when, in the same transaction as the write, so a change and its record stand or fall together.
 */
import type { Tx } from "./types";

export interface AuditEntry {
  /** Staff member: the admin session token's `sub`; "demo" in demo mode. */
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  /** Plain language for the merchant; never personal data. */
  summary: string;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  createdAt: Date;
}

export async function recordAudit(tx: Tx, shop: string, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({ data: { shopId: shop, ...entry, summary: entry.summary.slice(0, 500) } });
}

export async function listAudit(tx: Tx, shop: string, opts: { limit?: number; before?: number; entityType?: string } = {}): Promise<AuditRecord[]> {
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  return tx.auditLog.findMany({
    where: { shopId: shop, ...(opts.entityType ? { entityType: opts.entityType } : {}), ...(opts.before ? { id: { lt: opts.before } } : {}) },
    orderBy: { id: "desc" },
    take: limit,
    select: { id: true, actor: true, action: true, entityType: true, entityId: true, summary: true, createdAt: true },
  });
}
