/**
 * server.mjs dispatches webhook and app proxy requests straight to their route modules. Through the
 * real built server: the answers are the routes' own (signature refused, validation errors, JSON and
 * headers), methods a route does not handle still get Remix's answer, and a webhook is acknowledged.
 * Storefront decisions run on the engine thread (server.mjs's default): the routes that forward to it
 * answer with the same statuses, headers and bodies, and a signal written by the request thread and
 * an order applied by the ingest thread both reach the next decision, and so does a rule saved
 * while the server runs (its config event, followed by the engine thread).
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../app/db.server";
import { migrate } from "../../scripts/db/migrate";
import { orderCreateBody } from "../../scripts/simulator/orders";
import { signedProxyQuery, webhookHeaders } from "../../scripts/simulator/sign";
import { type AppServer, ensureBuilt, startApp, waitForDrain } from "../helpers/server";
import { seedStore } from "../helpers/store";
import { putRule } from "../../app/models/shop-config.server";

const SECRET = "dispatch-test-secret";
const SHOP = "dispatch-test.myshopify.com";
let app: AppServer;
let db: Db;

beforeAll(async () => {
  ensureBuilt();
  const url = `file:${path.join(os.tmpdir(), `attune-dispatch-${crypto.randomUUID()}.sqlite`)}`;
  await migrate(url);
  db = createDb(url);
  await seedStore(db, SHOP, { products: ["1", "2", "3"].map((id) => ({ id, title: `Item ${id}` })) });
  await db.rule.create({
    data: { shopId: SHOP, id: "rv", name: "Recently viewed", priority: 10, definition: JSON.stringify({ placements: ["home"], segmentIds: [], strategy: "recently_viewed" }) },
  });
  app = await startApp({ DATABASE_URL: url, SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: SECRET, SHOPIFY_APP_URL: "https://attune.example.com" });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await db?.$disconnect();
});

const proxy = (route: string, extra: Record<string, string> = {}, customer = "") => `${app.url}/proxy/${route}?${signedProxyQuery(SECRET, SHOP, extra, customer)}`;

describe("direct dispatch in server.mjs", () => {
  it("a signed proxy request reaches the route: JSON, private, no-store", async () => {
    const r = await fetch(proxy("ping"));
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await r.json()).toEqual({ ok: true });
  });

  it("a tampered signature is refused by the route's own check", async () => {
    const url = proxy("ping", {}, "123").replace("logged_in_customer_id=123", "logged_in_customer_id=124");
    const r = await fetch(url);
    expect(r.status).toBe(400);
    expect(await r.text()).not.toContain("ok");
  });

  it("validation errors come back as the route's 400 naming the parameter", async () => {
    const r = await fetch(proxy("recommendations", { placement: "sidebar" }));
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: string; issues: { param: string }[] };
    expect(body.error).toBe("invalid_request");
    expect(body.issues.map((i) => i.param)).toContain("placement");
  });

  it("a decision for an installed shop answers the storefront contract", async () => {
    const r = await fetch(proxy("recommendations", { placement: "home", limit: "4" }));
    expect(r.status).toBe(200);
    const body = (await r.json()) as { placement: string; products: unknown[] };
    expect(body.placement).toBe("home");
    expect(Array.isArray(body.products)).toBe(true);
  });

  it("decision routes refuse a tampered signature, and a shop that is not installed gets the engine thread's 404", async () => {
    const tampered = await fetch(proxy("recommendations", { placement: "home" }, "123").replace("logged_in_customer_id=123", "logged_in_customer_id=124"));
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).not.toContain("products");
    const other = `${app.url}/proxy/recommendations?${signedProxyQuery(SECRET, "not-installed.myshopify.com", { placement: "home" })}`;
    const r = await fetch(other);
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: "shop_not_installed" });
  });

  it("the visitor-type offer comes back from the engine thread with the route's headers", async () => {
    const r = await fetch(proxy("offer", { vid: "dispatch-visitor-offer" }));
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("private, no-store");
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await r.json()).toHaveProperty("offer");
  });

  it("HEAD to a decision route gets the loader's status and headers without a body", async () => {
    const r = await fetch(proxy("recommendations", { placement: "home" }), { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await r.text()).toBe("");
  });

  it("HEAD gets the loader's status and headers without a body", async () => {
    const r = await fetch(proxy("ping"), { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("");
  });

  it("a method the route does not handle still gets Remix's answer", async () => {
    const r = await fetch(proxy("ping"), { method: "POST", body: "{}" });
    expect(r.status).toBe(405);
  });

  it("a view posted to the request thread reaches the engine thread's next decision (its signals cache is evicted in order)", async () => {
    const home = async () => (await (await fetch(proxy("recommendations", { placement: "home", limit: "3", vid: "dispatch-visitor-1" }))).json()) as { products: { id: string; strategy: string }[] };
    // The first decision caches "no signals" for this visitor on the engine thread.
    expect((await home()).products.filter((p) => p.strategy === "recently_viewed")).toEqual([]);
    const view = await fetch(proxy("events"), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ type: "product_view", productId: "3", vid: "dispatch-visitor-1" }) });
    expect(view.status).toBe(204);
    expect((await home()).products[0]).toMatchObject({ id: "3", strategy: "recently_viewed" });
  });

  it("a signed webhook is acknowledged and applied, and its order reaches the engine thread's decisions", async () => {
    const body = orderCreateBody(1);
    const customer = /"customer":\{"id":(\d+)/.exec(body)![1];
    const firstOrder = async () => ((await (await fetch(proxy("recommendations", { placement: "home", limit: "1" }, customer))).json()) as { customer: { firstOrder: boolean } }).customer.firstOrder;
    expect(await firstOrder()).toBe(true);
    const r = await fetch(`${app.url}/webhooks/orders/create`, {
      method: "POST",
      headers: webhookHeaders({ topic: "orders/create", shop: SHOP, body, secret: SECRET, webhookId: "dispatch-1" }),
      body,
    });
    expect(r.status).toBe(200);
    await waitForDrain(app.url);
    expect(await db.order.count({ where: { shopId: SHOP } })).toBe(1);
    // The ingest thread relays "applied" to the engine thread, which follows the change feed.
    const deadline = Date.now() + 5_000;
    while ((await firstOrder()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await firstOrder()).toBe(false);
  });

  it("a rule saved while the server runs reaches the engine thread's decisions through the change feed", async () => {
    const heading = async () => ((await (await fetch(proxy("recommendations", { placement: "home", limit: "2" }))).json()) as { content: { heading: string | null } }).content.heading;
    expect(await heading()).toBeNull();
    await putRule(db, SHOP, { id: "live", name: "Saved live", priority: 90, definition: { placements: ["home"], segmentIds: [], content: { heading: "Saved while running" }, strategy: "trending" } });
    // One feed poll (1 s) on the engine thread; nothing tells it directly.
    const deadline = Date.now() + 5_000;
    while ((await heading()) === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await heading()).toBe("Saved while running");
  });
});
