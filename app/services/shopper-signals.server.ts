/**
 * Recent shoppers' stored signals (product views, quiz answers), per shop engine, so a shopper's
 * second and later storefront requests read them from memory instead of the database. The query
 * was the largest single cost a decision added to a proxied request (docs/benchmarks.md).
 *
 * Entries are per identity (customer or anonymous visitor) and stay exact: every write of a
 * signal appends a `signals` event to the change feed (app/models/signals.server.ts); the
 * instance that wrote it evicts at once, and every other instance evicts when it follows the feed
 * (~1 s, as for orders). A redaction clears the shop's entries (its feed event names no customer).
 */
import type { Id } from "../engine/types";
import { Lru } from "../engine/lru";
import { EMPTY_SIGNALS, identitiesOf, loadIdentitySignals, mergeSignals, signalsEntity, type IdentitySignals, type ShopperSignals, type SignalIdentity } from "../models/signals.server";
import type { Tx } from "../models/types";

interface Entry {
  stored: IdentitySignals;
  /** mergeSignals of this identity alone, the common case, computed once. */
  alone: ShopperSignals;
}

export class ShopperSignalsCache {
  private readonly entries: Lru<string, Entry>;
  /** Bumped by every eviction: a load that raced one is not cached (it may predate the write). */
  private evictions = 0;

  constructor(
    private readonly shop: string,
    capacity = 20_000,
  ) {
    this.entries = new Lru(capacity);
  }

  get size(): number {
    return this.entries.size;
  }

  async load(tx: Tx, who: { customerId: Id | null; visitorId: string | null }): Promise<ShopperSignals> {
    const identities = identitiesOf(who);
    if (!identities.length) return EMPTY_SIGNALS;
    if (identities.length === 1) return (await this.entry(tx, identities[0])).alone;
    const parts: IdentitySignals[] = [];
    for (const id of identities) parts.push((await this.entry(tx, id)).stored);
    return mergeSignals(parts);
  }

  /** A signal of this identity was written (or deleted). */
  evict(entity: string): void {
    this.evictions++;
    this.entries.delete(entity);
  }

  clear(): void {
    this.evictions++;
    this.entries.clear();
  }

  private async entry(tx: Tx, who: SignalIdentity): Promise<Entry> {
    const key = signalsEntity(who);
    const hit = this.entries.get(key);
    if (hit) return hit;
    const before = this.evictions;
    const stored = await loadIdentitySignals(tx, this.shop, who);
    const entry = { stored, alone: mergeSignals([stored]) };
    if (this.evictions === before) this.entries.set(key, entry);
    return entry;
  }
}
