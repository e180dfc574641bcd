/**
 * The per-shop engine registry: one in-memory StoreModel + ShopConfig per active shop, built lazily
 * from the database and kept current by following the ChangeEvent feed.
 *
 * The database and its feed are the only truth. Every app instance (several may share one
 * PostgreSQL database) builds its own model and follows the same feed, so an order applied by any
 * instance's ingest worker reaches every instance's model within one poll (~1 s), and at once in
 * the instance that applied it (onDataApplied).
 *
 * Feed positions are global ChangeEvent ids. Correctness rules:
 * - A build reads the feed position BEFORE reading the data, so a change committed during the
 *   build is replayed afterwards (applying a change re-reads the entity: replays are idempotent).
 * - Each poll reads the global max id first and applies this shop's events up to it.
 * - PostgreSQL can commit ids out of order (id 100 commits after id 101). Each poll re-counts this
 *   shop's events over a recent window and applies any that appeared behind the cursor.
 *   (SQLite has a single writer: ids commit in order.)
 * - If the feed was pruned past the cursor (the oldest remaining id is above it), events may be
 *   lost: rebuild. The shop row gone (shop/redact) drops the model.
 */
import { db as appDb, providerOf, type Db } from "../db.server";
import { StoreModel, type ModelOptions } from "../engine/model/store-model";
import type { ShopConfig } from "../engine/decide";
import type { Id } from "../engine/types";
import { query } from "../models/sql.server";
import { configFingerprint, loadShopConfig, type StorefrontSettings } from "../models/shop-config.server";
import {
  loadCustomers,
  loadCustomersByIds,
  loadOrdersByIds,
  loadProducts,
  loadProductsByIds,
  loadVariantIndex,
  loadVariantsOf,
  streamOrders,
} from "../models/store-data.server";
import { customerHash } from "../utils/crypto.server";
import { ShopperSignalsCache } from "./shopper-signals.server";
import { env } from "../utils/env.server";
import { log } from "../utils/log.server";
import { onDataApplied } from "./data-applied.server";

export interface ShopEngine {
  readonly shop: string;
  readonly model: StoreModel;
  config: ShopConfig;
  storefront: StorefrontSettings;
  /** variant id -> product id (storefront carts name variants). */
  readonly variantProduct: Map<Id, Id>;
  /** Global ChangeEvent id up to which this model reflects the data. */
  cursor: number;
  readonly builtAt: number;
  readonly buildMs: number;
  /** Changes applied since the build. */
  applied: number;
  /** Recent shoppers' stored signals, kept exact by the feed's `signals` events. */
  readonly signals: ShopperSignalsCache;
}

export interface RegistryOptions {
  db: Db;
  /** App secret: redaction markers are keyed hashes of customer ids. */
  secret: string;
  /** Feed poll per active shop (default 1000 ms). */
  pollMs?: number;
  /** Config fingerprint check (default 5000 ms). */
  configPollMs?: number;
  /** A shop not asked for this long is dropped from memory (default 30 min). */
  idleMs?: number;
  /** Background polling on (default). Tests turn it off and call follow(). */
  autoFollow?: boolean;
  /** How far back the out-of-order commit check looks (default 30 s; PostgreSQL only). */
  lateCommitWindowMs?: number;
  model?: ModelOptions;
}

interface Entry {
  shop: string;
  state: ShopEngine | null;
  building: Promise<ShopEngine | null> | null;
  following: Promise<void> | null;
  again: boolean;
  lastUsed: number;
  lastConfigCheck: number;
  configFp: string | null;
  /** PostgreSQL only: feed ids applied above `floor` (for the out-of-order commit check). */
  recent: Set<number>;
  /** PostgreSQL only: the cursor over time; a cursor older than the window is settled. */
  marks: { cursor: number; at: number }[];
  /** Every event id <= floor is known to be accounted for. */
  floor: number;
}

export interface FollowResult {
  applied: number;
  rebuilt: boolean;
  dropped: boolean;
}

const FEED_PAGE = 5000;

export class EngineRegistry {
  readonly db: Db;
  private readonly opts: Required<Omit<RegistryOptions, "model" | "db">> & { model: ModelOptions };
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(opts: RegistryOptions) {
    this.db = opts.db;
    this.opts = {
      secret: opts.secret,
      pollMs: opts.pollMs ?? 1000,
      configPollMs: opts.configPollMs ?? 5000,
      idleMs: opts.idleMs ?? 30 * 60_000,
      autoFollow: opts.autoFollow ?? true,
      lateCommitWindowMs: opts.lateCommitWindowMs ?? 30_000,
      model: opts.model ?? {},
    };
    if (this.opts.autoFollow) {
      this.timer = setInterval(() => this.tick(), this.opts.pollMs);
      this.timer.unref();
    }
  }

  /** The shop's engine, built on first use (concurrent callers share one build); null = no such shop. */
  async get(shop: string): Promise<ShopEngine | null> {
    const e = this.entry(shop);
    e.lastUsed = Date.now();
    if (e.state) return e.state;
    return (e.building ??= this.build(e));
  }

  /** The engine if it is already in memory (never builds). */
  peek(shop: string): ShopEngine | null {
    return this.entries.get(shop)?.state ?? null;
  }

  shops(): string[] {
    return [...this.entries.keys()];
  }

  /** Applies the shop's pending feed events now (serialized per shop); no-op for shops not in memory. */
  async follow(shop: string): Promise<FollowResult> {
    const e = this.entries.get(shop);
    if (!e?.state) return { applied: 0, rebuilt: false, dropped: false };
    const result: FollowResult = { applied: 0, rebuilt: false, dropped: false };
    const run = async () => {
      do {
        e.again = false;
        const r = await this.followOnce(e);
        result.applied += r.applied;
        result.rebuilt ||= r.rebuilt;
        result.dropped ||= r.dropped;
      } while (e.again && e.state);
    };
    if (e.following) {
      // One follower per shop: ask it for another round and wait for it.
      e.again = true;
      await e.following;
      return result;
    }
    e.following = run().finally(() => (e.following = null));
    await e.following;
    return result;
  }

  /** "Data changed for these shops" (ingest worker in this process): follow them at once. */
  notify(shops: Iterable<string>): void {
    for (const shop of shops) {
      if (!this.entries.get(shop)?.state) continue;
      this.follow(shop).catch((err) => log.error("engine follow failed", { shop, error: (err as Error).message }));
    }
  }

  /** Reloads the shop's configuration now (admin routes call this after saving rules or settings). */
  async reloadConfig(shop: string): Promise<void> {
    const e = this.entries.get(shop);
    if (!e?.state) return;
    await this.refreshConfig(e, true);
  }

  drop(shop: string): void {
    this.entries.delete(shop);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.entries.clear();
  }

  // ---- internals ----

  private entry(shop: string): Entry {
    let e = this.entries.get(shop);
    if (!e) {
      e = { shop, state: null, building: null, following: null, again: false, lastUsed: Date.now(), lastConfigCheck: 0, configFp: null, recent: new Set(), marks: [], floor: 0 };
      this.entries.set(shop, e);
    }
    return e;
  }

  private tick(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const e of this.entries.values()) {
      if (!e.state) continue;
      if (now - e.lastUsed > this.opts.idleMs) {
        this.entries.delete(e.shop);
        continue;
      }
      if (e.following) continue;
      this.follow(e.shop).catch((err) => log.error("engine follow failed", { shop: e.shop, error: (err as Error).message }));
    }
  }

  private async build(e: Entry): Promise<ShopEngine | null> {
    const started = performance.now();
    try {
      const db = this.db;
      // Feed position first: anything committed from here on is replayed after the build.
      const cursor = await globalMaxId(db);
      const fp = await configFingerprint(db, e.shop);
      const loaded = await loadShopConfig(db, e.shop);
      if (!loaded) {
        this.entries.delete(e.shop);
        return null;
      }
      const products = await loadProducts(db, e.shop);
      const variantProduct = await loadVariantIndex(db, e.shop);
      const customers = await loadCustomers(db, e.shop);
      // Orders page by page straight into the model's columns: a million order facts are never
      // all alive at once (that peak, and the GC it caused, was most of a build's memory).
      const builder = StoreModel.builder({ products, customers }, this.opts.model);
      let orders = 0;
      for await (const page of streamOrders(db, e.shop)) {
        for (const o of page) builder.add(o);
        orders += page.length;
      }
      const model = builder.finish();
      const state: ShopEngine = {
        shop: e.shop,
        model,
        config: loaded.config,
        storefront: loaded.storefront,
        variantProduct,
        cursor,
        builtAt: Date.now(),
        buildMs: Math.round(performance.now() - started),
        applied: 0,
        signals: new ShopperSignalsCache(e.shop),
      };
      log.info("engine built", { shop: e.shop, products: products.length, customers: customers.length, orders, totalMs: state.buildMs });
      e.configFp = fp;
      e.lastConfigCheck = Date.now();
      e.recent = new Set();
      e.marks = [];
      e.floor = cursor;
      if (this.entries.get(e.shop) === e) e.state = state;
      return state;
    } finally {
      e.building = null;
    }
  }

  private async rebuild(e: Entry): Promise<void> {
    e.state = null;
    const next = await (e.building ??= this.build(e));
    if (!next) this.entries.delete(e.shop);
  }

  private async refreshConfig(e: Entry, force = false): Promise<boolean> {
    const now = Date.now();
    if (!force && now - e.lastConfigCheck < this.opts.configPollMs) return true;
    e.lastConfigCheck = now;
    const fp = await configFingerprint(this.db, e.shop);
    if (fp === null) return false;
    if (fp !== e.configFp || force) {
      const loaded = await loadShopConfig(this.db, e.shop);
      if (!loaded) return false;
      if (e.state) {
        e.state.config = loaded.config;
        e.state.storefront = loaded.storefront;
      }
      e.configFp = fp;
    }
    return true;
  }

  private async followOnce(e: Entry): Promise<FollowResult> {
    const state = e.state;
    if (!state) return { applied: 0, rebuilt: false, dropped: false };
    const db = this.db;
    const head = await query<{ hi: number | null; lo: number | null; shop: number | string }>(
      db,
      `SELECT (SELECT MAX("id") FROM "ChangeEvent") AS "hi", (SELECT MIN("id") FROM "ChangeEvent") AS "lo",
              (SELECT COUNT(*) FROM "Shop" WHERE "id" = ?) AS "shop"`,
      [e.shop],
    );
    const h = head[0];
    if (!h || Number(h.shop) === 0) {
      // shop/redact erased everything: nothing may be served from memory any more.
      this.entries.delete(e.shop);
      e.state = null;
      log.info("engine dropped: shop erased", { shop: e.shop });
      return { applied: 0, rebuilt: false, dropped: true };
    }
    const hi = h.hi == null ? state.cursor : Number(h.hi);
    const lo = h.lo == null ? null : Number(h.lo);
    if (lo !== null && lo > state.cursor + 1 && hi > state.cursor) {
      log.warn("change feed pruned past the engine cursor: rebuilding", { shop: e.shop, cursor: state.cursor, oldest: lo });
      await this.rebuild(e);
      return { applied: 0, rebuilt: true, dropped: !e.state };
    }

    let applied = 0;
    // Events behind the cursor that committed late (PostgreSQL only).
    const pg = providerOf(db) === "postgresql";
    if (pg) applied += await this.lateCommits(e, state);
    if (!e.state) return { applied, rebuilt: true, dropped: true };

    let cursor = state.cursor;
    while (cursor < hi) {
      const events = await query<{ id: number; kind: string; entityId: string }>(
        db,
        `SELECT "id", "kind", "entityId" FROM "ChangeEvent" WHERE "shopId" = ? AND "id" > ? AND "id" <= ? ORDER BY "id" LIMIT ${FEED_PAGE}`,
        [e.shop, cursor, hi],
      );
      if (events.length) {
        const r = await this.apply(e, state, events);
        if (r === "rebuild") {
          await this.rebuild(e);
          return { applied, rebuilt: true, dropped: !e.state };
        }
        applied += events.length;
        if (pg) for (const ev of events) e.recent.add(Number(ev.id));
      }
      cursor = events.length === FEED_PAGE ? Number(events[events.length - 1].id) : hi;
      state.cursor = cursor;
    }
    if (pg) e.marks.push({ cursor, at: Date.now() });
    state.applied += applied;

    if (!(await this.refreshConfig(e))) {
      this.entries.delete(e.shop);
      return { applied, rebuilt: false, dropped: true };
    }
    return { applied, rebuilt: false, dropped: false };
  }

  /**
   * PostgreSQL sequences hand out ids at insert time, not commit time: a transaction holding id 100
   * may commit after one holding 101 was read. Count this shop's events over a recent window and,
   * when the database holds more than we applied, apply the ones we missed.
   */
  private async lateCommits(e: Entry, state: ShopEngine): Promise<number> {
    // The cursor we had a window ago is settled: any transaction that old has committed or died.
    const keepFrom = Date.now() - this.opts.lateCommitWindowMs;
    while (e.marks.length && e.marks[0].at < keepFrom) e.floor = Math.max(e.floor, e.marks.shift()!.cursor);
    for (const id of e.recent) if (id <= e.floor) e.recent.delete(id);
    if (e.floor >= state.cursor) return 0;
    let known = 0;
    for (const id of e.recent) if (id <= state.cursor) known++;
    const [{ n }] = await query<{ n: number | string }>(
      this.db,
      `SELECT COUNT(*) AS "n" FROM "ChangeEvent" WHERE "shopId" = ? AND "id" > ? AND "id" <= ?`,
      [e.shop, e.floor, state.cursor],
    );
    if (Number(n) <= known) return 0;
    const rows = await query<{ id: number; kind: string; entityId: string }>(
      this.db,
      `SELECT "id", "kind", "entityId" FROM "ChangeEvent" WHERE "shopId" = ? AND "id" > ? AND "id" <= ? ORDER BY "id"`,
      [e.shop, e.floor, state.cursor],
    );
    const missed = rows.filter((r) => !e.recent.has(Number(r.id)));
    if (!missed.length) return 0;
    log.info("engine applying late-committed feed events", { shop: e.shop, count: missed.length });
    const r = await this.apply(e, state, missed);
    if (r === "rebuild") {
      await this.rebuild(e);
      return 0;
    }
    for (const ev of missed) e.recent.add(Number(ev.id));
    return missed.length;
  }

  /** Applies a batch of feed events by re-reading each entity from the database. */
  private async apply(e: Entry, state: ShopEngine, events: { kind: string; entityId: string }[]): Promise<"ok" | "rebuild"> {
    const db = this.db;
    const shop = e.shop;
    const model = state.model;
    const orderIds = new Set<Id>();
    const productIds = new Set<Id>();
    const customerIds = new Set<Id>();
    const redacted = new Set<string>();
    for (const ev of events) {
      if (ev.kind === "signals") state.signals.evict(ev.entityId);
      else if (ev.kind === "order") orderIds.add(ev.entityId);
      else if (ev.kind === "product") productIds.add(ev.entityId);
      else if (ev.kind === "customer") customerIds.add(ev.entityId);
      else if (ev.kind === "customer_redacted") {
        redacted.add(ev.entityId);
        // The event names no customer, so the redacted shopper's cached signals can't be singled out.
        state.signals.clear();
      }
      else if (ev.kind === "shop_reset") return "rebuild";
    }

    if (productIds.size) {
      const ids = [...productIds];
      const found = await loadProductsByIds(db, shop, ids);
      const variants = await loadVariantsOf(db, shop, ids);
      for (const id of ids) {
        const p = found.get(id);
        if (p) model.upsertProduct(p);
        else model.removeProduct(id);
      }
      // Variant index: drop the changed products' old variants, add their current ones.
      for (const [v, p] of state.variantProduct) if (productIds.has(p)) state.variantProduct.delete(v);
      for (const v of variants) state.variantProduct.set(v.id, v.productId);
    }

    const missingCustomers: Id[] = [];
    if (customerIds.size) {
      const found = await loadCustomersByIds(db, shop, [...customerIds]);
      for (const id of customerIds) {
        const c = found.get(id);
        if (c) model.upsertCustomer(c);
        else missingCustomers.push(id); // row gone: redacted (handled with the markers below)
      }
    }

    // Customers whose orders just lost their customer id are the likely subjects of a redaction.
    const unlinked = new Set<Id>(missingCustomers);
    if (orderIds.size) {
      const found = await loadOrdersByIds(db, shop, [...orderIds]);
      for (const id of orderIds) {
        const before = model.order(id)?.customerId ?? null;
        const o = found.get(id);
        if (o) model.upsertOrder(o);
        else model.removeOrder(id);
        if (before && (!o || o.customerId !== before)) unlinked.add(before);
      }
    }

    if (redacted.size) await this.redact(shop, model, redacted, unlinked);
    else for (const id of missingCustomers) model.removeCustomer(id);
    return "ok";
  }

  /**
   * customer_redacted carries HMAC(secret, shop + customer id), never the id: find the customer by
   * hashing likely candidates first, then every customer id the model knows.
   */
  private async redact(shop: string, model: StoreModel, hashes: Set<string>, candidates: Set<Id>) {
    const secret = this.opts.secret;
    const pending = new Set(hashes);
    for (const id of candidates) {
      const h = customerHash(secret, shop, id);
      if (pending.has(h)) {
        model.removeCustomer(id);
        pending.delete(h);
      }
    }
    if (!pending.size) return;
    let i = 0;
    for (const id of model.knownCustomerIds()) {
      if (!pending.size) break;
      const h = customerHash(secret, shop, id);
      if (pending.has(h)) {
        model.removeCustomer(id);
        pending.delete(h);
      }
      if (i++ % 5000 === 4999) await new Promise((r) => setImmediate(r));
    }
  }
}

async function globalMaxId(db: Db): Promise<number> {
  const [row] = await query<{ hi: number | null }>(db, `SELECT MAX("id") AS "hi" FROM "ChangeEvent"`, []);
  return row?.hi == null ? 0 : Number(row.hi);
}

// ---- the process-wide registry ----

declare global {
  // eslint-disable-next-line no-var
  var __attuneEngines: EngineRegistry | undefined;
}

/**
 * The registry for this process (created on first use, over db()). It subscribes to the ingest
 * worker's onDataApplied itself, so no hook in runtime.server.ts is needed.
 */
export async function engines(): Promise<EngineRegistry> {
  if (global.__attuneEngines) return global.__attuneEngines;
  if (!global.__attuneEngines) {
    const reg = new EngineRegistry({ db: appDb(), secret: env().SHOPIFY_API_SECRET });
    onDataApplied((shops) => reg.notify(shops));
    global.__attuneEngines = reg;
  }
  return global.__attuneEngines;
}

/** A ready StoreModel + ShopConfig for the shop (built on first use); null when the shop is unknown. */
export async function getEngine(shop: string): Promise<ShopEngine | null> {
  const reg = global.__attuneEngines ?? (await engines());
  return reg.get(shop);
}

/** The shop's engine if this instance has it in memory (never builds). */
export function loadedEngine(shop: string): ShopEngine | null {
  return global.__attuneEngines?.peek(shop) ?? null;
}

/**
 * Builds the engines of the given shops ahead of traffic (call at start-up with the shops that
 * had storefront traffic recently, so no shopper waits for a build).
 */
export async function warmEngines(shops: string[]): Promise<void> {
  const reg = await engines();
  for (const shop of shops) await reg.get(shop);
}
