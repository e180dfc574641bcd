/** The admin overview model, one shared suite on every backend (tests/helpers/databases.ts). */
import crypto from "node:crypto";
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { seedStore } from "../../tests/helpers/store";
import { enqueue } from "./deliveries.server";
import { storeOverview } from "./overview.server";

eachBackend("overview model", (b) => {
  it("a failed import shows its reason, never a loading label", async () => {
    const shop = uniqueShop();
    await b().db.backfillJob.create({ data: { shopId: shop, stage: "customers", status: "failed", counts: '{"products":40}', error: "bulk operation ended FAILED" } });
    expect((await storeOverview(b().db, shop)).import).toMatchObject({ status: "failed", stage: "customers", counts: { products: 40, customers: 0, orders: 0 }, error: "bulk operation ended FAILED" });
  });

  it("counts live products, customers and orders; shows the backfill and the last 10 deliveries, newest first; only this shop's", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await seedStore(b().db, shop, { products: [{ id: "1" }, { id: "2" }], customers: ["7", "8"], orders: [{ id: "10", lines: ["1"] }, { id: "11", lines: ["2"] }] });
    await seedStore(b().db, other, { products: [{ id: "1" }], orders: [{ id: "10", lines: ["1"] }] });
    await b().db.product.update({ where: { shopId_id: { shopId: shop, id: "2" } }, data: { deletedAt: new Date() } });
    await b().db.customer.update({ where: { shopId_id: { shopId: shop, id: "8" } }, data: { deletedAt: new Date() } });
    await b().db.order.update({ where: { shopId_id: { shopId: shop, id: "11" } }, data: { deletedAt: new Date() } });
    await b().db.backfillJob.create({ data: { shopId: shop, stage: "orders", status: "running", counts: '{"orders":5}' } });
    for (let i = 0; i < 12; i++) await enqueue(b().db, { webhookId: crypto.randomUUID(), shopId: shop, topic: `t/${i}`, apiVersion: null, sealedPayload: "x" });
    await enqueue(b().db, { webhookId: crypto.randomUUID(), shopId: other, topic: "other/topic", apiVersion: null, sealedPayload: "x" });

    const o = await storeOverview(b().db, shop);
    expect({ products: o.products, customers: o.customers, orders: o.orders }).toEqual({ products: 1, customers: 1, orders: 1 });
    expect(o.import).toEqual({ status: "running", stage: "orders", counts: { products: 0, customers: 0, orders: 5 }, percent: 67, error: null, finishedAt: null });
    expect(o.recentDeliveries.map((d) => d.topic)).toEqual(Array.from({ length: 10 }, (_, i) => `t/${11 - i}`));
    expect(Object.keys(o.recentDeliveries[0]).sort()).toEqual(["outcome", "receivedAt", "status", "topic"]);
    expect((await storeOverview(b().db, uniqueShop())).import).toMatchObject({ status: "not_started", percent: 0 });
  });
});
