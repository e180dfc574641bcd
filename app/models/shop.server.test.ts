/** The shop model (install state, scopes), one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { createDb } from "../db.server";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { ensureShop, forgetShop, markInstalled, markUninstalled, updateScopes } from "./shop.server";

eachBackend("shop model", (b) => {
  const session = (shop: string, id: string) => b().db.session.create({ data: { id, shop, state: "", isOnline: id.startsWith("online"), accessToken: "shpat_x", scope: "read_products" } });

  it("ensureShop creates the row once and leaves an existing one as it is; forgetShop lets it be created again", async () => {
    const shop = uniqueShop();
    await ensureShop(b().db, shop);
    await ensureShop(b().db, shop);
    expect(await b().db.shop.count({ where: { id: shop } })).toBe(1);
    await b().db.shop.update({ where: { id: shop }, data: { currency: "EUR" } });
    await ensureShop(b().db, shop);
    expect((await b().db.shop.findUniqueOrThrow({ where: { id: shop } })).currency).toBe("EUR");
    await b().db.shop.delete({ where: { id: shop } });
    await ensureShop(b().db, shop); // cached: no query, so no row
    expect(await b().db.shop.count({ where: { id: shop } })).toBe(0);
    forgetShop(b().db, shop);
    await ensureShop(b().db, shop);
    expect(await b().db.shop.count({ where: { id: shop } })).toBe(1);
  });

  it("ensureShop on a shop's first webhooks, arriving at several instances at once: one row, no error", async () => {
    // Each instance has its own client and cache; the first deliveries of a new shop race to create it.
    const clients = Array.from({ length: 6 }, () => createDb(b().url));
    try {
      for (let round = 0; round < 5; round++) {
        const shop = uniqueShop();
        await Promise.all(clients.map((c) => ensureShop(c, shop)));
        expect(await b().db.shop.count({ where: { id: shop } })).toBe(1);
      }
    } finally {
      await Promise.all(clients.map((c) => c.$disconnect()));
    }
  });

  it("install and uninstall: scopes recorded, sessions removed on uninstall, a re-install clears uninstalledAt", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await markInstalled(b().db, shop, "read_products,read_orders");
    await session(shop, `offline_${shop}`);
    await session(other, `offline_${other}`);
    await markUninstalled(b().db, shop);
    const gone = await b().db.shop.findUniqueOrThrow({ where: { id: shop } });
    expect(gone.uninstalledAt).not.toBeNull();
    expect(gone.scopes).toBe("read_products,read_orders");
    expect(await b().db.session.count({ where: { shop } })).toBe(0);
    expect(await b().db.session.count({ where: { shop: other } })).toBe(1);
    await markInstalled(b().db, shop, null);
    expect(await b().db.shop.findUniqueOrThrow({ where: { id: shop } })).toMatchObject({ uninstalledAt: null, scopes: "read_products,read_orders" });
    // Uninstalling a shop never seen is a no-op, not an error.
    await markUninstalled(b().db, uniqueShop());
  });

  it("updateScopes writes the granted scopes on the shop and its sessions only", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await markInstalled(b().db, shop, "read_products");
    await markInstalled(b().db, other, "read_products");
    await session(shop, `offline_${shop}`);
    await session(other, `offline_${other}`);
    await updateScopes(b().db, shop, ["read_products", "write_discounts"]);
    expect((await b().db.shop.findUniqueOrThrow({ where: { id: shop } })).scopes).toBe("read_products,write_discounts");
    expect((await b().db.session.findFirstOrThrow({ where: { shop } })).scope).toBe("read_products,write_discounts");
    expect((await b().db.shop.findUniqueOrThrow({ where: { id: other } })).scopes).toBe("read_products");
    expect((await b().db.session.findFirstOrThrow({ where: { shop: other } })).scope).toBe("read_products");
  });
});
