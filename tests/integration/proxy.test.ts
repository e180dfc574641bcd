/**
 * The app proxy routes and the checkout upsell route through their real route modules, with real
 * signatures (app proxy HMAC, checkout session-token JWT) and a real database.
 */
import crypto from "node:crypto";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { recordProductView } from "../../app/models/signals.server";
import { engines } from "../../app/services/engine.server";
import { putRule, removeRule } from "../../app/models/shop-config.server";
import { signedProxyQuery } from "../../scripts/simulator/sign";
import { seedStore } from "../helpers/store";
import { SECRET } from "../helpers/webhooks";
import { callRoute, type RouteHandler } from "../helpers/routes";
import * as recsRoute from "../../app/routes/proxy.recommendations";
import * as offerRoute from "../../app/routes/proxy.offer";
import * as eventsRoute from "../../app/routes/proxy.events";
import * as quizRoute from "../../app/routes/proxy.quiz";
import * as pingRoute from "../../app/routes/proxy.ping";
import * as privacyRoute from "../../app/routes/proxy.privacy";
import { DEFAULT_VISITOR_OFFERS } from "../../app/engine/rules";
import * as upsellRoute from "../../app/routes/api.checkout.upsell";

const A = `a-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const B = `b-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const APP = "https://attune.example.com";

type Handler = RouteHandler;
const call = callRoute;

function proxyUrl(path: string, shop: string, params: Record<string, string> = {}, customer = "", secret = SECRET()): string {
  return `${APP}/proxy/${path}?${signedProxyQuery(secret, shop, params, customer)}`;
}
const get = (path: string, shop: string, params: Record<string, string> = {}, customer = "") =>
  call((path === "recommendations" ? recsRoute.loader : path === "offer" ? offerRoute.loader : pingRoute.loader) as Handler, new Request(proxyUrl(path, shop, params, customer)));
const post = (path: "events" | "quiz", url: string, body: unknown) =>
  call((path === "events" ? eventsRoute.action : quizRoute.action) as Handler, new Request(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }));
const recs = async (shop: string, params: Record<string, string>, customer = "") => {
  const res = await get("recommendations", shop, params, customer);
  expect(res.status).toBe(200);
  return (await res.json()) as any;
};
const ids = (body: any) => body.products.map((p: any) => p.id) as string[];

/** What the merchant of shop A turned on in the Offers page (a fresh shop has every visitor offer off). */
const CONFIGURED_VISITOR_OFFERS = Object.fromEntries(
  Object.entries(DEFAULT_VISITOR_OFFERS).map(([k, v]) => [k, { ...v, enabled: true, discountCode: k === "welcome" ? "WELCOME10" : k === "winBack" ? "COMEBACK15" : null }]),
);

// Shop A: a small fashion store. 4 is popular but sold out, 7 is unpublished.
// Customer 100 has bought 1 and 2 (twice); 300 bought nothing. Shop B has its own products and customer.
beforeAll(async () => {
  const products = Array.from({ length: 12 }, (_, i) => ({ id: String(i + 1), title: `Item ${["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet", "Kilo", "Lima"][i]}` }));
  products[3] = { ...products[3], available: false } as any;
  products[6] = { ...products[6], published: false } as any;
  const orders = [];
  let n = 1000;
  for (let k = 0; k < 12; k++) {
    orders.push({ id: String(n++), customerId: null, lines: ["1", "3", "4"] });
    orders.push({ id: String(n++), customerId: null, lines: ["2", "5", "4", "7"] });
    orders.push({ id: String(n++), customerId: null, lines: ["1", "6", "8"] });
  }
  orders.push({ id: "500", customerId: "100", lines: ["1", "2"], daysAgo: 40 });
  orders.push({ id: "501", customerId: "100", lines: ["2", "9"], daysAgo: 5 });
  await seedStore(db(), A, { products, customers: ["100", "300"], orders, settings: { freeShippingThresholdCents: 5000, visitorOffers: CONFIGURED_VISITOR_OFFERS } });
  await seedStore(db(), B, {
    products: [{ id: "900", title: "Other shop thing" }, { id: "901", title: "Other shop widget" }],
    customers: ["999"],
    orders: Array.from({ length: 5 }, (_, i) => ({ id: String(9000 + i), customerId: "999", lines: ["900", "901"] })),
  });
});

describe("app proxy signature", () => {
  it("refuses a bad or missing signature and writes nothing", async () => {
    const bad = proxyUrl("events", A, {}, "100", "not-the-secret");
    expect((await post("events", bad, { type: "product_view", productId: "1", vid: "visitor-bad-sig" })).status).toBe(400);
    const unsigned = `${APP}/proxy/events?shop=${A}&logged_in_customer_id=100&timestamp=${Math.floor(Date.now() / 1000)}`;
    expect((await post("events", unsigned, { type: "product_view", productId: "1", vid: "visitor-bad-sig" })).status).toBe(400);
    expect((await post("quiz", bad, { quizId: "q", answers: { style: ["Bold"] }, vid: "visitor-bad-sig" })).status).toBe(400);
    expect(await db().browsingEvent.count({ where: { OR: [{ visitorId: "visitor-bad-sig" }, { customerId: "100" }] } })).toBe(0);
    expect(await db().quizResponse.count({ where: { visitorId: "visitor-bad-sig" } })).toBe(0);
    expect((await call(recsRoute.loader as Handler, new Request(`${APP}/proxy/recommendations?placement=home&shop=${A}`))).status).toBe(400);
    expect((await call(pingRoute.loader as Handler, new Request(proxyUrl("ping", A, {}, "", "wrong")))).status).toBe(400);
  });

  it("refuses a request whose shop or customer was changed after signing", async () => {
    const url = new URL(proxyUrl("recommendations", A, { placement: "home" }, "100"));
    url.searchParams.set("shop", B);
    expect((await call(recsRoute.loader as Handler, new Request(url))).status).toBe(400);
    const url2 = new URL(proxyUrl("recommendations", A, { placement: "home" }, ""));
    url2.searchParams.set("logged_in_customer_id", "100");
    expect((await call(recsRoute.loader as Handler, new Request(url2))).status).toBe(400);
    // A duplicated shop parameter is refused too.
    const url3 = new URL(proxyUrl("recommendations", A, { placement: "home" }));
    url3.searchParams.append("shop", B);
    expect((await call(recsRoute.loader as Handler, new Request(url3))).status).toBe(400);
  });

  it("the trivial ping route answers {ok:true} behind the same check", async () => {
    const res = await get("ping", A);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe("GET recommendations", () => {
  it("answers the documented shape as private, uncached JSON", async () => {
    const res = await get("recommendations", A, { placement: "home", limit: "4" });
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    const body = (await res.json()) as any;
    expect(Object.keys(body).sort()).toEqual(["content", "customer", "freeShipping", "lastPurchase", "offer", "placement", "products", "rule", "segments", "strategy"]);
    expect(body.placement).toBe("home");
    expect(body.freeShipping).toEqual({ thresholdCents: 5000, currency: "USD" });
    expect(body.content).toEqual({ heading: null, message: null, bannerImageUrl: null, linkUrl: null }); // no rule matched: no banner
    expect(body.products.length).toBeGreaterThan(0);
    expect(body.products.length).toBeLessThanOrEqual(4);
    for (const p of body.products) {
      expect(Object.keys(p).sort()).toEqual(["currency", "handle", "id", "imageUrl", "priceCents", "reason", "strategy", "title", "url", "variantId"]);
      expect(p.url).toBe(`/products/${p.handle}`);
      expect(typeof p.variantId).toBe("string");
      expect(p.currency).toBe("USD");
    }
  });

  it("a logged-in customer with history gets picked_for_you and lastPurchase; a guest does not", async () => {
    const member = await recs(A, { placement: "home" }, "100");
    expect(member.customer).toEqual({ loggedIn: true, firstOrder: false });
    expect(member.strategy).toBe("picked_for_you");
    expect(member.products.some((p: any) => p.strategy === "picked_for_you")).toBe(true);
    expect(member.segments).toContain("repeat_buyer");

    const guest = await recs(A, { placement: "home" });
    expect(guest.customer).toEqual({ loggedIn: false, firstOrder: true });
    expect(guest.products.some((p: any) => p.strategy === "picked_for_you")).toBe(false);
    expect(guest.segments).not.toContain("repeat_buyer");

    const productPage = await recs(A, { placement: "product", product_id: "2" }, "100");
    expect(productPage.lastPurchase?.productId).toBe("2");
    expect(Date.parse(productPage.lastPurchase.orderedAt)).toBeGreaterThan(Date.now() - 6 * 86_400_000); // the latest order
    expect(ids(productPage)).not.toContain("2");
    expect((await recs(A, { placement: "product", product_id: "2" })).lastPurchase).toBeNull();
    expect((await recs(A, { placement: "product", product_id: "3" }, "100")).lastPurchase).toBeNull();
  });

  it("never returns an unavailable or unpublished product, on any placement", async () => {
    for (const customer of ["", "100", "300"]) {
      for (const params of [{ placement: "home" }, { placement: "product", product_id: "1" }, { placement: "product", product_id: "2" }, { placement: "cart", cart: "11:1" }, { placement: "thank_you" }] as Record<string, string>[]) {
        const body = await recs(A, { ...params, limit: "24" }, customer);
        expect(ids(body)).not.toContain("4");
        expect(ids(body)).not.toContain("7");
      }
    }
  });

  it("never recommends a cart item back, and honours max_price and limit", async () => {
    const body = await recs(A, { placement: "cart", cart: "11:1,31:2", limit: "6" });
    expect(ids(body)).not.toContain("1");
    expect(ids(body)).not.toContain("3");
    expect(body.products.length).toBeGreaterThan(0);
    const cheap = await recs(A, { placement: "cart", cart: "11:1", max_price: "100" });
    expect(cheap.products).toEqual([]);
  });

  it("never repeats a product another row on the page shows (exclude), and still fills the row", async () => {
    const full = await recs(A, { placement: "cart", cart: "11:1", limit: "3" });
    expect(full.products.length).toBe(3);
    const shown = ids(full).slice(0, 2);
    const next = await recs(A, { placement: "cart", cart: "11:1", limit: "3", exclude: shown.join(",") });
    for (const id of shown) expect(ids(next)).not.toContain(id);
    expect(next.products.length).toBe(3);
  });

  it("keeps shops apart: another shop's product, variant or customer id yields nothing from it", async () => {
    const byProduct = await recs(A, { placement: "product", product_id: "900", limit: "24" });
    const byCart = await recs(A, { placement: "cart", cart: "9001:1", limit: "24" });
    const byCustomer = await recs(A, { placement: "home", limit: "24" }, "999");
    for (const body of [byProduct, byCart, byCustomer]) {
      for (const id of ids(body)) expect(["900", "901"]).not.toContain(id);
      expect(JSON.stringify(body)).not.toContain("Other shop");
    }
    expect(byCustomer.customer.firstOrder).toBe(true); // customer 999 has no orders in shop A
    expect(byCustomer.segments).not.toContain("repeat_buyer");
    const inB = await recs(B, { placement: "product", product_id: "1", limit: "24" });
    for (const id of ids(inB)) expect(["900", "901"]).toContain(id);
    expect(inB.freeShipping).toBeNull();
  });

  it("validates every parameter with a clear 400", async () => {
    for (const [params, param] of [
      [{ placement: "basement" }, "placement"],
      [{}, "placement"],
      [{ placement: "home", limit: "25" }, "limit"],
      [{ placement: "home", limit: "abc" }, "limit"],
      [{ placement: "product", product_id: "12a" }, "product_id"],
      [{ placement: "cart", cart: "1:x" }, "cart"],
      [{ placement: "home", max_price: "-1" }, "max_price"],
      [{ placement: "home", device: "fridge" }, "device"],
      [{ placement: "home", vid: "<script>" }, "vid"],
      [{ placement: "home", viewed: "1,2,<b>" }, "viewed"],
      [{ placement: "cart", exclude: "1,x" }, "exclude"],
      [{ placement: "cart", exclude: Array.from({ length: 25 }, (_, i) => String(i + 1)).join(",") }, "exclude"],
    ] as [Record<string, string>, string][]) {
      const res = await get("recommendations", A, params);
      expect(res.status, JSON.stringify(params)).toBe(400);
      const body = (await res.json()) as any;
      expect(body.error).toBe("invalid_request");
      expect(body.issues.map((i: any) => i.param)).toContain(param);
      expect(JSON.stringify(body)).not.toContain("<script>");
    }
  });

  it("treats blank parameters as absent, and a blank placement as missing", async () => {
    const res = await get("recommendations", A, { placement: "home", vid: "", device: "", limit: "", viewed: "", utm_source: "" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).products.length).toBeLessThanOrEqual(8); // the default limit
    const blank = await get("recommendations", A, { placement: "" });
    expect(blank.status).toBe(400);
    expect(((await blank.json()) as any).issues.map((i: any) => i.param)).toContain("placement");
  });

  it("answers 404 for a signed request from a shop Attune has no data for", async () => {
    const res = await get("recommendations", "nobody-here.myshopify.com", { placement: "home" });
    expect(res.status).toBe(404);
  });

  it("reflects a new order once the engine follows the feed", async () => {
    await recs(A, { placement: "home" }, "300");
    await seedStore(db(), A, { orders: [{ id: "777", customerId: "300", lines: ["10"], daysAgo: 1 }], products: [], settings: { freeShippingThresholdCents: 5000, visitorOffers: CONFIGURED_VISITOR_OFFERS } });
    await (await engines()).follow(A);
    const body = await recs(A, { placement: "product", product_id: "10" }, "300");
    expect(body.customer.firstOrder).toBe(false);
    expect(body.lastPurchase?.productId).toBe("10");
  });
});

describe("POST events and quiz", () => {
  it("stores product views only with a vid or a signed customer, keeping the last 50 per visitor", async () => {
    const url = () => proxyUrl("events", A);
    expect((await post("events", url(), { type: "product_view", productId: "5" })).status).toBe(204);
    expect(await db().browsingEvent.count({ where: { shopId: A } })).toBe(0); // guest without vid: nothing stored
    for (let i = 0; i < 55; i++) {
      const res = await post("events", url(), { type: "product_view", productId: String((i % 12) + 1), vid: "visitor-0001" });
      expect(res.status).toBe(204);
    }
    expect(await db().browsingEvent.count({ where: { shopId: A, visitorId: "visitor-0001" } })).toBe(50);
    // Another shop's product id is not recorded.
    await post("events", url(), { type: "product_view", productId: "900", vid: "visitor-0002" });
    expect(await db().browsingEvent.count({ where: { visitorId: "visitor-0002" } })).toBe(0);
    // A logged-in customer's views are stored under the signed id.
    await post("events", proxyUrl("events", A, {}, "300"), { type: "product_view", productId: "6" });
    expect(await db().browsingEvent.count({ where: { shopId: A, customerId: "300" } })).toBe(1);
    // Bad bodies are 400s.
    expect((await post("events", url(), { type: "click", productId: "5" })).status).toBe(400);
    expect((await call(eventsRoute.action as Handler, new Request(url(), { method: "POST", body: "{nope" }))).status).toBe(400);
  });

  it("a guest's storefront country reaches country rules, with the rule's banner link; without a rule there is no banner content", async () => {
    await putRule(db(), A, { id: "ca", name: "Canada", priority: 10, definition: { placements: ["home"], segmentIds: ["country:ca"], content: { heading: "Shipping to Canada", linkUrl: "/collections/canada" }, strategy: "trending_in_country" } });
    await (await engines()).follow(A);
    const canadian = await recs(A, { placement: "home", country: "ca" });
    expect(canadian.rule).toEqual({ id: "ca", name: "Canada" });
    expect(canadian.content).toEqual({ heading: "Shipping to Canada", message: null, bannerImageUrl: null, linkUrl: "/collections/canada" });
    const american = await recs(A, { placement: "home", country: "US" });
    expect(american.rule).toBeNull();
    expect(american.content.heading ?? null).toBeNull();
    const bad = await get("recommendations", A, { placement: "home", country: "Canada" });
    expect(bad.status).toBe(400);
    await removeRule(db(), A, "ca");
    await (await engines()).follow(A);
  });

  it("uses a guest's stored views (by vid) as recently viewed", async () => {
    await putRule(db(), A, { id: "rv", name: "Recently viewed on home", priority: 10, definition: { placements: ["home"], segmentIds: [], content: { heading: "Still thinking?" }, strategy: "recently_viewed" } });
    await (await engines()).follow(A);
    await post("events", proxyUrl("events", A), { type: "product_view", productId: "12", vid: "visitor-rv-01" });
    const body = await recs(A, { placement: "home", vid: "visitor-rv-01", limit: "3" });
    expect(body.rule).toEqual({ id: "rv", name: "Recently viewed on home" });
    expect(body.content.heading).toBe("Still thinking?");
    expect(body.products[0]).toMatchObject({ id: "12", strategy: "recently_viewed" });
    const other = await recs(A, { placement: "home", vid: "visitor-rv-02", limit: "3" });
    expect(ids(other)).not.toContain("12");
    await removeRule(db(), A, "rv");
    await (await engines()).follow(A);
  });

  it("keeps a shopper's cached signals exact: a view through the events route shows at once, another instance's after a feed follow", async () => {
    await putRule(db(), A, { id: "rv2", name: "Recently viewed", priority: 10, definition: { placements: ["home"], segmentIds: [], strategy: "recently_viewed" } });
    await (await engines()).follow(A);
    const engine = (await engines()).peek(A)!;
    // First request caches "no signals" for this visitor.
    expect(ids(await recs(A, { placement: "home", vid: "visitor-cache-1", limit: "3" }))).not.toContain("11");
    expect(engine.signals.size).toBeGreaterThan(0);
    // This instance's write evicts the entry at once.
    await post("events", proxyUrl("events", A), { type: "product_view", productId: "11", vid: "visitor-cache-1" });
    expect((await recs(A, { placement: "home", vid: "visitor-cache-1", limit: "3" })).products[0]).toMatchObject({ id: "11", strategy: "recently_viewed" });
    // Another instance's write (no local eviction) is seen once this instance follows the feed.
    await recordProductView(db(), A, { visitorId: "visitor-cache-1", customerId: null }, "10");
    expect(ids(await recs(A, { placement: "home", vid: "visitor-cache-1", limit: "3" }))[0]).toBe("11");
    await (await engines()).follow(A);
    expect(ids(await recs(A, { placement: "home", vid: "visitor-cache-1", limit: "3" })).slice(0, 2)).toEqual(["10", "11"]);
    await removeRule(db(), A, "rv2");
    await (await engines()).follow(A);
  });

  it("a quiz answer marks the visitor as returning on their next request, through the cache", async () => {
    const before = await get("offer", A, { vid: "visitor-cache-q" });
    expect(((await before.json()) as any).offer.type).toBe("welcome");
    await post("quiz", proxyUrl("quiz", A), { quizId: "style-quiz", answers: { style: ["Minimal"] }, vid: "visitor-cache-q" });
    const after = (await (await get("offer", A, { vid: "visitor-cache-q" })).json()) as any;
    expect(after.offer?.type).not.toBe("welcome");
  });

  it("stores quiz answers (one set per quiz and shopper) and answers {ok:true}", async () => {
    const res = await post("quiz", proxyUrl("quiz", A), { quizId: "style-quiz", answers: { style: ["Minimal"] }, vid: "visitor-quiz1" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
    await post("quiz", proxyUrl("quiz", A), { quizId: "style-quiz", answers: { style: ["Bold"], category: ["Shirts"] }, vid: "visitor-quiz1" });
    const rows = await db().quizResponse.findMany({ where: { shopId: A, visitorId: "visitor-quiz1" } });
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].answers)).toEqual({ style: ["Bold"], category: ["Shirts"] });
    expect((await post("quiz", proxyUrl("quiz", A), { quizId: "q", answers: {} })).status).toBe(400);
    expect((await post("quiz", proxyUrl("quiz", A), { quizId: "q", answers: { a: "not-a-list" } })).status).toBe(400);
  });
});

describe("GET offer", () => {
  it("a fresh shop (no visitor offer turned on) shows no shopper any offer, through the signed route", async () => {
    const fresh = `fresh-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
    await seedStore(db(), fresh, { products: [{ id: "50", title: "Fresh thing" }], customers: ["77"], orders: [{ id: "7700", customerId: "77", lines: ["50"], daysAgo: 400 }] });
    for (const [params, customer] of [[{ device: "desktop" }, ""], [{ device: "mobile" }, ""], [{ cart_total: "90000" }, ""], [{}, "77"], [{ vid: "returning-visitor-1" }, ""]] as const) {
      const res = await get("offer", fresh, params, customer);
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.offer).toBeNull();
      expect(JSON.stringify(body)).not.toMatch(/WELCOME10|COMEBACK15|code/i);
    }
  });

  it("gives a first-time guest the welcome offer and a repeat customer early access", async () => {
    const guest = await get("offer", A, { device: "desktop" });
    expect(guest.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await guest.json()).toEqual({ offer: { type: "welcome", message: expect.stringContaining("WELCOME10"), code: "WELCOME10", trigger: "delay", delaySeconds: 8 } });
    const member = (await (await get("offer", A, {}, "100")).json()) as any;
    expect(member.offer.type).toBe("early_access");
    const bigCart = (await (await get("offer", A, { cart_total: "50000" })).json()) as any;
    expect(bigCart.offer.type).toBe("priority_support");
    expect((await get("offer", A, { cart_total: "-5" })).status).toBe(400);
  });
});

describe("personalization opt-out (storefront)", () => {
  const privacy = (shop: string, customer: string, body?: unknown) =>
    call(
      (body === undefined ? privacyRoute.loader : privacyRoute.action) as Handler,
      new Request(proxyUrl("privacy", shop, {}, customer), body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
    );
  it("only the signed-in customer can opt out; the engine's Customer row and the change feed record it", async () => {
    expect((await privacy(A, "", { optOut: true })).status).toBe(401);
    expect((await privacy(A, "")).status).toBe(401);
    expect((await privacy(A, "300", { optOut: "yes" })).status).toBe(400);
    const res = await privacy(A, "300", { optOut: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ optedOut: true });
    expect((await db().customer.findFirst({ where: { shopId: A, id: "300" } }))!.personalizationOptOut).toBe(true);
    expect(await db().changeEvent.count({ where: { shopId: A, kind: "customer", entityId: "300" } })).toBeGreaterThan(0);
    expect(await (await privacy(A, "300")).json()).toEqual({ optedOut: true });
    expect(await (await privacy(A, "300", { optOut: false })).json()).toEqual({ optedOut: false });
    // Another shop's customer id changes nothing here.
    expect((await privacy(B, "300", { optOut: true })).status).toBe(404);
  });
});

describe("checkout upsell (session token)", () => {
  const upsell = (token: string | null, query = "placement=checkout", method = "GET", headers: Record<string, string> = {}) =>
    call((method === "GET" ? upsellRoute.loader : upsellRoute.action) as Handler, new Request(`${APP}/api/checkout/upsell?${query}`, {
      method,
      headers: { Origin: "https://extensions.shopifycdn.com", ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    }));
  const token = async (shop: string, overrides: Record<string, unknown> = {}, secret = SECRET()) =>
    // getJwt takes the store name (it appends .myshopify.com itself).
    (await getJwt(shop.replace(/\.myshopify\.com$/, ""), process.env.SHOPIFY_API_KEY!, secret, { sub: undefined, ...overrides })).token;

  it("answers the CORS preflight", async () => {
    const res = await upsell(null, "placement=checkout", "OPTIONS", { "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
  });

  it("refuses a missing or badly signed token", async () => {
    expect((await upsell(null)).status).toBe(401);
    expect((await upsell(await token(A, {}, "wrong-secret"))).status).toBe(401);
    expect((await upsell(await token(A, { exp: Date.now() / 1000 - 7200, nbf: Date.now() / 1000 - 8000, iat: Date.now() / 1000 - 8000 }))).status).toBe(401);
  });

  it("answers {products} for the token's shop and customer, with CORS headers", async () => {
    const res = await upsell(await token(A, { sub: "gid://shopify/Customer/100" }), "placement=thank_you");
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const body = (await res.json()) as any;
    expect(Object.keys(body)).toEqual(["products"]);
    expect(body.products.length).toBeGreaterThan(0);
    for (const p of body.products) {
      expect(Object.keys(p).sort()).toEqual(["currency", "id", "imageUrl", "priceCents", "reason", "title", "variantId"]);
      expect(p.variantId).toMatch(/^\d+$/);
      expect(["4", "7", "900", "901"]).not.toContain(p.id);
    }
    const inB = (await (await upsell(await token(B), "placement=checkout")).json()) as any;
    for (const p of inB.products) expect(["900", "901"]).toContain(p.id);
    expect((await upsell(await token(A), "placement=cart")).status).toBe(400);
    // A token for another app (same secret would be needed anyway) is refused by audience.
    expect((await upsell(await token(A, { aud: "someone-else" }))).status).toBe(401);
  });
});
