/**
 * Saving the Settings page. The free-shipping threshold has one source, Shop.settings, which the
 * storefront API reads; the cart block (Liquid, no database) reads the same value from an app-data
 * metafield, `app.metafields.attune.free_shipping_threshold_cents`, written here with metafieldsSet
 * (or deleted) before the settings are stored, so the two never disagree after a save.
 */
import { db } from "../db.server";
import { readSettings, saveSettings, validateSettings, type SettingsForm } from "../models/settings.server";
import type { AdminClient } from "../shopify/admin-api/client.server";
import { APP_INSTALLATION_QUERY, METAFIELDS_DELETE, METAFIELDS_SET } from "../shopify/admin-api/documents";
import type { FieldErrors } from "../utils/form-errors.server";
import { adminClientFor } from "./offers.server";
import { writeTransaction } from "../models/sql.server";

export const THRESHOLD_METAFIELD = { namespace: "attune", key: "free_shipping_threshold_cents" } as const;

/** Writes (or removes) the cart block's threshold metafield on the app installation. */
export async function syncThresholdMetafield(client: AdminClient, cents: number | null): Promise<string | null> {
  const { currentAppInstallation } = await client.request<{ currentAppInstallation: { id: string } }>(APP_INSTALLATION_QUERY);
  const ownerId = currentAppInstallation.id;
  if (cents == null) {
    const r = await client.request<{ metafieldsDelete: { userErrors: { message: string }[] } }>(METAFIELDS_DELETE, { metafields: [{ ownerId, ...THRESHOLD_METAFIELD }] });
    return r.metafieldsDelete.userErrors.map((e) => e.message).join("; ") || null;
  }
  const r = await client.request<{ metafieldsSet: { userErrors: { message: string }[] } }>(METAFIELDS_SET, {
    metafields: [{ ownerId, ...THRESHOLD_METAFIELD, type: "number_integer", value: String(cents) }],
  });
  return r.metafieldsSet.userErrors.map((e) => e.message).join("; ") || null;
}

export async function saveSettingsPage(shop: string, actor: string, form: Partial<SettingsForm>, opts: { client?: AdminClient } = {}): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const database = db();
  const v = validateSettings(await readSettings(database, shop), form);
  if (!v.ok) return v;
  try {
    const problem = await syncThresholdMetafield(opts.client ?? (await adminClientFor(shop)), v.next.freeShippingThresholdCents);
    if (problem) return { ok: false, errors: { freeShippingThreshold: `Shopify did not save the threshold for the cart block: ${problem}` } };
  } catch (e) {
    return { ok: false, errors: { _form: `Shopify could not be reached to update the cart block's threshold; nothing was saved (${(e as Error).message})` } };
  }
  return writeTransaction(database, (tx) => saveSettings(tx, shop, actor, form));
}
