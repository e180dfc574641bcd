/**
 * The storefront preview without a browser: the app proxy is signed and scrubbed like Shopify's,
 * the Ajax Cart API keeps line properties and attributes, personas come from order history.
 * The "app" here is a stub that records what it receives.
 */
import http from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { seedStore } from "../../tests/helpers/store";
import { appProxySignature } from "../simulator/sign";
import { type Preview, startPreview } from "./index";

const SHOP = "preview-test.myshopify.com";
const SECRET = "preview-test-secret";
let preview: Preview;
let app: http.Server;
let received: { url: URL; method: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  const products = Array.from({ length: 6 }, (_, i) => ({ id: String(100 + i), title: `Thing ${i}`, priceCents: 1000 + i * 500 }));
  await seedStore(db(), SHOP, {
    products,
    customers: ["900", "901"],
    orders: [
      { id: "5000", customerId: "900", lines: ["100", "101"], daysAgo: 30 },
      { id: "5001", customerId: "900", lines: ["102"], daysAgo: 2 },
      { id: "5002", customerId: "901", lines: ["103"], daysAgo: 300 },
      { id: "5003", customerId: "901", lines: ["104"], daysAgo: 290 },
    ],
  });
  app = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ url: new URL(req.url!, "http://app"), method: req.method!, headers: req.headers, body });
      res.writeHead(200, { "Content-Type": "application/json", "Set-Cookie": "app_session=leak; Path=/" });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
  const appUrl = `http://127.0.0.1:${(app.address() as net.AddressInfo).port}`;
  preview = await startPreview({ appUrl, secret: SECRET, shop: SHOP, port: 0, databaseUrl: process.env.DATABASE_URL });
});

afterAll(async () => {
  await preview?.stop();
  await new Promise((r) => app?.close(r));
});

/** A browser session on the preview: keeps the preview's own cookie. */
async function session(persona?: string) {
  const first = await fetch(`${preview.url}${persona ? `?persona=${persona}` : ""}`, { redirect: "manual" });
  const cookie = first.headers.get("set-cookie")!.split(";")[0];
  const go = (path: string, init: RequestInit = {}) => fetch(`${preview.url}${path.replace(/^\//, "")}`, { ...init, redirect: "manual", headers: { cookie: `${cookie}; shopper_pref=1`, ...(init.headers as object) } });
  return { cookie, go };
}

describe("app proxy", () => {
  it("adds Shopify's parameters and a valid signature, replaces what the browser forged, drops cookies", async () => {
    const s = await session("returning");
    received = [];
    const r = await s.go("/apps/attune/recommendations?placement=home&limit=4&logged_in_customer_id=1&shop=evil.myshopify.com&signature=abc&timestamp=1&path_prefix=/x");
    expect(r.status).toBe(200);
    expect(r.headers.get("set-cookie")).toBeNull();
    const got = received[0];
    expect(got.url.pathname).toBe("/proxy/recommendations");
    expect(got.headers.cookie).toBeUndefined();
    const q = got.url.searchParams;
    expect(q.getAll("shop")).toEqual([SHOP]);
    expect(q.getAll("logged_in_customer_id")).toEqual(["900"]);
    expect(q.get("path_prefix")).toBe("/apps/attune");
    expect(Math.abs(Number(q.get("timestamp")) - Date.now() / 1000)).toBeLessThan(5);
    expect(q.getAll("signature")).toHaveLength(1);
    const params: Record<string, string[]> = {};
    for (const [k, v] of q) if (k !== "signature") (params[k] ??= []).push(v);
    expect(q.get("signature")).toBe(appProxySignature(SECRET, params));
    expect(params.placement).toEqual(["home"]);
  });

  it("guests get a blank logged_in_customer_id; POST bodies pass through", async () => {
    const s = await session("new");
    received = [];
    const body = JSON.stringify({ type: "product_view", productId: "100" });
    const r = await s.go("/apps/attune/events", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect(r.status).toBe(200);
    expect(received[0].method).toBe("POST");
    expect(received[0].body).toBe(body);
    expect(received[0].url.searchParams.get("logged_in_customer_id")).toBe("");
  });
});

describe("Ajax cart", () => {
  it("adds with properties, merges equal lines, records attributes, changes and removes", async () => {
    const s = await session("new");
    const variant = preview.data.products[0].variants[0].id;
    const add = await s.go("/cart/add.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ items: [{ id: variant, quantity: 1, properties: { _attune_placement: "cart" } }] }) });
    expect(add.status).toBe(200);
    expect((await add.json()).items[0].properties).toEqual({ _attune_placement: "cart" });
    await s.go("/cart/add.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: variant, quantity: 2, properties: { _attune_placement: "cart" } }) });
    await s.go("/cart/add.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: variant }) });
    const upd = await (await s.go("/cart/update.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ attributes: { _attune_last_placement: "cart" } }) })).json();
    expect(upd.attributes).toEqual({ _attune_last_placement: "cart" });
    expect(upd.items.map((i: { quantity: number }) => i.quantity)).toEqual([3, 1]);
    expect(upd.item_count).toBe(4);
    expect(upd.total_price).toBe(4 * preview.data.products[0].variants[0].priceCents);
    const ch = await (await s.go("/cart/change.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ line: 1, quantity: 0 }) })).json();
    expect(ch.item_count).toBe(1);
    expect((await (await s.go("/cart.js")).json()).items[0].properties).toEqual({});
    const bad = await s.go("/cart/add.js", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: "999999" }) });
    expect(bad.status).toBe(404);
    // Another session has its own cart.
    const other = await session("new");
    expect((await (await other.go("/cart.js")).json()).item_count).toBe(0);
  });
});

describe("pages and personas", () => {
  it("renders the real blocks with their deferred assets and the persona's customer", async () => {
    const s = await session("returning");
    const html = await (await s.go("/")).text();
    expect(html).toContain('data-attune-block="home"');
    expect(html).toContain('data-attune-block="quiz"');
    expect(html).toContain("data-attune-embed");
    expect(html).toContain('<script src="/assets/attune.js" defer></script>');
    expect(html).toContain('<script src="/assets/attune-embed.js" defer></script>');
    expect(html).toMatch(/Welcome back, <span class="attune-greeting__name">\w+<\/span>/);
    const product = preview.data.products[0];
    const page = await (await s.go(`/products/${product.handle}`)).text();
    expect(page).toContain(`data-product-id="${product.id}"`);
    expect((await s.go("/assets/attune.js")).status).toBe(200);
    expect((await s.go("/assets/..%2Fblocks%2Fhome.liquid")).status).toBe(404);
  });

  it("picks personas from order history", () => {
    expect(preview.data.personas.get("returning")!.customerId).toBe("900");
    expect(preview.data.personas.get("lapsed")!.customerId).toBe("901");
    expect(preview.data.personas.get("new")!.customerId).toBeNull();
    expect(preview.data.personas.get("pinterest")!.landing).toContain("utm_source=pinterest");
  });
});
