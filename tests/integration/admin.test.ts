/**
 * The admin's actions, called as Remix calls them: every form is validated on the server (422 with
 * one message per field), every write records who (the session token's `sub`) and when in the audit
 * log, in the same transaction, and appends a "config"/"customer" change. Offers are created in the
 * Admin API stand-in (the simulator), which validates each document against the 2026-10 schema.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const h = vi.hoisted(() => {
  const port = 20_000 + (process.pid % 20_000);
  process.env.ATTUNE_SIMULATOR = "1";
  process.env.ATTUNE_ADMIN_ORIGIN = `http://127.0.0.1:${port}`;
  return { port, shop: `admin-${Math.random().toString(36).slice(2, 10)}.myshopify.com`, actor: "4242" };
});
vi.mock("../../app/services/admin-context.server", () => ({ adminContext: async () => ({ shop: h.shop, actor: h.actor, demo: false }) }));

import { db } from "../../app/db.server";
import { listAudit } from "../../app/models/audit.server";
import { loadShopConfig } from "../../app/models/shop-config.server";
import * as home from "../../app/routes/app._index";
import * as activity from "../../app/routes/app.activity";
import * as customers from "../../app/routes/app.customers";
import * as offers from "../../app/routes/app.offers";
import * as proxyOffer from "../../app/routes/proxy.offer";
import * as proxyRecs from "../../app/routes/proxy.recommendations";
import * as settings from "../../app/routes/app.settings";
import { startAdminApi, type AdminApi } from "../../scripts/simulator/admin-api";
import { signedProxyQuery } from "../../scripts/simulator/sign";
import { generateStore } from "../../scripts/simulator/store";
import { SECRET } from "../helpers/webhooks";
import { seedStore } from "../helpers/store";

const TOKEN = "shpat_admin_test";
let api: AdminApi;

type Handler = (args: any) => Promise<unknown>;
async function post(route: { action: Handler }, form: Record<string, string>): Promise<{ status: number; body: any }> {
  const request = new Request("https://attune.example.com/app/x", { method: "POST", body: new URLSearchParams(form) });
  const r = await route.action({ request, params: {}, context: {} });
  if (r instanceof Response) return { status: r.status, body: await r.json() };
  return { status: 200, body: r };
}
async function load(route: { loader: Handler }, path = "/app/x"): Promise<any> {
  const r = await route.loader({ request: new Request(`https://attune.example.com${path}`), params: {}, context: {} });
  return r instanceof Response ? r.json() : r;
}
const auditFor = async (entityType: string) => (await listAudit(db(), h.shop, { entityType }))[0];

beforeAll(async () => {
  api = await startAdminApi({ store: generateStore({ seed: 1, shop: h.shop, now: new Date(), products: 2, customers: 2, orders: 2 }), tokens: { [h.shop]: TOKEN }, before: new Date(0), port: h.port });
  await seedStore(db(), h.shop, { products: [{ id: "1", title: "One" }], customers: ["501", "502"] });
  await db().session.create({ data: { id: `offline_${h.shop}`, shop: h.shop, state: "t", isOnline: false, scope: "write_discounts", accessToken: TOKEN } });
});
afterAll(async () => {
  await api?.close();
});

describe("offers", () => {
  it("a bad form answers 422 with a message beside each field, and nothing reaches Shopify", async () => {
    const r = await post(offers, { intent: "create", title: "", code: "no spaces", kind: "percentage", value: "0", minSubtotal: "abc", endsAt: "2001-01-01" });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      ok: false,
      errors: {
        title: "Title is required",
        code: "Code uses letters, digits, - and _ only",
        minSubtotal: "Minimum subtotal must be an amount such as 50 or 49.99",
        value: expect.stringMatching(/whole number from 1 to 100/),
        endsAt: "End date must be in the future",
      },
    });
    expect(api.discounts(h.shop)).toEqual([]);
    expect((await post(offers, { intent: "create", title: "X", code: "ABC", kind: "bogo" })).body.errors.kind).toMatch(/Choose/);
    expect((await post(offers, { intent: "nope" })).status).toBe(422);
  });

  it("creates the discount in Shopify with `context` (not customerSelection), then stores it with an audit record and a config change", async () => {
    const before = Date.now();
    const r = await post(offers, { intent: "create", title: "Welcome 10%", code: "welcome10", kind: "percentage", value: "10", minSubtotal: "25" });
    expect(r).toEqual({ status: 200, body: { ok: true, code: "WELCOME10" } });
    const [d] = api.discounts(h.shop);
    expect(d).toMatchObject({ type: "DiscountCodeBasic", code: "WELCOME10", context: { all: "ALL" }, customerGets: { value: { percentage: 0.1 }, items: { all: true } }, minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "25.00" } } });
    const row = await db().offer.findFirst({ where: { shopId: h.shop, code: "WELCOME10" } });
    expect(row).toMatchObject({ discountId: d.id, kind: "percentage", value: 10, minSubtotalCents: 2500, status: "active" });
    const audit = await auditFor("offer");
    expect(audit).toMatchObject({ actor: h.actor, action: "create", entityId: row!.id });
    expect(audit.summary).toContain("WELCOME10");
    expect(audit.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(await db().changeEvent.count({ where: { shopId: h.shop, kind: "config", entityId: `offer:${row!.id}` } })).toBe(1);
  });

  it("free shipping goes through discountCodeFreeShippingCreate with startsAt", async () => {
    const r = await post(offers, { intent: "create", title: "Ship free", code: "SHIPFREE", kind: "free_shipping", value: "", endsAt: "2099-12-31" });
    expect(r.status).toBe(200);
    const d = api.discounts(h.shop).find((x) => x.code === "SHIPFREE")!;
    expect(d).toMatchObject({ type: "DiscountCodeFreeShipping", context: { all: "ALL" }, endsAt: "2099-12-31T23:59:59.000Z" });
    expect(Date.parse(d.startsAt)).toBeLessThanOrEqual(Date.now());
  });

  it("Shopify's refusal (a code already used in the store) comes back beside the code field", async () => {
    // Created in Shopify by someone else: Attune does not know it, Shopify refuses the duplicate.
    const client = (await import("../../app/services/offers.server")).adminClientFor;
    const { discountInput } = await import("../../app/services/offers.server");
    const x = discountInput({ title: "Theirs", code: "TAKEN1", kind: "percentage", value: 5, minSubtotalCents: null, endsAt: null }, new Date());
    await (await client(h.shop)).request(x.document, x.variables);
    const r = await post(offers, { intent: "create", title: "Mine", code: "taken1", kind: "percentage", value: "5" });
    expect(r.status).toBe(422);
    expect(r.body.errors.code).toBe("Shopify: Code must be unique. Please try a different code.");
    expect(await db().offer.count({ where: { shopId: h.shop, code: "TAKEN1" } })).toBe(0);
    // And one Attune already has is refused before asking Shopify.
    expect((await post(offers, { intent: "create", title: "Again", code: "WELCOME10", kind: "percentage", value: "10" })).body.errors.code).toMatch(/already one of your offers/);
  });

  it("the page lists offers with status and usage from Shopify; listOffers gives the rules page what it attaches", async () => {
    const data = await load(offers);
    expect(data.offers.map((o: any) => [o.code, o.status, o.usageCount])).toEqual(expect.arrayContaining([["WELCOME10", "active", 0], ["SHIPFREE", "active", 0]]));
    const { listOffers, toRuleOffer } = await import("../../app/models/offers.server");
    const w = (await listOffers(db(), h.shop)).find((o) => o.code === "WELCOME10")!;
    const { offerSchema } = await import("../../app/engine/rules/rule");
    expect(offerSchema.safeParse(toRuleOffer(w)).success).toBe(true);
    expect(toRuleOffer(w)).toMatchObject({ kind: "discount_code", code: "WELCOME10", percentOff: 10 });
  });

  it("visitor offers: validated (a real code only, a message, a delay), then stored, audited and served", async () => {
    const base = { intent: "visitorOffer", key: "welcome", enabled: "true", message: "10% off with {code}", triggerType: "delay", delaySeconds: "5" };
    let r = await post(offers, { ...base, discountCode: "NOTREAL" });
    expect(r.status).toBe(422);
    expect(r.body.errors.discountCode).toMatch(/NOTREAL is not one of your offers/);
    r = await post(offers, { ...base, discountCode: "" });
    expect(r.body.errors.discountCode).toBeTruthy();
    r = await post(offers, { ...base, discountCode: "WELCOME10", message: "", delaySeconds: "-1" });
    expect(r.status).toBe(422);
    expect(r.body.errors).toMatchObject({ message: expect.stringMatching(/required/), delaySeconds: expect.stringMatching(/negative/) });
    r = await post(offers, { ...base, key: "prioritySupport", discountCode: "", message: "Chat with us", minCartValue: "-3" });
    expect(r.body.errors.minCartValue).toMatch(/cannot be negative/);
    r = await post(offers, { ...base, discountCode: "welcome10" });
    expect(r).toEqual({ status: 200, body: { ok: true, key: "welcome" } });
    const config = (await loadShopConfig(db(), h.shop))!.config;
    expect(config.visitorOffers.welcome).toMatchObject({ enabled: true, discountCode: "WELCOME10", trigger: { type: "delay", seconds: 5 } });
    expect(config.visitorOffers.winBack.enabled).toBe(false);
    expect(await auditFor("visitor_offer")).toMatchObject({ actor: h.actor, action: "enable", entityId: "welcome" });
  });
});

describe("offers: deactivate and delete", () => {
  it("refused with a field error while a rule or an enabled visitor offer uses the code; then done in Shopify, audited, with a config change", async () => {
    expect((await post(offers, { intent: "create", title: "Goodbye 5%", code: "BYE5", kind: "percentage", value: "5" })).status).toBe(200);
    const row = (await db().offer.findFirst({ where: { shopId: h.shop, code: "BYE5" } }))!;
    const inShopify = () => api.discounts(h.shop).find((d) => d.code === "BYE5");
    const changes = () => db().changeEvent.count({ where: { shopId: h.shop, kind: "config", entityId: `offer:${row.id}` } });
    expect(await changes()).toBe(1);

    // A rule (even a disabled one) shows it: refused, nothing sent to Shopify.
    await db().rule.create({ data: { shopId: h.shop, id: "uses-bye5", name: "Bye rule", enabled: false, priority: 1, definition: JSON.stringify({ placements: ["home"], segmentIds: [], content: {}, strategy: "trending", offer: { id: row.id, kind: "discount_code", title: "Goodbye 5%", code: "BYE5" } }) } });
    for (const intent of ["deactivate", "delete"]) {
      const r = await post(offers, { intent, id: row.id });
      expect(r.status).toBe(422);
      expect(r.body.errors.id).toBe(`BYE5 is still used by rule "Bye rule": choose another code there (or turn it off) before you ${intent} it`);
    }
    await db().rule.delete({ where: { shopId_id: { shopId: h.shop, id: "uses-bye5" } } });

    // An enabled visitor offer shows it: refused; once turned off, it no longer holds the code.
    const winBack = { intent: "visitorOffer", key: "winBack", message: "Come back: {code}", triggerType: "exit_intent", discountCode: "BYE5" };
    expect((await post(offers, { ...winBack, enabled: "true" })).status).toBe(200);
    expect((await post(offers, { intent: "delete", id: row.id })).body.errors.id).toMatch(/^BYE5 is still used by the lapsed customers visitor offer/);
    expect(inShopify()).toBeTruthy();
    expect(await changes()).toBe(1);
    expect((await post(offers, { ...winBack, enabled: "false" })).status).toBe(200);

    // Deactivate: Shopify ends the discount now (discountCodeDeactivate), the row follows.
    expect(await post(offers, { intent: "deactivate", id: row.id })).toEqual({ status: 200, body: { ok: true, code: "BYE5", intent: "deactivate" } });
    expect(Date.parse(inShopify()!.endsAt!)).toBeLessThanOrEqual(Date.now());
    expect((await db().offer.findFirst({ where: { shopId: h.shop, id: row.id } }))!.status).toBe("expired");
    expect(await auditFor("offer")).toMatchObject({ actor: h.actor, action: "deactivate", entityId: row.id, summary: expect.stringContaining("BYE5") });
    expect(await changes()).toBe(2);
    expect((await load(offers)).offers.find((o: any) => o.code === "BYE5").status).toBe("expired");

    // Delete: gone in Shopify (discountCodeDelete) and here.
    expect(await post(offers, { intent: "delete", id: row.id })).toEqual({ status: 200, body: { ok: true, code: "BYE5", intent: "delete" } });
    expect(inShopify()).toBeUndefined();
    expect(await db().offer.count({ where: { shopId: h.shop, id: row.id } })).toBe(0);
    expect(await auditFor("offer")).toMatchObject({ actor: h.actor, action: "delete", entityId: row.id });
    expect(await changes()).toBe(3);
    expect((await post(offers, { intent: "delete", id: row.id })).body.errors.id).toBe("This offer no longer exists");
  });
});

describe("settings", () => {
  it("answers 422 with field messages (its own checks and the engine's validator), storing nothing", async () => {
    const before = (await db().shop.findUnique({ where: { id: h.shop } }))!.settings;
    let r = await post(settings, { freeShippingThreshold: "abc", vipThreshold: "-5", atRiskChurnRatio: "0", lapsedChurnRatio: "x", repeatPurchaseProductTypes: "", excludeProductIds: "12, shoes" });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual({
      freeShippingThreshold: "Free-shipping threshold must be an amount such as 50 or 49.99",
      vipThreshold: "VIP threshold cannot be negative",
      atRiskChurnRatio: "At-risk ratio must be above 0",
      lapsedChurnRatio: "Lapsed ratio must be a number such as 1.5",
      excludeProductIds: expect.stringContaining('"shoes" is not a product id'),
    });
    // The engine's cross-field rule, reported on the field it names.
    r = await post(settings, { freeShippingThreshold: "50", vipThreshold: "500", atRiskChurnRatio: "3", lapsedChurnRatio: "2" });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual({ lapsedChurnRatio: "lapsedChurnRatio must be above atRiskChurnRatio" });
    expect((await db().shop.findUnique({ where: { id: h.shop } }))!.settings).toBe(before);
  });

  it("a valid save is what the storefront and the engine read (one free-shipping threshold), audited with a config change", async () => {
    const r = await post(settings, { freeShippingThreshold: "75", vipThreshold: "400.50", atRiskChurnRatio: "1.2", lapsedChurnRatio: "2.5", repeatPurchaseProductTypes: "Coffee, Refills", excludeProductIds: "gid://shopify/Product/99, 12" });
    expect(r).toEqual({ status: 200, body: { ok: true } });
    const loaded = (await loadShopConfig(db(), h.shop))!;
    expect(loaded.storefront.freeShippingThresholdCents).toBe(7500);
    expect(loaded.config).toMatchObject({ vipThresholdCents: 40050, atRiskChurnRatio: 1.2, lapsedChurnRatio: 2.5, filters: { consumableProductTypes: ["Coffee", "Refills"], excludeProductIds: ["99", "12"] } });
    expect(loaded.config.visitorOffers.welcome.enabled).toBe(true); // the visitor offers saved above are kept
    expect(await auditFor("settings")).toMatchObject({ actor: h.actor, action: "update", entityId: "settings" });
    expect(await db().changeEvent.count({ where: { shopId: h.shop, kind: "config", entityId: "settings" } })).toBe(1);
    // The cart block's copy: the app-data metafield on the app installation, the same value.
    expect(api.metafields(h.shop)).toEqual([expect.objectContaining({ namespace: "attune", key: "free_shipping_threshold_cents", type: "number_integer", value: "7500", ownerId: expect.stringMatching(/^gid:\/\/shopify\/AppInstallation\//) })]);
    expect((await load(settings)).form).toMatchObject({ freeShippingThreshold: "75", vipThreshold: "400.50", repeatPurchaseProductTypes: "Coffee, Refills" });
  });

  it("an empty threshold removes the cart block's metafield (no bar), and the API has none either", async () => {
    const r = await post(settings, { freeShippingThreshold: "", vipThreshold: "400.50", atRiskChurnRatio: "1.2", lapsedChurnRatio: "2.5" });
    expect(r.status).toBe(200);
    expect(api.metafields(h.shop)).toEqual([]);
    expect((await loadShopConfig(db(), h.shop))!.storefront.freeShippingThresholdCents).toBeNull();
  });

  it("shows the merchant the stored configuration the engine skips, with the reasons", async () => {
    await db().rule.create({ data: { shopId: h.shop, id: "broken", name: "Broken", definition: JSON.stringify({ placements: [], segmentIds: ["nope"], strategy: "psychic" }) } });
    const { problems } = await load(settings);
    expect(problems.join("\n")).toMatch(/rule broken: .*placements.*choose at least one placement/);
    await db().rule.delete({ where: { shopId_id: { shopId: h.shop, id: "broken" } } });
  });
});

describe("customers and home", () => {
  it("per-customer opt-out: 422 for a bad or unknown id; a toggle is audited and reaches the customer row", async () => {
    expect((await post(customers, { customerId: "abc", optOut: "true" })).body.errors.customerId).toBe("Customer id is a number");
    expect((await post(customers, { customerId: "501", optOut: "maybe" })).body.errors.optOut).toBeTruthy();
    expect((await post(customers, { customerId: "999", optOut: "true" })).body.errors.customerId).toMatch(/No customer 999/);
    expect((await post(customers, { customerId: "501", optOut: "true" })).body).toEqual({ ok: true, customerId: "501", optOut: true });
    expect((await db().customer.findFirst({ where: { shopId: h.shop, id: "501" } }))!.personalizationOptOut).toBe(true);
    expect(await auditFor("customer")).toMatchObject({ actor: h.actor, action: "opt_out", entityId: "501" });
    expect((await load(customers, "/app/customers?optedOut=1")).customers.map((c: any) => c.id)).toEqual(["501"]);
  });

  it("retrying the import is refused unless it failed; the home page reports the failure with its reason", async () => {
    expect((await post(home, { intent: "retryImport" })).body.errors._form).toBe("There is no import to retry");
    await db().backfillJob.create({ data: { shopId: h.shop, status: "failed", stage: "customers", counts: JSON.stringify({ products: 1 }), error: "bulk operation FAILED (ACCESS_DENIED)" } });
    const o = await load(home);
    expect(o.import).toMatchObject({ status: "failed", stage: "customers", error: "bulk operation FAILED (ACCESS_DENIED)", percent: 33, counts: { products: 1, customers: 0, orders: 0 } });
    expect(o.rules).toBe(0);
    expect(o.offers).toBeGreaterThanOrEqual(2);
  });
});

describe("home: storefront decisions served today", () => {
  it("decisions through the signed proxy routes raise the count the Home loader shows; refused requests do not", async () => {
    const proxy = (route: { loader: Handler }, path: string, params: Record<string, string>, secret = SECRET()) =>
      route.loader({ request: new Request(`https://attune.example.com/proxy/${path}?${signedProxyQuery(secret, h.shop, params, "")}`), params: {}, context: {} }).catch((e: unknown) => e) as Promise<Response>;
    const before = (await load(home)).decisionsToday as number;
    expect(before).toBeGreaterThanOrEqual(0);
    for (const placement of ["home", "product", "cart"]) expect((await proxy(proxyRecs, "recommendations", { placement })).status).toBe(200);
    expect((await proxy(proxyOffer, "offer", {})).status).toBe(200);
    expect((await load(home)).decisionsToday).toBe(before + 4);
    // A bad signature or a bad query is not a decision.
    expect((await proxy(proxyRecs, "recommendations", { placement: "home" }, "wrong-secret")).status).toBeGreaterThanOrEqual(400);
    expect((await proxy(proxyRecs, "recommendations", { placement: "nowhere" })).status).toBe(400);
    expect((await load(home)).decisionsToday).toBe(before + 4);
  });
});

describe("audit log", () => {
  it("records who and when for each write, newest first, readable on the Activity page", async () => {
    const data = await load(activity);
    const entries = data.entries as { actor: string; entityType: string; createdAt: Date }[];
    expect(entries.length).toBe(11); // 6, and the deactivate/delete test's create, visitor offer on and off, deactivate, delete
    expect(new Set(entries.map((e) => e.actor))).toEqual(new Set([h.actor]));
    expect(entries.map((e) => e.entityType)).toEqual(expect.arrayContaining(["offer", "visitor_offer", "settings", "customer"]));
    const times = entries.map((e) => new Date(e.createdAt).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Shop-scoped: another shop sees none of it.
    expect(await listAudit(db(), `other-${crypto.randomUUID().slice(0, 6)}.myshopify.com`)).toEqual([]);
  });
});
