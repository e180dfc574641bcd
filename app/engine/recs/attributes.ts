/**
 * A product's catalog attributes as keys ("t:tea", "v:acme", "c:123", "g:organic"): what the
 * similarity strategy matches on and what the taste-based popularity rows weigh.
 */
import type { CatalogProduct } from "../types";
import type { StoreModel } from "../model/store-model";

export function keysOf(p: CatalogProduct): string[] {
  const keys: string[] = [];
  if (p.productType) keys.push(`t:${p.productType.toLowerCase()}`);
  if (p.vendor) keys.push(`v:${p.vendor.toLowerCase()}`);
  for (const c of p.collections) keys.push(`c:${c}`);
  for (const g of p.tags) keys.push(`g:${g.toLowerCase()}`);
  return keys;
}

/** Each product's attribute keys ("t:tea", "v:acme", "c:123", "g:organic"), per catalog version. */
export function attributeKeys(model: StoreModel, idx: number): readonly string[] {
  const all = model.cached("attributeKeys", false, () => {
    const keys: (string[] | undefined)[] = [];
    for (let i = 0; i < model.productCapacity; i++) {
      const p = model.productAt(i);
      keys.push(p ? [...new Set(keysOf(p))] : undefined);
    }
    return keys;
  });
  return all[idx] ?? [];
}
