/**
 * Demo mode is unreachable without the explicit simulator flag: a request to the admin without it
 * gets authenticate.admin's normal answer (a redirect to log in), even with ATTUNE_DEMO_SHOP set and
 * whatever the request carries. (tests/integration/admin-demo.test.ts covers the flag on.)
 */
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  delete process.env.ATTUNE_SIMULATOR;
  process.env.ATTUNE_DEMO_SHOP = "attune-demo.myshopify.com";
});

import { demoShopOf } from "../../app/services/admin-context.server";
import * as appRoute from "../../app/routes/app";
import * as settingsRoute from "../../app/routes/app.settings";

async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { returned: await fn() };
  } catch (e) {
    return e;
  }
}

describe("demo mode gate", () => {
  it("is on only with ATTUNE_SIMULATOR=1, outside production, with a demo shop", () => {
    const shop = "attune-demo.myshopify.com";
    expect(demoShopOf({ ATTUNE_SIMULATOR: "1", NODE_ENV: "development", ATTUNE_DEMO_SHOP: shop })).toBe(shop);
    expect(demoShopOf({ ATTUNE_SIMULATOR: "0", NODE_ENV: "development", ATTUNE_DEMO_SHOP: shop })).toBeNull();
    expect(demoShopOf({ ATTUNE_SIMULATOR: "1", NODE_ENV: "production", ATTUNE_DEMO_SHOP: shop })).toBeNull();
    expect(demoShopOf({ ATTUNE_SIMULATOR: "1", NODE_ENV: "development", ATTUNE_DEMO_SHOP: undefined })).toBeNull();
  });

  it("without the flag, /app and its pages get authenticate.admin's answer, not the demo shop", async () => {
    for (const [route, path] of [[appRoute, "/app"], [settingsRoute, "/app/settings"]] as const) {
      for (const headers of [{}, { "X-Attune-Demo": "1", Cookie: "demo=1" }] as Record<string, string>[]) {
        const r = await thrown(() => route.loader({ request: new Request(`https://attune.example.com${path}?demo=1`, { headers }), params: {}, context: {} }));
        expect(r).toBeInstanceOf(Response);
        const res = r as Response;
        expect([302, 401, 400]).toContain(res.status);
        if (res.status === 302) expect(res.headers.get("Location")).toMatch(/\/auth\/login/);
      }
    }
    const post = await thrown(() => settingsRoute.action({ request: new Request("https://attune.example.com/app/settings", { method: "POST", body: new URLSearchParams({ vipThreshold: "1" }) }), params: {}, context: {} }));
    expect(post).toBeInstanceOf(Response);
    expect((post as Response).status).not.toBe(200);
  });
});
