/**
 * The segments, rules and preview admin pages through their real route modules: authenticated
 * requests (a session token signed like App Bridge's), a real SQLite database, the in-process engine.
 */
import crypto from "node:crypto";
import { getJwt, setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { sessionStorage } from "../../app/shopify.server";
import { appendChanges } from "../../app/models/changes.server";
import { upsertOrder } from "../../app/models/orders.server";
import { insertOffer } from "../../app/models/offers.server";
import { reloadEnv } from "../../app/utils/env.server";
import { loadCustomers, loadProducts, streamOrders } from "../../app/models/store-data.server";
import { recommendations } from "../../app/services/storefront.server";
import { buildProfile } from "../../app/engine/profile/build";
import { builtInSegments } from "../../app/engine/segments/builtin";
import { evaluateCondition } from "../../app/engine/segments/compile";
import type { Condition } from "../../app/engine/segments/condition";
import type { OrderFact } from "../../app/engine/types";
import { orderRecord, seedStore } from "../helpers/store";
import * as segmentsIndex from "../../app/routes/app.segments._index";
import * as segmentEdit from "../../app/routes/app.segments.$id";
import * as rulesIndex from "../../app/routes/app.rules._index";
import * as ruleEdit from "../../app/routes/app.rules.$id";
import * as previewRoute from "../../app/routes/app.preview";

const SHOP = `seg-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const APP = "https://attune.example.com";
const STAFF = "gid://shopify/User/7";

type Handler = (args: any) => Promise<unknown>;
async function call(handler: Handler, request: Request, params: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  try {
    const out = await handler({ request, params, context: {} });
    if (out instanceof Response) return { status: out.status, body: await out.json().catch(() => null) };
    return { status: 200, body: out };
  } catch (e) {
    if (e instanceof Response) return { status: e.status, body: await e.text() };
    throw e;
  }
}

async function token(sub = STAFF) {
  return (await getJwt(SHOP.replace(/\.myshopify\.com$/, ""), process.env.SHOPIFY_API_KEY!, process.env.SHOPIFY_API_SECRET!, { sub })).token;
}
async function get(handler: Handler, path: string, params: Record<string, string> = {}) {
  return call(handler, new Request(`${APP}${path}`, { headers: { Authorization: `Bearer ${await token()}` } }), params);
}
async function post(handler: Handler, path: string, body: unknown, params: Record<string, string> = {}) {
  return call(
    handler,
    new Request(`${APP}${path}`, { method: "POST", headers: { Authorization: `Bearer ${await token()}`, "Content-Type": "application/json" }, body: JSON.stringify(body) }),
    params,
  );
}

// 40 customers: every fifth in Canada; orders and spend vary with the id.
const CUSTOMERS = Array.from({ length: 40 }, (_, i) => String(101 + i));
const canadian = (id: string) => Number(id) % 5 === 0;

beforeAll(async () => {
  await seedStore(db(), SHOP, { products: Array.from({ length: 10 }, (_, i) => ({ id: String(i + 1) })), customers: CUSTOMERS });
  let n = 50_000;
  await db().$transaction(async (tx) => {
    for (const c of CUSTOMERS) {
      const k = Number(c);
      for (let j = 0; j < k % 4; j++) {
        const rec = orderRecord({ id: String(n++), customerId: c, lines: Array.from({ length: (k % 3) + 1 }, (_, l) => String(((k + l + j) % 10) + 1)), daysAgo: (k * 7 + j * 40) % 300 });
        rec.countryCode = canadian(c) ? "CA" : "US";
        await appendChanges(tx, SHOP, (await upsertOrder(tx, SHOP, rec, { customerRedacted: false })).changes);
      }
    }
  });
  await sessionStorage.storeSession(setUpValidSession({ shop: SHOP, scope: process.env.SCOPES, expires: undefined }));
});

const audit = () => db().auditLog.findMany({ where: { shopId: SHOP }, orderBy: { id: "asc" } });
const configEvents = () => db().changeEvent.findMany({ where: { shopId: SHOP, kind: "config" }, orderBy: { id: "asc" } });

const CANADA: Condition = { all: [{ field: "customer_country", op: "eq", value: "CA" }, { field: "lifetime_value_cents", op: "gte", value: 5000 }] };
let canadaId = "";
let canadaRule = "";
let vipRule = "";

describe("segments pages", () => {
  it("refuses a request without a session token", async () => {
    const r = await call(segmentsIndex.loader as Handler, new Request(`${APP}/app/segments`, { headers: { Authorization: "Bearer nope" } }));
    expect([302, 401]).toContain(r.status);
  });

  it("answers an invalid segment with 422 and the engine's field keys, and writes nothing", async () => {
    const r = await post(segmentEdit.action as Handler, "/app/segments/new", { intent: "save", name: " ", condition: { all: [{ field: "lifetime_value_cents", op: "gt", value: "lots" }, { field: "country", op: "contains", value: "CA" }] } }, { id: "new" });
    expect(r.status).toBe(422);
    expect(r.body.ok).toBe(false);
    expect(Object.keys(r.body.errors).sort()).toEqual(["condition.all[0].value", "condition.all[1].op", "name"]);
    expect(await audit()).toEqual([]);
  });

  it("creates a segment, recording the actor and a config change event", async () => {
    const r = await post(segmentEdit.action as Handler, "/app/segments/new", { intent: "save", name: "Canadian spenders", description: "", condition: CANADA }, { id: "new" });
    expect(r).toMatchObject({ status: 200, body: { ok: true, intent: "create", id: "canadian_spenders" } });
    canadaId = r.body.id;
    const [entry] = await audit();
    expect(entry).toMatchObject({ actor: STAFF, action: "create", entityType: "segment", entityId: canadaId, summary: 'Created segment "Canadian spenders"' });
    expect((await configEvents()).map((e) => e.entityId)).toEqual([`segment:${canadaId}`]);

    const page = await get(segmentEdit.loader as Handler, `/app/segments/${canadaId}`, { id: canadaId });
    expect(page.body).toMatchObject({ id: canadaId, name: "Canadian spenders", condition: CANADA, currency: "USD" });
    expect(page.body.catalogue.length).toBeGreaterThan(30);
  });

  it("lists segments with sizes equal to a brute-force count over every customer", async () => {
    const list = await get(segmentsIndex.loader as Handler, "/app/segments");
    expect(list.status).toBe(200);
    const products = new Map((await loadProducts(db(), SHOP)).map((p) => [p.id, p]));
    const orders = new Map<string, OrderFact[]>();
    for await (const page of streamOrders(db(), SHOP)) for (const o of page) if (o.customerId && !o.cancelled) orders.set(o.customerId, [...(orders.get(o.customerId) ?? []), o]);
    const now = Date.now();
    const profiles = (await loadCustomers(db(), SHOP)).map((c) =>
      buildProfile(c, (orders.get(c.id) ?? []).sort((a, b) => a.createdAt - b.createdAt), (id) => products.get(id), now, { churnThresholds: { atRisk: 1.5, lapsed: 3 } }),
    );
    const count = (c: Condition) => profiles.filter((profile) => evaluateCondition(c, { profile, context: { placement: "home", customerId: profile.customerId ?? "x", returningVisitor: true, now } })).length;

    expect(list.body.customers).toBe(CUSTOMERS.length);
    const [row] = list.body.segments;
    expect(row).toMatchObject({ id: canadaId, name: "Canadian spenders", summary: "Customers in Canada who spent at least $50" });
    expect(row.size).toBe(count(CANADA));
    expect(row.size).toBeGreaterThan(0);
    expect(row.size).toBeLessThan(CUSTOMERS.filter(canadian).length + 1);
    for (const b of builtInSegments()) expect(list.body.builtIns.find((x: any) => x.id === b.id).size, b.id).toBe(count(b.condition));
    expect(list.body.builtIns.find((x: any) => x.id === "repeat_buyer").size).toBeGreaterThan(0);
  });

  it("duplicates and deletes from the list, and refuses to delete a segment a rule uses", async () => {
    const dup = await post(segmentsIndex.action as Handler, "/app/segments", { intent: "duplicate", id: canadaId });
    expect(dup).toMatchObject({ status: 200, body: { ok: true, id: "copy_of_canadian_spenders" } });
    expect((await post(segmentsIndex.action as Handler, "/app/segments", { intent: "delete", id: dup.body.id })).status).toBe(200);
    expect((await post(segmentsIndex.action as Handler, "/app/segments", { intent: "explode", id: canadaId })).status).toBe(422);
    expect((await audit()).slice(-2).map((a) => [a.action, a.entityId])).toEqual([
      ["duplicate", "copy_of_canadian_spenders"],
      ["delete", "copy_of_canadian_spenders"],
    ]);
  });
});

describe("rules pages", () => {
  const rule = (over: Record<string, unknown> = {}) => ({
    name: "Canada home",
    segmentIds: [canadaId],
    placements: ["home"],
    strategy: "new_arrivals",
    content: { heading: "Hello Canada", message: null, bannerImageUrl: null, linkUrl: "/collections/canada" },
    offer: { id: "off_ca", kind: "free_shipping", title: "Free shipping to Canada" },
    filters: null,
    priority: 10,
    enabled: true,
    ...over,
  });

  it("answers an invalid rule with 422 and the engine's field keys (schedule in the shop's zone too)", async () => {
    const r = await post(
      ruleEdit.action as Handler,
      "/app/rules/new",
      { intent: "save", rule: rule({ name: "", placements: [], segmentIds: ["ghost"], content: { bannerImageUrl: "http://insecure" }, offer: { id: "o", kind: "discount_code", title: "10% off" } }), schedule: { startsAt: "soon", endsAt: "" } },
      { id: "new" },
    );
    expect(r.status).toBe(422);
    expect(Object.keys(r.body.errors).sort()).toEqual(["content.bannerImageUrl", "name", "offer.code", "placements", "startsAt"]);
    const unknownSegment = await post(ruleEdit.action as Handler, "/app/rules/new", { intent: "save", rule: rule({ segmentIds: ["vip", "ghost"] }) }, { id: "new" });
    expect(unknownSegment).toMatchObject({ status: 422, body: { errors: { "segmentIds[1]": 'unknown segment "ghost"' } } });
    const order = await post(ruleEdit.action as Handler, "/app/rules/new", { intent: "save", rule: rule(), schedule: { startsAt: "2026-03-01T09:00", endsAt: "2026-02-01T09:00" } }, { id: "new" });
    expect(order).toMatchObject({ status: 422, body: { errors: { endsAt: "endsAt must be after startsAt" } } });
    // A valid rule with an unreadable schedule is not saved without it.
    const when = await post(ruleEdit.action as Handler, "/app/rules/new", { intent: "save", rule: rule(), schedule: { startsAt: "", endsAt: "next week" } }, { id: "new" });
    expect(when).toMatchObject({ status: 422, body: { ok: false, errors: { endsAt: "Enter a date and time" } } });
    expect(Object.keys(when.body.errors)).toEqual(["endsAt"]);
    expect(await db().rule.count({ where: { shopId: SHOP } })).toBe(0);
  });

  it("a created rule changes the storefront decision for a matching shopper and not for others", async () => {
    const member = CUSTOMERS.find((c) => canadian(c) && Number(c) % 4 >= 2)!; // Canadian with 2-3 orders
    const outsider = CUSTOMERS.find((c) => !canadian(c) && Number(c) % 4 >= 2)!;
    const ask = (customerId: string) => recommendations(db(), { shop: SHOP, customerId }, { placement: "home", limit: 4 });
    expect((await ask(member))!.rule).toBeNull();

    const auditBefore = (await audit()).length;
    const r = await post(ruleEdit.action as Handler, "/app/rules/new", { intent: "save", rule: rule(), schedule: { startsAt: "", endsAt: "" } }, { id: "new" });
    expect(r).toMatchObject({ status: 200, body: { ok: true, intent: "create" } });
    canadaRule = r.body.id;
    const v = await post(ruleEdit.action as Handler, "/app/rules/new", { intent: "save", rule: rule({ name: "VIP only", segmentIds: ["vip"], priority: 50, offer: null }) }, { id: "new" });
    vipRule = v.body.id;

    const hit = (await ask(member))!;
    expect(hit.rule).toEqual({ id: canadaRule, name: "Canada home" });
    expect(hit.content.heading).toBe("Hello Canada");
    expect(hit.offer).toMatchObject({ title: "Free shipping to Canada" });
    expect(hit.strategy).toBe("new_arrivals");
    const miss = (await ask(outsider))!;
    expect(miss.rule).toBeNull();
    expect(miss.content.heading).toBeNull();

    const entries = (await audit()).slice(auditBefore);
    expect(entries.map((a) => [a.actor, a.action, a.entityType, a.entityId])).toEqual([
      [STAFF, "create", "rule", canadaRule],
      [STAFF, "create", "rule", vipRule],
    ]);
    expect((await configEvents()).slice(-2).map((e) => e.entityId)).toEqual([`rule:${canadaRule}`, `rule:${vipRule}`]);
    const page = await get(ruleEdit.loader as Handler, `/app/rules/${canadaRule}`, { id: canadaRule });
    expect(page.body).toMatchObject({ id: canadaRule, timezone: "UTC", schedule: { startsAt: "", endsAt: "" }, draft: { name: "Canada home", content: { linkUrl: "/collections/canada" } } });
  });

  it("preview as: from a rule, a segment and a customer, with the matched rule and skipped rules' reasons", async () => {
    const fromRule = await get(previewRoute.loader as Handler, `/app/preview?rule=${canadaRule}`);
    expect(fromRule.status).toBe(200);
    const res = fromRule.body.result;
    expect(canadian(res.customer.id)).toBe(true);
    expect(res.rule).toEqual({ id: canadaRule, name: "Canada home" });
    expect(res.skipped).toEqual([{ id: vipRule, name: "VIP only", priority: 50, reason: "shopper is not in segment VIP" }]);
    expect(res.segments.find((s: any) => s.id === canadaId).reasons).toEqual([expect.stringMatching(/^customer country CA/), expect.stringMatching(/^lifetime value \$\d+ ≥ \$50$/)]);
    expect(res.products.length).toBeGreaterThan(0);
    for (const p of res.products) expect(p).toMatchObject({ title: expect.stringMatching(/^Product \d+$/), reason: expect.any(String), strategy: expect.any(String) });
    expect(fromRule.body.storefrontPreview).toBeNull(); // the demo link appears only under the simulator
    process.env.ATTUNE_SIMULATOR = "1";
    process.env.ATTUNE_PREVIEW_URL = "http://127.0.0.1:9292/";
    reloadEnv();
    try {
      expect((await get(previewRoute.loader as Handler, `/app/preview?rule=${vipRule}`)).body.storefrontPreview).toBe("http://127.0.0.1:9292/?persona=vip");
      expect((await get(previewRoute.loader as Handler, "/app/preview?segment=lapsed")).body.storefrontPreview).toBe("http://127.0.0.1:9292/?persona=lapsed");
    } finally {
      delete process.env.ATTUNE_SIMULATOR;
      delete process.env.ATTUNE_PREVIEW_URL;
      reloadEnv();
    }

    const fromSegment = await get(previewRoute.loader as Handler, `/app/preview?segment=${canadaId}`);
    expect(fromSegment.body.result.rule.id).toBe(canadaRule);

    const outsider = CUSTOMERS.find((c) => !canadian(c))!;
    const asCustomer = await get(previewRoute.loader as Handler, `/app/preview?customer=${outsider}&placement=home`);
    expect(asCustomer.body.result.rule).toBeNull();
    expect(asCustomer.body.result.skipped.map((s: any) => [s.name, s.reason])).toEqual([
      ["VIP only", "shopper is not in segment VIP"],
      ["Canada home", "shopper is not in segment Canadian spenders"],
    ]);
  });

  it("lists rules by placement, and reorders, toggles, duplicates and deletes them with audit entries", async () => {
    const list = await get(rulesIndex.loader as Handler, "/app/rules");
    const home = list.body.groups.find((g: any) => g.placement === "home");
    expect(home.rules.map((r: any) => r.name)).toEqual(["VIP only", "Canada home"]);
    expect(list.body.templates.length).toBe(10);

    expect((await post(rulesIndex.action as Handler, "/app/rules", { intent: "reorder", placement: "home", ids: [canadaRule, vipRule] })).status).toBe(200);
    const after = await get(rulesIndex.loader as Handler, "/app/rules");
    expect(after.body.groups.find((g: any) => g.placement === "home").rules.map((r: any) => [r.name, r.priority])).toEqual([["Canada home", 50], ["VIP only", 10]]);
    expect((await post(rulesIndex.action as Handler, "/app/rules", { intent: "toggle", id: canadaRule, enabled: false })).status).toBe(200);
    const member = CUSTOMERS.find((c) => canadian(c) && Number(c) % 4 >= 2)!;
    expect((await recommendations(db(), { shop: SHOP, customerId: member }, { placement: "home", limit: 4 }))!.rule).toBeNull();
    const dup = await post(rulesIndex.action as Handler, "/app/rules", { intent: "duplicate", id: vipRule });
    expect(dup.status).toBe(200);
    expect((await post(rulesIndex.action as Handler, "/app/rules", { intent: "reorder", ids: [vipRule] })).status).toBe(422);
    expect((await post(rulesIndex.action as Handler, "/app/rules", { intent: "toggle", id: "ghost", enabled: true })).body).toEqual({ ok: false, errors: { _form: "This rule no longer exists." } });

    const entries = (await audit()).filter((a) => a.entityType === "rule").slice(-3);
    expect(entries.map((a) => [a.actor, a.action])).toEqual([[STAFF, "reorder"], [STAFF, "disable"], [STAFF, "duplicate"]]);
    // A segment in use cannot go.
    const del = await post(segmentsIndex.action as Handler, "/app/segments", { intent: "delete", id: canadaId });
    expect(del).toMatchObject({ status: 422, body: { errors: { _form: 'Used by rule "Canada home": remove it from them first.' } } });
  });

  it("templates pre-fill a rule and bring their segments on save", async () => {
    const page = await get(ruleEdit.loader as Handler, "/app/rules/new?template=birthday_reward", { id: "new" });
    expect(page.body).toMatchObject({ template: "birthday_reward", newSegments: [{ id: "birthday_this_week", name: "Birthday this week" }], draft: { name: "Birthday reward", segmentIds: ["birthday_this_week"] } });
    expect((await get(ruleEdit.loader as Handler, "/app/rules/new?template=nope", { id: "new" })).status).toBe(404);
    const { id: _id, ...draft } = page.body.draft;
    const save = () => post(ruleEdit.action as Handler, "/app/rules/new?template=birthday_reward", { intent: "save", rule: draft, schedule: { startsAt: "2026-12-01T00:00", endsAt: "" }, template: "birthday_reward" }, { id: "new" });
    // The template's code does not exist in Shopify yet: refused beside the code field, nothing written.
    const refused = await save();
    expect(refused).toMatchObject({ status: 422, body: { errors: { "offer.code": expect.stringContaining("BIRTHDAY20 is not one of your offers") } } });
    expect(await db().segment.findUnique({ where: { shopId_id: { shopId: SHOP, id: "birthday_this_week" } } })).toBeNull();
    await insertOffer(db(), SHOP, { id: "off_birthday20", discountId: "gid://shopify/DiscountCodeNode/1", code: "BIRTHDAY20", title: "20% off", kind: "percentage", value: 20, minSubtotalCents: null, status: "active", startsAt: new Date(), endsAt: null });
    const r = await save();
    expect(r).toMatchObject({ status: 200, body: { ok: true } });
    expect(await db().segment.findUnique({ where: { shopId_id: { shopId: SHOP, id: "birthday_this_week" } } })).toMatchObject({ name: "Birthday this week" });
    const saved = await db().rule.findUnique({ where: { shopId_id: { shopId: SHOP, id: r.body.id } } });
    expect(saved?.startsAt?.toISOString()).toBe("2026-12-01T00:00:00.000Z");
  });
});

describe("pages render (server side, with their loaders' data)", () => {
  async function render(route: { default: any }, data: any, url: string): Promise<string> {
    const handler = createStaticHandler([{ id: "page", path: "*", loader: () => data as object, Component: route.default }]);
    const context = await handler.query(new Request(`${APP}${url}`));
    if (context instanceof Response) throw new Error("unexpected redirect");
    const router = createStaticRouter(handler.dataRoutes, context);
    return renderToString(createElement(AppProvider, { i18n: en }, createElement(StaticRouterProvider, { router, context })));
  }
  const page = async (route: any, url: string, params: Record<string, string> = {}) => {
    const r = await get(route.loader, url, params);
    expect(r.status).toBe(200);
    return render(route, r.body, url);
  };

  it("segments list and editor, rules list and editor (saved and from a template), preview", async () => {
    expect(await page(segmentsIndex, "/app/segments")).toContain("Canadian spenders");
    const editor = await page(segmentEdit, `/app/segments/${canadaId}`, { id: canadaId });
    expect(editor).toContain("Customers in Canada who spent at least $50");
    expect(editor).toContain("Condition 1: field");
    expect(await page(segmentEdit, "/app/segments/new", { id: "new" })).toContain("Add condition");
    const rules = await page(rulesIndex, "/app/rules");
    expect(rules).toContain("Canada home");
    expect(rules).toContain("Birthday reward");
    const rulePage = await page(ruleEdit, `/app/rules/${canadaRule}`, { id: canadaRule });
    expect(rulePage.replace(/<!-- -->/g, "")).toMatch(/Times are in the shop.{1,6}s time zone \(UTC\)/);
    expect(rulePage).toContain("Products the shopper bought before");
    expect(await page(ruleEdit, "/app/rules/new?template=win_back_lapsed", { id: "new" })).toContain("Win-back for lapsed customers");
    const preview = await page(previewRoute, `/app/preview?rule=${vipRule}`);
    expect(preview).toContain("Skipped rules");
  });

  it("a loyalty tier segment: the editor offers the program's tiers by name and counts the members the engine holds", async () => {
    await db().loyaltyProgram.create({ data: { shopId: SHOP, version: 1, actor: STAFF, config: JSON.stringify({ enabled: true, tiers: [{ id: "silver", name: "Silver" }, { id: "gold", name: "Gold" }] }) } });
    await db().$transaction(async (tx) => {
      for (const [customerId, tierId] of [["101", "gold"], ["102", "silver"], ["103", "gold"]]) {
        await tx.loyaltyMember.create({ data: { shopId: SHOP, customerId, points: 500, pending: 0, tierId } });
        await appendChanges(tx, SHOP, [{ kind: "loyalty", entityId: customerId }]);
      }
    });
    const gold: Condition = { all: [{ field: "loyalty_tier", op: "eq", value: "gold" }] };
    const saved = await post(segmentEdit.action as Handler, "/app/segments/new", { intent: "save", name: "Gold members", description: "", condition: gold }, { id: "new" });
    expect(saved.body).toMatchObject({ ok: true, id: "gold_members" });
    const loaded = await get(segmentEdit.loader as Handler, "/app/segments/gold_members", { id: "gold_members" });
    expect(loaded.body.tiers).toEqual([{ id: "silver", name: "Silver" }, { id: "gold", name: "Gold" }]);
    expect(loaded.body.catalogue.filter((f: any) => f.name.startsWith("loyalty_")).map((f: any) => [f.name, f.type])).toEqual([["loyalty_tier", "string"], ["loyalty_points", "number"], ["loyalty_pending", "number"]]);
    expect(loaded.body.size).toBe(2);
    const html = (await render(segmentEdit, loaded.body, "/app/segments/gold_members")).replace(/<!-- -->/g, "");
    expect(html).toContain("Customers who are in the Gold loyalty tier");
    expect(html).toContain('<optgroup label="Loyalty program">');
    expect(html).toMatch(/<option value="loyalty_pending"[^>]*>Pending points<\/option>/);
    expect(html).toMatch(/<option value="gold"[^>]*>Gold<\/option>/);
    expect(html).toContain("2 customers match now");
  });
});
