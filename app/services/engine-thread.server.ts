/**
 * The engine thread's side (server.mjs starts engine-thread.mjs unless ATTUNE_ENGINE=inline). The
 * shop engines (the in-memory models, the shopper caches, the change-feed followers) live on this
 * thread only, and the request thread keeps to HTTP, signatures and validation: a decision never
 * holds up acknowledging webhooks or answering other requests, and the two halves of a storefront
 * request use two cores.
 *
 * Calls arrive from enginePort (engine-port.server.ts) on the request thread, one message each, and
 * are answered by the same handlers that run in-process in inline mode. Messages on one port are
 * delivered in order, so a `signalsWritten` eviction posted before a later decision is applied
 * before it.
 */
import { warmProductLists } from "../engine/recs/warmup";
import { emitApplied } from "./data-applied.server";
import { loadedEngine } from "./engine.server";
import { answerEngineCall } from "./engine-port.server";
import { warmInstalledShops } from "./runtime.server";

/** Calls being answered, and when the last one arrived: background work runs only when both say idle. */
let inFlight = 0;
let lastCallAt = 0;

/** Answers one call posted by the request thread's enginePort. */
export function serveEngineCall(method: string, args: unknown[]): Promise<unknown> {
  inFlight++;
  lastCallAt = performance.now();
  const done = () => void inFlight--;
  const answer = answerEngineCall(method, args);
  answer.then(done, done);
  return answer;
}

/** Best-sellers whose product lists are computed ahead of their first shopper, per shop. */
const WARM_PRODUCTS = 5000;
/** Longest stretch of warming between two looks at the message queue: what a decision can wait. */
const WARM_SLICE_MS = 2;
/** Warming waits until no call has arrived for this long: under steady traffic it waits for a lull. */
const QUIET_MS = 20;

/** No call in progress and none for QUIET_MS. */
export function engineIdle(now = performance.now()): boolean {
  return inFlight === 0 && now - lastCallAt >= QUIET_MS;
}

/**
 * Computes the shops' best-sellers' product lists in slices of idle time (warmProductLists). A slice
 * runs only while idle() holds and then yields to the message queue, so a decision that arrives
 * waits at most one slice, and warming never takes time that traffic needs (a version that ran a
 * slice between every two messages starved a 500 req/s load: p99 1.5 s).
 */
export async function warmProductListsInSlices(shops: string[], maxProducts = WARM_PRODUCTS, sliceMs = WARM_SLICE_MS, idle: () => boolean = engineIdle): Promise<number> {
  let warmed = 0;
  for (const shop of shops) {
    const engine = loadedEngine(shop);
    if (!engine) continue;
    const steps = warmProductLists(engine.model, maxProducts);
    await new Promise<void>((resolve) => {
      const slice = () => {
        if (!idle()) return void setTimeout(slice, QUIET_MS);
        // At least one product per slice, however short the slice.
        const end = performance.now() + sliceMs;
        do {
          if (steps.next().done) return resolve();
          warmed++;
        } while (performance.now() < end);
        setImmediate(slice);
      };
      setImmediate(slice);
    });
  }
  return warmed;
}

/** Starts the engine thread's side: installed shops' engines are built now, not on a first request. */
export function startEngineThread(): { serve: typeof serveEngineCall; applied: (shops: string[]) => void } {
  setTimeout(() => void warmInstalledShops().then((shops) => warmProductListsInSlices(shops)), 0);
  return { serve: serveEngineCall, applied: (shops) => emitApplied(new Set(shops)) };
}
