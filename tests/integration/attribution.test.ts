/**
 * Purchase attribution from storefront to database, through the real webhook routes (HMAC-signed
 * requests, the real queue and worker, a real database):
 * - orders/create bodies with `line_items[].properties` and `note_attributes` fill OrderLine.placement,
 *   OrderLine.ruleId and Order.lastPlacement; duplicates change nothing; an older payload never
 *   overwrites a newer one's attribution.
 * - The demo's flow: the storefront preview's Ajax cart takes the theme's hidden properties and cart
 *   attribute, its checkout has the simulator send the order as a signed webhook to the app over HTTP,
 *   and the stored order carries the attribution.
 */
import crypto from "node:crypto";
import http from "node:http";
import type net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "../../app/db.server";
import { drainAll } from "../../app/services/ingest-worker.server";
import { type Preview, startPreview } from "../../scripts/preview/index";
import { seedStore } from "../helpers/store";
import { SECRET, sample, sendWebhook } from "../helpers/webhooks";

const drain = () => drainAll({ db: db(), secret: SECRET() });
const ORDER = "820982911946154508"; // Shopify's sample order
/** A body's id (a raw JSON number above 2^53, or a plain number) as the string the database holds. */
const idOf = (v: unknown) => JSON.stringify(v);

describe("attribution through the webhook routes", () => {
  let shop: string;
  beforeEach(() => {
    shop = `attr-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  });
  const send = (topic: string, body: unknown, webhookId?: string) => sendWebhook(topic, body, { shop, webhookId });
  const lines = () => db().orderLine.findMany({ where: { shopId: shop, orderId: ORDER }, orderBy: { id: "asc" }, select: { id: true, placement: true, ruleId: true } });
  const order = () => db().order.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: ORDER } } });

  /** Shopify's orders/create sample with the theme's properties on its first two lines. */
  function attributed(updatedAt: string, placement = "product") {
    const body = sample("orders/create", shop);
    body.updated_at = updatedAt;
    body.line_items[0].properties = [{ name: "_attune_placement", value: placement }, { name: "_attune_rule", value: "rule_pinterest" }, { name: "Engraving", value: "For Alex" }];
    body.line_items[1].properties = [{ name: "_attune_placement", value: "cart" }];
    body.note_attributes = [{ name: "_attune_last_placement", value: "cart" }, { name: "gift_note", value: "Happy birthday Alex" }];
    return body;
  }

  it("orders/create stores placement, rule and the cart attribute; other apps' properties are not stored", async () => {
    const body = attributed("2026-05-01T00:00:00Z");
    expect((await send("orders/create", body)).status).toBe(200);
    await drain();
    const stored = await lines();
    expect(stored).toHaveLength(body.line_items.length);
    const byId = new Map(stored.map((l) => [l.id, l]));
    expect(byId.get(idOf(body.line_items[0].id))).toMatchObject({ placement: "product", ruleId: "rule_pinterest" });
    expect(byId.get(idOf(body.line_items[1].id))).toMatchObject({ placement: "cart", ruleId: null });
    expect(stored.filter((l) => l.placement === null)).toHaveLength(body.line_items.length - 2);
    expect((await order()).lastPlacement).toBe("cart");
    const { dumpAllTables, tablesMentioning } = await import("../helpers/tables");
    const dump = await dumpAllTables(db(), shop);
    expect(tablesMentioning(dump, "Alex")).toEqual([]);
    expect(tablesMentioning(dump, "Engraving")).toEqual([]);
  });

  it("a duplicate delivery changes nothing; an older payload never overwrites newer attribution; a newer edit does", async () => {
    await send("orders/create", attributed("2026-05-02T00:00:00Z", "home"), "attr-w1");
    await drain();
    const before = { order: await order(), lines: await lines() };
    // The same delivery again, now carrying different data: the webhook id absorbs it.
    expect((await send("orders/create", attributed("2026-05-09T00:00:00Z", "cart"), "attr-w1")).status).toBe(200);
    // An older version without any attribution.
    const older = sample("orders/create", shop);
    older.updated_at = "2026-05-01T00:00:00Z";
    await send("orders/updated", older);
    await drain();
    expect(await lines()).toEqual(before.lines);
    expect((await order()).lastPlacement).toBe("cart");
    expect(before.lines.some((l) => l.placement === "home")).toBe(true);
    // A newer edit removes the properties (order edited in the admin): lines are replaced wholesale.
    const newer = sample("orders/create", shop);
    newer.updated_at = "2026-05-03T00:00:00Z";
    await send("orders/updated", newer);
    await drain();
    expect((await lines()).every((l) => l.placement === null && l.ruleId === null)).toBe(true);
    expect((await order()).lastPlacement).toBeNull();
  });

  it("an over-long or control-laden value is stored bounded; a malformed property list does not reject the order", async () => {
    const body = sample("orders/create", shop);
    body.line_items[0].properties = [{ name: "_attune_placement", value: `home\u0000${"x".repeat(500)}` }];
    body.line_items[1].properties = { unexpected: "shape" };
    body.line_items[2].properties = null;
    body.note_attributes = [{ name: "_attune_last_placement" }];
    expect((await send("orders/create", body)).status).toBe(200);
    await drain();
    const first = (await lines()).find((l) => l.id === idOf(body.line_items[0].id))!;
    expect(first.placement).toBe(`home${"x".repeat(60)}`);
    expect((await order()).lastPlacement).toBeNull();
  });
});

describe("the demo's storefront flow: preview cart -> checkout -> signed webhook -> stored attribution", () => {
  const SHOP = "attr-preview.myshopify.com";
  let preview: Preview;
  let app: http.Server;
  const hits: { path: string; status: number }[] = [];

  beforeAll(async () => {
    const products = Array.from({ length: 4 }, (_, i) => ({ id: String(9007199254741100n + BigInt(i)), title: `Thing ${i}`, priceCents: 1500 + i * 100 }));
    await seedStore(db(), SHOP, { products, customers: ["9007199254741900"], orders: [
        { id: "9007199254741800", customerId: "9007199254741900", lines: [products[0].id], daysAgo: 30 },
        { id: "9007199254741801", customerId: "9007199254741900", lines: [products[1].id], daysAgo: 3 },
      ],
    });
    // The app's webhook endpoints over HTTP: each request goes to its real route module, as server.mjs dispatches it.
    app = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const topic = /^\/webhooks\/([a-z_]+\/[a-z_]+)$/.exec(req.url ?? "")?.[1];
        if (!topic) return res.writeHead(404).end();
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const request = new Request(`https://attune.example.com${req.url}`, { method: "POST", headers, body: Buffer.concat(chunks) });
        const { action } = await import(`../../app/routes/webhooks.${topic.replace("/", ".")}.tsx`);
        let r: Response;
        try {
          r = await action({ request, params: {}, context: {} });
        } catch (e) {
          if (!(e instanceof Response)) throw e;
          r = e;
        }
        hits.push({ path: req.url!, status: r.status });
        res.writeHead(r.status).end(await r.text());
      });
    });
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    const appUrl = `http://127.0.0.1:${(app.address() as net.AddressInfo).port}`;
    preview = await startPreview({ appUrl, secret: SECRET(), shop: SHOP, port: 0, databaseUrl: process.env.DATABASE_URL });
  });

  afterAll(async () => {
    await preview?.stop();
    await new Promise((r) => app?.close(r));
  });

  async function session(persona: string) {
    const first = await fetch(`${preview.url}?persona=${persona}`, { redirect: "manual" });
    const cookie = first.headers.get("set-cookie")!.split(";")[0];
    return (path: string, body?: unknown) =>
      fetch(`${preview.url}${path.replace(/^\//, "")}`, {
        method: body === undefined ? "GET" : "POST",
        redirect: "manual",
        headers: { cookie, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
  }

  it("the theme's hidden properties and cart attribute reach OrderLine and Order; lines added elsewhere stay unattributed", async () => {
    const go = await session("returning");
    expect(preview.data.personas.get("returning")!.customerId).toBe("9007199254741900");
    const [a, b, c] = preview.data.products.map((p) => p.variants[0].id);
    // Exactly what attune.js sends (add(): cart/add.js with the properties, then cart/update.js with the attribute).
    expect((await go("/cart/add.js", { items: [{ id: a, quantity: 1, properties: { _attune_placement: "home", _attune_rule: "rule_pinterest" } }, { id: b, quantity: 2, properties: { _attune_placement: "home", _attune_rule: "rule_pinterest" } }] })).status).toBe(200);
    expect((await go("/cart/update.js", { attributes: { _attune_last_placement: "home" } })).status).toBe(200);
    // The theme's own product form: no properties.
    expect((await go("/cart/add.js", { id: c, quantity: 1 })).status).toBe(200);
    // Hidden from the shopper on the cart page, as in Shopify's checkout.
    const page = await (await go("/cart")).text();
    expect(page).not.toContain("_attune");
    expect(page).toContain("data-checkout");

    const placed = await go("/cart/checkout.js", {});
    expect(placed.status).toBe(200);
    const { order, webhook } = (await placed.json()) as { order: { id: string; name: string }; webhook: { status: number } };
    expect(webhook.status).toBe(200);
    expect(BigInt(order.id)).toBeGreaterThan(2n ** 53n);
    expect(hits.at(-1)).toEqual({ path: "/webhooks/orders/create", status: 200 });
    expect((await (await go("/cart.js")).json()).item_count).toBe(0);
    expect(await (await go("/cart")).text()).toContain(`Order ${order.name} was placed`);

    await drain();
    const stored = await db().order.findUniqueOrThrow({ where: { shopId_id: { shopId: SHOP, id: order.id } } });
    expect(stored).toMatchObject({ customerId: "9007199254741900", lastPlacement: "home", name: order.name });
    const rows = await db().orderLine.findMany({ where: { shopId: SHOP, orderId: order.id } });
    const byVariant = new Map(rows.map((l) => [l.variantId, l]));
    expect(byVariant.get(a)).toMatchObject({ placement: "home", ruleId: "rule_pinterest", quantity: 1 });
    expect(byVariant.get(b)).toMatchObject({ placement: "home", ruleId: "rule_pinterest", quantity: 2 });
    expect(byVariant.get(c)).toMatchObject({ placement: null, ruleId: null, quantity: 1 });
    // The persona's stored customer was not overwritten by the order's embedded (older) copy.
    const customer = await db().customer.findUniqueOrThrow({ where: { shopId_id: { shopId: SHOP, id: "9007199254741900" } } });
    expect(customer.shopifyUpdatedAt!.getTime()).toBeGreaterThan(Date.now() - 3_600_000);
  });

  it("an empty cart cannot be checked out", async () => {
    const go = await session("new");
    expect((await go("/cart/checkout.js", {})).status).toBe(422);
  });
});
