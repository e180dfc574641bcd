/** The audit log model, one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { type AuditEntry, listAudit, recordAudit } from "./audit.server";

const entry = (n: number, e: Partial<AuditEntry> = {}): AuditEntry => ({ actor: "staff-1", action: "update", entityType: n % 2 ? "rule" : "segment", entityId: `e${n}`, summary: `change ${n}`, ...e });

eachBackend("audit model", (b) => {
  it("records entries and lists them newest first, shop by shop", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    for (let n = 1; n <= 3; n++) await recordAudit(b().db, shop, entry(n));
    await recordAudit(b().db, other, entry(9, { summary: "elsewhere" }));
    const list = await listAudit(b().db, shop);
    expect(list.map((e) => e.entityId)).toEqual(["e3", "e2", "e1"]);
    expect(list[0]).toMatchObject({ actor: "staff-1", action: "update", entityType: "rule", summary: "change 3" });
    expect(list[0].createdAt).toBeInstanceOf(Date);
    expect(Object.keys(list[0]).sort()).toEqual(["action", "actor", "createdAt", "entityId", "entityType", "id", "summary"]);
    expect((await listAudit(b().db, other)).map((e) => e.summary)).toEqual(["elsewhere"]);
  });

  it("pages by id (before), filters by entity type, clamps the limit to 1..200, caps a summary at 500 characters", async () => {
    const shop = uniqueShop();
    for (let n = 1; n <= 6; n++) await recordAudit(b().db, shop, entry(n));
    const first = await listAudit(b().db, shop, { limit: 2 });
    expect(first.map((e) => e.entityId)).toEqual(["e6", "e5"]);
    const next = await listAudit(b().db, shop, { limit: 2, before: first[1].id });
    expect(next.map((e) => e.entityId)).toEqual(["e4", "e3"]);
    expect((await listAudit(b().db, shop, { entityType: "rule" })).map((e) => e.entityId)).toEqual(["e5", "e3", "e1"]);
    expect(await listAudit(b().db, shop, { limit: 0 })).toHaveLength(1);
    expect(await listAudit(b().db, shop, { limit: 10_000 })).toHaveLength(6);
    await recordAudit(b().db, shop, entry(7, { summary: "x".repeat(2000) }));
    expect((await listAudit(b().db, shop, { limit: 1 }))[0].summary).toHaveLength(500);
  });

  it("an entry written in a transaction that rolls back is not recorded", async () => {
    const shop = uniqueShop();
    await expect(
      b().db.$transaction(async (tx) => {
        await recordAudit(tx, shop, entry(1));
        throw new Error("the write failed");
      }),
    ).rejects.toThrow("the write failed");
    expect(await listAudit(b().db, shop)).toEqual([]);
  });
});
