/** The webhook delivery queue, one shared suite on every backend (tests/helpers/databases.ts). */
import crypto from "node:crypto";
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { claim, enqueue, enqueueMany, MAX_ATTEMPTS, markDone, markFailed, type NewDelivery, queueDepth } from "./deliveries.server";
import { writeTransaction } from "./sql.server";

const delivery = (shop: string, d: Partial<NewDelivery> = {}): NewDelivery => ({ webhookId: crypto.randomUUID(), shopId: shop, topic: "orders/create", apiVersion: "2026-10", sealedPayload: "sealed", ...d });

eachBackend("delivery queue model", (b) => {
  /** The queue is shared by every shop: settle what earlier tests left pending. */
  const settle = () => b().db.webhookDelivery.updateMany({ where: { status: "pending" }, data: { status: "processed" } });

  it("enqueue stores a delivery once per webhook id; a retry is refused", async () => {
    const shop = uniqueShop();
    const d = delivery(shop);
    expect(await enqueue(b().db, d)).toBe(true);
    expect(await enqueue(b().db, { ...d, sealedPayload: "different" })).toBe(false);
    const rows = await b().db.webhookDelivery.findMany({ where: { shopId: shop } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ webhookId: d.webhookId, topic: "orders/create", apiVersion: "2026-10", payload: "sealed", status: "pending", attempts: 0 });
  });

  it("enqueueMany reports per input whether it was new: known ids and repeats within the batch are not", async () => {
    const shop = uniqueShop();
    const known = delivery(shop);
    await enqueue(b().db, known);
    const fresh = delivery(shop);
    expect(await enqueueMany(b().db, [fresh, known, { ...fresh }, delivery(shop)])).toEqual([true, false, false, true]);
    expect(await b().db.webhookDelivery.count({ where: { shopId: shop } })).toBe(3);
    expect(await enqueueMany(b().db, [])).toEqual([]);
  });

  it("claim hands out due deliveries in arrival order, up to the limit; done and failed ones leave the queue", async () => {
    await settle();
    const shop = uniqueShop();
    const ids = [delivery(shop), delivery(shop), delivery(shop), delivery(shop)];
    for (const d of ids) await enqueue(b().db, d);
    await b().db.webhookDelivery.updateMany({ where: { webhookId: ids[1].webhookId }, data: { availableAt: new Date(Date.now() + 60_000) } });
    expect(await queueDepth(b().db)).toBe(4);
    const claimed = await writeTransaction(b().db, async (tx) => {
      const batch = await claim(b().db, tx, 2);
      await markDone(tx, batch[0].seq, "order applied");
      await markDone(tx, batch[1].seq, "ignored: older than stored");
      return batch;
    });
    expect(claimed.map((c) => c.webhookId)).toEqual([ids[0].webhookId, ids[2].webhookId]);
    expect(claimed[0]).toMatchObject({ shopId: shop, topic: "orders/create", payload: "sealed", attempts: 0 });
    const rows = await b().db.webhookDelivery.findMany({ where: { shopId: shop }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["processed", "pending", "ignored", "pending"]);
    expect(rows[0]).toMatchObject({ payload: null, outcome: "order applied" });
    expect(rows[0].processedAt).not.toBeNull();
    expect(rows[2].payload).toBeNull();
    expect(await queueDepth(b().db)).toBe(2);
  });

  it("two workers claiming at once never get the same delivery", async () => {
    await settle();
    const shop = uniqueShop();
    for (let i = 0; i < 6; i++) await enqueue(b().db, delivery(shop));
    const work = () =>
      writeTransaction(b().db, async (tx) => {
        const batch = await claim(b().db, tx, 3);
        for (const c of batch) await markDone(tx, c.seq, "order applied");
        return batch.map((c) => c.seq);
      });
    const [x, y] = await Promise.all([work(), work()]);
    expect(new Set([...x, ...y]).size).toBe(6);
    expect(await queueDepth(b().db)).toBe(0);
  });

  it("a failure is retried later with growing backoff, and dead-lettered after the last attempt", async () => {
    await settle();
    const shop = uniqueShop();
    const d = delivery(shop);
    await enqueue(b().db, d);
    const row = () => b().db.webhookDelivery.findUniqueOrThrow({ where: { webhookId: d.webhookId } });
    const { seq } = await row();
    expect(await markFailed(b().db, seq, 0, "boom")).toBe(false);
    const first = await row();
    expect(first).toMatchObject({ status: "pending", attempts: 1, outcome: "error: boom", payload: "sealed" });
    expect(first.availableAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
    expect(await writeTransaction(b().db, (tx) => claim(b().db, tx, 10))).toEqual([]); // not due yet
    await markFailed(b().db, seq, 1, "x".repeat(1000));
    const second = await row();
    expect(second.availableAt.getTime()).toBeGreaterThan(first.availableAt.getTime());
    expect(second.outcome).toHaveLength(500);
    expect(await markFailed(b().db, seq, MAX_ATTEMPTS - 1, "still failing")).toBe(true);
    expect(await row()).toMatchObject({ status: "dead", attempts: MAX_ATTEMPTS });
    expect(await queueDepth(b().db)).toBe(0);
  });
});
