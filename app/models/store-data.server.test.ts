import crypto from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../db.server";
import { seedStore } from "../../tests/helpers/store";
import {
  loadCustomers,
  loadOrder,
  loadOrdersByIds,
  loadProduct,
  loadProducts,
  loadVariantIndex,
  resolveVariants,
  streamOrders,
} from "./store-data.server";
import { loadShopConfig } from "./shop-config.server";

let shop: string;
let other: string;
beforeEach(() => {
  shop = `s-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  other = `o-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
});

describe("store-data loaders", () => {
  it("convert products: published = active && publishedAt && !deleted; deleted products are absent", async () => {
    await seedStore(db(), shop, {
      products: [
        { id: "9007199254740993", priceCents: 1234 },
        { id: "2", published: false },
        { id: "3", status: "draft" },
        { id: "4", available: false },
        { id: "5" },
      ],
    });
    await db().product.update({ where: { shopId_id: { shopId: shop, id: "5" } }, data: { deletedAt: new Date() } });
    await seedStore(db(), other, { products: [{ id: "9" }] });
    const list = await loadProducts(db(), shop);
    expect(list.map((p) => p.id).sort()).toEqual(["2", "3", "4", "9007199254740993"]);
    const big = list.find((p) => p.id === "9007199254740993")!;
    expect(big).toMatchObject({ priceCents: 1234, available: true, published: true, defaultVariantId: "90071992547409931", handle: "product-9007199254740993" });
    expect(big.imageUrl).toMatch(/^https:/);
    expect(typeof big.createdAt).toBe("number");
    expect(list.find((p) => p.id === "2")!.published).toBe(false);
    expect(list.find((p) => p.id === "3")!.published).toBe(false);
    expect(list.find((p) => p.id === "4")!.available).toBe(false);
    expect(await loadProduct(db(), shop, "5")).toBeNull();
    expect(await loadProduct(db(), shop, "9")).toBeNull(); // another shop's product
    const variants = await loadVariantIndex(db(), shop);
    expect(variants.get("90071992547409931")).toBe("9007199254740993");
    expect((await resolveVariants(db(), shop, ["91", "21"])).get("91")).toBeUndefined();
  });

  it("convert orders with lines, refunds and cancellation; test and deleted orders are excluded", async () => {
    await seedStore(db(), shop, {
      products: [{ id: "1" }, { id: "2" }],
      customers: ["100"],
      orders: [
        { id: "10", customerId: "100", lines: ["1", "2"] },
        { id: "11", customerId: null, lines: ["1"] },
        { id: "12", customerId: "100", lines: ["2"], test: true },
        { id: "13", customerId: "100", lines: ["2"] },
      ],
    });
    await db().order.update({ where: { shopId_id: { shopId: shop, id: "13" } }, data: { deletedAt: new Date() } });
    await db().order.update({ where: { shopId_id: { shopId: shop, id: "11" } }, data: { cancelledAt: new Date() } });
    const line = await db().orderLine.findFirstOrThrow({ where: { shopId: shop, orderId: "10", productId: "2" } });
    await db().orderLine.update({ where: { shopId_id: { shopId: shop, id: line.id } }, data: { refundedQuantity: 1 } });
    await seedStore(db(), other, { products: [{ id: "1" }], orders: [{ id: "10", lines: ["1"] }] });

    const orders = [];
    for await (const page of streamOrders(db(), shop)) orders.push(...page);
    expect(orders.map((o) => o.id).sort()).toEqual(["10", "11"]);
    const o10 = orders.find((o) => o.id === "10")!;
    expect(o10.customerId).toBe("100");
    expect(o10.cancelled).toBe(false);
    expect(o10.lines).toHaveLength(2);
    expect(o10.lines.find((l) => l.productId === "2")!.refundedQuantity).toBe(1);
    expect(orders.find((o) => o.id === "11")!.cancelled).toBe(true);
    expect(await loadOrder(db(), shop, "12")).toBeNull();
    expect(await loadOrder(db(), shop, "13")).toBeNull();
    expect([...(await loadOrdersByIds(db(), shop, ["10", "11", "12"])).keys()].sort()).toEqual(["10", "11"]);
    const customers = await loadCustomers(db(), shop);
    expect(customers.map((c) => c.id)).toEqual(["100"]);
  });

  it("streams orders page by page without losing lines at page boundaries", async () => {
    const orders = Array.from({ length: 37 }, (_, i) => ({ id: String(1000 + i), customerId: null, lines: ["1", "2", "3"] }));
    await seedStore(db(), shop, { products: [{ id: "1" }, { id: "2" }, { id: "3" }], orders });
    const pages: number[] = [];
    let lines = 0;
    for await (const page of streamOrders(db(), shop, 10)) {
      pages.push(page.length);
      lines += page.reduce((s, o) => s + o.lines.length, 0);
    }
    expect(pages).toEqual([10, 10, 10, 7]);
    expect(lines).toBe(111);
  });

  it("build the ShopConfig from Shop.settings, Segment and Rule rows, skipping invalid rows", async () => {
    await seedStore(db(), shop, { settings: { freeShippingThresholdCents: 5000, vipThresholdCents: 50000 }, currency: "EUR" });
    await db().segment.create({ data: { shopId: shop, id: "big_spenders", name: "Big spenders", definition: JSON.stringify({ field: "lifetime_value_cents", op: "gte", value: 1000 }) } });
    await db().rule.create({
      data: {
        shopId: shop,
        id: "r1",
        name: "Trending for big spenders",
        priority: 5,
        definition: JSON.stringify({ placements: ["home"], segmentIds: ["big_spenders"], content: { heading: "Hot now" }, strategy: "trending" }),
      },
    });
    await db().rule.create({ data: { shopId: shop, id: "r2", name: "Broken", definition: JSON.stringify({ placements: ["nowhere"], strategy: "trending" }) } });
    const loaded = (await loadShopConfig(db(), shop))!;
    expect(loaded.config.currency).toBe("EUR");
    expect(loaded.config.vipThresholdCents).toBe(50000);
    expect(loaded.config.segments.map((s) => s.id)).toEqual(["big_spenders"]);
    expect(loaded.config.rules.map((r) => r.id)).toEqual(["r1"]);
    expect(loaded.config.rules[0]).toMatchObject({ priority: 5, enabled: true, strategy: "trending", placements: ["home"] });
    expect(loaded.storefront.freeShippingThresholdCents).toBe(5000);
    expect(loaded.problems.some((p) => p.startsWith("rule r2"))).toBe(true);
    expect(await loadShopConfig(db(), other)).toBeNull();
  });
});
