/** The raw-SQL helpers both databases share, one suite on every backend (tests/helpers/databases.ts). */
import { describe, expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { bool, dialectOf, exec, excludedSet, ms, query, ts, valuesList, writeTransaction } from "./sql.server";

describe("SQL text helpers", () => {
  it("build VALUES lists and upsert SET lists; convert driver timestamps and booleans", () => {
    expect(valuesList(2, 3)).toBe("(?, ?, ?), (?, ?, ?)");
    expect(excludedSet(["a", "b"])).toBe('"a" = excluded."a", "b" = excluded."b"');
    expect(ts(new Date("2026-05-01T00:00:00.123Z"))).toBe("2026-05-01T00:00:00.123+00:00");
    expect(ts(null)).toBeNull();
    const t = Date.parse("2026-05-01T00:00:00Z");
    expect([ms(new Date(t)), ms("2026-05-01T00:00:00+00:00"), ms(t), ms(null)]).toEqual([t, t, t, 0]);
    expect([true, 1, "1", "true", false, 0, null, "yes"].map(bool)).toEqual([true, true, true, true, false, false, false, false]);
  });
});

eachBackend("SQL helpers", (b) => {
  it("knows its dialect and runs ?-placeholder statements with booleans, nulls and big-id strings", async () => {
    expect(dialectOf(b().db)).toBe(b().name);
    const shop = uniqueShop();
    const n = await exec(
      b().db,
      `INSERT INTO "Order" ("shopId", "id", "test", "customerId", "shopifyCreatedAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?)`,
      [shop, "9007199254740993", true, undefined, ts(new Date("2026-05-01T00:00:00Z")), ts(new Date())],
    );
    expect(n).toBe(1);
    const rows = await query<{ id: string; test: unknown; customerId: unknown }>(b().db, `SELECT "id", "test", "customerId" FROM "Order" WHERE "shopId" = ? AND "id" = ?`, [shop, "9007199254740993"]);
    expect(rows.map((r) => [r.id, bool(r.test), r.customerId])).toEqual([["9007199254740993", true, null]]);
  });

  it("timestamps written with ts() read back through Prisma as the same instant and sort with Prisma-written ones", async () => {
    const shop = uniqueShop();
    await b().db.order.create({ data: { shopId: shop, id: "1", shopifyCreatedAt: new Date("2026-05-01T00:00:00.500Z") } });
    await exec(b().db, `INSERT INTO "Order" ("shopId", "id", "shopifyCreatedAt", "updatedAt") VALUES (?, ?, ?, ?)`, [shop, "2", ts(new Date("2026-05-01T00:00:00.250Z")), ts(new Date())]);
    const rows = await b().db.order.findMany({ where: { shopId: shop }, orderBy: { shopifyCreatedAt: "asc" } });
    expect(rows.map((r) => [r.id, r.shopifyCreatedAt.toISOString()])).toEqual([
      ["2", "2026-05-01T00:00:00.250Z"],
      ["1", "2026-05-01T00:00:00.500Z"],
    ]);
    const later = await query<{ id: string }>(b().db, `SELECT "id" FROM "Order" WHERE "shopId" = ? AND "shopifyCreatedAt" > ?`, [shop, ts(new Date("2026-05-01T00:00:00.300Z"))]);
    expect(later.map((r) => r.id)).toEqual(["1"]);
  });

  it("writeTransaction: statements see the transaction's own writes; a throw rolls back raw and typed writes alike", async () => {
    const shop = uniqueShop();
    const insert = (tx: Parameters<typeof exec>[0], id: string) => exec(tx, `INSERT INTO "Order" ("shopId", "id", "shopifyCreatedAt", "updatedAt") VALUES (?, ?, ?, ?)`, [shop, id, ts(new Date()), ts(new Date())]);
    const seen = await writeTransaction(b().db, async (tx) => {
      await insert(tx, "a");
      return (await query<{ id: string }>(tx, `SELECT "id" FROM "Order" WHERE "shopId" = ?`, [shop])).map((r) => r.id);
    });
    expect(seen).toEqual(["a"]);
    await expect(
      writeTransaction(b().db, async (tx) => {
        await insert(tx, "b");
        await tx.customer.create({ data: { shopId: shop, id: "c" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect((await b().db.order.findMany({ where: { shopId: shop } })).map((o) => o.id)).toEqual(["a"]);
    expect(await b().db.customer.count({ where: { shopId: shop } })).toBe(0);
  });
});
