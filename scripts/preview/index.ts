/**
 * Local storefront preview: a tiny node:http storefront that plays Shopify's part for Attune's
 * theme app extension (dev and test only; app/ never imports it).
 *
 *   const preview = await startPreview({ appUrl, secret, shop, port: 0, databaseUrl });
 *   preview.url  // http://127.0.0.1:<port>/  (persona links: `${url}?persona=vip`, ...)
 *
 * - Theme pages (`/`, `/products/<handle>`, `/cart`) wrap the extension's real Liquid blocks
 *   (home, quiz, product, cart, and the embed on every page), rendered with liquidjs through
 *   scripts/preview/liquid-env.ts; block assets are served from extensions/attune-theme/assets.
 * - App proxy: `/apps/attune/<path>?<query>` (GET, POST) -> `<appUrl>/proxy/<path>` with `shop`,
 *   `path_prefix`, `timestamp`, `logged_in_customer_id` (the persona's, blank for guests) and the
 *   HMAC `signature` added as Shopify does; anything the browser sent under those names is dropped,
 *   and so are Cookie / Set-Cookie.
 * - Ajax Cart API in memory per preview session (cart.ts).
 * - Checkout (`POST /cart/checkout`, or `/cart/checkout.js` for JSON): the cart becomes an order
 *   sent to the app as a signed orders/create webhook, line properties and cart attributes included
 *   (checkout.ts).
 * - Personas (`?persona=<id>`, bar at the top): data.ts picks them from the store's order history.
 *
 * CLI: `tsx scripts/preview/index.ts --app-url http://localhost:3000 --secret <app secret>
 *       --shop attune-demo.myshopify.com --database-url file:./prisma/demo.sqlite [--port 9292]`
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createLiquidEnv } from "./liquid-env";
import { appProxySignature } from "../simulator/sign";
import { add, type Cart, type CartDiscount, CartError, cartJson, change, emptyCart, update } from "./cart";
import { checkout } from "./checkout";
import { loadPreviewData, PERSONA_ORDER, type PersonaId, type PreviewData } from "./data";
import { cartPage, homePage, liquidPage, loyaltyPage, type PageInput, placeholderSvg, productPage, THEME_SCRIPT } from "./theme";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const PROXY_PREFIX = "/apps/attune";
const COOKIE = "attune_preview";
/** Parameters only Shopify may set on a proxied request. */
const SHOPIFY_PARAMS = new Set(["shop", "logged_in_customer_id", "signature", "path_prefix", "timestamp"]);
const MAX_BODY = 64 * 1024;

export interface PreviewOptions {
  /** The running app, e.g. http://127.0.0.1:3000 (requests go to <appUrl>/proxy/...). */
  appUrl: string;
  /** The app's SHOPIFY_API_SECRET (app proxy signatures). */
  secret: string;
  shop: string;
  /** 0 = any free port. */
  port?: number;
  host?: string;
  /** The app's database (read only: catalog and persona customers). Defaults to DATABASE_URL. */
  databaseUrl?: string;
  extensionDir?: string;
  locale?: string;
  /** The Admin API stand-in's origin: `/discount/<code>` looks codes up there (without it, no code applies). */
  adminApiUrl?: string;
  /** Block settings overrides, e.g. { embed: { delay: 3 } }. */
  blockSettings?: Record<string, Record<string, unknown>>;
}

export interface ProxyLogEntry {
  at: string;
  method: string;
  path: string;
  /** What the app received, signature omitted. */
  params: Record<string, string[]>;
  status: number;
  ms: number;
}

export interface Preview {
  url: string;
  data: PreviewData;
  /** `${url}?persona=<id>` for each persona. */
  personaLinks(): { id: PersonaId; label: string; url: string; why: string }[];
  /** The last proxied requests (newest last). */
  proxyLog: ProxyLogEntry[];
  stop(): Promise<void>;
}

interface Session {
  id: string;
  persona: PersonaId;
  cart: Cart;
  resetClient: boolean;
  consent: "granted" | "denied";
  /** The order just placed, shown once on the cart page. */
  placed: string | null;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new CartError(413, "Request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** JSON or form-encoded (`id`, `quantity`, `properties[x]`, `attributes[x]`, `updates[x]`). */
function parseBody(buf: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = buf.toString("utf8");
  if (!text.trim()) return {};
  if ((contentType ?? "").includes("application/json")) {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new CartError(400, "Body must be a JSON object");
    return v as Record<string, unknown>;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    const m = /^(\w+)\[([^\]]*)\]$/.exec(k);
    if (m) ((out[m[1]] ??= {}) as Record<string, string>)[m[2]] = v;
    else out[k] = v;
  }
  return out;
}

function cookies(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

const send = (res: http.ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "Cache-Control": "no-store", ...headers });
  res.end(body);
};
const sendJson = (res: http.ServerResponse, status: number, body: unknown) => send(res, status, JSON.stringify(body), { "Content-Type": "application/json; charset=utf-8" });
const redirect = (res: http.ServerResponse, to: string) => send(res, 302, "", { Location: to });

export async function startPreview(o: PreviewOptions): Promise<Preview> {
  const databaseUrl = o.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("startPreview: databaseUrl (or DATABASE_URL) is required: the preview reads the catalog and personas from the app's database");
  const appUrl = o.appUrl.replace(/\/$/, "");
  const extensionDir = path.resolve(ROOT, o.extensionDir ?? "extensions/attune-theme");
  const env = createLiquidEnv({ extensionDir, locale: o.locale ?? "en", assetBase: "/assets" });
  const assetsDir = path.join(extensionDir, "assets");
  const data = await loadPreviewData({ databaseUrl, shop: o.shop });
  const sessions = new Map<string, Session>();
  const proxyLog: ProxyLogEntry[] = [];

  const session = (req: http.IncomingMessage, res: http.ServerResponse): Session => {
    const id = cookies(req)[COOKIE];
    let s = id ? sessions.get(id) : undefined;
    if (!s) {
      s = { id: crypto.randomUUID(), persona: "new", cart: emptyCart(), resetClient: false, consent: "granted", placed: null };
      sessions.set(s.id, s);
      res.setHeader("Set-Cookie", `${COOKIE}=${s.id}; Path=/; HttpOnly; SameSite=Lax`);
    }
    return s;
  };

  const setPersona = (s: Session, id: PersonaId) => {
    const p = data.personas.get(id)!;
    s.persona = id;
    s.cart = emptyCart();
    for (const l of p.cart) add(data, s.cart, { id: l.variantId, quantity: l.quantity });
    s.resetClient = true;
  };

  const page = (s: Session): PageInput => {
    const input: PageInput = { env, data, persona: data.personas.get(s.persona)!, cart: s.cart, resetClient: s.resetClient, blockSettings: o.blockSettings, consent: s.consent, placed: s.placed };
    s.resetClient = false;
    s.placed = null;
    return input;
  };

  async function proxy(req: http.IncomingMessage, res: http.ServerResponse, s: Session, url: URL) {
    const sub = url.pathname.slice(PROXY_PREFIX.length).replace(/^\/+/, "");
    const started = Date.now();
    const params: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) if (!SHOPIFY_PARAMS.has(k)) (params[k] ??= []).push(v);
    const persona = data.personas.get(s.persona)!;
    params.shop = [o.shop];
    params.path_prefix = [PROXY_PREFIX];
    params.timestamp = [String(Math.floor(Date.now() / 1000))];
    params.logged_in_customer_id = [persona.customerId ?? ""];
    const query = new URLSearchParams();
    for (const [k, vs] of Object.entries(params)) for (const v of vs) query.append(k, v);
    query.append("signature", appProxySignature(o.secret, params));

    const headers: Record<string, string> = {};
    for (const h of ["accept", "content-type", "user-agent", "accept-language"]) {
      const v = req.headers[h];
      if (typeof v === "string") headers[h] = v;
    }
    headers["x-forwarded-for"] = req.socket.remoteAddress ?? "127.0.0.1";
    headers["x-forwarded-host"] = req.headers.host ?? "";
    const method = req.method ?? "GET";
    const body = method === "GET" || method === "HEAD" ? undefined : new Uint8Array(await readBody(req));
    let status = 502;
    try {
      const r = await fetch(`${appUrl}/proxy/${sub}?${query}`, { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(10_000) });
      status = r.status;
      const buf = Buffer.from(await r.arrayBuffer());
      const out: Record<string, string> = {};
      // Shopify strips Set-Cookie (and never forwards the shopper's Cookie).
      for (const [k, v] of r.headers) if (!["set-cookie", "content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"].includes(k)) out[k] = v;
      if ((r.headers.get("content-type") ?? "").startsWith("application/liquid")) {
        send(res, status, await liquidPage(page(s), buf.toString("utf8"), url.pathname), { "Content-Type": "text/html; charset=utf-8" });
      } else {
        res.writeHead(status, out);
        res.end(buf);
      }
    } catch (e) {
      sendJson(res, 502, { error: "app_unreachable", message: (e as Error).message });
    }
    proxyLog.push({ at: new Date(started).toISOString(), method, path: `/proxy/${sub}`, params: Object.fromEntries(Object.entries(params)), status, ms: Date.now() - started });
    if (proxyLog.length > 500) proxyLog.splice(0, proxyLog.length - 500);
  }

  async function cartApi(req: http.IncomingMessage, res: http.ServerResponse, s: Session, url: URL): Promise<boolean> {
    const p = url.pathname.replace(/\/+$/, "");
    const method = req.method ?? "GET";
    if (p === "/cart.js" || p === "/cart.json") {
      sendJson(res, 200, cartJson(data, s.cart));
      return true;
    }
    const placing = /^\/cart\/checkout(\.js|\.json)?$/.exec(p);
    if (placing) {
      if (method !== "POST") return sendJson(res, 405, { status: 405, message: "Method Not Allowed", description: "Use POST" }), true;
      await readBody(req);
      if (!s.cart.lines.length) return sendJson(res, 422, { status: 422, message: "Cart Error", description: "Your cart is empty" }), true;
      const placed = await checkout({ appUrl, secret: o.secret, shop: o.shop, data, cart: s.cart, persona: data.personas.get(s.persona)! });
      const ok = placed.status >= 200 && placed.status < 300;
      if (ok) {
        s.cart = emptyCart();
        s.placed = placed.order.name;
      }
      if (placing[1]) sendJson(res, ok ? 200 : 502, { order: placed.order, webhook: { status: placed.status, attempts: placed.attempts } });
      else if (ok) redirect(res, "/cart");
      else send(res, 502, `Checkout failed: the app answered ${placed.status}`, { "Content-Type": "text/plain; charset=utf-8" });
      return true;
    }
    const m = /^\/cart\/(add|update|change|clear)(\.js|\.json)?$/.exec(p);
    if (!m) return false;
    const ajax = Boolean(m[2]);
    let body: Record<string, unknown> = {};
    if (method === "POST") body = parseBody(await readBody(req), req.headers["content-type"]);
    else if (method === "GET" && !ajax) body = Object.fromEntries(url.searchParams); // theme links: /cart/change?line=1&quantity=0
    else return sendJson(res, 405, { status: 405, message: "Method Not Allowed", description: "Use POST" }), true;
    try {
      const result = m[1] === "add" ? add(data, s.cart, body) : m[1] === "update" ? update(data, s.cart, body) : m[1] === "change" ? change(data, s.cart, body) : ((s.cart.lines = []), cartJson(data, s.cart));
      if (ajax) sendJson(res, 200, result);
      else redirect(res, "/cart");
    } catch (e) {
      if (!(e instanceof CartError)) throw e;
      if (ajax) sendJson(res, e.status, { status: e.status, message: "Cart Error", description: e.description });
      else send(res, e.status, `Cart error: ${e.description}`, { "Content-Type": "text/plain; charset=utf-8" });
    }
    return true;
  }

  async function lookUpCode(code: string): Promise<CartDiscount> {
    if (!o.adminApiUrl) return { code, applicable: false };
    const r = await fetch(`${o.adminApiUrl}/simulator/discount-codes?shop=${encodeURIComponent(o.shop)}&code=${encodeURIComponent(code)}`);
    if (!r.ok) return { code, applicable: false };
    const found = (await r.json()) as { code: string; discount: { type: string; endsAt: string | null; customerGets?: any; minimumRequirement?: any } };
    const d = found.discount;
    if (d.endsAt && Date.parse(d.endsAt) < Date.now()) return { code: found.code, applicable: false };
    const min = Number(d.minimumRequirement?.subtotal?.greaterThanOrEqualToSubtotal ?? 0);
    const base: CartDiscount = { code: found.code, applicable: true, ...(min > 0 ? { minSubtotalCents: Math.round(min * 100) } : {}) };
    if (d.type === "DiscountCodeFreeShipping") return { ...base, freeShipping: true };
    const value = d.customerGets?.value ?? {};
    if (typeof value.percentage === "number") return { ...base, percentage: value.percentage };
    const amount = Number(value.discountAmount?.amount ?? value.amount ?? 0);
    return amount > 0 ? { ...base, amountCents: Math.round(amount * 100) } : { ...base, applicable: false };
  }

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://preview.local");
    const p = url.pathname;
    if (p.startsWith("/assets/")) {
      const name = p.slice("/assets/".length);
      const file = path.join(assetsDir, name);
      if (!/^[\w.-]+$/.test(name) || !fs.existsSync(file)) return send(res, 404, "not found");
      const type = name.endsWith(".js") ? "text/javascript; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8" : "application/octet-stream";
      return send(res, 200, fs.readFileSync(file), { "Content-Type": type, "Cache-Control": "no-cache" });
    }
    if (p === "/preview/theme.js") return send(res, 200, THEME_SCRIPT, { "Content-Type": "text/javascript; charset=utf-8" });
    if (p === "/preview/placeholder.svg") return send(res, 200, placeholderSvg(), { "Content-Type": "image/svg+xml", "Cache-Control": "max-age=3600" });
    if (p === "/preview/proxy-log.json") return sendJson(res, 200, proxyLog);
    if (p === "/preview/personas.json") return sendJson(res, 200, [...data.personas.values()]);
    if (p === "/favicon.ico") return send(res, 204, "");

    const s = session(req, res);
    if (p === PROXY_PREFIX || p.startsWith(PROXY_PREFIX + "/")) return proxy(req, res, s, url);
    if (await cartApi(req, res, s, url)) return;
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "Method Not Allowed");

    const consent = url.searchParams.get("consent");
    const personaParam = url.searchParams.get("persona");
    if (personaParam !== null || consent !== null) {
      if (consent === "denied" || consent === "granted") s.consent = consent;
      if (personaParam !== null) {
        if (!data.personas.has(personaParam as PersonaId)) return send(res, 404, `unknown persona "${personaParam}"; one of ${PERSONA_ORDER.join(", ")}`);
        setPersona(s, personaParam as PersonaId);
      }
      url.searchParams.delete("persona");
      url.searchParams.delete("consent");
      const landing = personaParam ? data.personas.get(personaParam as PersonaId)!.landing : null;
      const q = [url.searchParams.toString(), landing ?? ""].filter(Boolean).join("&");
      return redirect(res, `${p}${q ? `?${q}` : ""}`);
    }

    const discount = /^\/discount\/([^/]{1,255})$/.exec(p);
    if (discount) {
      // Shopify's shareable discount link: remember the code on the cart, then go where `redirect` says
      // (a local path only: an open redirect would be a phishing aid).
      s.cart.discount = await lookUpCode(decodeURIComponent(discount[1]));
      const to = url.searchParams.get("redirect") ?? "/cart";
      return redirect(res, /^\/(?!\/)/.test(to) ? to : "/cart");
    }

    let html: string | null = null;
    if (p === "/" || p === "/index.html") html = await homePage(page(s));
    else if (p === "/pages/rewards") html = await loyaltyPage(page(s));
    else if (p === "/cart") html = await cartPage(page(s));
    else if (p.startsWith("/products/")) {
      const product = data.byHandle.get(decodeURIComponent(p.slice("/products/".length)).replace(/\/$/, ""));
      if (product) html = await productPage(page(s), product);
    }
    if (html === null) return send(res, 404, "<!doctype html><title>Not found</title><p>Not found. <a href=\"/\">Home</a></p>", { "Content-Type": "text/html; charset=utf-8" });
    send(res, 200, html, { "Content-Type": "text/html; charset=utf-8" });
  };

  const server = http.createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      const status = e instanceof CartError ? e.status : e instanceof SyntaxError ? 400 : 500;
      if (status === 500) console.error("preview:", e);
      if (!res.headersSent) sendJson(res, status, { status, message: status === 500 ? "Preview error" : "Bad Request", description: (e as Error).message });
      else res.end();
    });
  });
  const host = o.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const url = `http://${host === "0.0.0.0" ? "localhost" : host}:${port}/`;
  return {
    url,
    data,
    proxyLog,
    personaLinks: () =>
      PERSONA_ORDER.map((id) => {
        const p = data.personas.get(id)!;
        return { id, label: p.label, url: `${url}?persona=${id}`, why: p.why };
      }),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await data.close();
    },
  };
}

// CLI
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      "app-url": { type: "string", default: "http://localhost:3000" },
      secret: { type: "string", default: process.env.SHOPIFY_API_SECRET },
      shop: { type: "string", default: "attune-demo.myshopify.com" },
      "database-url": { type: "string", default: process.env.DATABASE_URL ?? "file:./prisma/demo.sqlite" },
      port: { type: "string", default: "9292" },
    },
  });
  if (!values.secret) {
    console.error("preview: --secret (or SHOPIFY_API_SECRET) is required to sign app proxy requests");
    process.exit(1);
  }
  const preview = await startPreview({ appUrl: values["app-url"]!, secret: values.secret, shop: values.shop!, port: Number(values.port), databaseUrl: values["database-url"] });
  console.log(`Storefront preview: ${preview.url}`);
  for (const l of preview.personaLinks()) console.log(`  ${l.label.padEnd(24)} ${l.url}  (${l.why})`);
  const stop = () => void preview.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
