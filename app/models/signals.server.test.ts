/** The storefront signals model (views, quiz answers), one shared suite on every backend (tests/helpers/databases.ts). */
import { beforeEach, describe, expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { seedStore } from "../../tests/helpers/store";
import { loadShopperSignals, productExists, recordProductView, recordQuizResponse, signalsEntity, VIEW_MAX_AGE_DAYS, VIEWS_KEPT } from "./signals.server";

eachBackend("signals model", (b) => {
  const feed = (shop: string) => b().db.changeEvent.findMany({ where: { shopId: shop, kind: "signals" }, orderBy: { id: "asc" } }).then((r) => r.map((e) => e.entityId));

  it("a view is stored under each identity the shopper has and announced on the feed; without one nothing is written", async () => {
    const shop = uniqueShop();
    expect(await recordProductView(b().db, shop, { visitorId: "visitor-1", customerId: "9007199254740993" }, "10")).toEqual(["c:9007199254740993", "v:visitor-1"]);
    expect(await recordProductView(b().db, shop, { visitorId: "visitor-2", customerId: null }, "11")).toEqual(["v:visitor-2"]);
    expect(await recordProductView(b().db, shop, { visitorId: null, customerId: null }, "12")).toEqual([]);
    const rows = await b().db.browsingEvent.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.visitorId, r.customerId, r.kind, r.productId])).toEqual([
      ["visitor-1", "9007199254740993", "product_view", "10"],
      ["visitor-2", null, "product_view", "11"],
    ]);
    expect(await feed(shop)).toEqual(["c:9007199254740993", "v:visitor-1", "v:visitor-2"]);
    expect(signalsEntity({ column: "visitorId", value: "x" })).toBe("v:x");
  });

  it(`keeps the newest ${VIEWS_KEPT} views per identity and drops views older than ${VIEW_MAX_AGE_DAYS} days; other shoppers keep theirs`, async () => {
    const shop = uniqueShop();
    const at = (daysAgo: number, i = 0) => new Date(Date.now() - daysAgo * 86_400_000 - i * 1000);
    await b().db.browsingEvent.createMany({
      data: [
        ...Array.from({ length: VIEWS_KEPT + 5 }, (_, i) => ({ shopId: shop, visitorId: "busy", kind: "product_view", productId: `p${i}`, createdAt: at(1, i) })),
        { shopId: shop, visitorId: "old", kind: "product_view", productId: "stale", createdAt: at(VIEW_MAX_AGE_DAYS + 1) },
        { shopId: shop, visitorId: "old", kind: "product_view", productId: "recent", createdAt: at(2) },
        { shopId: shop, visitorId: "bystander", kind: "product_view", productId: "stale", createdAt: at(VIEW_MAX_AGE_DAYS + 1) },
      ],
    });
    await recordProductView(b().db, shop, { visitorId: "busy", customerId: null }, "new");
    const busy = await b().db.browsingEvent.findMany({ where: { shopId: shop, visitorId: "busy" }, orderBy: { createdAt: "desc" } });
    expect(busy).toHaveLength(VIEWS_KEPT);
    expect(busy[0].productId).toBe("new");
    expect(busy.map((r) => r.productId)).not.toContain(`p${VIEWS_KEPT + 4}`);
    await recordProductView(b().db, shop, { visitorId: "old", customerId: null }, "again");
    expect((await b().db.browsingEvent.findMany({ where: { shopId: shop, visitorId: "old" } })).map((r) => r.productId).sort()).toEqual(["again", "recent"]);
    expect(await b().db.browsingEvent.count({ where: { shopId: shop, visitorId: "bystander" } })).toBe(1);
  });

  it("a new quiz submission replaces the shopper's previous answers to that quiz only", async () => {
    const shop = uniqueShop();
    const who = { visitorId: "visitor-q", customerId: "42" };
    expect(await recordQuizResponse(b().db, shop, who, "style", { look: ["Bold"] })).toEqual(["c:42", "v:visitor-q"]);
    await recordQuizResponse(b().db, shop, who, "size", { fit: ["M"] });
    await recordQuizResponse(b().db, shop, { visitorId: "visitor-q", customerId: null }, "style", { look: ["Minimal"] });
    const rows = await b().db.quizResponse.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.quizId, r.visitorId, r.customerId, JSON.parse(r.answers)])).toEqual([
      ["size", "visitor-q", "42", { fit: ["M"] }],
      ["style", "visitor-q", null, { look: ["Minimal"] }],
    ]);
    expect(await recordQuizResponse(b().db, shop, { visitorId: null, customerId: null }, "style", { look: ["x"] })).toEqual([]);
    expect(await b().db.quizResponse.count({ where: { shopId: shop } })).toBe(2);
  });

  it("productExists: a live product of this shop only", async () => {
    const shop = uniqueShop();
    await seedStore(b().db, shop, { products: [{ id: "1" }, { id: "2" }] });
    await b().db.product.update({ where: { shopId_id: { shopId: shop, id: "2" } }, data: { deletedAt: new Date() } });
    expect(await productExists(b().db, shop, "1")).toBe(true);
    expect(await productExists(b().db, shop, "2")).toBe(false);
    expect(await productExists(b().db, shop, "3")).toBe(false);
    expect(await productExists(b().db, uniqueShop(), "1")).toBe(false);
  });
  describe("reads", () => {
    let shop: string;
    let other: string;
    beforeEach(() => {
      shop = uniqueShop("s");
      other = uniqueShop("o");
    });
    it("load shopper signals by vid and by customer, most recent first", async () => {
      await seedStore(b().db, shop, {});
      for (const [i, pid] of ["1", "2", "1", "3"].entries()) {
        await b().db.browsingEvent.create({ data: { shopId: shop, visitorId: "visitor-1234", kind: "product_view", productId: pid, createdAt: new Date(Date.now() + i) } });
      }
      await b().db.browsingEvent.create({ data: { shopId: other, visitorId: "visitor-1234", kind: "product_view", productId: "99" } });
      await b().db.quizResponse.create({ data: { shopId: shop, quizId: "q", customerId: "100", answers: JSON.stringify({ style: ["Minimal"] }) } });
      const byVid = await loadShopperSignals(b().db, shop, { customerId: null, visitorId: "visitor-1234" });
      expect(byVid.recentlyViewed).toEqual(["3", "1", "2"]);
      expect(byVid.seenBefore).toBe(true);
      const byCustomer = await loadShopperSignals(b().db, shop, { customerId: "100", visitorId: null });
      expect(byCustomer.quizAnswers).toEqual({ style: ["Minimal"] });
      expect(byCustomer.recentlyViewed).toEqual([]);
      expect((await loadShopperSignals(b().db, shop, { customerId: null, visitorId: null })).seenBefore).toBe(false);
    });

    it("read back what was recorded, per shop, with the newest quiz answer winning", async () => {
      await seedStore(b().db, shop, { products: [{ id: "1" }, { id: "2" }] });
      const who = { customerId: "100", visitorId: "visitor-5678" };
      expect(await recordProductView(b().db, shop, who, "1")).toEqual(["c:100", "v:visitor-5678"]);
      await recordProductView(b().db, shop, who, "2");
      await recordQuizResponse(b().db, shop, who, "q", { style: ["Bold"] });
      await recordQuizResponse(b().db, shop, who, "q", { style: ["Minimal"] });
      await recordProductView(b().db, other, who, "9");
      const read = await loadShopperSignals(b().db, shop, { customerId: "100", visitorId: null });
      expect(read.recentlyViewed).toEqual(["2", "1"]);
      expect(read.quizAnswers).toEqual({ style: ["Minimal"] });
      expect(await recordProductView(b().db, shop, { customerId: null, visitorId: null }, "1")).toEqual([]);
    });
  });
});
