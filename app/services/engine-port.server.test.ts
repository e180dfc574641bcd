/**
 * The engine port: one typed call object reaches the engines in this thread (ATTUNE_ENGINE=inline)
 * or crosses to the engine thread when server.mjs has one, and engines are never built on a
 * request thread that has an engine thread.
 */
import crypto from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db.server";
import { seedStore } from "../../tests/helpers/store";
import { engines, getEngine, loadedEngine } from "./engine.server";
import { answerEngineCall, enginePort } from "./engine-port.server";

const SHOP = `port-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
const who = { shop: SHOP, customerId: null };

beforeAll(async () => {
  const products = Array.from({ length: 6 }, (_, i) => ({ id: String(i + 1), title: `Item ${i + 1}` }));
  const orders = Array.from({ length: 12 }, (_, k) => ({ id: String(7000 + k), customerId: null, lines: [String(1 + (k % 6)), String(1 + ((k + 2) % 6))] }));
  await seedStore(db(), SHOP, { products, orders });
});

afterEach(() => {
  delete globalThis.__attuneEngineThread;
});

describe("enginePort in this thread (ATTUNE_ENGINE=inline)", () => {
  it("answers with the same handlers the engine thread runs", async () => {
    const input = { placement: "product" as const, productId: "1", limit: 3 };
    const now = Date.now();
    const text = await enginePort.recommendationsJson(who, input, now);
    expect(JSON.parse(text!).products.map((p: { id: string }) => p.id)).not.toContain("1");
    expect(await answerEngineCall("recommendationsJson", [who, input, now])).toBe(text);
    const decision = await enginePort.recommendations(who, input, now);
    expect(JSON.stringify(decision)).toBe(text);
    expect(await enginePort.upsell({ shop: "nobody.myshopify.com", customerId: null }, "checkout", 3)).toBeNull();
  });

  it("evicts a shopper's cached signals before the call returns", async () => {
    await enginePort.recommendationsJson(who, { placement: "home", limit: 2, vid: "visitor-port-1" });
    const engine = loadedEngine(SHOP)!;
    const cached = engine.signals.size;
    expect(cached).toBeGreaterThan(0);
    await enginePort.signalsWritten(SHOP, ["v:visitor-port-1"]);
    expect(engine.signals.size).toBe(cached - 1);
  });

  it("is typed from the call object: a wrong argument does not compile", () => {
    // @ts-expect-error "cart" is not an upsell placement
    const wrong = () => enginePort.upsell(who, "cart", 3);
    expect(typeof wrong).toBe("function");
  });
});

describe("enginePort on a request thread with an engine thread", () => {
  it("sends every call, by its method name and arguments, over the transport and answers with its reply", async () => {
    const sent: [string, unknown[]][] = [];
    globalThis.__attuneEngineThread = async (method, args) => {
      sent.push([method, args]);
      return method === "recommendationsJson" ? '{"from":"engine thread"}' : null;
    };
    const input = { placement: "home" as const, limit: 4 };
    expect(await enginePort.recommendationsJson(who, input, 42)).toBe('{"from":"engine thread"}');
    await enginePort.signalsWritten(SHOP, ["c:100"]);
    expect(sent).toEqual([
      ["recommendationsJson", [who, input, 42]],
      ["signalsWritten", [SHOP, ["c:100"]]],
    ]);
  });

  it("refuses to build or reach engines locally: no second copy of a shop's model on the request thread", async () => {
    globalThis.__attuneEngineThread = async () => null;
    await expect(engines()).rejects.toThrow(/engine thread/);
    await expect(getEngine(SHOP)).rejects.toThrow(/enginePort/);
  });
});
