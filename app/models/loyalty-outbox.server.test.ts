/** The loyalty outbox model, one shared suite on every backend. */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { completeOutbox, dueOutbox, enqueueLoyaltySync, pendingOutboxCount, retryOutbox } from "./loyalty-outbox.server";
import { writeTransaction } from "./sql.server";

eachBackend("loyalty outbox model", (b) => {
  it("enqueues metafields once per write, a tag change and a Flow trigger per tier change; nothing for no events", async () => {
    const shop = uniqueShop();
    await writeTransaction(b().db, (tx) => enqueueLoyaltySync(tx, shop, "9007199254740993", []));
    expect(await pendingOutboxCount(b().db, shop)).toBe(0);
    await writeTransaction(b().db, (tx) =>
      enqueueLoyaltySync(tx, shop, "9007199254740993", [
        { type: "member" },
        { type: "points_earned", points: 120, orderId: "5" },
        { type: "tier_changed", from: null, to: "gold" },
      ]),
    );
    const rows = await b().db.loyaltyOutbox.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } });
    expect(rows.map((r) => r.kind)).toEqual(["metafields", "flow", "tags", "flow"]);
    expect(JSON.parse(rows[2].payload)).toEqual({ from: null, to: "gold" });
    expect(rows.every((r) => r.customerId === "9007199254740993")).toBe(true);
  });

  it("a rolled-back ledger write leaves nothing to send", async () => {
    const shop = uniqueShop();
    await expect(
      writeTransaction(b().db, async (tx) => {
        await enqueueLoyaltySync(tx, shop, "1", [{ type: "member" }]);
        throw new Error("ledger write failed");
      }),
    ).rejects.toThrow("ledger write failed");
    expect(await pendingOutboxCount(b().db, shop)).toBe(0);
  });

  it("due rows come oldest first; done rows leave; failures back off and give up after the limit", async () => {
    const shop = uniqueShop();
    const now = new Date();
    await writeTransaction(b().db, (tx) => enqueueLoyaltySync(tx, shop, "1", [{ type: "member" }], now));
    await writeTransaction(b().db, (tx) => enqueueLoyaltySync(tx, shop, "2", [{ type: "member" }], now));
    const due = (await dueOutbox(b().db, 1000, new Date(now.getTime() + 1))).filter((r) => r.shopId === shop);
    expect(due.map((r) => r.customerId)).toEqual(["1", "2"]);
    await completeOutbox(b().db, [due[0].id]);
    await retryOutbox(b().db, due[1].id, "throttled", new Date(now.getTime() + 60_000), 2);
    let mine = (await dueOutbox(b().db, 1000, new Date(now.getTime() + 1))).filter((r) => r.shopId === shop);
    expect(mine).toEqual([]);
    mine = (await dueOutbox(b().db, 1000, new Date(now.getTime() + 61_000))).filter((r) => r.shopId === shop);
    expect(mine.map((r) => [r.customerId, r.attempts])).toEqual([["2", 1]]);
    await retryOutbox(b().db, due[1].id, "throttled", new Date(now.getTime() + 60_000), 2);
    expect((await b().db.loyaltyOutbox.findFirst({ where: { id: due[1].id } }))?.status).toBe("failed");
    expect(await pendingOutboxCount(b().db, shop)).toBe(0);
  });
});
