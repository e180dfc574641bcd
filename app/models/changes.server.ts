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



/**
 * Followers need only recent history: an engine whose cursor falls behind the oldest kept event
 * rebuilds from the tables (app/services/engine.server.ts), so old events can go.
 */
export async function pruneChanges(db: Db, olderThan: Date) {
  return db.changeEvent.deleteMany({ where: { createdAt: { lt: olderThan } } });
}
