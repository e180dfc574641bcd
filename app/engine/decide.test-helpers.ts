/**
 * A hand-written StoreView + Recommender for decide() tests: the real store model is built
 * elsewhere, and decide() must only rely on the interfaces in types.ts.
 */
import type { CatalogProduct, CustomerFact, Id, OrderFact, Recommendation, RecommendRequest, Recommender, StoreView, StrategyName } from "./types";

export function fakeProduct(id: string, over: Partial<CatalogProduct> = {}): CatalogProduct {
  return {
    id,
    title: `Product ${id}`,
    handle: `product-${id}`,
    productType: "Shirts",
    vendor: "Acme",
    tags: [],
    collections: [],
    priceCents: 2_000,
    available: true,
    published: true,
    createdAt: 0,
    ...over,
  };
}

export class FakeStore implements StoreView, Recommender {
  readonly requests: RecommendRequest[] = [];
  private readonly productMap = new Map<Id, CatalogProduct>();
  private readonly customerMap = new Map<Id, CustomerFact>();
  private readonly orderMap = new Map<Id, OrderFact[]>();
  /** Scripted answers per strategy: product ids, best first. */
  private readonly scripted = new Map<StrategyName, Id[]>();
  private readonly failing = new Set<StrategyName>();

  constructor(products: CatalogProduct[] = []) {
    for (const p of products) this.productMap.set(p.id, p);
  }

  addCustomer(c: CustomerFact, orders: OrderFact[] = []): this {
    this.customerMap.set(c.id, c);
    this.orderMap.set(c.id, [...orders].sort((a, b) => a.createdAt - b.createdAt));
    return this;
  }

  addOrders(customerId: Id, orders: OrderFact[]): this {
    this.orderMap.set(customerId, [...orders].sort((a, b) => a.createdAt - b.createdAt));
    return this;
  }

  script(strategy: StrategyName, ids: Id[]): this {
    this.scripted.set(strategy, ids);
    return this;
  }

  fail(strategy: StrategyName): this {
    this.failing.add(strategy);
    return this;
  }

  product(id: Id): CatalogProduct | undefined {
    return this.productMap.get(id);
  }
  products(): Iterable<CatalogProduct> {
    return this.productMap.values();
  }
  customer(id: Id): CustomerFact | undefined {
    return this.customerMap.get(id);
  }
  ordersOf(customerId: Id): readonly OrderFact[] {
    return (this.orderMap.get(customerId) ?? []).filter((o) => !o.cancelled);
  }

  recommend(req: RecommendRequest): Recommendation[] {
    this.requests.push(req);
    if (this.failing.has(req.strategy)) throw new Error(`${req.strategy} index not built`);
    const ids = this.scripted.get(req.strategy) ?? [];
    return ids.slice(0, req.limit).map((productId, i) => ({
      productId,
      score: 1 / (i + 1),
      strategy: req.strategy,
      reason: `${req.strategy} #${i + 1}`,
    }));
  }
}
