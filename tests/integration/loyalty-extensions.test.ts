/**
 * The loyalty routes of Attune's UI extensions through their real route modules, with real session
 * tokens (HS256 JWTs signed with the app secret) and a real database: the checkout thank-you line
 * (/api/checkout/loyalty) and the customer account routes (/api/account/loyalty...). Identity comes
 * only from the token: a customer sees only their own order's points; another shop's token nothing.
 */
import crypto from "node:crypto";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { EXAMPLE_PROGRAM } from "../../app/engine/loyalty/program";
import { getProgram, lockMember, postEntries, saveProgram } from "../../app/models/loyalty.server";
import { writeTransaction } from "../../app/models/sql.server";
import { seedStore } from "../helpers/store";
import { SECRET } from "../helpers/webhooks";
import { callRoute, type RouteHandler } from "../helpers/routes";
import * as checkoutRoute from "../../app/routes/api.checkout.loyalty";
import * as accountOrderRoute from "../../app/routes/api.account.loyalty.order";
import * as accountViewRoute from "../../app/routes/api.account.loyalty";
import * as accountRedeemRoute from "../../app/routes/api.account.loyalty.redeem";
import * as accountBirthdayRoute from "../../app/routes/api.account.loyalty.birthday";
import { insertCodes } from "../../app/models/rewards.server";

const A = `a-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const B = `b-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const OFF = `off-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const APP = "https://attune.example.com";
const ORDER = "9007199254740993"; // > 2^53: must stay a string end to end
const ORIGIN = "https://extensions.shopifycdn.com";

type Handler = RouteHandler;
const call = callRoute;

const token = async (shop: string, customer: string | null, overrides: Record<string, unknown> = {}, secret = SECRET()) =>
  (await getJwt(shop.replace(/\.myshopify\.com$/, ""), process.env.SHOPIFY_API_KEY!, secret, { sub: customer ? `gid://shopify/Customer/${customer}` : undefined, ...overrides })).token;

function request(path: string, jwt: string | null, init: RequestInit = {}) {
  return new Request(`${APP}${path}`, { ...init, headers: { Origin: ORIGIN, ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}), ...(init.headers as Record<string, string> | undefined) } });
}

/** An order's earn entry as the ledger writes it (pending until the return window ends). */
async function earn(shop: string, customerId: string, orderId: string, points: number, pendingDays: number) {
  const now = new Date();
  await writeTransaction(db(), async (tx) => {
    const program = await getProgram(tx, shop);
    const member = (await lockMember(tx, shop, customerId, now, true))!;
    await postEntries(tx, shop, member, [{ key: `earn:${orderId}`, kind: "earn", orderId, points: pendingDays ? 0 : points, pending: pendingDays ? points : 0, earnedPoints: points, programVersion: program?.version ?? null, rate: { points, pointsPerUnit: 1, multiplier: 1 }, availableAt: new Date(now.getTime() + pendingDays * 86_400_000) }], { now, program, activity: true });
  });
}

beforeAll(async () => {
  for (const shop of [A, B, OFF]) await seedStore(db(), shop, { products: [{ id: "1", title: "Mug" }], customers: ["100", "200"], orders: [] });
  for (const shop of [A, B]) expect((await saveProgram(db(), shop, "test", { ...EXAMPLE_PROGRAM, enabled: true })).ok).toBe(true);
  expect((await saveProgram(db(), OFF, "test", { ...EXAMPLE_PROGRAM, enabled: false })).ok).toBe(true);
  await earn(A, "100", ORDER, 240, 14);
  await earn(A, "200", "5001", 90, 0);
  await earn(B, "100", "7001", 55, 0);
});

const routes = [
  { name: "checkout thank-you (/api/checkout/loyalty)", path: "/api/checkout/loyalty", route: checkoutRoute },
  { name: "customer account order block (/api/account/loyalty/order)", path: "/api/account/loyalty/order", route: accountOrderRoute },
];

describe.each(routes)("$name", ({ path, route }) => {
  const get = async (jwt: string | null, order: string | null = `gid://shopify/Order/${ORDER}`) =>
    call(route.loader as Handler, request(`${path}${order === null ? "" : `?order=${encodeURIComponent(order)}`}`, jwt));

  it("answers the CORS preflight and refuses a missing, badly signed, expired or foreign-app token", async () => {
    const pre = await call(route.action as Handler, request(path, null, { method: "OPTIONS", headers: { "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect((await get(null)).status).toBe(401);
    expect((await get(await token(A, "100", {}, "wrong-secret"))).status).toBe(401);
    const old = Date.now() / 1000 - 8000;
    expect((await get(await token(A, "100", { exp: old + 60, nbf: old, iat: old }))).status).toBe(401);
    expect((await get(await token(A, "100", { aud: "another-app" }))).status).toBe(401);
    expect((await call(route.action as Handler, request(path, await token(A, "100"), { method: "POST" }))).status).toBe(405);
  });

  it("the buyer gets the points their order earned, with CORS headers", async () => {
    const res = await get(await token(A, "100"));
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await res.json()).toEqual({ enabled: true, signedIn: true, order: { earned: 240, pending: true, reversed: 0 } });
    // The bare numeric id works the same.
    expect(await (await get(await token(A, "100"), ORDER)).json()).toEqual({ enabled: true, signedIn: true, order: { earned: 240, pending: true, reversed: 0 } });
    expect(await (await get(await token(A, "200"), "5001")).json()).toEqual({ enabled: true, signedIn: true, order: { earned: 90, pending: false, reversed: 0 } });
  });

  it("another customer's order, another shop's order and an order not in the ledger yet all answer order: null", async () => {
    const none = { enabled: true, signedIn: true, order: null };
    expect(await (await get(await token(A, "200"))).json()).toEqual(none); // customer 200 asking for 100's order
    expect(await (await get(await token(B, "100"))).json()).toEqual(none); // same customer id, other shop
    expect(await (await get(await token(A, "100"), "7001")).json()).toEqual(none); // shop B's order id
    expect(await (await get(await token(A, "100"), "123")).json()).toEqual(none); // webhook not in yet
  });

  it("guests get signedIn: false; a disabled program answers only {enabled: false}", async () => {
    expect(await (await get(await token(A, null))).json()).toEqual({ enabled: true, signedIn: false });
    // A staff or other non-customer subject is no customer.
    expect(await (await get(await token(A, null, { sub: "gid://shopify/StaffMember/5" }))).json()).toEqual({ enabled: true, signedIn: false });
    expect(await (await get(await token(OFF, "100"))).json()).toEqual({ enabled: false });
  });

  it("a bad or missing order id is a 400 naming the parameter, with CORS headers", async () => {
    for (const bad of [null, "gid://shopify/Customer/1", "12; DROP TABLE", "1".repeat(21)]) {
      const res = await get(await token(A, "100"), bad);
      expect(res.status).toBe(400);
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(((await res.json()) as any).issues[0].param).toBe("order");
    }
  });
});

describe("customer account page (/api/account/loyalty, /redeem, /birthday)", () => {
  const post = async (route: { action: unknown }, path: string, jwt: string | null, body: unknown) =>
    call(route.action as Handler, request(path, jwt, { method: "POST", headers: { "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }));

  beforeAll(async () => {
    await earn(A, "200", "5003", 600, 0); // 690 spendable: covers one $5 reward (500), not two
    await writeTransaction(db(), (tx) => insertCodes(tx, A, { rewardId: "five-off", discountId: "gid://shopify/DiscountCodeNode/1", codes: ["ACCT-ONE", "ACCT-TWO"], status: "available" }));
  });

  it("shows the token's customer their own balance; a guest token gets no points; another shop's token gets that shop's member", async () => {
    const mine = await call(accountViewRoute.loader as Handler, request("/api/account/loyalty", await token(A, "200")));
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ enabled: true, signedIn: true, points: 690 });
    const guest = await (await call(accountViewRoute.loader as Handler, request("/api/account/loyalty", await token(A, null)))).json();
    expect(guest.signedIn).toBe(false);
    expect(guest.points).toBeUndefined();
    const other = await (await call(accountViewRoute.loader as Handler, request("/api/account/loyalty", await token(B, "200")))).json();
    expect(other.points ?? 0).toBe(0); // customer 200 has no points in shop B
    expect((await call(accountViewRoute.loader as Handler, request("/api/account/loyalty", null))).status).toBe(401);
  });

  it("redeems once per idempotency key with a real pool code, refuses what the balance does not cover, and validates the body", async () => {
    const jwt = await token(A, "200");
    const first = await post(accountRedeemRoute, "/api/account/loyalty/redeem", jwt, { rewardId: "five-off", idempotencyKey: "acct-1" });
    expect(first.status).toBe(200);
    const got = await first.json();
    expect(got).toMatchObject({ rewardId: "five-off", points: 190 });
    expect(["ACCT-ONE", "ACCT-TWO"]).toContain(got.code);
    const again = await (await post(accountRedeemRoute, "/api/account/loyalty/redeem", jwt, { rewardId: "five-off", idempotencyKey: "acct-1" })).json();
    expect(again.code).toBe(got.code);
    const short = await post(accountRedeemRoute, "/api/account/loyalty/redeem", jwt, { rewardId: "five-off", idempotencyKey: "acct-2" });
    expect(short.status).toBe(409);
    expect((await short.json()).error).toBe("insufficient_points");
    expect((await post(accountRedeemRoute, "/api/account/loyalty/redeem", jwt, "{not json")).status).toBe(422);
    expect((await post(accountRedeemRoute, "/api/account/loyalty/redeem", await token(A, null), { rewardId: "five-off" })).status).toBe(401);
    // The balance was debited exactly once.
    const view = await (await call(accountViewRoute.loader as Handler, request("/api/account/loyalty", jwt))).json();
    expect(view.points).toBe(190);
  });

  it("saves a valid birthday for the token's customer and refuses a bad one", async () => {
    const jwt = await token(A, "100");
    expect((await post(accountBirthdayRoute, "/api/account/loyalty/birthday", jwt, { birthday: "02-30" })).status).toBe(422);
    const ok = await post(accountBirthdayRoute, "/api/account/loyalty/birthday", jwt, { birthday: "04-23" });
    expect(ok.status).toBe(200);
    const m = await db().loyaltyMember.findUniqueOrThrow({ where: { shopId_customerId: { shopId: A, customerId: "100" } } });
    expect(m.birthday).toBe("04-23");
  });
});
