/**
 * The loyalty points ledger (docs/loyalty.md, "Ledger core API").
 *
 * `LoyaltyEntry` is append-only: every write here is an INSERT of entries, each with an idempotency
 * key unique per shop, plus the `LoyaltyMember` cache updated by exactly the inserted entries' deltas
 * in the same transaction, a `loyalty` change event and the member's outbox rows. A writer first
 * locks the member row (an upsert on PostgreSQL takes the row lock; SQLite serializes writers), then
 * reads balances and existing keys, so two deliveries of one event cannot both apply.
 */
import crypto from "node:crypto";
import type { Db } from "../db.server";
import { earnSnapshot, orderEarns, orderVoided, refundReversal, type EarnSnapshot, type LoyaltyOrder } from "../engine/loyalty/earn";
import { creditSplit, reverseSplit, type Split } from "../engine/loyalty/ledger";
import { parseProgram, previewProgramChange } from "../engine/loyalty/program";
import { memberTier, nextTierOf, windowStart } from "../engine/loyalty/tiers";
import type { EntryKind, LedgerLine, MemberStanding, MemberSummary, ProgramConfig, ProgramPreview, Tier } from "../engine/loyalty/types";
import { recordAudit } from "./audit.server";
import { appendChanges } from "./changes.server";
import { enqueueLoyaltySync, type LoyaltySyncEvent } from "./loyalty-outbox.server";
import type { SaveResult } from "./segments.server";
import { exec, ms, query, ts, valuesList, writeTransaction, type Time } from "./sql.server";
import type { Tx } from "./types";

export type { SaveResult };

export interface StoredProgram {
  version: number;
  config: ProgramConfig;
  createdAt: Date;
}

export interface MemberRow {
  customerId: string;
  points: number;
  pending: number;
  owed: number;
  lifetimePoints: number;
  tierId: string | null;
  tierSince: number | null;
  birthday: string | null;
  birthdaySetAt: number | null;
  lastActivityAt: number | null;
  joinedAt: number;
}

/** An entry to append. Deltas default to 0. */
export interface EntryDraft {
  key: string;
  kind: EntryKind;
  points?: number;
  pending?: number;
  owed?: number;
  earnedPoints?: number;
  spendCents?: number;
  orderId?: string | null;
  sourceId?: string | null;
  programVersion?: number | null;
  rate?: Record<string, unknown> | null;
  availableAt?: Date | null;
  occurredAt?: Date | null;
  reason?: string | null;
  actor?: string | null;
}

const CUSTOMER_ID = /^\d{1,20}$/;
/** Kinds whose earnedPoints/spendCents count toward a tier: points from orders, not bonuses. */
const STANDING_KINDS = ["earn", "reverse"] as const;

// ---------------------------------------------------------------------------------------------
// Program

function programFromRow(row: { version: number | bigint; config: string; createdAt: Time }): StoredProgram | null {
  let raw: unknown;
  try {
    raw = JSON.parse(row.config);
  } catch {
    return null;
  }
  const p = parseProgram(raw);
  return p.ok ? { version: Number(row.version), config: p.value, createdAt: new Date(ms(row.createdAt)) } : null;
}

export async function getProgram(tx: Tx, shop: string): Promise<StoredProgram | null> {
  const rows = await query<{ version: number; config: string; createdAt: Time }>(
    tx,
    `SELECT "version", "config", "createdAt" FROM "LoyaltyProgram" WHERE "shopId" = ? ORDER BY "version" DESC LIMIT 1`,
    [shop],
  );
  return rows[0] ? programFromRow(rows[0]) : null;
}

/**
 * The version in effect at `at` (the newest created at or before it), so an order earns under the
 * rules of when it was placed whatever order its webhooks arrive in. Before the first version: null.
 */
export async function programAt(tx: Tx, shop: string, at: Date): Promise<StoredProgram | null> {
  const rows = await query<{ version: number; config: string; createdAt: Time }>(
    tx,
    `SELECT "version", "config", "createdAt" FROM "LoyaltyProgram" WHERE "shopId" = ? AND "createdAt" <= ? ORDER BY "version" DESC LIMIT 1`,
    [shop, ts(at)],
  );
  return rows[0] ? programFromRow(rows[0]) : null;
}

export async function programVersion(tx: Tx, shop: string, version: number): Promise<StoredProgram | null> {
  const rows = await query<{ version: number; config: string; createdAt: Time }>(
    tx,
    `SELECT "version", "config", "createdAt" FROM "LoyaltyProgram" WHERE "shopId" = ? AND "version" = ?`,
    [shop, version],
  );
  return rows[0] ? programFromRow(rows[0]) : null;
}

/** Every change is a new version; entries keep the version they were earned under. */
export async function saveProgram(db: Db, shop: string, actor: string, config: ProgramConfig, now = new Date()): Promise<SaveResult<{ version: number }>> {
  const parsed = parseProgram(config);
  if (!parsed.ok) {
    const errors: Record<string, string> = {};
    for (const e of parsed.errors) errors[e.path === "(root)" ? "_form" : e.path] ??= e.message;
    return { ok: false, errors };
  }
  return writeTransaction(db, async (tx) => {
    const current = await getProgram(tx, shop);
    if (current && JSON.stringify(current.config) === JSON.stringify(parsed.value)) return { ok: true as const, value: { version: current.version } };
    const version = (current?.version ?? 0) + 1;
    // Never before the current version's time, so "the version in effect at t" stays monotonic.
    const at = new Date(Math.max(now.getTime(), (current?.createdAt.getTime() ?? 0) + 1));
    await exec(tx, `INSERT INTO "LoyaltyProgram" ("shopId", "version", "config", "actor", "createdAt") VALUES (?, ?, ?, ?, ?)`, [
      shop,
      version,
      JSON.stringify(parsed.value),
      actor,
      ts(at),
    ]);
    const was = current?.config.enabled ?? false;
    const verb = !current ? "Created" : was !== parsed.value.enabled ? (parsed.value.enabled ? "Enabled" : "Disabled") : "Updated";
    await recordAudit(tx, shop, { actor, action: current ? "update" : "create", entityType: "loyalty-program", entityId: String(version), summary: `${verb} the loyalty program (version ${version})` });
    // Engines reload the shop's configuration; members' tiers under the new rules are recomputed by
    // the loyalty jobs (bounded per run), each recompute a ledger write of its own.
    await appendChanges(tx, shop, [{ kind: "config", entityId: "loyalty-program" }]);
    return { ok: true as const, value: { version } };
  });
}

// ---------------------------------------------------------------------------------------------
// Members

const MEMBER_COLS = `"customerId", "points", "pending", "owed", "lifetimePoints", "tierId", "tierSince", "birthday", "birthdaySetAt", "lastActivityAt", "joinedAt"`;

type RawMember = Omit<MemberRow, "tierSince" | "birthdaySetAt" | "lastActivityAt" | "joinedAt"> & {
  tierSince: Time;
  birthdaySetAt: Time;
  lastActivityAt: Time;
  joinedAt: Time;
};

function memberFromRow(r: RawMember): MemberRow {
  return {
    customerId: r.customerId,
    points: Number(r.points),
    pending: Number(r.pending),
    owed: Number(r.owed),
    lifetimePoints: Number(r.lifetimePoints),
    tierId: r.tierId ?? null,
    tierSince: r.tierSince == null ? null : ms(r.tierSince),
    birthday: r.birthday ?? null,
    birthdaySetAt: r.birthdaySetAt == null ? null : ms(r.birthdaySetAt),
    lastActivityAt: r.lastActivityAt == null ? null : ms(r.lastActivityAt),
    joinedAt: ms(r.joinedAt),
  };
}

export async function getMember(tx: Tx, shop: string, customerId: string): Promise<MemberRow | null> {
  const rows = await query<RawMember>(tx, `SELECT ${MEMBER_COLS} FROM "LoyaltyMember" WHERE "shopId" = ? AND "customerId" = ?`, [shop, customerId]);
  return rows[0] ? memberFromRow(rows[0]) : null;
}

/**
 * Locks the member row for this transaction and reads it fresh (creating it when `create`). On
 * PostgreSQL the write takes the row lock, so concurrent writers for one member queue here and each
 * sees the balances the previous one committed.
 */
export async function lockMember(tx: Tx, shop: string, customerId: string, now: Date, create: boolean): Promise<MemberRow | null> {
  const at = ts(now);
  const rows = create
    ? await query<RawMember>(
        tx,
        `INSERT INTO "LoyaltyMember" ("shopId", "customerId", "points", "pending", "owed", "lifetimePoints", "joinedAt", "updatedAt")
         VALUES (?, ?, 0, 0, 0, 0, ?, ?)
         ON CONFLICT ("shopId", "customerId") DO UPDATE SET "updatedAt" = excluded."updatedAt"
         RETURNING ${MEMBER_COLS}`,
        [shop, customerId, at, at],
      )
    : await query<RawMember>(tx, `UPDATE "LoyaltyMember" SET "updatedAt" = ? WHERE "shopId" = ? AND "customerId" = ? RETURNING ${MEMBER_COLS}`, [at, shop, customerId]);
  return rows[0] ? memberFromRow(rows[0]) : null;
}

/** Which of these keys the shop's ledger already holds. */
export async function existingKeys(tx: Tx, shop: string, keys: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const rows = await query<{ key: string }>(tx, `SELECT "key" FROM "LoyaltyEntry" WHERE "shopId" = ? AND "key" IN (${chunk.map(() => "?").join(", ")})`, [shop, ...chunk]);
    for (const r of rows) out.add(r.key);
  }
  return out;
}

const newEntryId = () => `le_${crypto.randomBytes(12).toString("base64url")}`;

export interface PostOptions {
  now: Date;
  /** The program the write's tier recompute uses (null: no tiers). */
  program: StoredProgram | null;
  /** The member acted (earned, redeemed, ...): moves the expiry clock. Jobs' own writes do not. */
  activity: boolean;
  events?: LoyaltySyncEvent[];
}

/**
 * Appends entries for a locked member and moves the cache by exactly their deltas, then recomputes the
 * tier (granting a tier's entry reward on first reach), appends the change event and the outbox rows.
 * Every key must be new: the caller checked under the member lock, so a conflict means a concurrent
 * writer the lock did not cover, and the transaction is rolled back rather than half-applied.
 */
export async function postEntries(tx: Tx, shop: string, member: MemberRow, drafts: EntryDraft[], opts: PostOptions): Promise<MemberRow> {
  let m = member;
  const events: LoyaltySyncEvent[] = [...(opts.events ?? [])];
  if (drafts.length) {
    m = await insertEntries(tx, shop, m, drafts, opts);
  }
  const tiered = await refreshTier(tx, shop, m, opts);
  m = tiered.member;
  events.push(...tiered.events);
  if (drafts.length || tiered.events.length || opts.events?.length) {
    await appendChanges(tx, shop, [{ kind: "loyalty", entityId: m.customerId }]);
    await enqueueLoyaltySync(tx, shop, m.customerId, [{ type: "member" }, ...events], opts.now);
  }
  return m;
}

async function insertEntries(tx: Tx, shop: string, m: MemberRow, drafts: EntryDraft[], opts: PostOptions): Promise<MemberRow> {
  const at = ts(opts.now);
  const cols = 19;
  const params = drafts.flatMap((d) => [
    shop,
    newEntryId(),
    d.key,
    m.customerId,
    d.kind,
    d.points ?? 0,
    d.pending ?? 0,
    d.owed ?? 0,
    d.earnedPoints ?? 0,
    d.spendCents ?? 0,
    d.orderId ?? null,
    d.sourceId ?? null,
    d.programVersion ?? null,
    d.rate ? JSON.stringify(d.rate) : null,
    ts(d.availableAt ?? null),
    d.reason ?? null,
    d.actor ?? null,
    at,
    ts(d.occurredAt ?? opts.now),
  ]);
  const inserted = await exec(
    tx,
    `INSERT INTO "LoyaltyEntry" ("shopId", "id", "key", "customerId", "kind", "points", "pending", "owed", "earnedPoints", "spendCents",
       "orderId", "sourceId", "programVersion", "rate", "availableAt", "reason", "actor", "createdAt", "occurredAt")
     VALUES ${valuesList(drafts.length, cols)} ON CONFLICT ("shopId", "key") DO NOTHING`,
    params,
  );
  if (inserted !== drafts.length) throw new Error(`loyalty ledger: ${drafts.length - inserted} of ${drafts.length} entry keys were written concurrently; retry`);
  const sum = (f: (d: EntryDraft) => number | undefined) => drafts.reduce((s, d) => s + (f(d) ?? 0), 0);
  const next = {
    ...m,
    points: m.points + sum((d) => d.points),
    pending: m.pending + sum((d) => d.pending),
    owed: m.owed + sum((d) => d.owed),
    lifetimePoints: m.lifetimePoints + sum((d) => d.earnedPoints),
    lastActivityAt: opts.activity ? opts.now.getTime() : m.lastActivityAt,
  };
  if (next.points < 0 || next.pending < 0 || next.owed < 0) {
    throw new Error(`loyalty ledger: a write would leave ${m.customerId} with points ${next.points}, pending ${next.pending}, owed ${next.owed}`);
  }
  await exec(
    tx,
    `UPDATE "LoyaltyMember" SET "points" = ?, "pending" = ?, "owed" = ?, "lifetimePoints" = ?, "lastActivityAt" = ?, "updatedAt" = ?
     WHERE "shopId" = ? AND "customerId" = ?`,
    [next.points, next.pending, next.owed, next.lifetimePoints, next.lastActivityAt == null ? null : ts(new Date(next.lastActivityAt)), at, shop, m.customerId],
  );
  return next;
}

/** The member's tier-qualifying amounts inside the program's window, summed in SQL. */
async function standing(tx: Tx, shop: string, customerId: string, program: ProgramConfig, now: Date): Promise<number> {
  const [row] = await query<{ spend: number | bigint | null; earned: number | bigint | null }>(
    tx,
    `SELECT SUM("spendCents") AS "spend", SUM("earnedPoints") AS "earned" FROM "LoyaltyEntry"
     WHERE "shopId" = ? AND "customerId" = ? AND "kind" IN (${STANDING_KINDS.map(() => "?").join(", ")})
       AND COALESCE("occurredAt", "createdAt") >= ? AND COALESCE("occurredAt", "createdAt") <= ?`,
    [shop, customerId, ...STANDING_KINDS, ts(new Date(windowStart(program.tierWindow, now))), ts(now)],
  );
  return Math.max(0, Number((program.tierBasis === "spend" ? row?.spend : row?.earned) ?? 0));
}

function tierRank(program: ProgramConfig, id: string | null) {
  return id ? program.tiers.findIndex((t) => t.id === id) : -1;
}

/** Recomputes the member's tier; on first reaching a tier with an entry reward, grants it once. */
async function refreshTier(tx: Tx, shop: string, m: MemberRow, opts: PostOptions): Promise<{ member: MemberRow; events: LoyaltySyncEvent[] }> {
  const program = opts.program?.config;
  let tier: Tier | null = null;
  if (program && program.tiers.length) {
    const amount = await standing(tx, shop, m.customerId, program, opts.now);
    tier = memberTier(program, [{ at: opts.now.getTime(), spendCents: amount, earnedPoints: amount }], opts.now).tier;
  }
  const to = tier?.id ?? null;
  if (to === m.tierId) return { member: m, events: [] };
  await exec(tx, `UPDATE "LoyaltyMember" SET "tierId" = ?, "tierSince" = ? WHERE "shopId" = ? AND "customerId" = ?`, [to, ts(to ? opts.now : null), shop, m.customerId]);
  let member: MemberRow = { ...m, tierId: to, tierSince: to ? opts.now.getTime() : null };
  const events: LoyaltySyncEvent[] = [{ type: "tier_changed", from: m.tierId, to }];
  if (program && tier && program.enabled && tier.entryRewardPoints > 0 && tierRank(program, to) > tierRank(program, m.tierId)) {
    const key = `tier:${m.customerId}:${tier.id}`;
    if (!(await existingKeys(tx, shop, [key])).has(key)) {
      const split = creditSplit(member, tier.entryRewardPoints, "points");
      member = await insertEntries(tx, shop, member, [
        {
          key,
          kind: "bonus",
          ...split,
          earnedPoints: tier.entryRewardPoints,
          sourceId: tier.id,
          programVersion: opts.program!.version,
          rate: { reason: "tier_entry", tierId: tier.id, points: tier.entryRewardPoints },
          reason: `Reached ${tier.name}`,
        },
      ], opts);
    }
  }
  return { member, events };
}

// ---------------------------------------------------------------------------------------------
// Reads

type RawEntry = Omit<LedgerLine, "createdAt"> & { seq: number | bigint; customerId: string; createdAt: Time };

const ENTRY_COLS = `"seq", "id", "key", "customerId", "kind", "points", "pending", "owed", "reason", "orderId", "actor", "createdAt"`;

function lineFromRow(r: RawEntry): LedgerLine & { seq: number; customerId: string } {
  return {
    seq: Number(r.seq),
    customerId: r.customerId,
    id: r.id,
    key: r.key,
    kind: r.kind as EntryKind,
    points: Number(r.points),
    pending: Number(r.pending),
    owed: Number(r.owed),
    reason: r.reason ?? null,
    orderId: r.orderId ?? null,
    actor: r.actor ?? null,
    createdAt: new Date(ms(r.createdAt)).toISOString(),
  };
}

const clampLimit = (n: number, max = 1000) => Math.max(1, Math.min(max, Math.floor(Number.isFinite(n) ? n : 50)));

export async function ledgerRows(tx: Tx, shop: string, q: { customerId?: string; afterSeq?: number; limit: number }): Promise<(LedgerLine & { seq: number; customerId: string })[]> {
  const params: unknown[] = [shop, Math.max(0, Math.floor(q.afterSeq ?? 0))];
  let where = `"shopId" = ? AND "seq" > ?`;
  if (q.customerId) {
    where += ` AND "customerId" = ?`;
    params.push(q.customerId);
  }
  const rows = await query<RawEntry>(tx, `SELECT ${ENTRY_COLS} FROM "LoyaltyEntry" WHERE ${where} ORDER BY "seq" LIMIT ${clampLimit(q.limit, 5000)}`, params);
  return rows.map(lineFromRow);
}

/** When the member's available points expire without further activity (null: never, or none to expire). */
export function nextExpiryOf(m: Pick<MemberRow, "points" | "lastActivityAt" | "joinedAt">, program: ProgramConfig | null): { points: number; at: string } | null {
  if (!program?.expiryMonths || m.points <= 0) return null;
  const d = new Date(m.lastActivityAt ?? m.joinedAt);
  d.setUTCMonth(d.getUTCMonth() + program.expiryMonths);
  return { points: m.points, at: d.toISOString() };
}

export async function memberSummary(tx: Tx, shop: string, customerId: string, opts: { historyLimit?: number; now?: Date } = {}): Promise<MemberSummary | null> {
  const m = await getMember(tx, shop, customerId);
  if (!m) return null;
  const now = opts.now ?? new Date();
  const program = await getProgram(tx, shop);
  const config = program?.config ?? null;
  const tier = config && m.tierId ? config.tiers.find((t) => t.id === m.tierId) ?? null : null;
  let nextTier: MemberSummary["nextTier"] = null;
  if (config && config.tiers.length) {
    const amount = await standing(tx, shop, customerId, config, now);
    nextTier = nextTierOf(config.tiers, tier, amount, config.tierBasis);
  }
  const limit = Math.max(0, Math.min(200, Math.floor(opts.historyLimit ?? 20)));
  const history = limit
    ? (await query<RawEntry>(tx, `SELECT ${ENTRY_COLS} FROM "LoyaltyEntry" WHERE "shopId" = ? AND "customerId" = ? ORDER BY "seq" DESC LIMIT ${limit}`, [shop, customerId])).map((r) => {
        const { seq: _seq, customerId: _c, ...line } = lineFromRow(r);
        return line;
      })
    : [];
  return {
    customerId,
    points: m.points,
    pending: m.pending,
    owed: m.owed,
    tier: tier ? { id: tier.id, name: tier.name } : null,
    nextTier,
    nextExpiry: nextExpiryOf(m, config),
    lifetimePoints: m.lifetimePoints,
    birthday: m.birthday,
    history,
  };
}

/** The benefits of the member's tier (free shipping, early access), for storefront and rules. */
export async function memberTierBenefits(tx: Tx, shop: string, customerId: string): Promise<Tier | null> {
  const m = await getMember(tx, shop, customerId);
  const program = m?.tierId ? await getProgram(tx, shop) : null;
  return program?.config.tiers.find((t) => t.id === m!.tierId) ?? null;
}

export async function listMembers(
  tx: Tx,
  shop: string,
  q: { tierId?: string; search?: string; cursor?: string; limit: number },
): Promise<{ rows: { customerId: string; points: number; pending: number; owed: number; tier: string | null; lifetimePoints: number; lastActivityAt: string | null }[]; next: string | null }> {
  const limit = clampLimit(q.limit, 500);
  const params: unknown[] = [shop];
  let where = `"shopId" = ?`;
  if (q.tierId) {
    where += ` AND "tierId" = ?`;
    params.push(q.tierId);
  }
  const search = q.search?.trim();
  if (search) {
    // Customer ids are digits; a search is a prefix of one (no personal data is kept here to search).
    where += ` AND "customerId" LIKE ?`;
    params.push(`${search.replace(/[^0-9]/g, "")}%`);
  }
  if (q.cursor) {
    where += ` AND "customerId" > ?`;
    params.push(q.cursor);
  }
  const rows = await query<RawMember>(tx, `SELECT ${MEMBER_COLS} FROM "LoyaltyMember" WHERE ${where} ORDER BY "customerId" LIMIT ${limit + 1}`, params);
  const page = rows.slice(0, limit).map(memberFromRow);
  return {
    rows: page.map((m) => ({
      customerId: m.customerId,
      points: m.points,
      pending: m.pending,
      owed: m.owed,
      tier: m.tierId,
      lifetimePoints: m.lifetimePoints,
      lastActivityAt: m.lastActivityAt == null ? null : new Date(m.lastActivityAt).toISOString(),
    })),
    next: rows.length > limit ? page[page.length - 1].customerId : null,
  };
}

/** Every member's dated tier-qualifying activity, for the preview. */
export async function memberStandings(tx: Tx, shop: string): Promise<MemberStanding[]> {
  const members = await query<{ customerId: string; tierId: string | null }>(tx, `SELECT "customerId", "tierId" FROM "LoyaltyMember" WHERE "shopId" = ?`, [shop]);
  const byId = new Map<string, MemberStanding>(members.map((m) => [m.customerId, { customerId: m.customerId, tierId: m.tierId ?? null, activity: [] }]));
  const rows = await query<{ customerId: string; at: Time; spendCents: number; earnedPoints: number }>(
    tx,
    `SELECT "customerId", COALESCE("occurredAt", "createdAt") AS "at", "spendCents", "earnedPoints" FROM "LoyaltyEntry"
     WHERE "shopId" = ? AND "kind" IN (${STANDING_KINDS.map(() => "?").join(", ")}) AND ("spendCents" <> 0 OR "earnedPoints" <> 0)`,
    [shop, ...STANDING_KINDS],
  );
  for (const r of rows) byId.get(r.customerId)?.activity.push({ at: ms(r.at), spendCents: Number(r.spendCents), earnedPoints: Number(r.earnedPoints) });
  return [...byId.values()];
}

export async function programPreview(tx: Tx, shop: string, config: ProgramConfig, now = new Date()): Promise<ProgramPreview> {
  const current = await getProgram(tx, shop);
  return previewProgramChange(await memberStandings(tx, shop), current?.config ?? null, config, now);
}

interface OrderEntryRow {
  customerId: string;
  kind: string;
  key: string;
  points: number;
  pending: number;
  owed: number;
  rate: string | null;
}

/** What an order earned and what was reversed since (the thank-you line, the order-status block). */
export async function pointsForOrder(tx: Tx, shop: string, orderId: string): Promise<{ customerId: string; earned: number; pending: boolean; reversed: number } | null> {
  const rows = await query<OrderEntryRow>(
    tx,
    `SELECT "customerId", "kind", "key", "points", "pending", "owed", "rate" FROM "LoyaltyEntry" WHERE "shopId" = ? AND "orderId" = ? ORDER BY "seq"`,
    [shop, orderId],
  );
  const earn = rows.find((r) => r.kind === "earn");
  if (!earn) return null;
  const amount = (r: OrderEntryRow) => Number((r.rate ? (JSON.parse(r.rate) as { points?: number }).points : 0) ?? 0);
  const reversed = rows.filter((r) => r.kind === "reverse").reduce((s, r) => s + amount(r), 0);
  const stillPending = rows.filter((r) => r.kind !== "expire" && r.kind !== "redeem").reduce((s, r) => s + Number(r.pending), 0);
  return { customerId: earn.customerId, earned: amount(earn), pending: stillPending > 0, reversed };
}

// ---------------------------------------------------------------------------------------------
// Writes from the shopper and the merchant

export type DebitResult = { ok: true; entryId: string; balance: number } | { ok: false; reason: "insufficient" | "not_member" | "program_disabled"; balance: number };

/**
 * Debits a redemption inside the caller's transaction (which also claims the code). The debit is one
 * conditional UPDATE (`points >= n`), so of many concurrent debits against one balance only those it
 * covers succeed, on SQLite and PostgreSQL alike. Idempotent on `key`: a repeat returns the first result.
 */
export async function debitPoints(tx: Tx, shop: string, customerId: string, d: { key: string; points: number; redemptionId: string; rewardId: string }, now = new Date()): Promise<DebitResult> {
  const prior = async (): Promise<DebitResult | null> => {
    const rows = await query<{ id: string; customerId: string }>(tx, `SELECT "id", "customerId" FROM "LoyaltyEntry" WHERE "shopId" = ? AND "key" = ?`, [shop, d.key]);
    if (!rows[0]) return null;
    const m = await getMember(tx, shop, customerId);
    return { ok: true, entryId: rows[0].id, balance: m?.points ?? 0 };
  };
  const first = await prior();
  if (first) return first;
  const points = Math.floor(d.points);
  if (!Number.isSafeInteger(points) || points <= 0) throw new Error(`debitPoints: points must be a positive integer, got ${d.points}`);
  const program = await getProgram(tx, shop);
  if (!program?.config.enabled) return { ok: false, reason: "program_disabled", balance: (await getMember(tx, shop, customerId))?.points ?? 0 };
  const at = ts(now);
  const debited = await exec(
    tx,
    `UPDATE "LoyaltyMember" SET "points" = "points" - ?, "lastActivityAt" = ?, "updatedAt" = ? WHERE "shopId" = ? AND "customerId" = ? AND "points" >= ?`,
    [points, at, at, shop, customerId, points],
  );
  if (debited === 0) {
    const again = await prior(); // a concurrent debit with this key took the points first
    if (again) return again;
    const m = await getMember(tx, shop, customerId);
    return { ok: false, reason: m ? "insufficient" : "not_member", balance: m?.points ?? 0 };
  }
  const entryId = newEntryId();
  const inserted = await exec(
    tx,
    `INSERT INTO "LoyaltyEntry" ("shopId", "id", "key", "customerId", "kind", "points", "sourceId", "programVersion", "rate", "createdAt", "occurredAt")
     VALUES (?, ?, ?, ?, 'redeem', ?, ?, ?, ?, ?, ?) ON CONFLICT ("shopId", "key") DO NOTHING`,
    [shop, entryId, d.key, customerId, -points, d.redemptionId, program.version, JSON.stringify({ rewardId: d.rewardId, points }), at, at],
  );
  if (inserted === 0) {
    // The same key committed between our check and our insert: give the points back, answer as before.
    await exec(tx, `UPDATE "LoyaltyMember" SET "points" = "points" + ? WHERE "shopId" = ? AND "customerId" = ?`, [points, shop, customerId]);
    return (await prior())!;
  }
  const m = (await getMember(tx, shop, customerId))!;
  await appendChanges(tx, shop, [{ kind: "loyalty", entityId: customerId }]);
  await enqueueLoyaltySync(tx, shop, customerId, [{ type: "member" }, { type: "reward_redeemed", rewardId: d.rewardId, points }], now);
  return { ok: true, entryId, balance: m.points };
}

/** A manual correction by a staff member, with a required reason. It never takes the balance below 0. */
export async function adjustPoints(db: Db, shop: string, actor: string, customerId: string, delta: number, reason: string, now = new Date()): Promise<SaveResult<{ balance: number }>> {
  const why = typeof reason === "string" ? reason.trim() : "";
  const errors: Record<string, string> = {};
  if (!CUSTOMER_ID.test(String(customerId ?? ""))) errors.customerId = "Enter a Shopify customer id (digits only).";
  if (!Number.isSafeInteger(delta) || delta === 0) errors.delta = "Enter a whole number of points other than 0.";
  else if (Math.abs(delta) > 10_000_000) errors.delta = "At most 10,000,000 points at a time.";
  if (!why) errors.reason = "A reason is required.";
  else if (why.length > 200) errors.reason = "The reason is at most 200 characters.";
  if (Object.keys(errors).length) return { ok: false, errors };
  return writeTransaction(db, async (tx): Promise<SaveResult<{ balance: number }>> => {
    const m = await lockMember(tx, shop, customerId, now, delta > 0);
    if (!m) return { ok: false as const, errors: { customerId: "This customer is not a loyalty member." } };
    if (delta < 0 && m.points + delta < 0) {
      return { ok: false as const, errors: { delta: `The balance is ${m.points} points; an adjustment cannot take it below 0.` } };
    }
    const split: Split = delta > 0 ? creditSplit(m, delta, "points") : { points: delta, pending: 0, owed: 0 };
    const program = await getProgram(tx, shop);
    const key = `adjust:${crypto.randomUUID()}`;
    // The audit row names the entry, not the customer: audit rows outlive customers/redact, entries don't.
    const after = await postEntries(tx, shop, m, [{ key, kind: "adjust", ...split, reason: why, actor, programVersion: program?.version ?? null }], {
      now,
      program,
      activity: true,
    });
    await recordAudit(tx, shop, { actor, action: "adjust", entityType: "loyalty-entry", entityId: key, summary: `Adjusted a member's points by ${delta > 0 ? "+" : ""}${delta}: ${why}` });
    return { ok: true as const, value: { balance: after.points } };
  });
}

/**
 * Opening balances from another loyalty app. Idempotent (`import:<customerId>`: a second import of a
 * customer is skipped, never added twice); a dry run validates and counts but writes nothing.
 */
export async function importBalances(
  db: Db,
  shop: string,
  actor: string,
  rows: { line: number; customerId: string; points: number }[],
  opts: { dryRun: boolean },
  now = new Date(),
): Promise<{ imported: number; skipped: number; errors: { line: number; message: string }[] }> {
  const errors: { line: number; message: string }[] = [];
  const seen = new Set<string>();
  const valid: { line: number; customerId: string; points: number }[] = [];
  for (const r of rows) {
    const id = String(r.customerId ?? "").trim();
    if (!CUSTOMER_ID.test(id)) errors.push({ line: r.line, message: "customer id must be a Shopify customer id (digits only)" });
    else if (!Number.isSafeInteger(r.points) || r.points < 0) errors.push({ line: r.line, message: "points must be a whole number, 0 or more" });
    else if (r.points > 10_000_000) errors.push({ line: r.line, message: "points is at most 10,000,000" });
    else if (seen.has(id)) errors.push({ line: r.line, message: `customer ${id} appears more than once in the file` });
    else {
      seen.add(id);
      valid.push({ line: r.line, customerId: id, points: r.points });
    }
  }
  let imported = 0;
  let skipped = 0;
  for (let i = 0; i < valid.length; i += 200) {
    const chunk = valid.slice(i, i + 200);
    const done = await writeTransaction(db, async (tx) => {
      const have = await existingKeys(tx, shop, chunk.map((r) => `import:${r.customerId}`));
      const fresh = chunk.filter((r) => !have.has(`import:${r.customerId}`));
      if (opts.dryRun) return fresh.length;
      const program = await getProgram(tx, shop);
      for (const r of fresh) {
        const m = (await lockMember(tx, shop, r.customerId, now, true))!;
        const drafts: EntryDraft[] = r.points
          ? [{ key: `import:${r.customerId}`, kind: "import", ...creditSplit(m, r.points, "points"), earnedPoints: r.points, actor, reason: "Opening balance import", programVersion: program?.version ?? null }]
          : [{ key: `import:${r.customerId}`, kind: "import", actor, reason: "Opening balance import (0 points)" }];
        await postEntries(tx, shop, m, drafts, { now, program, activity: true });
      }
      if (fresh.length) await recordAudit(tx, shop, { actor, action: "import", entityType: "loyalty-member", entityId: "import", summary: `Imported opening balances for ${fresh.length} members` });
      return fresh.length;
    });
    imported += done;
    skipped += chunk.length - done;
  }
  return { imported, skipped, errors };
}

const MMDD = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function validBirthday(s: unknown): s is string {
  if (typeof s !== "string" || !MMDD.test(s)) return false;
  const [mm, dd] = s.split("-").map(Number);
  return dd <= DAYS_IN_MONTH[mm - 1];
}

/**
 * Stores the shopper's birthday ("MM-DD"). Editing it is allowed; the birthday bonus job grants at
 * most once per 12 months whatever the date says, so an edit cannot earn a second bonus.
 */
export async function setBirthday(db: Db, shop: string, customerId: string, mmdd: string, now = new Date()): Promise<SaveResult<{ birthday: string }>> {
  if (!CUSTOMER_ID.test(String(customerId ?? ""))) return { ok: false, errors: { customerId: "Unknown customer." } };
  if (!validBirthday(mmdd)) return { ok: false, errors: { birthday: "Enter a date as MM-DD, e.g. 04-23." } };
  return writeTransaction(db, async (tx) => {
    const program = await getProgram(tx, shop);
    if (!program?.config.enabled) return { ok: false as const, errors: { _form: "The loyalty program is not enabled." } };
    const m = (await lockMember(tx, shop, customerId, now, true))!;
    const changed = m.birthday !== mmdd;
    if (changed) await exec(tx, `UPDATE "LoyaltyMember" SET "birthday" = ?, "birthdaySetAt" = ? WHERE "shopId" = ? AND "customerId" = ?`, [mmdd, ts(now), shop, customerId]);
    // A new member gets their tier now, not at their first earn.
    await postEntries(tx, shop, { ...m, birthday: mmdd }, [], { now, program, activity: false, events: changed ? [{ type: "member" }] : [] });
    return { ok: true as const, value: { birthday: mmdd } };
  });
}

/** Sums of a member's entries, to check the cache against (tests and the nightly reconciliation). */
export async function entrySums(tx: Tx, shop: string, customerId: string): Promise<{ points: number; pending: number; owed: number; lifetimePoints: number }> {
  const [r] = await query<{ p: number | bigint | null; pe: number | bigint | null; o: number | bigint | null; e: number | bigint | null }>(
    tx,
    `SELECT SUM("points") AS "p", SUM("pending") AS "pe", SUM("owed") AS "o", SUM("earnedPoints") AS "e" FROM "LoyaltyEntry" WHERE "shopId" = ? AND "customerId" = ?`,
    [shop, customerId],
  );
  return { points: Number(r?.p ?? 0), pending: Number(r?.pe ?? 0), owed: Number(r?.o ?? 0), lifetimePoints: Number(r?.e ?? 0) };
}

// ---------------------------------------------------------------------------------------------
// Orders: earn, refunds, cancellation (called from the ingest apply path and the reconciliation)

export async function hasProgram(tx: Tx, shop: string): Promise<boolean> {
  const rows = await query<{ one: number }>(tx, `SELECT 1 AS "one" FROM "LoyaltyProgram" WHERE "shopId" = ? LIMIT 1`, [shop]);
  return rows.length > 0;
}

/** The stored order, its lines and refunds, as the ledger reads them. */
export async function loyaltyOrder(tx: Tx, shop: string, orderId: string): Promise<(LoyaltyOrder & { cancelledAt: number | null }) | null> {
  const [o] = await query<{
    id: string; customerId: string | null; financialStatus: string | null; cancelledAt: Time; deletedAt: Time; test: unknown;
    processedAt: Time; shopifyCreatedAt: Time; totalCents: number; shippingCents: number | null; taxCents: number | null;
  }>(
    tx,
    `SELECT "id", "customerId", "financialStatus", "cancelledAt", "deletedAt", "test", "processedAt", "shopifyCreatedAt", "totalCents", "shippingCents", "taxCents"
     FROM "Order" WHERE "shopId" = ? AND "id" = ?`,
    [shop, orderId],
  );
  if (!o) return null;
  const lines = await query<{ id: string; quantity: number; priceCents: number; discountCents: number | null }>(
    tx,
    `SELECT "id", "quantity", "priceCents", "discountCents" FROM "OrderLine" WHERE "shopId" = ? AND "orderId" = ? ORDER BY "id"`,
    [shop, orderId],
  );
  const refunds = await query<{ id: string; at: Time }>(tx, `SELECT "id", "shopifyCreatedAt" AS "at" FROM "Refund" WHERE "shopId" = ? AND "orderId" = ? ORDER BY "id"`, [shop, orderId]);
  const refundLines = await query<{ refundId: string; lineItemId: string; quantity: number }>(
    tx,
    `SELECT "refundId", "lineItemId", "quantity" FROM "RefundLine" WHERE "shopId" = ? AND "orderId" = ? ORDER BY "id"`,
    [shop, orderId],
  );
  return {
    id: o.id,
    customerId: o.customerId ?? null,
    financialStatus: o.financialStatus ?? null,
    cancelled: o.cancelledAt != null,
    cancelledAt: o.cancelledAt == null ? null : ms(o.cancelledAt),
    deleted: o.deletedAt != null,
    test: o.test === true || o.test === 1,
    at: ms(o.processedAt ?? o.shopifyCreatedAt),
    totalCents: Number(o.totalCents),
    shippingCents: o.shippingCents == null ? null : Number(o.shippingCents),
    taxCents: o.taxCents == null ? null : Number(o.taxCents),
    lines: lines.map((l) => ({ id: l.id, quantity: Number(l.quantity), priceCents: Number(l.priceCents), discountCents: l.discountCents == null ? null : Number(l.discountCents) })),
    refunds: refunds.map((r) => ({
      id: r.id,
      at: ms(r.at),
      lines: refundLines.filter((l) => l.refundId === r.id).map((l) => ({ lineItemId: l.lineItemId, quantity: Number(l.quantity) })),
    })),
  };
}

interface OrderLedgerRow {
  key: string;
  kind: string;
  customerId: string;
  points: number;
  pending: number;
  owed: number;
  spendCents: number;
  rate: string | null;
}

const DAY = 86_400_000;

/**
 * Brings an order's ledger entries up to date with its stored state, whatever order its webhooks
 * arrived in: the earn (once the order is paid and the program in effect at the order's time was
 * enabled), a reversal per stored refund, the cancellation of whatever is left, and the release of
 * pending points whose time has come. Each entry's key comes from its source, so a repeat writes
 * nothing. Returns the keys written.
 */
export async function applyOrderPoints(tx: Tx, shop: string, orderId: string, now = new Date()): Promise<string[]> {
  if (!(await hasProgram(tx, shop))) return [];
  const o = await loyaltyOrder(tx, shop, orderId);
  if (!o) return []; // a refund before its order: the order's arrival writes both
  const orderRows = () =>
    query<OrderLedgerRow>(tx, `SELECT "key", "kind", "customerId", "points", "pending", "owed", "spendCents", "rate" FROM "LoyaltyEntry" WHERE "shopId" = ? AND "orderId" = ? ORDER BY "seq"`, [shop, orderId]);
  let rows = await orderRows();
  let earn = rows.find((r) => r.kind === "earn");
  const program = await programAt(tx, shop, new Date(o.at));
  if (!earn && !(orderEarns(o) && program?.config.enabled)) return [];
  const customerId = earn?.customerId ?? o.customerId!;
  const member = await lockMember(tx, shop, customerId, now, true);
  rows = await orderRows(); // re-read under the member lock: a concurrent delivery may have written
  earn = rows.find((r) => r.kind === "earn");
  let m = member!;
  const have = new Set(rows.map((r) => r.key));
  const drafts: EntryDraft[] = [];
  let bal = { points: m.points, pending: m.pending, owed: m.owed };
  let orderPending = rows.reduce((s, r) => s + Number(r.pending), 0);
  const push = (d: EntryDraft) => {
    drafts.push(d);
    bal = { points: bal.points + (d.points ?? 0), pending: bal.pending + (d.pending ?? 0), owed: bal.owed + (d.owed ?? 0) };
    orderPending += d.pending ?? 0;
  };
  let snap: EarnSnapshot;
  let earnKey = `earn:${orderId}`;
  let availableAt: number | null = null;
  if (earn) {
    snap = JSON.parse(earn.rate ?? "{}") as EarnSnapshot;
    earnKey = earn.key;
  } else {
    const cfg = program!.config;
    const standingAt = new Date(o.at);
    const amount = cfg.tiers.length ? await standing(tx, shop, customerId, cfg, standingAt) : 0;
    const tier = cfg.tiers.length ? memberTier(cfg, [{ at: o.at, spendCents: amount, earnedPoints: amount }], standingAt).tier : null;
    snap = earnSnapshot(o, cfg, program!.version, tier);
    availableAt = cfg.pendingDays > 0 ? o.at + cfg.pendingDays * DAY : null;
    push({
      key: earnKey,
      kind: "earn",
      ...creditSplit(bal, snap.points, availableAt ? "pending" : "points"),
      earnedPoints: snap.points,
      spendCents: snap.basisCents,
      orderId,
      programVersion: snap.programVersion,
      rate: snap as unknown as Record<string, unknown>,
      availableAt: availableAt ? new Date(availableAt) : null,
      occurredAt: new Date(o.at),
    });
  }
  let reversed = rows.filter((r) => r.kind === "reverse").reduce((s, r) => s + Number((JSON.parse(r.rate ?? "{}") as { points?: number }).points ?? 0), 0);
  let spendReversed = -rows.filter((r) => r.kind === "reverse").reduce((s, r) => s + Number(r.spendCents), 0);
  const reverse = (key: string, amount: number, spend: number, at: number, sourceId: string | null, why: string) => {
    const pts = Math.max(0, Math.min(amount, snap.points - reversed));
    const cents = Math.max(0, Math.min(spend, snap.basisCents - spendReversed));
    reversed += pts;
    spendReversed += cents;
    push({
      key,
      kind: "reverse",
      ...reverseSplit(bal, pts, orderPending),
      earnedPoints: -pts,
      spendCents: -cents,
      orderId,
      sourceId,
      programVersion: snap.programVersion,
      rate: { points: pts, of: earnKey, pointsPerUnit: snap.pointsPerUnit, multiplier: snap.multiplier, why },
      occurredAt: new Date(at),
    });
  };
  for (const r of o.refunds) {
    const key = `refund:${r.id}`;
    if (have.has(key)) continue;
    const rev = refundReversal(snap, r.lines);
    reverse(key, rev.points, rev.spendCents, r.at, r.id, "refund");
  }
  if (orderVoided(o) && !have.has(`cancel:${orderId}`)) {
    reverse(`cancel:${orderId}`, snap.points - reversed, snap.basisCents - spendReversed, o.cancelledAt ?? o.at, null, o.deleted ? "deleted" : "cancelled");
  }
  const earnAvailableAt = availableAt ?? (earn ? await earnAvailableAtOf(tx, shop, earnKey) : null);
  if (earnAvailableAt != null && earnAvailableAt <= now.getTime() && !have.has(`release:${earnKey}`)) {
    const move = Math.max(0, Math.min(orderPending, bal.pending));
    const split = creditSplit(bal, move, "points");
    push({ key: `release:${earnKey}`, kind: "release", points: split.points, owed: split.owed, pending: -move, orderId, sourceId: earnKey, occurredAt: new Date(earnAvailableAt) });
  }
  if (!drafts.length) return [];
  const current = await getProgram(tx, shop);
  const earned = drafts.find((d) => d.kind === "earn");
  m = await postEntries(tx, shop, m, drafts, {
    now,
    program: current,
    activity: Boolean(earned),
    events: earned && snap.points > 0 ? [{ type: "points_earned", points: snap.points, orderId }] : [],
  });
  return drafts.map((d) => d.key);
}

async function earnAvailableAtOf(tx: Tx, shop: string, key: string): Promise<number | null> {
  const [r] = await query<{ availableAt: Time }>(tx, `SELECT "availableAt" FROM "LoyaltyEntry" WHERE "shopId" = ? AND "key" = ?`, [shop, key]);
  return r?.availableAt == null ? null : ms(r.availableAt);
}

/** customers/create while the program is enabled: the sign-up bonus, once. */
export async function grantSignupBonus(tx: Tx, shop: string, customerId: string, createdAt: Date | null, now = new Date()): Promise<string[]> {
  if (!CUSTOMER_ID.test(customerId) || !(await hasProgram(tx, shop))) return [];
  const at = createdAt ?? now;
  const program = await programAt(tx, shop, at);
  if (!program?.config.enabled || program.config.signupBonus <= 0) return [];
  const key = `signup:${customerId}`;
  const m = (await lockMember(tx, shop, customerId, now, true))!;
  if ((await existingKeys(tx, shop, [key])).has(key)) return [];
  const bonus = program.config.signupBonus;
  await postEntries(tx, shop, m, [{ key, kind: "bonus", ...creditSplit(m, bonus, "points"), earnedPoints: bonus, programVersion: program.version, rate: { reason: "signup", points: bonus }, reason: "Sign-up bonus", occurredAt: at }], {
    now,
    program: await getProgram(tx, shop),
    activity: true,
  });
  return [key];
}

// ---------------------------------------------------------------------------------------------
// Background jobs' reads and writes (app/services/loyalty-jobs.server.ts runs them, bounded per pass)

const PAID_STATUSES = ["paid", "partially_refunded", "refunded"];

/** Orders whose earn entry's pending points are due (availableAt <= now) and not yet released, oldest first. */
export async function ordersDueForRelease(tx: Tx, shop: string, now: Date, limit: number): Promise<string[]> {
  const rows = await query<{ orderId: string }>(
    tx,
    `SELECT e."orderId" FROM "LoyaltyEntry" e
     WHERE e."shopId" = ? AND e."kind" = 'earn' AND e."pending" > 0 AND e."availableAt" <= ? AND e."orderId" IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM "LoyaltyEntry" r WHERE r."shopId" = e."shopId" AND r."key" = 'release:' || e."key")
     ORDER BY e."availableAt" LIMIT ${Math.max(1, Math.floor(limit))}`,
    [shop, ts(now)],
  );
  return rows.map((r) => r.orderId);
}

/**
 * Nightly reconciliation's candidates: paid orders of customers since the program first existed with
 * no earn entry, earned orders with a stored refund that has no reversal, and cancelled earned orders
 * with no cancellation entry. applyOrderPoints decides what each is owed; it is idempotent.
 */
export async function ordersToReconcile(tx: Tx, shop: string, limit: number): Promise<string[]> {
  const n = Math.max(1, Math.floor(limit));
  const [first] = await query<{ at: Time }>(tx, `SELECT MIN("createdAt") AS "at" FROM "LoyaltyProgram" WHERE "shopId" = ?`, [shop]);
  if (first?.at == null) return [];
  const missingEarn = await query<{ id: string }>(
    tx,
    `SELECT o."id" FROM "Order" o
     WHERE o."shopId" = ? AND o."customerId" IS NOT NULL AND o."test" = ? AND o."shopifyCreatedAt" >= ?
       AND LOWER(COALESCE(o."financialStatus", '')) IN (${PAID_STATUSES.map(() => "?").join(", ")})
       AND NOT EXISTS (SELECT 1 FROM "LoyaltyEntry" e WHERE e."shopId" = o."shopId" AND e."key" = 'earn:' || o."id")
     ORDER BY o."shopifyCreatedAt" LIMIT ${n}`,
    [shop, false, ts(new Date(ms(first.at))), ...PAID_STATUSES],
  );
  const missingReversal = await query<{ id: string }>(
    tx,
    `SELECT DISTINCT f."orderId" AS "id" FROM "Refund" f
     WHERE f."shopId" = ?
       AND EXISTS (SELECT 1 FROM "LoyaltyEntry" e WHERE e."shopId" = f."shopId" AND e."key" = 'earn:' || f."orderId")
       AND NOT EXISTS (SELECT 1 FROM "LoyaltyEntry" r WHERE r."shopId" = f."shopId" AND r."key" = 'refund:' || f."id")
     LIMIT ${n}`,
    [shop],
  );
  const missingCancel = await query<{ id: string }>(
    tx,
    `SELECT o."id" FROM "Order" o
     WHERE o."shopId" = ? AND o."cancelledAt" IS NOT NULL
       AND EXISTS (SELECT 1 FROM "LoyaltyEntry" e WHERE e."shopId" = o."shopId" AND e."key" = 'earn:' || o."id")
       AND NOT EXISTS (SELECT 1 FROM "LoyaltyEntry" c WHERE c."shopId" = o."shopId" AND c."key" = 'cancel:' || o."id")
     LIMIT ${n}`,
    [shop],
  );
  return [...new Set([...missingEarn, ...missingReversal, ...missingCancel].map((r) => r.id))].slice(0, n);
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Expires the available points of members with no activity for `expiryMonths` (key
 * `expire:<customer>:<day the points fell due>`, so a rerun writes nothing). Pending points are not
 * spendable yet and do not expire. Returns the keys written.
 */
export async function expireInactive(db: Db, shop: string, now: Date, limit: number): Promise<string[]> {
  const program = await getProgram(db, shop);
  const months = program?.config.enabled ? program.config.expiryMonths : null;
  if (!months) return [];
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const due = await query<{ customerId: string }>(
    db,
    `SELECT "customerId" FROM "LoyaltyMember" WHERE "shopId" = ? AND "points" > 0 AND COALESCE("lastActivityAt", "joinedAt") <= ?
     ORDER BY COALESCE("lastActivityAt", "joinedAt") LIMIT ${Math.max(1, Math.floor(limit))}`,
    [shop, ts(cutoff)],
  );
  const written: string[] = [];
  for (const { customerId } of due) {
    const key = await writeTransaction(db, async (tx) => {
      const m = await lockMember(tx, shop, customerId, now, false);
      if (!m || m.points <= 0) return null;
      const dueAt = new Date(m.lastActivityAt ?? m.joinedAt);
      dueAt.setUTCMonth(dueAt.getUTCMonth() + months);
      if (dueAt.getTime() > now.getTime()) return null; // active again since the read
      const k = `expire:${customerId}:${day(dueAt)}`;
      if ((await existingKeys(tx, shop, [k])).has(k)) return null;
      await postEntries(tx, shop, m, [{ key: k, kind: "expire", points: -m.points, programVersion: program!.version, rate: { expiryMonths: months }, reason: `No activity for ${months} months`, occurredAt: dueAt }], {
        now,
        program,
        activity: false,
      });
      return k;
    });
    if (key) written.push(key);
  }
  return written;
}

/**
 * Birthday bonuses for members whose birthday (MM-DD, UTC) is today: once per calendar year by key,
 * and never twice within 365 days whatever the birthday is edited to. Returns the keys written.
 */
export async function grantBirthdayBonuses(db: Db, shop: string, now: Date, limit: number): Promise<string[]> {
  const program = await getProgram(db, shop);
  const bonus = program?.config.enabled ? program.config.birthdayBonus : 0;
  if (!bonus) return [];
  const today = now.toISOString().slice(5, 10);
  // 29 February birthdays are celebrated on 28 February in years without one.
  const leap = new Date(Date.UTC(now.getUTCFullYear(), 1, 29)).getUTCMonth() === 1;
  const days = !leap && today === "02-28" ? ["02-28", "02-29"] : [today];
  const year = now.getUTCFullYear();
  const rows = await query<{ customerId: string }>(
    db,
    `SELECT m."customerId" FROM "LoyaltyMember" m WHERE m."shopId" = ? AND m."birthday" IN (${days.map(() => "?").join(", ")})
       AND NOT EXISTS (SELECT 1 FROM "LoyaltyEntry" e WHERE e."shopId" = m."shopId" AND e."key" = 'birthday:' || m."customerId" || ':' || ?)
     LIMIT ${Math.max(1, Math.floor(limit))}`,
    [shop, ...days, String(year)],
  );
  const written: string[] = [];
  for (const { customerId } of rows) {
    const key = await writeTransaction(db, async (tx) => {
      const m = await lockMember(tx, shop, customerId, now, false);
      if (!m) return null;
      const k = `birthday:${customerId}:${year}`;
      const [last] = await query<{ at: Time }>(
        tx,
        `SELECT MAX("createdAt") AS "at" FROM "LoyaltyEntry" WHERE "shopId" = ? AND "customerId" = ? AND "kind" = 'bonus' AND "key" LIKE ?`,
        [shop, customerId, `birthday:${customerId}:%`],
      );
      if (last?.at != null && now.getTime() - ms(last.at) < 365 * DAY) return null;
      if ((await existingKeys(tx, shop, [k])).has(k)) return null;
      await postEntries(tx, shop, m, [{ key: k, kind: "bonus", ...creditSplit(m, bonus, "points"), earnedPoints: bonus, programVersion: program!.version, rate: { reason: "birthday", points: bonus }, reason: "Birthday bonus" }], {
        now,
        program,
        activity: true,
      });
      return k;
    });
    if (key) written.push(key);
  }
  return written;
}
