/**
 * The per-shop engine registry: one engine (shop-engine.server.ts) per active shop, built lazily
 * from the database, kept current by following the change feed (engine-feed.server.ts), dropped
 * when idle or when the shop is erased.
 *
 * The database and its feed are the only truth. Every app instance (several may share one
 * PostgreSQL database) builds its own engines and follows the same feed, so a change committed by
 * any instance (an order applied, a rule saved) reaches every instance's engines within one poll
 * (~1 s), and at once in the instance that applied it (onDataApplied).
 */
import { db as appDb, type Db } from "../db.server";
import type { ModelOptions } from "../engine/model/store-model";
import { env } from "../utils/env.server";
import { log } from "../utils/log.server";
import { onDataApplied } from "./data-applied.server";
import { assertEnginesLiveHere } from "./engine-link.server";
import { FeedFollower } from "./engine-feed.server";
import { buildShopEngine, type ShopEngine } from "./shop-engine.server";

export type { ShopEngine } from "./shop-engine.server";

export interface RegistryOptions {
  db: Db;
  /** App secret: redaction markers are keyed hashes of customer ids. */
  secret: string;
  /** Feed poll per active shop (default 1000 ms). */
  pollMs?: number;
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
  feed: FeedFollower | null;
  building: Promise<ShopEngine | null> | null;
  following: Promise<void> | null;
  again: boolean;
  lastUsed: number;
}

export interface FollowResult {
  applied: number;
  rebuilt: boolean;
  dropped: boolean;
}

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
      e = { shop, state: null, feed: null, building: null, following: null, again: false, lastUsed: Date.now() };
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
    try {
      const state = await buildShopEngine(this.db, e.shop, this.opts.model);
      if (!state) {
        this.entries.delete(e.shop);
        return null;
      }
      if (this.entries.get(e.shop) === e) {
        e.state = state;
        e.feed = new FeedFollower(this.db, state, { secret: this.opts.secret, lateCommitWindowMs: this.opts.lateCommitWindowMs });
      }
      return state;
    } finally {
      e.building = null;
    }
  }

  private async rebuild(e: Entry): Promise<void> {
    e.state = null;
    e.feed = null;
    const next = await (e.building ??= this.build(e));
    if (!next) this.entries.delete(e.shop);
  }

  private async followOnce(e: Entry): Promise<FollowResult> {
    if (!e.state || !e.feed) return { applied: 0, rebuilt: false, dropped: false };
    const { applied, next } = await e.feed.pull();
    if (next === "drop") {
      this.entries.delete(e.shop);
      e.state = null;
      e.feed = null;
      return { applied, rebuilt: false, dropped: true };
    }
    if (next === "rebuild") {
      await this.rebuild(e);
      return { applied, rebuilt: true, dropped: !e.state };
    }
    return { applied, rebuilt: false, dropped: false };
  }
}

// ---- the process-wide registry ----

declare global {
  // eslint-disable-next-line no-var
  var __attuneEngines: EngineRegistry | undefined;
}

/**
 * The registry for this thread (created on first use, over db()). It subscribes to the ingest
 * worker's onDataApplied itself, so no hook in runtime.server.ts is needed. Refused on a request
 * thread whose engines live on the engine thread: routes call enginePort instead.
 */
export async function engines(): Promise<EngineRegistry> {
  assertEnginesLiveHere();
  if (!global.__attuneEngines) {
    const reg = new EngineRegistry({ db: appDb(), secret: env().SHOPIFY_API_SECRET });
    onDataApplied((shops) => reg.notify(shops));
    global.__attuneEngines = reg;
  }
  return global.__attuneEngines;
}

/** A ready StoreModel + ShopConfig for the shop (built on first use); null when the shop is unknown. */
export async function getEngine(shop: string): Promise<ShopEngine | null> {
  return (await engines()).get(shop);
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
