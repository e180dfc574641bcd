/** After OAuth: record the shop. The backfill of its history is started by app/services/backfill.server.ts. */
import { db } from "../db.server";
import { markInstalled } from "../models/shop.server";

export async function onInstalled(shop: string, _accessToken: string, scopes: string | null) {
  await markInstalled(db(), shop, scopes);
}
