/**
 * A stored shop's order history as an offline evaluation dataset (`npm run eval -- --shop`): the
 * orders and catalog are read through the models, exactly as the engine build reads them, and laid
 * out as the Reality Check JSON files any next-basket method can read.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Db } from "../db.server";
import { ordersToRealityCheck, type RealityCheckExport } from "../engine/eval/shop-export";
import type { OrderFact } from "../engine/types";
import { loadProducts, streamOrders } from "../models/store-data.server";

export interface ShopHistoryFiles {
  history: string;
  future: string;
  items: string;
  customers: number;
  /** Item number -> product title (for readable evaluation output). */
  titles: Map<string, string>;
}

export async function exportShopHistory(db: Db, shop: string): Promise<{ data: RealityCheckExport; titles: Map<string, string> }> {
  const orders: OrderFact[] = [];
  for await (const page of streamOrders(db, shop)) orders.push(...page);
  const data = ordersToRealityCheck(orders);
  const title = new Map((await loadProducts(db, shop)).map((p) => [p.id, p.title]));
  const titles = new Map(data.items.map((id, i) => [String(i), title.get(id) ?? `Product ${id}`]));
  return { data, titles };
}

/** Writes `<shop>_history.json`, `<shop>_future.json` and `<shop>_items.json` (number -> product id) into dir. */
export async function writeShopHistory(db: Db, shop: string, dir: string): Promise<ShopHistoryFiles> {
  const { data, titles } = await exportShopHistory(db, shop);
  mkdirSync(dir, { recursive: true });
  const file = (suffix: string) => path.join(dir, `${shop}_${suffix}.json`);
  writeFileSync(file("history"), JSON.stringify(data.history));
  writeFileSync(file("future"), JSON.stringify(data.future));
  writeFileSync(file("items"), JSON.stringify(data.items));
  return { history: file("history"), future: file("future"), items: file("items"), customers: Object.keys(data.future).length, titles };
}
