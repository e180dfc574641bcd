import type { ProductRecord } from "../ingest/records";
import { type Applied, type Tx, isStale, json } from "./types";

export async function upsertProduct(tx: Tx, shop: string, p: ProductRecord): Promise<Applied> {
  const existing = await tx.product.findUnique({
    where: { shopId_id: { shopId: shop, id: p.id } },
    select: { shopifyUpdatedAt: true, deletedAt: true },
  });
  if (existing?.deletedAt) return { outcome: "ignored: product was deleted", changes: [] };
  if (isStale(p.updatedAt, existing?.shopifyUpdatedAt)) return { outcome: "ignored: older than stored", changes: [] };

  const variants = [...p.variants].sort((a, b) => a.position - b.position);
  const buyable = variants.filter((v) => v.available);
  const prices = (buyable.length ? buyable : variants).map((v) => v.priceCents);
  const data = {
    title: p.title,
    handle: p.handle,
    productType: p.productType,
    vendor: p.vendor,
    tags: json(p.tags),
    ...(p.collections ? { collections: json(p.collections) } : {}),
    status: p.status,
    publishedAt: p.publishedAt,
    imageUrl: p.imageUrl,
    priceMinCents: prices.length ? Math.min(...prices) : 0,
    available: variants.length === 0 ? true : buyable.length > 0,
    defaultVariantId: (buyable[0] ?? variants[0])?.id ?? null,
    shopifyCreatedAt: p.createdAt,
    shopifyUpdatedAt: p.updatedAt,
  };
  await tx.product.upsert({
    where: { shopId_id: { shopId: shop, id: p.id } },
    create: { shopId: shop, id: p.id, ...data },
    update: data,
  });
  await tx.variant.deleteMany({ where: { shopId: shop, productId: p.id } });
  if (variants.length) {
    await tx.variant.createMany({
      data: variants.map((v) => ({ shopId: shop, id: v.id, productId: p.id, title: v.title, priceCents: v.priceCents, available: v.available, position: v.position })),
    });
  }
  return { outcome: existing ? "product updated" : "product created", changes: [{ kind: "product", entityId: p.id }] };
}

/** Tombstone: keeps the id so a late products/update cannot bring the product back. */
export async function deleteProduct(tx: Tx, shop: string, id: string): Promise<Applied> {
  await tx.variant.deleteMany({ where: { shopId: shop, productId: id } });
  const tomb = { title: "", handle: "", status: "deleted", available: false, deletedAt: new Date(), tags: "[]", collections: "[]", imageUrl: null };
  await tx.product.upsert({
    where: { shopId_id: { shopId: shop, id } },
    create: { shopId: shop, id, ...tomb },
    update: tomb,
  });
  return { outcome: "product deleted", changes: [{ kind: "product", entityId: id }] };
}
