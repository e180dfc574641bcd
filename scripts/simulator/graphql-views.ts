/**
 * The simulated store seen through the Admin GraphQL schema: plain objects whose properties are the
 * schema's field names (functions for fields with arguments), executed by graphql-js against the
 * real 2026-10 schema. Only the fields Attune (and a curious developer) would ask for are present;
 * asking for another one is a GraphQL error naming it, not a silent null.
 */
import { type SimCustomer, type SimLine, type SimOrder, type SimProduct, type SimRefund, type SimStore, collectionId, gid, money, orderSubtotalCents, orderTotalCents } from "./store";

export interface ExecContext {
  /** Bulk execution: connections ignore pagination and return everything. */
  bulk: boolean;
}

type Args = Record<string, unknown>;
type View = Record<string, unknown>;

const iso = (d: Date | null | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : null);
const b64 = (s: string) => Buffer.from(s).toString("base64url");

/** A Relay connection over `items`, mapping only the returned slice to views. */
export function connection<T>(items: readonly T[], view: (t: T) => View, args: Args, ctx: ExecContext) {
  let start = 0;
  let end = items.length;
  if (!ctx.bulk) {
    if (typeof args.after === "string") start = Number(Buffer.from(args.after, "base64url").toString().split(":")[1]) + 1 || 0;
    if (typeof args.before === "string") end = Math.min(end, Number(Buffer.from(args.before, "base64url").toString().split(":")[1]) || 0);
    if (typeof args.first === "number") end = Math.min(end, start + args.first);
    else if (typeof args.last === "number") start = Math.max(start, end - args.last);
    else end = Math.min(end, start + 50);
  }
  const slice = items.slice(start, end).map((t, i) => ({ cursor: b64(`i:${start + i}`), node: view(t) }));
  return {
    edges: slice,
    nodes: slice.map((e) => e.node),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice[0]?.cursor ?? null,
      endCursor: slice[slice.length - 1]?.cursor ?? null,
    },
  };
}

export class StoreViews {
  readonly productsById = new Map<string, SimProduct>();
  readonly customersById = new Map<string, SimCustomer>();
  readonly variantOwner = new Map<string, SimProduct>();
  readonly ordersById = new Map<string, SimOrder>();
  readonly lineOwner = new Map<string, SimOrder>();
  readonly refundOwner = new Map<string, SimOrder>();
  private readonly allProducts: Map<string, SimProduct>;
  private readonly allCustomers: Map<string, SimCustomer>;

  constructor(
    readonly store: SimStore,
    readonly visible: { products: SimProduct[]; customers: SimCustomer[]; orders: SimOrder[] },
  ) {
    for (const p of visible.products) {
      this.productsById.set(p.id, p);
      for (const v of p.variants) this.variantOwner.set(v.id, p);
    }
    for (const c of visible.customers) this.customersById.set(c.id, c);
    for (const o of visible.orders) {
      this.ordersById.set(o.id, o);
      for (const l of o.lines) this.lineOwner.set(l.id, o);
      for (const r of o.refunds) this.refundOwner.set(r.id, o);
    }
    this.allProducts = new Map(store.products.map((p) => [p.id, p]));
    this.allCustomers = new Map(store.customers.map((c) => [c.id, c]));
    // Products and customers referenced by orders resolve even if created after the visible window.
    for (const p of store.products) if (!this.productsById.has(p.id)) for (const v of p.variants) this.variantOwner.set(v.id, p);
  }

  bag(cents: number) {
    const m = { amount: money(cents), currencyCode: this.store.currency };
    return { shopMoney: m, presentmentMoney: m };
  }

  address(countryCode: string | null, provinceCode: string | null) {
    if (!countryCode) return null;
    return { countryCodeV2: countryCode, provinceCode, country: countryCode, province: provinceCode, city: "Exampleville", zip: "00000" };
  }

  product = (p: SimProduct): View => ({
    __typename: "Product",
    id: gid("Product", p.id),
    legacyResourceId: p.id,
    title: p.title,
    handle: p.handle,
    productType: p.productType,
    vendor: p.vendor,
    tags: p.tags,
    status: p.status.toUpperCase(),
    publishedAt: iso(p.publishedAt),
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    onlineStoreUrl: p.publishedAt ? `https://${this.store.shop}/products/${p.handle}` : null,
    totalInventory: p.variants.filter((v) => v.available).length * 25,
    featuredMedia: p.imageUrl
      ? { __typename: "MediaImage", id: gid("MediaImage", p.id), alt: p.title, mediaContentType: "IMAGE", status: "READY", preview: { status: "READY", image: this.image(p) }, image: this.image(p) }
      : null,
    featuredImage: p.imageUrl ? this.image(p) : null,
    variants: (args: Args, ctx: ExecContext) => connection(p.variants, (v) => this.variant(p, v), args, ctx),
    collections: (args: Args, ctx: ExecContext) => connection(p.collections, this.collection, args, ctx),
  });

  image(p: SimProduct) {
    return { __typename: "Image", id: gid("ProductImage", p.id), url: p.imageUrl, altText: p.title, width: 1200, height: 1200 };
  }

  collection = (handle: string): View => ({ __typename: "Collection", id: gid("Collection", collectionId(handle)), handle, title: handle.replace(/-/g, " ") });

  variant = (p: SimProduct, v: SimProduct["variants"][number]): View => ({
    __typename: "ProductVariant",
    id: gid("ProductVariant", v.id),
    legacyResourceId: v.id,
    title: v.title,
    displayName: `${p.title} - ${v.title}`,
    price: money(v.priceCents),
    availableForSale: v.available,
    position: v.position,
    sku: v.sku,
    inventoryQuantity: v.available ? 25 : 0,
    product: () => this.product(p),
  });

  customer = (c: SimCustomer): View => ({
    __typename: "Customer",
    id: gid("Customer", c.id),
    legacyResourceId: c.id,
    state: c.state.toUpperCase(),
    tags: c.tags,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
    defaultAddress: this.address(c.countryCode, c.provinceCode),
  });

  visit(o: SimOrder) {
    if (!o.landingSite && !o.referringSite) return null;
    const landingPage = o.landingSite ? `https://${this.store.shop}${o.landingSite}` : null;
    const utm = landingPage ? new URL(landingPage).searchParams : null;
    const source = utm?.get("utm_source") ?? (o.referringSite ? new URL(o.referringSite).hostname : "direct");
    return {
      landingPage,
      referrerUrl: o.referringSite,
      source,
      sourceType: utm?.get("utm_medium") === "cpc" ? "PAID" : null,
      utmParameters: utm?.get("utm_source") ? { source: utm.get("utm_source"), medium: utm.get("utm_medium"), campaign: utm.get("utm_campaign"), content: null, term: null } : null,
      occurredAt: iso(o.createdAt),
    };
  }

  order = (o: SimOrder): View => {
    const customer = o.customerId ? this.allCustomers.get(o.customerId) : undefined;
    const visit = this.visit(o);
    return {
      __typename: "Order",
      id: gid("Order", o.id),
      legacyResourceId: o.id,
      name: o.name,
      createdAt: iso(o.createdAt),
      processedAt: iso(o.createdAt),
      updatedAt: iso(o.updatedAt),
      cancelledAt: iso(o.cancelledAt),
      cancelReason: o.cancelledAt ? "CUSTOMER" : null,
      currencyCode: o.currency,
      test: o.test,
      sourceName: o.sourceName,
      displayFinancialStatus: o.financialStatus.toUpperCase(),
      totalPriceSet: this.bag(orderTotalCents(o)),
      subtotalPriceSet: this.bag(orderSubtotalCents(o)),
      totalShippingPriceSet: this.bag(o.shippingCents),
      customer: customer ? this.customer(customer) : null,
      shippingAddress: this.address(o.countryCode, o.provinceCode),
      billingAddress: this.address(o.countryCode, o.provinceCode),
      customerJourneySummary: visit ? { ready: true, firstVisit: visit, lastVisit: visit, momentsCount: { count: 1, precision: "EXACT" }, daysToConversion: 0 } : { ready: true, firstVisit: null, lastVisit: null, daysToConversion: 0 },
      refunds: (args: Args) => o.refunds.slice(0, typeof args.first === "number" ? args.first : undefined).map((r) => this.refund(o, r)),
      customAttributes: (o.attributes ?? []).map((a) => ({ key: a.name, value: a.value })),
      lineItems: (args: Args, ctx: ExecContext) => connection(o.lines, (l) => this.line(o, l), args, ctx),
    };
  };

  line = (o: SimOrder, l: SimLine): View => {
    const p = this.allProducts.get(l.productId) ?? this.variantOwner.get(l.variantId);
    const v = p?.variants.find((x) => x.id === l.variantId);
    return {
      __typename: "LineItem",
      id: gid("LineItem", l.id),
      title: l.title,
      name: `${l.title} - ${l.variantTitle}`,
      variantTitle: l.variantTitle,
      vendor: l.vendor,
      sku: l.sku,
      quantity: l.quantity,
      currentQuantity: l.quantity,
      originalUnitPriceSet: this.bag(l.priceCents),
      customAttributes: (l.properties ?? []).map((a) => ({ key: a.name, value: a.value })),
      product: p ? this.product(p) : null,
      variant: p && v ? this.variant(p, v) : null,
    };
  };

  refund = (o: SimOrder, r: SimRefund): View => ({
    __typename: "Refund",
    id: gid("Refund", r.id),
    legacyResourceId: r.id,
    createdAt: iso(r.createdAt),
    totalRefundedSet: this.bag(r.lines.reduce((s, l) => s + l.subtotalCents, 0)),
    refundLineItems: (args: Args, ctx: ExecContext) =>
      connection(
        r.lines,
        (rl) => ({
          __typename: "RefundLineItem",
          id: gid("RefundLineItem", rl.id),
          quantity: rl.quantity,
          restocked: true,
          restockType: "RETURN",
          subtotalSet: this.bag(rl.subtotalCents),
          lineItem: this.line(o, o.lines.find((l) => l.id === rl.lineItemId)!),
        }),
        args,
        ctx,
      ),
  });

  /** node(id:) / nodes(ids:) lookup over everything visible. */
  node = (id: string): View | null => {
    const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(id);
    if (!m) return null;
    const [, type, n] = m;
    switch (type) {
      case "Product": {
        const p = this.productsById.get(n);
        return p ? this.product(p) : null;
      }
      case "ProductVariant": {
        const p = this.variantOwner.get(n);
        const v = p?.variants.find((x) => x.id === n);
        return p && v ? this.variant(p, v) : null;
      }
      case "Customer": {
        const c = this.customersById.get(n);
        return c ? this.customer(c) : null;
      }
      case "Order": {
        const o = this.ordersById.get(n);
        return o ? this.order(o) : null;
      }
      case "LineItem": {
        const o = this.lineOwner.get(n);
        return o ? this.line(o, o.lines.find((l) => l.id === n)!) : null;
      }
      case "Refund": {
        const o = this.refundOwner.get(n);
        return o ? this.refund(o, o.refunds.find((r) => r.id === n)!) : null;
      }
      default:
        return null;
    }
  };
}
