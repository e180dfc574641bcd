/**
 * What each kind of change-feed event does to a shop's engine: one handler per kind of
 * CHANGE_KINDS (app/models/types.ts). The map's type names every kind, so a new kind does not
 * compile until it has a handler here.
 *
 * A batch groups its events by kind and runs the handlers in CHANGE_KINDS order, each once with
 * the distinct entity ids of its kind. Handlers re-read the entity from the database rather than
 * trusting the event, so replaying an event (after a build, or a late commit) is harmless.
 */
import type { Db } from "../db.server";
import type { Id } from "../engine/types";
import { CHANGE_KINDS, type Change, type ChangeKind } from "../models/changes.server";
import { loadLoyaltyStandingsByIds } from "../models/loyalty-standing.server";
import { loadShopConfig } from "../models/shop-config.server";
import { loadCustomersByIds, loadOrdersByIds, loadProductsByIds, loadVariantsOf } from "../models/store-data.server";
import { customerHash } from "../utils/crypto.server";
import type { ShopEngine } from "./shop-engine.server";

export interface FeedBatch {
  db: Db;
  /** App secret: redaction events carry keyed hashes of customer ids. */
  secret: string;
  engine: ShopEngine;
  /**
   * Customers this batch has seen disappear (their row is gone, or an order lost their id): the
   * likely subjects of a redaction in the same batch, hashed before the whole model is scanned.
   */
  unlinked: Set<Id>;
}

/** "rebuild": the engine cannot be brought up to date in place (the shop's row is gone, say). */
type Handler = (ids: readonly string[], batch: FeedBatch) => Promise<void | "rebuild"> | void | "rebuild";

const HANDLERS: { readonly [K in ChangeKind]: Handler } = {
  async product(ids, { db, engine }) {
    const found = await loadProductsByIds(db, engine.shop, ids);
    const variants = await loadVariantsOf(db, engine.shop, ids);
    for (const id of ids) {
      const p = found.get(id);
      if (p) engine.model.upsertProduct(p);
      else engine.model.removeProduct(id);
    }
    // Variant index: drop the changed products' old variants, add their current ones.
    const changed = new Set(ids);
    for (const [v, p] of engine.variantProduct) if (changed.has(p)) engine.variantProduct.delete(v);
    for (const v of variants) engine.variantProduct.set(v.id, v.productId);
  },

  async customer(ids, { db, engine, unlinked }) {
    const found = await loadCustomersByIds(db, engine.shop, ids);
    for (const id of ids) {
      const c = found.get(id);
      if (c) {
        engine.model.upsertCustomer(c);
      } else {
        // The row is gone (redacted): forget them, and note the id for the batch's redaction
        // event, which names only a hash.
        unlinked.add(id);
        engine.model.removeCustomer(id);
      }
    }
  },

  async order(ids, { db, engine, unlinked }) {
    const found = await loadOrdersByIds(db, engine.shop, ids);
    for (const id of ids) {
      const before = engine.model.order(id)?.customerId ?? null;
      const o = found.get(id);
      if (o) engine.model.upsertOrder(o);
      else engine.model.removeOrder(id);
      // An order that lost its customer id was most likely anonymized by a redaction.
      if (before && (!o || o.customerId !== before)) unlinked.add(before);
    }
  },

  async customer_redacted(hashes, { secret, engine, unlinked }) {
    // The event names no customer, so the redacted shopper's cached signals can't be singled out.
    engine.signals.clear();
    const pending = new Set(hashes);
    const forget = (id: Id) => {
      const h = customerHash(secret, engine.shop, id);
      if (!pending.has(h)) return;
      engine.model.removeCustomer(id);
      pending.delete(h);
    };
    for (const id of unlinked) forget(id);
    let scanned = 0;
    for (const id of engine.model.knownCustomerIds()) {
      if (!pending.size) break;
      forget(id);
      // Long scans yield so storefront requests keep flowing.
      if (++scanned % 5000 === 0) await new Promise((r) => setImmediate(r));
    }
  },

  signals(entities, { engine }) {
    for (const entity of entities) engine.signals.evict(entity);
  },

  async config(_entities, { db, engine }) {
    // Any saved rule, segment, offer or setting can change what every other one means (a rule
    // names segments): reload the whole configuration, once per batch.
    const loaded = await loadShopConfig(db, engine.shop);
    if (!loaded) return "rebuild";
    engine.config = loaded.config;
    engine.storefront = loaded.storefront;
  },

  // A ledger write changed these members' balances or tier: re-read them for the segment fields
  // (a row gone means the member was redacted or removed, and no loyalty field matches any more).
  async loyalty(ids, { db, engine }) {
    const found = await loadLoyaltyStandingsByIds(db, engine.shop, ids);
    for (const id of ids) engine.model.setLoyalty(id, found.get(id) ?? null);
  },
};

/** Applies a batch of feed events to the engine, kind by kind in CHANGE_KINDS order. */
export async function applyChanges(batch: Omit<FeedBatch, "unlinked">, events: readonly Change[]): Promise<"ok" | "rebuild"> {
  const byKind = new Map<ChangeKind, Set<string>>();
  for (const ev of events) {
    let ids = byKind.get(ev.kind);
    if (!ids) byKind.set(ev.kind, (ids = new Set()));
    ids.add(ev.entityId);
  }
  const full: FeedBatch = { ...batch, unlinked: new Set() };
  for (const kind of CHANGE_KINDS) {
    const ids = byKind.get(kind);
    if (ids && (await HANDLERS[kind]([...ids], full)) === "rebuild") return "rebuild";
  }
  return "ok";
}
