/**
 * The merchant's configuration as the engine needs it: Shop.settings + Segment + Rule rows -> a
 * validated ShopConfig (invalid rows are skipped and reported, never fatal), plus the storefront
 * settings the blocks need, and a cheap fingerprint so engines reload only when it changed.
 */
import { parseShopConfig, validateRule, DEFAULT_SHOP_CONFIG, type Rule, type ShopConfig } from "../engine/rules";
import type { SegmentDefinition } from "../engine/segments/condition";
import { log } from "../utils/log.server";
import { readQuery as query } from "./sqlite-reader.server";
import { bool, ms, type Time } from "./sql.server";
import { parseJsonObject, type Tx } from "./types";


/** Storefront settings kept in Shop.settings next to the engine's ShopConfig keys. */
export interface StorefrontSettings {
  /** Free-shipping threshold shown by the cart bar / returned to the blocks; null = none. */
  freeShippingThresholdCents: number | null;
}

export interface LoadedConfig {
  config: ShopConfig;
  storefront: StorefrontSettings;
  /** Problems found in stored configuration (invalid rows are skipped, never fatal). */
  problems: string[];
}

interface ShopRow {
  id: string;
  currency: string;
  settings: string;
}


export async function shopExists(tx: Tx, shop: string): Promise<boolean> {
  return (await query<{ one: number }>(tx, `SELECT 1 AS "one" FROM "Shop" WHERE "id" = ?`, [shop])).length > 0;
}

/**
 * A cheap fingerprint of everything loadShopConfig reads: the engine reloads the config only when
 * it changes (admin edits do not go through the change feed).
 */
export async function configFingerprint(tx: Tx, shop: string): Promise<string | null> {
  const rows = await query<Record<string, unknown>>(
    tx,
    `SELECT s."updatedAt" AS "shopAt", s."currency" AS "currency", s."settings" AS "settings",
       (SELECT COUNT(*) FROM "Segment" WHERE "shopId" = ?) AS "segments",
       (SELECT MAX("updatedAt") FROM "Segment" WHERE "shopId" = ?) AS "segmentsAt",
       (SELECT COUNT(*) FROM "Rule" WHERE "shopId" = ?) AS "rules",
       (SELECT MAX("updatedAt") FROM "Rule" WHERE "shopId" = ?) AS "rulesAt"
     FROM "Shop" s WHERE s."id" = ?`,
    [shop, shop, shop, shop, shop],
  );
  if (!rows.length) return null;
  const r = rows[0];
  return JSON.stringify([ms(r.shopAt as Time), r.currency, r.settings, String(r.segments), ms(r.segmentsAt as Time), String(r.rules), ms(r.rulesAt as Time)]);
}

/**
 * Shop.settings (a partial ShopConfig plus storefront settings) + Segment rows + Rule rows -> a
 * validated ShopConfig. One bad segment or rule is skipped (and reported); it never takes the
 * storefront down. Returns null when the shop does not exist.
 */
export async function loadShopConfig(tx: Tx, shop: string): Promise<LoadedConfig | null> {
  const shops = await query<ShopRow>(tx, `SELECT "id", "currency", "settings" FROM "Shop" WHERE "id" = ?`, [shop]);
  if (!shops.length) return null;
  const problems: string[] = [];
  const settings = parseJsonObject(shops[0].settings);
  const { freeShippingThresholdCents, segments: _s, rules: _r, currency: _c, ...engineSettings } = settings;

  const segmentRows = await query<{ id: string; name: string; definition: string }>(
    tx,
    `SELECT "id", "name", "definition" FROM "Segment" WHERE "shopId" = ? ORDER BY "id"`,
    [shop],
  );
  const segments: SegmentDefinition[] = [];
  for (const row of segmentRows) {
    const def = parseJsonObject(row.definition);
    // The column holds the condition tree; a full definition ({condition, description}) is accepted too.
    const condition = "condition" in def ? def.condition : def;
    const candidate = { id: row.id, name: row.name, description: typeof def.description === "string" ? def.description : null, condition };
    const check = parseShopConfig({ segments: [candidate] });
    if (check.ok) segments.push(check.value.segments[0]);
    else problems.push(`segment ${row.id}: ${check.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  }

  const ruleRows = await query<{ id: string; name: string; enabled: unknown; priority: number; definition: string; startsAt: Time; endsAt: Time; createdAt: Time }>(
    tx,
    `SELECT "id", "name", "enabled", "priority", "definition", "startsAt", "endsAt", "createdAt" FROM "Rule" WHERE "shopId" = ? ORDER BY "id"`,
    [shop],
  );
  const knownSegmentIds = segments.map((s) => s.id);
  const rules: Rule[] = [];
  for (const row of ruleRows) {
    const def = parseJsonObject(row.definition);
    const candidate = {
      segmentIds: [],
      content: {},
      ...def,
      id: row.id,
      name: row.name,
      enabled: bool(row.enabled),
      priority: Number(row.priority) || 0,
      startsAt: row.startsAt == null ? null : ms(row.startsAt),
      endsAt: row.endsAt == null ? null : ms(row.endsAt),
      createdAt: ms(row.createdAt),
    };
    const v = validateRule(candidate, { knownSegmentIds });
    if (v.ok) rules.push(v.value);
    else problems.push(`rule ${row.id}: ${v.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  }

  const currency = /^[A-Z]{3}$/.test(shops[0].currency) ? shops[0].currency : "USD";
  let parsed = parseShopConfig({ ...engineSettings, segments, rules, currency });
  if (!parsed.ok) {
    problems.push(`settings: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
    parsed = parseShopConfig({ segments, rules, currency });
  }
  const config: ShopConfig = parsed.ok ? parsed.value : { ...DEFAULT_SHOP_CONFIG, currency };
  const threshold = Number(freeShippingThresholdCents);
  const storefront: StorefrontSettings = {
    freeShippingThresholdCents: freeShippingThresholdCents != null && Number.isInteger(threshold) && threshold > 0 ? threshold : null,
  };
  if (problems.length) log.warn("shop configuration has invalid entries (skipped)", { shop, problems: problems.slice(0, 5).join(" | ") });
  return { config, storefront, problems };
}

