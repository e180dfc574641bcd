import crypto from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../db.server";
import { seedStore } from "../../tests/helpers/store";
import { loadShopperSignals, recordProductView, recordQuizResponse } from "./signals.server";

let shop: string;
let other: string;
beforeEach(() => {
  shop = `s-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  other = `o-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
});

describe("shopper signals", () => {
  it("load shopper signals by vid and by customer, most recent first", async () => {
    await seedStore(db(), shop, {});
    for (const [i, pid] of ["1", "2", "1", "3"].entries()) {
      await db().browsingEvent.create({ data: { shopId: shop, visitorId: "visitor-1234", kind: "product_view", productId: pid, createdAt: new Date(Date.now() + i) } });
    }
    await db().browsingEvent.create({ data: { shopId: other, visitorId: "visitor-1234", kind: "product_view", productId: "99" } });
    await db().quizResponse.create({ data: { shopId: shop, quizId: "q", customerId: "100", answers: JSON.stringify({ style: ["Minimal"] }) } });
    const byVid = await loadShopperSignals(db(), shop, { customerId: null, visitorId: "visitor-1234" });
    expect(byVid.recentlyViewed).toEqual(["3", "1", "2"]);
    expect(byVid.seenBefore).toBe(true);
    const byCustomer = await loadShopperSignals(db(), shop, { customerId: "100", visitorId: null });
    expect(byCustomer.quizAnswers).toEqual({ style: ["Minimal"] });
    expect(byCustomer.recentlyViewed).toEqual([]);
    expect((await loadShopperSignals(db(), shop, { customerId: null, visitorId: null })).seenBefore).toBe(false);
  });

  it("read back what was recorded, per shop, with the newest quiz answer winning", async () => {
    await seedStore(db(), shop, { products: [{ id: "1" }, { id: "2" }] });
    const who = { customerId: "100", visitorId: "visitor-5678" };
    expect(await recordProductView(db(), shop, who, "1")).toEqual(["c:100", "v:visitor-5678"]);
    await recordProductView(db(), shop, who, "2");
    await recordQuizResponse(db(), shop, who, "q", { style: ["Bold"] });
    await recordQuizResponse(db(), shop, who, "q", { style: ["Minimal"] });
    await recordProductView(db(), other, who, "9");
    const read = await loadShopperSignals(db(), shop, { customerId: "100", visitorId: null });
    expect(read.recentlyViewed).toEqual(["2", "1"]);
    expect(read.quizAnswers).toEqual({ style: ["Minimal"] });
    expect(await recordProductView(db(), shop, { customerId: null, visitorId: null }, "1")).toEqual([]);
  });
});
