/**
 * The merchant's configuration as the engine needs it: Shop.settings + Segment + Rule rows -> a
 * validated ShopConfig (invalid rows are skipped and reported, never fatal), plus the storefront
 * settings the blocks need.
 *
 * Engines reload a shop's configuration when they follow a `config` event on the change feed, so
 * every write to Shop.settings, Segment or Rule appends one in its own transaction (putRule below;
 * admin model modules call appendChanges(tx, shop, [{ kind: "config", entityId }]) the same way).
 */
import { parseShopConfig, validateRule, DEFAULT_SHOP_CONFIG, type Rule, type ShopConfig } from "../engine/rules";
import type { SegmentDefinition } from "../engine/segments/condition";
import { log } from "../utils/log.server";
import { readQuery as query } from "./sqlite-reader.server";
import type { Db } from "../db.server";
import { appendChanges } from "./changes.server";
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

/** The shop's currency (from the Admin API at install), with its `config` event: prices and offers read it. */
export async function setShopCurrency(db: Db, shop: string, currency: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.shop.updateMany({ where: { id: shop, NOT: { currency } }, data: { currency } });
    if (count) await appendChanges(tx, shop, [{ kind: "config", entityId: "settings" }]);
  });
}

/** A rule as stored: the engine's definition (placements, segmentIds, strategy, content, offer) as JSON. */
export interface RuleInput {
  id: string;
  name: string;
  enabled?: boolean;
  priority?: number;
  definition: Record<string, unknown>;
  startsAt?: Date | null;
  endsAt?: Date | null;
}

/** Inserts or replaces a rule, with its `config` event in the same transaction. */
export async function putRule(db: Db, shop: string, rule: RuleInput): Promise<void> {
  const data = {
    name: rule.name,
    enabled: rule.enabled ?? true,
    priority: rule.priority ?? 0,
    definition: JSON.stringify(rule.definition),
    startsAt: rule.startsAt ?? null,
    endsAt: rule.endsAt ?? null,
  };
  await db.$transaction(async (tx) => {
    await tx.rule.upsert({ where: { shopId_id: { shopId: shop, id: rule.id } }, create: { shopId: shop, id: rule.id, ...data }, update: data });
    await appendChanges(tx, shop, [{ kind: "config", entityId: `rule:${rule.id}` }]);
  });
}

/** Deletes a rule, with its `config` event in the same transaction; false when there was none. */
export async function removeRule(db: Db, shop: string, id: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.rule.deleteMany({ where: { shopId: shop, id } });
    if (count) await appendChanges(tx, shop, [{ kind: "config", entityId: `rule:${id}` }]);
    return count > 0;
  });
}
