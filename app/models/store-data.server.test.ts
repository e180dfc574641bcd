/** The store-data loaders, one shared suite on every backend (tests/helpers/databases.ts). */
import crypto from "node:crypto";
import { beforeEach, expect, it } from "vitest";
import { eachBackend } from "../../tests/helpers/databases";
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

let shop: string;
let other: string;
beforeEach(() => {
  shop = `s-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  other = `o-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
});

eachBackend("store-data loaders", (b) => {
  it("convert products: published = active && publishedAt && !deleted; deleted products are absent", async () => {
    await seedStore(b().db, shop, {
      products: [
        { id: "9007199254740993", priceCents: 1234 },
        { id: "2", published: false },
        { id: "3", status: "draft" },
        { id: "4", available: false },
        { id: "5" },
      ],
    });
    await b().db.product.update({ where: { shopId_id: { shopId: shop, id: "5" } }, data: { deletedAt: new Date() } });
    await seedStore(b().db, other, { products: [{ id: "9" }] });
    const list = await loadProducts(b().db, shop);
    expect(list.map((p) => p.id).sort()).toEqual(["2", "3", "4", "9007199254740993"]);
    const big = list.find((p) => p.id === "9007199254740993")!;
    expect(big).toMatchObject({ priceCents: 1234, available: true, published: true, defaultVariantId: "90071992547409931", handle: "product-9007199254740993" });
    expect(big.imageUrl).toMatch(/^https:/);
    expect(typeof big.createdAt).toBe("number");
    expect(list.find((p) => p.id === "2")!.published).toBe(false);
    expect(list.find((p) => p.id === "3")!.published).toBe(false);
    expect(list.find((p) => p.id === "4")!.available).toBe(false);
    expect(await loadProduct(b().db, shop, "5")).toBeNull();
    expect(await loadProduct(b().db, shop, "9")).toBeNull(); // another shop's product
    const variants = await loadVariantIndex(b().db, shop);
    expect(variants.get("90071992547409931")).toBe("9007199254740993");
    expect((await resolveVariants(b().db, shop, ["91", "21"])).get("91")).toBeUndefined();
  });

  it("convert orders with lines, refunds and cancellation; test and deleted orders are excluded", async () => {
    await seedStore(b().db, shop, {
      products: [{ id: "1" }, { id: "2" }],
      customers: ["100"],
      orders: [
        { id: "10", customerId: "100", lines: ["1", "2"] },
        { id: "11", customerId: null, lines: ["1"] },
        { id: "12", customerId: "100", lines: ["2"], test: true },
        { id: "13", customerId: "100", lines: ["2"] },
      ],
    });
    await b().db.order.update({ where: { shopId_id: { shopId: shop, id: "13" } }, data: { deletedAt: new Date() } });
    await b().db.order.update({ where: { shopId_id: { shopId: shop, id: "11" } }, data: { cancelledAt: new Date() } });
    const line = await b().db.orderLine.findFirstOrThrow({ where: { shopId: shop, orderId: "10", productId: "2" } });
    await b().db.orderLine.update({ where: { shopId_id: { shopId: shop, id: line.id } }, data: { refundedQuantity: 1 } });
    await seedStore(b().db, other, { products: [{ id: "1" }], orders: [{ id: "10", lines: ["1"] }] });

    const orders = [];
    for await (const page of streamOrders(b().db, shop)) orders.push(...page);
    expect(orders.map((o) => o.id).sort()).toEqual(["10", "11"]);
    const o10 = orders.find((o) => o.id === "10")!;
    expect(o10.customerId).toBe("100");
    expect(o10.cancelled).toBe(false);
    expect(o10.lines).toHaveLength(2);
    expect(o10.lines.find((l) => l.productId === "2")!.refundedQuantity).toBe(1);
    expect(orders.find((o) => o.id === "11")!.cancelled).toBe(true);
    expect(await loadOrder(b().db, shop, "12")).toBeNull();
    expect(await loadOrder(b().db, shop, "13")).toBeNull();
    expect([...(await loadOrdersByIds(b().db, shop, ["10", "11", "12"])).keys()].sort()).toEqual(["10", "11"]);
    const customers = await loadCustomers(b().db, shop);
    expect(customers.map((c) => c.id)).toEqual(["100"]);
  });

  it("streams orders page by page without losing lines at page boundaries", async () => {
    const orders = Array.from({ length: 37 }, (_, i) => ({ id: String(1000 + i), customerId: null, lines: ["1", "2", "3"] }));
    await seedStore(b().db, shop, { products: [{ id: "1" }, { id: "2" }, { id: "3" }], orders });
    const pages: number[] = [];
    let lines = 0;
    for await (const page of streamOrders(b().db, shop, 10)) {
      pages.push(page.length);
      lines += page.reduce((s, o) => s + o.lines.length, 0);
    }
    expect(pages).toEqual([10, 10, 10, 7]);
    expect(lines).toBe(111);
  });

});
