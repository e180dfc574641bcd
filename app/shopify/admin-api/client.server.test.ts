import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AdminApi, startAdminApi } from "../../../scripts/simulator/admin-api";
import { generateStore } from "../../../scripts/simulator/store";
import { AdminApiError, adminEndpoint, createAdminClient, throttleWaitMs } from "./client.server";
import { SHOP_QUERY } from "./documents";

const store = generateStore({ seed: 3, products: 5, customers: 5, orders: 5, now: new Date("2026-06-01T00:00:00Z") });
let api: AdminApi;
beforeAll(async () => {
  api = await startAdminApi({ store, tokens: { [store.shop]: "shpat_test" }, bucket: { maximumAvailable: 2, restoreRate: 4 } });
});
afterAll(() => api.close());

describe("Admin API client", () => {
  it("targets the shop's own domain unless the simulator is explicitly on", () => {
    expect(adminEndpoint("a-shop.myshopify.com", null)).toEqual({ url: "https://a-shop.myshopify.com/admin/api/2026-10/graphql.json", headers: {} });
    expect(adminEndpoint("a-shop.myshopify.com", { origin: "http://127.0.0.1:9/" })).toEqual({
      url: "http://127.0.0.1:9/admin/api/2026-10/graphql.json",
      headers: { "X-Shopify-Shop-Domain": "a-shop.myshopify.com" },
    });
    expect(() => adminEndpoint("evil.example.com/x?", null)).toThrow(AdminApiError);
  });

  it("waits out THROTTLED responses using the cost extensions, then succeeds", async () => {
    const waits: number[] = [];
    const client = createAdminClient(store.shop, "shpat_test", {
      simulator: { origin: api.origin },
      sleep: (ms) => {
        waits.push(ms);
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    // Each shop query costs 1 of a 2-point bucket restoring 4/s: the third call is throttled.
    for (let i = 0; i < 4; i++) expect(await client.request(SHOP_QUERY)).toEqual({ shop: { currencyCode: "USD" } });
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(1000);
  });

  it("computes the wait from the bucket", () => {
    expect(throttleWaitMs({ requestedQueryCost: 502, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 2, restoreRate: 100 } }, 0)).toBe(5000);
    expect(throttleWaitMs(undefined, 2)).toBe(4000);
  });

  it("fails clearly on a bad token and on an invalid document", async () => {
    const bad = createAdminClient(store.shop, "wrong", { simulator: { origin: api.origin } });
    await expect(bad.request(SHOP_QUERY)).rejects.toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    const ok = createAdminClient(store.shop, "shpat_test", { simulator: { origin: api.origin }, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    await expect(ok.request("{ shop { currencyCdoe } }")).rejects.toThrow(/Cannot query field "currencyCdoe"/);
  });
});
