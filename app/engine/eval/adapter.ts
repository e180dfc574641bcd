import type { CatalogProduct, CustomerFact, OrderFact, StrategyName } from "../types";
import { StoreModel, type ModelOptions, type StoreData } from "../model/store-model";
import { DEFAULT_PICKS, type PicksParams } from "../recs/params";
import { recommend } from "../recs/recommend";
import type { Predictor } from "./baselines";
import type { CompletionTask, NextBasketTask } from "./datasets";

const DAY = 86_400_000;
/** Datasets without dates get one basket a week, ending at a common epoch (order is what matters). */
const EPOCH = Date.UTC(2001, 0, 1);
/** Every dataset item is a grocery: bought again and again, so none is filtered out once bought. */
export const DATASET_TYPE = "grocery";
export const FILTERS = { consumableProductTypes: [DATASET_TYPE] };

/**
 * Dataset items become catalog products with decimal-string ids (as Shopify's), dataset users become
 * customers and baskets become orders, so the evaluation drives the same StoreModel and strategy
 * code as the storefront.
 */
export class DatasetCatalog {
  private readonly ids = new Map<string, string>();
  private readonly items: string[] = [];

  constructor(private readonly names?: Map<string, string>) {}

  productId(item: string): string {
    let id = this.ids.get(item);
    if (id === undefined) {
      id = String(100_000 + this.items.length);
      this.ids.set(item, id);
      this.items.push(item);
    }
    return id;
  }

  item(productId: string): string {
    return this.items[Number(productId) - 100_000];
  }

  products(): CatalogProduct[] {
    return this.items.map((item) => ({
      id: this.ids.get(item)!,
      title: this.names?.get(item) ?? (/^\d+$/.test(item) ? `Item ${item}` : item),
      handle: `item-${this.ids.get(item)}`,
      productType: DATASET_TYPE,
      vendor: "dataset",
      tags: [],
      collections: [],
      priceCents: 100,
      available: true,
      published: true,
      createdAt: 0,
    }));
  }
}

export function basketTimes(task: NextBasketTask, u: number): number[] {
  const given = task.times?.[u];
  if (given) return given;
  const n = task.history[u].length;
  return task.history[u].map((_, k) => EPOCH - (n - k) * 7 * DAY);
}

export function nextBasketStore(task: NextBasketTask, catalog = new DatasetCatalog(task.itemNames)): StoreData {
  const customers: CustomerFact[] = [];
  const orders: OrderFact[] = [];
  task.users.forEach((user, u) => {
    customers.push({ id: user, createdAt: 0, tags: [] });
    const times = basketTimes(task, u);
    task.history[u].forEach((basket, k) => {
      orders.push({
        id: `${user}${String(k).padStart(4, "0")}`,
        customerId: user,
        createdAt: times[k],
        totalCents: basket.length * 100,
        lines: basket.map((item) => ({ productId: catalog.productId(item), quantity: 1, priceCents: 100 })),
      });
    });
  });
  for (const b of task.future) for (const item of b) catalog.productId(item);
  return { products: catalog.products(), customers, orders };
}

/** The task's history as one shop: a StoreModel and the catalog mapping items to product ids. */
export interface TaskShop {
  model: StoreModel;
  catalog: DatasetCatalog;
}

export function buildTaskShop(task: NextBasketTask, opts: ModelOptions = {}): TaskShop {
  const catalog = new DatasetCatalog(task.itemNames);
  return { model: StoreModel.build(nextBasketStore(task, catalog), opts), catalog };
}

/** The production row of `strategy` on the home page for each user, a week after their last order. */
export function rowsFor(task: NextBasketTask, shop: TaskShop, strategy: StrategyName, k: number): string[][] {
  return task.users.map((user, u) => {
    const times = basketTimes(task, u);
    const now = (times[times.length - 1] ?? EPOCH) + 7 * DAY;
    const rows = recommend(shop.model, { strategy, context: { placement: "home", customerId: user, now }, limit: k, filters: FILTERS });
    return rows.map((r) => shop.catalog.item(r.productId));
  });
}

/**
 * picked_for_you under other hyper-parameters without rebuilding the model: the model reads its
 * picks parameters on every request and derives nothing from them, so swapping them is exact.
 */
export function withPicks(shop: TaskShop, picks: Partial<PicksParams>): void {
  Object.assign(shop.model.picks, DEFAULT_PICKS, picks);
}

/** The production row of `strategy` for each user, on a StoreModel built from the task's history. */
export function strategyPredictor(strategy: StrategyName, opts: ModelOptions = {}): Predictor {
  return (task, k) => rowsFor(task, buildTaskShop(task, opts), strategy, k);
}

/** One hidden item per test basket, chosen by a fixed hash so every run hides the same one. */
export function hiddenItem(basket: string[], index: number): number {
  return (Math.imul(index + 1, 2654435761) >>> 0) % basket.length;
}

export type CompletionPredictor = (model: StoreModel, catalog: DatasetCatalog, rest: string[], k: number) => string[];

export function completionStore(task: CompletionTask, catalog: DatasetCatalog): StoreData {
  const test = new Set(task.testBaskets);
  const orders: OrderFact[] = [];
  task.baskets.forEach((b, i) => {
    if (test.has(i)) return;
    orders.push({
      id: String(1_000_000 + i),
      customerId: null,
      createdAt: EPOCH - (task.baskets.length - i) * 60_000,
      totalCents: b.length * 100,
      lines: b.map((item) => ({ productId: catalog.productId(item), quantity: 1, priceCents: 100 })),
    });
  });
  for (const b of task.baskets) for (const item of b) catalog.productId(item);
  return { products: catalog.products(), customers: [], orders };
}

/** Recommend from the basket minus its hidden item: the product page (bought_together) or the cart. */
export function completionStrategy(strategy: StrategyName): CompletionPredictor {
  return (model, catalog, rest, k) => {
    const cart = rest.map((item) => ({ productId: catalog.productId(item), quantity: 1 }));
    const context =
      strategy === "bought_together"
        ? { placement: "product" as const, customerId: null, productId: cart[0].productId, cart: cart.slice(1), now: EPOCH }
        : { placement: "cart" as const, customerId: null, cart, now: EPOCH };
    return recommend(model, { strategy, context, limit: k, filters: FILTERS }).map((r) => catalog.item(r.productId));
  };
}
