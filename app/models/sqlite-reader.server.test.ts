/**
 * The SQLite fast read path exists only for the process-wide SQLite client (db()), so this suite is
 * SQLite's alone: it proves the fast path answers exactly what the Prisma path answers. The loaders
 * that use it run through the shared suites on every backend (store-data, shop-config).
 */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { createBackend } from "../../tests/helpers/databases";
import { seedStore } from "../../tests/helpers/store";
import { db } from "../db.server";
import { streamOrders } from "./store-data.server";
import { query } from "./sql.server";
import { fastReader, readQuery } from "./sqlite-reader.server";

describe("SQLite fast reads", () => {
  it("serve the process-wide client only, with the same rows as the Prisma path", async () => {
    const shop = `fast-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
    await seedStore(db(), shop, { products: [{ id: "9007199254740993" }, { id: "2" }], orders: [{ id: "9007199254740995", lines: ["9007199254740993", "2"] }] });
    expect(fastReader(db())).not.toBeNull();
    const sql = `SELECT "id", "productId", "quantity", "priceCents", "placement" FROM "OrderLine" WHERE "shopId" = ? ORDER BY "id"`;
    const fast = await readQuery<Record<string, unknown>>(db(), sql, [shop]);
    expect(fast).toHaveLength(2);
    expect(fast).toEqual(await query(db(), sql, [shop]));
    const pages = [];
    for await (const page of streamOrders(db(), shop)) pages.push(...page);
    expect(pages.map((o) => [o.id, o.lines.length])).toEqual([["9007199254740995", 2]]);
    const other = await createBackend("sqlite");
    try {
      expect(fastReader(other.db)).toBeNull(); // another database keeps its own (Prisma) path
    } finally {
      await other.drop();
    }
    await db().$transaction(async (tx) => expect(fastReader(tx)).toBeNull()); // a transaction keeps its own view
  });
});
