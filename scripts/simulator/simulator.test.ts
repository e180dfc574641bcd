import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBulk } from "../../app/ingest/bulk";
import { TOPICS } from "../../app/ingest/webhook-payloads";
import { BULK_CUSTOMERS_QUERY, BULK_OPERATION_QUERY, BULK_OPERATION_RUN_QUERY, BULK_PRODUCTS_QUERY, bulkOrdersQuery } from "../../app/shopify/admin-api/documents";
import { parseJsonLossless } from "../../app/utils/json";
import { type AdminApi, generateStore, orderBody, productBody, recentDeliveries, sendWebhooks, startAdminApi, toJson } from "./index";

const NOW = new Date("2026-06-01T00:00:00Z");
const store = generateStore({ seed: 11, products: 60, customers: 400, orders: 3000, now: NOW });

describe("seeded store", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const again = generateStore({ seed: 11, products: 60, customers: 400, orders: 3000, now: NOW });
    expect(JSON.stringify(again)).toBe(JSON.stringify(store));
    expect(JSON.stringify(generateStore({ seed: 12, products: 60, customers: 400, orders: 3000, now: NOW }).orders[0])).not.toBe(JSON.stringify(store.orders[0]));
  });

  it("uses ids beyond 2^53, unique per kind", () => {
    const ids = [...store.products.map((p) => p.id), ...store.orders.map((o) => o.id), ...store.orders.flatMap((o) => o.lines.map((l) => l.id))];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) expect(BigInt(id)).toBeGreaterThan(2n ** 53n);
  });

  it("has realistic structure: a year of orders, repeat buyers, bundles, traffic sources, refunds, cancellations", () => {
    expect(store.orders).toHaveLength(3000);
    const first = store.orders[0].createdAt.getTime();
    expect(NOW.getTime() - first).toBeLessThanOrEqual(366 * 86_400_000);
    expect(NOW.getTime() - first).toBeGreaterThan(300 * 86_400_000);
    const perCustomer = new Map<string, number>();
    for (const o of store.orders) if (o.customerId) perCustomer.set(o.customerId, (perCustomer.get(o.customerId) ?? 0) + 1);
    const repeaters = [...perCustomer.values()].filter((n) => n >= 3).length;
    expect(repeaters).toBeGreaterThan(100);
    expect(store.orders.filter((o) => !o.customerId).length).toBeGreaterThan(200); // guests
    // Co-purchase structure: the most frequent product pair is far above chance.
    const pairs = new Map<string, number>();
    for (const o of store.orders) {
      const ps = [...new Set(o.lines.map((l) => l.productId))].sort();
      for (let i = 0; i < ps.length; i++) for (let j = i + 1; j < ps.length; j++) pairs.set(`${ps[i]}|${ps[j]}`, (pairs.get(`${ps[i]}|${ps[j]}`) ?? 0) + 1);
    }
    expect(Math.max(...pairs.values())).toBeGreaterThan(20);
    expect(store.orders.filter((o) => o.lines.length > 1).length / store.orders.length).toBeGreaterThan(0.3);
    for (const src of ["pinterest", "instagram", "google", "email"]) expect(store.orders.some((o) => o.landingSite?.includes(`utm_source=${src}`))).toBe(true);
    expect(store.orders.filter((o) => o.refunds.length).length).toBeGreaterThan(50);
    expect(store.orders.filter((o) => o.cancelledAt).length).toBeGreaterThan(10);
    expect(new Set(store.customers.map((c) => c.countryCode)).size).toBeGreaterThan(5);
  });
});

describe("REST webhook bodies", () => {
  const sampleKeys = (name: string) => new Set(Object.keys(JSON.parse(fs.readFileSync(path.join(__dirname, "../../tests/fixtures/webhooks", name), "utf8"))));

  it("parse with the app's topic schemas, ids exact (a plain JSON.parse would corrupt them)", () => {
    const o = store.orders.find((x) => x.refunds.length && x.customerId)!;
    const text = toJson(orderBody(store, o));
    expect(text).toContain(`"id":${o.id},`);
    expect(String((JSON.parse(text) as { id: number }).id)).not.toBe(o.id);
    const rec = TOPICS["orders/updated"].parse(parseJsonLossless(text));
    expect(rec).toMatchObject({ id: o.id, customerId: o.customerId, lines: o.lines.map((l) => ({ id: l.id, productId: l.productId, quantity: l.quantity, priceCents: l.priceCents })) });
    expect(rec.refunds[0].lines[0]).toEqual({ id: o.refunds[0].lines[0].id, lineItemId: o.refunds[0].lines[0].lineItemId, quantity: o.refunds[0].lines[0].quantity });
    const p = TOPICS["products/create"].parse(parseJsonLossless(toJson(productBody(store.products[0]))));
    expect(p.id).toBe(store.products[0].id);
    expect(p.variants.map((v) => v.priceCents)).toEqual(store.products[0].variants.map((v) => v.priceCents));
  });

  it("use only field names Shopify's samples use", () => {
    const o = store.orders.find((x) => x.customerId)!;
    const known = sampleKeys("orders_create.json");
    expect(Object.keys(orderBody(store, o)).filter((k) => !known.has(k))).toEqual([]);
    const pk = sampleKeys("products_create.json");
    expect(Object.keys(productBody(store.products[0])).filter((k) => !pk.has(k))).toEqual([]);
  });

  it("recent history: creates, refunds, updates, cancellations, and a few duplicates", () => {
    const ds = recentDeliveries(store, { since: new Date(NOW.getTime() - 30 * 86_400_000) });
    const topics = new Set(ds.map((d) => d.topic));
    for (const t of ["orders/create", "refunds/create", "orders/updated"]) expect(topics.has(t)).toBe(true);
    expect(ds.some((d) => d.duplicate)).toBe(true);
    for (const d of ds) expect(() => TOPICS[d.topic as keyof typeof TOPICS].parse(parseJsonLossless(d.body))).not.toThrow();
    expect(ds.map((d) => d.at.getTime())).toEqual([...ds.map((d) => d.at.getTime())].sort((a, b) => a - b));
  });
});

describe("Admin API stand-in", () => {
  let api: AdminApi;
  const post = (body: unknown, token = "tok") =>
    fetch(api.url, { method: "POST", headers: { "Content-Type": "application/json", "X-Shopify-Shop-Domain": store.shop, "X-Shopify-Access-Token": token }, body: JSON.stringify(body) });
  beforeAll(async () => {
    api = await startAdminApi({ store, tokens: { [store.shop]: "tok" }, bulkStepMs: 5 });
  });
  afterAll(() => api.close());

  it("checks the access token and validates documents against the schema", async () => {
    expect((await post({ query: "{ shop { currencyCode } }" }, "nope")).status).toBe(401);
    const bad = await (await post({ query: "{ shop { currencyCdoe } }" })).json();
    expect(bad.errors[0].message).toMatch(/Cannot query field "currencyCdoe" on type "Shop"/);
    expect(bad.data).toBeUndefined();
    const ok = await (await post({ query: "{ shop { currencyCode } }" })).json();
    expect(ok.data).toEqual({ shop: { currencyCode: "USD" } });
    expect(ok.extensions.cost.throttleStatus).toMatchObject({ maximumAvailable: 2000, restoreRate: 100 });
  });

  it("refuses bulk queries Shopify refuses, as userErrors", async () => {
    const res = await (await post({ query: BULK_OPERATION_RUN_QUERY, variables: { query: "{ products { nodes { id } } }" } })).json();
    expect(res.data.bulkOperationRunQuery.bulkOperation).toBeNull();
    expect(res.data.bulkOperationRunQuery.userErrors[0]).toMatchObject({ field: ["query"], code: "INVALID" });
  });

  it("runs bulk queries to ungrouped JSONL that the app's parser turns back into the store", async () => {
    const run = async (query: string) => {
      const id = (await (await post({ query: BULK_OPERATION_RUN_QUERY, variables: { query } })).json()).data.bulkOperationRunQuery.bulkOperation.id;
      for (;;) {
        const op = (await (await post({ query: BULK_OPERATION_QUERY, variables: { id } })).json()).data.bulkOperation;
        if (op.status === "COMPLETED") return { op, text: await (await fetch(op.url)).text() };
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const products = await run(BULK_PRODUCTS_QUERY);
    const lines = products.text.trim().split("\n").map((l) => JSON.parse(l));
    // Ungrouped: some child rows are not directly below their parent.
    const misplaced = lines.filter((l, i) => l.__parentId && lines[i - 1].id !== l.__parentId && lines[i - 1].__parentId !== l.__parentId);
    expect(misplaced.length).toBeGreaterThan(0);
    expect(products.op.rootObjectCount).toBe(String(store.products.length));
    const got = [];
    for await (const item of readBulk("products", products.text.split("\n"))) got.push(item.record);
    expect(got.map((p) => [p.id, p.variants.length, p.collections])).toEqual(store.products.map((p) => [p.id, p.variants.length, p.collections]));

    const customers = await run(BULK_CUSTOMERS_QUERY);
    expect(customers.op.objectCount).toBe(String(store.customers.length));
    const since = new Date(NOW.getTime() - 90 * 86_400_000);
    const orders = await run(bulkOrdersQuery(since));
    const expected = store.orders.filter((o) => o.createdAt >= since);
    expect(orders.op.rootObjectCount).toBe(String(expected.length));
    const parsed = [];
    for await (const item of readBulk("orders", orders.text.split("\n"))) parsed.push(item.record);
    expect(parsed.map((o) => [o.id, o.lines.length, o.totalCents])).toEqual(expected.map((o) => [o.id, o.lines.length, o.lines.reduce((s, l) => s + l.priceCents * l.quantity, 0) + o.shippingCents]));
  });
});

describe("webhook sender", () => {
  it("signs like Shopify and retries non-2xx answers", async () => {
    const seen = new Map<string, number>();
    let hmacOk = true;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        const expected = crypto.createHmac("sha256", "s3cret").update(body).digest("base64");
        hmacOk &&= req.headers["x-shopify-hmac-sha256"] === expected;
        const id = String(req.headers["x-shopify-webhook-id"]);
        const n = (seen.get(id) ?? 0) + 1;
        seen.set(id, n);
        res.writeHead(n === 1 && id.endsWith("1") ? 503 : 200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const deliveries = Array.from({ length: 12 }, (_, i) => ({ topic: "orders/create", body: `{"id":${9007199254740993n + BigInt(i)}}`, webhookId: `wh-${i}`, at: new Date() }));
    const report = await sendWebhooks(deliveries, { appUrl, shop: store.shop, secret: "s3cret", concurrency: 4, retryDelayMs: 5 });
    server.close();
    expect(hmacOk).toBe(true);
    expect(report).toMatchObject({ sent: 12, ok: 12, failed: 0, retries: 2 }); // wh-1 and wh-11 got a 503 first
  });
});
