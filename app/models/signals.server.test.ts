/** The storefront signals model (views, quiz answers), one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { seedStore } from "../../tests/helpers/store";
import { productExists, recordProductView, recordQuizResponse, signalsEntity, VIEW_MAX_AGE_DAYS, VIEWS_KEPT } from "./signals.server";

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
});
