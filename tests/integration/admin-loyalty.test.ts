/**
 * The loyalty admin pages through their real route modules: requests carry a session token signed
 * like App Bridge's (the staff member is its `sub`), against a real SQLite database and the real
 * ledger model. Covers the program save with its preview, validation errors by field, adjustments
 * (reason required, actor recorded), the opening-balance import (dry run writes nothing, applying
 * twice imports once, bounded upload), the ledger export, and every page rendering its loader data.
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
import { EXAMPLE_PROGRAM } from "../../app/engine/loyalty/program";
import type { ProgramConfig } from "../../app/engine/loyalty/types";
import { getProgram, lockMember, postEntries } from "../../app/models/loyalty.server";
import { writeTransaction } from "../../app/models/sql.server";
import { sessionStorage } from "../../app/shopify.server";
import { ledgerCsv } from "../../app/services/loyalty-admin.server";
import { parseCsv } from "../../app/utils/csv";
import { seedStore } from "../helpers/store";
import * as programRoute from "../../app/routes/app.loyalty._index";
import * as membersRoute from "../../app/routes/app.loyalty.members._index";
import * as memberRoute from "../../app/routes/app.loyalty.members.$customerId";
import * as importRoute from "../../app/routes/app.loyalty.import";
import * as exportRoute from "../../app/routes/app.loyalty.export";

const SHOP = `loy-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const OTHER = `loy-other-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const APP = "https://attune.example.com";
const STAFF = "gid://shopify/User/31";

type Handler = (args: any) => Promise<unknown>;
async function call(handler: Handler, request: Request, params: Record<string, string> = {}): Promise<{ status: number; body: any; response?: Response }> {
  try {
    const out = await handler({ request, params, context: {} });
    if (out instanceof Response) {
      const text = await out.clone().text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* CSV or plain text */
      }
      return { status: out.status, body, response: out };
    }
    return { status: 200, body: out };
  } catch (e) {
    if (e instanceof Response) return { status: e.status, body: await e.text() };
    throw e;
  }
}
const token = async (shop = SHOP) => (await getJwt(shop.replace(/\.myshopify\.com$/, ""), process.env.SHOPIFY_API_KEY!, process.env.SHOPIFY_API_SECRET!, { sub: STAFF })).token;
const auth = async (shop = SHOP) => ({ Authorization: `Bearer ${await token(shop)}` });
const get = async (handler: Handler, path: string, params: Record<string, string> = {}, shop = SHOP) => call(handler, new Request(`${APP}${path}`, { headers: await auth(shop) }), params);
const postJson = async (handler: Handler, path: string, body: unknown) =>
  call(handler, new Request(`${APP}${path}`, { method: "POST", headers: { ...(await auth()), "Content-Type": "application/json" }, body: JSON.stringify(body) }));
const postForm = async (handler: Handler, path: string, form: Record<string, string>, params: Record<string, string> = {}) =>
  call(handler, new Request(`${APP}${path}`, { method: "POST", headers: await auth(), body: new URLSearchParams(form) }), params);
async function upload(intent: string, csv: string) {
  const fd = new FormData();
  fd.set("intent", intent);
  fd.set("file", new File([csv], "balances.csv", { type: "text/csv" }));
  return call(importRoute.action as Handler, new Request(`${APP}/app/loyalty/import`, { method: "POST", headers: await auth(), body: fd }));
}

// 60 customers (more than a members page); ids above 2^53, as Shopify's are.
const CUSTOMERS = Array.from({ length: 60 }, (_, i) => String(9_007_199_254_740_993n + BigInt(i)));
const OUTSIDER = "7000000000000000001"; // not a customer of the shop
/** Opening balances (they do not count toward tiers: only points earned on orders do). */
const BALANCE = (i: number) => (i % 6) * 400; // 0, 400, ..., 2000
/** Points earned on orders (tiers are by points earned here). */
const EARNED = (i: number) => (i % 5) * 450; // 0, 450, ..., 1800

const PROGRAM: ProgramConfig = {
  ...EXAMPLE_PROGRAM,
  enabled: true,
  tierBasis: "points",
  tierWindow: "lifetime",
  tiers: [
    { id: "bronze", name: "Bronze", threshold: 0, multiplier: 1, entryRewardPoints: 0, freeShipping: false, earlyAccess: false },
    { id: "silver", name: "Silver", threshold: 500, multiplier: 1.25, entryRewardPoints: 0, freeShipping: false, earlyAccess: false },
    { id: "gold", name: "Gold", threshold: 1500, multiplier: 1.5, entryRewardPoints: 0, freeShipping: true, earlyAccess: true },
  ],
};
const tierOf = (points: number, tiers: ProgramConfig["tiers"]) => [...tiers].reverse().find((t) => points >= t.threshold)!.id;

const entries = (shop = SHOP) => db().loyaltyEntry.findMany({ where: { shopId: shop }, orderBy: { seq: "asc" } });
const audit = () => db().auditLog.findMany({ where: { shopId: SHOP }, orderBy: { id: "asc" } });

beforeAll(async () => {
  await seedStore(db(), SHOP, { customers: CUSTOMERS });
  await seedStore(db(), OTHER, { customers: [CUSTOMERS[0]] });
  await sessionStorage.storeSession(setUpValidSession({ shop: SHOP, scope: process.env.SCOPES, expires: undefined }));
  await sessionStorage.storeSession(setUpValidSession({ shop: OTHER, scope: process.env.SCOPES, expires: undefined }));
});

describe("program settings", () => {
  it("refuses a request without a valid session token", async () => {
    for (const route of [programRoute, membersRoute, importRoute, exportRoute] as { loader: Handler }[]) {
      const r = await call(route.loader, new Request(`${APP}/app/loyalty`, { headers: { Authorization: "Bearer forged" } }));
      expect([302, 401]).toContain(r.status);
    }
  });

  it("a fresh install shows the example program, off, as an unsaved draft", async () => {
    const r = await get(programRoute.loader as Handler, "/app/loyalty");
    expect(r.body).toMatchObject({ version: 0, savedAt: null, currency: "USD" });
    expect(r.body.config).toEqual({ ...EXAMPLE_PROGRAM, enabled: false });
  });

  it("an invalid program answers 422 with one message per field path, and nothing is written", async () => {
    const bad = { ...PROGRAM, pointsPerUnit: -1, tiers: [PROGRAM.tiers[0], { ...PROGRAM.tiers[1], threshold: 0 }], rewards: [{ ...PROGRAM.rewards[0], cost: 0 }] };
    for (const intent of ["preview", "save"]) {
      const r = await postJson(programRoute.action as Handler, "/app/loyalty", { intent, config: bad });
      expect(r.status).toBe(422);
      expect(Object.keys(r.body.errors).sort()).toEqual(["pointsPerUnit", "rewards.0.cost", "tiers.1.threshold"]);
      expect(r.body.errors.pointsPerUnit).toMatch(/negative/);
    }
    expect(await db().loyaltyProgram.count({ where: { shopId: SHOP } })).toBe(0);
    expect(await audit()).toEqual([]);
  });

  it("the preview comes first and writes nothing; the save is version 1, audited with the staff member", async () => {
    const preview = await postJson(programRoute.action as Handler, "/app/loyalty", { intent: "preview", config: PROGRAM });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ ok: true, intent: "preview", preview: { members: 0, changeTier: 0 } });
    expect(await db().loyaltyProgram.count({ where: { shopId: SHOP } })).toBe(0);

    const saved = await postJson(programRoute.action as Handler, "/app/loyalty", { intent: "save", config: PROGRAM });
    expect(saved.body).toMatchObject({ ok: true, intent: "save", version: 1 });
    const [entry] = await audit();
    expect(entry).toMatchObject({ actor: STAFF, entityType: "loyalty-program", entityId: "1" });
    const page = await get(programRoute.loader as Handler, "/app/loyalty");
    expect(page.body).toMatchObject({ version: 1, savedBy: STAFF, config: PROGRAM });
  });
});

describe("opening-balance import", () => {
  const csv = () =>
    [
      "Customer ID,Email,Points",
      ...CUSTOMERS.map((c, i) => `${i % 2 ? `gid://shopify/Customer/${c}` : c},someone${i}@example.com,${BALANCE(i)}`),
      `,only-an-email@example.com,50`,
      `${OUTSIDER},,10`,
      `abc,,10`,
      `${CUSTOMERS[1]},,99`,
      `${CUSTOMERS[2]},,-5`,
      `"${CUSTOMERS[3]}",,"1.5"`,
    ].join("\r\n");
  const line = (n: number) => n + 2 + CUSTOMERS.length; // header is line 1, customers 2..61

  it("a dry run reports what would be imported and each bad line, and writes nothing", async () => {
    const r = await upload("dryRun", csv());
    expect(r.status).toBe(200);
    const report = r.body.report;
    expect(report).toMatchObject({ dryRun: true, imported: CUSTOMERS.length, skipped: 0, rows: CUSTOMERS.length + 6 });
    expect(report.errors.map((e: any) => e.line)).toEqual([line(0), line(1), line(2), line(3), line(4), line(5)]);
    expect(report.errors[0].message).toMatch(/keeps no email addresses/);
    expect(report.errors[1].message).toMatch(/not a customer of this store/);
    expect(report.errors[2].message).toMatch(/not a Shopify customer id/);
    expect(report.errors[3].message).toBe(`Customer ${CUSTOMERS[1]} is already on line 3`);
    expect(report.errors[4].message).toMatch(/whole number/);
    expect(report.errors[5].message).toMatch(/whole number/);
    expect(await entries()).toEqual([]);
    expect(await db().loyaltyMember.count({ where: { shopId: SHOP } })).toBe(0);
  });

  it("applying imports each customer once; applying the same file again imports nothing more", async () => {
    const first = await upload("apply", csv());
    expect(first.body.report).toMatchObject({ dryRun: false, imported: CUSTOMERS.length, skipped: 0 });
    const second = await upload("apply", csv());
    expect(second.body.report).toMatchObject({ dryRun: false, imported: 0, skipped: CUSTOMERS.length });
    const rows = await entries();
    expect(rows.filter((e) => e.kind === "import")).toHaveLength(CUSTOMERS.length);
    expect(new Set(rows.map((e) => e.customerId))).toEqual(new Set(CUSTOMERS));
    for (const [i, c] of CUSTOMERS.entries()) {
      const m = await db().loyaltyMember.findUniqueOrThrow({ where: { shopId_customerId: { shopId: SHOP, customerId: c } } });
      expect(m.points + m.pending).toBe(BALANCE(i));
    }
    expect(rows.every((e) => e.actor === STAFF)).toBe(true);
    expect((await audit()).filter((a) => a.action === "import").map((a) => a.actor)).toEqual([STAFF]);
  });

  it("refuses an upload over the size bound with 413, writing nothing, and an empty or unknown request with 422", async () => {
    const before = (await entries()).length;
    const big = `customer_id,points\r\n${`${OUTSIDER},1\r\n`.repeat(110_000)}`;
    const r = await upload("apply", big);
    expect(r.status).toBe(413);
    expect(r.body.errors.file).toMatch(/larger than 2 MB/);
    expect((await upload("apply", "")).status).toBe(422);
    expect((await upload("explode", csv())).status).toBe(422);
    expect((await upload("dryRun", "points\r\n5")).body.report.errors).toEqual([{ line: 1, message: expect.stringMatching(/must name the columns/) }]);
    expect((await entries()).length).toBe(before);
  });
});

describe("tier preview of a change", () => {
  beforeAll(async () => {
    // What the ledger writes for a paid order (an earn entry with its qualifying points), per customer.
    const program = await getProgram(db(), SHOP);
    await writeTransaction(db(), async (tx) => {
      for (const [i, c] of CUSTOMERS.entries()) {
        if (!EARNED(i)) continue;
        const now = new Date();
        const m = (await lockMember(tx, SHOP, c, now, true))!;
        await postEntries(tx, SHOP, m, [{ key: `earn:${800_000 + i}`, kind: "earn", points: EARNED(i), earnedPoints: EARNED(i), spendCents: EARNED(i) * 100, orderId: String(800_000 + i), programVersion: program!.version }], { now, program, activity: true });
      }
    });
  });

  it("counts the members who change tier against a hand count, per tier before and after", async () => {
    for (const [i, c] of CUSTOMERS.entries()) {
      const m = await db().loyaltyMember.findUniqueOrThrow({ where: { shopId_customerId: { shopId: SHOP, customerId: c } } });
      expect(m.tierId).toBe(tierOf(EARNED(i), PROGRAM.tiers));
    }
    const next = { ...PROGRAM, tiers: PROGRAM.tiers.map((t) => (t.id === "silver" ? { ...t, threshold: 1000 } : t.id === "gold" ? { ...t, threshold: 1300 } : t)) };
    const r = await postJson(programRoute.action as Handler, "/app/loyalty", { intent: "preview", config: next });
    const before = CUSTOMERS.map((_, i) => tierOf(EARNED(i), PROGRAM.tiers));
    const after = CUSTOMERS.map((_, i) => tierOf(EARNED(i), next.tiers));
    const rank = (id: string) => PROGRAM.tiers.findIndex((t) => t.id === id);
    const changed = before.filter((b, i) => b !== after[i]).length;
    const down = before.filter((b, i) => rank(after[i]) < rank(b)).length;
    expect(changed).toBeGreaterThan(0);
    expect(down).toBeGreaterThan(0);
    expect(r.body.preview).toMatchObject({ members: CUSTOMERS.length, changeTier: changed, moveDown: down, moveUp: changed - down });
    for (const t of PROGRAM.tiers) {
      expect(r.body.preview.byTier.find((x: any) => x.tierId === t.id)).toMatchObject({ name: t.name, before: before.filter((b) => b === t.id).length, after: after.filter((a) => a === t.id).length });
    }
    const saved = await postJson(programRoute.action as Handler, "/app/loyalty", { intent: "save", config: next });
    expect(saved.body).toMatchObject({ ok: true, version: 2, preview: { changeTier: changed } });
  });
});

describe("members and adjustments", () => {
  it("lists members a page at a time, by tier and by customer id", async () => {
    const page1 = await get(membersRoute.loader as Handler, "/app/loyalty/members");
    expect(page1.body.rows).toHaveLength(50);
    expect(page1.body.next).toBeTruthy();
    const page2 = await get(membersRoute.loader as Handler, `/app/loyalty/members?cursor=${page1.body.next}`);
    expect(page2.body.rows).toHaveLength(10);
    expect(page2.body.next).toBeNull();
    expect(new Set([...page1.body.rows, ...page2.body.rows].map((m: any) => m.customerId))).toEqual(new Set(CUSTOMERS));
    const gold = await get(membersRoute.loader as Handler, "/app/loyalty/members?tier=gold");
    expect(gold.body.rows.length).toBeGreaterThan(0);
    expect(gold.body.rows.every((m: any) => m.tier === "gold")).toBe(true);
    const one = await get(membersRoute.loader as Handler, `/app/loyalty/members?q=gid://shopify/Customer/${CUSTOMERS[7]}`);
    expect(one.body.rows.map((m: any) => m.customerId)).toEqual([CUSTOMERS[7]]);
    expect(page1.body.tiers.map((t: any) => t.id)).toEqual(["bronze", "silver", "gold"]);
  });

  it("an adjustment needs a whole number and a reason; nothing is written without them", async () => {
    const before = (await entries()).length;
    const path = `/app/loyalty/members/${CUSTOMERS[7]}`;
    const params = { customerId: CUSTOMERS[7] };
    let r = await postForm(memberRoute.action as Handler, path, { delta: "40", reason: "  " }, params);
    expect(r).toMatchObject({ status: 422, body: { ok: false, errors: { reason: expect.stringMatching(/reason is required/) } } });
    r = await postForm(memberRoute.action as Handler, path, { delta: "1.5", reason: "x" }, params);
    expect(r.body.errors.delta).toMatch(/whole number/);
    r = await postForm(memberRoute.action as Handler, path, { delta: "0", reason: "x" }, params);
    expect(r.body.errors.delta).toMatch(/whole number/);
    r = await postForm(memberRoute.action as Handler, `/app/loyalty/members/${OUTSIDER}`, { delta: "5", reason: "x" }, { customerId: OUTSIDER });
    expect(r.body.errors._form).toMatch(/No customer/);
    // More than the balance cannot be removed (the balance never goes negative).
    r = await postForm(memberRoute.action as Handler, path, { delta: "-999999", reason: "too much" }, params);
    expect(r.status).toBe(422);
    expect(r.body.errors.delta).toMatch(/below 0/);
    expect((await entries()).length).toBe(before);
  });

  it("a valid adjustment records the staff member and the reason in the entry and the audit log", async () => {
    const c = CUSTOMERS[7];
    const before = await db().loyaltyMember.findUniqueOrThrow({ where: { shopId_customerId: { shopId: SHOP, customerId: c } } });
    const r = await postForm(memberRoute.action as Handler, `/app/loyalty/members/${c}`, { delta: "-150", reason: "=HYPERLINK(\"http://x\") duplicate order" }, { customerId: c });
    expect(r).toMatchObject({ status: 200, body: { ok: true, delta: -150, balance: before.points - 150 } });
    const entry = (await entries()).at(-1)!;
    expect(entry).toMatchObject({ customerId: c, kind: "adjust", points: -150, actor: STAFF, reason: '=HYPERLINK("http://x") duplicate order' });
    const a = (await audit()).at(-1)!;
    expect(a).toMatchObject({ actor: STAFF, action: "adjust", entityType: "loyalty-entry", entityId: entry.key });
    expect(JSON.stringify(a)).not.toContain(c);
    const page = await get(memberRoute.loader as Handler, `/app/loyalty/members/${c}`, { customerId: c });
    expect(page.body.summary.points).toBe(before.points - 150);
    expect(page.body.summary.history.map((l: any) => l.kind)).toEqual(["adjust", "earn", "import"]);
    expect(page.body.summary.history[0]).toMatchObject({ actor: STAFF, points: -150 });
  });

  it("the lookup of a customer with no points opens (an adjustment makes them a member); an unknown one is 404", async () => {
    const fresh = "9007199254741999";
    await seedStore(db(), SHOP, { customers: [fresh] });
    const r = await get(memberRoute.loader as Handler, `/app/loyalty/members/${fresh}`, { customerId: fresh });
    expect(r.body).toMatchObject({ customerId: fresh, summary: null, inStore: true });
    expect((await get(memberRoute.loader as Handler, `/app/loyalty/members/${OUTSIDER}`, { customerId: OUTSIDER })).status).toBe(404);
    expect((await get(memberRoute.loader as Handler, "/app/loyalty/members/abc", { customerId: "abc" })).status).toBe(404);
    // Another shop's customer is not visible from this one, and this shop's are not from that one.
    expect((await get(memberRoute.loader as Handler, `/app/loyalty/members/${CUSTOMERS[7]}`, { customerId: CUSTOMERS[7] }, OTHER)).status).toBe(404);
  });
});

describe("ledger export", () => {
  const records = (text: string) => {
    const r = parseCsv(text);
    if (!r.ok) throw new Error(r.message);
    return r.records.map((x) => x.cells);
  };

  it("holds every entry of the shop, ids as quoted text, a formula-looking reason neutralised", async () => {
    const r = await get(exportRoute.loader as Handler, "/app/loyalty/export");
    expect(r.status).toBe(200);
    expect(r.response!.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(r.response!.headers.get("Content-Disposition")).toMatch(/^attachment; filename="loyalty-ledger-loy-.+\.csv"$/);
    const text = r.body as string;
    const [header, ...rows] = records(text);
    expect(header).toEqual(["entry_id", "created_at", "customer_id", "kind", "points", "pending", "owed", "order_id", "reason", "actor", "key"]);
    const stored = await entries();
    expect(rows.map((x) => x[0])).toEqual(stored.map((e) => e.id));
    expect(rows.map((x) => x[2])).toEqual(stored.map((e) => e.customerId));
    // Ids are text (quoted), never numbers a spreadsheet would round.
    expect(text).toContain(`,"${CUSTOMERS[0]}",`);
    const adjust = rows.find((x) => x[3] === "adjust")!;
    expect(adjust[8]).toBe(`'=HYPERLINK("http://x") duplicate order`);
    expect(adjust[9]).toBe(STAFF);
    expect(adjust[4]).toBe("-150");
  });

  it("one customer's export has only their entries; another shop's export has none of these", async () => {
    const c = CUSTOMERS[7];
    const mine = records((await get(exportRoute.loader as Handler, `/app/loyalty/export?customer=${c}`)).body).slice(1);
    expect(mine.map((x) => x[3])).toEqual(["import", "earn", "adjust"]);
    expect(mine.every((x) => x[2] === c)).toBe(true);
    expect((await get(exportRoute.loader as Handler, "/app/loyalty/export?customer=abc")).status).toBe(400);
    const theirs = records((await get(exportRoute.loader as Handler, "/app/loyalty/export", {}, OTHER)).body);
    expect(theirs).toHaveLength(1);
  });

  it("streams page by page: small pages give the same file as one page", async () => {
    const read = async (s: ReadableStream<Uint8Array>) => new Response(s).text();
    expect(await read(ledgerCsv(SHOP, { pageSize: 7 }))).toBe(await read(ledgerCsv(SHOP, { pageSize: 10_000 })));
  });
});

describe("pages render (server side, with their loaders' data)", () => {
  async function render(route: { default: any }, data: any, url: string): Promise<string> {
    const handler = createStaticHandler([{ id: "page", path: "*", loader: () => data as object, Component: route.default }]);
    const context = await handler.query(new Request(`${APP}${url}`));
    if (context instanceof Response) throw new Error("unexpected redirect");
    const router = createStaticRouter(handler.dataRoutes, context);
    return renderToString(createElement(AppProvider, { i18n: en }, createElement(StaticRouterProvider, { router, context }))).replace(/<!-- -->/g, "");
  }
  const page = async (route: any, url: string, params: Record<string, string> = {}) => {
    const r = await get(route.loader, url, params);
    expect(r.status).toBe(200);
    return render(route, r.body, url);
  };

  it("program, members, member and import pages", async () => {
    const has = (html: string, ...texts: string[]) => expect(texts.filter((t) => !html.includes(t))).toEqual([]);
    has(await page(programRoute, "/app/loyalty"), "Points per currency unit", "Program version 2, saved", "Gold", "Add reward");
    has(await page(membersRoute, "/app/loyalty/members?tier=gold"), "Look up a customer", "Earned in total");
    has(await page(memberRoute, `/app/loyalty/members/${CUSTOMERS[7]}`, { customerId: CUSTOMERS[7] }), "Adjusted by staff", "duplicate order", "Imported balance");
    has(await page(importRoute, "/app/loyalty/import"), "Import opening balances", "Export ledger (CSV)");
  });
});
