/** After OAuth: record the shop and start loading its history (app/services/backfill.server.ts). */
import { db } from "../db.server";
import { markInstalled } from "../models/shop.server";
import { startBackfill } from "./backfill.server";

export async function onInstalled({ shop, accessToken, scopes }: { shop: string; accessToken: string; scopes: string | null }) {
  await markInstalled(db(), shop, scopes);
  // Background: never delays the OAuth redirect. A finished backfill is not repeated on re-auth.
  if (accessToken) void startBackfill(shop, accessToken);
}
