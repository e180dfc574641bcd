/**
 * Merchant segments (one aggregate): list, get, save, duplicate, delete. save() validates with the
 * engine's own validator (validateSegment) and answers field errors keyed by the engine's paths
 * ("name", "condition.all[2].value"), which the admin shows beside the field. Every write records an
 * audit entry and a `config` change event in the same transaction.
 */
import type { Db } from "../db.server";
import { validateSegment, type Condition, type SegmentDefinition } from "../engine/segments/condition";
import { isReservedSegmentId } from "../engine/segments/builtin";
import type { FieldErrors } from "../utils/form-errors.server";
import { recordAudit } from "./audit.server";
import { appendChanges } from "./changes.server";
import { parseJsonObject, type Tx } from "./types";

export interface StoredSegment extends SegmentDefinition {
  createdAt: Date;
  updatedAt: Date;
}

export type SaveResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export interface SegmentInput {
  name?: unknown;
  description?: unknown;
  condition?: unknown;
}

function fromRow(row: { id: string; name: string; definition: string; createdAt: Date; updatedAt: Date }): StoredSegment {
  const def = parseJsonObject(row.definition);
  // The column holds {condition, description}; older rows hold the bare condition tree.
  const condition = ("condition" in def ? def.condition : def) as Condition;
  return { id: row.id, name: row.name, description: typeof def.description === "string" ? def.description : null, condition, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export async function listSegments(tx: Tx, shop: string): Promise<StoredSegment[]> {
  const rows = await tx.segment.findMany({ where: { shopId: shop }, orderBy: [{ name: "asc" }, { id: "asc" }] });
  return rows.map(fromRow);
}

export async function getSegment(tx: Tx, shop: string, id: string): Promise<StoredSegment | null> {
  const row = await tx.segment.findUnique({ where: { shopId_id: { shopId: shop, id } } });
  return row ? fromRow(row) : null;
}

/** "VIPs in Canada" -> "vips_in_canada", unique in the shop and never a built-in's id. */
export async function newSegmentId(tx: Tx, shop: string, name: string): Promise<string> {
  const base = (name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "segment").replace(/^(\d)/, "s_$1");
  const taken = new Set((await tx.segment.findMany({ where: { shopId: shop, id: { startsWith: base } }, select: { id: true } })).map((r) => r.id));
  for (let i = 1; ; i++) {
    const id = i === 1 ? base : `${base}_${i}`;
    if (!taken.has(id) && !isReservedSegmentId(id)) return id;
  }
}

/** The engine's validation messages as form field errors (first message per path). */
export function fieldErrors(errors: { path: string; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) out[e.path === "(root)" ? "_form" : e.path] ??= e.message;
  return out;
}

async function write(tx: Tx, shop: string, actor: string, def: SegmentDefinition, action: "create" | "update" | "duplicate") {
  const definition = JSON.stringify({ condition: def.condition, description: def.description ?? null });
  await tx.segment.upsert({
    where: { shopId_id: { shopId: shop, id: def.id } },
    create: { shopId: shop, id: def.id, name: def.name, definition },
    update: { name: def.name, definition },
  });
  const verb = action === "create" ? "Created" : action === "update" ? "Updated" : "Duplicated";
  await recordAudit(tx, shop, { actor, action, entityType: "segment", entityId: def.id, summary: `${verb} segment "${def.name}"` });
  await appendChanges(tx, shop, [{ kind: "config", entityId: `segment:${def.id}` }]);
}

/**
 * Creates (id null) or updates a segment. Unknown id on update: error on `_form`. Template
 * segments pass their own id (opts.id with opts.create).
 */
export async function saveSegment(db: Db, shop: string, actor: string, id: string | null, input: SegmentInput): Promise<SaveResult<StoredSegment>> {
  return db.$transaction(async (tx) => {
    const existing = id ? await getSegment(tx, shop, id) : null;
    if (id && !existing) return { ok: false as const, errors: { _form: "This segment no longer exists." } };
    const name = typeof input.name === "string" ? input.name.trim() : input.name;
    const segId = existing?.id ?? (typeof name === "string" && name ? await newSegmentId(tx, shop, name) : "new");
    const v = validateSegment({ id: segId, name, description: typeof input.description === "string" && input.description.trim() ? input.description.trim() : null, condition: input.condition });
    if (!v.ok) return { ok: false as const, errors: fieldErrors(v.errors) };
    await write(tx, shop, actor, v.value, existing ? "update" : "create");
    return { ok: true as const, value: (await getSegment(tx, shop, segId))! };
  });
}

/** Creates the segments a rule template brings that the shop does not have yet (same transaction). */
export async function ensureSegments(tx: Tx, shop: string, actor: string, defs: SegmentDefinition[]): Promise<void> {
  for (const d of defs) {
    if (await getSegment(tx, shop, d.id)) continue;
    const v = validateSegment(d);
    if (v.ok && !isReservedSegmentId(d.id)) await write(tx, shop, actor, v.value, "create");
  }
}

export async function duplicateSegment(db: Db, shop: string, actor: string, id: string): Promise<SaveResult<StoredSegment>> {
  return db.$transaction(async (tx) => {
    const src = await getSegment(tx, shop, id);
    if (!src) return { ok: false as const, errors: { _form: "This segment no longer exists." } };
    const name = `Copy of ${src.name}`.slice(0, 120);
    const copy: SegmentDefinition = { id: await newSegmentId(tx, shop, name), name, description: src.description, condition: src.condition };
    await write(tx, shop, actor, copy, "duplicate");
    return { ok: true as const, value: (await getSegment(tx, shop, copy.id))! };
  });
}

/** Rules (id, name) whose definition targets the segment. */
export async function rulesUsingSegment(tx: Tx, shop: string, id: string): Promise<{ id: string; name: string }[]> {
  const rows = await tx.rule.findMany({ where: { shopId: shop }, select: { id: true, name: true, definition: true } });
  return rows.filter((r) => {
    const ids = parseJsonObject(r.definition).segmentIds;
    return Array.isArray(ids) && ids.includes(id);
  }).map(({ id, name }) => ({ id, name }));
}

/** Refused while a rule targets the segment (the rule would silently stop matching anyone). */
export async function deleteSegment(db: Db, shop: string, actor: string, id: string): Promise<SaveResult<{ id: string }>> {
  return db.$transaction(async (tx) => {
    const src = await getSegment(tx, shop, id);
    if (!src) return { ok: false as const, errors: { _form: "This segment no longer exists." } };
    const users = await rulesUsingSegment(tx, shop, id);
    if (users.length) return { ok: false as const, errors: { _form: `Used by ${users.length === 1 ? "rule" : "rules"} ${users.map((r) => `"${r.name}"`).join(", ")}: remove it from them first.` } };
    await tx.segment.delete({ where: { shopId_id: { shopId: shop, id } } });
    await recordAudit(tx, shop, { actor, action: "delete", entityType: "segment", entityId: id, summary: `Deleted segment "${src.name}"` });
    await appendChanges(tx, shop, [{ kind: "config", entityId: `segment:${id}` }]);
    return { ok: true as const, value: { id } };
  });
}
