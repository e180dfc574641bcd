/**
 * Loyalty members' standings as engines hold them (segment fields loyalty_tier, loyalty_points,
 * loyalty_pending): read-only views of `LoyaltyMember`, whose rows the ledger
 * (app/models/loyalty.server.ts) writes in the transaction of the entries that change them, with a
 * `loyalty` change event that makes engines re-read the member through loadLoyaltyStandingsByIds.
 * And the program's tiers by id and name, for the admin's segment editor.
 */
import type { Id, LoyaltyStanding } from "../engine/types";
import { readQuery as query } from "./sqlite-reader.server";
import type { Tx } from "./types";

/** Rows per page of a full load (keyset on the primary key, as the store loaders do). */
const PAGE = 10_000;
/** Ids per `IN (...)` list. */
const IN_CHUNK = 500;

interface MemberRow {
  customerId: string;
  tierId: string | null;
  points: number | bigint;
  pending: number | bigint;
}

const COLUMNS = `"customerId", "tierId", "points", "pending"`;

const toStanding = (r: MemberRow): LoyaltyStanding => ({ tierId: r.tierId || null, points: Number(r.points), pending: Number(r.pending) });

/** Every member of the shop, by customer id. */
export async function loadLoyaltyStandings(tx: Tx, shop: string): Promise<Map<Id, LoyaltyStanding>> {
  const out = new Map<Id, LoyaltyStanding>();
  let after = "";
  for (;;) {
    const rows = await query<MemberRow>(
      tx,
      `SELECT ${COLUMNS} FROM "LoyaltyMember" WHERE "shopId" = ? AND "customerId" > ? ORDER BY "customerId" LIMIT ${PAGE}`,
      [shop, after],
    );
    for (const r of rows) out.set(r.customerId, toStanding(r));
    if (rows.length < PAGE) return out;
    after = rows[rows.length - 1].customerId;
  }
}

/** The named customers' standings; a customer who is not (or no longer) a member is absent. */
export async function loadLoyaltyStandingsByIds(tx: Tx, shop: string, ids: readonly Id[]): Promise<Map<Id, LoyaltyStanding>> {
  const out = new Map<Id, LoyaltyStanding>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const part = unique.slice(i, i + IN_CHUNK);
    const rows = await query<MemberRow>(
      tx,
      `SELECT ${COLUMNS} FROM "LoyaltyMember" WHERE "shopId" = ? AND "customerId" IN (${part.map(() => "?").join(", ")})`,
      [shop, ...part],
    );
    for (const r of rows) out.set(r.customerId, toStanding(r));
  }
  return out;
}

/**
 * The tiers of the shop's current program version ({id, name}, ascending threshold), so the segment
 * editor offers "Gold" rather than a bare id; [] without a program. The ledger validates a config
 * on write: anything unreadable here is skipped rather than failing the admin page.
 */
export async function loyaltyTiers(tx: Tx, shop: string): Promise<{ id: string; name: string }[]> {
  const rows = await query<{ config: string }>(tx, `SELECT "config" FROM "LoyaltyProgram" WHERE "shopId" = ? ORDER BY "version" DESC LIMIT 1`, [shop]);
  if (!rows.length) return [];
  let tiers: unknown;
  try {
    tiers = (JSON.parse(rows[0].config) as { tiers?: unknown })?.tiers;
  } catch {
    return [];
  }
  if (!Array.isArray(tiers)) return [];
  return tiers.flatMap((t: { id?: unknown; name?: unknown }) =>
    typeof t?.id === "string" && t.id ? [{ id: t.id, name: typeof t.name === "string" && t.name ? t.name : t.id }] : [],
  );
}
