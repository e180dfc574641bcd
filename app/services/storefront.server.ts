/**
 * Storefront decisions: what the app proxy routes and the checkout upsell route answer. These run
 * where the shop engines live; routes reach them through enginePort (engine-port.server.ts).
 *
 * Identity is passed in by the route from verified sources only (the app proxy signature's
 * shop and logged_in_customer_id, or the checkout session token's dest and sub). Everything else
 * in the request is untrusted context: it can change which products are shown, never whose data.
 */
import { decide, type Decision } from "../engine/decide";
import type { CatalogProduct, Device, Id, Offer, Placement, Recommendation, Recommender, ShopperContext, StrategyName } from "../engine/types";
import { recommenderFor } from "../engine/recs/recommend";
import { normalizeTrafficSource } from "../engine/segments/traffic";
import type { VisitorOffer } from "../engine/rules/visitor-offers";
import type { ShopperSignals } from "../models/signals.server";
import type { Tx } from "../models/types";
import { countDecision } from "./decision-count.server";
import { getEngine, loadedEngine, type ShopEngine } from "./engine.server";

export interface ShopperIdentity {
  /** From the verified signature / session token only. */
  shop: string;
  /** From the signed logged_in_customer_id (or the token's sub); null for guests. */
  customerId: Id | null;
}

export interface RequestContext {
  /** Anonymous first-party id (sent only with consent). */
  vid?: string | null;
  utmSource?: string | null;
  ref?: string | null;
  device?: Device | null;
  /** ISO 3166-1 alpha-2 market country from the storefront. */
  country?: string | null;
  /** Client-side recently viewed product ids, most recent first (consented). */
  viewed?: Id[];
}

export interface RecommendationsInput extends RequestContext {
  placement: "home" | "product" | "cart" | "thank_you" | "checkout";
  productId?: Id | null;
  /** As the theme sends it: variant ids and quantities. */
  cart?: { variantId: Id; quantity: number }[];
  limit: number;
  maxPriceCents?: number | null;
  /** Product ids another row on the page already shows (the cart's under-$X row sends the complements'). */
  exclude?: Id[];
}

export interface ProductCard {
  id: Id;
  variantId: Id | null;
  title: string;
  handle: string;
  url: string;
  imageUrl: string | null;
  priceCents: number;
  currency: string;
  reason: string;
  strategy: StrategyName;
}

export interface RecommendationsResponse {
  placement: Placement;
  strategy: StrategyName | null;
  rule: { id: string; name: string } | null;
  segments: string[];
  /** linkUrl: the rule's banner link (https:// or a storefront path, validated when the rule is saved). */
  content: { heading: string | null; message: string | null; bannerImageUrl: string | null; linkUrl: string | null };
  offer: Offer | null;
  customer: { loggedIn: boolean; firstOrder: boolean };
  lastPurchase: { productId: Id; orderedAt: string } | null;
  freeShipping: { thresholdCents: number; currency: string } | null;
  products: ProductCard[];
}

export interface OfferResponse {
  offer: {
    type: VisitorOffer["kind"];
    message: string;
    code: string | null;
    trigger: "exit_intent" | "delay";
    delaySeconds: number | null;
  } | null;
}

const MAX_VIEWED = 20;

function productCard(p: CatalogProduct, r: Recommendation, currency: string): ProductCard {
  return {
    id: p.id,
    variantId: p.defaultVariantId ?? null,
    title: p.title,
    handle: p.handle,
    url: `/products/${encodeURIComponent(p.handle)}`,
    imageUrl: p.imageUrl ?? null,
    priceCents: p.priceCents,
    currency,
    reason: r.reason,
    strategy: r.strategy,
  };
}

/** A price ceiling from the request narrows the merchant's filters for this call only. */
function withMaxPrice(model: Recommender, maxPriceCents: number | null | undefined): Recommender {
  if (maxPriceCents == null) return model;
  return {
    recommend: (req) => {
      const current = req.filters?.maxPriceCents;
      const ceiling = current == null ? maxPriceCents : Math.min(current, maxPriceCents);
      return model.recommend({ ...req, filters: { ...req.filters, maxPriceCents: ceiling } });
    },
  };
}

function signals(tx: Tx, engine: ShopEngine, who: ShopperIdentity, vid: string | null | undefined): Promise<ShopperSignals> {
  return engine.signals.load(tx, { customerId: who.customerId, visitorId: vid ?? null });
}

/**
 * The events and quiz routes wrote these identities' signals (feed entity ids): this instance's
 * engine forgets them now; other instances do when they follow the feed.
 */
export function signalsWritten(shop: string, entities: readonly string[]): void {
  const engine = loadedEngine(shop);
  if (engine) for (const entity of entities) engine.signals.evict(entity);
}

function baseContext(engine: ShopEngine, who: ShopperIdentity, req: RequestContext, sig: ShopperSignals, placement: Placement, now: number): ShopperContext {
  const model = engine.model;
  // Client ids first (fresher), then the server's; only ids of this shop's catalog survive.
  const viewed: Id[] = [];
  const seen = new Set<Id>();
  for (const id of [...(req.viewed ?? []), ...sig.recentlyViewed]) {
    if (viewed.length >= MAX_VIEWED || seen.has(id)) continue;
    seen.add(id);
    if (model.product(id)) viewed.push(id);
  }
  return {
    placement,
    customerId: who.customerId,
    recentlyViewed: viewed,
    trafficSource: req.utmSource || req.ref ? normalizeTrafficSource({ utmSource: req.utmSource, referrer: req.ref, shopHosts: [who.shop] }) : "direct",
    device: req.device ?? null,
    country: req.country ?? null,
    returningVisitor: sig.seenBefore || who.customerId != null,
    quizAnswers: sig.quizAnswers,
    now,
  };
}

function lastPurchaseOf(engine: ShopEngine, customerId: Id | null, productId: Id | null | undefined) {
  if (!customerId || !productId) return null;
  const orders = engine.model.ordersOf(customerId);
  for (let i = orders.length - 1; i >= 0; i--) {
    const o = orders[i];
    if (o.lines.some((l) => l.productId === productId && l.quantity - (l.refundedQuantity ?? 0) > 0)) {
      return { productId, orderedAt: new Date(o.createdAt).toISOString() };
    }
  }
  return null;
}

export function shapeDecision(engine: ShopEngine, decision: Decision, extra: { customerId: Id | null; lastPurchase: RecommendationsResponse["lastPurchase"] }): RecommendationsResponse {
  const { model, config, storefront } = engine;
  const currency = config.currency;
  const products: ProductCard[] = [];
  for (const r of decision.products) {
    const p = model.product(r.productId);
    // The engine filters these already; a card for an unbuyable product must never reach a shopper.
    if (!p || !p.available || !p.published) continue;
    products.push(productCard(p, r, currency));
  }
  const orders = extra.customerId ? model.ordersOf(extra.customerId).length : 0;
  return {
    placement: decision.placement,
    strategy: decision.strategy,
    rule: decision.rule,
    segments: decision.segments,
    content: {
      heading: decision.content.heading ?? null,
      message: decision.content.message ?? null,
      bannerImageUrl: decision.content.bannerImageUrl ?? null,
      linkUrl: decision.content.linkUrl ?? null,
    },
    offer: decision.offer ?? null,
    customer: { loggedIn: extra.customerId != null, firstOrder: orders === 0 },
    lastPurchase: extra.lastPurchase,
    freeShipping: storefront.freeShippingThresholdCents != null ? { thresholdCents: storefront.freeShippingThresholdCents, currency } : null,
    products,
  };
}

/** null when the shop has no data in Attune (not installed, or erased). */
export async function recommendations(tx: Tx, who: ShopperIdentity, input: RecommendationsInput, now = Date.now()): Promise<RecommendationsResponse | null> {
  const engine = await getEngine(who.shop);
  if (!engine) return null;
  countDecision(who.shop);
  return recommendationsWith(tx, engine, who, input, now);
}

/**
 * recommendations() as its JSON text, what the proxy route sends. Under `npm start` the text is
 * made on the engine thread: a string crosses threads for the cost of a copy, a response object
 * for a structured clone of every card (measured: the clone and the stringify were half of what a
 * decision added to the request thread).
 */
export async function recommendationsJson(tx: Tx, who: ShopperIdentity, input: RecommendationsInput, now = Date.now()): Promise<string | null> {
  const res = await recommendations(tx, who, input, now);
  return res && JSON.stringify(res);
}

export async function recommendationsWith(tx: Tx, engine: ShopEngine, who: ShopperIdentity, input: RecommendationsInput, now = Date.now()): Promise<RecommendationsResponse> {
  const sig = await signals(tx, engine, who, input.vid);
  const ctx = baseContext(engine, who, input, sig, input.placement, now);
  // Only this shop's products: an id from another shop (or a made-up one) resolves to nothing.
  const productId = input.productId && engine.model.product(input.productId) ? input.productId : null;
  ctx.productId = productId;
  const cart: NonNullable<ShopperContext["cart"]> = [];
  for (const line of input.cart ?? []) {
    const pid = engine.variantProduct.get(line.variantId);
    if (!pid) continue;
    const existing = cart.find((c) => c.productId === pid);
    if (existing) existing.quantity += line.quantity;
    else cart.push({ productId: pid, variantId: line.variantId, quantity: line.quantity });
  }
  if (cart.length) ctx.cart = cart;
  if (input.exclude?.length) ctx.exclude = input.exclude;
  const decision = decide(
    { store: engine.model, recommender: withMaxPrice(recommenderFor(engine.model), input.maxPriceCents), config: engine.config },
    ctx,
    { limit: input.limit, explain: false },
  );
  // A product requested by id that is in the cart must not come back either (decide also ensures it).
  return shapeDecision(engine, decision, {
    customerId: who.customerId,
    lastPurchase: input.placement === "product" ? lastPurchaseOf(engine, who.customerId, productId) : null,
  });
}

export async function visitorOffer(tx: Tx, who: ShopperIdentity, req: RequestContext & { cartTotalCents?: number | null }, now = Date.now()): Promise<OfferResponse | null> {
  const engine = await getEngine(who.shop);
  if (!engine) return null;
  countDecision(who.shop);
  const sig = await signals(tx, engine, who, req.vid);
  const ctx = baseContext(engine, who, req, sig, "app_embed", now);
  // The embed knows the cart's total only: one priced line carries it for the cart-value rules.
  if (req.cartTotalCents && req.cartTotalCents > 0) ctx.cart = [{ productId: "cart-total", quantity: 1, priceCents: req.cartTotalCents }];
  const decision = decide({ store: engine.model, recommender: recommenderFor(engine.model), config: engine.config }, ctx, { limit: 0, explain: false });
  const vo = decision.visitorOffer;
  if (!vo) return { offer: null };
  return {
    offer: {
      type: vo.kind,
      message: vo.message,
      code: vo.discountCode,
      trigger: vo.trigger.type,
      delaySeconds: vo.trigger.type === "delay" ? vo.trigger.seconds : null,
    },
  };
}

export interface UpsellProduct {
  id: Id;
  variantId: Id;
  title: string;
  imageUrl: string | null;
  priceCents: number;
  currency: string;
  reason: string | null;
}

/** The checkout / thank-you upsell (extensions/attune-checkout): products with a buyable variant. */
export async function upsell(tx: Tx, who: ShopperIdentity, placement: "checkout" | "thank_you", limit: number, now = Date.now()): Promise<{ products: UpsellProduct[] } | null> {
  const engine = await getEngine(who.shop);
  if (!engine) return null;
  countDecision(who.shop);
  const res = await recommendationsWith(tx, engine, who, { placement, limit }, now);
  return {
    products: res.products
      .filter((p): p is ProductCard & { variantId: Id } => p.variantId != null)
      .map((p) => ({ id: p.id, variantId: p.variantId, title: p.title, imageUrl: p.imageUrl, priceCents: p.priceCents, currency: p.currency, reason: p.reason || null })),
  };
}
