// Production server for the built Remix app (`npm start`).
//
// Why not remix-serve: on this app's hot paths (webhook acks, storefront decisions) its per-request
// gzip of small JSON, filesystem stat for static files, access log and fetch polyfills cost more
// than the work itself (measured: ~2x the CPU per request). This server keeps only what we need:
// native fetch Request/Response, static assets from an index built at start-up (gzipped once,
// immutable for fingerprinted /build files), and graceful shutdown.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { Readable } from "node:stream";
import { Worker } from "node:worker_threads";
import { createRequestHandler } from "@remix-run/node";
import { checkBuild, checkDatabase, checkNode, listenOrExit, orExit } from "./server-startup.mjs";
import { Refusal, appOrigin, bodyLimit, checkRequest, readBody, refuse } from "./server/request-guard.mjs";

const root = path.dirname(new URL(import.meta.url).pathname);
const buildPath = path.resolve(root, process.env.REMIX_BUILD ?? "build/index.js");
const publicDir = path.join(root, "public");
// Before any thread opens the database: a missing build or an unmigrated database stops here.
await orExit(async () => {
  checkNode();
  checkBuild(buildPath);
  await checkDatabase(process.env.DATABASE_URL || "file:./prisma/dev.sqlite", root);
});
// Background ingest runs on a worker thread unless configured otherwise (see app/services/runtime.server.ts).
/**
 * Request/reply over a worker thread's port: each request carries a fresh id, and the reply carries
 * it back under `idKey` with the value under `valueKey`, or `error`.
 */
function requester(worker, { idKey, valueKey, errorPrefix = "" }) {
  const pending = new Map();
  let nextId = 0;
  worker.on("message", (message) => {
    const call = message[idKey] === undefined ? undefined : pending.get(message[idKey]);
    if (!call) return;
    pending.delete(message[idKey]);
    if (message.error !== undefined) call.reject(new Error(errorPrefix + message.error));
    else call.resolve(message[valueKey]);
  });
  return (request) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
}

process.env.ATTUNE_WORKER ??= "thread";
let workerThread;
if (process.env.ATTUNE_WORKER === "thread") {
  workerThread = new Worker(new URL("./worker-thread.mjs", import.meta.url), {
    workerData: { buildPath },
    env: { ...process.env, ATTUNE_WORKER: "off" },
  });
  workerThread.on("error", (error) => {
    console.error("attune: ingest worker thread failed", error);
    process.exit(1);
  });
  globalThis.__attuneNotifyWorker = () => workerThread.postMessage("wake");
  // SQLite has one writer: the worker thread persists deliveries for us (group commit) and answers
  // once they are committed, so a 200 still means "durably stored".
  if ((process.env.DATABASE_URL ?? "file:").startsWith("file:")) {
    const write = requester(workerThread, { idKey: "ack", valueKey: "fresh" });
    globalThis.__attuneWriter = (delivery) => write({ enqueue: delivery });
  }
}

// Storefront decisions run on their own thread unless configured otherwise (see
// app/services/engine-thread.server.ts): the shop engines live there, and this thread forwards calls.
process.env.ATTUNE_ENGINE ??= "thread";
let engineThread;
if (process.env.ATTUNE_ENGINE === "thread") {
  engineThread = new Worker(new URL("./engine-thread.mjs", import.meta.url), {
    workerData: { buildPath },
    env: { ...process.env, ATTUNE_WORKER: "off", ATTUNE_ENGINE: "inline" },
  });
  engineThread.on("error", (error) => {
    console.error("attune: engine thread failed", error);
    process.exit(1);
  });
  const call = requester(engineThread, { idKey: "id", valueKey: "result", errorPrefix: "engine thread: " });
  globalThis.__attuneEngineThread = (fn, args) => call({ fn, args });
}

const build = await import(buildPath);
const mode = process.env.NODE_ENV === "development" ? "development" : "production";
const handle = createRequestHandler(build, mode);
workerThread?.on("message", (message) => {
  if (!message.applied) return;
  build.entry.module.emitApplied(new Set(message.applied));
  engineThread?.postMessage({ applied: message.applied });
});

// The hot resource routes (webhooks, app proxy) are dispatched straight to their route module's
// loader or action. Remix's per-request route matching was a third of a webhook acknowledgement's
// cost and half of a storefront request's, and for every loader call Remix also re-creates the
// Request twice with the abort signal attached, which undici tracks through a WeakRef and a
// FinalizationRegistry: each request's objects then outlive young-generation GCs and were promoted,
// ~16 MB/s at 1,700 req/s, paid back as a ~1 s major-GC stall every two minutes. The module, the
// Request it receives and the Response it returns are the same either way; anything else (another
// method, a route with UI) goes through Remix.
// A nested flat route (proxy.loyalty.redeem under proxy.loyalty) carries only its own segment in `path`.
const fullPath = (route) => (route.parentId && build.routes[route.parentId]?.path ? `${fullPath(build.routes[route.parentId])}/${route.path}` : route.path);
const directRoutes = new Map(
  Object.entries(build.routes)
    .filter(([id, route]) => /^routes\/(webhooks|proxy)\./.test(id) && !route.module.default && !fullPath(route).includes(":"))
    .map(([, route]) => [`/${fullPath(route)}`, route.module]),
);

/** The direct route's loader or action for this method; a Refusal (405) for a method it does not handle. */
function directHandler(method, pathname) {
  const mod = directRoutes.get(pathname);
  if (!mod) return null;
  const handler = method === "GET" || method === "HEAD" ? mod.loader : method === "POST" ? mod.action : undefined;
  return handler ?? new Refusal(405, "method not allowed", { Allow: mod.loader ? (mod.action ? "GET, HEAD, POST" : "GET, HEAD") : "POST" });
}

async function dispatchDirect(handler, request) {
  try {
    const response = await handler({ request, params: {}, context: {} });
    if (!(response instanceof Response)) throw new Error(`${new URL(request.url).pathname}: a directly dispatched route must return a Response`);
    return response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const TYPES = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".map": "application/json", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8", ".woff2": "font/woff2" };

/** url path -> file path, for everything under public/ (no per-request filesystem lookups). */
function indexStatic(dir, prefix = "") {
  const out = new Map();
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const urlPath = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) for (const [k, v] of indexStatic(file, urlPath)) out.set(k, v);
    else out.set(urlPath, file);
  }
  return out;
}
const staticFiles = indexStatic(publicDir);
const staticCache = new Map();

function serveStatic(req, res, file) {
  let entry = staticCache.get(file);
  if (!entry) {
    const body = fs.readFileSync(file);
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    const gzip = /^(text|application\/json|image\/svg)/.test(type) && body.length > 1024 ? zlib.gzipSync(body) : null;
    entry = { body, gzip, type };
    staticCache.set(file, entry);
  }
  const useGzip = entry.gzip && /\bgzip\b/.test(req.headers["accept-encoding"] ?? "");
  res.writeHead(200, {
    "Content-Type": entry.type,
    "Cache-Control": req.url.startsWith("/build/") ? "public, max-age=31536000, immutable" : "public, max-age=3600",
    ...(useGzip ? { "Content-Encoding": "gzip", Vary: "Accept-Encoding" } : {}),
  });
  res.end(req.method === "HEAD" ? undefined : useGzip ? entry.gzip : entry.body);
}

// No abort signal: undici would track the Request through a WeakRef and a FinalizationRegistry
// (see above). A client that goes away mid-response only ends our write; renders stop on their own timer.
// The URL's origin is the configured app URL: Host and X-Forwarded-Proto are client input.
const origin = appOrigin();
function toRequest(req, body) {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  return new Request(origin + req.url, { method: req.method, headers, body });
}

function writeHead(res, response) {
  res.statusCode = response.status;
  res.statusMessage = response.statusText;
  for (const [key, value] of response.headers) if (key !== "set-cookie") res.setHeader(key, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("Set-Cookie", cookies);
}

/**
 * Webhook and proxy answers are small and complete: read whole, then written in one go with a
 * Content-Length, instead of piped through a web-stream adapter and sent chunked.
 */
async function sendWhole(res, response) {
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  writeHead(res, response);
  res.end(body);
}

async function send(res, response) {
  writeHead(res, response);
  // Documents, loader JSON and resource routes (exports) are per merchant: never cached by anyone else.
  if (!response.headers.has("cache-control")) res.setHeader("Cache-Control", "private, no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  if (!response.body) return res.end();
  // Streamed documents (React's renderToPipeableStream) flush as they render.
  await new Promise((resolve, reject) => {
    Readable.fromWeb(response.body).on("error", reject).pipe(res).on("finish", resolve).on("error", reject);
  });
}

const server = http.createServer(async (req, res) => {
  try {
    const refused = checkRequest(req);
    if (refused) return refuse(req, res, refused);
    const pathname = req.url.split("?")[0];
    const file = (req.method === "GET" || req.method === "HEAD") && staticFiles.get(pathname);
    if (file) return serveStatic(req, res, file);
    const direct = directHandler(req.method, pathname);
    if (direct instanceof Refusal) return refuse(req, res, direct);
    // Bounded per route, refused before reading when the declared length is too large.
    const body = req.method !== "GET" && req.method !== "HEAD" ? await readBody(req, bodyLimit(pathname)) : undefined;
    const request = toRequest(req, body);
    if (direct) await sendWhole(res, await dispatchDirect(direct, request));
    else await send(res, await handle(request));
  } catch (error) {
    if (error instanceof Refusal) return refuse(req, res, error);
    console.error(error);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("Internal Server Error");
  }
});
server.keepAliveTimeout = 65_000;

const port = Number(process.env.PORT || 3000);
listenOrExit(server, port, process.env.HOST, () => {
  console.log(`attune: listening on http://${process.env.HOST ?? "localhost"}:${port} (${mode})`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    server.close();
    server.closeIdleConnections();
    // In-flight decisions are answered before the server closes; nothing on that thread needs saving.
    server.once("close", () => void engineThread?.terminate());
    if (!workerThread) return;
    workerThread.once("message", () => workerThread.terminate());
    workerThread.postMessage("stop");
  });
}
