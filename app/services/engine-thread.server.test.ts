/** The engine thread's side, run in-process: forwarded calls and the best-sellers' warm-up. */
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db.server";
import { seedStore } from "../../tests/helpers/store";
import { getEngine } from "./engine.server";
import { engineIdle, serveEngineCall, warmProductListsInSlices } from "./engine-thread.server";

const SHOP = `warm-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;

beforeAll(async () => {
  const products = Array.from({ length: 8 }, (_, i) => ({ id: String(i + 1), title: `Item ${i + 1}` }));
  const orders = Array.from({ length: 24 }, (_, k) => ({ id: String(5000 + k), customerId: null, lines: [String(1 + (k % 8)), String(1 + ((k + 3) % 8))] }));
  await seedStore(db(), SHOP, { products, orders });
});

describe("engine thread side", () => {
  it("answers a forwarded decision as the JSON text the route sends, and refuses an unknown call", async () => {
    const text = (await serveEngineCall("recommendationsJson", [{ shop: SHOP, customerId: null }, { placement: "product", productId: "1", limit: 3 }, Date.now()])) as string;
    const body = JSON.parse(text);
    expect(body.placement).toBe("product");
    expect(body.products.length).toBe(3);
    expect(body.products.map((p: { id: string }) => p.id)).not.toContain("1");
    await expect(serveEngineCall("dropTables", [])).rejects.toThrow(/unknown engine call/);
    // Only the call object's own methods: not what every object inherits.
    await expect(serveEngineCall("constructor", [])).rejects.toThrow(/unknown engine call/);
    await expect(serveEngineCall("toString", [])).rejects.toThrow(/unknown engine call/);
  });

  it("warms the best-sellers' lists in slices that let other work run in between", async () => {
    await getEngine(SHOP);
    let interleaved = false;
    // sliceMs 0: one product per slice, so this immediate runs before the warm-up ends.
    const warming = warmProductListsInSlices([SHOP, "not-loaded.myshopify.com"], 5, 0, () => true);
    setImmediate(() => (interleaved = true));
    expect(await warming).toBe(5);
    expect(interleaved).toBe(true);
  });

  it("waits while calls are arriving: nothing is warmed until the engine has been idle", async () => {
    let idle = false;
    let warmed = -1;
    const warming = warmProductListsInSlices([SHOP], 3, 0, () => idle).then((n) => (warmed = n));
    await new Promise((r) => setTimeout(r, 60));
    expect(warmed).toBe(-1);
    idle = true;
    await warming;
    expect(warmed).toBe(3);
  });

  it("counts a call in progress, and a recent one, as not idle", async () => {
    const answer = serveEngineCall("recommendationsJson", [{ shop: SHOP, customerId: null }, { placement: "home", limit: 2 }, Date.now()]);
    expect(engineIdle()).toBe(false);
    await answer;
    expect(engineIdle()).toBe(false); // answered just now
    expect(engineIdle(performance.now() + 1_000)).toBe(true);
  });
});
