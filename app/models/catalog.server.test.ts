/** The catalog model, one shared suite on every backend (tests/helpers/databases.ts). */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import type { ProductRecord } from "../ingest/records";
import { deleteProduct, upsertProduct } from "./catalog.server";
import { writeTransaction } from "./sql.server";

const ID = "9007199254740993";

function rec(p: Partial<ProductRecord> = {}): ProductRecord {
  return {
    id: ID,
    title: "Cork Mat",
    handle: "cork-mat",
    productType: "Yoga",
    vendor: "Asana",
    tags: ["eco", "new"],
    status: "active",
    publishedAt: new Date("2026-01-02T00:00:00Z"),
    imageUrl: "https://cdn.shopify.com/mat.jpg",
    createdAt: new Date("2026-01-01T00:00:00Z"),
    updatedAt: new Date("2026-02-01T00:00:00Z"),
    variants: [
      { id: "9007199254740997", title: "Indigo", priceCents: 8999, available: false, position: 2 },
      { id: "9007199254740995", title: "Natural", priceCents: 9999, available: true, position: 1 },
      { id: "9007199254740999", title: "Sale", priceCents: 4999, available: true, position: 3 },
    ],
    ...p,
  };
}

eachBackend("catalog model", (b) => {
  const apply = (shop: string, p: ProductRecord) => writeTransaction(b().db, (tx) => upsertProduct(tx, shop, p));
  const product = (shop: string) => b().db.product.findUniqueOrThrow({ where: { shopId_id: { shopId: shop, id: ID } } });
  const variants = (shop: string) => b().db.variant.findMany({ where: { shopId: shop, productId: ID }, orderBy: { position: "asc" }, select: { id: true, priceCents: true, available: true, position: true } });

  it("stores the product: min price and default variant from buyable variants, tags and collections as JSON, exact ids", async () => {
    const shop = uniqueShop();
    expect(await apply(shop, rec({ collections: ["yoga"] }))).toEqual({ outcome: "product created", changes: [{ kind: "product", entityId: ID }] });
    expect(await product(shop)).toMatchObject({ priceMinCents: 4999, available: true, defaultVariantId: "9007199254740995", tags: '["eco","new"]', collections: '["yoga"]', status: "active" });
    expect((await variants(shop)).map((v) => v.id)).toEqual(["9007199254740995", "9007199254740997", "9007199254740999"]);
    // Nothing buyable: unavailable, price from all variants. No variants at all: available.
    const sold = uniqueShop();
    await apply(sold, rec({ variants: rec().variants.map((v) => ({ ...v, available: false })) }));
    expect(await product(sold)).toMatchObject({ available: false, priceMinCents: 4999, defaultVariantId: "9007199254740995" });
    const bare = uniqueShop();
    await apply(bare, rec({ variants: [] }));
    expect(await product(bare)).toMatchObject({ available: true, priceMinCents: 0, defaultVariantId: null });
  });

  it("an update replaces the variants; collections unknown to the source (webhooks) are kept; an older payload is ignored", async () => {
    const shop = uniqueShop();
    await apply(shop, rec({ collections: ["yoga", "gifts"] }));
    const updated = await apply(shop, rec({ updatedAt: new Date("2026-03-01T00:00:00Z"), title: "Cork Mat 2", variants: [{ id: "9007199254741001", title: "One", priceCents: 100, available: true, position: 1 }] }));
    expect(updated.outcome).toBe("product updated");
    expect(await product(shop)).toMatchObject({ title: "Cork Mat 2", collections: '["yoga","gifts"]', priceMinCents: 100 });
    expect((await variants(shop)).map((v) => v.id)).toEqual(["9007199254741001"]);
    expect(await apply(shop, rec({ title: "Old", updatedAt: new Date("2026-02-15T00:00:00Z") }))).toEqual({ outcome: "ignored: older than stored", changes: [] });
    expect((await product(shop)).title).toBe("Cork Mat 2");
  });

  it("a deleted product stays deleted, without variants; other shops' products are untouched", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await apply(shop, rec());
    await apply(other, rec());
    expect(await writeTransaction(b().db, (tx) => deleteProduct(tx, shop, ID))).toEqual({ outcome: "product deleted", changes: [{ kind: "product", entityId: ID }] });
    expect(await apply(shop, rec({ updatedAt: new Date("2030-01-01T00:00:00Z") }))).toEqual({ outcome: "ignored: product was deleted", changes: [] });
    expect(await product(shop)).toMatchObject({ status: "deleted", available: false, title: "", imageUrl: null, tags: "[]" });
    expect(await variants(shop)).toEqual([]);
    expect(await product(other)).toMatchObject({ status: "active", title: "Cork Mat" });
    expect(await variants(other)).toHaveLength(3);
  });
});
