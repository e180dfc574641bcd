/** With the simulator flag (npm run demo): /app opens as the demo shop, no Shopify session needed. */
import { describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env.ATTUNE_SIMULATOR = "1";
  process.env.ATTUNE_ADMIN_ORIGIN = "http://127.0.0.1:9";
  process.env.ATTUNE_DEMO_SHOP = "attune-demo.myshopify.com";
});

import * as appRoute from "../../app/routes/app";
import { adminContext } from "../../app/services/admin-context.server";

describe("demo mode", () => {
  it("answers as the demo shop with the actor 'demo', outside Shopify (no App Bridge)", async () => {
    const request = new Request("https://attune.example.com/app");
    expect(await adminContext(request)).toEqual({ shop: "attune-demo.myshopify.com", actor: "demo", demo: true });
    expect(await appRoute.loader({ request, params: {}, context: {} })).toMatchObject({ shop: "attune-demo.myshopify.com", demo: true });
  });
});
