/**
 * Keeps one shop's engine current by following the change feed from the position it was built at.
 *
 * Correctness rules:
 * - Each poll reads the feed's newest id first and applies this shop's events up to it.
 * - PostgreSQL can commit ids out of order (id 100 commits after id 101). Each poll re-counts this
 *   shop's events over a recent window and applies any that appeared behind the cursor.
 *   (SQLite has a single writer: ids commit in order.)
 * - If the feed was pruned past the cursor (the oldest remaining id is above it), events may be
 *   lost: rebuild. The shop row gone (shop/redact): drop the engine.
 */
import { providerOf, type Db } from "../db.server";
import { countChanges, feedHead, readChanges, type FeedEvent } from "../models/changes.server";
import { log } from "../utils/log.server";
import { applyChanges } from "./engine-feed-handlers.server";
import type { ShopEngine } from "./shop-engine.server";

const FEED_PAGE = 5000;

export interface FeedPull {
  applied: number;
  /** ok: current up to the feed's head; rebuild: build the engine again; drop: the shop is gone. */
  next: "ok" | "rebuild" | "drop";
}

export class FeedFollower {
  private readonly pg: boolean;
  /** PostgreSQL only: feed ids applied above `floor` (for the out-of-order commit check). */
  private recent = new Set<number>();
  /** PostgreSQL only: the cursor over time; a cursor older than the window is settled. */
  private marks: { cursor: number; at: number }[] = [];
  /** Every event id <= floor is known to be accounted for. */
  private floor: number;

  constructor(
    private readonly db: Db,
    private readonly engine: ShopEngine,
    private readonly opts: { secret: string; lateCommitWindowMs: number },
  ) {
    this.pg = providerOf(db) === "postgresql";
    this.floor = engine.cursor;
  }

  /** Applies the shop's events up to the feed's current head. Callers serialize pulls per shop. */
  async pull(): Promise<FeedPull> {
    const { db, engine } = this;
    const shop = engine.shop;
    const head = await feedHead(db, shop);
    if (!head.shopExists) {
      // shop/redact erased everything: nothing may be served from memory any more.
      log.info("engine dropped: shop erased", { shop });
      return { applied: 0, next: "drop" };
    }
    const hi = head.newest ?? engine.cursor;
    if (head.oldest !== null && head.oldest > engine.cursor + 1 && hi > engine.cursor) {
      log.warn("change feed pruned past the engine cursor: rebuilding", { shop, cursor: engine.cursor, oldest: head.oldest });
      return { applied: 0, next: "rebuild" };
    }

    let applied = 0;
    if (this.pg) {
      const late = await this.lateCommits();
      if (late === "rebuild") return { applied, next: "rebuild" };
      applied += late;
    }
    let cursor = engine.cursor;
    while (cursor < hi) {
      const events = await readChanges(db, shop, cursor, hi, FEED_PAGE);
      if (events.length) {
        if ((await this.apply(events)) === "rebuild") return { applied, next: "rebuild" };
        applied += events.length;
      }
      cursor = events.length === FEED_PAGE ? events[events.length - 1].id : hi;
      engine.cursor = cursor;
    }
    if (this.pg) this.marks.push({ cursor, at: Date.now() });
    engine.applied += applied;
    return { applied, next: "ok" };
  }

  private async apply(events: FeedEvent[]): Promise<"ok" | "rebuild"> {
    const r = await applyChanges({ db: this.db, secret: this.opts.secret, engine: this.engine }, events);
    if (r === "ok" && this.pg) for (const ev of events) this.recent.add(ev.id);
    return r;
  }

  /**
   * PostgreSQL sequences hand out ids at insert time, not commit time: a transaction holding id 100
   * may commit after one holding 101 was read. Count this shop's events over a recent window and,
   * when the database holds more than we applied, apply the ones we missed.
   */
  private async lateCommits(): Promise<number | "rebuild"> {
    const { db, engine } = this;
    // The cursor we had a window ago is settled: any transaction that old has committed or died.
    const keepFrom = Date.now() - this.opts.lateCommitWindowMs;
    while (this.marks.length && this.marks[0].at < keepFrom) this.floor = Math.max(this.floor, this.marks.shift()!.cursor);
    for (const id of this.recent) if (id <= this.floor) this.recent.delete(id);
    if (this.floor >= engine.cursor) return 0;
    let known = 0;
    for (const id of this.recent) if (id <= engine.cursor) known++;
    if ((await countChanges(db, engine.shop, this.floor, engine.cursor)) <= known) return 0;
    const missed = (await readChanges(db, engine.shop, this.floor, engine.cursor)).filter((ev) => !this.recent.has(ev.id));
    if (!missed.length) return 0;
    log.info("engine applying late-committed feed events", { shop: engine.shop, count: missed.length });
    if ((await this.apply(missed)) === "rebuild") return "rebuild";
    return missed.length;
  }
}
