/** The customers model, one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import type { CustomerRecord } from "../ingest/records";
import { deleteCustomer, knownCustomerIds, upsertCustomer } from "./customers.server";
import { writeTransaction } from "./sql.server";

const ID = "115310627314723954";
const rec = (c: Partial<CustomerRecord> = {}): CustomerRecord => ({
  id: ID,
  state: "enabled",
  countryCode: "CA",
  provinceCode: "ON",
  tags: ["vip"],
  createdAt: new Date("2025-01-01T00:00:00Z"),
  updatedAt: new Date("2026-01-02T00:00:00Z"),
  ...c,
});

eachBackend("customers model", (b) => {
  const apply = (shop: string, c: CustomerRecord) => writeTransaction(b().db, (tx) => upsertCustomer(tx, shop, c));
  const stored = (shop: string) => b().db.customer.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: ID } } });

  it("stores the customer; newer and equal versions apply, an older one is ignored", async () => {
    const shop = uniqueShop();
    expect(await apply(shop, rec())).toEqual({ outcome: "customer applied", changes: [{ kind: "customer", entityId: ID }] });
    expect(await stored(shop)).toMatchObject({ state: "enabled", countryCode: "CA", provinceCode: "ON", tags: '["vip"]' });
    expect(await apply(shop, rec({ tags: ["old"], updatedAt: new Date("2026-01-01T00:00:00Z") }))).toEqual({ outcome: "ignored: older than stored", changes: [] });
    expect((await stored(shop)).tags).toBe('["vip"]');
    expect((await apply(shop, rec({ tags: ["same-version"] }))).outcome).toBe("customer applied");
    await apply(shop, rec({ tags: [], countryCode: "US", provinceCode: null, updatedAt: new Date("2026-01-03T00:00:00Z") }));
    const after = await stored(shop);
    expect(after).toMatchObject({ tags: "[]", countryCode: "US", provinceCode: null });
    expect(after.shopifyUpdatedAt?.toISOString()).toBe("2026-01-03T00:00:00.000Z");
  });

  it("a payload without a version applies (nothing to compare); a deleted customer stays deleted", async () => {
    const shop = uniqueShop();
    await apply(shop, rec());
    expect((await apply(shop, rec({ tags: ["unversioned"], updatedAt: null }))).outcome).toBe("customer applied");
    expect((await stored(shop)).tags).toBe('["unversioned"]');
    expect(await writeTransaction(b().db, (tx) => deleteCustomer(tx, shop, ID))).toEqual({ outcome: "customer deleted", changes: [{ kind: "customer", entityId: ID }] });
    expect(await apply(shop, rec({ updatedAt: new Date("2030-01-01T00:00:00Z") }))).toEqual({ outcome: "ignored: customer was deleted", changes: [] });
    expect(await stored(shop)).toMatchObject({ state: "deleted", countryCode: null, provinceCode: null, tags: "[]", birthday: null });
  });

  it("is shop-scoped: the same id in two shops is two customers", async () => {
    const a = uniqueShop();
    const c = uniqueShop();
    await apply(a, rec());
    await apply(c, rec({ countryCode: "FR" }));
    await writeTransaction(b().db, (tx) => deleteCustomer(tx, a, ID));
    expect((await stored(c)).countryCode).toBe("FR");
    expect((await stored(c)).deletedAt).toBeNull();
  });

  it("knownCustomerIds: only this shop's customers that are not deleted, over many chunks", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    const ids = Array.from({ length: 703 }, (_, i) => String(9_007_199_254_740_993n + BigInt(i)));
    await writeTransaction(b().db, async (tx) => {
      for (const id of ids.slice(0, 700)) await upsertCustomer(tx, shop, rec({ id }));
      await upsertCustomer(tx, other, rec({ id: ids[701] }));
      await deleteCustomer(tx, shop, ids[5]);
    });
    const known = await knownCustomerIds(b().db, shop, ids);
    expect(known.size).toBe(699);
    expect(known.has(ids[0]) && known.has(ids[699])).toBe(true);
    expect(known.has(ids[5]) || known.has(ids[701]) || known.has(ids[702])).toBe(false);
    expect(await knownCustomerIds(b().db, shop, [])).toEqual(new Set());
  });
});
