import { PassThrough } from "node:stream";
import { createReadableStreamFromReadable, type EntryContext } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { addDocumentResponseHeaders, handleInstalls } from "./shopify.server";
import { onInstalled } from "./services/install.server";
import { ensureRuntime } from "./services/runtime.server";
import { markPrivate } from "./utils/http.server";
import { log } from "./utils/log.server";

// server.mjs reaches these through the build's entry module to run the worker on its own thread.
export { runIngestWorker } from "./services/runtime.server";
export { emitApplied } from "./services/data-applied.server";
export { createGroupWriter } from "./services/delivery-writer.server";
export { db } from "./db.server";
export { startEngineThread } from "./services/engine-thread.server";

// The app's composition root: an install records the shop and starts its backfill.
handleInstalls(onInstalled);

// Start background work with the server, so deliveries acknowledged before a crash are applied on restart.
ensureRuntime();

const ABORT_DELAY = 5000;

/**
 * Remix's default prints a stack trace for every error, a 404 for an unknown URL included: any
 * unauthenticated client could fill the logs. An expected 4xx is one line; real errors keep their stack.
 */
export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  if (isRouteErrorResponse(error) && error.status < 500) {
    log.warn("request refused", { status: error.status, method: request.method, path: new URL(request.url).pathname });
    return;
  }
  const internal = isRouteErrorResponse(error) ? (error as { error?: unknown }).error : undefined;
  console.error(internal ?? error);
}

/** Loader and action JSON (Remix data requests) is per merchant. server.mjs also covers resource routes. */
export function handleDataRequest(response: Response) {
  try {
    markPrivate(response.headers);
  } catch {
    // Immutable headers (Response.redirect, a proxied fetch): left as they are; server.mjs adds them.
  }
  return response;
}

export default async function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  addDocumentResponseHeaders(request, responseHeaders);
  markPrivate(responseHeaders);
  const callbackName = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";
  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError: reject,
      onError(error: unknown) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    setTimeout(abort, ABORT_DELAY);
  });
}
