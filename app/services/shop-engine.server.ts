/**
 * One shop's engine: its in-memory StoreModel, its configuration and its shoppers' cached signals,
 * built from the database at a known change-feed position. The registry (engine.server.ts) decides
 * when to build one; the follower (engine-feed.server.ts) keeps it current from that position.
 */
import type { Db } from "../db.server";
import type { ShopConfig } from "../engine/decide";
import { StoreModel, type ModelOptions } from "../engine/model/store-model";
import type { Id } from "../engine/types";
import { feedPosition } from "../models/changes.server";
import { loadLoyaltyStandings } from "../models/loyalty-standing.server";
import { loadShopConfig, type StorefrontSettings } from "../models/shop-config.server";
import { loadCustomers, loadProducts, loadVariantIndex, streamOrders } from "../models/store-data.server";
import { log } from "../utils/log.server";
import { ShopperSignalsCache } from "./shopper-signals.server";

export interface ShopEngine {
  readonly shop: string;
  readonly model: StoreModel;
  config: ShopConfig;
  storefront: StorefrontSettings;
  /** variant id -> product id (storefront carts name variants). */
  readonly variantProduct: Map<Id, Id>;
  /** Global ChangeEvent id up to which this engine reflects the database. */
  cursor: number;
  readonly builtAt: number;
  readonly buildMs: number;
  /** Changes applied since the build. */
  applied: number;
  /** Recent shoppers' stored signals, kept exact by the feed's `signals` events. */
  readonly signals: ShopperSignalsCache;
}

/** The shop's engine from the tables; null when the shop does not exist. */
export async function buildShopEngine(db: Db, shop: string, model: ModelOptions = {}): Promise<ShopEngine | null> {
  const started = performance.now();
  // Feed position first: anything committed from here on is replayed after the build (replays
  // re-read their entity, so applying one twice is harmless).
  const cursor = await feedPosition(db);
  const loaded = await loadShopConfig(db, shop);
  if (!loaded) return null;
  const products = await loadProducts(db, shop);
  const variantProduct = await loadVariantIndex(db, shop);
  const customers = await loadCustomers(db, shop);
  const loyalty = await loadLoyaltyStandings(db, shop);
  // Orders page by page straight into the model's columns: a million order facts are never all
  // alive at once (that peak, and the GC it caused, was most of a build's memory).
  const builder = StoreModel.builder({ products, customers, loyalty }, model);
  let orders = 0;
  for await (const page of streamOrders(db, shop)) {
    for (const o of page) builder.add(o);
    orders += page.length;
  }
  const engine: ShopEngine = {
    shop,
    model: builder.finish(),
    config: loaded.config,
    storefront: loaded.storefront,
    variantProduct,
    cursor,
    builtAt: Date.now(),
    buildMs: Math.round(performance.now() - started),
    applied: 0,
    signals: new ShopperSignalsCache(shop),
  };
  log.info("engine built", { shop, products: products.length, customers: customers.length, members: loyalty.size, orders, totalMs: engine.buildMs });
  return engine;
}
