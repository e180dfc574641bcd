/**
 * The storefront's decisions on their own thread (server.mjs starts engine-thread.mjs unless
 * ATTUNE_ENGINE=inline). The shop engines (the in-memory model, the shopper caches, the change-feed
 * followers) then live on that thread only, and the request thread keeps to HTTP, signatures and
 * validation: a decision no longer holds up acknowledging webhooks or answering other requests,
 * and the two halves of a storefront request use two cores.
 *
 * storefront.server.ts forwards its calls here when global.__attuneEngineThread is set; on this
 * thread it is not, so the same functions run locally. Messages on one port are delivered in
 * order, so a `signalsWritten` eviction posted before a later decision is applied before it.
 */
import { db } from "../db.server";
import { emitApplied, warmInstalledShops } from "./runtime.server";
import { recommendations, recommendationsJson, signalsWritten, upsell, visitorOffer } from "./storefront.server";

type Args<F> = F extends (tx: never, ...rest: infer R) => unknown ? R : never;

/** Runs one forwarded storefront call (the arguments are the caller's, minus its database handle). */
export function serveStorefrontCall(fn: string, args: unknown[]): Promise<unknown> {
  switch (fn) {
    case "recommendations":
      return recommendations(db(), ...(args as Args<typeof recommendations>));
    case "recommendationsJson":
      return recommendationsJson(db(), ...(args as Args<typeof recommendationsJson>));
    case "visitorOffer":
      return visitorOffer(db(), ...(args as Args<typeof visitorOffer>));
    case "upsell":
      return upsell(db(), ...(args as Args<typeof upsell>));
    case "signalsWritten":
      signalsWritten(...(args as Parameters<typeof signalsWritten>));
      return Promise.resolve(null);
    default:
      return Promise.reject(new Error(`unknown storefront call ${fn}`));
  }
}

/** Starts the engine thread's side: installed shops' engines are built now, not on a first request. */
export function startEngineThread(): { serve: typeof serveStorefrontCall; applied: (shops: string[]) => void } {
  setTimeout(() => void warmInstalledShops(), 0);
  return { serve: serveStorefrontCall, applied: (shops) => emitApplied(new Set(shops)) };
}
