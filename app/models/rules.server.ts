/**
 * Merchant rules (one aggregate): list, get, save, duplicate, delete, enable/disable, reorder.
 * save() validates with the engine's validateRule (segment ids checked against the shop's
 * segments) and answers field errors keyed by the engine's paths ("content.bannerImageUrl",
 * "segmentIds[0]", "offer.code"). Every write records an audit entry and a `config` change event in
 * the same transaction. Columns hold what the engine sorts and filters on (enabled, priority,
 * schedule); the definition JSON holds the rest.
 */
import crypto from "node:crypto";
import type { Db } from "../db.server";
import { compareRules, validateRule, type Rule } from "../engine/rules";
import type { SegmentDefinition } from "../engine/segments/condition";
import type { Placement } from "../engine/types";
import { findOfferByCode, isUsable } from "./offers.server";
import { recordAudit } from "./audit.server";
import { appendChanges } from "./changes.server";
import { ensureSegments, fieldErrors, type SaveResult } from "./segments.server";
import { parseJsonObject, type Tx } from "./types";

export interface StoredRule extends Rule {
  createdAt: number;
  updatedAt: number;
  /** Why the engine skips this stored rule (invalid definition), or null. */
  problem: string | null;
}

type RuleRow = { id: string; name: string; enabled: boolean; priority: number; definition: string; startsAt: Date | null; endsAt: Date | null; createdAt: Date; updatedAt: Date };

function fromRow(row: RuleRow): StoredRule {
  const def = parseJsonObject(row.definition);
  const rule = {
    segmentIds: [],
    placements: [],
    content: {},
    strategy: "trending",
    offer: null,
    ...def,
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    priority: row.priority,
    startsAt: row.startsAt ? row.startsAt.getTime() : null,
    endsAt: row.endsAt ? row.endsAt.getTime() : null,
    createdAt: row.createdAt.getTime(),
  } as Rule;
  const v = validateRule(rule);
  return { ...rule, updatedAt: row.updatedAt.getTime(), createdAt: row.createdAt.getTime(), problem: v.ok ? null : v.errors.map((e) => `${e.path}: ${e.message}`).join("; ") };
}

/** Highest priority first, as the engine ranks them (compareRules). */
export async function listRules(tx: Tx, shop: string): Promise<StoredRule[]> {
  const rows = await tx.rule.findMany({ where: { shopId: shop } });
  return rows.map(fromRow).sort(compareRules);
}

export async function getRule(tx: Tx, shop: string, id: string): Promise<StoredRule | null> {
  const row = await tx.rule.findUnique({ where: { shopId_id: { shopId: shop, id } } });
  return row ? fromRow(row) : null;
}

function columns(r: Rule) {
  const { segmentIds, placements, content, strategy, offer, filters } = r;
  return {
    name: r.name,
    enabled: r.enabled,
    priority: r.priority,
    startsAt: r.startsAt != null ? new Date(r.startsAt) : null,
    endsAt: r.endsAt != null ? new Date(r.endsAt) : null,
    definition: JSON.stringify({ segmentIds, placements, content, strategy, offer: offer ?? null, filters: filters ?? null }),
  };
}

async function log(tx: Tx, shop: string, actor: string, id: string, action: string, summary: string) {
  await recordAudit(tx, shop, { actor, action, entityType: "rule", entityId: id, summary });
  await appendChanges(tx, shop, [{ kind: "config", entityId: `rule:${id}` }]);
}

const newRuleId = () => `r_${crypto.randomUUID().replace(/-/g, "").slice(0, 10)}`;

export interface SaveRuleOptions {
  /** Segments a template brings: created (if missing) in the same transaction, known to validation. */
  createSegments?: SegmentDefinition[];
}

/** Creates (id null) or updates a rule from the form's rule object (engine shape, times in epoch ms). */
export async function saveRule(db: Db, shop: string, actor: string, id: string | null, input: Record<string, unknown>, opts: SaveRuleOptions = {}): Promise<SaveResult<StoredRule>> {
  return db.$transaction(async (tx) => {
    const existing = id ? await getRule(tx, shop, id) : null;
    if (id && !existing) return { ok: false as const, errors: { _form: "This rule no longer exists." } };
    const ruleId = existing?.id ?? newRuleId();
    const segments = await tx.segment.findMany({ where: { shopId: shop }, select: { id: true } });
    const extra = opts.createSegments ?? [];
    const known = [...segments.map((s) => s.id), ...extra.map((s) => s.id)];
    const { createdAt: _c, updatedAt: _u, problem: _p, ...rest } = input;
    const v = validateRule({ ...rest, id: ruleId }, { knownSegmentIds: known });
    if (!v.ok) return { ok: false as const, errors: fieldErrors(v.errors) };
    const codeProblem = await offerCodeProblem(tx, shop, v.value.offer);
    if (codeProblem) return { ok: false as const, errors: { "offer.code": codeProblem } };
    const used = new Set(v.value.segmentIds);
    await ensureSegments(tx, shop, actor, extra.filter((s) => used.has(s.id)));
    const data = columns(v.value);
    await tx.rule.upsert({ where: { shopId_id: { shopId: shop, id: ruleId } }, create: { shopId: shop, id: ruleId, ...data }, update: data });
    await log(tx, shop, actor, ruleId, existing ? "update" : "create", `${existing ? "Updated" : "Created"} rule "${v.value.name}"`);
    return { ok: true as const, value: (await getRule(tx, shop, ruleId))! };
  });
}

/**
 * Shoppers are never shown a code Shopify does not have: a rule's discount code must be one of the
 * shop's offers (created in Shopify from the Offers page) and still usable there.
 */
async function offerCodeProblem(tx: Tx, shop: string, offer: Rule["offer"]): Promise<string | null> {
  const code = offer?.code?.trim();
  if (!code) return offer?.kind === "discount_code" ? "Choose one of your offers: a discount offer needs a code that exists in Shopify" : null;
  const found = await findOfferByCode(tx, shop, code);
  if (!found) return `${code.toUpperCase()} is not one of your offers: create it on the Offers page first, so that it exists in Shopify`;
  if (!isUsable(found)) return `${found.code} is ${found.status} in Shopify: shoppers cannot use it`;
  return null;
}

/** A copy named "Copy of …", disabled so two identical rules never go live by accident. */
export async function duplicateRule(db: Db, shop: string, actor: string, id: string): Promise<SaveResult<StoredRule>> {
  return db.$transaction(async (tx) => {
    const src = await getRule(tx, shop, id);
    if (!src) return { ok: false as const, errors: { _form: "This rule no longer exists." } };
    const copyId = newRuleId();
    const copy: Rule = { ...src, id: copyId, name: `Copy of ${src.name}`.slice(0, 120), enabled: false };
    await tx.rule.create({ data: { shopId: shop, id: copyId, ...columns(copy) } });
    await log(tx, shop, actor, copyId, "duplicate", `Duplicated rule "${src.name}" as "${copy.name}"`);
    return { ok: true as const, value: (await getRule(tx, shop, copyId))! };
  });
}

export async function deleteRule(db: Db, shop: string, actor: string, id: string): Promise<SaveResult<{ id: string }>> {
  return db.$transaction(async (tx) => {
    const src = await getRule(tx, shop, id);
    if (!src) return { ok: false as const, errors: { _form: "This rule no longer exists." } };
    await tx.rule.delete({ where: { shopId_id: { shopId: shop, id } } });
    await log(tx, shop, actor, id, "delete", `Deleted rule "${src.name}"`);
    return { ok: true as const, value: { id } };
  });
}

export async function setRuleEnabled(db: Db, shop: string, actor: string, id: string, enabled: boolean): Promise<SaveResult<StoredRule>> {
  return db.$transaction(async (tx) => {
    const src = await getRule(tx, shop, id);
    if (!src) return { ok: false as const, errors: { _form: "This rule no longer exists." } };
    await tx.rule.update({ where: { shopId_id: { shopId: shop, id } }, data: { enabled } });
    await log(tx, shop, actor, id, enabled ? "enable" : "disable", `${enabled ? "Enabled" : "Disabled"} rule "${src.name}"`);
    return { ok: true as const, value: (await getRule(tx, shop, id))! };
  });
}

/**
 * New priorities for rules listed highest first: the rules keep the priorities they had between
 * them (sorted), nudged down where needed so the order is strict. A rule on several placements
 * moves in all of them.
 */
export function priorities(current: number[]): number[] {
  const sorted = [...current].sort((a, b) => b - a);
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) out.push(i === 0 ? sorted[0] : Math.min(sorted[i], out[i - 1] - 1));
  return out;
}

export async function reorderRules(db: Db, shop: string, actor: string, orderedIds: string[], placement?: Placement): Promise<SaveResult<StoredRule[]>> {
  return db.$transaction(async (tx) => {
    if (new Set(orderedIds).size !== orderedIds.length) return { ok: false as const, errors: { order: "A rule is listed twice." } };
    const found = new Map((await listRules(tx, shop)).map((r) => [r.id, r]));
    const rules = orderedIds.map((id) => found.get(id));
    if (rules.some((r) => !r)) return { ok: false as const, errors: { order: "A rule in this list no longer exists." } };
    const next = priorities(rules.map((r) => r!.priority));
    const changed: string[] = [];
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      if (r.priority === next[i]) continue;
      await tx.rule.update({ where: { shopId_id: { shopId: shop, id: r.id } }, data: { priority: next[i] } });
      await appendChanges(tx, shop, [{ kind: "config", entityId: `rule:${r.id}` }]);
      changed.push(r.id);
    }
    await recordAudit(tx, shop, {
      actor,
      action: "reorder",
      entityType: "rule",
      entityId: changed.join(",").slice(0, 190) || "-",
      summary: `Reordered ${placement ? `${placement.replace("_", " ")} ` : ""}rules: ${rules.map((r) => `"${r!.name}"`).join(" > ")}`,
    });
    return { ok: true as const, value: await listRules(tx, shop) };
  });
}

/** The shop's IANA time zone for showing schedules (Shop.settings.timezone), UTC when unset. */
export async function shopTimezone(tx: Tx, shop: string): Promise<string> {
  const row = await tx.shop.findUnique({ where: { id: shop }, select: { settings: true } });
  const tz = parseJsonObject(row?.settings).timezone;
  if (typeof tz === "string") {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return tz;
    } catch {
      // not a zone Intl knows: fall back
    }
  }
  return "UTC";
}
