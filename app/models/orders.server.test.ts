/** The orders model, one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import type { OrderRecord } from "../ingest/records";
import { applyRefund, deleteOrder, upsertOrder } from "./orders.server";
import { writeTransaction } from "./sql.server";

const BIG = "9007199254740993"; // 2^53 + 1

function rec(o: Partial<OrderRecord> & { id: string }): OrderRecord {
  return {
    name: `#${o.id.slice(-4)}`,
    customerId: null,
    customer: null,
    currency: "USD",
    totalCents: 5000,
    financialStatus: "paid",
    countryCode: "CA",
    provinceCode: "ON",
    sourceName: "web",
    trafficSource: "pinterest",
    test: false,
    createdAt: new Date("2026-05-01T00:00:00Z"),
    updatedAt: new Date("2026-05-01T00:00:00Z"),
    cancelledAt: null,
    lines: [
      { id: `${o.id}1`, productId: "9007199254740995", variantId: "9007199254740997", title: "Mat", quantity: 2, priceCents: 2000, placement: "home", ruleId: "rule_pinterest" },
      { id: `${o.id}2`, productId: "9007199254740999", variantId: null, title: "Strap", quantity: 1, priceCents: 1000 },
    ],
    refunds: [],
    ...o,
  };
}

eachBackend("orders model", (b) => {
  const apply = (shop: string, o: OrderRecord, customerRedacted = false) => writeTransaction(b().db, (tx) => upsertOrder(tx, shop, o, { customerRedacted }));
  const lines = (shop: string, orderId: string) =>
    b().db.orderLine.findMany({ where: { shopId: shop, orderId }, orderBy: { id: "asc" }, select: { id: true, productId: true, variantId: true, quantity: true, priceCents: true, refundedQuantity: true, placement: true, ruleId: true } });

  it("stores the order and its lines with exact big ids and attribution; the same ids in another shop are another order", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    expect(await apply(shop, rec({ id: BIG, lastPlacement: "home" }))).toEqual({ outcome: "order applied", changes: [{ kind: "order", entityId: BIG }] });
    await apply(other, rec({ id: BIG, totalCents: 1, lines: [] }));
    const o = await b().db.order.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: BIG } } });
    expect(o).toMatchObject({ totalCents: 5000, countryCode: "CA", provinceCode: "ON", trafficSource: "pinterest", lastPlacement: "home", deletedAt: null });
    expect(o.shopifyUpdatedAt?.toISOString()).toBe("2026-05-01T00:00:00.000Z");
    expect(await lines(shop, BIG)).toEqual([
      { id: `${BIG}1`, productId: "9007199254740995", variantId: "9007199254740997", quantity: 2, priceCents: 2000, refundedQuantity: 0, placement: "home", ruleId: "rule_pinterest" },
      { id: `${BIG}2`, productId: "9007199254740999", variantId: null, quantity: 1, priceCents: 1000, refundedQuantity: 0, placement: null, ruleId: null },
    ]);
    expect((await b().db.order.findUniqueOrThrow({ where: { shopId_id: { shopId: other, id: BIG } } })).totalCents).toBe(1);
    expect(await lines(other, BIG)).toEqual([]);
  });

  it("an older payload changes nothing; the same version re-applies; a newer one replaces the lines wholesale", async () => {
    const shop = uniqueShop();
    await apply(shop, rec({ id: "71", updatedAt: new Date("2026-05-02T00:00:00Z"), lastPlacement: "cart" }));
    const older = await apply(shop, rec({ id: "71", updatedAt: new Date("2026-05-01T00:00:00Z"), totalCents: 1, lines: [], lastPlacement: null }));
    expect(older).toEqual({ outcome: "ignored: older than stored", changes: [] });
    expect((await b().db.order.findFirstOrThrow({ where: { shopId: shop } })).lastPlacement).toBe("cart");
    expect(await lines(shop, "71")).toHaveLength(2);
    expect((await apply(shop, rec({ id: "71", updatedAt: new Date("2026-05-02T00:00:00Z"), totalCents: 4000 }))).outcome).toBe("order applied");
    const edited = rec({ id: "71", updatedAt: new Date("2026-05-03T00:00:00Z"), financialStatus: "partially_refunded" });
    edited.lines = [{ ...edited.lines[1], quantity: 3 }];
    await apply(shop, edited);
    const o = await b().db.order.findFirstOrThrow({ where: { shopId: shop } });
    expect(o).toMatchObject({ financialStatus: "partially_refunded", totalCents: 5000, lastPlacement: null });
    expect((await lines(shop, "71")).map((l) => [l.id, l.quantity, l.placement])).toEqual([["712", 3, null]]);
  });

  it("a deleted order stays deleted: lines gone, no customer kept, a late update ignored", async () => {
    const shop = uniqueShop();
    await apply(shop, rec({ id: "72", customerId: "500" }));
    expect(await writeTransaction(b().db, (tx) => deleteOrder(tx, shop, "72"))).toEqual({ outcome: "order deleted", changes: [{ kind: "order", entityId: "72" }] });
    expect(await lines(shop, "72")).toEqual([]);
    expect((await apply(shop, rec({ id: "72", updatedAt: new Date("2030-01-01T00:00:00Z") }))).outcome).toBe("ignored: order was deleted");
    const o = await b().db.order.findFirstOrThrow({ where: { shopId: shop } });
    expect(o).toMatchObject({ customerId: null, countryCode: null, provinceCode: null, totalCents: 0 });
    expect(o.deletedAt).not.toBeNull();
    expect(await lines(shop, "72")).toEqual([]);
    // Deleting an order never seen leaves a tombstone too.
    await writeTransaction(b().db, (tx) => deleteOrder(tx, shop, "73"));
    expect((await apply(shop, rec({ id: "73" }))).outcome).toBe("ignored: order was deleted");
  });

  it("refunded quantities come from stored refund lines, whether the refund arrives before or after its order, and twice is once", async () => {
    const shop = uniqueShop();
    const refund = { id: "9001", orderId: "74", createdAt: new Date("2026-05-04T00:00:00Z"), amountCents: 2000, lines: [{ id: "9101", lineItemId: "741", quantity: 1 }] };
    expect(await writeTransaction(b().db, (tx) => applyRefund(tx, shop, refund))).toEqual({ outcome: "refund recorded", changes: [{ kind: "order", entityId: "74" }] });
    await apply(shop, rec({ id: "74" }));
    expect((await lines(shop, "74")).map((l) => l.refundedQuantity)).toEqual([1, 0]);
    expect((await writeTransaction(b().db, (tx) => applyRefund(tx, shop, refund))).outcome).toBe("refund already recorded");
    const second = { ...refund, id: "9002", lines: [{ id: "9102", lineItemId: "741", quantity: 1 }] };
    await writeTransaction(b().db, (tx) => applyRefund(tx, shop, second));
    expect((await lines(shop, "74")).map((l) => l.refundedQuantity)).toEqual([2, 0]);
    // Refunds carried inside the order body are stored the same way.
    await apply(shop, rec({ id: "74", updatedAt: new Date("2026-05-05T00:00:00Z"), refunds: [refund, second] }));
    expect(await b().db.refundLine.count({ where: { shopId: shop } })).toBe(2);
    expect((await lines(shop, "74")).map((l) => l.refundedQuantity)).toEqual([2, 0]);
  });

  it("the embedded customer is applied and announced; for a redacted customer neither customer nor province is kept", async () => {
    const shop = uniqueShop();
    const customer = { id: "600", state: "enabled", countryCode: "CA", provinceCode: "QC", tags: ["vip"], createdAt: new Date("2025-01-01T00:00:00Z"), updatedAt: new Date("2026-01-01T00:00:00Z") };
    const applied = await apply(shop, rec({ id: "75", customerId: "600", customer }));
    expect(applied.changes).toEqual([{ kind: "order", entityId: "75" }, { kind: "customer", entityId: "600" }]);
    expect(JSON.parse((await b().db.customer.findFirstOrThrow({ where: { shopId: shop, id: "600" } })).tags)).toEqual(["vip"]);

    const redactedShop = uniqueShop();
    const r = await apply(redactedShop, rec({ id: "76", customerId: "601", customer: { ...customer, id: "601" } }), true);
    expect(r.changes).toEqual([{ kind: "order", entityId: "76" }]);
    expect(await b().db.order.findFirstOrThrow({ where: { shopId: redactedShop } })).toMatchObject({ customerId: null, provinceCode: null, countryCode: "CA" });
    expect(await b().db.customer.count({ where: { shopId: redactedShop } })).toBe(0);
  });
});
