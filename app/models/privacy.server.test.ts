/** The privacy model (compliance topics), one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { seedStore } from "../../tests/helpers/store";
import { dumpAllTables, rowsForShop, tablesMentioning } from "../../tests/helpers/tables";
import { deleteShopData, exportCustomerData, getDataRequest, isRedacted, listDataRequests, recordDataRequest, redactCustomer } from "./privacy.server";
import { EXAMPLE_PROGRAM } from "../engine/loyalty/program";
import { adjustPoints, debitPoints, saveProgram, setBirthday } from "./loyalty.server";
import { recordProductView, recordQuizResponse } from "./signals.server";
import { writeTransaction } from "./sql.server";

const CUSTOMER = "115310627314723954";
const OTHER = "115310627314723955";

eachBackend("privacy model", (b) => {
  /** A shop with two customers' orders, views, quiz answers and change events. */
  async function store(shop: string) {
    await seedStore(b().db, shop, {
      products: [{ id: "1" }, { id: "2" }],
      customers: [CUSTOMER, OTHER],
      orders: [
        { id: "10", customerId: CUSTOMER, lines: ["1", "2"], daysAgo: 20 },
        { id: "11", customerId: CUSTOMER, lines: ["2"], daysAgo: 5 },
        { id: "12", customerId: OTHER, lines: ["1"] },
        { id: "13", customerId: null, lines: ["1"] },
      ],
    });
    await recordProductView(b().db, shop, { visitorId: "visitor-1", customerId: CUSTOMER }, "1");
    await recordProductView(b().db, shop, { visitorId: "visitor-2", customerId: OTHER }, "2");
    await recordQuizResponse(b().db, shop, { visitorId: null, customerId: CUSTOMER }, "style", { look: ["Minimal"] });
    // Loyalty: a member's ledger, balance cache, birthday, redemption, outbox and sync-state rows name the customer.
    await saveProgram(b().db, shop, "staff", { ...EXAMPLE_PROGRAM, enabled: true });
    for (const c of [CUSTOMER, OTHER]) {
      await adjustPoints(b().db, shop, "staff", c, 900, "welcome");
      await setBirthday(b().db, shop, c, "04-23");
      await writeTransaction(b().db, (tx) => debitPoints(tx, shop, c, { key: `redeem:rd-${c}`, points: 500, redemptionId: `rd-${c}`, rewardId: "five-off" }));
      await b().db.redemption.create({ data: { shopId: shop, id: `rd-${c}`, customerId: c, rewardId: "five-off", idempotencyKey: "k", code: `CODE${c.slice(-2)}`, points: 500, programVersion: 1 } });
      await b().db.loyaltySyncState.create({ data: { shopId: shop, customerId: c, digests: "{}", tierTag: "attune-tier-gold" } });
    }
  }

  it("redactCustomer anonymizes the customer's orders (and named ones), deletes every other row naming them, and remembers the hash", async () => {
    const shop = uniqueShop();
    await store(shop);
    await b().db.dataRequest.create({ data: { shopId: shop, customerId: CUSTOMER, export: "{}" } });
    expect(await isRedacted(b().db, shop, "hash-1")).toBe(false);
    const r = await writeTransaction(b().db, (tx) => redactCustomer(tx, shop, CUSTOMER, ["13"], "hash-1"));
    expect(r.outcome).toBe("customer redacted; 3 orders anonymized");
    expect(r.changes.map((c) => `${c.kind}:${c.entityId}`).sort()).toEqual(["customer_redacted:hash-1", "order:10", "order:11", "order:13"]);
    expect(tablesMentioning(await dumpAllTables(b().db, shop), CUSTOMER)).toEqual([]);
    expect(await b().db.order.count({ where: { shopId: shop } })).toBe(4); // the merchant's sales record stays
    expect(await b().db.orderLine.count({ where: { shopId: shop, orderId: "10" } })).toBe(2);
    expect(await isRedacted(b().db, shop, "hash-1")).toBe(true);
    expect(await isRedacted(b().db, uniqueShop(), "hash-1")).toBe(false);
    // The other customer keeps everything; a second redaction of the same hash is harmless.
    expect((await b().db.order.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: "12" } } })).customerId).toBe(OTHER);
    expect(await b().db.browsingEvent.count({ where: { shopId: shop, customerId: OTHER } })).toBe(1);
    await writeTransaction(b().db, (tx) => redactCustomer(tx, shop, CUSTOMER, [], "hash-1"));
    expect(await b().db.redaction.count({ where: { shopId: shop } })).toBe(1);
  });

  it("exportCustomerData holds the customer's profile, orders with lines, views and quiz answers, and nothing of others'", async () => {
    const shop = uniqueShop();
    await store(shop);
    await seedStore(b().db, shop, { orders: [{ id: "14", customerId: CUSTOMER, lines: ["1"], daysAgo: 1 }] });
    await b().db.order.update({ where: { shopId_id: { shopId: shop, id: "14" } }, data: { deletedAt: new Date() } });
    const data = await exportCustomerData(b().db, shop, CUSTOMER, []);
    expect(data).toMatchObject({ shop, customerId: CUSTOMER, profile: { state: "enabled", countryCode: "US", tags: [] } });
    expect(data.orders.map((o) => o.id)).toEqual(["10", "11"]); // oldest first; deleted ones are not the customer's any more
    expect(data.orders[0].lines.map((l) => l.productId).sort()).toEqual(["1", "2"]);
    expect(data.browsing).toEqual([{ kind: "product_view", productId: "1", at: expect.any(String) }]);
    expect(data.quizAnswers).toEqual([{ quizId: "style", answers: { look: ["Minimal"] }, at: expect.any(String) }]);
    expect(data.loyalty).toMatchObject({ points: 400, pending: 0, owed: 0, birthday: "04-23", redemptions: [{ id: `rd-${CUSTOMER}`, rewardId: "five-off", points: 500 }] });
    expect(data.loyalty?.ledger.map((e) => [e.kind, e.points])).toEqual([["adjust", 900], ["redeem", -500]]);
    expect(JSON.stringify(data)).not.toContain(OTHER);
    // Orders named in the request are included even without the customer on them.
    expect((await exportCustomerData(b().db, shop, CUSTOMER, ["13"])).orders.map((o) => o.id)).toEqual(["10", "13", "11"]);
    expect((await exportCustomerData(b().db, uniqueShop(), CUSTOMER, [])).orders).toEqual([]);
  });

  it("data requests are recorded with their export and read back only by their own shop", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await store(shop);
    expect(await writeTransaction(b().db, (tx) => recordDataRequest(tx, shop, CUSTOMER, "9001", []))).toEqual({ outcome: "data export ready (2 orders)", changes: [] });
    const [listed] = await listDataRequests(b().db, shop);
    expect(listed).toMatchObject({ customerId: CUSTOMER, requestId: "9001" });
    expect(listed.completedAt).not.toBeNull();
    const full = await getDataRequest(b().db, shop, listed.id);
    expect(JSON.parse(full!.export!).orders).toHaveLength(2);
    expect(await getDataRequest(b().db, other, listed.id)).toBeNull();
    expect(await listDataRequests(b().db, other)).toEqual([]);
  });

  it("deleteShopData erases every table's rows for the shop and no other shop's", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await store(shop);
    await store(other);
    await writeTransaction(b().db, (tx) => redactCustomer(tx, shop, OTHER, [], "hash-x"));
    await b().db.session.create({ data: { id: `offline_${shop}`, shop, state: "", accessToken: "shpat_x" } });
    await b().db.auditLog.create({ data: { shopId: shop, actor: "a", action: "update", entityType: "rule", entityId: "r", summary: "s" } });
    await b().db.backfillJob.create({ data: { shopId: shop } });
    const before = Object.values(await rowsForShop(b().db, other)).reduce((s, n) => s + n, 0);
    const r = await writeTransaction(b().db, (tx) => deleteShopData(tx, shop));
    expect(r.outcome).toMatch(/^shop erased \(\d+ rows\)$/);
    expect(Object.entries(await rowsForShop(b().db, shop)).filter(([, n]) => n > 0)).toEqual([]);
    expect(Object.values(await rowsForShop(b().db, other)).reduce((s, n) => s + n, 0)).toBe(before);
  });
});
