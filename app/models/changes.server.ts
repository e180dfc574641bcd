/** The change feed engine instances follow (see app/services/engine.server.ts). */
import type { Db } from "../db.server";
import { exec, ts, valuesList } from "./sql.server";
import type { Applied, Tx } from "./types";

export async function appendChanges(tx: Tx, shop: string, changes: Applied["changes"]) {
  if (!changes.length) return;
  const now = ts(new Date());
  await exec(
    tx,
    `INSERT INTO "ChangeEvent" ("shopId", "kind", "entityId", "createdAt") VALUES ${valuesList(changes.length, 4)}`,
    changes.flatMap((c) => [shop, c.kind, c.entityId, now]),
  );
}

export async function changesSince(db: Db, shop: string, afterId: number, limit = 5000) {
  return db.changeEvent.findMany({ where: { shopId: shop, id: { gt: afterId } }, orderBy: { id: "asc" }, take: limit });
}

export async function latestChangeId(db: Db, shop: string): Promise<number> {
  const last = await db.changeEvent.findFirst({ where: { shopId: shop }, orderBy: { id: "desc" }, select: { id: true } });
  return last?.id ?? 0;
}

/** Followers need only recent history; older events are folded into any rebuild. */
export async function pruneChanges(db: Db, olderThan: Date) {
  return db.changeEvent.deleteMany({ where: { createdAt: { lt: olderThan } } });
}
