/** The change feed model, one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { appendChanges, pruneChanges } from "./changes.server";
import { writeTransaction } from "./sql.server";

eachBackend("change feed model", (b) => {
  it("appends one event per change, in order, under the shop; nothing for no changes", async () => {
    const shop = uniqueShop();
    await writeTransaction(b().db, (tx) => appendChanges(tx, shop, []));
    expect(await b().db.changeEvent.count({ where: { shopId: shop } })).toBe(0);
    await writeTransaction(b().db, (tx) =>
      appendChanges(tx, shop, [
        { kind: "order", entityId: "9007199254740993" },
        { kind: "customer", entityId: "7" },
        { kind: "signals", entityId: "v:abc" },
      ]),
    );
    const rows = await b().db.changeEvent.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.kind, r.entityId])).toEqual([["order", "9007199254740993"], ["customer", "7"], ["signals", "v:abc"]]);
    expect(rows[0].id).toBeLessThan(rows[2].id);
    expect(Math.abs(rows[0].createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("events appended in a transaction that rolls back are not in the feed", async () => {
    const shop = uniqueShop();
    await expect(
      writeTransaction(b().db, async (tx) => {
        await appendChanges(tx, shop, [{ kind: "order", entityId: "1" }]);
        throw new Error("apply failed");
      }),
    ).rejects.toThrow("apply failed");
    expect(await b().db.changeEvent.count({ where: { shopId: shop } })).toBe(0);
  });

  it("prunes events older than the cutoff and keeps newer ones", async () => {
    const shop = uniqueShop();
    const old = new Date(Date.now() - 48 * 3_600_000);
    await b().db.changeEvent.createMany({
      data: [
        { shopId: shop, kind: "order", entityId: "1", createdAt: old },
        { shopId: shop, kind: "order", entityId: "2", createdAt: new Date() },
      ],
    });
    const { count } = await pruneChanges(b().db, new Date(Date.now() - 24 * 3_600_000));
    expect(count).toBe(1);
    expect((await b().db.changeEvent.findMany({ where: { shopId: shop } })).map((e) => e.entityId)).toEqual(["2"]);
  });
});
