/**
 * Issue #16, through the real built server (server.mjs, worker and engine threads): bounded bodies,
 * webhook bodies bound to the shop header, repeated proxy identity parameters, malformed requests,
 * log amplification, private response headers, money ranges, and uninstalled or unknown shops.
 * Every test here failed before its fix.
 */
import crypto from "node:crypto";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../app/db.server";
import { migrate } from "../../scripts/db/migrate";
import { appProxySignature, signedProxyQuery, webhookHeaders } from "../../scripts/simulator/sign";
import { type AppServer, ensureBuilt, startApp, waitForDrain } from "../helpers/server";
import { orderWebhook, seedStore } from "../helpers/store";
import { sample } from "../helpers/webhooks";

const SECRET = "security-test-secret";
const KEY = "security-test-key";
const SHOP = "security-a.myshopify.com";
const OTHER = "security-b.myshopify.com";
const GONE = "security-gone.myshopify.com";
let app: AppServer;
let db: Db;

beforeAll(async () => {
  ensureBuilt();
  const url = `file:${path.join(os.tmpdir(), `attune-security-${crypto.randomUUID()}.sqlite`)}`;
  await migrate(url);
  db = createDb(url);
  for (const shop of [SHOP, OTHER, GONE]) await seedStore(db, shop, { products: ["1", "2"].map((id) => ({ id, title: `Item ${id}` })), customers: ["100"], orders: [{ id: "10", customerId: "100", lines: ["1", "2"] }] });
  await db.shop.update({ where: { id: GONE }, data: { uninstalledAt: new Date() } });
  // An installed shop's offline session (before start: the app caches session lookups).
  await db.session.create({ data: { id: `offline_${SHOP}`, shop: SHOP, state: "", isOnline: false, accessToken: "shpat_test", scope: "read_products" } });
  app = await startApp(
    { DATABASE_URL: url, SHOPIFY_API_KEY: KEY, SHOPIFY_API_SECRET: SECRET, SHOPIFY_APP_URL: "https://attune.example.com", SCOPES: "read_products" },
    undefined,
    // The heap that one 300 MB POST used to exhaust.
    { captureStderr: true, nodeFlags: ["--max-old-space-size=512"] },
  );
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.$disconnect();
});

const port = () => Number(new URL(app.url).port);

/** One raw HTTP/1.1 exchange (fetch would normalize what these tests need to send malformed). */
function raw(opts: { method?: string; path: string; headers?: Record<string, string | number>; setHost?: boolean; body?: string }): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: port(), method: opts.method ?? "GET", path: opts.path, headers: opts.headers, setHost: opts.setHost ?? true, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c) => (body += c)).on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

function signed(topic: string, body: string, shop: string, headerTopic = topic) {
  return { ...webhookHeaders({ topic: headerTopic, shop, body, secret: SECRET }), "Content-Type": "application/json" };
}
const postWebhook = (topic: string, body: string, shop: string, headerTopic = topic) =>
  fetch(`${app.url}/webhooks/${topic}`, { method: "POST", headers: signed(topic, body, shop, headerTopic), body });
const proxy = (route: string, shop = SHOP, extra: Record<string, string> = {}, customer = "") => `${app.url}/proxy/${route}?${signedProxyQuery(SECRET, shop, extra, customer)}`;
const healthy = async () => (await fetch(`${app.url}/healthz`)).status === 200;
const rowCounts = async (shop: string) => ({
  orders: await db.order.count({ where: { shopId: shop } }),
  customers: await db.customer.count({ where: { shopId: shop } }),
  products: await db.product.count({ where: { shopId: shop } }),
  deliveries: await db.webhookDelivery.count({ where: { shopId: shop } }),
});

describe("1. bodies are bounded before they are read", () => {
  it("a declared Content-Length over the webhook limit is refused with 413 before the body is read", async () => {
    const started = Date.now();
    const answer = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port: port(), method: "POST", path: "/webhooks/orders/create", agent: false, headers: { "Content-Type": "application/json", "Content-Length": 300 * 1024 * 1024, "X-Shopify-Hmac-Sha256": "bogus" } });
      let sent = 0;
      req.on("response", (res) => {
        res.resume();
        resolve({ status: res.statusCode!, sent });
      });
      req.on("error", (e) => (sent > 0 ? resolve({ status: -1, sent }) : reject(e)));
      req.write(Buffer.alloc(64 * 1024, 0x20));
      sent += 64 * 1024;
    });
    expect(answer.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await healthy()).toBe(true);
  });

  it("a chunked body is cut off as soon as it passes the limit; other requests are answered meanwhile", async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const result = await new Promise<{ status: number; sent: number; healthMs: number }>((resolve) => {
      const req = http.request({ host: "127.0.0.1", port: port(), method: "POST", path: "/webhooks/orders/create", agent: false, headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } });
      let sent = 0;
      let status = 0;
      let healthMs = -1;
      const t0 = Date.now();
      void fetch(`${app.url}/healthz`).then(() => (healthMs = Date.now() - t0));
      req.on("response", (res) => {
        status = res.statusCode!;
        res.resume();
      });
      const finish = () => resolve({ status, sent, healthMs });
      req.on("error", finish);
      req.on("close", finish);
      const pump = () => {
        // Up to 64 MB; the server must stop us long before.
        while (status === 0 && sent < 64 * 1024 * 1024 && !req.destroyed) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        if (status !== 0 || req.destroyed) return void setTimeout(finish, 50);
        req.end();
      };
      pump();
    });
    expect(result.status).toBe(413);
    // The limit is 5 MiB; what was in flight when the 413 arrived is the only slack.
    expect(result.sent).toBeLessThan(32 * 1024 * 1024);
    expect(await healthy()).toBe(true);
  });

  it("a proxy POST over its (small) limit is refused the same way, and the server stays up", async () => {
    const r = await raw({ method: "POST", path: new URL(proxy("events")).pathname + new URL(proxy("events")).search, headers: { "Content-Type": "application/json", "Content-Length": 10 * 1024 * 1024 }, body: undefined });
    expect(r.status).toBe(413);
    expect(await healthy()).toBe(true);
  });
});

describe("2. webhook bodies that name their shop are bound to the shop header", () => {
  it("shop/redact naming one shop, replayed with another shop's header, is refused and erases nothing", async () => {
    const before = await rowCounts(OTHER);
    const body = JSON.stringify(sample("shop/redact", SHOP));
    const r = await postWebhook("shop/redact", body, OTHER);
    expect(r.status).toBe(400);
    await waitForDrain(app.url);
    expect(await rowCounts(OTHER)).toEqual(before);
    expect(await db.shop.count({ where: { id: OTHER } })).toBe(1);
  });

  it("customers/redact and customers/data_request for another shop are refused", async () => {
    const redact = sample("customers/redact", SHOP);
    redact.customer.id = 100;
    expect((await postWebhook("customers/redact", JSON.stringify(redact), OTHER)).status).toBe(400);
    const request = sample("customers/data_request", SHOP);
    expect((await postWebhook("customers/data_request", JSON.stringify(request), OTHER)).status).toBe(400);
    await waitForDrain(app.url);
    expect(await db.customer.count({ where: { shopId: OTHER, id: "100" } })).toBe(1);
    expect(await db.dataRequest.count({ where: { shopId: OTHER } })).toBe(0);
  });

  it("app/uninstalled needs a shop body: a products body is refused (422), and a shop body naming another shop is refused", async () => {
    expect((await postWebhook("app/uninstalled", JSON.stringify(sample("products/create", OTHER)), OTHER)).status).toBe(422);
    const shopBody = { ...sample("app/uninstalled", SHOP), myshopify_domain: SHOP, domain: SHOP };
    expect((await postWebhook("app/uninstalled", JSON.stringify(shopBody), OTHER)).status).toBe(400);
    await waitForDrain(app.url);
    expect((await db.shop.findUniqueOrThrow({ where: { id: OTHER } })).uninstalledAt).toBeNull();
    expect((await fetch(proxy("ping", OTHER))).status).toBe(200);
  });

});

describe("3. repeated proxy identity parameters", () => {
  const repeated = (name: string, values: string[]) => {
    const params: Record<string, string | string[]> = { shop: SHOP, path_prefix: "/apps/attune", timestamp: String(Math.floor(Date.now() / 1000)), logged_in_customer_id: "", placement: "home", [name]: values };
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
    q.append("signature", appProxySignature(SECRET, params));
    return `${app.url}/proxy/recommendations?${q}`;
  };

  it("the same query with each parameter once is answered (the signature helper is right)", async () => {
    expect((await fetch(repeated("logged_in_customer_id", ["100"]))).status).toBe(200);
  });

  it("a signed query with logged_in_customer_id twice is refused with 400 (the first value used to win)", async () => {
    const r = await fetch(repeated("logged_in_customer_id", ["100", "200"]));
    expect(r.status).toBe(400);
    expect(JSON.stringify(await r.json())).toContain("logged_in_customer_id");
  });

  it("path_prefix twice is refused with 400", async () => {
    expect((await fetch(repeated("path_prefix", ["/apps/attune", "/apps/other"]))).status).toBe(400);
  });
});

describe("4. malformed requests get a 4xx, never a 500", () => {
  it("a bad Host header", async () => {
    expect((await raw({ path: "/healthz", setHost: false, headers: { Host: "bad host" } })).status).toBe(400);
  });

  it("an absolute-form request target", async () => {
    expect((await raw({ path: "http://evil.example/healthz" })).status).toBe(400);
  });

  it("a bad X-Forwarded-Proto is ignored: URLs come from the configured origin", async () => {
    const r = await raw({ path: "/healthz", headers: { "X-Forwarded-Proto": "ht tp" } });
    expect(r.status).toBe(200);
  });

  it("an unsupported method", async () => {
    const r = await raw({ method: "TRACE", path: "/healthz" });
    expect(r.status).toBe(405);
    expect(r.headers.allow).toContain("GET");
  });

  it("a signed webhook whose shop header is not a shop domain", async () => {
    const body = JSON.stringify({ id: 1 });
    expect((await postWebhook("orders/delete", body, "evil.example.com")).status).toBe(400);
  });

  it("a signed webhook with a webhook id that is not an id (it would be stored as the dedupe key)", async () => {
    const body = JSON.stringify({ id: 1 });
    const headers = { ...signed("orders/delete", body, SHOP), "X-Shopify-Webhook-Id": "x".repeat(4000) };
    expect((await fetch(`${app.url}/webhooks/orders/delete`, { method: "POST", headers, body })).status).toBe(400);
  });

  it("a signed proxy request for a shop that is not a myshopify domain", async () => {
    expect((await fetch(proxy("ping", "evil.example.com"))).status).toBe(400);
  });

  it("the login path: its form without a shop, 400 for a shop that is not a shop domain", async () => {
    const browser = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0" };
    const blank = await fetch(`${app.url}/auth/login`, { headers: browser, redirect: "manual" });
    expect(blank.status).toBe(200);
    expect(await blank.text()).toContain('name="shop"');
    expect((await fetch(`${app.url}/auth/login?shop=evil.example.com%2Fx`, { headers: browser, redirect: "manual" })).status).toBe(400);
    const form = await fetch(`${app.url}/auth/login`, { method: "POST", headers: { ...browser, "Content-Type": "application/x-www-form-urlencoded" }, body: "shop=not%20a%20shop", redirect: "manual" });
    expect(form.status).toBe(400);
  });

  it("GET on POST-only routes answers 405 with Allow", async () => {
    for (const p of ["/webhooks/orders/create", new URL(proxy("events")).pathname]) {
      const r = await fetch(`${app.url}${p}`);
      expect(r.status).toBe(405);
      expect(r.headers.get("allow")).toBe("POST");
    }
  });
});

describe("5. logs", () => {
  const linesDuring = async (fn: () => Promise<unknown>) => {
    const before = app.stderr().length;
    await fn();
    await new Promise((r) => setTimeout(r, 200));
    return app.stderr().slice(before).split("\n").filter(Boolean);
  };

  it("an unauthenticated 404 writes one line, not a stack trace", async () => {
    const lines = await linesDuring(async () => expect((await fetch(`${app.url}/no-such-page`)).status).toBe(404));
    // Other threads may log in the same window (the ingest worker, a prune): judge this request's lines.
    expect(lines.filter((l) => l.includes("/no-such-page"))).toHaveLength(1);
    expect(lines.filter((l) => /\bat \S+ \(/.test(l))).toEqual([]);
  });

  it("values from a rejected webhook body appear neither in the logs nor in the 422", async () => {
    const order = orderWebhook(SHOP, { id: "77", customerId: null, lines: ["1"] });
    order.created_at = "LEAKED-DATE-VALUE";
    order.total_price = "LEAKED-MONEY-VALUE";
    let answer = "";
    const lines = await linesDuring(async () => {
      const r = await postWebhook("orders/create", JSON.stringify(order), SHOP);
      expect(r.status).toBe(422);
      answer = await r.text();
    });
    expect(answer).toMatch(/created_at/);
    expect(answer).not.toContain("LEAKED");
    expect(lines.join("\n")).not.toContain("LEAKED");
  });
});

describe("6. private responses", () => {
  it("the data-request export carries Cache-Control: private, no-store and nosniff", async () => {
    const dr = await db.dataRequest.create({ data: { shopId: SHOP, customerId: "100", export: JSON.stringify({ customer: { id: "100" } }) } });
    const { token } = await getJwt(SHOP.replace(/\.myshopify\.com$/, ""), KEY, SECRET);
    const r = await fetch(`${app.url}/app/privacy/${dr.id}/export`, { headers: { Authorization: `Bearer ${token}`, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0" } });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ customer: { id: "100" } });
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    // The Privacy page's loader JSON (a Remix data request) is private as well.
    const data = await fetch(`${app.url}/app/privacy?_data=routes%2Fapp.privacy`, { headers: { Authorization: `Bearer ${token}`, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0" } });
    expect(data.status).toBe(200);
    expect(data.headers.get("cache-control")).toBe("private, no-store");
    expect(data.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("documents and their errors are private too", async () => {
    const r = await fetch(`${app.url}/no-such-page`);
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("7. money and quantities in range", () => {
  const refused = async (mutate: (o: any) => void) => {
    const order = orderWebhook(SHOP, { id: String(800 + Math.floor(Math.random() * 1e6)), customerId: null, lines: ["1"] });
    mutate(order);
    return (await postWebhook("orders/create", JSON.stringify(order), SHOP)).status;
  };

  it("negative prices, negative quantities and totals beyond 64-bit cents are refused with 422 and nothing is stored", async () => {
    const before = await rowCounts(SHOP);
    expect(await refused((o) => (o.line_items[0].price = "-5.00"))).toBe(422);
    expect(await refused((o) => (o.total_price = "-1.00"))).toBe(422);
    expect(await refused((o) => (o.line_items[0].quantity = -2))).toBe(422);
    expect(await refused((o) => (o.total_price = "123456789012345678901234.00"))).toBe(422);
    expect(await refused((o) => (o.total_price = 1e30))).toBe(422);
    await waitForDrain(app.url);
    expect(await rowCounts(SHOP)).toEqual(before);
  });
});

describe("8. uninstalled and unknown shops get 404 on the app proxy, and nothing is written", () => {
  it("an uninstalled shop's storefront requests answer 404", async () => {
    for (const route of ["ping", "recommendations"]) {
      const r = await fetch(proxy(route, GONE, route === "recommendations" ? { placement: "home" } : {}));
      expect(r.status).toBe(404);
    }
  });

  it("/proxy/quiz and /proxy/events for a shop that does not exist answer 404 and store nothing", async () => {
    const ghost = "security-ghost.myshopify.com";
    const quiz = await fetch(proxy("quiz", ghost), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ quizId: "q", answers: { style: ["Bold"] }, vid: "visitor-ghost-1" }) });
    expect(quiz.status).toBe(404);
    const event = await fetch(proxy("events", ghost), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ type: "product_view", productId: "1", vid: "visitor-ghost-1" }) });
    expect(event.status).toBe(404);
    expect(await db.quizResponse.count({ where: { shopId: ghost } })).toBe(0);
    expect(await db.browsingEvent.count({ where: { shopId: ghost } })).toBe(0);
    expect(await db.shop.count({ where: { id: ghost } })).toBe(0);
  });

  it("an app/uninstalled delivery takes the storefront down for that shop from the next request", async () => {
    const shop = "security-leaving.myshopify.com";
    await seedStore(db, shop, { products: [{ id: "1", title: "Item" }] });
    expect((await fetch(proxy("ping", shop))).status).toBe(200);
    const body = JSON.stringify({ ...sample("app/uninstalled", shop), myshopify_domain: shop });
    expect((await postWebhook("app/uninstalled", body, shop)).status).toBe(200);
    await waitForDrain(app.url);
    const deadline = Date.now() + 3_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await fetch(proxy("ping", shop))).status) !== 404) await new Promise((r) => setTimeout(r, 50));
    expect(status).toBe(404);
  });
});
