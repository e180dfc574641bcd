/**
 * Every engine read the admin makes, in one place: segment sizes (customers matching now) and
 * "preview as" decisions. Each is `(engine, args) => plain JSON-serializable result`, so the lead
 * can route them through the engine-thread port unchanged; `adminEngine()` is the one place that
 * obtains a shop's engine (today: the process registry of app/services/engine.server.ts).
 */
import { decide } from "../engine/decide";
import { env } from "../utils/env.server";
import { recommenderFor } from "../engine/recs/recommend";
import { compileSegments, type CompiledSegmentSet } from "../engine/segments/match";
import { SegmentCounter, type SegmentSizes } from "../engine/segments/sizes";
import { isDimensionSegmentId, type MatchedSegment } from "../engine/segments/builtin";
import type { SkippedRule } from "../engine/rules/resolve";
import type { ShopConfig } from "../engine/rules/config";
import type { Content, Device, Id, Offer, Placement, ShopperContext, StrategyName } from "../engine/types";
import { engines, getEngine, type ShopEngine } from "./engine.server";

/**
 * The admin's engine reads as engine-port calls (app/services/engine-port.server.ts spreads these
 * into its call object): each takes the shop from the caller's verified session and answers plain
 * data, so under `npm start` they run on the engine thread and no admin request builds a second
 * copy of a shop's model. null: the shop has no data in Attune.
 */
export const adminEngineCalls = {
  /** The shop's validated configuration as the engine holds it (currency, segments, thresholds). */
  adminConfig: async (shop: string): Promise<ShopConfig | null> => (await getEngine(shop))?.config ?? null,
  segmentSizes: async (shop: string, args: { waitMs?: number } = {}) => {
    const engine = await getEngine(shop);
    return engine ? segmentSizesOf(engine, args) : null;
  },
  previewDecision: async (shop: string, input: PreviewInput) => {
    const engine = await getEngine(shop);
    return engine ? previewDecision(engine, input) : null;
  },
  shopperFor: async (shop: string, args: { segmentIds: string[]; placement?: Placement }) => {
    const engine = await getEngine(shop);
    return engine ? shopperFor(engine, args) : null;
  },
  productTitles: async (shop: string, args: { ids: readonly string[] }) => {
    const engine = await getEngine(shop);
    return engine ? productTitles(engine, args) : {};
  },
  /**
   * An admin write committed its `config` event: this instance's engine follows the feed now, so
   * the merchant's next page shows the change; other instances and threads follow on their poll.
   */
  configSaved: async (shop: string): Promise<void> => {
    const registry = await engines();
    if (registry.peek(shop)) await registry.follow(shop);
  },
};

// ---------------------------------------------------------------- segment sizes

function compiledFor(config: ShopConfig): CompiledSegmentSet {
  let set = compiled.get(config);
  if (!set) {
    set = compileSegments(config.segments, { vipThresholdCents: config.vipThresholdCents, atRiskChurnRatio: config.atRiskChurnRatio, lapsedChurnRatio: config.lapsedChurnRatio });
    compiled.set(config, set);
  }
  return set;
}
const compiled = new WeakMap<ShopConfig, CompiledSegmentSet>();

const SIZES_TTL_MS = 60_000;
/** Customers counted between yields: ~25 ms of work, so storefront requests on this thread keep flowing. */
const SIZES_CHUNK = 500;

interface SizeState {
  config: ShopConfig;
  at: number;
  value: SegmentSizes | null;
  running: Promise<SegmentSizes> | null;
}
const sizeStates = new WeakMap<ShopEngine, SizeState>();

export interface SegmentSizesResult extends SegmentSizes {
  /** Counted for an earlier configuration or more than a minute ago; a fresh count is under way. */
  stale: boolean;
}

function count(engine: ShopEngine, now: number): Promise<SegmentSizes> {
  const { config, model } = engine;
  const profile = { ...config.profile, churnThresholds: { atRisk: config.atRiskChurnRatio, lapsed: config.lapsedChurnRatio } };
  const counter = new SegmentCounter(model.customers(), model, compiledFor(config), profile, now);
  return new Promise((resolve, reject) => {
    const run = () => {
      try {
        if (counter.step(SIZES_CHUNK)) resolve(counter.result);
        else setImmediate(run);
      } catch (err) {
        reject(err);
      }
    };
    run();
  });
}

/**
 * Customers in each segment (built-in and merchant) now, with a few members each, counted from the
 * in-memory model in small steps. A count is reused for a minute while the configuration is the
 * same; otherwise a new one starts and the caller waits up to `waitMs` (default 300) for it: small
 * shops get exact numbers at once, large ones get the previous count (stale) or null until it ends.
 */
export async function segmentSizesOf(engine: ShopEngine, args: { waitMs?: number } = {}): Promise<SegmentSizesResult | null> {
  const now = Date.now();
  let st = sizeStates.get(engine);
  if (!st) sizeStates.set(engine, (st = { config: engine.config, at: 0, value: null, running: null }));
  const fresh = st.value && st.config === engine.config && now - st.at < SIZES_TTL_MS;
  if (fresh) return { ...st.value!, stale: false };
  if (!st.running || st.config !== engine.config) {
    const state = st;
    const config = engine.config;
    state.config = config;
    const running = count(engine, now).then((value) => {
      if (state.config === config) Object.assign(state, { value, at: now });
      return value;
    });
    state.running = running;
    running.finally(() => {
      if (state.running === running) state.running = null;
    }).catch(() => {});
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A failed count leaves the previous sizes (or none); the next request starts another.
  const waited = await Promise.race([st.running!.catch(() => null), new Promise<null>((r) => (timer = setTimeout(r, args.waitMs ?? 300, null)))]);
  clearTimeout(timer);
  if (waited && st.config === engine.config) return { ...waited, stale: false };
  return st.value ? { ...st.value, stale: true } : null;
}

// ---------------------------------------------------------------- preview as

export interface PreviewInput {
  placement: Placement;
  /** A known customer (their history drives personal segments); null = a guest. */
  customerId?: Id | null;
  country?: string | null;
  trafficSource?: string | null;
  device?: Device | null;
  returningVisitor?: boolean;
  /** A cart of this value (one priced line), for cart-value segments. */
  cartValueCents?: number | null;
  productId?: Id | null;
  now?: number;
  limit?: number;
}

export interface PreviewResult {
  placement: Placement;
  personalized: boolean;
  customer: { id: Id; known: boolean; orders: number } | null;
  rule: { id: string; name: string } | null;
  strategy: StrategyName | null;
  content: Content;
  offer: Offer | null;
  segments: MatchedSegment[];
  skipped: SkippedRule[];
  products: { id: Id; title: string; priceCents: number; imageUrl: string | null; reason: string; strategy: StrategyName }[];
  explanation: string[];
  visitorOffer: { kind: string; message: string; reason: string } | null;
}

/** The decision the engine would make for this shopper, with reasons for everything. */
export function previewDecision(engine: ShopEngine, input: PreviewInput): PreviewResult {
  const { model, config } = engine;
  const customerId = input.customerId?.trim() || null;
  const ctx: ShopperContext = {
    placement: input.placement,
    customerId,
    country: input.country?.trim().toUpperCase() || null,
    trafficSource: input.trafficSource?.trim().toLowerCase() || "direct",
    device: input.device ?? null,
    returningVisitor: input.returningVisitor === true || customerId != null,
    productId: input.productId && model.product(input.productId) ? input.productId : null,
    now: input.now ?? Date.now(),
  };
  if (input.cartValueCents && input.cartValueCents > 0) ctx.cart = [{ productId: "cart-total", quantity: 1, priceCents: input.cartValueCents }];
  const d = decide({ store: model, recommender: recommenderFor(model), config }, ctx, { limit: input.limit ?? 8, explain: true });
  return {
    placement: d.placement,
    personalized: d.personalized,
    customer: customerId ? { id: customerId, known: model.customer(customerId) != null, orders: model.ordersOf(customerId).length } : null,
    rule: d.rule,
    strategy: d.strategy,
    content: d.content,
    offer: d.offer,
    segments: d.matched ?? [],
    skipped: d.skipped,
    products: d.products.map((r) => {
      const p = model.product(r.productId);
      return { id: r.productId, title: p?.title ?? r.productId, priceCents: p?.priceCents ?? 0, imageUrl: p?.imageUrl ?? null, reason: r.reason, strategy: r.strategy };
    }),
    explanation: d.explanation,
    visitorOffer: d.visitorOffer ? { kind: d.visitorOffer.kind, message: d.visitorOffer.message, reason: d.visitorOffer.reason } : null,
  };
}

/**
 * A shopper who would be in these segments, for "preview as" from a rule or a segment: dimension
 * segments set the request (country:ca -> country CA), visitor segments the visit, and any other
 * segment picks one of its current members.
 */
export async function shopperFor(engine: ShopEngine, args: { segmentIds: string[]; placement?: Placement }): Promise<Omit<PreviewInput, "now" | "limit">> {
  const out: Omit<PreviewInput, "now" | "limit"> = { placement: args.placement ?? "home", customerId: null, returningVisitor: false };
  const sizes = args.segmentIds.some((id) => !isDimensionSegmentId(id) && id !== "new_visitor" && id !== "returning_visitor") ? await segmentSizesOf(engine, { waitMs: 2000 }) : null;
  for (const id of args.segmentIds) {
    if (id.startsWith("country:")) out.country = id.slice(8).toUpperCase();
    else if (id.startsWith("source:")) out.trafficSource = id.slice(7);
    else if (id.startsWith("device:")) out.device = id.slice(7) as Device;
    else if (id === "returning_visitor") out.returningVisitor = true;
    else if (id === "new_visitor") continue;
    else if (!out.customerId && sizes?.samples[id]?.length) out.customerId = sizes.samples[id][0];
    else if (!out.customerId) {
      // Cart-value segments have no members until a request: give the preview such a cart.
      const seg = engine.config.segments.find((s) => s.id === id);
      const leaf = seg && "field" in seg.condition ? seg.condition : null;
      if (leaf?.field === "cart_value_cents" && typeof leaf.value === "number") out.cartValueCents = leaf.value + (leaf.op === "gt" ? 1 : 0);
    }
    if (out.customerId || out.country || out.trafficSource) break;
  }
  return out;
}

/** The storefront preview persona (scripts/preview) closest to a rule's segments, for the demo link. */
export function personaFor(segmentIds: readonly string[]): string {
  for (const id of segmentIds) {
    if (id === "source:pinterest") return "pinterest";
    if (id === "country:ca" || id.includes("canad")) return "canada";
    if (id === "vip") return "vip";
    if (id === "lapsed" || id === "at_risk") return "lapsed";
    if (id === "repeat_buyer" || id === "returning_visitor" || id === "first_time_buyer") return "returning";
    if (id === "high_value_cart") return "full_cart";
    if (id === "new_visitor") return "new";
  }
  return "new";
}

/** The local storefront preview's URL in the demo (scripts/demo.ts sets it); null elsewhere. */
export function storefrontPreviewUrl(persona: string): string | null {
  const config = env();
  const base = config.ATTUNE_SIMULATOR === "1" ? config.ATTUNE_PREVIEW_URL : undefined;
  if (!base) return null;
  const u = new URL(base);
  u.searchParams.set("persona", persona);
  return u.toString();
}


/** Titles of catalogue products by id (for chosen products shown as tags); unknown ids are left out. */
export function productTitles(engine: ShopEngine, args: { ids: readonly string[] }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of args.ids.slice(0, 500)) {
    const p = engine.model.product(id);
    if (p) out[id] = p.title;
  }
  return out;
}
