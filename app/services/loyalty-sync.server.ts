/**
 * Loyalty sync to Shopify: drains the loyalty outbox (app/models/loyalty-outbox.server.ts) in the
 * background, so the theme, Shopify Email, Flow and Klaviyo see a member's points within a minute.
 *
 * - Coalesced per member: however many ledger writes a member had since the last drain, their
 *   metafields are written once, with the member's *current* state read from LoyaltyMember (the
 *   outbox rows only say "this member changed"), and their tier tag is set once.
 * - App-owned customer metafields in `$app:loyalty` (docs/loyalty.md, "Sync to Shopify"), five per
 *   member, five members per `metafieldsSet` (Shopify takes at most 25 metafields per call). Every value
 *   is written with `compareDigest` (the digest Shopify returned for our last write, kept in
 *   LoyaltySyncState; null = "must not exist yet"): a write that lost a race is refused, and then we
 *   re-read Shopify's digests and our member state and write again, so a stale value never wins.
 * - The tier as a customer tag `attune-tier-<tier id>` with `tagsAdd` / `tagsRemove` (never by setting
 *   `tags`, which would overwrite other apps' and the merchant's tags), many customers per request.
 * - Flow triggers (extensions/attune-flow-*) with `flowTriggerReceive`, one per ledger event.
 * - Rate limit: every response's `extensions.cost.throttleStatus` feeds a per-shop estimate of the
 *   leaky bucket, and a call waits until the bucket holds its cost; THROTTLED answers are retried by
 *   the Admin client after the wait the bucket needs. Outages and other transient failures put the
 *   rows back with exponential backoff (`retryOutbox`); only a permanent refusal (Shopify's userErrors
 *   for a deleted customer, say) marks a row failed, and a failed row stays in the table with its reason.
 * - Never on the request path: the ledger only enqueues inside its transaction.
 */
import { type Db, db as appDb } from "../db.server";
import {
  type MemberSyncRow,
  type OutboxRow,
  type SyncState,
  claimOutbox,
  completeOutbox,
  definitionsCreatedAt,
  failOutbox,
  markDefinitionsCreated,
  membersForSync,
  pendingOutboxCount,
  retryOutbox,
  saveSyncStates,
  syncStates,
} from "../models/loyalty-outbox.server";
import { getProgram, nextExpiryOf } from "../models/loyalty.server";
import type { ProgramConfig } from "../engine/loyalty/types";
import { offlineAccessToken } from "../models/shop.server";
import { type AdminClient, type AdminClientOptions, AdminApiError, type QueryCost, createAdminClient } from "../shopify/admin-api/client.server";
import {
  LOYALTY_DIGESTS_BATCH,
  LOYALTY_FLOW_TRIGGER,
  LOYALTY_METAFIELD_DEFINITION_CREATE,
  LOYALTY_METAFIELD_DIGESTS,
  LOYALTY_METAFIELDS_SET,
  LOYALTY_TAGS_BATCH,
  METAFIELDS_DELETE,
  METAFIELDS_SET_LIMIT,
  type LoyaltyDigestsResult,
  type LoyaltyMetafieldsSetResult,
  type UserErrorsPayload,
  tagsBatchDocument,
} from "../shopify/admin-api/documents";
import { log } from "../utils/log.server";

/* ---------------------------------------------------------------- what is written */

export const LOYALTY_NAMESPACE = "$app:loyalty";

/**
 * The customer metafield definitions (created once per shop). Storefront PUBLIC_READ lets the theme's
 * Liquid and the Storefront API read them; customer accounts READ lets account extensions; admin
 * MERCHANT_READ (the only read level app-owned definitions take) shows them to the merchant and to
 * Shopify's own tools (Flow, segments: adminFilterable), while only Attune can write them.
 */
export const LOYALTY_METAFIELDS = [
  { key: "points", name: "Loyalty points", type: "number_integer", description: "Spendable loyalty points" },
  { key: "pending_points", name: "Loyalty pending points", type: "number_integer", description: "Points earned but not yet spendable (return window)" },
  { key: "tier", name: "Loyalty tier", type: "single_line_text_field", description: "The member's tier name (absent when none)" },
  { key: "next_expiry_date", name: "Loyalty points expiry date", type: "date", description: "When the points next expire without activity (absent when they do not)" },
  { key: "next_expiry_points", name: "Loyalty points expiring", type: "number_integer", description: "How many points expire on the expiry date" },
] as const;
export type LoyaltyMetafieldKey = (typeof LOYALTY_METAFIELDS)[number]["key"];
export const MEMBERS_PER_METAFIELDS_CALL = Math.floor(METAFIELDS_SET_LIMIT / LOYALTY_METAFIELDS.length);

export const FLOW_HANDLES = {
  tier_changed: "attune-tier-changed",
  points_earned: "attune-points-earned",
  reward_redeemed: "attune-reward-redeemed",
} as const;
/** We keep Flow payloads far below Shopify's documented limit (1 MB). */
export const FLOW_PAYLOAD_MAX_BYTES = 50_000;

/** `attune-tier-<id>`: lower case, letters, digits and hyphens. */
export function tierTag(tierId: string): string {
  const slug = tierId.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return `attune-tier-${slug || "tier"}`.slice(0, 255);
}
const TIER_TAG_PREFIX = "attune-tier-";

const customerGid = (id: string) => `gid://shopify/Customer/${id}`;
const idOfGid = (gid: string | undefined) => (gid ? (/\/(\d+)$/.exec(gid)?.[1] ?? null) : null);

/** What sync needs of the current program version (tier and reward names in program order). */
export interface ProgramForSync {
  config: ProgramConfig | null;
  tiers: Map<string, string>;
  rewards: Map<string, string>;
}
export function programForSync(config: ProgramConfig | null): ProgramForSync {
  return {
    config,
    tiers: new Map((config?.tiers ?? []).map((t) => [t.id, t.name])),
    rewards: new Map((config?.rewards ?? []).map((r) => [r.id, r.title])),
  };
}

/** The metafield values for a member's current state; null = the metafield should not exist. */
export function memberMetafieldValues(m: MemberSyncRow | undefined, program: ProgramForSync): Record<LoyaltyMetafieldKey, string | null> {
  const points = m?.points ?? 0;
  // The ledger's own rule (memberSummary shows the same date to the shopper).
  const expiry = m ? nextExpiryOf({ points, lastActivityAt: m.lastActivityAt ? new Date(m.lastActivityAt).getTime() : null, joinedAt: new Date(m.joinedAt).getTime() }, program.config) : null;
  return {
    points: String(points),
    pending_points: String(m?.pending ?? 0),
    tier: m?.tierId ? (program.tiers.get(m.tierId) ?? m.tierId).replace(/[\r\n]+/g, " ") : null,
    next_expiry_date: expiry ? expiry.at.slice(0, 10) : null,
    next_expiry_points: expiry ? String(expiry.points) : null,
  };
}

/** The Flow trigger for an outbox `flow` row, named by its extension's handle. */
export function flowTrigger(payload: unknown, customerId: string, m: MemberSyncRow | undefined, program: ProgramForSync): { handle: string; payload: Record<string, unknown> } | null {
  const e = (payload ?? {}) as Record<string, unknown>;
  // Customer ids exceed 2^53: sent as a string of digits, never a JSON number that would round.
  const base = { customer_id: customerId };
  const balance = m?.points ?? 0;
  const tierName = (id: unknown) => (typeof id === "string" && id ? (program.tiers.get(id) ?? id) : "");
  if (e.type === "tier_changed") {
    const order = [...program.tiers.keys()];
    const from = typeof e.from === "string" ? order.indexOf(e.from) : -1;
    const to = typeof e.to === "string" ? order.indexOf(e.to) : -1;
    return {
      handle: FLOW_HANDLES.tier_changed,
      payload: { ...base, "previous tier": tierName(e.from), "new tier": tierName(e.to), direction: to > from ? "up" : to < from ? "down" : "none", "points balance": balance },
    };
  }
  if (e.type === "points_earned") {
    return {
      handle: FLOW_HANDLES.points_earned,
      payload: { ...base, "points earned": Math.trunc(Number(e.points) || 0), "points balance": balance, "pending points": m?.pending ?? 0, "order id": typeof e.orderId === "string" ? e.orderId : "" },
    };
  }
  if (e.type === "reward_redeemed") {
    const rewardId = typeof e.rewardId === "string" ? e.rewardId : "";
    return {
      handle: FLOW_HANDLES.reward_redeemed,
      payload: { ...base, "reward id": rewardId, "reward title": program.rewards.get(rewardId) ?? rewardId, "points spent": Math.trunc(Number(e.points) || 0), "points balance": balance },
    };
  }
  return null;
}

/* ---------------------------------------------------------------- rate limit */

/** A per-shop estimate of Shopify's leaky bucket, corrected by every response's throttleStatus. */
export class BucketPacer {
  maximumAvailable = 2000;
  restoreRate = 100;
  private available = 2000;
  private at = Date.now();
  calls = 0;
  throttled = 0;
  points = 0;

  observe(cost: QueryCost | undefined, throttled: boolean) {
    this.calls++;
    if (throttled) this.throttled++;
    const t = cost?.throttleStatus;
    if (t) {
      this.maximumAvailable = t.maximumAvailable;
      this.restoreRate = t.restoreRate;
      this.available = t.currentlyAvailable;
      this.at = Date.now();
    }
    if (typeof cost?.actualQueryCost === "number") this.points += cost.actualQueryCost;
  }

  /** Milliseconds until the bucket holds `cost` points (0 = now); reserves them. */
  reserve(cost: number): number {
    const now = Date.now();
    this.available = Math.min(this.maximumAvailable, this.available + ((now - this.at) / 1000) * this.restoreRate);
    this.at = now;
    const need = Math.min(cost, this.maximumAvailable) - this.available;
    this.available -= cost;
    return need > 0 ? Math.ceil((need / this.restoreRate) * 1000) : 0;
  }
}

/* ---------------------------------------------------------------- the drain */

export interface SyncOptions {
  db?: Db;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Extra Admin client options (tests: the simulator's origin). */
  client?: Partial<AdminClientOptions>;
  /** Rows claimed per drain. */
  maxRows?: number;
  /** How long claimed rows stay leased to this drainer. */
  leaseMs?: number;
  /** Shops synced at once (each has its own bucket). */
  concurrency?: number;
  /** Per-shop bucket estimates, kept across drains. */
  pacers?: Map<string, BucketPacer>;
}

export interface SyncReport {
  rows: number;
  members: number;
  calls: number;
  throttled: number;
  conflicts: number;
  retried: number;
  failed: number;
}

const TRANSIENT = new Set(["RETRIES_EXHAUSTED", "THROTTLED", "MAX_COST_EXCEEDED"]);
/** Attempts before a row is given up: with the backoff capped at an hour, about a day of outage. */
export const SYNC_MAX_ATTEMPTS = 30;
const CONFLICT_ROUNDS = 3;
const defaultPacers = new Map<string, BucketPacer>();
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function retryDelayMs(attempts: number): number {
  const base = Math.min(3_600_000, 15_000 * 2 ** Math.min(attempts, 20));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function isTransient(e: unknown): boolean {
  if (e instanceof AdminApiError) return TRANSIENT.has(e.code) || (e.status ?? 0) >= 500 || e.status === 429;
  // Network errors the client did not classify, timeouts: try again later.
  return e instanceof TypeError || /ECONN|ETIMEDOUT|fetch failed|socket/i.test(String((e as Error)?.message));
}

/** Thrown inside a shop's sync when Shopify is unreachable: the shop's remaining rows wait. */
class ShopUnavailable extends Error {}

export async function drainLoyaltySync(opts: SyncOptions = {}): Promise<SyncReport> {
  const db = opts.db ?? appDb();
  const now = opts.now?.() ?? new Date();
  const report: SyncReport = { rows: 0, members: 0, calls: 0, throttled: 0, conflicts: 0, retried: 0, failed: 0 };
  const rows = await claimOutbox(db, opts.maxRows ?? 2000, new Date(now.getTime() + (opts.leaseMs ?? 600_000)), now);
  report.rows = rows.length;
  if (!rows.length) return report;
  const byShop = new Map<string, OutboxRow[]>();
  for (const r of rows) {
    const list = byShop.get(r.shopId);
    if (list) list.push(r);
    else byShop.set(r.shopId, [r]);
  }
  const shops = [...byShop.keys()];
  const workers = Array.from({ length: Math.min(opts.concurrency ?? 4, shops.length) }, async () => {
    for (let shop = shops.shift(); shop; shop = shops.shift()) {
      await new ShopSync(db, shop, byShop.get(shop)!, opts, report).run();
    }
  });
  await Promise.all(workers);
  return report;
}

/** One shop's share of a drain. */
class ShopSync {
  private client!: AdminClient;
  private pacer: BucketPacer;
  private sleep: (ms: number) => Promise<void>;
  private program: ProgramForSync = programForSync(null);
  private members = new Map<string, MemberSyncRow>();
  private states = new Map<string, SyncState>();
  private done: number[] = [];

  constructor(
    private db: Db,
    private shop: string,
    private rows: OutboxRow[],
    private opts: SyncOptions,
    private report: SyncReport,
  ) {
    const pacers = opts.pacers ?? defaultPacers;
    this.pacer = pacers.get(shop) ?? new BucketPacer();
    pacers.set(shop, this.pacer);
    this.sleep = opts.sleep ?? defaultSleep;
  }

  async run() {
    const token = await offlineAccessToken(this.db, this.shop);
    if (!token) {
      await this.fail(this.rows, "no offline session for the shop (not installed): nothing to sync to");
      return;
    }
    this.client = this.makeClient(token);
    const customerIds = [...new Set(this.rows.map((r) => r.customerId))];
    this.report.members += customerIds.length;
    const before = { calls: this.pacer.calls, throttled: this.pacer.throttled };
    try {
      await this.ensureDefinitions();
      this.program = programForSync((await getProgram(this.db, this.shop))?.config ?? null);
      this.members = await membersForSync(this.db, this.shop, customerIds);
      this.states = await syncStates(this.db, this.shop, customerIds);
      await this.syncMetafields(this.rows.filter((r) => r.kind === "metafields"));
      await this.syncTags(this.rows.filter((r) => r.kind === "tags"));
      await this.syncFlow(this.rows.filter((r) => r.kind === "flow"));
    } catch (e) {
      const done = new Set(this.done);
      const left = this.rows.filter((r) => !done.has(r.id) && !this.settled.has(r.id));
      if (!(e instanceof ShopUnavailable) && !isTransient(e)) log.error("loyalty sync failed", { shop: this.shop, error: (e as Error).message });
      await this.retry(left, (e as Error).message);
    } finally {
      await completeOutbox(this.db, this.done);
      this.report.calls += this.pacer.calls - before.calls;
      this.report.throttled += this.pacer.throttled - before.throttled;
    }
  }

  /** Rows already retried or failed (not to be touched again in this drain). */
  private settled = new Set<number>();

  private makeClient(token: string): AdminClient {
    const pacer = this.pacer;
    const base = this.opts.client?.fetch ?? fetch;
    const observed: typeof fetch = async (input, init) => {
      const res = await base(input, init);
      try {
        const body = (await res.clone().json()) as { errors?: { extensions?: { code?: string } }[]; extensions?: { cost?: QueryCost } };
        pacer.observe(body?.extensions?.cost, Array.isArray(body?.errors) && body.errors.some((x) => x?.extensions?.code === "THROTTLED"));
      } catch {
        pacer.observe(undefined, false);
      }
      return res;
    };
    return createAdminClient(this.shop, token, { maxAttempts: 6, sleep: this.sleep, ...this.opts.client, fetch: observed });
  }

  /** A call within the bucket; Shopify unreachable -> ShopUnavailable (the rest waits for the backoff). */
  private async call<T>(document: string, variables: Record<string, unknown>, cost: number): Promise<T> {
    const wait = this.pacer.reserve(cost);
    if (wait > 0) await this.sleep(wait);
    try {
      return await this.client.request<T>(document, variables);
    } catch (e) {
      if (isTransient(e)) throw new ShopUnavailable((e as Error).message);
      throw e;
    }
  }

  private async ensureDefinitions() {
    if (await definitionsCreatedAt(this.db, this.shop)) return;
    for (const d of LOYALTY_METAFIELDS) {
      const res = await this.call<{ metafieldDefinitionCreate: UserErrorsPayload | null }>(
        LOYALTY_METAFIELD_DEFINITION_CREATE,
        {
          definition: {
            namespace: LOYALTY_NAMESPACE,
            key: d.key,
            name: d.name,
            description: d.description,
            type: d.type,
            ownerType: "CUSTOMER",
            access: { admin: "MERCHANT_READ", storefront: "PUBLIC_READ", customerAccount: "READ" },
            capabilities: { adminFilterable: { enabled: true } },
          },
        },
        10,
      );
      // TAKEN: it exists already (an earlier, interrupted run): creating is idempotent.
      const errors = (res.metafieldDefinitionCreate?.userErrors ?? []).filter((x) => x.code !== "TAKEN");
      if (errors.length) throw new Error(`metafield definition ${d.key}: ${errors.map((x) => x.message).join("; ")}`);
    }
    await markDefinitionsCreated(this.db, this.shop);
  }

  private async refreshMembers(ids: string[]) {
    const fresh = await membersForSync(this.db, this.shop, ids);
    for (const id of ids) {
      const m = fresh.get(id);
      if (m) this.members.set(id, m);
      else this.members.delete(id);
    }
  }

  private state(id: string): SyncState {
    let s = this.states.get(id);
    if (!s) this.states.set(id, (s = { customerId: id, digests: {}, tierTag: null }));
    return s;
  }

  /** Re-reads Shopify's current digests for these members (after a compareDigest conflict). */
  private async rereadDigests(ids: string[]) {
    for (let i = 0; i < ids.length; i += LOYALTY_DIGESTS_BATCH) {
      const chunk = ids.slice(i, i + LOYALTY_DIGESTS_BATCH);
      const res = await this.call<LoyaltyDigestsResult>(LOYALTY_METAFIELD_DIGESTS, { ids: chunk.map(customerGid), namespace: LOYALTY_NAMESPACE }, chunk.length * 13);
      const seen = new Map<string, Record<string, string>>();
      for (const n of res.nodes ?? []) {
        const id = idOfGid(n?.id);
        if (id) seen.set(id, Object.fromEntries((n?.metafields?.nodes ?? []).map((m) => [m.key, m.compareDigest])));
      }
      for (const id of chunk) this.state(id).digests = seen.get(id) ?? {};
    }
  }

  private async syncMetafields(rows: OutboxRow[]) {
    const byMember = new Map<string, OutboxRow[]>();
    for (const r of rows) byMember.set(r.customerId, [...(byMember.get(r.customerId) ?? []), r]);
    const ids = [...byMember.keys()];
    for (let i = 0; i < ids.length; i += MEMBERS_PER_METAFIELDS_CALL) {
      const batch = ids.slice(i, i + MEMBERS_PER_METAFIELDS_CALL);
      const outcome = await this.writeMetafieldBatch(batch);
      const rowsOf = (set: Set<string>) => [...set].flatMap((id) => byMember.get(id) ?? []);
      this.done.push(...rowsOf(outcome.ok).map((r) => r.id));
      await this.fail(rowsOf(new Set(outcome.failed.keys())), [...outcome.failed.values()][0] ?? "");
      await this.retry(rowsOf(outcome.later), "compareDigest conflicts kept recurring");
      await saveSyncStates(this.db, this.shop, batch.map((id) => this.state(id)));
    }
  }

  private async writeMetafieldBatch(batch: string[]) {
    const ok = new Set<string>();
    const failed = new Map<string, string>();
    let pending = [...batch];
    for (let round = 0; round < CONFLICT_ROUNDS && pending.length; round++) {
      const inputs: { member: string; input: Record<string, unknown> }[] = [];
      const deletes: { member: string; key: string }[] = [];
      for (const id of pending) {
        const values = memberMetafieldValues(this.members.get(id), this.program);
        const digests = this.state(id).digests;
        for (const d of LOYALTY_METAFIELDS) {
          const value = values[d.key];
          if (value === null) {
            if (digests[d.key]) deletes.push({ member: id, key: d.key });
            continue;
          }
          inputs.push({ member: id, input: { ownerId: customerGid(id), namespace: LOYALTY_NAMESPACE, key: d.key, type: d.type, value, compareDigest: digests[d.key] ?? null } });
        }
      }
      const res = await this.call<LoyaltyMetafieldsSetResult>(LOYALTY_METAFIELDS_SET, { metafields: inputs.map((x) => x.input) }, 10);
      const errors = res.metafieldsSet?.userErrors ?? [];
      if (!errors.length) {
        for (const m of res.metafieldsSet?.metafields ?? []) {
          const id = idOfGid(m.owner?.id);
          if (id) this.state(id).digests[m.key] = m.compareDigest;
        }
        if (deletes.length) await this.deleteMetafields(deletes);
        for (const id of pending) ok.add(id);
        return { ok, failed, later: new Set<string>() };
      }
      // The call is atomic: nothing was written. Conflicting members are re-read and written again,
      // members with a permanent error are set aside, and the rest go again with them.
      const memberOf = (e: (typeof errors)[number]) => (typeof e.elementIndex === "number" ? inputs[e.elementIndex]?.member : undefined);
      const conflicted = new Set<string>();
      for (const e of errors) {
        const id = memberOf(e);
        if (e.code === "STALE_OBJECT" || e.code === "INVALID_COMPARE_DIGEST") {
          if (id) conflicted.add(id);
        } else if (id) failed.set(id, `metafieldsSet refused: ${e.message}`);
        else throw new Error(`metafieldsSet refused the batch: ${e.message}`);
      }
      pending = pending.filter((id) => !failed.has(id));
      if (conflicted.size) {
        this.report.conflicts += conflicted.size;
        await this.rereadDigests([...conflicted]);
        await this.refreshMembers([...conflicted]);
      }
    }
    return { ok, failed, later: new Set(pending.filter((id) => !ok.has(id))) };
  }

  private async deleteMetafields(deletes: { member: string; key: string }[]) {
    for (let i = 0; i < deletes.length; i += METAFIELDS_SET_LIMIT) {
      const chunk = deletes.slice(i, i + METAFIELDS_SET_LIMIT);
      await this.call<{ metafieldsDelete: UserErrorsPayload | null }>(METAFIELDS_DELETE, { metafields: chunk.map((d) => ({ ownerId: customerGid(d.member), namespace: LOYALTY_NAMESPACE, key: d.key })) }, 10);
      for (const d of chunk) delete this.state(d.member).digests[d.key];
    }
  }

  private async syncTags(rows: OutboxRow[]) {
    const byMember = new Map<string, OutboxRow[]>();
    for (const r of rows) byMember.set(r.customerId, [...(byMember.get(r.customerId) ?? []), r]);
    // One add and at most one remove per member: from its current tier, not from the events' order.
    const ops: { member: string; op: "add" | "remove"; tags: string[] }[] = [];
    for (const [id, own] of byMember) {
      const tierId = this.members.get(id)?.tierId ?? null;
      const current = tierId ? tierTag(tierId) : null;
      const stale = new Set<string>();
      for (const r of own) {
        const p = safeJson(r.payload) as { from?: unknown; to?: unknown };
        for (const t of [p.from, p.to]) if (typeof t === "string" && t) stale.add(tierTag(t));
      }
      const last = this.state(id).tierTag;
      if (last) stale.add(last);
      if (current) stale.delete(current);
      if (current) ops.push({ member: id, op: "add", tags: [current] });
      if (stale.size) ops.push({ member: id, op: "remove", tags: [...stale].filter((t) => t.startsWith(TIER_TAG_PREFIX)) });
    }
    const failed = new Map<string, string>();
    // 10 points per operation: a batch never asks for more than the bucket can ever hold.
    const size = Math.max(1, Math.min(LOYALTY_TAGS_BATCH, Math.floor(this.pacer.maximumAvailable / 10)));
    const lastOp = new Map(ops.map((o, k) => [o.member, k]));
    for (let i = 0; i < ops.length; i += size) {
      const chunk = ops.slice(i, i + size);
      const variables: Record<string, unknown> = {};
      chunk.forEach((o, j) => {
        variables[`id${j}`] = customerGid(o.member);
        variables[`tags${j}`] = o.tags;
      });
      const res = await this.call<Record<string, UserErrorsPayload | null>>(tagsBatchDocument(chunk.map((o) => o.op)), variables, 10 * chunk.length);
      chunk.forEach((o, j) => {
        const errs = res[`t${j}`]?.userErrors ?? [];
        if (errs.length) failed.set(o.member, `tags${o.op === "add" ? "Add" : "Remove"} refused: ${errs.map((x) => x.message).join("; ")}`);
      });
      // A member's rows complete once all its operations went through (its add and remove may straddle chunks).
      const finished = new Set(chunk.map((o) => o.member).filter((m) => lastOp.get(m)! < i + size));
      for (const id of finished) {
        const own = byMember.get(id)!;
        if (failed.has(id)) await this.fail(own, failed.get(id)!);
        else {
          const tierId = this.members.get(id)?.tierId ?? null;
          this.state(id).tierTag = tierId ? tierTag(tierId) : null;
          this.done.push(...own.map((r) => r.id));
        }
      }
      await saveSyncStates(this.db, this.shop, [...finished].filter((id) => !failed.has(id)).map((id) => this.state(id)));
    }
  }

  private async syncFlow(rows: OutboxRow[]) {
    for (const r of rows) {
      const trigger = flowTrigger(safeJson(r.payload), r.customerId, this.members.get(r.customerId), this.program);
      if (!trigger) {
        await this.fail([r], `not a Flow event: ${r.payload.slice(0, 100)}`);
        continue;
      }
      if (Buffer.byteLength(JSON.stringify(trigger.payload)) > FLOW_PAYLOAD_MAX_BYTES) {
        await this.fail([r], "Flow payload too large");
        continue;
      }
      const res = await this.call<{ flowTriggerReceive: UserErrorsPayload | null }>(LOYALTY_FLOW_TRIGGER, trigger, 10);
      const errs = res.flowTriggerReceive?.userErrors ?? [];
      if (errs.length) await this.fail([r], `flowTriggerReceive refused: ${errs.map((x) => x.message).join("; ")}`);
      else this.done.push(r.id);
    }
  }

  private async fail(rows: OutboxRow[], error: string) {
    const ids = rows.map((r) => r.id).filter((id) => !this.settled.has(id));
    if (!ids.length) return;
    ids.forEach((id) => this.settled.add(id));
    this.report.failed += ids.length;
    log.warn("loyalty sync gave up on rows", { shop: this.shop, rows: ids.length, error });
    await failOutbox(this.db, ids, error);
  }

  private async retry(rows: OutboxRow[], error: string) {
    const now = this.opts.now?.() ?? new Date();
    for (const r of rows) {
      if (this.settled.has(r.id)) continue;
      this.settled.add(r.id);
      this.report.retried++;
      await retryOutbox(this.db, r.id, error, new Date(now.getTime() + retryDelayMs(r.attempts)), SYNC_MAX_ATTEMPTS);
    }
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return {};
  }
}

/* ---------------------------------------------------------------- the background loop */

export interface SyncLoop {
  /** Drain soon (after a ledger write) instead of at the next tick. */
  notify(): void;
  stop(): Promise<void>;
}

/**
 * Drains every `intervalMs` (5 s: a change reaches Shopify well within the 60 s target unless the
 * shop's bucket is exhausted), and straight again while a drain came back full.
 */
export function startLoyaltySync(opts: SyncOptions & { intervalMs?: number } = {}): SyncLoop {
  const interval = opts.intervalMs ?? 5000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const tick = () => {
    timer = null;
    if (stopped || running) return;
    running = (async () => {
      try {
        const r = await drainLoyaltySync(opts);
        if (r.rows) log.info("loyalty sync", { ...r });
        if (r.rows >= (opts.maxRows ?? 2000)) return schedule(0);
      } catch (e) {
        log.error("loyalty sync drain failed", { error: (e as Error).message });
      } finally {
        running = null;
      }
      schedule(interval);
    })();
  };
  const schedule = (ms: number) => {
    if (stopped || timer) return;
    timer = setTimeout(tick, ms);
    timer.unref?.();
  };
  schedule(interval);
  return {
    notify: () => {
      if (timer) clearTimeout(timer);
      timer = null;
      schedule(0);
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export { pendingOutboxCount };
