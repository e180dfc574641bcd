import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "../db.server";
import { mergeSignals } from "../models/signals.server";
import { ShopperSignalsCache } from "./shopper-signals.server";

const shop = `sig-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const view = (visitorId: string | null, customerId: string | null, productId: string, at: number) =>
  db().browsingEvent.create({ data: { shopId: shop, visitorId, customerId, kind: "product_view", productId, createdAt: new Date(at) } });

describe("ShopperSignalsCache", () => {
  it("merges a customer's and a visitor's signals newest first, and serves the second read from memory", async () => {
    const t = Date.now() - 60_000;
    await view("visitor-merge-1", null, "1", t);
    await view(null, "501", "2", t + 1);
    await view("visitor-merge-1", null, "3", t + 2);
    const cache = new ShopperSignalsCache(shop);
    const first = await cache.load(db(), { customerId: "501", visitorId: "visitor-merge-1" });
    expect(first.recentlyViewed).toEqual(["3", "2", "1"]);
    expect(cache.size).toBe(2);
    await view("visitor-merge-1", null, "4", t + 3); // written without a feed event: the cache doesn't see it
    expect((await cache.load(db(), { customerId: "501", visitorId: "visitor-merge-1" })).recentlyViewed).toEqual(["3", "2", "1"]);
    cache.evict("v:visitor-merge-1");
    expect((await cache.load(db(), { customerId: "501", visitorId: "visitor-merge-1" })).recentlyViewed).toEqual(["4", "3", "2", "1"]);
  });

  it("does not cache a read that an eviction raced (it may predate the write)", async () => {
    const cache = new ShopperSignalsCache(shop);
    const pending = cache.load(db(), { customerId: null, visitorId: "visitor-race-1" });
    cache.evict("v:visitor-race-1");
    await pending;
    expect(cache.size).toBe(0);
    await cache.load(db(), { customerId: null, visitorId: "visitor-race-1" });
    expect(cache.size).toBe(1);
  });

  it("holds at most its capacity, dropping the least recently used", async () => {
    const cache = new ShopperSignalsCache(shop, 2);
    for (const v of ["visitor-lru-a", "visitor-lru-b", "visitor-lru-a", "visitor-lru-c"]) await cache.load(db(), { customerId: null, visitorId: v });
    expect(cache.size).toBe(2);
    await view("visitor-lru-b", null, "9", Date.now());
    await view("visitor-lru-a", null, "9", Date.now());
    // b was dropped (read again from the database); a was kept (still empty in memory).
    expect((await cache.load(db(), { customerId: null, visitorId: "visitor-lru-a" })).recentlyViewed).toEqual([]);
    expect((await cache.load(db(), { customerId: null, visitorId: "visitor-lru-b" })).recentlyViewed).toEqual(["9"]);
  });

  it("mergeSignals: newest quiz answer per question wins; no rows means a first-time shopper", () => {
    const merged = mergeSignals([
      { views: [], quizzes: [{ answers: { style: ["Bold"] }, at: 2 }] },
      { views: [{ productId: "1", at: 1 }], quizzes: [{ answers: { style: ["Minimal"], fit: ["Slim"] }, at: 1 }] },
    ]);
    expect(merged).toEqual({ recentlyViewed: ["1"], quizAnswers: { style: ["Bold"], fit: ["Slim"] }, seenBefore: true });
    expect(mergeSignals([{ views: [], quizzes: [] }]).seenBefore).toBe(false);
  });
});
