/**
 * The simulator's discount codes as the reward pool uses them, through the app's own Admin API
 * client and documents: a discount created with `context`, codes added by an asynchronous bulk job
 * with per-code errors, codes findable for a cart, and injected Admin API faults.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAdminClient, type AdminClient } from "../../app/shopify/admin-api/client.server";
import {
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_REDEEM_CODE_BULK_ADD,
  DISCOUNT_REDEEM_CODE_BULK_CREATION,
  DISCOUNT_REDEEM_CODE_BULK_CREATION_CODES,
  type RedeemCodeBulkAddResult,
  type RedeemCodeBulkCreationCodesResult,
  type RedeemCodeBulkCreationResult,
} from "../../app/shopify/admin-api/documents";
import { type AdminApi, generateStore, startAdminApi } from "./index";

const SHOP = "codes-sim.myshopify.com";
const OTHER = "codes-other.myshopify.com";
let api: AdminApi;
let client: AdminClient;
let discountId: string;

const bulkAdd = (codes: string[], id = discountId) => client.request<RedeemCodeBulkAddResult>(DISCOUNT_REDEEM_CODE_BULK_ADD, { discountId: id, codes: codes.map((code) => ({ code })) });
const poll = async (id: string) => (await client.request<RedeemCodeBulkCreationResult>(DISCOUNT_REDEEM_CODE_BULK_CREATION, { id })).discountRedeemCodeBulkCreation;

beforeAll(async () => {
  api = await startAdminApi({ store: generateStore({ seed: 3, shop: SHOP, now: new Date(), products: 2, customers: 2, orders: 2 }), tokens: { [SHOP]: "t1", [OTHER]: "t2" }, before: new Date(0) });
  client = createAdminClient(SHOP, "t1", { simulator: { origin: api.origin }, maxAttempts: 1 });
  const created = await client.request<{ discountCodeBasicCreate: { codeDiscountNode: { id: string } | null; userErrors: unknown[] } }>(DISCOUNT_CODE_BASIC_CREATE, {
    basicCodeDiscount: {
      title: "$5 off (loyalty reward r5)",
      code: "BASE-CODE",
      startsAt: new Date().toISOString(),
      context: { all: "ALL" },
      usageLimit: 1,
      customerGets: { value: { discountAmount: { amount: "5.00", appliesOnEachItem: false } }, items: { all: true } },
    },
  });
  expect(created.discountCodeBasicCreate.userErrors).toEqual([]);
  discountId = created.discountCodeBasicCreate.codeDiscountNode!.id;
});
afterAll(async () => {
  await api?.close();
});

describe("discountRedeemCodeBulkAdd in the simulator", () => {
  it("runs as an asynchronous job: queued first, then done with per-code results", async () => {
    const r = (await bulkAdd(["R-1", "R-2", "r-1", "BASE-CODE", "R-3"])).discountRedeemCodeBulkAdd!;
    expect(r.userErrors).toEqual([]);
    expect(r.bulkCreation).toMatchObject({ done: false, codesCount: 5 });
    expect(api.findCode(SHOP, "R-2")).toBeNull(); // not created while queued
    const first = await poll(r.bulkCreation!.id);
    expect(first).toMatchObject({ done: false, importedCount: 0, failedCount: 0 });
    const second = await poll(r.bulkCreation!.id);
    expect(second).toMatchObject({ done: true, codesCount: 5, importedCount: 3, failedCount: 2 });
    const list = (await client.request<RedeemCodeBulkCreationCodesResult>(DISCOUNT_REDEEM_CODE_BULK_CREATION_CODES, { id: r.bulkCreation!.id })).discountRedeemCodeBulkCreation!;
    const byCode = Object.fromEntries(list.codes.nodes.map((n) => [n.code, n]));
    expect(byCode["R-1"].discountRedeemCode).not.toBeNull();
    expect(byCode["r-1"]).toMatchObject({ discountRedeemCode: null, errors: [{ code: "TAKEN" }] }); // same code, other case
    expect(byCode["BASE-CODE"]).toMatchObject({ discountRedeemCode: null, errors: [{ code: "TAKEN" }] }); // the discount's own code
    // Created codes redeem the discount, case-insensitively, in this shop only.
    expect(api.findCode(SHOP, "r-3")?.discount.id).toBe(discountId);
    expect(api.findCode(SHOP, "base-code")?.discount.id).toBe(discountId);
    expect(api.findCode(OTHER, "R-3")).toBeNull();
    const res = await fetch(`${api.origin}/simulator/discount-codes?shop=${SHOP}&code=R-3`);
    expect(((await res.json()) as any).discount.customerGets.value.discountAmount.amount).toBe("5.00");
  });

  it("refuses more than 250 codes and unknown discounts with userErrors", async () => {
    const tooMany = (await bulkAdd(Array.from({ length: 251 }, (_, i) => `X${i}`))).discountRedeemCodeBulkAdd!;
    expect(tooMany.bulkCreation).toBeNull();
    expect(tooMany.userErrors[0].field).toEqual(["codes"]);
    const unknown = (await bulkAdd(["Y1"], "gid://shopify/DiscountCodeNode/1")).discountRedeemCodeBulkAdd!;
    expect(unknown.userErrors[0].message).toMatch(/does not exist/);
    const other = createAdminClient(OTHER, "t2", { simulator: { origin: api.origin }, maxAttempts: 1 });
    const foreign = (await other.request<RedeemCodeBulkAddResult>(DISCOUNT_REDEEM_CODE_BULK_ADD, { discountId, codes: [{ code: "Z1" }] })).discountRedeemCodeBulkAdd!;
    expect(foreign.bulkCreation).toBeNull(); // another shop's discount
    expect(await other.request(DISCOUNT_REDEEM_CODE_BULK_CREATION, { id: "gid://shopify/DiscountRedeemCodeBulkCreation/1" })).toEqual({ discountRedeemCodeBulkCreation: null });
  });

  it("fails on demand: matching operations get HTTP 503 until cleared, others still answer", async () => {
    api.failAdminApi({ operations: ["AttuneDiscountRedeemCodeBulkAdd"] });
    await expect(bulkAdd(["F-1"])).rejects.toThrow(/gave up|503/);
    expect((await poll("gid://shopify/DiscountRedeemCodeBulkCreation/1"))).toBeNull(); // other documents unaffected
    api.failAdminApi(null);
    expect((await bulkAdd(["F-1"])).discountRedeemCodeBulkAdd!.bulkCreation).not.toBeNull();
    api.failAdminApi({ count: 1 });
    await expect(poll("gid://shopify/DiscountRedeemCodeBulkCreation/1")).rejects.toThrow();
    expect(await poll("gid://shopify/DiscountRedeemCodeBulkCreation/1")).toBeNull(); // the fault is used up
    expect(api.faultedRequests).toBe(2);
    await fetch(`${api.origin}/simulator/faults`, { method: "POST", body: JSON.stringify({ status: 500 }) });
    await expect(poll("gid://shopify/DiscountRedeemCodeBulkCreation/1")).rejects.toThrow();
    await fetch(`${api.origin}/simulator/faults`, { method: "POST", body: "null" });
    expect(await poll("gid://shopify/DiscountRedeemCodeBulkCreation/1")).toBeNull();
  });
});
