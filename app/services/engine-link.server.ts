/**
 * Whether this thread holds the shop engines or reaches them on another thread.
 *
 * Under `npm start`, server.mjs starts the engine thread (engine-thread.mjs) and, before it loads
 * the app's build, sets `globalThis.__attuneEngineThread` on the request thread: a function that
 * posts one call (method name, arguments) to the engine thread and resolves with its answer. That
 * slot is the whole transport; only this module reads it. On the engine thread itself, and wherever
 * ATTUNE_ENGINE=inline (dev server, tests), it is unset and the engines live in this thread.
 */
export type EngineTransport = (method: string, args: unknown[]) => Promise<unknown>;

declare global {
  // eslint-disable-next-line no-var
  var __attuneEngineThread: EngineTransport | undefined;
}

/** The engine thread's transport, or null when the engines live in this thread. */
export function engineThread(): EngineTransport | null {
  return globalThis.__attuneEngineThread ?? null;
}

/**
 * Throws where engines must not be built: a second copy of a shop's model on the request thread
 * would double the process's memory and stall requests while it builds.
 */
export function assertEnginesLiveHere(): void {
  if (engineThread()) {
    throw new Error("The shop engines live on the engine thread here: reach them through enginePort (app/services/engine-port.server.ts)");
  }
}
