/**
 * The one way into the shop engines from a route: `enginePort.<method>(...args)`.
 *
 * Under `npm start` the engines live on the engine thread (engine-thread.mjs) and a call crosses to
 * it over one message port (engine-link.server.ts); with ATTUNE_ENGINE=inline (dev server, tests)
 * the same handler runs in this thread. Either way the caller writes the same line and gets the
 * same typed answer, and no route can build a second copy of an engine on the request thread
 * (engines() refuses there).
 *
 * Adding a method is one edit: an entry in `calls` below. Its name is the method's name on both
 * sides; its handler runs where the engines live (getEngine(shop) there returns the shop's built
 * engine, db() the database). Rules for a handler:
 * - arguments and result are plain data (structured-cloneable; they are copied between threads):
 *   no functions, class instances or database handles. A result a route sends as JSON can be
 *   built as its text on the engine side (recommendationsJson): a string crosses for the cost of
 *   a copy.
 * - the shop comes from the caller's verified session or signature, passed as an argument.
 * - calls on one port are answered in the order they were sent, so a write's eviction
 *   (signalsWritten) is applied before any later decision.
 *
 * Example, an admin loader:
 *   const { shop } = await adminContext(request);
 *   const preview = await enginePort.recommendations({ shop, customerId: "123" }, { placement: "home", limit: 8 });
 */
import { db } from "../db.server";
import { adminEngineCalls } from "./admin-insights.server";
import { decisionsToday } from "./decision-count.server";
import { engineThread } from "./engine-link.server";
import {
  recommendations,
  recommendationsJson,
  signalsWritten,
  upsell,
  visitorOffer,
  type RecommendationsInput,
  type RequestContext,
  type ShopperIdentity,
} from "./storefront.server";

const calls = {
  /** One recommendation row's decision, as an object (null: the shop has no data in Attune). */
  recommendations: (who: ShopperIdentity, input: RecommendationsInput, now = Date.now()) => recommendations(db(), who, input, now),
  /** The same as the JSON text the proxy route sends. */
  recommendationsJson: (who: ShopperIdentity, input: RecommendationsInput, now = Date.now()) => recommendationsJson(db(), who, input, now),
  /** The app embed's visitor-type offer. */
  visitorOffer: (who: ShopperIdentity, req: RequestContext & { cartTotalCents?: number | null }, now = Date.now()) => visitorOffer(db(), who, req, now),
  /** The checkout / thank-you upsell. */
  upsell: (who: ShopperIdentity, placement: "checkout" | "thank_you", limit: number, now = Date.now()) => upsell(db(), who, placement, limit, now),
  /** The events and quiz routes stored these identities' signals: the engine forgets its cached copies. */
  signalsWritten: (shop: string, entities: readonly string[]) => signalsWritten(shop, entities),
  /** Storefront decisions this instance's engines served for the shop since 00:00 UTC (Home). */
  decisionsToday: (shop: string) => decisionsToday(shop),
  /** The embedded admin's reads: configuration, segment sizes, preview-as decisions, product titles. */
  ...adminEngineCalls,
} satisfies Record<string, (...args: never[]) => unknown>;

type Calls = typeof calls;
export type EngineMethod = keyof Calls;

/** Every call, typed from its handler: the same arguments, the answer as a promise. */
export type EnginePort = { readonly [M in EngineMethod]: (...args: Parameters<Calls[M]>) => Promise<Awaited<ReturnType<Calls[M]>>> };

/** Runs a call where the engines live: the engine thread's side, and every call in inline mode. */
export function answerEngineCall(method: string, args: unknown[]): Promise<unknown> {
  // Own names only: a message naming "constructor" or "toString" is not a method.
  if (!Object.hasOwn(calls, method)) return Promise.reject(new Error(`unknown engine call ${method}`));
  try {
    const handler = calls[method as EngineMethod] as (...a: unknown[]) => unknown;
    return Promise.resolve(handler(...args));
  } catch (error) {
    return Promise.reject(error);
  }
}

export const enginePort = Object.freeze(
  Object.fromEntries(
    Object.keys(calls).map((method) => [
      method,
      (...args: unknown[]) => {
        const thread = engineThread();
        return thread ? thread(method, args) : answerEngineCall(method, args);
      },
    ]),
  ),
) as EnginePort;
